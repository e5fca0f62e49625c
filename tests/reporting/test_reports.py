"""The report tables (deskterm.duties.reporting.reports), on SQLite and PostgreSQL: each total is
checked against the rows and against figures computed here from the records."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from deskterm.db import changes
from deskterm.db.models import CanteenMeal, Complaint, District, Payment, StocktakeLine
from deskterm.duties.backoffice import canteen, stocktake
from deskterm.duties.repairs import complaints
from deskterm.duties.reporting.reports import COLUMN_TYPES, REPORTS, report_table
from deskterm.errors import DutyError
from tests.cashdesk.test_fee_summary import a_few_months, local_day
from tests.factories import MORNING, order, small_office
from tests.fee_rows import fee_office

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def by_group(table, group):
    return [row for row in table.rows if row[0] == group]


def test_every_report_is_described():
    for name, report in REPORTS.items():
        assert report.name == name and report.title and report.kinds
        assert callable(report.build)


def test_fee_collection_totals_are_the_records(desk_db, frozen_clock):
    frozen_clock(MORNING)
    fo = fee_office()
    a_few_months(fo)
    table = report_table(fo.office, "fee-collection", "2026-11")
    assert table.name == "fee-collection" and table.period_label == "2026-11"
    assert all(column.type in COLUMN_TYPES for column in table.columns)
    payments = [p for p in Payment.select().where(Payment.office == fo.office)
                if table.period.start <= p.taken_at < table.period.end]
    collected = sum(p.amount for p in payments)
    taken = sum(1 for p in payments if p.reverses_id is None)
    undone = len(payments) - taken
    assert table.totals == ("Total", None, taken, undone, collected)
    for group in ("Fee item", "Method", "Clerk", "Day"):
        rows = by_group(table, group)
        assert sum(row[4] for row in rows) == collected
        if group != "Fee item":  # an item counts payment lines, not payments
            assert sum(row[3] for row in rows) == undone
            assert sum(row[2] for row in rows) == taken
    day = Counter()
    for p in payments:
        day[local_day(p.taken_at).strftime("%m-%d")] += p.amount
    assert {row[1]: row[4] for row in by_group(table, "Day") if row[4]} == {
        k: v for k, v in day.items() if v}
    assert len(by_group(table, "Day")) == 30
    assert "bank transfer" in [row[1] for row in by_group(table, "Method")]
    # a week works too; a range of days is not a fee summary's period
    assert report_table(fo.office, "fee-collection", "this-week").period.kind == "week"
    with pytest.raises(DutyError) as refused:
        report_table(fo.office, "fee-collection", "2026-11-01..2026-11-10")
    assert refused.value.field == "period"


def test_callback_rate_days_add_up_to_the_period(desk_db, frozen_clock):
    now = frozen_clock(MORNING)  # Thursday 26 November
    so = small_office()
    on_time = order(so, state="called_back", returned=now - 5 * D,
                    called_back_at=now - 5 * D + 3 * H, callback_on_time=True)
    late = order(so, state="approved", returned=now - 6 * D,
                 called_back_at=now - 6 * D + 30 * H, callback_on_time=False)
    never = order(so, state="returned", returned=now - 3 * D)
    order(so, state="returned", returned=now - 2 * H)  # window still open: not counted
    table = report_table(so.office, "callback-rate", "2026-11-16..2026-11-26")
    assert len(table.rows) == 11
    assert table.totals[1:4] == (3, 1, 2)
    assert table.totals[4] == pytest.approx(1 / 3)
    for index in (1, 2, 3):
        assert sum(row[index] for row in table.rows) == table.totals[index]
    counted = {row[0]: row[1] for row in table.rows if row[1]}
    assert counted == {dt.date(2026, 11, 20): 1, dt.date(2026, 11, 21): 1,
                       dt.date(2026, 11, 23): 1}
    assert all(row[4] is None for row in table.rows if not row[1])
    weeks = report_table(so.office, "callback-weeks", "2026-11-16..2026-11-26")
    assert [(row[0], row[1]) for row in weeks.rows] == [
        (dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
        (dt.date(2026, 11, 23), dt.date(2026, 11, 26))]
    assert [row[2:5] for row in weeks.rows] == [(2, 1, 0.5), (1, 0, 0.0)]
    assert [row[6] for row in weeks.rows] == ["no", "no"]
    assert weeks.totals[2:4] == (sum(r[2] for r in weeks.rows), sum(r[3] for r in weeks.rows))
    assert weeks.totals[5] == 0.98
    misses = report_table(so.office, "callback-misses", "2026-11-16..2026-11-26")
    assert [row[0] for row in misses.rows] == [late.number, never.number]
    assert on_time.number not in [row[0] for row in misses.rows]
    # office-local times: returned at 10:05 Shanghai
    assert misses.rows[0][1] == dt.datetime(2026, 11, 20, 10, 5)
    assert misses.rows[1][3] is None


def test_complaint_summary_by_category(desk_db, frozen_clock):
    now = frozen_clock(MORNING)
    so = small_office()
    for category in ("noise", "noise", "parking"):
        complaints.record_complaint(so.office, so.clerk, complainant_name="王芳",
                                    phone="13987654321", description="楼上装修太吵",
                                    unit=so.unit, category=category)
    with changes.write():
        Complaint.create(office=so.office, number="TS-202611-099", unit=so.unit,
                         description="垃圾未清", category="sanitation",
                         received_at=now - 30 * H, received_by=so.clerk,
                         handler=so.supervisor, handling="已清理", state="called_back",
                         handled_at=now - 20 * H, callback_due_at=now + 4 * H,
                         called_back_at=now - H)
        Complaint.create(office=so.office, number="TS-202610-001", unit=so.unit,
                         description="上月", category="noise",
                         received_at=now - 40 * D, received_by=so.clerk, state="open")
    table = report_table(so.office, "complaint-summary", "this-month")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Noise"] == (2, 0, 0, 0, 0)
    assert rows["Parking"] == (1, 0, 0, 0, 0)
    assert rows["Sanitation"] == (1, 1, 0, 1, 1)
    records = [c for c in Complaint.select().where(Complaint.office == so.office)
               if table.period.start <= c.received_at < table.period.end]
    assert table.totals == ("Total", len(records), 1, 0, 1, 1)
    for index in range(1, 6):
        assert sum(row[index] for row in table.rows) == table.totals[index]
    with pytest.raises(DutyError):
        report_table(so.office, "complaint-summary", "last-week")
    listed = report_table(so.office, "complaint-list", "this-month")
    assert len(listed.rows) == table.totals[1] == 4
    assert [row[0] for row in listed.rows][-1] != "TS-202610-001"
    done = next(row for row in listed.rows if row[0] == "TS-202611-099")
    assert done[1] == dt.date(2026, 11, 25) and done[5] == "Sanitation"
    assert done[6] == "垃圾未清" and done[8] == "已清理"
    assert done[10] == pytest.approx(10.0) and done[11] == dt.date(2026, 11, 26)
    assert done[12] == "yes" and done[13] == "Called back"
    assert all(row[12] is None for row in listed.rows if row[0] != "TS-202611-099")


def test_monday_approval_lists_the_week_and_sums_the_charges(desk_db, frozen_clock):
    now = frozen_clock("2026-11-30T01:30:00")  # Monday 09:30 in Shanghai
    so = small_office()
    friday = order(so, state="called_back", returned=now - 3 * D - 3 * H,
                   called_back_at=now - 3 * D, callback_on_time=True, charge=4500)
    leftover = order(so, state="called_back", returned=now - 10 * D - 3 * H,
                     called_back_at=now - 10 * D, callback_on_time=True, charge=1000)
    order(so, state="called_back", returned=now - 4 * H, called_back_at=now - H,
          callback_on_time=True, charge=999)  # this week: next Monday's
    table = report_table(so.office, "monday-approval")  # default: last week
    assert table.period_label == "2026-11-23..2026-11-29"
    assert [row[0] for row in table.rows] == [leftover.number, friday.number]
    assert table.totals[4] == 5500 == sum(row[4] for row in table.rows)
    assert table.rows[1][1] == "3-2-501" and table.rows[1][3] == "张强"
    assert table.rows[1][6] == dt.datetime(2026, 11, 27, 9, 30)


def test_an_unknown_report_or_bad_period_is_refused(desk_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    for name in ("", "nothing", None):
        with pytest.raises(DutyError) as refused:
            report_table(so.office, name, "last-month")
        assert refused.value.field == "report"
    with pytest.raises(DutyError) as refused:
        report_table(so.office, "fee-collection", "someday")
    assert refused.value.field == "period"


def test_month_end_handover_lists_each_district_and_sums(desk_db, frozen_clock):
    now = frozen_clock("2026-11-30T01:30:00")
    so = small_office()
    with changes.write():
        west = District.create(office=so.office, code="B", name="西区")
    approved = dict(state="approved", approved_at=now - D, called_back_at=now - 2 * D)
    east = order(so, returned=now - 5 * D, charge=3000, **approved)
    other = order(so, returned=now - 5 * D, district=west, charge=700, **approved)
    order(so, returned=now - 5 * D, is_public=True, **approved)  # filed, not handed over
    order(so, state="called_back", returned=now - 5 * D)  # not approved yet
    table = report_table(so.office, "month-end-handover", "this-month")
    assert [(row[0], row[2]) for row in table.rows] == [("东区", east.number),
                                                        ("西区", other.number)]
    assert table.totals[2] == 2 and table.totals[6] == 3700 == sum(r[6] for r in table.rows)


def test_canteen_meal_fees_per_person(desk_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    canteen.record_meals(so.office, so.clerk, dt.date(2026, 10, 1),
                         {so.clerk.id: 1, so.supervisor.id: 2}, "12.00")
    canteen.record_meals(so.office, so.clerk, dt.date(2026, 10, 31), {so.clerk.id: 3}, 1201)
    canteen.record_meals(so.office, so.clerk, dt.date(2026, 11, 1), {so.clerk.id: 1}, 1200)
    table = report_table(so.office, "canteen-meal-fees")  # last month: October
    assert table.period_label == "2026-10"
    assert sorted(table.rows) == sorted([("李静", 4, 1200 + 3 * 1201), ("刘芳", 2, 2400)])
    records = [m for m in CanteenMeal.select() if m.day.month == 10]
    assert table.totals == ("Total", sum(m.meals for m in records),
                            sum(m.meals * m.price for m in records))


def test_stocktake_variance_line_by_line(desk_db, frozen_clock):
    from tests.backoffice.test_stocktake import started

    _now, so, _items, take, lines = started(frozen_clock)
    assert report_table(small_office("别的管理处").office, "stocktake-variance").rows == ()
    stocktake.save_counts(so.office, so.clerk, take.id, {
        lines["FM-15"].id: ("10", ""), lines["SLD-01"].id: ("4", "领用未登记")})
    table = report_table(so.office, "stocktake-variance")  # this month
    assert [row[0] for row in table.rows] == ["DP-9W", "FM-15", "SLD-01"]
    assert table.rows[2][4:] == (5, 4, -1, "领用未登记")
    assert table.rows[0][5:7] == (None, None)
    counted = StocktakeLine.select().where(StocktakeLine.counted_quantity.is_null(False))
    assert table.totals[5] == counted.count() == 2
    assert table.totals[6] == sum(x.counted_quantity - x.book_quantity for x in counted) == -1
    assert "1 of 2" in table.totals[1]
