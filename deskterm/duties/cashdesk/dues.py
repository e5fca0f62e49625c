"""What a unit owes: its charges less what payments settled of them [5.1][7.4.13].

A charge's outstanding amount is never stored: it is ``Charge.amount`` less the sum of the
``PaymentLine`` rows that point at it (a voided receipt's reversal adds negative lines, so
the charge is owed again). The payment form (F3), the unit's account and the fee
summaries all read it from here, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from peewee import JOIN, fn

from deskterm.db.models import Charge, FeeItem, Office, PaymentLine, RepairOrder


@dataclass(frozen=True)
class Due:
    """One charge of a unit with something still owed on it."""

    charge_id: int
    fee_item: str  # the fee item's name, as the office calls it (物业服务费)
    kind: str  # FeeItem.kind
    period: str  # "2026-11"
    amount: int  # fen charged
    paid: int  # fen settled so far
    order_number: str | None = None  # the repair order a repair charge came from
    note: str = ""

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid


def paid_by_charge(charge_ids: Iterable[int]) -> dict[int, int]:
    """Fen settled of each charge (reversals included); charges never paid are left out."""
    ids = list(dict.fromkeys(int(i) for i in charge_ids))
    paid: dict[int, int] = {}
    for start in range(0, len(ids), 500):  # SQLite's bound-variable limit
        chunk = ids[start:start + 500]
        for charge_id, total in (
            PaymentLine.select(PaymentLine.charge, fn.SUM(PaymentLine.amount))
            .where(PaymentLine.charge.in_(chunk))
            .group_by(PaymentLine.charge)
            .tuples()
        ):
            paid[charge_id] = int(total or 0)
    return paid


def _id(office: Office | int) -> int:
    return office.get_id() if isinstance(office, Office) else int(office)


def unit_dues(office: Office | int, unit_id: int, *, include_settled: bool = False) -> list[Due]:
    """The unit's charges with something outstanding, oldest period first (then fee item).
    ``include_settled`` keeps the fully paid ones too (the account's history)."""
    rows = list(
        Charge.select(Charge.id, FeeItem.name, FeeItem.kind, Charge.period, Charge.amount,
                      RepairOrder.number, Charge.note)
        .join(FeeItem, on=(Charge.fee_item == FeeItem.id))
        .switch(Charge)
        .join(RepairOrder, JOIN.LEFT_OUTER, on=(Charge.order == RepairOrder.id))
        # ``office + 0``: not the (office, period) index, which walks every charge of the
        # office (30-50 ms at the 1M demo), but the unit's, a few dozen rows.
        .where((Charge.unit == unit_id) & (Charge.office + 0 == _id(office)))
        .order_by(Charge.period, FeeItem.code, Charge.id)
        .tuples()
    )
    paid = paid_by_charge(row[0] for row in rows)
    dues = [Due(cid, name, kind, period, int(amount), paid.get(cid, 0), number, note or "")
            for cid, name, kind, period, amount, number, note in rows]
    return dues if include_settled else [d for d in dues if d.outstanding > 0]
