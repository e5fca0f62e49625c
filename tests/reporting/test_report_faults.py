"""A report (F9) read while the PostgreSQL server is stopped, and started again: the desk
keeps running, the report says it could not load in the clerk's words (no driver text),
a period typed meanwhile stays, and ctrl+r reads it once the server is back. The old
report let the driver's own words through."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from deskterm.screens.reporting.report_view import ReportView
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning
from tests.faults import driver_text_in, server_down

pytestmark = pytest.mark.both_databases


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("电梯异响")


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


async def test_a_report_read_while_the_server_is_down(office, desk_db, pg_server):
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        with server_down(pg_server):
            view = ReportView(app.session, "callback-rate")
            app.push_screen(view)
            await wait_until(pilot, lambda: view.is_mounted and view.loads == 1)
            assert "Could not load" in text(view, "#rv-message")
            assert not driver_text_in(text(view, "#rv-message"))
            assert view.table is None and app.screen is view
            await pilot.press("p", *"2026-10")  # a period typed meanwhile
            assert view.query_one("#rv-period", Input).value == "2026-10"
        await wait_until(pilot, lambda: app.dashboard.query_one("StatusLine").trouble == "",
                         timeout=20)
        await pilot.press("escape", "ctrl+r")  # leave the field, read again
        await wait_until(pilot, lambda: view.table is not None)
        assert view.query_one("#rv-table", DataTable).row_count >= 1
        assert not view.query_one("#rv-message").display
