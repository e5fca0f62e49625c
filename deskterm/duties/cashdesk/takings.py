"""The desk's takings (收款): the payments taken in a period, net of the receipts voided in
it. Every figure of money taken for a period reads it — the daily work record
(``work_records.day_figures``), the fee-collection summary and its report
(``fee_summary``), the dashboard's cash pane (``panes.cash_state``) — so one fact is one
figure wherever the clerk reads it.

The rule, written once here:

- A payment counts in the period its ``taken_at`` falls in (half-open UTC bounds; an
  office-local day from ``clock.day_bounds_utc``), for the clerk who took it, by its method.
- A voided receipt's payment is reversed by a reversal ``Payment`` (the amount negated,
  the same method, ``reverses`` the original) taken at the moment of the void
  (``receipts.void_receipt``). The void counts in the period it was made, for the person
  who voided it, by the payment's method: a receipt voided on a later day leaves its own
  day's figures as they were (a submitted work record, a summary handed over stay true)
  and takes its amount off the later day's.
- Nothing else gives money back: no duty writes a refund (``CashEntry`` kind "refund"
  exists in the model, never written), so a negative payment is always a void's reversal.
- Every sum is the database's over integer fen (``MoneyField``): nothing is rounded.

What a drawer holds is the drawer's own ledger (``CashEntry``, ``cash.drawer``): a cash
payment and a void's reversal are each one entry there too, at the same moment, so the
day's cash entries of kinds payment and reversal add up to ``takings(method="cash")`` of
the day (tests/cashdesk/test_one_figure.py holds them together).

Each reading is one query through the payments' (office, taken_at) index, grouped by the
database: a day of the 1M demo in about a millisecond, a month of ~42,000 payments of an
office of 1,000,000 in ~60 ms (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import Case, Value, fn

from deskterm.clock import day_bounds_utc
from deskterm.db.models import Charge, FeeItem, Office, Payment, PaymentLine, Staff
from deskterm.duties.schedule import office_zone


@dataclass(frozen=True)
class Takings:
    """Payments taken in a period and the voids made in it, all fen.

    ``payments``: payments taken (reversals not counted); ``gross``: what they took;
    ``voids``: receipts voided in the period; ``voided``: what those voids gave back
    (positive); ``net``: gross less voided, "payments, net of voids". By fee item a
    payment's lines are counted instead (one payment may settle several items)."""

    payments: int = 0
    gross: int = 0
    voids: int = 0
    voided: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.voided

    def __add__(self, other: Takings) -> Takings:
        return Takings(self.payments + other.payments, self.gross + other.gross,
                       self.voids + other.voids, self.voided + other.voided)


@dataclass(frozen=True)
class TakingsBook:
    """A period's takings in all and split three ways (each split adds up to ``total``)."""

    total: Takings
    by_method: dict[str, Takings] = field(default_factory=dict)
    by_clerk: dict[int, Takings] = field(default_factory=dict)  # staff id
    by_day: dict[dt.date, Takings] = field(default_factory=dict)  # every day of the period
    names: dict[int, str] = field(default_factory=dict)  # the clerks' names


def _taken(flag: int, count, amount) -> Takings:
    """One grouped row: ``flag`` 1 for payments taken, 0 for voids' reversals."""
    count, amount = int(count or 0), int(amount or 0)
    return Takings(count, amount) if flag else Takings(0, 0, count, -amount)


def _day_of(field, starts: list[dt.datetime]):
    """The index of the day (``starts``: each day's start, UTC) that ``field`` falls on, in
    SQL: the last start at or before it, as ``bisect_right(starts, value) - 1`` says."""
    if len(starts) == 1:
        return Value(0)
    return Case(None, [(field < start, n) for n, start in enumerate(starts[1:])],
                len(starts) - 1)


