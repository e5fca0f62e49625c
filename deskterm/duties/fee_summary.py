"""The fee-collection summary (收费汇总): weekly for the weekend report [5.1], monthly to the
manager and finance by the 26th [5.6].

``fee_summary(office, period)`` sums the payments taken in an office-local week (Monday to
Sunday) or calendar month (``summary_period``; ``shift_period`` steps it): the total
collected, by fee item (what the payment lines settled), by method, by clerk and by day;
the receipts issued and voided in it; and the arrears at its end: what was owed then on
the charges of its months (a charge made before the end, for a month up to the period's
last), by fee item, with the number of units in arrears. A period not over yet is summed
up to now.

A voided receipt's reversal is a payment of the negative amount, taken when the receipt
was voided: it nets out in the period of the void (by item, method, clerk and day alike),
and its negative payment lines make the charges owed again. Every figure is integer fen,
summed by the database or by Python's integers: nothing is rounded.

Each query goes through an index that starts with the office and the time (payments,
receipts, voids) or the office and the period (charges, for the arrears): a month of the
1M demo office takes a small part of a second (``benchmarks/fee_summary.py``).
"""

from __future__ import annotations

import bisect
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
    Staff,
)
from deskterm.duties.fees import FIRST_YEAR, LAST_YEAR, parse_period
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
    collected: int  # net fen
    payments: int  # payments taken (reversals not counted)
    reversals: int  # reversals (voided receipts) in the period
    reversed: int  # their total, negative fen
    by_item: tuple[Bucket, ...]
    by_method: tuple[Bucket, ...]  # every method, in Payment.METHODS order
    by_clerk: tuple[Bucket, ...]
    by_day: tuple[Bucket, ...]  # every day of the period, key the ISO date
    receipts_issued: int
    receipts_total: int  # fen on the receipts issued
    receipts_voided: int  # receipts voided in the period (issued whenever)
    voided_total: int  # fen on them
    arrears: tuple[Arrears, ...]  # by fee item
    arrears_units: int  # units owing anything
    arrears_total: int  # fen


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


def _buckets(sums: dict, labels: dict, order: list) -> tuple[Bucket, ...]:
    return tuple(Bucket(str(key), labels.get(key, str(key)), *sums.get(key, (0, 0, 0)))
                 for key in order)


def _payments(office: Office, period: SummaryPeriod) -> dict:
    rows = list(Payment.select(Payment.taken_at, Payment.amount, Payment.method, Payment.clerk,
                               Payment.reverses)
                .where((Payment.office == office) & _in(Payment.taken_at, period)).tuples())
    tz = office_zone(office)
    days = period.days
    starts = [day_bounds_utc(day, tz)[0] for day in days]
    by: dict[str, dict] = {"method": defaultdict(lambda: [0, 0, 0]),
                           "clerk": defaultdict(lambda: [0, 0, 0]),
                           "day": defaultdict(lambda: [0, 0, 0])}
    collected = payments = reversals = reversed_ = 0
    for at, amount, method, clerk, reverses in rows:
        amount = int(amount)
        day = days[bisect.bisect_right(starts, at) - 1]
        taken, undone = (0, 1) if reverses is not None else (1, 0)
        for name, key in (("method", method), ("clerk", clerk), ("day", day)):
            sums = by[name][key]
            sums[0] += taken
            sums[1] += amount
            sums[2] += undone
        collected += amount
        payments += taken
        reversals += undone
        if undone:
            reversed_ += amount
    names = dict(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_(list(by["clerk"]) or [0])).tuples())
    clerks = sorted(by["clerk"], key=lambda c: (-by["clerk"][c][1], names.get(c, ""), c))
    return {
        "collected": collected, "payments": payments, "reversals": reversals,
        "reversed": reversed_,
        "by_method": _buckets(by["method"], {}, [*Payment.METHODS, *sorted(
            set(by["method"]) - set(Payment.METHODS))]),
        "by_clerk": _buckets(by["clerk"], names, clerks),
        "by_day": tuple(Bucket(day.isoformat(), f"{day:%m-%d}", *by["day"].get(day, (0, 0, 0)))
                        for day in days),
    }


def _by_item(office: Office, period: SummaryPeriod) -> tuple[Bucket, ...]:
    taken = fn.SUM(Case(None, [(Payment.reverses.is_null(True), 1)], 0))
    undone = fn.SUM(Case(None, [(Payment.reverses.is_null(False), 1)], 0))
    rows = list(PaymentLine.select(FeeItem.code, FeeItem.name, taken, fn.SUM(PaymentLine.amount),
                                   undone)
                .join(Payment, on=(PaymentLine.payment == Payment.id))
                .switch(PaymentLine)
                .join(Charge, on=(PaymentLine.charge == Charge.id))
                .join(FeeItem, on=(Charge.fee_item == FeeItem.id))
                .where((Payment.office == office) & _in(Payment.taken_at, period))
                .group_by(FeeItem.code, FeeItem.name).tuples())
    rows.sort(key=lambda r: (-int(r[3] or 0), r[0]))
    return tuple(Bucket(code, name, int(n or 0), int(amount or 0), int(back or 0))
                 for code, name, n, amount, back in rows)


def _receipts(office: Office, period: SummaryPeriod) -> tuple[int, int, int, int]:
    issued, total = (Receipt.select(fn.COUNT(Receipt.id), fn.SUM(Receipt.total))
                     .where((Receipt.office == office) & _in(Receipt.issued_at, period))
                     .tuples().get())
    voided, voided_total = (ReceiptVoid.select(fn.COUNT(ReceiptVoid.id), fn.SUM(Receipt.total))
                            .join(Receipt, on=(ReceiptVoid.receipt == Receipt.id))
                            .where((ReceiptVoid.office == office)
                                   & _in(ReceiptVoid.voided_at, period))
                            .tuples().get())
    return int(issued or 0), int(total or 0), int(voided or 0), int(voided_total or 0)


def _arrears(office: Office, period: SummaryPeriod, as_of: dt.datetime
             ) -> tuple[tuple[Arrears, ...], int, int]:
    """What was owed at ``as_of`` on the charges of the period's months and earlier made
    before then: each charge less its payment lines taken before then."""
    paid = fn.COALESCE(fn.SUM(Case(None, [(Payment.id.is_null(False), PaymentLine.amount)],
                                   0)), 0)
    rows = (Charge.select(Charge.unit, Charge.fee_item, Charge.amount - paid)
            .join(PaymentLine, JOIN.LEFT_OUTER, on=(PaymentLine.charge == Charge.id))
            .join(Payment, JOIN.LEFT_OUTER, on=((PaymentLine.payment == Payment.id)
                                                & (Payment.taken_at < as_of)))
            .where((Charge.office == office) & (Charge.period <= period.month)
                   & (Charge.created_at < as_of))
            .group_by(Charge.id, Charge.unit, Charge.fee_item, Charge.amount)
            .having(Charge.amount - paid > 0)
            .tuples())
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
    issued, issued_total, voided, voided_total = _receipts(office, period)
    # Nothing is charged or paid after now: the period's end serves while it lasts too
    # (and counts a payment taken this very instant).
    arrears, arrears_units, arrears_total = _arrears(office, period, period.end)
    return FeeSummary(
        period=period, as_of=as_of, by_item=_by_item(office, period),
        receipts_issued=issued, receipts_total=issued_total, receipts_voided=voided,
        voided_total=voided_total, arrears=arrears, arrears_units=arrears_units,
        arrears_total=arrears_total, **figures)
