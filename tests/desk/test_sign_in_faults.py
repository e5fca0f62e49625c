"""Signing in and unlocking when the database has a bad day, on SQLite and PostgreSQL: a
lock held past the busy timeout by another program, the server stopped and started again.
Each time the desk keeps running, the form says what happened in the clerk's words (no
driver text), the person chosen stays chosen, the PIN is kept (nothing refused it), and
Enter signs in once it is over. (The old sign-in let the database's error end the app,
and the lock screen read the names on the UI thread.)"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.db.models import AttendanceEvent
from deskterm.screens.desk.sign_in import LockScreen, SignInScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, PIN, small_office
from tests.faults import driver_text_in, server_down, write_lock_held

pytestmark = pytest.mark.both_databases


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


def form_error(screen) -> str:
    return str(screen.query_one("#sign-in-error-form").content)


def status(app) -> str:
    return app.dashboard.query_one("StatusLine").trouble


def pin(screen) -> Input:
    return screen.query_one("#sign-in-pin", Input)


def postgres_only(desk_db, pg_server) -> None:
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")


async def names_shown(pilot) -> SignInScreen:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen)
                     and app.screen.is_loaded)
    return app.screen


async def refused_in_trouble(pilot, screen, words: str) -> None:
    """Enter in the PIN met the trouble: said, the app running, nobody signed in, the
    PIN kept."""
    app = pilot.app
    await wait_until(pilot, lambda: form_error(screen) != "" and not screen.saving)
    assert words in form_error(screen)
    assert not driver_text_in(form_error(screen))
    assert app.screen is screen and app.session.staff is None
    assert pin(screen).value == PIN and app.focused is pin(screen)


async def test_a_sign_in_meets_a_lock_held_past_the_busy_timeout(so, desk_db):
    app = desk_app(so, signed_in=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await names_shown(pilot)
        await pilot.press("down", "enter")  # the supervisor
        assert screen.highlighted_person().id == so.supervisor.id
        with write_lock_held(desk_db):
            await pilot.press(*PIN, "enter")
            await refused_in_trouble(pilot, screen, "Not signed in: the database is busy")
            assert screen.highlighted_person().id == so.supervisor.id  # still chosen
        await pilot.press("enter")  # over: Enter again signs in
        await wait_until(pilot, lambda: app.session.staff is not None)
        assert app.session.staff.id == so.supervisor.id
    assert AttendanceEvent.select().count() == 1


async def test_the_server_stopped_at_sign_in_and_started_again(so, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(so, signed_in=False)  # with the change watcher: it sees the server back
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await names_shown(pilot)
        await pilot.press("down", "enter")
        with server_down(pg_server):
            await pilot.press(*PIN, "enter")
            await refused_in_trouble(pilot, screen, "Not signed in: the database cannot be "
                                                    "reached")
            assert screen.highlighted_person().id == so.supervisor.id
        await wait_until(pilot, lambda: status(app) == "", timeout=20)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.session.staff is not None)
        assert app.session.staff.id == so.supervisor.id


async def test_the_desk_locks_while_the_server_is_down(so, desk_db, pg_server):
    """The lock screen shows who was at the desk without the list (which cannot be read);
    their PIN unlocks the desk once the server is back."""
    postgres_only(desk_db, pg_server)
    app = desk_app(so, idle_lock_minutes=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        with server_down(pg_server):
            app.lock_desk()
            await wait_until(pilot, lambda: isinstance(app.screen, LockScreen)
                             and app.screen.is_mounted
                             and "Could not load" in form_error(app.screen))
            screen = app.screen
            assert not driver_text_in(form_error(screen))
            assert screen.highlighted_person().id == so.clerk.id
            assert app.focused is pin(screen)
        await wait_until(pilot, lambda: status(app) == "", timeout=20)
        await wait_until(pilot, lambda: screen.is_loaded and not screen.load_failed)
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        assert app.session.staff.id == so.clerk.id