def _grouped(office: Office, start: dt.datetime, end: dt.datetime, *, clerk=None,
             method: str | None = None, by: tuple[str, ...] = (),
             starts: list[dt.datetime] | None = None) -> list[tuple]:
    """``(*by values, flag, count, fen)`` rows of the payments taken from ``start`` to
    ``end``, grouped by ``by`` (of "method", "clerk", "day") and payment or reversal.

    Reversals are told apart in a CASE, never in the WHERE: "reverses IS NULL" there lured
    SQLite onto the reverses index over every payment. The grouping is over a subquery so
    that PostgreSQL sees the day's CASE once (GROUP BY its alias). ``clerk + 0`` keeps
    SQLite on the (office, taken_at) index rather than the clerk's, which holds every
    payment that clerk ever took."""
    columns = {"method": Payment.method, "clerk": Payment.clerk,
               "day": _day_of(Payment.taken_at, starts or [start])}
    where = (Payment.office == office) & (Payment.taken_at >= start) & (Payment.taken_at < end)
    if clerk is not None:
        where &= (Payment.clerk + 0) == (clerk.get_id() if isinstance(clerk, Staff)
                                         else int(clerk))
    if method is not None:
        where &= Payment.method == method
    inner = (Payment.select(*(columns[name].alias(name) for name in by),
                            Case(None, [(Payment.reverses.is_null(True), 1)], 0).alias("flag"),
                            Payment.amount.alias("amount"))
             .where(where).alias("taken_in"))
    keys = [getattr(inner.c, name) for name in (*by, "flag")]
    return list(Payment.select(*keys, fn.COUNT(inner.c.amount), fn.SUM(inner.c.amount))
                .from_(inner).group_by(*keys).tuples())


def takings(office: Office, start: dt.datetime, end: dt.datetime, *, clerk=None,
            method: str | None = None) -> Takings:
    """The payments taken from ``start`` to ``end`` (naive UTC, end excluded) net of the
    voids made then, of one ``clerk`` (a Staff or id: what they took and what they voided)
    and one ``method`` when given."""
    total = Takings()
    for flag, count, amount in _grouped(office, start, end, clerk=clerk, method=method):
        total += _taken(int(flag), count, amount)
    return total


def day_takings(office: Office, day: dt.date, *, clerk=None,
                method: str | None = None) -> Takings:
    """``takings`` of the office-local ``day``."""
    start, end = day_bounds_utc(day, office_zone(office))
    return takings(office, start, end, clerk=clerk, method=method)


def takings_book(office: Office, first: dt.date, last: dt.date) -> TakingsBook:
    """The office-local days ``first`` to ``last``: the takings in all, by method (every
    method of ``Payment.METHODS`` and any other found), by clerk and by day (every day)."""
    tz = office_zone(office)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    starts = [day_bounds_utc(day, tz)[0] for day in days]
    end = day_bounds_utc(last + dt.timedelta(days=1), tz)[0]
    split: dict[str, dict] = {"method": defaultdict(Takings), "clerk": defaultdict(Takings),
                              "day": defaultdict(Takings)}
    split["method"].update((m, Takings()) for m in Payment.METHODS)
    split["day"].update((day, Takings()) for day in days)
    total = Takings()
    for method, clerk, day, flag, count, amount in _grouped(
            office, starts[0], end, by=("method", "clerk", "day"), starts=starts):
        part = _taken(int(flag), count, amount)
        split["method"][method] += part
        split["clerk"][clerk] += part
        split["day"][days[int(day)]] += part
        total += part
    names = dict(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_(list(split["clerk"]) or [0])).tuples())
    return TakingsBook(total, dict(split["method"]), dict(split["clerk"]),
                       dict(split["day"]), names)


def takings_by_item(office: Office, start: dt.datetime, end: dt.datetime
                    ) -> dict[tuple[str, str], Takings]:
    """``{(fee item code, name): Takings}`` of the payments taken from ``start`` to ``end``:
    their lines counted (``payments``, ``voids``) and summed by the fee item each settled;
    the items add up to ``takings(...).net``."""
    def of(reversal: bool, value):  # summed apart: PostgreSQL cannot GROUP BY a CASE
        return fn.SUM(Case(None, [(Payment.reverses.is_null(not reversal), value)], 0))

    rows = (PaymentLine.select(FeeItem.code, FeeItem.name, of(False, 1),
                               of(False, PaymentLine.amount), of(True, 1),
                               of(True, PaymentLine.amount))
            .join(Payment, on=(PaymentLine.payment == Payment.id))
            .switch(PaymentLine)
            .join(Charge, on=(PaymentLine.charge == Charge.id))
            .join(FeeItem, on=(Charge.fee_item == FeeItem.id))
            .where((Payment.office == office) & (Payment.taken_at >= start)
                   & (Payment.taken_at < end))
            .group_by(FeeItem.code, FeeItem.name).tuples())
    items: dict[tuple[str, str], Takings] = {}
    for code, name, lines, gross, voids, voided in rows:
        items[code, name] = _taken(1, lines, gross) + _taken(0, voids, voided)
    return dict(items)
