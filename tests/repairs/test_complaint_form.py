"""The complaint form (F7, deskterm.screens.repairs.complaint_form) driven as a clerk drives it, at
80×24 on SQLite and PostgreSQL: the lookup fills the complainant, saving records the
complaint, a bad field says so under it and stores nothing, Esc stores nothing, and markup
is stored verbatim and shown literally."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, Select

from deskterm.db.models import ChangeLog, Complaint
from deskterm.screens.repairs.complaint_form import ComplaintFormScreen
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, busy_morning


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    return busy_morning("电梯异响")


async def open_form(pilot, results: list, **kwargs) -> ComplaintFormScreen:
    app = pilot.app
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: app.session.staff is not None)
    screen = ComplaintFormScreen(app.session, **kwargs)
    app.push_screen(screen, callback=results.append)
    await wait_until(pilot, lambda: app.screen is screen and screen.query("#cf-channel"))
    return screen


def value(screen, name: str) -> str:
    return screen.query_one(f"#cf-{name}", Input).value


def error(screen, name: str) -> str:
    return str(screen.query_one(f"#cf-error-{name}").content)


def counts() -> tuple[int, int]:
    return Complaint.select().count(), ChangeLog.select().count()


async def pick(pilot, screen, query: str) -> None:
    await pilot.press(*query, "enter")
    await wait_until(pilot, lambda: value(screen, "name") != "")


async def test_the_lookup_fills_the_complainant_and_saving_records_it(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        assert app.focused.id == "lookup-input"
        await pick(pilot, screen, "3-2-501")
        assert (value(screen, "name"), value(screen, "unit"), value(screen, "phone")) == (
            "张三", "3-2-501", "138 1234 5678")
        assert app.focused.id == "cf-description"
        await pilot.press(*"noise at night")
        screen.query_one("#cf-category", Select).value = "noise"
        screen.query_one("#cf-channel", Select).value = "walk_in"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
        assert app.screen is app.dashboard
        [complaint] = results
        assert f"Complaint {complaint.number} recorded." in [
            str(n.message) for n in app._notifications]
    stored = Complaint.get_by_id(complaint.id)
    assert stored.number.startswith("TS-202611-")
    assert (stored.complainant_name, stored.phone, stored.unit.code, stored.description,
            stored.category, stored.channel, stored.state, stored.received_by_id) == (
        "张三", "13812345678", "3-2-501", "noise at night", "noise", "walk_in", "open",
        office.clerk.id)


async def test_categories_are_the_summary_s_labels(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, [])
        options = [str(label) for label, _key in screen.query_one("#cf-category")._options]
        assert "Noise" in options and "Other" in options and len(options) == 10
        assert screen.query_one("#cf-channel", Select).value == "phone"


async def test_bad_fields_say_so_and_nothing_is_stored(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        before = counts()
        await pick(pilot, screen, "3-2-501")
        screen.query_one("#cf-phone", Input).value = "12345"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "mobile number has 11 digits" in error(screen, "phone")
        assert "Enter what the complaint is about" in error(screen, "description")
        assert error(screen, "name") == "" and error(screen, "unit") == ""
        assert app.focused.id == "cf-phone"
        # Fixing the phone clears its message; a unit not at this office is refused by the
        # save itself, under the unit.
        screen.query_one("#cf-phone", Input).value = "13812345678"
        await pilot.pause()
        assert error(screen, "phone") == ""
        screen.query_one("#cf-description", Input).value = "dogs"
        screen.query_one("#cf-unit", Input).value = "9-9-909"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "no unit 9-9-909" in error(screen, "unit"))
        assert app.screen is screen and not results
    assert counts() == before


async def test_escape_stores_nothing(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        before = counts()
        await pick(pilot, screen, "zs")
        await pilot.press(*"noisy", "escape")
        # Something was typed: Esc asks first; d throws it away.
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        await pilot.press("d")
        await wait_until(pilot, lambda: results == [None])
        assert app.screen is app.dashboard
    assert counts() == before


async def test_markup_is_stored_verbatim_and_shown_literally(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        app.focused.value = "[red]x[/red]"  # not on the roster: a name
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.focused.id == "cf-unit")
        assert value(screen, "name") == "[red]x[/red]"
        await pilot.press("tab", *"02787654321", "tab", *"[red]x[/red]", "ctrl+s")
        await wait_until(pilot, lambda: results)
    stored = Complaint.get_by_id(results[0].id)
    assert (stored.complainant_name, stored.description, stored.unit_id, stored.phone) == (
        "[red]x[/red]", "[red]x[/red]", None, "02787654321")


async def test_a_refused_name_shows_its_markup_literally(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, [])
        before = counts()
        screen.query_one("#cf-name", Input).value = "[red]x[/red]"
        screen.query_one("#cf-phone", Input).value = "[b]1[/b]"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error(screen, "phone").startswith("✗ ")
        assert error(screen, "description") != ""
        # The name box shows the brackets as typed (no markup rendered).
        assert "[red]x[/red]" in str(screen.query_one("#cf-name", Input).render_line(0).text)
    assert counts() == before


async def test_a_10000_character_paste_is_refused_at_the_field(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, [])
        field = screen.query_one("#cf-description", Input)
        field.focus()
        field.post_message(events.Paste("吵" * 10_000))
        await pilot.pause()
        assert field.value == ""
        assert "Too long to paste: 10,000 characters; at most 2,000." in error(
            screen, "description")
