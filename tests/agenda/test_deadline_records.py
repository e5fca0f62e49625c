"""Every row of SPEC.md's calendar table, proved done by the record its duty writes (on SQLite
and PostgreSQL): before the record the deadline is upcoming in the days before and due on its
day, past its time without the record it is missed, and with the record it is done.

The sheets handed over on paper (attendance sheet, meal fees, fee summaries, complaint
summary) are recorded by their own duties' ``DeadlineDone`` rows."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.clock import now_utc, to_utc
from deskterm.db import changes
from deskterm.db.models import DeadlineDone, RepairOrder, Staff
from deskterm.duties.agenda.deadlines import deadlines_on, next_deadline, upcoming
from deskterm.duties.backoffice import canteen, stocktake
from deskterm.duties.cashdesk import cash, fee_summary, fee_summary_hand
from deskterm.duties.pins import hash_pin
from deskterm.duties.repairs import approvals
from deskterm.duties.repairs.complaint_summary_hand import hand_complaint_summary
from deskterm.duties.shift import assessments, attendance_sheet, work_records, work_summaries
from deskterm.errors import DutyError
from tests.backoffice.test_stock import new_item
from tests.cashdesk.test_cash import take_cash
from tests.factories import order, small_office

TZ = "Asia/Shanghai"
MANAGER_PIN = "9876"


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(f"{day.isoformat()} {hhmm}"), TZ)


def state(so, key: str, day: dt.date, now: dt.datetime | None = None) -> str:
    """The state of ``key`` among the deadlines shown on ``day``, as of ``now``."""
    found = [d for d in deadlines_on(so.office, day, now=now or now_utc()) if d.key == key]
    assert len(found) == 1, (key, day)
    return found[0].state


def soon(so, key: str, period: str, now: dt.datetime | None = None) -> str | None:
    """The state of (key, period) in the week ahead the desk is reminded of, or None."""
    for deadline in upcoming(so.office, now or now_utc(), include_done=True):
        if (deadline.key, deadline.period) == (key, period):
            return deadline.state
    return None


@pytest.fixture
def so(desk_db, frozen_clock):
    return desk_office(frozen_clock)


def desk_office(frozen_clock):
    """A small office made on 2 November, with a manager (PIN 9876) and a CS supervisor."""
    frozen_clock(at(dt.date(2026, 11, 2), "09:00"))
    office = small_office()
    with changes.write():
        office.manager = Staff.create(office=office.office, name="赵建国", role="manager",
                                      pin_hash=hash_pin(MANAGER_PIN),
                                      created_at=office.office.created_at)
        office.cs = Staff.create(office=office.office, name="周敏", role="cs_supervisor",
                                 created_at=office.office.created_at)
    return office


# -- daily ------------------------------------------------------------------------------------

THU = dt.date(2026, 11, 26)


def test_deposit_done_by_the_bank_deposit(so, frozen_clock):
    """[5.3] daily 17:00: the cash taken before 17:00 deposited."""
    frozen_clock(at(THU - dt.timedelta(days=1), "19:00"))
    first = next_deadline(so.office)
    assert (first.key, first.period) == ("deposit", "2026-11-26")  # the evening before
    assert state(so, "deposit", THU) == "upcoming"
    now = frozen_clock(at(THU, "08:40"))
    session = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, session, 12_345, at=now + dt.timedelta(hours=1))
    frozen_clock(at(THU, "15:00"))
    assert state(so, "deposit", THU) == "due"
    assert next_deadline(so.office).key == "deposit"
    assert state(so, "deposit", THU, at(THU, "17:01")) == "missed"
    cash.record_deposit(so.office, so.clerk, "123.45", "S-1126")
    assert state(so, "deposit", THU) == "done"
    assert next_deadline(so.office).key == "work_record"
    assert state(so, "deposit", THU, at(THU, "18:00")) == "done"


def test_deposit_short_by_a_fen_is_missed(so, frozen_clock):
    now = frozen_clock(at(THU, "09:00"))
    session = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, session, 12_345, at=now)
    frozen_clock(at(THU, "16:00"))
    cash.record_deposit(so.office, so.clerk, "123.44", "S-1126")
    assert state(so, "deposit", THU) == "due"
    assert state(so, "deposit", THU, at(THU, "17:00")) == "missed"


def test_work_record_done_when_submitted_not_saved(so, frozen_clock):
    """[7.4.23] daily: the day's work record submitted."""
    frozen_clock(at(THU, "16:00"))
    assert state(so, "work_record", THU) == "due"
    work_records.save_work_record(so.office, so.clerk, "草稿")
    assert state(so, "work_record", THU) == "due"  # a draft is not the record
    assert state(so, "work_record", THU, at(THU, "17:30")) == "missed"
    work_records.submit_work_record(so.office, so.clerk, "收费 3 户")
    assert state(so, "work_record", THU) == "done"
    assert state(so, "work_record", THU, at(THU, "18:00")) == "done"


