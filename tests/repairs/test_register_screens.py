"""The register search and unit history screens (deskterm.screens.repairs.register_search,
deskterm.screens.repairs.unit_history) driven with keys at 80×24, at 10:05 in Shanghai: typing
finds rows, the state and the days filter them, a bad day is said under its row and
nothing breaks, Enter opens the order or the unit, ``u`` the unit, Esc goes back."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import DataTable, Input

from deskterm.duties.repairs.register import RegisterResult
from deskterm.screens.repairs.morning_view import MorningViewScreen
from deskterm.screens.repairs.order_detail import OrderDetailScreen
from deskterm.screens.repairs.register_search import RegisterSearchScreen, open_register_search
from deskterm.screens.repairs.unit_history import UnitHistoryScreen, open_unit_history
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING
from tests.repairs.test_register import make_history, make_register


@pytest.fixture
def reg(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return make_register()


@pytest.fixture
def history(reg):
    return make_history(reg)


def cells(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


async def desk_ready(app, pilot) -> None:
    """The dashboard loaded, and the morning view the sign-in opens (there are lines left
    from earlier days) closed again."""
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: not any(
        w.group == "morning-view" and not w.is_finished for w in app.workers))
    await pilot.pause()
    if isinstance(app.screen, MorningViewScreen):
        await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is app.dashboard)


async def open_search(app, pilot) -> RegisterSearchScreen:
    await desk_ready(app, pilot)
    screen = open_register_search(app)
    await wait_until(pilot, lambda: app.screen is screen and screen.settled
                     and screen.searches >= 1)
    await pilot.pause()
    return screen


async def type_into(pilot, screen, text: str) -> None:
    await pilot.press(*text)
    await wait_until(pilot, lambda: screen.settled)
    await pilot.pause()


def fits(screen, form: str, parts: tuple[str, ...]) -> None:
    box = screen.query_one(form).region
    assert box.x >= 0 and box.y >= 0 and box.right <= 80 and box.bottom <= 24
    for part in parts:
        region = screen.query_one(part).region
        assert region.height > 0 and box.contains_region(region), part


async def test_f10_r_and_digits_at_once_land_in_the_search(history):
    """Issue #15 item 3: keys typed while the book opens go to the box the clerk will type
    in; none is lost (the key fence holds them until the screen's focus is set)."""
    so, *_rest = history
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(app, pilot)
        await pilot.press("f10", "r", *"5625")  # no pause anywhere
        await wait_until(pilot, lambda: isinstance(app.screen, RegisterSearchScreen))
        screen = app.screen
        box = screen.query_one("#rs-text", Input)
        await wait_until(pilot, lambda: box.value == "5625" and screen.settled)
        assert app.focused is box


async def test_typing_a_unit_code_shows_its_rows(history):
    so, _other, lines, repair, *_rest = history
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        table = screen.query_one("#rs-table", DataTable)
        assert app.focused is screen.query_one("#rs-text", Input)
        assert table.row_count == 6 and "6 lines" in shown(screen, "#rs-count")
        fits(screen, "#rs-form", ("#rs-text", "#rs-date_from", "#rs-date_to", "#rs-state",
                                  "#rs-table", "#rs-detail", "#rs-hint"))
        assert table.region.height >= 8
        await type_into(pilot, screen, "3栋2单元501")
        rows = cells(table)
        assert len(rows) == 2 and all("3-2-501" in row for row in rows)
        assert rows[0].startswith("· 11-26 10:00") and "张三" in rows[0]
        assert f"{repair.number} dispatch" in rows[0]
        assert rows[1].startswith("✓ 11-20 10:00") and "问物业费" in rows[1]
        assert "2 lines" in shown(screen, "#rs-count")
        detail = shown(screen, "#rs-detail")
        assert "138 1234 5678" in detail and "厨房水龙头漏水" in detail
        # A name, then something nobody has said.
        screen.query_one("#rs-text", Input).value = ""
        await type_into(pilot, screen, "路人")
        assert len(cells(table)) == 1 and "[red]楼道灯[/red]" in cells(table)[0]
        assert "[red]楼道灯[/red]不亮" in shown(screen, "#rs-detail")
        await type_into(pilot, screen, "乙丙丁")
        assert table.row_count == 0 and "No line matches." in shown(screen, "#rs-detail")
        assert "0 lines" in shown(screen, "#rs-count")


async def test_the_state_select_filters_the_rows(history):
    so, _other, lines, *_rest = history
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        table = screen.query_one("#rs-table", DataTable)
        await pilot.press("tab", "tab", "tab")  # Find → From → To → Show
        assert app.focused is screen.query_one("#rs-state")
        await pilot.press("enter", "up", "up", "enter")  # all → completed → open
        await wait_until(pilot, lambda: screen.query_one("#rs-state").value == "open")
        await wait_until(pilot, lambda: screen.settled)
        await pilot.pause()
        rows = cells(table)
        assert len(rows) == 3 and all(row.startswith("·") for row in rows)
        await pilot.press("enter", "down", "enter")  # open → completed
        await wait_until(pilot, lambda: screen.query_one("#rs-state").value == "completed")
        await wait_until(pilot, lambda: screen.settled)
        await pilot.pause()
        rows = cells(table)
        assert len(rows) == 3 and all(row.startswith("✓") for row in rows)


async def test_days_filter_and_a_bad_day_is_said_under_its_row(history):
    so, *_rest = history
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        table = screen.query_one("#rs-table", DataTable)
        await pilot.press("tab")
        await type_into(pilot, screen, "today")
        assert len(cells(table)) == 2 and all("11-26" in row for row in cells(table))
        # 11-40 is no day: said under the row, the rows stay as they were.
        await pilot.press("tab")
        await type_into(pilot, screen, "11-40")
        error = shown(screen, "#rs-error-date_to")
        assert error.startswith("✗ To:") and "no such date" in error
        assert screen.query_one("#rs-error-date_to").display
        assert shown(screen, "#rs-error-date_from") == ""
        assert len(cells(table)) == 2
        fits(screen, "#rs-form", ("#rs-error-date_to", "#rs-table", "#rs-hint"))
        for junk in ("\x1b[31m", "[red]x", "yesterday-ish"):
            screen.query_one("#rs-date_to", Input).value = ""
            await type_into(pilot, screen, junk)
            assert "✗ To:" in shown(screen, "#rs-error-date_to")
        # The last day before the first: the duty says so at "To".
        screen.query_one("#rs-date_to", Input).value = ""
        await type_into(pilot, screen, "yesterday")
        assert "before the first" in shown(screen, "#rs-error-date_to")
        screen.query_one("#rs-date_to", Input).value = ""
        await type_into(pilot, screen, "2026-11-26")
        assert shown(screen, "#rs-error-date_to") == ""
        assert not screen.query_one("#rs-error-date_to").display
        assert len(cells(table)) == 2


async def test_enter_opens_the_order_and_u_the_unit(history):
    so, _other, lines, repair, *_rest = history
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        table = screen.query_one("#rs-table", DataTable)
        await pilot.press("down")  # from the box to the rows
        assert app.focused is table
        await pilot.press("enter")  # the first row became an order
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen)
                         and app.screen.loaded)
        assert app.screen.order_id == repair.id
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen and screen.settled)
        assert app.focused is table
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, UnitHistoryScreen)
                         and app.screen.loaded)
        assert app.screen.unit_id == so.unit.id
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        # 3-2-502's line has no order: Enter opens its unit.
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, UnitHistoryScreen)
                         and app.screen.loaded)
        assert app.screen.seen.code == "3-2-502"
        assert "李四 139 0000 1111 (tenant)" in shown(app.screen, "#uh-header")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        # The line at 23:59 has neither: said on the screen, nothing opens.
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is screen and "no unit" in shown(screen, "#rs-message")
        await pilot.press("u")
        assert app.screen is screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_the_unit_history_at_80_by_24(history):
    so, _other, _lines, repair, old, _complaint, _enquiry = history
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(app, pilot)
        screen = open_unit_history(app, so.unit.id)
        await wait_until(pilot, lambda: app.screen is screen and screen.loaded)
        await pilot.pause()
        assert shown(screen, "#uh-title") == "Unit 3-2-501"
        header = shown(screen, "#uh-header")
        assert "3栋 · 东区 · 89.56 m²" in header and "张三 138 1234 5678" in header
        assert "Orders this year 1 · open 1 · in all 2 · complaints 1" in shown(
            screen, "#uh-counts")
        table = screen.query_one("#uh-table", DataTable)
        rows = cells(table)
        assert [row.split()[2] for row in rows] == [
            "order", "visit", "complaint", "register", "callback", "order"]
        assert f"{repair.number} dispatch" in rows[0] and "TS-202611-001" in rows[2]
        assert "technician 张强" in shown(screen, "#uh-detail")
        fits(screen, "#uh-form", ("#uh-header", "#uh-counts", "#uh-table", "#uh-detail",
                                  "#uh-hint"))
        assert app.focused is table
        # The visit has no order: said, nothing opens.
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is screen and "no repair order" in shown(screen, "#uh-message")
        # The callback belongs to last year's order: Enter opens that one.
        await pilot.press("down", "down", "down")
        assert "业主满意" in shown(screen, "#uh-detail")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen)
                         and app.screen.loaded)
        assert app.screen.order_id == old.id
        loads = screen.loads
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads > loads)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_a_unit_of_another_office_is_not_shown(history):
    so, other, *_rest = history
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(app, pilot)
        screen = open_unit_history(app, other.unit.id)
        await wait_until(pilot, lambda: screen.loaded)
        assert "no such unit" in shown(screen, "#uh-header")
        assert screen.query_one("#uh-table", DataTable).row_count == 0
        await pilot.press("enter", "escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        assert open_unit_history(app, None) is None and app.screen is app.dashboard


async def test_a_stale_answer_never_replaces_a_newer_one(history):
    so, *_rest = history
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        table = screen.query_one("#rs-table", DataTable)
        before = cells(table)
        screen._answered(screen._asked - 1, RegisterResult(0, ()), ())  # the kit's
        await pilot.pause()
        assert cells(table) == before
        screen._refused(screen._asked - 1, "text", "old news")
        assert shown(screen, "#rs-error-text") == ""


async def test_a_long_paste_is_refused_at_the_field(history):
    so, *_rest = history
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        screen.query_one("#rs-text", Input).post_message(events.Paste("张" * 1000))
        await wait_until(pilot, lambda: "Too long to paste" in shown(screen, "#rs-error-text"))
        assert screen.query_one("#rs-text", Input).value == ""


async def test_nothing_opens_before_sign_in(reg):
    so, *_rest = reg
    app = desk_app(so, signed_in=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert open_register_search(app) is None
        assert open_unit_history(app, so.unit.id) is None
