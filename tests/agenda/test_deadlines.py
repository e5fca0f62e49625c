"""The deadline calendar: what falls due on which day, when, and what proves it done
(on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from deskterm.clock import to_utc
from deskterm.db.models import (
    Assessment,
    BankDeposit,
    CanteenPurchase,
    CashEntry,
    CashSession,
    DailyWorkRecord,
    DeadlineDone,
    District,
    Office,
    RepairOrder,
    Staff,
    Stocktake,
    WorkSummary,
)
from deskterm.duties.agenda import deadlines as dl
from deskterm.duties.agenda.deadlines import deadlines_on, is_done, next_deadline, upcoming

TZ = "Asia/Shanghai"
DAY = dt.date(2026, 11, 26)  # Thursday, the 26th, winter


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(f"{day.isoformat()} {hhmm}"), TZ)


@pytest.fixture
def desk(desk_db):
    created = dt.datetime(2026, 1, 1)
    office = Office.create(name="非凡物业", created_at=created)
    clerk = Staff.create(office=office, name="李娜", role="clerk", created_at=created)
    boss = Staff.create(office=office, name="周经理", role="manager", created_at=created)
    district = District.create(office=office, code="A", name="A区")
    return SimpleNamespace(office=office, clerk=clerk, boss=boss, district=district)


def keys(deadlines):
    return [d.key for d in deadlines]


def find(deadlines, key):
    return next(d for d in deadlines if d.key == key)


# -- the calendar ------------------------------------------------------------------------

DAILY = ["deposit", "work_record", "canteen_check"]


@pytest.mark.parametrize("day,extra,periods", [
    (dt.date(2026, 11, 5), ["attendance_sheet"], {"attendance_sheet": "2026-10"}),
    (dt.date(2026, 11, 15), ["weekly_fee_summary", "weekly_work_summary", "canteen_meal_fees"],
     {"canteen_meal_fees": "2026-10", "weekly_fee_summary": "2026-W46"}),  # a Sunday
    (dt.date(2026, 11, 24), ["stocktake"], {"stocktake": "2026-11"}),
    (dt.date(2026, 11, 26), ["monthly_fee_summary"], {"monthly_fee_summary": "2026-11"}),
    (dt.date(2026, 11, 27), ["assessments"], {"assessments": "2026-W48"}),  # Friday
    (dt.date(2026, 11, 25), [], {"deposit": "2026-11-25"}),
    # Monday the 30th is also the end of a 30-day month.
    (dt.date(2026, 11, 30), ["callback_approval", "orders_handover", "complaint_summary",
                             "monthly_work_summary"],
     {"callback_approval": "2026-W48", "orders_handover": "2026-11"}),
    (dt.date(2026, 12, 31), ["orders_handover", "complaint_summary", "monthly_work_summary"],
     {"monthly_work_summary": "2026-12"}),
    (dt.date(2027, 2, 28), ["weekly_fee_summary", "weekly_work_summary", "orders_handover",
                            "complaint_summary", "monthly_work_summary"],
     {"orders_handover": "2027-02"}),
    (dt.date(2028, 2, 29), ["orders_handover", "complaint_summary", "monthly_work_summary"],
     {"orders_handover": "2028-02"}),
    (dt.date(2027, 1, 4), ["callback_approval"], {"callback_approval": "2026-W53"}),
])
def test_deadlines_on_sample_days(desk, day, extra, periods):
    found = deadlines_on(desk.office, day, now=at(day, "07:00"))
    assert sorted(keys(found)) == sorted(DAILY + extra)
    for key, period in periods.items():
        assert find(found, key).period == period
    assert [d.due_at for d in found] == sorted(d.due_at for d in found)
    assert find(found, "deposit").due_at == at(day, "17:00")
    assert find(found, "work_record").due_at == at(day, "17:30")


def test_not_on_month_end_the_day_before(desk):
    found = keys(deadlines_on(desk.office, dt.date(2027, 2, 27)))  # a Saturday
    assert "orders_handover" not in found
    assert "weekly_fee_summary" in found


def test_a_month_day_that_does_not_exist_is_the_last_day():
    rule = dl.Rule("x", "day:31", "month", "x", "", "manual", True)
    assert dl._due_date(rule, dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)  # 30 days
    assert dl._due_date(rule, dt.date(2026, 11, 29)) is None
    assert dl._due_date(rule, dt.date(2026, 12, 31)) == dt.date(2026, 12, 31)
    rule30 = dl.Rule("y", "day:30", "month", "y", "", "manual", True)
    assert dl._due_date(rule30, dt.date(2027, 2, 28)) == dt.date(2027, 2, 28)
    assert dl._due_date(rule30, dt.date(2028, 2, 28)) is None  # leap year: the 29th
    assert dl._due_date(rule30, dt.date(2028, 2, 29)) == dt.date(2028, 2, 29)


def test_weekend_summary_shows_saturday_due_sunday(desk):
    saturday = dt.date(2026, 11, 28)
    summary = find(deadlines_on(desk.office, saturday, now=at(saturday, "09:00")),
                   "weekly_fee_summary")
    assert summary.day == dt.date(2026, 11, 29)
    assert summary.due_at == at(dt.date(2026, 11, 29), "17:30")
    assert summary.state == "due"
    assert summary.period == "2026-W48"
    assert summary.markable and summary.clause == "[5.1]"
    # the same deadline on Sunday
    sunday = find(deadlines_on(desk.office, dt.date(2026, 11, 29)), "weekly_fee_summary")
    assert (sunday.period, sunday.due_at) == (summary.period, summary.due_at)


def test_summer_deadlines_fall_due_at_the_summer_sign_out(desk):
    day = dt.date(2026, 7, 15)
    found = deadlines_on(desk.office, day, now=at(day, "07:00"))
    assert find(found, "work_record").due_at == at(day, "18:00")
    assert find(found, "deposit").due_at == at(day, "17:00")


def test_states_through_the_day(desk):
    def state(hhmm, key="work_record"):
        return find(deadlines_on(desk.office, DAY, now=at(DAY, hhmm)), key).state

    assert state("09:00") == "due"
    assert state("17:31") == "missed"
    assert find(deadlines_on(desk.office, DAY + dt.timedelta(days=1), now=at(DAY, "09:00")),
                "work_record").state == "upcoming"
    DailyWorkRecord.create(office=desk.office, staff=desk.clerk, day=DAY,
                           submitted_at=at(DAY, "17:40"))
    assert state("17:45") == "done"


def test_labels_are_translated_text(desk):
    found = deadlines_on(desk.office, dt.date(2026, 11, 30))
    assert find(found, "callback_approval").label == (
        "Last week's callbacked orders to the manager for approval")
    assert all(d.label and d.clause.startswith("[") for d in found)


# -- done from the records ---------------------------------------------------------------

def _deposit(desk, day, now):
    return find(deadlines_on(desk.office, day, now=now), "deposit")


def test_deposit_done_when_the_days_cash_is_banked(desk):
    office, clerk = desk.office, desk.clerk
    # nothing taken yet: not done before 17:00 (cash may come), done after (nothing to bank)
    assert _deposit(desk, DAY, at(DAY, "10:00")).state == "due"
    assert _deposit(desk, DAY, at(DAY, "17:10")).state == "done"

    session = CashSession.create(office=office, clerk=clerk, day=DAY, opened_at=at(DAY, "08:40"),
                                 opening_float=50_000)
    CashEntry.create(office=office, session=session, at=at(DAY, "08:40"), kind="float",
                     amount=50_000, clerk=clerk)
    CashEntry.create(office=office, session=session, at=at(DAY, "10:00"), kind="payment",
                     amount=35_000, clerk=clerk)
    CashEntry.create(office=office, session=session, at=at(DAY, "11:00"), kind="refund",
                     amount=-5_000, clerk=clerk)
    deadline = _deposit(desk, DAY, at(DAY, "15:00"))
    assert deadline.state == "due" and not is_done(office, deadline, at(DAY, "15:00"))
    assert _deposit(desk, DAY, at(DAY, "17:01")).state == "missed"

    slip = BankDeposit.create(office=office, at=at(DAY, "16:30"), amount=30_000,
                              slip_number="B-001", deposited_by=clerk)
    CashEntry.create(office=office, session=session, at=at(DAY, "16:30"), kind="deposit",
                     amount=-30_000, deposit=slip, clerk=clerk)
    assert _deposit(desk, DAY, at(DAY, "16:31")).state == "done"  # the float stays
    # cash taken after 17:00 is tomorrow's deposit
    CashEntry.create(office=office, session=session, at=at(DAY, "17:20"), kind="payment",
                     amount=8_000, clerk=clerk)
    assert _deposit(desk, DAY, at(DAY, "17:30")).state == "done"
    # another clerk's session of the same day counts too
    other = Staff.create(office=office, name="赵敏", role="clerk", created_at=at(DAY, "08:00"))
    theirs = CashSession.create(office=office, clerk=other, day=DAY, opened_at=at(DAY, "08:40"))
    CashEntry.create(office=office, session=theirs, at=at(DAY, "12:00"), kind="payment",
                     amount=1_000, clerk=other)
    assert _deposit(desk, DAY, at(DAY, "17:30")).state == "missed"
    # yesterday's drawer is yesterday's deadline
    assert _deposit(desk, DAY + dt.timedelta(days=1), at(DAY, "17:30")).state == "upcoming"


def test_deposit_is_not_marked_done_by_hand(desk):
    office, clerk = desk.office, desk.clerk
    session = CashSession.create(office=office, clerk=clerk, day=DAY, opened_at=at(DAY, "08:40"))
    CashEntry.create(office=office, session=session, at=at(DAY, "10:00"), kind="payment",
                     amount=100, clerk=clerk)
    DeadlineDone.create(office=office, key="deposit", period=DAY.isoformat(),
                        done_at=at(DAY, "16:00"), done_by=clerk)
    assert _deposit(desk, DAY, at(DAY, "16:30")).state == "due"


def test_work_record_by_any_clerk(desk):
    day = DAY
    deadline = find(deadlines_on(desk.office, day, now=at(day, "12:00")), "work_record")
    assert not is_done(desk.office, deadline)
    DailyWorkRecord.create(office=desk.office, staff=desk.clerk, day=day)  # draft
    assert not is_done(desk.office, deadline)
    DailyWorkRecord.update(submitted_at=at(day, "17:20")).execute()
    assert is_done(desk.office, deadline)


def test_canteen_purchases_checked(desk):
    office, clerk = desk.office, desk.clerk

    def state(now_hhmm):
        return find(deadlines_on(office, DAY, now=at(DAY, now_hhmm)), "canteen_check").state

    assert state("10:00") == "due"
    assert state("17:40") == "done"  # nothing bought, nothing to check
    rice = CanteenPurchase.create(office=office, day=DAY, item="大米", quantity="25 kg",
                                  amount=12_500)
    CanteenPurchase.create(office=office, day=DAY, item="青菜", quantity="5 kg", amount=2_000,
                           checked_by=clerk, checked_at=at(DAY, "10:00"))
    assert state("11:00") == "due"
    assert state("17:40") == "missed"
    CanteenPurchase.update(checked_by=clerk, checked_at=at(DAY, "11:00")).where(
        CanteenPurchase.id == rice.id).execute()
    assert state("11:05") == "done"


def test_stocktake_closed_for_the_month(desk):
    day = dt.date(2026, 11, 24)
    deadline = find(deadlines_on(desk.office, day, now=at(day, "09:00")), "stocktake")
    take = Stocktake.create(office=desk.office, period="2026-11", started_at=at(day, "09:00"),
                            started_by=desk.clerk)
    assert not is_done(desk.office, deadline)
    Stocktake.create(office=desk.office, period="2026-10", started_at=at(day, "09:00"),
                     started_by=desk.clerk, closed_at=at(day, "09:00"), closed_by=desk.clerk)
    assert not is_done(desk.office, deadline)
    Stocktake.update(closed_at=at(day, "15:00"), closed_by=desk.clerk).where(
        Stocktake.id == take.id).execute()
    assert is_done(desk.office, deadline)


def test_monday_approval_from_the_orders(desk):
    monday = dt.date(2026, 11, 30)
    office = desk.office

    def approval(now):
        return find(deadlines_on(office, monday, now=now), "callback_approval")

    last_week = RepairOrder.create(
        office=office, number="WX-202611-0001", district=desk.district, description="漏水",
        registered_at=at(monday - dt.timedelta(days=6), "09:00"), registered_by=desk.clerk,
        state="called_back", called_back_at=at(monday - dt.timedelta(days=3), "10:00"))
    RepairOrder.create(  # called back this Monday: next week's batch
        office=office, number="WX-202611-0002", district=desk.district, description="灯",
        registered_at=at(monday - dt.timedelta(days=2), "09:00"), registered_by=desk.clerk,
        state="called_back", called_back_at=at(monday, "09:00"))
    assert approval(at(monday, "10:00")).state == "due"
    assert approval(at(monday, "18:00")).state == "missed"
    assert approval(at(monday, "10:00")).period == "2026-W48"  # the week it covers
    RepairOrder.update(state="approved", approved_at=at(monday, "11:00"),
                       approved_by=desk.boss).where(RepairOrder.id == last_week.id).execute()
    assert approval(at(monday, "11:05")).state == "done"
    # a Monday still to come is not done ahead of time: callbacks may still come
    ahead = find(deadlines_on(office, monday, now=at(monday - dt.timedelta(days=2), "10:00")),
                 "callback_approval")
    assert ahead.state == "upcoming"


def test_markable_deadlines_from_deadline_done(desk):
    day = dt.date(2026, 11, 26)
    deadline = find(deadlines_on(desk.office, day, now=at(day, "09:00")), "monthly_fee_summary")
    assert deadline.markable and not is_done(desk.office, deadline)
    DeadlineDone.create(office=desk.office, key="monthly_fee_summary", period="2026-10",
                        done_at=at(day, "09:00"), done_by=desk.clerk)  # last month's
    DeadlineDone.create(office=desk.office, key="stocktake", period="2026-11",
                        done_at=at(day, "09:00"), done_by=desk.clerk)  # wrong key
    assert not is_done(desk.office, deadline)
    DeadlineDone.create(office=desk.office, key="monthly_fee_summary", period="2026-11",
                        done_at=at(day, "10:00"), done_by=desk.clerk)
    assert is_done(desk.office, deadline)
    assert find(deadlines_on(desk.office, day, now=at(day, "18:00")),
                "monthly_fee_summary").state == "done"
    other = Office.create(name="别处", created_at=at(day, "08:00"))
    assert not is_done(other, find(deadlines_on(other, day), "monthly_fee_summary"))


def test_assessments_two_a_week(desk):
    friday = dt.date(2026, 11, 27)
    office = desk.office
    deadline = find(deadlines_on(office, friday, now=at(friday, "09:00")), "assessments")
    Assessment.create(office=office, clerk=desk.clerk, supervisor=desk.boss,
                      at=at(friday - dt.timedelta(days=4), "10:00"), text="接听规范")
    Assessment.create(office=office, clerk=desk.clerk, supervisor=desk.boss,
                      at=at(friday - dt.timedelta(days=7), "10:00"), text="last week")
    assert not is_done(office, deadline)
    Assessment.create(office=office, clerk=desk.clerk, supervisor=desk.boss,
                      at=at(friday, "09:30"), text="收费准确")
    assert is_done(office, deadline)


def test_monthly_work_summary_from_the_summary(desk):
    day = dt.date(2026, 11, 30)
    deadline = find(deadlines_on(desk.office, day, now=at(day, "09:00")), "monthly_work_summary")
    WorkSummary.create(office=desk.office, staff=desk.clerk, kind="month", period="2026-11")
    assert not is_done(desk.office, deadline)  # a draft
    WorkSummary.update(submitted_at=at(day, "16:00")).execute()
    assert is_done(desk.office, deadline)


# -- what is next ------------------------------------------------------------------------

def test_next_deadline_before_and_after_the_deposit(desk, frozen_clock):
    office = desk.office
    frozen_clock(at(DAY, "10:00"))
    first = next_deadline(office)
    assert (first.key, first.period, first.due_at) == ("deposit", "2026-11-26", at(DAY, "17:00"))
    frozen_clock(at(DAY, "17:05"))
    after = next_deadline(office)
    assert (after.key, after.due_at) == ("work_record", at(DAY, "17:30"))
    DailyWorkRecord.create(office=office, staff=desk.clerk, day=DAY, submitted_at=at(DAY, "17:06"))
    assert next_deadline(office).key == "canteen_check"
    frozen_clock(at(DAY, "19:00"))
    tomorrow = next_deadline(office)
    assert (tomorrow.key, tomorrow.period) == ("deposit", "2026-11-27")


def test_next_deadline_skips_a_deposit_already_made(desk, frozen_clock):
    office, clerk = desk.office, desk.clerk
    frozen_clock(at(DAY, "15:00"))
    session = CashSession.create(office=office, clerk=clerk, day=DAY, opened_at=at(DAY, "08:40"))
    CashEntry.create(office=office, session=session, at=at(DAY, "10:00"), kind="payment",
                     amount=2_000, clerk=clerk)
    assert next_deadline(office).key == "deposit"
    CashEntry.create(office=office, session=session, at=at(DAY, "14:00"), kind="deposit",
                     amount=-2_000, clerk=clerk)
    assert next_deadline(office).key == "work_record"


def test_upcoming_week(desk, frozen_clock):
    frozen_clock(at(DAY, "18:00"))  # Thursday evening
    soon = upcoming(desk.office)
    assert [d.due_at for d in soon] == sorted(d.due_at for d in soon)
    assert {d.state for d in soon} <= {"missed", "due", "upcoming"}
    found = {(d.key, d.period) for d in soon}
    assert ("work_record", "2026-11-26") in found  # missed today, still to do
    assert ("assessments", "2026-W48") in found
    assert ("weekly_fee_summary", "2026-W48") in found  # once, not twice
    assert sum(1 for d in soon if d.key == "weekly_fee_summary") == 1
    assert ("orders_handover", "2026-11") in found  # Monday the 30th
    assert ("work_record", "2026-12-02") in found
    assert ("work_record", "2026-12-03") not in found  # 7 days: Thursday to Wednesday
    everything = upcoming(desk.office, include_done=True)
    assert ("canteen_check", "2026-11-26") in {(d.key, d.period) for d in everything}
    assert len(upcoming(desk.office, days=1)) < len(soon)


def test_the_office_day_not_the_hosts(desk, frozen_clock):
    frozen_clock("2026-11-25T23:30:00")  # 07:30 on the 26th in Shanghai
    first = next_deadline(desk.office)
    assert (first.key, first.period) == ("deposit", "2026-11-26")
    today = {d.key for d in upcoming(desk.office, days=1)}
    assert "monthly_fee_summary" in today
