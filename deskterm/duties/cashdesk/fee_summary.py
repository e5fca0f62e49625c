"""The fee-collection summary (收费汇总): weekly for the weekend report [5.1], monthly to the
manager and finance by the 26th [5.6].

``fee_summary(office, period)`` reads the takings of an office-local week (Monday to
Sunday) or calendar month (``summary_period``; ``shift_period`` steps it) from
``takings.py``, the one reading of money taken that the work record and the cash pane
read too: payments, net of voids, by fee item (what the payment lines settled), by
method, by clerk and by day; the receipts issued and voided in it (counts: the paper);
and the arrears at its end: what was owed then on
the charges of its months (a charge made before the end, for a month up to the period's
last), by fee item, with the number of units in arrears. A period not over yet is summed
up to now.

A voided receipt's reversal is a payment of the negative amount, taken when the receipt
was voided: it nets out in the period of the void (by item, method, the voiding person
and day alike; ``takings.py`` says the rule), and its negative payment lines make the
charges owed again. Every figure is integer fen, summed by the database or by Python's
integers: nothing is rounded.

Each query goes through an index that starts with the office and the time (payments,
receipts, voids) or the office and the period (charges, for the arrears); the payments are
summed by the database. A recent period's arrears read the charges owing now through the
``charge_owing`` index (``paid < amount``: ``charge.paid`` is stored by the database,
migration 0009) and put back what was paid since: at 1,000,000 payments and 1.5 million
charges ~25 ms instead of ~0.8 s of CPU walking every charge the office ever had
(``benchmarks/report_scale.py``; docs/PERFORMANCE.md).
"""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN, Case, fn

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db.models import (
    Charge,
    FeeItem,
    Office,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptVoid,
)
from deskterm.duties.cashdesk.takings import Takings, takings_book, takings_by_item
from deskterm.duties.months import FIRST_YEAR, LAST_YEAR, parse_period
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _

KINDS = ("week", "month")


@dataclass(frozen=True)
class SummaryPeriod:
    kind: str  # week / month
    first: dt.date  # office-local, inclusive
    last: dt.date  # office-local, inclusive
    start: dt.datetime  # naive UTC: the first day's start
    end: dt.datetime  # naive UTC: the day after the last's start

    @property
    def month(self) -> str:
        """The month whose charges (and those before) the arrears count: the last day's."""
        return f"{self.last.year:04d}-{self.last.month:02d}"

    @property
    def label(self) -> str:
        """``2026-11`` or ``2026-11-23–11-29``."""
        if self.kind == "month":
            return self.month
        return f"{self.first.isoformat()}–{self.last:%m-%d}"

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days
                                                                  + 1)]


@dataclass(frozen=True)
class Bucket:
    """One row of a summary table: ``count`` payments (lines, by fee item) taken, reversals
    not counted; ``amount`` net fen (reversals taken off); ``reversals`` how many."""

    key: str
    label: str
    count: int = 0
    amount: int = 0
    reversals: int = 0


@dataclass(frozen=True)
class Arrears:
    key: str  # the fee item's code
    label: str  # its name
    units: int  # units owing on it
    amount: int  # fen owed


@dataclass(frozen=True)
class FeeSummary:
    period: SummaryPeriod
    as_of: dt.datetime  # naive UTC: the period's end, or now while it lasts (the arrears
    # are then those of now)
    collected: int  # payments, net of voids: fen (``takings.Takings.net``)
    payments: int  # payments taken (reversals not counted)
    reversals: int  # reversals (voided receipts) in the period
    reversed: int  # their total, negative fen
    by_item: tuple[Bucket, ...]
    by_method: tuple[Bucket, ...]  # every method, in Payment.METHODS order
    by_clerk: tuple[Bucket, ...]
    by_day: tuple[Bucket, ...]  # every day of the period, key the ISO date
    receipts_issued: int  # receipts issued in the period (one a payment taken)
    receipts_voided: int  # receipts voided in the period (issued whenever)
    arrears: tuple[Arrears, ...]  # by fee item
    arrears_units: int  # units owing anything
    arrears_total: int  # fen

    @property
    def gross(self) -> int:
        """Fen taken by the period's payments, before the voids made in it."""
        return self.collected - self.reversed


# --- periods ------------------------------------------------------------------------------------

def _bounds(office: Office, kind: str, first: dt.date, last: dt.date) -> SummaryPeriod:
    if not (FIRST_YEAR <= first.year and last.year <= LAST_YEAR):
        raise DutyError(_("Enter a month between {first} and {last}.").format(
            first=f"{FIRST_YEAR}-01", last=f"{LAST_YEAR}-12"), "period")
    tz = office_zone(office)
    return SummaryPeriod(kind, first, last, day_bounds_utc(first, tz)[0],
                         day_bounds_utc(last + dt.timedelta(days=1), tz)[0])


