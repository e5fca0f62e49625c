"""The attendance screens at 80×24, driven with keys: today's view, signing with one's own
PIN, leave, a correction, and the monthly sheet stepped with [ ]."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Checkbox, DataTable, Input, Static

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import AttendanceEvent, DeadlineDone, Staff
from deskterm.duties.shift import attendance
from deskterm.screens.shift.attendance import AttendanceScreen, open_attendance
from deskterm.screens.shift.attendance_forms import AttendanceForm
from deskterm.screens.shift.attendance_sheet import (
    AttendanceSheetScreen,
    open_attendance_sheet,
)
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import _pin_hash, small_office
from tests.shift.test_attendance import utc


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(utc("08:10"))
    office = small_office()
    with changes.write():
        office.clerk2 = Staff.create(office=office.office, name="王敏", role="clerk",
                                     pin_hash=_pin_hash(), created_at=now_utc())
    return office


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def lines(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def opened(pilot, app) -> AttendanceScreen:
    screen = open_attendance(app)
    assert isinstance(screen, AttendanceScreen)
    await wait_until(pilot, lambda: screen.loads >= 1)
    await pilot.pause()
    return screen


async def reloaded(pilot, screen, before: int) -> None:
    await wait_until(pilot, lambda: screen.loads > before and pilot.app.screen is screen)
    await pilot.pause()


async def test_sign_leave_and_correct_from_the_view(so, frozen_clock):
    app = desk_app(so, watch=False)  # the clerk signs in at the desk at 08:10
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        frozen_clock(utc("08:31"))
        screen = await opened(pilot, app)
        table = screen.query_one("#att-table", DataTable)
        rows = lines(table)
        assert rows[0].startswith("李静") and "In " in rows[0] and "08:10" in rows[0]
        assert rows[2].startswith("刘芳") and "Not yet in" in rows[2]
        assert "1 in (0 late)" in text(screen, "#att-summary")
        # the supervisor signs in with her own PIN, 11 minutes late
        await pilot.press("down", "down", "s")
        await wait_until(pilot, lambda: isinstance(app.screen, AttendanceForm))
        form = app.screen
        form.query_one("#att-pin", Input).focus()
        await pilot.press("9", "9", "9", "9", "enter")
        await wait_until(pilot, lambda: "Wrong PIN" in text(form, "#att-error-pin"))
        assert AttendanceEvent.select().where(
            AttendanceEvent.staff == so.supervisor).count() == 0
        before = screen.loads
        await pilot.press("1", "2", "3", "4", "enter")
        await reloaded(pilot, screen, before)
        event = AttendanceEvent.get(AttendanceEvent.staff == so.supervisor)
        assert (event.slot, event.minutes_late, event.recorded_by_id) == (
            "morning_in", 11, so.supervisor.id)
        assert "In, late" in lines(table)[2] and "11" in lines(table)[2]
        # leave for 王敏, recorded by the supervisor with her PIN
        await pilot.press("up", "l")
        await wait_until(pilot, lambda: isinstance(app.screen, AttendanceForm))
        # the person and the day come chosen: the cursor starts in the reason
        await wait_until(pilot, lambda: getattr(app.focused, "id", "") == "att-reason")
        await pilot.press(*"年假", "tab", "tab", *"1234", "enter")
        before = screen.loads
        await reloaded(pilot, screen, before - 1)
        await wait_until(pilot, lambda: "On leave" in lines(table)[1])
        leave = AttendanceEvent.get(AttendanceEvent.kind == "leave")
        assert (leave.staff_id, leave.reason, leave.recorded_by_id) == (
            so.clerk2.id, "年假", so.supervisor.id)
        # the clerk's desk sign-in corrected to 08:05 by the supervisor
        await pilot.press("up", "x")
        await wait_until(pilot, lambda: isinstance(app.screen, AttendanceForm))
        form = app.screen
        form.query_one("#att-time", Input).focus()
        await pilot.press(*"08:05")
        form.query_one("#att-reason", Input).focus()
        await pilot.press(*"先到后台", "tab", "tab", *"1234", "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        fix = AttendanceEvent.get(AttendanceEvent.kind == "correction")
        assert (fix.corrects.staff_id, fix.at, fix.recorded_by_id) == (
            so.clerk.id, utc("08:05"), so.supervisor.id)
        await wait_until(pilot, lambda: "08:05" in lines(table)[0])
        assert "corrected" in lines(table)[0]
        await pilot.press("escape")
        assert app.screen is not screen


async def test_a_clerk_cannot_record_leave(so, frozen_clock):
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await opened(pilot, app)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, AttendanceForm))
        form = app.screen
        await pilot.press(*"[b]病假[/b]", "ctrl+s")
        await wait_until(pilot, lambda: "PIN" in text(form, "#att-error-pin"))
        await pilot.press("escape")  # a reason was typed: Esc asks first
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        await pilot.press("d")
        await wait_until(pilot, lambda: app.screen is screen)
        assert AttendanceEvent.select().where(AttendanceEvent.kind == "leave").count() == 0


async def test_the_month_sheet_steps_and_is_handed_over(so, frozen_clock):
    frozen_clock(utc("08:10", dt.date(2026, 12, 3)))
    with changes.write():
        AttendanceEvent.create(office=so.office, staff=so.clerk, at=utc("08:25"),
                               kind="sign_in", slot="morning_in", minutes_late=5,
                               recorded_by=so.clerk)
    app = desk_app(so, watch=False, demo_staff_id=so.supervisor.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = open_attendance_sheet(app)
        assert isinstance(screen, AttendanceSheetScreen)
        await wait_until(pilot, lambda: screen.loads >= 1)
        assert screen.query_one("#ats-month", Input).value == "2026-12"
        before = screen.loads
        await pilot.press("[")
        await wait_until(pilot, lambda: screen.loads > before)
        await pilot.pause()
        assert screen.query_one("#ats-month", Input).value == "2026-11"
        table = screen.query_one("#ats-table", DataTable)
        row = lines(table)[0]
        assert row.startswith("李静") and " L " in f" {row} "
        await pilot.press("h")
        await wait_until(pilot, lambda: DeadlineDone.select().count() == 1)
        done = DeadlineDone.get()
        assert (done.key, done.period, done.done_by_id) == (
            "attendance_sheet", "2026-11", so.supervisor.id)
        await wait_until(pilot, lambda: "handed over" in text(screen, "#ats-title"))


async def test_strike_out_a_wrong_sign(so, frozen_clock):
    attendance.sign(so.office, so.clerk2.id, "1234")  # 王敏 at 08:10, by mistake
    app = desk_app(so, watch=False, demo_staff_id=so.supervisor.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await opened(pilot, app)
        table = screen.query_one("#att-table", DataTable)
        assert lines(table)[1].startswith("王敏") and "08:10" in lines(table)[1]
        await pilot.press("down", "x")
        await wait_until(pilot, lambda: isinstance(app.screen, AttendanceForm))
        form = app.screen
        form.query_one("#att-void", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()
        assert "yes" in str(form.query_one("#att-void", Checkbox).label)
        await pilot.press("tab", *"不是她签的", "tab", "tab", *"1234", "enter")
        await wait_until(pilot, lambda: app.screen is screen)
        fix = AttendanceEvent.get(AttendanceEvent.kind == "correction")
        assert (fix.slot, fix.recorded_by_id, fix.reason) == ("void", so.supervisor.id,
                                                             "不是她签的")
        await wait_until(pilot, lambda: "Not yet in" in lines(table)[1])
        assert AttendanceEvent.select().where(AttendanceEvent.staff == so.clerk2).count() == 2


@pytest.fixture
def snap_office(sqlite_db, frozen_clock):
    frozen_clock(utc("08:31"))
    so = small_office()
    with changes.write():
        so.clerk2 = Staff.create(office=so.office, name="王敏", role="clerk",
                                 pin_hash=_pin_hash(), created_at=now_utc())
    attendance.record_leave(so.office, so.supervisor.id, "1234", so.clerk2.id,
                            dt.date(2026, 11, 26), "年假 [b]半天[/b]")
    return so


def test_snapshot_of_today_in_16_colours(snap_compare, snap_office):
    app = desk_app(snap_office, watch=False, theme="ansi-dark")

    async def shown(pilot):
        await panes_loaded(pilot)
        screen = open_attendance(app)
        await wait_until(pilot, lambda: screen.loads >= 1)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)


async def test_a_correction_of_a_row_of_several_asks_which(so, frozen_clock):
    """Two marks today (in at 08:10, out for lunch): which one is wrong is the
    supervisor's answer, never the last by itself [6.5]; refused until chosen."""
    from tests.factories import PIN

    attendance.sign(so.office, so.clerk2.id, PIN, "morning_in")  # 08:10
    frozen_clock(utc("12:05"))
    attendance.sign(so.office, so.clerk2.id, PIN, "lunch_out")
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await opened(pilot, app)
        assert lines(screen.query_one("#att-table", DataTable))[1].startswith("王敏")
        await pilot.press("down", "x")  # 王敏's row: two marks
        await wait_until(pilot, lambda: isinstance(app.screen, AttendanceForm))
        form = app.screen
        assert form.value("event") is None
        form.query_one("#att-time", Input).value = "12:00"
        form.query_one("#att-reason", Input).value = "按错了"
        form.query_one("#att-pin", Input).value = PIN
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Choose the row to correct." in text(
            form, "#att-error-event"))
        assert app.screen is form
        assert not AttendanceEvent.select().where(
            AttendanceEvent.kind == "correction").exists()
        lunch = AttendanceEvent.get(AttendanceEvent.slot == "lunch_out")
        form.set_value("event", lunch.id)
        form.query_one("#att-pin", Input).value = PIN  # a refusal empties the PIN
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
    fix = AttendanceEvent.get(AttendanceEvent.kind == "correction")
    assert (fix.corrects_id, fix.at) == (lunch.id, utc("12:00"))
