"""The service register built ahead and kept (issue #15: F10 r within 150 ms at 1M orders):
the first one is built in idle time (``kit/prebuilt.py``), and closed it is made as new
and shown again by the next F10 r (``BookScreen.KEPT``). Nothing of the last search may be
left in it — text, days, state, an error said, rows, the cursor — it reads once as it
opens, and keys typed straight after F10 r land in its search. A long answer goes into
the table a page at a time (``kit.tables.refill(page=...)``), the rest as the clerk goes
down to it."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select

from deskterm.screens.kit.tables import PAGE
from deskterm.screens.repairs.register_search import LIMIT, RegisterSearchScreen
from tests.desk_app import desk_app, wait_until
from tests.factories import MORNING
from tests.pilot_keys import burst
from tests.repairs.test_register import entry, make_history, make_register
from tests.repairs.test_register_screens import cells, desk_ready, shown

NAME = f"{RegisterSearchScreen.__module__}:{RegisterSearchScreen.__qualname__}"


@pytest.fixture
def history(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return make_history(make_register())


async def kept(pilot) -> RegisterSearchScreen:
    """The register ready in ``Ahead`` (built, or kept), mounted and not shown."""
    app = pilot.app
    await wait_until(pilot, lambda: NAME in app.ahead.ready and app.ahead.ready[NAME].mounted)
    screen = app.ahead.ready[NAME]
    assert not screen.opened and screen not in app.screen_stack
    return screen


async def opened(pilot) -> RegisterSearchScreen:
    app = pilot.app
    screen = await kept(pilot)
    await pilot.press("f10", "r")
    await wait_until(pilot, lambda: app.screen is screen and screen.loaded
                     and screen.settled)
    await pilot.pause()
    return screen


def shown_errors(screen) -> list[str]:
    return [str(line.content) for line in screen.query(".kit-error.-shown")]


async def test_the_register_closed_opens_again_as_new(history):
    so, *_rest = history
    app = desk_app(so, watch=False, build_ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(app, pilot)
        screen = await opened(pilot)
        assert screen.built_ahead and screen.id is None
        table = screen.query_one("#rs-table", DataTable)
        box = screen.query_one("#rs-text", Input)
        fresh = cells(table)
        fresh_count = shown(screen, "#rs-count")
        assert app.focused is box and screen.searches == 1  # one read as it opens
        assert len(fresh) == 6 and "6 lines" in fresh_count
        # The clerk searches a unit, goes down its rows, the completed lines, a bad day.
        await pilot.press(*"3-2-501")
        await wait_until(pilot, lambda: screen.settled and len(cells(table)) == 2)
        await pilot.press("down", "down")
        await wait_until(pilot, lambda: app.focused is table and table.cursor_row == 1)
        screen.query_one("#rs-state", Select).value = "completed"
        await wait_until(pilot, lambda: screen.settled and len(cells(table)) == 1)
        await pilot.press("shift+tab", "shift+tab")  # the rows → Show → To
        await wait_until(pilot, lambda: app.focused is screen.query_one("#rs-date_to"))
        await pilot.press(*"11-40")
        await wait_until(pilot, lambda: screen.settled and any(
            "no such date" in error for error in shown_errors(screen)))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)

        again = await kept(pilot)
        assert again is screen  # kept, not built again
        assert screen.query_one("#rs-text", Input).value == ""
        assert screen.query_one("#rs-date_from", Input).value == ""
        assert screen.query_one("#rs-date_to", Input).value == ""
        assert screen.query_one("#rs-state", Select).value == "all"
        assert shown_errors(screen) == [] and table.row_count == 0
        await pilot.press("f10", "r")
        await wait_until(pilot, lambda: app.screen is screen and screen.loaded
                         and screen.settled)
        await pilot.pause()
        assert cells(table) == fresh and shown(screen, "#rs-count") == fresh_count
        assert table.cursor_row == 0 and app.focused is box
        assert screen.searches == 1 and shown_errors(screen) == []
        assert "11-26 10:00" in shown(screen, "#rs-detail")  # the first row's


async def test_keys_typed_with_f10_r_land_in_the_kept_register(history):
    """Issue #15 item 3 on the kept register: F10 r and digits with no pause between."""
    so, *_rest = history
    app = desk_app(so, watch=False, build_ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(app, pilot)
        screen = await opened(pilot)
        await pilot.press(*"zzq")
        await wait_until(pilot, lambda: screen.settled)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        assert await kept(pilot) is screen
        await burst(pilot, "f10", "r", *"5678")  # all queued before any is handled
        box = screen.query_one("#rs-text", Input)
        await wait_until(pilot, lambda: app.screen is screen and box.value == "5678"
                         and screen.settled)
        assert app.focused is box
        await pilot.pause()
        assert "lines" in shown(screen, "#rs-count")
        assert all("5678" in row or "张三" in row for row in cells(
            screen.query_one("#rs-table", DataTable)))


async def test_a_long_answer_goes_into_the_table_a_page_at_a_time(history):
    so, *_rest = history
    start = dt.datetime(2026, 11, 1)
    for n in range(LIMIT + 20):  # more lines than a page, and than the book shows
        entry(so, (start + dt.timedelta(minutes=n)).isoformat(), f"第{n}号请求",
              caller="赵六", phone="13700000000")
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(app, pilot)
        screen = await opened_on_key(pilot)
        table = screen.query_one("#rs-table", DataTable)
        assert len(screen.rows) == LIMIT and table.row_count == PAGE
        assert shown(screen, "#rs-count").startswith(f"newest {LIMIT} of")
        await pilot.press("down")  # to the rows
        await wait_until(pilot, lambda: app.focused is table)
        for _ in range(PAGE // 2):
            await pilot.press("down")
        await wait_until(pilot, lambda: table.row_count == LIMIT)
        # Each row of the table is the book's row of the same place.
        await pilot.press("ctrl+end")
        await wait_until(pilot, lambda: table.cursor_row == LIMIT - 1)
        last = screen.rows[-1]
        assert screen.current_row() is last
        assert last.request in " ".join(str(c) for c in table.get_row_at(LIMIT - 1))
        # Read again (ctrl+r) with the cursor far down: it stays on its row.
        await pilot.press("up", "up")
        key = screen.rows[table.cursor_row].entry_id
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.loads >= 2 and screen.settled)
        await pilot.pause()
        assert screen.current_row().entry_id == key
        assert table.row_count > table.cursor_row


async def opened_on_key(pilot) -> RegisterSearchScreen:
    app = pilot.app
    await pilot.press("f10", "r")
    await wait_until(pilot, lambda: isinstance(app.screen, RegisterSearchScreen)
                     and app.screen.loaded and app.screen.settled)
    await pilot.pause()
    return app.screen