def _day(anchor: object, field: str) -> dt.date:
    if isinstance(anchor, dt.datetime):
        return anchor.date()
    if isinstance(anchor, dt.date):
        return anchor
    text = unicodedata.normalize("NFKC", str(anchor or "")).strip()
    try:
        if len(text) <= 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    year, month = parse_period(text, field).split("-")
    return dt.date(int(year), int(month), 1)


def summary_period(office: Office, kind: str, anchor: object = None, *,
                   now: dt.datetime | None = None) -> SummaryPeriod:
    """The week (Monday to Sunday) or month holding ``anchor``: a date, ``2026-11-23``,
    ``2026-11``, or None for today (office-local)."""
    if kind not in KINDS:
        raise DutyError(_("Choose a week or a month."), "kind")
    if anchor is None:
        day = local(now or now_utc(), office_zone(office)).date()
    else:
        day = _day(anchor, "period")
    if kind == "week":
        first = day - dt.timedelta(days=day.weekday())
        return _bounds(office, kind, first, first + dt.timedelta(days=6))
    first = day.replace(day=1)
    last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return _bounds(office, kind, first, last)


def shift_period(office: Office, period: SummaryPeriod, by: int) -> SummaryPeriod:
    """The week or month ``by`` before (negative) or after ``period``."""
    if period.kind == "week":
        first = period.first + dt.timedelta(days=7 * by)
    else:
        index = period.first.year * 12 + period.first.month - 1 + by
        year, month = divmod(index, 12)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise DutyError(_("Enter a month between {first} and {last}.").format(
                first=f"{FIRST_YEAR}-01", last=f"{LAST_YEAR}-12"), "period")
        first = dt.date(year, month + 1, 1)
    if not FIRST_YEAR <= first.year <= LAST_YEAR:
        raise DutyError(_("Enter a month between {first} and {last}.").format(
            first=f"{FIRST_YEAR}-01", last=f"{LAST_YEAR}-12"), "period")
    return summary_period(office, period.kind, first)


# --- the figures --------------------------------------------------------------------------------

def _in(field, period: SummaryPeriod):
    return (field >= period.start) & (field < period.end)


def _bucket(key: str, label: str, taken: Takings) -> Bucket:
    return Bucket(key, label, taken.payments, taken.net, taken.voids)


def _payments(office: Office, period: SummaryPeriod) -> dict:
    """The period's takings (``takings.takings_book``: payments net of the voids made in
    it) as the summary's figures and buckets."""
    book = takings_book(office, period.first, period.last)
    methods = [*Payment.METHODS, *sorted(set(book.by_method) - set(Payment.METHODS))]
    clerks = sorted(book.by_clerk, key=lambda c: (-book.by_clerk[c].net,
                                                  book.names.get(c, ""), c))
    return {
        "collected": book.total.net, "payments": book.total.payments,
        "reversals": book.total.voids, "reversed": -book.total.voided,
        "by_method": tuple(_bucket(m, m, book.by_method[m]) for m in methods),
        "by_clerk": tuple(_bucket(str(c), book.names.get(c, str(c)), book.by_clerk[c])
                          for c in clerks),
        "by_day": tuple(_bucket(day.isoformat(), f"{day:%m-%d}", book.by_day[day])
                        for day in period.days),
    }


def _by_item(office: Office, period: SummaryPeriod) -> tuple[Bucket, ...]:
    items = takings_by_item(office, period.start, period.end)
    order = sorted(items, key=lambda key: (-items[key].net, key[0]))
    return tuple(_bucket(code, name, items[code, name]) for code, name in order)


def _receipts(office: Office, period: SummaryPeriod) -> tuple[int, int]:
    """The paper: receipts issued in the period and receipts voided in it (issued
    whenever). Counts only: the money on them is the takings' (``gross``, ``voided``)."""
    issued = (Receipt.select().where((Receipt.office == office)
                                     & _in(Receipt.issued_at, period)).count())
    voided = (ReceiptVoid.select().where((ReceiptVoid.office == office)
                                         & _in(ReceiptVoid.voided_at, period)).count())
    return issued, voided


def _made(office: Office, period: SummaryPeriod, as_of: dt.datetime):
    """The charges the arrears count: the period's months and earlier, made before then."""
    return ((Charge.office == office) & (Charge.period <= period.month)
            & (Charge.created_at < as_of))


def _owing_by_payment(office: Office, period: SummaryPeriod, as_of: dt.datetime) -> list:
    """(unit, fee item, owed) of each charge owing at ``as_of``: its amount less its lines
    whose payment was taken before then, each line's payment looked up."""
    paid = fn.COALESCE(fn.SUM(Case(None, [(Payment.id.is_null(False), PaymentLine.amount)],
                                   0)), 0)
    return list(Charge.select(Charge.unit, Charge.fee_item, Charge.amount - paid)
                .join(PaymentLine, JOIN.LEFT_OUTER, on=(PaymentLine.charge == Charge.id))
                .join(Payment, JOIN.LEFT_OUTER, on=((PaymentLine.payment == Payment.id)
                                                    & (Payment.taken_at < as_of)))
                .where(_made(office, period, as_of))
                .group_by(Charge.id, Charge.unit, Charge.fee_item, Charge.amount)
                .having(Charge.amount - paid > 0)
                .tuples())


