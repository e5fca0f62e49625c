"""The fee-collection summary (deskterm.duties.cashdesk.fee_summary): weeks and months in the office's
zone, every total computed again here from the rows (by item, method, clerk, day; receipts
issued and voided; arrears at the period's end), reversals netting out where they were
made, and a hypothesis test that the sums are exact to the fen."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskterm.db.models import Charge, FeeItem, Payment, PaymentLine, Receipt, ReceiptVoid
from deskterm.duties.cashdesk.dues import unit_dues
from deskterm.duties.cashdesk.fee_summary import fee_summary, shift_period, summary_period
from deskterm.errors import DutyError
from tests.factories import MORNING
from tests.fee_rows import charge, fee_office, monthly, pay, void

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)


def utc(text: str) -> dt.datetime:
    """Office-local ``2026-11-05 09:30`` as naive UTC."""
    moment = dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.replace(tzinfo=dt.UTC).astimezone(SHANGHAI).date()


@pytest.fixture
def fo(desk_db, frozen_clock):
    frozen_clock(MORNING)  # Thursday 2026-11-26 10:05 in Shanghai
    return fee_office()


# --- periods --------------------------------------------------------------------------------

def test_a_week_is_monday_to_sunday_in_the_office_zone(fo):
    week = summary_period(fo.office, "week")
    assert (week.first, week.last) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert (week.start, week.end) == (dt.datetime(2026, 11, 22, 16), dt.datetime(2026, 11, 29, 16))
    assert week.label == "2026-11-23–11-29" and week.month == "2026-11"
    assert len(week.days) == 7
    before = shift_period(fo.office, week, -1)
    assert (before.first, before.last) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    spanning = summary_period(fo.office, "week", "2026-12-31")
    assert (spanning.first, spanning.last, spanning.month) == (
        dt.date(2026, 12, 28), dt.date(2027, 1, 3), "2027-01")


def test_a_month_and_stepping_over_the_year(fo):
    month = summary_period(fo.office, "month")
    assert (month.first, month.last, month.label) == (dt.date(2026, 11, 1),
                                                      dt.date(2026, 11, 30), "2026-11")
    assert month.start == dt.datetime(2026, 10, 31, 16)
    assert shift_period(fo.office, month, 2).label == "2027-01"
    assert shift_period(fo.office, month, -11).label == "2025-12"
    assert summary_period(fo.office, "month", "2026年2月").last == dt.date(2026, 2, 28)
    assert summary_period(fo.office, "month", dt.date(2024, 2, 10)).last == dt.date(2024, 2, 29)


def test_bad_periods_are_refused(fo):
    with pytest.raises(DutyError) as refused:
        summary_period(fo.office, "year")
    assert refused.value.field == "kind"
    for anchor in ("2026-13", "soon", "1999-12"):
        with pytest.raises(DutyError) as refused:
            summary_period(fo.office, "month", anchor)
        assert refused.value.field == "period"
    last = summary_period(fo.office, "month", "2099-12")
    with pytest.raises(DutyError):
        shift_period(fo.office, last, 1)


# --- the totals, computed again from the rows ---------------------------------------------------

def expected(office, period, as_of):
    """Every figure of the summary, from the rows, without the duty's queries."""
    payments = [p for p in Payment.select().where(Payment.office == office)
                if period.start <= p.taken_at < period.end]
    method, clerk, day = Counter(), Counter(), Counter()
    for p in payments:
        method[p.method] += p.amount
        clerk[p.clerk.name] += p.amount
        day[local_day(p.taken_at).isoformat()] += p.amount
    item = Counter()
    for p in payments:
        for line in PaymentLine.select().where(PaymentLine.payment == p):
            item[line.charge.fee_item.code] += line.amount
    receipts = [r for r in Receipt.select().where(Receipt.office == office)
                if period.start <= r.issued_at < period.end]
    voids = [v for v in ReceiptVoid.select().where(ReceiptVoid.office == office)
             if period.start <= v.voided_at < period.end]
    owed, units = Counter(), defaultdict(set)
    for c in Charge.select().where(Charge.office == office):
        if c.period > period.month or c.created_at >= as_of:
            continue
        paid = sum(line.amount for line in PaymentLine.select().where(PaymentLine.charge == c)
                   if line.payment.taken_at < as_of)
        if c.amount - paid > 0:
            owed[c.fee_item.code] += c.amount - paid
            units[c.fee_item.code].add(c.unit_id)
    return {
        "collected": sum(p.amount for p in payments),
        "payments": sum(1 for p in payments if p.reverses_id is None),
        "reversals": sum(1 for p in payments if p.reverses_id is not None),
        "method": {k: v for k, v in method.items()}, "clerk": dict(clerk), "day": dict(day),
        "item": dict(item),
        "gross": sum(p.amount for p in payments if p.reverses_id is None),
        "receipts": len(receipts),
        "voids": (len(voids), -sum(v.receipt.total for v in voids)),
        "arrears": {k: (len(units[k]), v) for k, v in owed.items()},
        "arrears_units": len(set().union(*units.values())) if units else 0,
    }