def test_canteen_check_done_when_every_purchase_is_checked(so, frozen_clock):
    """[5.10] daily: the day's canteen purchases verified."""
    frozen_clock(at(THU, "10:00"))
    canteen.add_purchase(so.office, so.clerk, item="大米", quantity="25 kg", amount="98.00",
                         supplier="粮油店", bought_by="王师傅")
    second = canteen.add_purchase(so.office, so.clerk, item="青菜", quantity="5 kg",
                                  amount="20.50", supplier="菜场", bought_by="王师傅")
    assert state(so, "canteen_check", THU) == "due"
    canteen.check_purchases(so.office, so.supervisor, ids=[second.id])
    assert state(so, "canteen_check", THU) == "due"  # one of two
    assert state(so, "canteen_check", THU, at(THU, "18:00")) == "missed"
    canteen.check_purchases(so.office, so.supervisor)
    assert state(so, "canteen_check", THU) == "done"


def test_canteen_check_without_purchases_is_done_once_the_day_ends(so, frozen_clock):
    frozen_clock(at(THU, "10:00"))
    assert state(so, "canteen_check", THU) == "due"
    assert state(so, "canteen_check", THU, at(THU, "18:00")) == "done"


# -- weekly -----------------------------------------------------------------------------------

MON = dt.date(2026, 11, 30)  # the Monday after week 48; also the month's last day


def called_back(so, when: dt.datetime) -> RepairOrder:
    return order(so, state="called_back", returned=when - dt.timedelta(hours=3),
                 called_back_at=when, callback_on_time=True)


def test_monday_approval_done_when_nothing_called_back_waits(so, frozen_clock):
    """[5.8][7.4.10] Monday: last week's called-back orders approved by the manager."""
    frozen_clock(at(dt.date(2026, 11, 25), "11:00"))
    first = called_back(so, now_utc())
    frozen_clock(at(dt.date(2026, 11, 27), "11:00"))
    second = called_back(so, now_utc())
    assert soon(so, "callback_approval", "2026-W48") == "upcoming"  # in the days before
    now = frozen_clock(at(MON, "09:00"))
    assert state(so, "callback_approval", MON) == "due"
    assert state(so, "callback_approval", MON, at(MON, "17:30")) == "missed"
    approvals.approve_orders(so.office, so.manager.id, MANAGER_PIN, [first.id])
    assert state(so, "callback_approval", MON) == "due"  # one still waits
    called_back(so, now)  # called back this week: next Monday's
    approvals.approve_orders(so.office, so.manager.id, MANAGER_PIN, [second.id])
    assert state(so, "callback_approval", MON) == "done"


def test_weekly_fee_summary_done_when_handed_over(so, frozen_clock):
    """[5.1] weekend: the week's fee-collection summary into the weekly report."""
    sat, sun = dt.date(2026, 11, 28), dt.date(2026, 11, 29)
    frozen_clock(at(dt.date(2026, 11, 26), "10:00"))
    assert soon(so, "weekly_fee_summary", "2026-W48") == "upcoming"
    week = fee_summary.summary_period(so.office, "week")
    with pytest.raises(DutyError) as refused:
        fee_summary_hand.hand_summary(so.office, so.clerk, week)  # Thursday: too soon
    assert refused.value.field == "period"
    assert DeadlineDone.select().count() == 0
    frozen_clock(at(sat, "15:00"))
    assert state(so, "weekly_fee_summary", sat) == "due"
    assert state(so, "weekly_fee_summary", sun, at(sun, "18:00")) == "missed"
    row = fee_summary_hand.hand_summary(so.office, so.clerk, week)
    assert (row.key, row.period, row.done_by_id) == ("weekly_fee_summary", "2026-W48",
                                                       so.clerk.id)
    assert state(so, "weekly_fee_summary", sat) == "done"
    assert state(so, "weekly_fee_summary", sun, at(sun, "18:00")) == "done"
    assert fee_summary_hand.handed(so.office, week)[1] == so.clerk.name


