"""The fee summary's arrears read two ways (deskterm.duties.cashdesk.fee_summary): every line's
payment looked up (``_owing_by_payment``), or what is owed now with the lines paid since
put back (``_owing_by_late``, taken for a recent period because it is faster at 1,000,000
payments). Both must give the same charges owing the same amounts at any moment: before,
between and after partial payments, voids and re-payments, charges made later, and
another office's money."""

from __future__ import annotations

import datetime as dt
import threading
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskterm.duties.cashdesk import fee_summary as fs
from deskterm.duties.cashdesk.fee_summary import fee_summary, summary_period
from tests.fee_rows import charge, fee_office, pay, void

H = dt.timedelta(hours=1)
NOV = dt.datetime(2026, 10, 31, 16)  # 2026-11-01 00:00 in Shanghai, as naive UTC


def both(fo, period, as_of):
    by_payment = sorted(fs._owing_by_payment(fo.office, period, as_of))
    by_late = sorted(fs._owing_by_late(fo.office, period, as_of))
    return [tuple(int(x) for x in row) for row in by_payment], \
        [tuple(int(x) for x in row) for row in by_late]


def a_history(fo):
    """Charges of October and November, paid in parts, voided, paid again, and one made
    late in November; another office's charge paid meanwhile."""
    a, b, c = fo.units
    oct_a = charge(fo, a, fo.property, "2026-10", 16121, at=NOV - 30 * 24 * H)
    oct_b = charge(fo, b, fo.property, "2026-10", 21661, at=NOV - 30 * 24 * H)
    park = charge(fo, b, fo.parking, "2026-10", 15000, at=NOV - 30 * 24 * H)
    nov_a = charge(fo, a, fo.property, "2026-11", 16121, at=NOV + H)
    water = charge(fo, c, fo.water, "2026-11", 12345, at=NOV + 10 * 24 * H)
    pay(fo, a, [(oct_a, 6000)], at=NOV - 20 * 24 * H)  # a part in October
    pay(fo, a, [(oct_a, 10121)], at=NOV + 2 * 24 * H)  # the rest in November
    first = pay(fo, b, [(oct_b, 21661), (park, 15000)], method="card",
                at=NOV - 2 * 24 * H)
    void(fo, first, at=NOV + 3 * 24 * H)  # voided in November: owed again
    pay(fo, b, [(park, 15000)], method="wechat", at=NOV + 3 * 24 * H + H)
    pay(fo, a, [(nov_a, 16121)], at=NOV + 5 * 24 * H)
    pay(fo, c, [(water, 345)], at=NOV + 12 * 24 * H)
    other = fee_office("另一个管理处")
    theirs = charge(other, other.units[0], other.property, "2026-10", 9000,
                    at=NOV - 30 * 24 * H)
    pay(other, other.units[0], [(theirs, 4000)], at=NOV + 24 * H)


@pytest.mark.parametrize("days", [-25, -19, -2, 0, 2.5, 3.02, 3.1, 4, 11, 12.5, 26, 40])
def test_both_readings_agree_at_any_moment(desk_db, frozen_clock, days):
    frozen_clock("2026-12-20T02:00:00")
    fo = fee_office()
    a_history(fo)
    as_of = NOV + dt.timedelta(days=days)
    for month in ("2026-10", "2026-11", "2026-12"):
        period = summary_period(fo.office, "month", month)
        by_payment, by_late = both(fo, period, as_of)
        assert by_payment == by_late


def test_the_summary_takes_either_reading_with_the_same_arrears(desk_db, frozen_clock):
    frozen_clock("2026-12-20T02:00:00")
    fo = fee_office()
    a_history(fo)
    october = summary_period(fo.office, "month", "2026-10")  # nearer the first payment
    november = summary_period(fo.office, "month", "2026-11")  # nearer now
    for period in (october, november):
        summary = fee_summary(fo.office, period)
        owing = fs._owing_by_payment(fo.office, period, period.end)
        assert summary.arrears_total == sum(int(row[2]) for row in owing)
        assert summary.arrears_units == len({row[0] for row in owing})
    # October's end: a's October part-paid, b's October and parking paid then (voided later).
    assert fee_summary(fo.office, october).arrears_total == 16121 - 6000
    # November's end: b's October owed again after the void; c's water less ¥3.45.
    assert fee_summary(fo.office, november).arrears_total == 21661 + 12345 - 345


def test_an_office_without_payments(desk_db, frozen_clock):
    frozen_clock("2026-12-20T02:00:00")
    fo = fee_office()
    charge(fo, fo.units[0], fo.property, "2026-11", 16121, at=NOV + H)
    summary = fee_summary(fo.office, summary_period(fo.office, "month", "2026-11"))
    assert (summary.arrears_total, summary.arrears_units) == (16121, 1)


_offices = count()
EVENT = st.tuples(
    st.integers(0, 2),  # which charge
    st.integers(1, 5000),  # fen
    st.integers(0, 60 * 24),  # minutes after the previous event
    st.booleans(),  # voided a little later
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(EVENT, min_size=0, max_size=10), st.lists(st.integers(0, 200), min_size=1,
                                                          max_size=5))
def test_random_histories_read_the_same_both_ways(sqlite_db, frozen_clock, events, probes):
    frozen_clock("2027-01-31T00:00:00")
    fo = fee_office(f"管理处{next(_offices)}")
    unit = fo.units[0]
    charges = [charge(fo, unit, item, "2026-11", 20000, at=NOV + n * H)
               for n, item in enumerate((fo.property, fo.parking, fo.water))]
    at = NOV + 3 * H
    paid = [0, 0, 0]
    for which, amount, gap, undo in events:
        at += dt.timedelta(minutes=gap)
        amount = min(amount, charges[which].amount - paid[which])
        if amount <= 0:
            continue
        payment = pay(fo, unit, [(charges[which], amount)], at=at)
        paid[which] += amount
        if undo:
            at += dt.timedelta(minutes=7)
            void(fo, payment, at=at)
            paid[which] -= amount
    period = summary_period(fo.office, "month", "2026-11")
    for hours in probes:
        by_payment, by_late = both(fo, period, NOV + dt.timedelta(hours=hours))
        assert by_payment == by_late


@pytest.mark.parametrize("days", [-2, 3.1, 12.5, 40])
def test_many_charges_read_in_two_halves_read_the_same(desk_db, frozen_clock, monkeypatch,
                                                        days):
    """An office of many charges reads them in two halves, the upper in a thread on its
    own connection (``_halves``): the same rows as in one reading."""
    frozen_clock("2026-12-20T02:00:00")
    fo = fee_office()
    a_history(fo)
    as_of = NOV + dt.timedelta(days=days)
    period = summary_period(fo.office, "month", "2026-11")
    whole = sorted(fs._owing_by_late(fo.office, period, as_of))
    threads = []
    real_thread = threading.Thread

    def counted(*args, **kwargs):
        threads.append(kwargs.get("name"))
        return real_thread(*args, **kwargs)

    monkeypatch.setattr(fs, "SPLIT_AT", 0)
    monkeypatch.setattr(threading, "Thread", counted)
    halves = sorted(fs._owing_by_late(fo.office, period, as_of))
    assert threads == ["arrears upper half"]
    assert halves == whole
    assert [tuple(int(x) for x in row) for row in halves] == both(fo, period, as_of)[0]
