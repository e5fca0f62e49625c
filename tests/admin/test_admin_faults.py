"""The manager's books when the database has a bad day, on SQLite and PostgreSQL: a lock
held past the busy timeout by another program, the server stopped. A new PIN for a clerk,
a public place and a place retired: each time the desk keeps running, what was typed stays
(the PINs too: they were never checked), the screen says what happened in the clerk's
words (no driver text), nothing is stored, and the same key works once it is over."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.db import changes
from deskterm.db.models import ChangeLog, Place, Staff
from deskterm.duties.pins import pin_matches
from deskterm.screens.admin.estate_forms import EstateForm
from deskterm.screens.admin.staff_forms import StaffChangeForm
from tests.admin.test_estate_book import open_estate, to_row
from tests.admin.test_staff_book import form_on_top, manager_app, open_book
from tests.admin.test_staff_book import to_row as to_person
from tests.desk_app import desk_app, wait_until
from tests.factories import PIN
from tests.faults import driver_text_in, server_down, write_lock_held

pytestmark = pytest.mark.both_databases


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


def status(app) -> str:
    return app.dashboard.query_one("StatusLine").trouble


async def test_a_new_pin_while_another_program_holds_the_lock(so, desk_db):
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_book(pilot)
        await to_person(pilot, book, "李静")
        await pilot.press("p")
        form = await form_on_top(pilot, StaffChangeForm)
        await pilot.press(*"2468", "tab", *"2468", "tab", *PIN)
        with write_lock_held(desk_db):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: text(form, "#sc-error-form") and not form.saving)
            said = text(form, "#sc-error-form")
            assert "the database is busy" in said and not driver_text_in(said)
            assert app.screen is form
            # nothing was checked: every PIN typed is still there
            assert [form.query_one(f"#sc-{name}", Input).value
                    for name in ("new_pin", "again", "manager_pin")] == ["2468", "2468", PIN]
        assert not pin_matches("2468", Staff.get_by_id(so.clerk.id).pin_hash)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is book and book.loads > 1)
    assert pin_matches("2468", Staff.get_by_id(so.clerk.id).pin_hash)


async def test_a_place_while_another_program_holds_the_lock(so, desk_db):
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_estate(pilot)
        await pilot.press("p")
        form = await form_on_top(pilot, EstateForm)
        await pilot.press(*"东门道闸")
        with write_lock_held(desk_db):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: text(form, "#ef-error-form") and not form.saving)
            assert "the database is busy" in text(form, "#ef-error-form")
            assert form.query_one("#ef-name", Input).value == "东门道闸"
        assert Place.select().count() == 0
        loads = book.loads
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is book and book.loads > loads)
    assert [p.name for p in Place.select()] == ["东门道闸"]


async def test_a_place_retired_while_the_server_is_down(so, desk_db, pg_server):
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")
    with changes.write():
        Place.create(office=so.office, district=so.district, name="会所")
    app = desk_app(so, demo_staff_id=so.manager.id)  # its watcher sees the server back
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_estate(pilot)
        await to_row(pilot, book, "place", "会所")
        with server_down(pg_server):
            await pilot.press("x")
            await wait_until(pilot, lambda: "cannot be reached" in text(book, "#eb-message"))
            assert not driver_text_in(text(book, "#eb-message"))
            assert [r.name for r in book.rows] == ["东区", "3栋", "会所"]  # rows stay
        await wait_until(pilot, lambda: status(app) == "", timeout=20)
        desk_db.close()
        assert Place.get(Place.name == "会所").active
        await to_row(pilot, book, "place", "会所")
        loads = book.loads
        await pilot.press("x")
        await wait_until(pilot, lambda: book.loads > loads and "retired" in text(
            book, "#eb-result"))
    assert not Place.get(Place.name == "会所").active
    assert ChangeLog.select().where(ChangeLog.action == "retire").count() == 1