def test_assessments_done_by_two_written_this_week(so, frozen_clock):
    """[5.9] weekly (Friday): at least 2 written assessments of clerks."""
    fri = dt.date(2026, 11, 27)
    frozen_clock(at(dt.date(2026, 11, 24), "10:00"))
    assert soon(so, "assessments", "2026-W48") == "upcoming"
    assessments.write_assessment(so.office, so.supervisor, so.clerk, text="收费准确")
    frozen_clock(at(fri, "10:00"))
    assert state(so, "assessments", fri) == "due"
    assert state(so, "assessments", fri, at(fri, "17:30")) == "missed"
    assessments.write_assessment(so.office, so.manager, so.clerk, text="接待耐心", score="5")
    assert state(so, "assessments", fri) == "done"


def test_weekly_work_summary_done_when_submitted(so, frozen_clock):
    """[7.4.23] weekend: the weekly work summary to the supervisor."""
    sat, sun = dt.date(2026, 11, 28), dt.date(2026, 11, 29)
    frozen_clock(at(sat, "10:00"))
    assert state(so, "weekly_work_summary", sat) == "due"
    work_summaries.save_summary(so.office, so.clerk, "week", "2026-W48", summary="草稿")
    assert state(so, "weekly_work_summary", sun, at(sun, "18:00")) == "missed"
    work_summaries.submit_summary(so.office, so.clerk, "week", "2026-W48", summary="本周收费")
    assert state(so, "weekly_work_summary", sun) == "done"


# -- monthly ----------------------------------------------------------------------------------

def test_attendance_sheet_done_when_handed_over(so, frozen_clock):
    """[5.7] the 5th: last month's attendance sheet, on-duty table and ranking."""
    fifth = dt.date(2026, 12, 5)
    frozen_clock(at(dt.date(2026, 12, 2), "10:00"))
    assert soon(so, "attendance_sheet", "2026-11") == "upcoming"
    assert state(so, "attendance_sheet", fifth) == "upcoming"
    frozen_clock(at(fifth, "10:00"))
    assert state(so, "attendance_sheet", fifth) == "due"
    assert state(so, "attendance_sheet", fifth, at(fifth, "17:30")) == "missed"
    attendance_sheet.hand_sheet(so.office, so.supervisor)
    assert state(so, "attendance_sheet", fifth) == "done"


def test_canteen_meal_fees_done_when_handed_over(so, frozen_clock):
    """[5.10] the 15th: last month's canteen meal fees."""
    fifteenth = dt.date(2026, 12, 15)
    frozen_clock(at(dt.date(2026, 11, 3), "12:00"))
    canteen.record_meals(so.office, so.clerk, None, {so.clerk.id: 1}, 1200)
    frozen_clock(at(dt.date(2026, 12, 10), "10:00"))
    assert soon(so, "canteen_meal_fees", "2026-11") == "upcoming"
    frozen_clock(at(fifteenth, "10:00"))
    assert state(so, "canteen_meal_fees", fifteenth) == "due"
    assert state(so, "canteen_meal_fees", fifteenth, at(fifteenth, "17:30")) == "missed"
    canteen.hand_meal_fees(so.office, so.clerk)
    assert state(so, "canteen_meal_fees", fifteenth) == "done"


def test_stocktake_done_when_closed(so, frozen_clock):
    """[5.4] the 24th: the month's stocktake, the stock ledger."""
    day = dt.date(2026, 11, 24)
    frozen_clock(at(dt.date(2026, 11, 20), "10:00"))
    item = new_item(so, code="FM-15", name="角阀", quantity=10)
    assert soon(so, "stocktake", "2026-11") == "upcoming"
    frozen_clock(at(day, "10:00"))
    take = stocktake.start_stocktake(so.office, so.clerk)
    assert state(so, "stocktake", day) == "due"  # started, not closed
    assert state(so, "stocktake", day, at(day, "17:30")) == "missed"
    line = stocktake.stocktake_view(so.office).lines[0]
    assert line.code == item.code
    stocktake.save_counts(so.office, so.clerk, take.id, {line.id: ("9", "领用未登记")})
    stocktake.close_stocktake(so.office, so.clerk, take.id)
    assert state(so, "stocktake", day) == "done"


