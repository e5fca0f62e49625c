"""The manager's book at 80×24 (F10 x): a forgotten PIN, a leaver, a role change and a new
opening time, each done by the manager in the desk with their own PIN, logged with their
name; only a manager may open it; a wrong PIN changes nothing."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from deskterm.db.models import ChangeLog, Office, Staff
from deskterm.duties.pins import pin_matches
from deskterm.screens.admin.office_form import OfficeSettingsForm
from deskterm.screens.admin.staff_book import StaffBookScreen, open_staff_book
from deskterm.screens.admin.staff_forms import NewPersonForm, StaffChangeForm
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import PIN

pytestmark = pytest.mark.both_databases


def manager_app(so):
    return desk_app(so, watch=False, demo_staff_id=so.manager.id)


async def open_book(pilot) -> StaffBookScreen:
    app = pilot.app
    await desk_ready(pilot)
    await pilot.press("f10")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "BooksScreen")
    await pilot.press("x")
    await wait_until(pilot, lambda: isinstance(app.screen, StaffBookScreen)
                     and app.screen.loads > 0)
    return app.screen


async def to_row(pilot, book, name: str) -> None:
    names = [line.name for line in book.rows]
    book.table.move_cursor(row=names.index(name))
    await wait_until(pilot, lambda: book.current_row().name == name)


async def form_on_top(pilot, kind):
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, kind) and app.focused is not None
                     and app.focused.screen is app.screen)
    return app.screen


def logged(person_id: int, action: str) -> ChangeLog | None:
    return ChangeLog.select().where((ChangeLog.topic == "staff")
                                    & (ChangeLog.row_id == person_id)
                                    & (ChangeLog.action == action)).first()


async def test_a_forgotten_pin_and_a_wrong_manager_pin(so):
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_book(pilot)
        assert [line.name for line in book.rows][:3] == ["李静", "刘芳", "周敏"]
        await to_row(pilot, book, "李静")
        await pilot.press("p")
        form = await form_on_top(pilot, StaffChangeForm)
        assert app.focused.id == "sc-new_pin"
        await pilot.press(*"2468", "tab", *"2468", "tab", *"9999", "enter")
        await wait_until(pilot, lambda: "Wrong PIN" in str(
            form.query_one("#sc-error-manager_pin").content))
        assert form.query_one("#sc-manager_pin", Input).value == ""  # typed again
        assert logged(so.clerk.id, "pin_set") is None
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is book and book.loads > 1)
        assert pin_matches("2468", Staff.get_by_id(so.clerk.id).pin_hash)
        assert logged(so.clerk.id, "pin_set").staff_id == so.manager.id


async def test_a_role_change_and_a_leaver(so):
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_book(pilot)
        await to_row(pilot, book, "李静")
        await pilot.press("r")
        form = await form_on_top(pilot, StaffChangeForm)
        form.query_one("#sc-role", Select).value = "supervisor"
        form.query_one("#sc-manager_pin", Input).focus()
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is book and book.loads > 1)
        assert Staff.get_by_id(so.clerk.id).role == "supervisor"
        # the changed person stays highlighted
        await wait_until(pilot, lambda: book.current_row().name == "李静")
        await to_row(pilot, book, "张强")
        await pilot.press("c")
        await form_on_top(pilot, StaffChangeForm)
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "sc-phone")
        await pilot.press("ctrl+a", "backspace", *"13912345678", "tab", *PIN, "enter")
        await wait_until(pilot, lambda: app.screen is book
                         and Staff.get_by_id(so.technician.id).phone == "13912345678")
        await wait_until(pilot, lambda: book.current_row().phone == "13912345678")
        reads = book.loads
        await pilot.press("l")
        await form_on_top(pilot, StaffChangeForm)
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is book and book.loads > reads)
        assert not Staff.get_by_id(so.technician.id).active
        assert logged(so.technician.id, "leave").staff_id == so.manager.id
        await wait_until(pilot, lambda: book.rows[-1].name == "张强"  # leavers last
                         and book.table.row_count == len(book.rows)
                         and "left" in str(book.table.get_row_at(len(book.rows) - 1)[-1]))
        await pilot.press("end", "l")  # a leaver cannot leave again
        await wait_until(pilot, lambda: "has left: nothing to change" in str(
            book.query_one("#sb-message").content))


async def test_a_new_opening_time(so):
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_book(pilot)
        await pilot.press("o")
        form = await form_on_top(pilot, OfficeSettingsForm)
        assert app.focused.id == "os-name"
        form.query_one("#os-phones_open_at", Input).value = "8:15"
        form.query_one("#os-sign_in_at", Input).value = "25:00"
        form.query_one("#os-manager_pin", Input).focus()
        await pilot.press(*PIN, "ctrl+s")
        await wait_until(pilot, lambda: "like 08:30" in str(
            form.query_one("#os-error-sign_in_at").content))
        assert app.focused.id == "os-sign_in_at"
        assert Office.get_by_id(so.office.id).phones_open_at == "08:30"  # nothing written
        form.query_one("#os-sign_in_at", Input).value = "08:20"
        form.query_one("#os-manager_pin", Input).focus()
        await pilot.press(*PIN, "ctrl+s")
        await wait_until(pilot, lambda: app.screen is book)
        assert Office.get_by_id(so.office.id).phones_open_at == "08:15"
        assert app.session.office.phones_open_at == "08:15"  # the desk goes on with it
        entry = ChangeLog.get((ChangeLog.topic == "office") & (ChangeLog.action == "settings"))
        assert entry.staff_id == so.manager.id


async def test_someone_new_and_only_a_manager_opens_the_book(so):
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_book(pilot)
        await pilot.press("n")
        form = await form_on_top(pilot, NewPersonForm)
        await pilot.press(*"王芳", "tab")
        assert form.value("role") is None  # the manager's answer, never "clerk" by itself
        await pilot.press("enter", "down", "enter")  # the first role: clerk
        await wait_until(pilot, lambda: form.value("role") == "clerk")
        await pilot.press("tab", *"13912345678", "tab", *"1357", "tab", *"1357", "tab", *PIN,
                          "ctrl+s")
        await wait_until(pilot, lambda: app.screen is book and book.loads > 1)
        person = Staff.get((Staff.office == so.office) & (Staff.name == "王芳"))
        assert person.role == "clerk" and pin_matches("1357", person.pin_hash)
        assert book.current_row().name == "王芳"
        assert form.saved_count == 1
    clerk_app = desk_app(so, watch=False)
    async with clerk_app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        assert open_staff_book(clerk_app) is None
        assert not isinstance(clerk_app.screen, StaffBookScreen)