def _owing_by_late(office: Office, period: SummaryPeriod, as_of: dt.datetime) -> list:
    """The same as ``_owing_by_payment``, read as what each charge owes now
    (``amount - paid``, the stored sum of its lines: migration 0009) with what this
    office's payments taken from ``as_of`` on settled of it put back (a charge's lines are
    paid at its own office). The charges owing now come from the ``charge_owing`` index
    (``paid < amount``), a few thousand of an office's millions; a charge owing nothing
    now is read again only when it was settled after ``as_of``."""
    made = _made(office, period, as_of)
    # ``office + 0``: not the charges' (office, period) index, which walks every charge
    # of the office, but the payments' (office, taken_at) index here and the charges' ids
    # below.
    by_id = ((Charge.office + 0 == getattr(office, "id", office))
             & (Charge.period <= period.month) & (Charge.created_at < as_of))
    late = dict(PaymentLine.select(Charge.id, fn.SUM(PaymentLine.amount))
                .join(Payment, on=(PaymentLine.payment == Payment.id))
                .switch(PaymentLine)
                .join(Charge, on=(PaymentLine.charge == Charge.id))
                .where(by_id & (Payment.office == office) & (Payment.taken_at >= as_of))
                .group_by(Charge.id).tuples())

    def owing_now(where):
        return Charge.select(Charge.id, Charge.unit, Charge.fee_item,
                             Charge.amount - Charge.paid).where(where).tuples()

    # ``paid < amount`` word for word: the partial index's own condition.
    rows = {row[0]: row for row in owing_now(made & (Charge.paid < Charge.amount))}
    settled = sorted(charge for charge, amount in late.items()
                     if charge not in rows and int(amount or 0) > 0)
    for start in range(0, len(settled), 500):  # SQLite's bound-variable limit
        rows.update((row[0], row) for row in owing_now(
            by_id & Charge.id.in_(settled[start:start + 500])))
    owing = ((unit, item, int(now) + int(late.get(charge) or 0))
             for charge, unit, item, now in rows.values())
    return [row for row in owing if row[2] > 0]


def _arrears(office: Office, period: SummaryPeriod, as_of: dt.datetime
             ) -> tuple[tuple[Arrears, ...], int, int]:
    """What was owed at ``as_of`` on the charges of the period's months and earlier made
    before then: each charge less its payment lines taken before then.

    Two readings of the same figure, by what they cost: looking up the payment of each
    line of every charge counted (``_owing_by_payment``) costs as many lines as the office
    has had by ``as_of``; what is owed now with the lines paid since put back
    (``_owing_by_late``) costs the charges owing now (the stored ``paid``) plus the lines
    paid since. A recent period takes the second (a month at 1,000,000 payments: ~25 ms
    instead of ~0.9 s), one nearer the office's first payment than to now the first."""
    first = (Payment.select(fn.MIN(Payment.taken_at)).where(Payment.office == office)
             .scalar())
    if isinstance(first, str):  # SQLite gives an aggregate of a datetime column as text
        first = dt.datetime.fromisoformat(first)
    recent = first is not None and now_utc() - as_of < as_of - first
    rows = (_owing_by_late if recent else _owing_by_payment)(office, period, as_of)
    owed: dict[int, int] = defaultdict(int)
    units: dict[int, set[int]] = defaultdict(set)
    everyone: set[int] = set()
    for unit_id, item_id, outstanding in rows:
        owed[item_id] += int(outstanding)
        units[item_id].add(unit_id)
        everyone.add(unit_id)
    items = {i: (code, name) for i, code, name in FeeItem.select(
        FeeItem.id, FeeItem.code, FeeItem.name).where(FeeItem.office == office).tuples()}
    arrears = sorted((Arrears(*items[i], len(units[i]), owed[i]) for i in owed),
                     key=lambda a: (-a.amount, a.key))
    return tuple(arrears), len(everyone), sum(owed.values())


def fee_summary(office: Office, period: SummaryPeriod, *,
                now: dt.datetime | None = None) -> FeeSummary:
    """The period's collection, receipts and arrears (see the module's docstring)."""
    as_of = min(period.end, now or now_utc())
    figures = _payments(office, period)
    issued, voided = _receipts(office, period)
    # Nothing is charged or paid after now: the period's end serves while it lasts too
    # (and counts a payment taken this very instant).
    arrears, arrears_units, arrears_total = _arrears(office, period, period.end)
    return FeeSummary(
        period=period, as_of=as_of, by_item=_by_item(office, period),
        receipts_issued=issued, receipts_voided=voided, arrears=arrears, arrears_units=arrears_units,
        arrears_total=arrears_total, **figures)