def got(summary):
    return {
        "collected": summary.collected, "payments": summary.payments,
        "reversals": summary.reversals,
        "method": {b.key: b.amount for b in summary.by_method if b.count or b.reversals},
        "clerk": {b.label: b.amount for b in summary.by_clerk},
        "day": {b.key: b.amount for b in summary.by_day if b.count or b.reversals},
        "item": {b.key: b.amount for b in summary.by_item},
        "gross": summary.gross,
        "receipts": summary.receipts_issued,
        "voids": (summary.receipts_voided, summary.reversed),
        "arrears": {a.key: (a.units, a.amount) for a in summary.arrears},
        "arrears_units": summary.arrears_units,
    }


def a_few_months(fo):
    """October and November: charges, payments by two clerks in every way, a receipt
    voided in the same week, one paid in October and voided in November."""
    a, b, _no_area = fo.units
    sup = fo.so.supervisor
    oct_a = monthly(fo, a, "2026-10", at=utc("2026-10-01 00:30"))
    oct_b = monthly(fo, b, "2026-10", at=utc("2026-10-01 00:30"))
    park = charge(fo, b, fo.parking, "2026-10", 15000, at=utc("2026-10-01 00:30"))
    nov_a = monthly(fo, a, "2026-11", at=utc("2026-11-01 00:30"))
    nov_b = monthly(fo, b, "2026-11", at=utc("2026-11-01 00:30"))
    water = charge(fo, a, fo.water, "2026-11", 12345, at=utc("2026-11-10 09:00"))
    dec_a = monthly(fo, a, "2026-12", at=utc("2026-11-25 09:00"))  # generated early
    late = pay(fo, b, [(oct_b, oct_b.amount)], method="card", clerk=sup,
               at=utc("2026-10-30 15:00"))
    pay(fo, a, [(oct_a, oct_a.amount)], at=utc("2026-11-02 08:59"))
    wrong = pay(fo, b, [(park, 15000), (nov_b, 100)], method="wechat",
                at=utc("2026-11-24 10:00"))
    void(fo, wrong, at=utc("2026-11-24 10:10"))
    pay(fo, b, [(park, 15000)], method="wechat", at=utc("2026-11-24 10:12"))
    void(fo, late, at=utc("2026-11-25 16:00"))  # October's receipt, voided in November
    pay(fo, a, [(water, 5000), (nov_a, nov_a.amount)], method="alipay", clerk=sup,
        at=utc("2026-11-26 00:10"))  # 08:10 local, before the frozen 10:05
    pay(fo, a, [(dec_a, dec_a.amount)], method="transfer", at=utc("2026-11-23 00:00"))
    return {"oct_b": oct_b, "park": park, "nov_b": nov_b, "water": water}


@pytest.mark.parametrize("kind, anchor", [("month", "2026-11"), ("month", "2026-10"),
                                          ("week", "2026-11-26"), ("week", "2026-11-18"),
                                          ("week", "2026-10-28"), ("month", "2026-12")])
def test_every_total_is_what_the_rows_say(fo, kind, anchor):
    a_few_months(fo)
    period = summary_period(fo.office, kind, anchor)
    summary = fee_summary(fo.office, period)
    assert summary.as_of == min(period.end, dt.datetime.fromisoformat(MORNING))
    assert got(summary) == expected(fo.office, period, period.end)
    for table in (summary.by_item, summary.by_method, summary.by_clerk, summary.by_day):
        assert sum(b.amount for b in table) == summary.collected
    assert sum(a.amount for a in summary.arrears) == summary.arrears_total
    assert [b.key for b in summary.by_method] == list(Payment.METHODS)
    assert [b.key for b in summary.by_day] == [d.isoformat() for d in period.days]


