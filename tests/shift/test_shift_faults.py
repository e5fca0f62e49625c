"""The shift's screens when the database has a bad day, on SQLite and PostgreSQL: a lock
held past the busy timeout by another program, a full database, the server stopped and
started again. One representative a family: the night log (F5's forms), leave (the
attendance forms), the day's work record (the record forms); the handover list and the
month sheet's hand-over (the books). Each time the desk keeps running, what was typed is
still there (a PIN too: nothing refused it), the screen says what happened in the
clerk's words (no driver text), and the same key saves once it is over."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from deskterm.db.models import AttendanceEvent, DailyWorkRecord, DeadlineDone, NightLogEntry
from deskterm.screens.shift.attendance import AttendanceScreen, open_attendance
from deskterm.screens.shift.attendance_forms import AttendanceForm
from deskterm.screens.shift.attendance_sheet import open_attendance_sheet
from deskterm.screens.shift.handover import HandoverScreen, open_handover
from deskterm.screens.shift.night_log_form import open_night_log
from deskterm.screens.shift.work_record import open_work_record
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, PIN, small_office
from tests.faults import LONG_TEXT, database_full, driver_text_in, server_down, write_lock_held
from tests.shift.test_attendance import utc
from tests.shift.test_handover import night_of
from tests.shift.test_night_log import NIGHT, night_staff

pytestmark = pytest.mark.both_databases

FAULTS = ["lock", "full", "down"]
WORDS = {"lock": "the database is busy", "full": "the database is full",
         "down": "cannot be reached"}


def fault_of(kind: str, desk_db, pg_server):
    """The fault ``kind`` for this database (skipped where it cannot happen)."""
    on_pg = desk_db.deskterm_url.startswith("postgresql")
    if kind == "lock":
        return write_lock_held(desk_db)
    if kind == "full":
        return database_full(desk_db)  # skips on PostgreSQL
    if pg_server is None or not on_pg:
        pytest.skip("the server case is PostgreSQL's")
    return server_down(pg_server)


def line(screen, selector: str) -> str:
    """What a line of ``screen`` says ("" before it is there)."""
    found = screen.query(selector)
    return str(found.first(Static).content) if found else ""


def reconnect(db) -> None:
    """A fresh connection for the test's own queries (the server cut the old one)."""
    db.close()
    if hasattr(db, "close_all"):
        db.close_all()


async def signed_in(pilot, staff_id: int) -> None:
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: pilot.app.session.staff is not None
                     and pilot.app.session.staff.id == staff_id)


async def save_through(pilot, db, form, fault, words: str, typed, stored) -> None:
    """ctrl+s while ``fault`` lasts: refused in words, nothing lost, nothing stored; then
    ctrl+s stores it."""
    error = f"#{form.PREFIX}-error-form"
    before, count = typed(), stored()
    with fault:
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: line(form, error) != "" and not form.saving)
        assert words in line(form, error)
        assert not driver_text_in(line(form, error))
        assert typed() == before  # nothing the clerk typed is lost
        assert pilot.app.screen is form
    reconnect(db)
    assert stored() == count
    for _try in range(20):  # the server may take a moment to take connections again
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not form.saving)
        if stored() == count + 1:
            break
    assert stored() == count + 1


# --- F5: the night log --------------------------------------------------------------------

@pytest.fixture
def night(desk_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    return so, night_staff(so)


@pytest.mark.parametrize("kind", FAULTS)
async def test_the_night_log_written_through_a_fault(night, desk_db, pg_server, kind):
    so, sun = night
    fault = fault_of(kind, desk_db, pg_server)
    app = desk_app(so, watch=False, demo_staff_id=sun.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, sun.id)
        form = open_night_log(app)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
        form.query_one("#nl-what", Input).insert_text_at_cursor(LONG_TEXT)
        await pilot.press("tab", "tab", *"east gate")

        def typed():
            return tuple(form.value(n) for n in ("what", "at", "where"))

        await save_through(pilot, desk_db, form, fault, WORDS[kind], typed,
                           lambda: NightLogEntry.select().count())
        await wait_until(pilot, lambda: form.query_one("#nl-table", DataTable).row_count == 1)
    assert NightLogEntry.get().what == LONG_TEXT


# --- the attendance forms: leave ------------------------------------------------------------

@pytest.fixture
def day(desk_db, frozen_clock):
    frozen_clock(utc("08:10"))
    return small_office()


@pytest.mark.parametrize("kind", ["lock", "down"])
async def test_leave_recorded_through_a_fault(day, desk_db, pg_server, kind):
    fault = fault_of(kind, desk_db, pg_server)
    app = desk_app(day, watch=False, demo_staff_id=day.supervisor.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, day.supervisor.id)
        screen = open_attendance(app)
        assert isinstance(screen, AttendanceScreen)
        await wait_until(pilot, lambda: screen.loads >= 1)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, AttendanceForm))
        form = app.screen
        await pilot.press(*"年假", "tab", "tab", *PIN)

        def typed():
            return tuple(form.value(n) for n in ("staff", "day", "reason", "by", "pin"))

        await save_through(pilot, desk_db, form, fault, WORDS[kind], typed,
                           lambda: AttendanceEvent.select().count())
        await wait_until(pilot, lambda: app.screen is screen)
    assert AttendanceEvent.get(AttendanceEvent.kind == "leave").reason == "年假"


