"""The fee summary's arrears read two ways (deskterm.duties.cashdesk.fee_summary): every line's
payment looked up (``_owing_by_payment``), or what is owed now with the lines paid since
put back (``_owing_by_late``, taken for a recent period because it is faster at 1,000,000
payments). Both must give the same charges owing the same amounts at any moment: before,
between and after partial payments, voids and re-payments, charges made later, and
another office's money. The second reads the stored ``charge.paid`` (migration 0009), kept
by the database as the sum of the charge's payment lines; its backfill is tested too."""

from __future__ import annotations

import datetime as dt
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


def _paid_as_summed(desk_db) -> dict[int, tuple[int, int]]:
    """Each charge's stored ``paid`` beside the sum of its payment lines."""
    return {charge_id: (int(paid), int(summed)) for charge_id, paid, summed in desk_db.execute_sql(
        "SELECT c.id, c.paid, COALESCE((SELECT SUM(l.amount) FROM payment_line l "
        "WHERE l.charge_id = c.id), 0) FROM charge c")}


def test_the_stored_paid_is_the_sum_of_the_lines(desk_db, frozen_clock):
    """``charge.paid`` (migration 0009) follows every payment line the moment it is written,
    in its own transaction: partial payments, voids (negative lines), payments again."""
    frozen_clock("2026-12-20T02:00:00")
    fo = fee_office()
    a_history(fo)
    sums = _paid_as_summed(desk_db)
    assert len(sums) == 6 and {paid for paid, _summed in sums.values()} != {0}
    assert all(paid == summed for paid, summed in sums.values()), sums


def test_a_line_refused_leaves_paid_as_it_was(desk_db, frozen_clock):
    """A payment line that cannot be written (no such payment) changes no charge's paid:
    the trigger runs in the statement that failed."""
    from peewee import IntegrityError

    from deskterm.db.models import PaymentLine

    frozen_clock("2026-12-20T02:00:00")
    fo = fee_office()
    a_history(fo)
    before = _paid_as_summed(desk_db)
    some = next(iter(before))
    with pytest.raises(IntegrityError), desk_db.atomic():
        PaymentLine.insert(payment=10**9, charge=some, amount=500).execute()
    assert _paid_as_summed(desk_db) == before


def test_the_backfill_sums_every_charge_exactly(desk_db, frozen_clock):
    """Migration 0009 on a database with history: the column dropped and made again (its
    ``down`` then ``up``), every charge's paid is the sum of its lines, and the trigger
    then keeps it (a payment after the migration)."""
    import importlib

    frozen_clock("2026-12-20T02:00:00")
    fo = fee_office()
    a_history(fo)
    migration = importlib.import_module("deskterm.db.migrations.0009_charge_paid")
    with desk_db.atomic():
        migration.down(None, desk_db)
    with desk_db.atomic():
        migration.up(None, desk_db)
    sums = _paid_as_summed(desk_db)
    assert all(paid == summed for paid, summed in sums.values()), sums
    assert sum(paid for paid, _summed in sums.values()) == sum(
        int(amount) for (amount,) in desk_db.execute_sql("SELECT amount FROM payment_line"))
    period = summary_period(fo.office, "month", "2026-11")
    owing = sorted(fs._owing_by_late(fo.office, period, period.end))
    assert owing and [tuple(map(int, row)) for row in owing] == both(fo, period, period.end)[0]
    unit, item, left = owing[0]
    charge_id = next(cid for cid, u, i, amount in desk_db.execute_sql(
        "SELECT id, unit_id, fee_item_id, amount - paid FROM charge")
        if (u, i) == (unit, item) and amount == left)
    pay(fo, next(u for u in fo.units if u.id == unit), [(charge_id, left)],
        at=dt.datetime(2026, 12, 1, 3))
    assert all(paid == summed for paid, summed in _paid_as_summed(desk_db).values())