def test_the_month_in_figures(fo):
    rows = a_few_months(fo)
    summary = fee_summary(fo.office, summary_period(fo.office, "month", "2026-11"))
    oct_b, water = rows["oct_b"], rows["water"]
    # Taken in November: 2 + 1 + 1 + 1 + 1 payments; 2 reversals (one of October's).
    assert (summary.payments, summary.reversals) == (5, 2)
    assert summary.reversed == -(15100 + oct_b.amount)
    method = {b.key: (b.count, b.amount, b.reversals) for b in summary.by_method}
    assert method["wechat"] == (2, 15100 - 15100 + 15000, 1)
    assert method["card"] == (0, -oct_b.amount, 1)  # October's card payment reversed
    assert (summary.receipts_issued, summary.receipts_voided) == (5, 2)
    # November's arrears at its end (so far): b's November, the rest of the water bill.
    arrears = {a.key: (a.units, a.amount) for a in summary.arrears}
    assert arrears == {"WYF": (1, rows["nov_b"].amount + oct_b.amount),
                       "SF": (1, water.amount - 5000)}
    assert summary.arrears_units == 2


def test_arrears_now_are_the_dues_of_every_unit(fo):
    a_few_months(fo)
    summary = fee_summary(fo.office, summary_period(fo.office, "month", "2026-12"))
    dues = [d for u in fo.units for d in unit_dues(fo.office, u.id)]
    assert summary.arrears_total == sum(d.outstanding for d in dues)
    assert summary.arrears_units == len({u.id for u in fo.units if unit_dues(fo.office, u.id)})


def test_a_week_sees_the_reversal_of_an_earlier_week(fo):
    a_few_months(fo)
    earlier = fee_summary(fo.office, summary_period(fo.office, "week", "2026-10-28"))
    later = fee_summary(fo.office, summary_period(fo.office, "week", "2026-11-25"))
    card_earlier = next(b for b in earlier.by_method if b.key == "card")
    card_later = next(b for b in later.by_method if b.key == "card")
    assert card_earlier.amount == -card_later.amount > 0
    day = {b.key: b.amount for b in later.by_day}
    assert day["2026-11-25"] == -card_earlier.amount


def test_an_empty_period(fo):
    summary = fee_summary(fo.office, summary_period(fo.office, "week", "2026-01-07"))
    assert (summary.collected, summary.payments, summary.by_item, summary.by_clerk,
            summary.arrears, summary.arrears_units) == (0, 0, (), (), (), 0)
    assert all(b.amount == 0 for b in summary.by_day + summary.by_method)


def test_an_office_sees_its_own_money_only(fo):
    a_few_months(fo)
    other = fee_office("另一个管理处")
    empty = fee_summary(other.office, summary_period(other.office, "month", "2026-11"))
    assert (empty.collected, empty.receipts_issued, empty.arrears_total) == (0, 0, 0)


# --- exact sums ---------------------------------------------------------------------------------

_offices = count()
PAYMENT = st.tuples(
    st.integers(1, 10**10),  # fen, up to ¥100,000,000
    st.sampled_from(Payment.METHODS),
    st.integers(0, 7 * 24 * 60 - 1),  # minute of the week
    st.booleans(),  # by the supervisor
    st.booleans(),  # voided later the same day
)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(PAYMENT, min_size=1, max_size=8))
def test_sums_are_exact_to_the_fen(sqlite_db, frozen_clock, payments):
    frozen_clock("2026-12-31T00:00:00")
    fo = fee_office(f"管理处{next(_offices)}")
    unit = fo.units[0]
    monday = utc("2026-11-23 00:00")
    big = charge(fo, unit, fo.property, "2026-11", sum(p[0] for p in payments) + 1,
                 at=monday - H)
    voided = 0
    for amount, method, minute, by_sup, undo in payments:
        at = monday + dt.timedelta(minutes=minute)
        paid = pay(fo, unit, [(big, amount)], method=method,
                   clerk=fo.so.supervisor if by_sup else fo.clerk, at=at)
        if undo:
            void(fo, paid, at=at + dt.timedelta(seconds=30))
            voided += amount
    summary = fee_summary(fo.office, summary_period(fo.office, "week", "2026-11-23"))
    total = sum(p[0] for p in payments)
    assert summary.collected == total - voided
    assert summary.gross == total
    assert summary.reversed == -voided
    for table in (summary.by_item, summary.by_method, summary.by_clerk, summary.by_day):
        assert sum(b.amount for b in table) == total - voided
    assert summary.arrears_total == big.amount - (total - voided)
    assert isinstance(summary.collected, int) and isinstance(summary.arrears_total, int)
    assert FeeItem.select().where(FeeItem.office == fo.office).count() == 4
