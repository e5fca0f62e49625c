"""Call intake (F2) when the database has a bad day, on SQLite and PostgreSQL: a lock held
past the busy timeout by another program, a full database, the server stopped and
started again — during the save and during the form's load. Each time the desk keeps
running, every field keeps what was typed, the form and the status line say what
happened in the clerk's words (no driver text), and ctrl+s saves once it is over."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.db.models import RepairOrder
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning
from tests.faults import LONG_TEXT, database_full, driver_text_in, server_down, write_lock_held

pytestmark = pytest.mark.both_databases


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("电梯异响")


def value(screen, name):
    return screen.query_one(f"#ci-{name}", Input).value


def form_error(screen) -> str:
    return str(screen.query_one("#ci-error-form").content)


def status(app) -> str:
    return app.dashboard.query_one("StatusLine").trouble


async def filled_call(pilot, results, request="kitchen tap drips"):
    app = pilot.app
    await desk_ready(pilot)
    screen = CallIntakeScreen(app.session)
    app.push_screen(screen, callback=results.append)
    await wait_until(pilot, lambda: app.screen is screen and screen.is_loaded)
    await pilot.press(*"zs", "enter")
    await wait_until(pilot, lambda: value(screen, "name") == "张三")
    screen.query_one("#ci-request", Input).insert_text_at_cursor(request)
    return screen


def typed(screen) -> tuple:
    return tuple(value(screen, n) for n in ("name", "unit", "phone", "request"))


async def save_through(pilot, screen, results, fault, words, request="kitchen tap drips"):
    app = pilot.app
    before = typed(screen)
    orders = RepairOrder.select().count()
    with fault:
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form_error(screen) != "" and not screen.saving)
        assert words in form_error(screen)
        assert not driver_text_in(form_error(screen))
        assert typed(screen) == before  # nothing the clerk typed is lost
        assert app.screen is screen and results == []
        assert RepairOrder.select().count() == orders
    # Over: the same key saves.
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: results)
    entry, order = results[0]
    assert order.description == request
    assert RepairOrder.select().count() == orders + 1


async def test_a_save_meets_a_lock_held_past_the_busy_timeout(office, desk_db):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await filled_call(pilot, results)
        await save_through(pilot, screen, results, write_lock_held(desk_db),
                           "the database is busy")
        assert "Database busy" in status(app) or status(app) == ""


async def test_a_save_meets_a_full_database(office, desk_db):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await filled_call(pilot, results, LONG_TEXT)
        await save_through(pilot, screen, results, database_full(desk_db),
                           "the database is full", LONG_TEXT)


async def test_the_status_line_says_so_until_the_database_takes_writes_again(office, desk_db):
    app = desk_app(office)  # with the change watcher: it probes while the lock lasts
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await filled_call(pilot, results)
        with write_lock_held(desk_db):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "Database busy" in status(app))
            assert "since 10:" in status(app)
        await wait_until(pilot, lambda: status(app) == "", timeout=20)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
        assert screen.saved_count == 1


async def test_the_server_stopped_during_a_save_and_started_again(office, desk_db, pg_server):
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")
    app = desk_app(office)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await filled_call(pilot, results)
        before = typed(screen)
        with server_down(pg_server):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: form_error(screen) != "" and not screen.saving)
            assert "cannot be reached" in form_error(screen)
            assert typed(screen) == before
            await wait_until(pilot, lambda: "Database unreachable" in status(app))
            stale = [p for p in app.dashboard.panes if p.stale]
            assert stale, "the panes' rows are marked stale"
        await wait_until(pilot, lambda: status(app) == "", timeout=20)
        await wait_until(pilot, lambda: not any(p.stale for p in app.dashboard.panes))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
        assert results[0][1].description == "kitchen tap drips"


async def test_the_form_opens_while_the_server_is_down(office, desk_db, pg_server):
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")
    app = desk_app(office)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        with server_down(pg_server):
            screen = CallIntakeScreen(app.session)
            app.push_screen(screen, callback=results.append)
            await wait_until(pilot, lambda: app.screen is screen and screen.is_mounted
                             and "Could not load" in form_error(screen))
            # The clerk types the call all the same.
            screen.set_value("name", "Smith")
            screen.set_value("unit", "3-2-501")
            screen.set_value("phone", "02787654321")
            screen.set_value("request", "noisy pipes")
            assert app.screen is screen
        await wait_until(pilot, lambda: status(app) == "", timeout=20)
        # The form reads again by itself; until it has, ctrl+s would only read again.
        await wait_until(pilot, lambda: screen.is_loaded and not screen.load_failed)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
        assert results[0][0].caller_name == "Smith"
