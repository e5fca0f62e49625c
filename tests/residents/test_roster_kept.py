"""The owner roster built ahead and kept (issue #15: F10 o within 150 ms): closed, it is made
as new and the next F10 o shows it again — no search, match, highlighted row or message
left from the last caller — and keys typed straight after F10 o land in its search. A
roster opened for a ringing caller's number is one of its own."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.screens.residents.owner_roster import OwnerRosterScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning
from tests.pilot_keys import burst
from tests.residents.test_roster_screens import table_text, text_of

NAME = f"{OwnerRosterScreen.__module__}:{OwnerRosterScreen.__qualname__}"


@pytest.fixture
def office(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("电梯异响")


async def kept(pilot) -> OwnerRosterScreen:
    app = pilot.app
    await wait_until(pilot, lambda: NAME in app.ahead.ready and app.ahead.ready[NAME].mounted)
    screen = app.ahead.ready[NAME]
    assert not screen.opened and screen not in app.screen_stack
    return screen


async def test_the_roster_closed_opens_again_as_new(office):
    app = desk_app(office, watch=False, build_ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = await kept(pilot)
        await pilot.press("f10", "o")
        await wait_until(pilot, lambda: app.screen is screen
                         and app.focused is screen.search_input)
        fresh_status = text_of(screen, "#or-status")
        fresh_hint = text_of(screen, "#or-hint")
        await pilot.press(*"张三")
        await wait_until(pilot, lambda: screen.table.row_count > 0)
        assert any("张三" in row for row in table_text(screen, "#or-table"))
        await pilot.press("down")  # into the matches: the hint says the table's keys
        await wait_until(pilot, lambda: app.focused is screen.table)
        assert text_of(screen, "#or-hint") != fresh_hint
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)

        assert await kept(pilot) is screen  # kept, not built again
        await pilot.press("f10", "o")
        await wait_until(pilot, lambda: app.screen is screen
                         and app.focused is screen.search_input)
        await pilot.pause()
        assert screen.search_input.value == "" and screen.table.row_count == 0
        assert screen.hits == {} and text_of(screen, "#or-status") == fresh_status
        assert text_of(screen, "#or-hint") == fresh_hint
        assert text_of(screen, "#or-message") == ""


async def test_keys_typed_with_f10_o_land_in_the_kept_roster(office):
    app = desk_app(office, watch=False, build_ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = await kept(pilot)
        await pilot.press("f10", "o", *"zz")
        await wait_until(pilot, lambda: app.screen is screen
                         and screen.search_input.value == "zz")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        assert await kept(pilot) is screen
        await burst(pilot, "f10", "o", *"张三")  # all queued before any is handled
        box = screen.query_one("#or-search", Input)
        await wait_until(pilot, lambda: app.screen is screen and box.value == "张三"
                         and screen.table.row_count > 0)
        assert app.focused is box
        assert all("张三" in row for row in table_text(screen, "#or-table"))
