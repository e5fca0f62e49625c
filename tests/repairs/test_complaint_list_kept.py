"""The complaint list (F10 c) built ahead and kept (issue #15): closed on another filter
with a row highlighted, it opens again on the open complaints, read as it opens, the
cursor on the first row."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from deskterm.duties.repairs import complaints
from deskterm.screens.repairs.complaint_list import ComplaintListScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, small_office

NAME = f"{ComplaintListScreen.__module__}:{ComplaintListScreen.__qualname__}"


@pytest.fixture
def office(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    for name in ("王芳", "李雷"):
        complaints.record_complaint(so.office, so.clerk, complainant_name=name,
                                    phone="13987654321", description="楼上装修太吵",
                                    unit=so.unit, category="noise")
    return so


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


async def kept(pilot) -> ComplaintListScreen:
    app = pilot.app
    await wait_until(pilot, lambda: NAME in app.ahead.ready and app.ahead.ready[NAME].mounted)
    screen = app.ahead.ready[NAME]
    assert not screen.opened and screen not in app.screen_stack
    return screen


async def test_the_complaint_list_closed_opens_again_as_new(office):
    app = desk_app(office, watch=False, build_ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = await kept(pilot)
        await pilot.press("f10", "c")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads == 1)
        await pilot.pause()
        table = screen.query_one("#cl-table", DataTable)
        fresh = (text(screen, "#cl-filter"), text(screen, "#cl-detail"), table.row_count)
        assert table.row_count == 2 and app.focused is table
        await pilot.press("down")
        await wait_until(pilot, lambda: table.cursor_row == 1)
        await pilot.press("3")  # the closed ones: none
        await wait_until(pilot, lambda: screen.loads == 2 and table.row_count == 0)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)

        assert await kept(pilot) is screen and screen.which == "open"
        await pilot.press("f10", "c")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads == 1)
        await pilot.pause()
        assert (text(screen, "#cl-filter"), text(screen, "#cl-detail"),
                table.row_count) == fresh
        assert table.cursor_row == 0 and app.focused is table
