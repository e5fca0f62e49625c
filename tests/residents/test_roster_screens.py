"""The owner roster screens driven with keys at 80×24: find an owner, edit their phones (a bad
phone is refused at the field and nothing is stored), add one, move one out, and import a
roster file (problems listed by row, nothing stored; or the counts)."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, DataTable, Input, Static

from deskterm.db.models import ChangeLog, Owner, OwnerPhone, Unit
from deskterm.screens.kit.asking import DiscardQuestion
from deskterm.screens.residents.owner_form import OwnerFormScreen
from deskterm.screens.residents.owner_roster import OwnerRosterScreen, open_owner_roster
from deskterm.screens.residents.roster_import import RosterImportScreen
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, busy_morning
from tests.residents.test_roster_import import GOOD, HEADER, bad_rows, write_csv, write_xlsx


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("电梯异响")


def table_text(screen, selector: str) -> list[str]:
    table = screen.query_one(selector, DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def roster_counts() -> tuple[int, int, int, int]:
    log = ChangeLog.select().where(ChangeLog.topic.in_(["unit", "owner", "owner_phone"]))
    return (Unit.select().count(), Owner.select().count(), OwnerPhone.select().count(),
            log.count())


def zhang() -> Owner:
    return Owner.get(Owner.name == "张三")


def phones_of(owner: Owner) -> list[str]:
    return [p.phone for p in OwnerPhone.select().where(OwnerPhone.owner == owner)
            .order_by(OwnerPhone.id)]


async def open_roster(pilot) -> OwnerRosterScreen:
    app = pilot.app
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: app.session.staff is not None)
    screen = open_owner_roster(app)
    await wait_until(pilot, lambda: app.screen is screen and screen.query("#or-hint")
                     and app.focused is not None)
    return screen


async def find(pilot, screen, query: str) -> list[str]:
    await pilot.press(*query)
    await wait_until(pilot, lambda: screen.table.row_count > 0)
    return table_text(screen, "#or-table")


async def open_form(pilot, key: str = "enter") -> OwnerFormScreen:
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, OwnerFormScreen)
                     and app.screen.is_loaded)
    return app.screen


def form_error(form, name: str) -> str:
    return text_of(form, f"#of-error-{name}")


async def test_the_roster_searches_each_key_at_once(office):
    """Issue #15 item 2: no fixed delay; the first key is read as it lands, and a burst
    ends on the rows of the whole text typed."""
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_roster(pilot)
        await pilot.press("3")
        assert screen.reading or screen.loads == 1  # read on the key, not after a timer
        await pilot.press(*"-2-501")  # no pause
        await wait_until(pilot, lambda: not screen.reading
                         and screen.search_input.value == "3-2-501"
                         and "found" in text_of(screen, "#or-status"))
        rows = table_text(screen, "#or-table")
        assert rows and all("3-2-501" in row for row in rows)
        assert any("张三" in row for row in rows)


async def test_find_an_owner_and_edit_a_phone(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        roster = await open_roster(pilot)
        assert app.focused.id == "or-search"
        rows = await find(pilot, roster, "zs")
        assert rows == ["3-2-501 张三 owner 138 1234 5678 "]
        assert text_of(roster, "#or-status") == "1 found."
        form = await open_form(pilot)
        assert form.query_one("#of-name", Input).value == "张三"
        assert form.query_one("#of-phones", Input).value == "138 1234 5678"
        assert text_of(form, ".form-title") == "Owner of 3-2-501"
        before = (ChangeLog.select().count(), phones_of(zhang()))

        form.query_one("#of-phones", Input).value = "138 1234 5678 / 139 1234 567"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form_error(form, "phones"))
        assert form_error(form, "phones") == (
            "✗ 139 1234 567: A mobile number has 11 digits; this has 10.")
        assert app.screen is form and app.focused.id == "of-phones"
        assert (ChangeLog.select().count(), phones_of(zhang())) == before

        form.query_one("#of-phones", Input).value = "139 1234 5678 / 027-8765 4321"
        await pilot.pause()
        assert form_error(form, "phones") == ""
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is roster)
        assert phones_of(zhang()) == ["13912345678", "02787654321"]
        await wait_until(pilot, lambda: "139 1234 5678" in table_text(roster, "#or-table")[0])
        assert "027-8765 4321" in table_text(roster, "#or-table")[0]
        assert "张三 of 3-2-501 saved." in [str(n.message) for n in app._notifications]


async def test_a_bad_name_is_refused_at_its_field(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        roster = await open_roster(pilot)
        await find(pilot, roster, "3-2-501")
        form = await open_form(pilot)
        form.query_one("#of-name", Input).value = "   "
        form.query_one("#of-phones", Input).value = "12"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form_error(form, "name"))
        assert form_error(form, "name") == "✗ Enter the owner's name."
        assert form_error(form, "phones").startswith("✗ 12: ")
        assert app.focused.id == "of-name"
        await pilot.press("escape")  # typed text: the kit asks before throwing it away
        await wait_until(pilot, lambda: isinstance(app.screen, DiscardQuestion))
        await pilot.press("d")
        await wait_until(pilot, lambda: app.screen is roster)
    assert zhang().name == "张三" and phones_of(zhang()) == ["13812345678"]


async def test_moving_out_and_adding_an_owner(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        roster = await open_roster(pilot)
        await find(pilot, roster, "zs")
        form = await open_form(pilot)
        form.query_one("#of-active", Checkbox).value = False
        form.query_one("#of-note", Input).value = "[b]已过户[/b]"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is roster)
        await wait_until(pilot, lambda: "moved o" in table_text(roster, "#or-table")[0])

        await pilot.press("down")
        assert app.focused is roster.table
        assert "n new owner" in text_of(roster, "#or-hint")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, OwnerFormScreen))
        form = app.screen
        assert form.query_one("#of-unit", Input).value == "3-2-501"
        assert app.focused.id == "of-name"
        form.query_one("#of-name", Input).value = "李四"
        form.query_one("#of-phones", Input).value = "13912345678 13712345678"
        await pilot.press("ctrl+s")  # owner or tenant: the clerk's answer, never assumed
        await wait_until(pilot, lambda: "Choose owner or tenant." in str(
            form.query_one("#of-error-kind").content))
        assert not Owner.select().where(Owner.name == "李四").exists()
        form.set_value("kind", "owner")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is roster)
        await wait_until(pilot, lambda: any("李四" in r for r in table_text(roster, "#or-table")))
    moved = zhang()
    assert (moved.active, moved.note) == (False, "[b]已过户[/b]")
    li = Owner.get(Owner.name == "李四")
    assert (li.unit.code, li.pinyin_initials, phones_of(li)) == (
        "3-2-501", "ls", ["13912345678", "13712345678"])


async def open_import(pilot, roster) -> RosterImportScreen:
    app = pilot.app
    await find(pilot, roster, "zs")
    await pilot.press("down", "i")
    await wait_until(pilot, lambda: isinstance(app.screen, RosterImportScreen))
    return app.screen


async def test_an_import_with_problems_lists_the_rows_and_stores_nothing(office, tmp_path):
    path = write_csv(tmp_path / "bad.csv", bad_rows())
    before = roster_counts()
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        roster = await open_roster(pilot)
        screen = await open_import(pilot, roster)
        assert app.focused.id == "ri-path"
        screen.query_one("#ri-path", Input).value = f'"{path}"'
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.problems)
        rows = table_text(screen, "#ri-problems")
        assert [r.split()[0] for r in rows] == ["7", "12"]
        assert rows[1] == "12 辖区 (I) Building 3 is in 东区, not in 西区."
        assert text_of(screen, "#ri-status").startswith("2 problems: nothing was imported.")
        assert text_of(screen, "#ri-detail").startswith("Row 7, 联系电话 (E): 138 1234 567:")
        await pilot.press("down")
        assert text_of(screen, "#ri-detail") == (
            "Row 12, 辖区 (I): Building 3 is in 东区, not in 西区.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is roster)
    assert roster_counts() == before


async def test_an_import_that_lands_shows_the_counts(office, tmp_path):
    path = write_xlsx(tmp_path / "roster.xlsx", [HEADER, *GOOD[:2]])
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        roster = await open_roster(pilot)
        screen = await open_import(pilot, roster)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "✗" in text_of(screen, "#ri-error-path"))
        assert "Enter the roster file's path" in text_of(screen, "#ri-error-path")
        screen.query_one("#ri-path", Input).value = str(tmp_path / "missing.xlsx")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "There is no file" in text_of(screen, "#ri-error-path"))
        screen.query_one("#ri-path", Input).value = str(path)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.result is not None)
        assert text_of(screen, "#ri-status").startswith(
            "✓ roster.xlsx imported. 2 rows: 1 units added")
        assert not screen.query_one("#ri-problems", DataTable).display
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is roster)
    assert Owner.select().where(Owner.name.in_(["李四", "王小明"])).count() == 2


async def test_the_roster_opens_only_for_someone_signed_in(office):
    app = desk_app(office, signed_in=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert open_owner_roster(app) is None
