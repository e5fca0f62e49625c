"""The owner roster when the database has a bad day, on SQLite and PostgreSQL: a lock held
past the busy timeout by another program, a full database, the server stopped and started
again. One representative of each family: the owner form's save and its load, the roster
import's save (the forms), the roster's search (the book). Each time the desk keeps
running, what was typed stays, the screen says what happened in the clerk's words (no
driver text), nothing is stored, and the same key works once it is over."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.db.models import Owner, OwnerPhone
from deskterm.screens.residents.owner_form import OwnerFormScreen
from deskterm.screens.residents.owner_roster import OwnerRosterScreen, open_owner_roster
from deskterm.screens.residents.roster_import import RosterImportScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning
from tests.faults import database_full, driver_text_in, server_down, write_lock_held
from tests.residents.test_roster_import import HEADER, write_csv

pytestmark = pytest.mark.both_databases


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("电梯异响")


def postgres_only(desk_db, pg_server) -> None:
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


def status(app) -> str:
    return app.dashboard.query_one("StatusLine").trouble


async def back_again(pilot, db) -> None:
    """The server is up and the desk has seen it; the test's own connection anew."""
    await wait_until(pilot, lambda: status(pilot.app) == "", timeout=20)
    db.close()


def phones_of_zhang() -> list[str]:
    owner = Owner.get(Owner.name == "张三")
    return [p.phone for p in OwnerPhone.select().where(OwnerPhone.owner == owner)]


async def roster_with_zhang(pilot) -> OwnerRosterScreen:
    app = pilot.app
    await desk_ready(pilot)
    roster = open_owner_roster(app)
    await wait_until(pilot, lambda: app.screen is roster and app.focused is not None)
    await pilot.press(*"zs")
    await wait_until(pilot, lambda: roster.table.row_count == 1)
    return roster


# --- the owner form: its save ----------------------------------------------------------------

NEW_PHONES = "139 1234 5678 / 027-8765 4321"


async def edited_phones(pilot) -> OwnerFormScreen:
    app = pilot.app
    await roster_with_zhang(pilot)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, OwnerFormScreen)
                     and app.screen.is_loaded)
    form = app.screen
    form.query_one("#of-phones", Input).value = NEW_PHONES
    return form


async def owner_save_through(pilot, form, fault, words: str) -> None:
    app = pilot.app
    with fault:
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: text(form, "#of-error-form") and not form.saving)
        assert words in text(form, "#of-error-form")
        assert not driver_text_in(text(form, "#of-error-form"))
        assert form.value("phones") == NEW_PHONES and form.value("name") == "张三"
        assert app.screen is form


async def test_an_owner_saved_while_another_program_holds_the_lock(office, desk_db):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edited_phones(pilot)
        await owner_save_through(pilot, form, write_lock_held(desk_db), "the database is busy")
        assert phones_of_zhang() == ["13812345678"]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not form)
    assert phones_of_zhang() == ["13912345678", "02787654321"]


async def test_an_owner_saved_while_the_server_is_down(office, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edited_phones(pilot)
        await owner_save_through(pilot, form, server_down(pg_server),
                                 "the database cannot be reached")
        await back_again(pilot, desk_db)
        assert phones_of_zhang() == ["13812345678"]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not form)
    assert phones_of_zhang() == ["13912345678", "02787654321"]


# --- the owner form: its load -----------------------------------------------------------------

async def test_the_owner_form_opens_while_the_server_is_down(office, desk_db, pg_server):
    """Nothing is saved over the owner before the owner is read: once the database is
    back the form reads the owner by itself (the note typed stays, the rest is filled
    in), and ctrl+s saves."""
    postgres_only(desk_db, pg_server)
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await roster_with_zhang(pilot)
        with server_down(pg_server):
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, OwnerFormScreen)
                             and app.screen.is_mounted
                             and "Could not load" in text(app.screen, "#of-error-form"))
            form = app.screen
            assert not driver_text_in(text(form, "#of-error-form"))
            form.query_one("#of-note", Input).value = "已过户"
        await back_again(pilot, desk_db)
        await wait_until(pilot, lambda: form.value("name") == "张三")  # read by itself
        assert form.value("note") == "已过户" and form.value("phones") == "138 1234 5678"
        assert text(form, "#of-error-form") == "" and app.screen is form
        assert Owner.get(Owner.name == "张三").note == ""
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not form)
    assert Owner.get(Owner.name == "张三").note == "已过户"
    assert phones_of_zhang() == ["13812345678"]


# --- the roster import: a full database -------------------------------------------------------

def big_roster(path):
    """A hundred owners of new units in building 3: the import needs pages of its own."""
    rows = [["3", "2", f"{floor}{number:02d}", f"业主{floor}{number:02d}",
             f"139{floor:04d}{number:04d}", "90.5", "业主", ""]
            for floor in range(6, 16) for number in range(1, 11)]
    return write_csv(path, [HEADER, *rows])


async def test_an_import_into_a_full_database(office, desk_db, tmp_path):
    path = big_roster(tmp_path / "roster.csv")
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await roster_with_zhang(pilot)
        await pilot.press("down", "i")
        await wait_until(pilot, lambda: isinstance(app.screen, RosterImportScreen))
        form = app.screen
        form.query_one("#ri-path", Input).value = str(path)
        owners = Owner.select().count()
        with database_full(desk_db):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: text(form, "#ri-error-form") and not form.saving)
            assert "the database is full" in text(form, "#ri-error-form")
            assert not driver_text_in(text(form, "#ri-error-form"))
            assert form.value("path") == str(path) and form.result is None
            assert text(form, "#ri-status") == ""
        assert Owner.select().count() == owners
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form.result is not None)
        assert text(form, "#ri-error-form") == ""
    assert Owner.select().count() == owners + 100


# --- the roster: its search --------------------------------------------------------------------

async def test_the_roster_searched_while_the_server_is_down(office, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        roster = open_owner_roster(app)
        await wait_until(pilot, lambda: app.screen is roster and app.focused is not None)
        with server_down(pg_server):
            await pilot.press(*"zs")
            await wait_until(pilot, lambda: "Could not load" in text(roster, "#or-message"))
            assert not driver_text_in(text(roster, "#or-message"))
            assert roster.search_input.value == "zs" and app.screen is roster
        await back_again(pilot, desk_db)
        await pilot.press("ctrl+r")  # the same search again
        await wait_until(pilot, lambda: roster.table.row_count == 1)
        assert not roster.query_one("#or-message").display