# --- the record forms: the day's work record ------------------------------------------------

@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


async def opened_record(pilot, so):
    app = pilot.app
    await signed_in(pilot, so.clerk.id)
    form = open_work_record(app)
    await wait_until(pilot, lambda: app.screen is form and form.is_mounted)
    return form


@pytest.mark.parametrize("kind", FAULTS)
async def test_the_work_record_saved_through_a_fault(office, desk_db, pg_server, kind):
    fault = fault_of(kind, desk_db, pg_server)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await opened_record(pilot, office)
        await wait_until(pilot, lambda: form.loads == 1)
        await pilot.press("tab")
        form.query_one("#wr-notes", TextArea).insert(LONG_TEXT)
        await save_through(pilot, desk_db, form, fault, WORDS[kind], lambda: form.value("notes"),
                           lambda: DailyWorkRecord.select().count())
    assert DailyWorkRecord.get().notes == LONG_TEXT


async def test_the_work_record_opened_while_the_server_is_down(office, desk_db, pg_server):
    fault = fault_of("down", desk_db, pg_server)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, office.clerk.id)
        with fault:
            form = open_work_record(app)
            await wait_until(pilot, lambda: app.screen is form
                             and "Could not load" in line(form, "#wr-error-form"))
            assert not driver_text_in(line(form, "#wr-error-form"))
            await pilot.press("tab", *"跟进欠费")
        reconnect(desk_db)
        assert form.record is None and form.value("notes") == "跟进欠费"
        for _try in range(20):  # ctrl+s reads the record first: nothing written unseen
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not any(
                w.group == "wr-load" and not w.is_finished for w in app.workers))
            if form.record is not None:
                break
        assert DailyWorkRecord.select().count() == 0
        assert form.value("notes") == "跟进欠费"  # typed before the record came: kept
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: DailyWorkRecord.select().count() == 1)
    assert DailyWorkRecord.get().notes == "跟进欠费"


# --- the books: the handover read, the month sheet handed over ------------------------------

@pytest.fixture
def morning(desk_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    night_of(so)
    frozen_clock("2026-11-26T00:30:00")
    return so


async def test_the_handover_read_while_the_server_is_down(morning, desk_db, pg_server):
    fault = fault_of("down", desk_db, pg_server)
    app = desk_app(morning, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, morning.clerk.id)
        with fault:
            screen = open_handover(app)
            assert isinstance(screen, HandoverScreen)
            await wait_until(pilot, lambda: "Could not load" in line(screen, "#ho-message"))
            assert screen.view is None
            assert not driver_text_in(line(screen, "#ho-message"))
            await pilot.press("t")  # nothing to dispose of yet: nothing happens
            assert app.screen is screen
        for _try in range(20):
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: not screen.reading)
            if screen.view is not None:
                break
        assert screen.query_one("#ho-table", DataTable).row_count == 3
        assert line(screen, "#ho-message") == ""


@pytest.fixture
def december(desk_db, frozen_clock):
    frozen_clock(utc("10:00", dt.date(2026, 12, 3)))
    return small_office()


@pytest.mark.parametrize("kind", ["lock", "down"])
async def test_the_sheet_handed_over_through_a_fault(december, desk_db, pg_server, kind):
    fault = fault_of(kind, desk_db, pg_server)
    app = desk_app(december, watch=False, demo_staff_id=december.supervisor.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, december.supervisor.id)
        screen = open_attendance_sheet(app)
        await wait_until(pilot, lambda: screen.loads == 1)
        await pilot.press("[")
        await wait_until(pilot, lambda: screen.loads == 2 and screen.month == "2026-11")
        with fault:
            await pilot.press("h")
            await wait_until(pilot, lambda: WORDS[kind] in line(screen, "#ats-message"))
            assert not driver_text_in(line(screen, "#ats-message"))
            assert app.screen is screen
        reconnect(desk_db)
        assert DeadlineDone.select().count() == 0
        for _try in range(20):
            await pilot.press("h")
            await wait_until(pilot, lambda: not any(
                w.group == "ats-hand" and not w.is_finished for w in app.workers))
            if DeadlineDone.select().count():
                break
        await wait_until(pilot, lambda: "handed over" in line(screen, "#ats-title"))
    assert DeadlineDone.get().period == "2026-11"
