"""The estate book at 80×24 (F10 x, then e): the manager adds a public place, a district,
a building and a unit, renames a row, names a district's supervisor and retires a place,
each logged with the manager's name; a refusal is said at its field and changes nothing;
the database in trouble leaves the book standing and saves nothing."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from deskterm.db import changes
from deskterm.db.models import Building, ChangeLog, District, Place, Staff, Unit
from deskterm.screens.admin.estate_book import EstateBookScreen
from deskterm.screens.admin.estate_forms import EstateForm
from tests.admin.test_staff_book import form_on_top, manager_app, open_book
from tests.desk_app import wait_until

pytestmark = pytest.mark.both_databases


async def open_estate(pilot) -> EstateBookScreen:
    app = pilot.app
    staff_book = await open_book(pilot)
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(app.screen, EstateBookScreen)
                     and app.screen.loads > 0)
    assert staff_book is not app.screen
    return app.screen


async def to_row(pilot, book, kind: str, name: str) -> None:
    keys = [(row.kind, row.name) for row in book.rows]
    book.table.move_cursor(row=keys.index((kind, name)))
    await wait_until(pilot, lambda: book.current_row().name == name)


async def saved_and_read(pilot, book, loads: int) -> None:
    await wait_until(pilot, lambda: pilot.app.screen is book and book.loads > loads)


def logged(topic: str, action: str) -> ChangeLog | None:
    return ChangeLog.select().where((ChangeLog.topic == topic)
                                    & (ChangeLog.action == action)).first()


async def test_a_place_a_district_a_building_and_a_unit(so):
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_estate(pilot)
        assert [(r.kind, r.name) for r in book.rows] == [
            ("district", "东区"), ("building", "3栋")]
        await pilot.press("p")
        form = await form_on_top(pilot, EstateForm)
        assert form.query_one("#ef-district", Select).value == so.district.id
        loads = book.loads
        await pilot.press(*"东门道闸", "ctrl+s")
        await saved_and_read(pilot, book, loads)
        assert book.current_row().name == "东门道闸"
        assert logged("place", "create").staff_id == so.manager.id

        await pilot.press("d")
        form = await form_on_top(pilot, EstateForm)
        await pilot.press(*"东区", "ctrl+s")  # taken: said at the name, nothing saved
        await wait_until(pilot, lambda: "already used" in str(
            form.query_one("#ef-error-name").content))
        assert District.select().count() == 1
        form.query_one("#ef-name", Input).value = "西区"
        loads = book.loads
        await pilot.press("ctrl+s")
        await saved_and_read(pilot, book, loads)
        west = District.get(District.name == "西区")
        assert book.current_row().id == west.id and west.code == "1"

        await pilot.press("b")  # proposed in the highlighted district, 西区
        form = await form_on_top(pilot, EstateForm)
        assert form.query_one("#ef-district", Select).value == west.id
        loads = book.loads
        await pilot.press(*"12", "tab", "tab", *"18", "ctrl+s")
        await saved_and_read(pilot, book, loads)
        twelve = Building.get(Building.code == "12")
        assert (twelve.district_id, twelve.floors) == (west.id, 18)

        await pilot.press("u")
        form = await form_on_top(pilot, EstateForm)
        loads = book.loads
        await pilot.press(*"12-1-101", "tab", *"120", "ctrl+s")
        await saved_and_read(pilot, book, loads)
        assert Unit.get(Unit.code == "12-1-101").building_id == twelve.id
        assert book.current_row().name == "12栋" and book.current_row().units == 1
        app.save_screenshot("/tmp/estate-book.svg")


async def test_rename_supervisor_and_retire(so):
    with changes.write():
        cs = Staff.create(office=so.office, name="陈晓", role="cs_supervisor",
                          created_at=so.office.created_at)
        Place.create(office=so.office, district=so.district, name="会所")
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_estate(pilot)
        await to_row(pilot, book, "place", "会所")
        loads = book.loads
        await pilot.press("x")
        await saved_and_read(pilot, book, loads)
        assert not Place.get(Place.name == "会所").active
        assert "retired" in str(book.query_one("#eb-result").content)

        await pilot.press("s")  # on a place: its district's supervisor
        form = await form_on_top(pilot, EstateForm)
        form.query_one("#ef-supervisor", Select).value = cs.id
        loads = book.loads
        await pilot.press("ctrl+s")
        await saved_and_read(pilot, book, loads)
        assert District.get_by_id(so.district.id).cs_supervisor_id == cs.id
        assert book.current_row().supervisor == "陈晓"

        await pilot.press("r")
        form = await form_on_top(pilot, EstateForm)
        assert form.query_one("#ef-name", Input).value == "东区"
        form.query_one("#ef-name", Input).value = "东苑"
        loads = book.loads
        await pilot.press("ctrl+s")
        await saved_and_read(pilot, book, loads)
        assert District.get_by_id(so.district.id).name == "东苑"
        assert logged("district", "rename").staff_id == so.manager.id


async def test_x_retires_only_a_place_and_s_needs_a_supervisor_on_the_list(so):
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_estate(pilot)
        await pilot.press("x")
        await wait_until(pilot, lambda: "Only a public place" in str(
            book.query_one("#eb-message").content))
        await pilot.press("s")
        await wait_until(pilot, lambda: "customer-service supervisor" in str(
            book.query_one("#eb-message").content))
        assert not isinstance(app.screen, EstateForm)