def test_monthly_fee_summary_done_when_handed_over(so, frozen_clock):
    """[5.6] the 26th: the month's fee-collection summary to the manager and finance."""
    day = dt.date(2026, 11, 26)
    frozen_clock(at(dt.date(2026, 11, 23), "10:00"))
    assert soon(so, "monthly_fee_summary", "2026-11") == "upcoming"
    frozen_clock(at(day, "10:00"))
    assert state(so, "monthly_fee_summary", day) == "due"
    assert state(so, "monthly_fee_summary", day, at(day, "17:30")) == "missed"
    month = fee_summary.summary_period(so.office, "month")
    fee_summary_hand.hand_summary(so.office, so.supervisor, month)
    assert state(so, "monthly_fee_summary", day) == "done"
    with pytest.raises(DutyError) as refused:
        fee_summary_hand.hand_summary(so.office, so.clerk, month)  # once a month
    assert refused.value.field == "period"
    assert DeadlineDone.select().where(DeadlineDone.key == "monthly_fee_summary").count() == 1


def test_month_end_orders_done_when_handed_over_and_filed(so, frozen_clock):
    """[5.8][7.4.10] month end: private orders handed over by district, public ones filed."""
    approved = at(dt.date(2026, 11, 23), "10:00")
    frozen_clock(approved)
    private = order(so, state="approved", returned=at(dt.date(2026, 11, 18), "15:00"),
                    approved_at=approved)
    public = order(so, state="approved", returned=at(dt.date(2026, 11, 19), "15:00"),
                   approved_at=approved, is_public=True)
    frozen_clock(at(dt.date(2026, 11, 27), "10:00"))
    assert soon(so, "orders_handover", "2026-11") == "upcoming"
    frozen_clock(at(MON, "10:00"))
    assert state(so, "orders_handover", MON) == "due"
    assert state(so, "orders_handover", MON, at(MON, "17:30")) == "missed"
    approvals.month_end_handover(so.office, so.clerk, "2026-11", so.district.id, so.cs.id)
    assert RepairOrder.get_by_id(private.id).state == "handed_over"
    assert state(so, "orders_handover", MON) == "due"  # the public one is not filed yet
    frozen_clock(at(MON, "11:00"))
    approvals.file_public_orders(so.office, so.clerk, "2026-11")
    assert RepairOrder.get_by_id(public.id).state == "filed"
    assert state(so, "orders_handover", MON) == "done"
    # An order approved next month does not undo November's.
    frozen_clock(at(dt.date(2026, 12, 7), "10:00"))
    order(so, state="approved", returned=at(MON, "09:00"), approved_at=now_utc())
    assert state(so, "orders_handover", MON) == "done"


def test_month_end_orders_with_nothing_to_hand_over(so, frozen_clock):
    frozen_clock(at(MON, "10:00"))
    assert state(so, "orders_handover", MON) == "due"
    assert state(so, "orders_handover", MON, at(MON, "17:30")) == "done"


def test_complaint_summary_done_when_marked_handed_over(so, frozen_clock):
    """[6.7][7.4.16] month end: the complaint summary, a sheet handed over on paper (h on
    the summary screen)."""
    frozen_clock(at(dt.date(2026, 11, 28), "10:00"))
    assert soon(so, "complaint_summary", "2026-11") == "upcoming"
    now = frozen_clock(at(MON, "10:00"))
    assert state(so, "complaint_summary", MON) == "due"
    assert state(so, "complaint_summary", MON, at(MON, "17:30")) == "missed"
    assert now == at(MON, "10:00")
    hand_complaint_summary(so.office, so.supervisor, "2026-11")
    assert state(so, "complaint_summary", MON) == "done"


def test_monthly_work_summary_done_when_submitted(so, frozen_clock):
    """[7.4.23] month end: the monthly work summary and next month's plan."""
    frozen_clock(at(MON, "10:00"))
    assert state(so, "monthly_work_summary", MON) == "due"
    assert state(so, "monthly_work_summary", MON, at(MON, "17:30")) == "missed"
    work_summaries.submit_summary(so.office, so.clerk, "month", "2026-11",
                                  summary="本月收费", plan="下月清欠")
    assert state(so, "monthly_work_summary", MON) == "done"
