"""Deadlines due soon in the status line, and on the timeline (the day's deadlines, the
sign-in read as corrected), on SQLite and PostgreSQL; the calendar rows themselves are in
test_deadline_records.py, whose office and helpers these tests share."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.clock import now_utc
from deskterm.db.models import DeadlineDone, RepairOrder
from deskterm.duties.backoffice import stocktake
from deskterm.duties.repairs import approvals
from deskterm.duties.repairs.complaint_summary_hand import hand_complaint_summary
from deskterm.duties.shift import work_summaries
from tests.agenda.test_deadline_records import MANAGER_PIN, MON, THU, at, called_back, desk_office
from tests.backoffice.test_stock import new_item


@pytest.fixture
def so(desk_db, frozen_clock):
    return desk_office(frozen_clock)


# -- the timeline reads attendance as corrected -----------------------------------------------

def test_timeline_sign_in_reads_the_corrected_attendance(so, frozen_clock):
    """A sign struck out no longer shows the sign-in done; one moved to another slot counts
    in that slot."""
    from deskterm.duties.agenda.timeline import day_timeline
    from deskterm.duties.shift import attendance
    from tests.factories import PIN

    def slots():
        return {item.key: item.state for item in day_timeline(so.office)
                if item.key in ("schedule:sign_in", "schedule:sign_out")}

    frozen_clock(at(THU, "08:15"))
    wrong = attendance.sign(so.office, so.clerk.id, PIN, "morning_in")
    frozen_clock(at(THU, "09:00"))
    assert slots()["schedule:sign_in"] == "done"
    attendance.correct(so.office, so.supervisor.id, PIN, wrong.id, "签错人", void=True)
    assert slots()["schedule:sign_in"] == "missed"
    frozen_clock(at(THU, "18:10"))
    late = attendance.sign(so.office, so.supervisor.id, PIN, "morning_in")
    assert slots()["schedule:sign_in"] == "done"
    assert slots()["schedule:sign_out"] != "done"
    attendance.correct(so.office, so.manager.id, MANAGER_PIN, late.id, "补签",
                       time="08:18")
    assert slots()["schedule:sign_in"] == "done"  # the correction counts, in its slot
    attendance.sign(so.office, so.supervisor.id, PIN, "evening_out")
    assert slots() == {"schedule:sign_in": "done", "schedule:sign_out": "done"}


# -- due soon in the status line ---------------------------------------------------------------

@pytest.mark.parametrize("key,period,due", [
    ("callback_approval", "2026-W48", MON),
    ("weekly_fee_summary", "2026-W48", dt.date(2026, 11, 29)),
    ("assessments", "2026-W48", dt.date(2026, 11, 27)),
    ("attendance_sheet", "2026-11", dt.date(2026, 12, 5)),
    ("canteen_meal_fees", "2026-11", dt.date(2026, 12, 15)),
    ("stocktake", "2026-11", dt.date(2026, 11, 24)),
    ("monthly_fee_summary", "2026-11", dt.date(2026, 11, 26)),
    ("orders_handover", "2026-11", MON),
    ("complaint_summary", "2026-11", MON),
    ("monthly_work_summary", "2026-11", MON),
])
def test_due_soon_in_the_three_days_before_until_done(so, frozen_clock, key, period, due):
    from deskterm.duties.agenda.deadlines import SOON_DAYS, due_soon

    def soon_keys(now):
        return {(d.key, d.period) for d in due_soon(so.office, now)}

    if key == "callback_approval":  # one order waits, or the Monday is done at once
        frozen_clock(at(dt.date(2026, 11, 25), "11:00"))
        called_back(so, now_utc())
    before = due - dt.timedelta(days=SOON_DAYS + 1)
    if key == "weekly_fee_summary":  # a weekend one is shown from the Saturday
        before -= dt.timedelta(days=1)
    assert (key, period) not in soon_keys(at(before, "10:00"))
    for days in range(SOON_DAYS, -1, -1):
        assert (key, period) in soon_keys(at(due - dt.timedelta(days=days), "10:00")), days
    assert (key, period) not in soon_keys(at(due + dt.timedelta(days=1), "10:00"))  # missed
    if key != "callback_approval":
        DeadlineDone.create(office=so.office, key=key, period=period, done_at=now_utc(),
                            done_by=so.supervisor)
    else:
        frozen_clock(at(MON, "09:00"))
        approvals.approve_orders(so.office, so.manager.id, MANAGER_PIN,
                                 [o.id for o in RepairOrder.select()])
    if key not in ("stocktake",):  # proved by its own record only
        assert (key, period) not in soon_keys(at(due, "10:00"))


def test_daily_deadlines_are_never_due_soon(so):
    from deskterm.duties.agenda.deadlines import due_soon

    assert not {d.key for d in due_soon(so.office, at(THU, "10:00"))} & {
        "deposit", "work_record", "canteen_check"}


async def test_status_line_says_next_and_due_soon_at_80x24(so, frozen_clock):
    from rich.cells import cell_len
    from textual.widgets import Static

    from tests.desk_app import desk_app, desk_ready, wait_until

    frozen_clock(at(dt.date(2026, 11, 23), "10:00"))  # Monday: the stocktake is tomorrow
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        line = app.dashboard.query_one("#status-deadline", Static)
        await wait_until(pilot, lambda: "11-24" in str(line.content))
        text = str(line.content)
        # "soon: " gives way first, and no word is cut
        assert text == "17:00 Deposit · 11-24 Stocktake"
        assert line.content_size.width >= cell_len(text)  # a form that fits, not cut off
        frozen_clock(at(dt.date(2026, 11, 24), "10:00"))
        take = stocktake  # the stocktake closed: no longer due soon
        new_item(so, code="FM-15", name="角阀", quantity=1)
        started = take.start_stocktake(so.office, so.clerk)
        line_id = take.stocktake_view(so.office).lines[0].id
        take.save_counts(so.office, so.clerk, started.id, {line_id: ("1", "")})
        take.close_stocktake(so.office, so.clerk, started.id)
        app.dashboard.minute()
        await wait_until(pilot, lambda: "11-24" not in str(line.content))
        # the month's fee summary, Thursday, whole
        assert str(line.content) == "17:00 Deposit · 11-26 Fee summary"


def test_the_days_deadlines_on_the_timeline_turn_done_with_their_records(so, frozen_clock):
    from deskterm.duties.agenda.timeline import day_timeline

    def shown():
        return {item.key: item.state for item in day_timeline(so.office)
                if item.kind == "deadline"}

    frozen_clock(at(MON, "10:00"))
    items = shown()
    assert set(items) == {f"deadline:{key}" for key in (
        "work_record:2026-11-30", "canteen_check:2026-11-30", "callback_approval:2026-W48",
        "orders_handover:2026-11", "complaint_summary:2026-11",
        "monthly_work_summary:2026-11")}
    assert items["deadline:complaint_summary:2026-11"] in ("upcoming", "now")
    hand_complaint_summary(so.office, so.clerk, "2026-11")
    work_summaries.submit_summary(so.office, so.clerk, "month", "2026-11",
                                  summary="本月", plan="下月")
    items = shown()
    assert items["deadline:complaint_summary:2026-11"] == "done"
    assert items["deadline:monthly_work_summary:2026-11"] == "done"
    assert items["deadline:callback_approval:2026-W48"] == "done"  # nothing waited
    frozen_clock(at(MON, "18:00"))
    items = shown()
    assert items["deadline:work_record:2026-11-30"] == "missed"
    assert items["deadline:orders_handover:2026-11"] == "done"  # nothing to hand over
