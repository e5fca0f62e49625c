"""The stock list, its forms and ledger, and the stocktake (deskterm.screens.backoffice.stock,
stock_forms, stocktake_screen) driven with keys at 80×24, on the 24th at 10:05 in
Shanghai."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from deskterm.db.models import StockItem, StockMove, Stocktake, StocktakeLine
from deskterm.duties.backoffice import stock
from deskterm.screens.backoffice.stock import StockScreen, open_stock
from deskterm.screens.backoffice.stock_forms import StockItemForm, StockLedgerScreen, StockMoveForm
from deskterm.screens.backoffice.stocktake import ConfirmClose, StocktakeScreen, open_stocktake
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import small_office

NOW = "2026-11-24T02:05:00"


@pytest.fixture
def store(sqlite_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    for code, name, qty in (("FM-15", "角阀 DN15", 10), ("SLD-01", "生料带 [red]x[/]", 5),
                            ("DP-9W", "LED灯泡 9W", 0)):
        item = stock.add_item(so.office, so.clerk, code=code, name=name, uom="个",
                              location="仓库A-1")
        if qty:
            stock.receive(so.office, so.clerk, item.id, qty)
    return so


def fits(screen, form: str, parts: tuple[str, ...]) -> None:
    box = screen.query_one(form).region
    assert box.x >= 0 and box.y >= 0 and box.right <= 80 and box.bottom <= 24
    for part in parts:
        region = screen.query_one(part).region
        assert region.height > 0 and box.contains_region(region), part


def cells(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def open_list(app, pilot) -> StockScreen:
    await desk_ready(pilot)
    screen = open_stock(app)
    await wait_until(pilot, lambda: app.screen is screen and screen.loads >= 1)
    await pilot.pause()
    return screen


async def reloaded(pilot, screen, n: int) -> None:
    await wait_until(pilot, lambda: screen.loads >= n)
    await pilot.pause()


async def test_the_list_shows_books_and_searches_as_you_type(store):
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(app, pilot)
        fits(screen, "#st-form", ("#st-search", "#st-table", ".form-hint"))
        table = screen.query_one(DataTable)
        rows = cells(table)
        assert [r.split()[0] for r in rows] == ["DP-9W", "FM-15", "SLD-01"]
        assert "生料带 [red]x[/]" in rows[2] and " 5 " in rows[2]
        n = screen.loads
        await pilot.press(*"led")
        await wait_until(pilot, lambda: screen.loads > n and table.row_count == 1)
        assert cells(table)[0].startswith("DP-9W")
        await pilot.press("enter")  # the ledger of the one row found
        await wait_until(pilot, lambda: isinstance(app.screen, StockLedgerScreen)
                         and app.screen.lines is not None)
        assert app.screen.lines == []
        await pilot.press("escape")
        assert app.screen is screen


async def test_receive_draw_and_a_refused_draw_from_the_keys(store):
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(app, pilot)
        await pilot.press("down", "down")  # to the rows, then FM-15
        assert screen.current.code == "FM-15"
        await pilot.press("d")
        form = app.screen
        assert isinstance(form, StockMoveForm) and form.kind == "draw"
        await pilot.press(*"12", "enter", *"fix", "enter")
        await wait_until(pilot, lambda: not form.saving)
        assert "10" in str(form.query_one("#sf-error-quantity").content)
        assert StockItem.get(StockItem.code == "FM-15").book_quantity == 10
        form.query_one("#sf-quantity", Input).value = "3"
        form.query_one("#sf-reason", Input).value = "3栋水管维修 张强"
        n = screen.loads
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        await reloaded(pilot, screen, n + 1)
        assert StockItem.get(StockItem.code == "FM-15").book_quantity == 7
        move = StockMove.select().order_by(StockMove.id.desc()).first()
        assert (move.kind, move.quantity, move.reason) == ("draw", -3, "3栋水管维修 张强")
        assert screen.current.code == "FM-15" and " 7 " in cells(screen.query_one(DataTable))[1]
        await pilot.press("r", *"20", "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        await reloaded(pilot, screen, n + 2)
        assert StockItem.get(StockItem.code == "FM-15").book_quantity == 27
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, StockLedgerScreen)
                         and app.screen.lines is not None)
        ledger = app.screen
        fits(ledger, "#sl-form", ("#sl-table",))
        rows = cells(ledger.query_one(DataTable))
        assert len(rows) == 3 and "+20" in rows[0] and " 27" in rows[0]
        assert "-3" in rows[1] and "3栋水管维修" in rows[1]


async def test_a_new_item_with_field_errors_then_saved(store):
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(app, pilot)
        await pilot.press("down", "n")
        form = app.screen
        assert isinstance(form, StockItemForm)
        fits(form, "#sf-form", ("#sf-code", "#sf-location", ".form-hint"))
        await pilot.press(*"fm-15", "ctrl+s")
        await wait_until(pilot, lambda: not form.saving and str(
            form.query_one("#sf-error-name").content))
        assert StockItem.select().count() == 3
        await pilot.press("ctrl+s")  # still no name: the name error
        await wait_until(pilot, lambda: not form.saving)
        form.query_one("#sf-name", Input).value = "空气开关"
        assert form.value("uom") == ""  # a new item's unit is typed, never 个 by itself
        form.query_one("#sf-uom", Input).value = "个"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not form.saving and str(
            form.query_one("#sf-error-code").content))
        assert "FM-15" in str(form.query_one("#sf-error-code").content).upper()
        form.query_one("#sf-code", Input).value = "KK-32"
        n = screen.loads
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        await reloaded(pilot, screen, n + 1)
        item = StockItem.get(StockItem.code == "KK-32")
        assert (item.name, item.uom, item.book_quantity) == ("空气开关", "个", 0)
        assert screen.current.code == "KK-32"


# --- the stocktake ------------------------------------------------------------------------

async def open_take(app, pilot, n: int = 1) -> StocktakeScreen:
    await desk_ready(pilot)
    screen = open_stocktake(app)
    await wait_until(pilot, lambda: app.screen is screen and screen.loads >= n)
    await pilot.pause()
    return screen


async def test_start_count_save_and_close_the_stocktake(store):
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_take(app, pilot)
        assert screen.view is None and "not started" in str(
            screen.query_one("#tk-title").content)
        await pilot.press("s")
        await wait_until(pilot, lambda: screen.loads >= 2 and screen.view is not None)
        await pilot.pause()
        fits(screen, "#tk-form", ("#tk-lines", "#tk-hint"))
        lines = {line.code: line.id for line in screen.view.lines}
        assert isinstance(app.focused, Input) and app.focused.id == f"tk-count-{lines['DP-9W']}"
        await pilot.press("0", "tab", "tab")  # DP-9W: 0, reason, then FM-15's count
        await pilot.press(*"12")
        assert str(screen.query_one(f"#tk-var-{lines['FM-15']}").content) == "+2"
        await pilot.press("tab", *"found", "tab", "4", "ctrl+s")
        await wait_until(pilot, lambda: screen.loads >= 3)
        got = {line.item.code: (line.counted_quantity, line.reason)
               for line in StocktakeLine.select()}
        assert got == {"DP-9W": (0, ""), "FM-15": (12, "found"), "SLD-01": (4, "")}
        assert "1 of 3" in str(screen.query_one("#tk-match").content)
        await pilot.pause()
        app.screen.query_one(f"#tk-count-{lines['SLD-01']}", Input).focus()
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmClose))
        await pilot.press("y")  # refused: SLD-01's variance has no reason
        await wait_until(pilot, lambda: not screen.busy and str(
            screen.query_one("#tk-message").content))
        assert "SLD-01" in str(screen.query_one("#tk-message").content)
        assert app.focused.id == f"tk-reason-{lines['SLD-01']}"
        assert Stocktake.get().closed_at is None
        await pilot.press(*"lost", "c")  # typed into the reason
        assert app.focused.value == "lostc"
        await pilot.press("backspace", "up")  # FM-15's reason
        assert app.focused.id == f"tk-reason-{lines['FM-15']}"
        await pilot.press("shift+tab", "c", "n")
        assert app.screen is screen
        n = screen.loads
        await pilot.press("c", "y")
        await wait_until(pilot, lambda: screen.loads > n and screen.view.closed)
        assert Stocktake.get().closed_by_id == store.clerk.id
        assert {i.code: i.book_quantity for i in StockItem.select()} == {
            "DP-9W": 0, "FM-15": 12, "SLD-01": 4}
        assert "closed" in str(screen.query_one("#tk-title").content)
        assert not screen.query(Input)


async def test_a_closed_stocktake_is_read_only(store):
    from deskterm.duties.backoffice import stocktake

    take = stocktake.start_stocktake(store.office, store.clerk)
    view = stocktake.stocktake_view(store.office)
    stocktake.save_counts(store.office, store.clerk, take.id,
                          {line.id: (str(line.book), "") for line in view.lines})
    stocktake.close_stocktake(store.office, store.supervisor, take.id)
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_take(app, pilot)
        assert screen.view.closed and "3 of 3 (100%)" in str(screen.query_one("#tk-match").content)
        await pilot.press("c", "s", "ctrl+s")
        assert app.screen is screen and not screen.busy
        assert not screen.query(Input)


async def test_esc_saves_counts_typed_before_leaving(store):
    from deskterm.duties.backoffice import stocktake

    stocktake.start_stocktake(store.office, store.clerk)
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_take(app, pilot)
        await pilot.press("7", "tab", *"short", "escape")
        await wait_until(pilot, lambda: app.screen is not screen)
        line = StocktakeLine.select().join(StockItem).where(StockItem.code == "DP-9W").get()
        assert (line.counted_quantity, line.reason) == (7, "short")
        screen = await open_take(app, pilot)
        await pilot.press("escape")  # nothing changed: leaves at once
        await wait_until(pilot, lambda: app.screen is not screen)


async def test_a_bad_count_on_esc_keeps_the_screen(store):
    from deskterm.duties.backoffice import stocktake

    stocktake.start_stocktake(store.office, store.clerk)
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_take(app, pilot)
        line = screen.view.lines[1]
        screen.query_one(f"#tk-reason-{line.id}", Input).value = "x" * 201
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.busy and str(
            screen.query_one("#tk-message").content))
        assert app.screen is screen and app.focused.id == f"tk-reason-{line.id}"
        assert StocktakeLine.get_by_id(line.id).reason == ""


async def test_brackets_show_past_stocktakes_read_only(store, frozen_clock):
    from deskterm.duties.backoffice import stocktake

    frozen_clock("2026-10-24T02:05:00")
    take = stocktake.start_stocktake(store.office, store.clerk)
    view = stocktake.stocktake_view(store.office, "2026-10")
    stocktake.save_counts(store.office, store.clerk, take.id, {
        line.id: (str(line.book), "") for line in view.lines})
    stocktake.close_stocktake(store.office, store.supervisor, take.id)
    frozen_clock(NOW)
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_take(app, pilot)
        assert screen.view is None
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: screen.loads >= 2)
        assert screen.period == "2026-10" and screen.view.closed
        assert "100%" in str(screen.query_one("#tk-match").content)
        await pilot.press("s")  # not this month: nothing starts
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: screen.loads >= 3)
        assert screen.view is None and "No stocktake" in str(
            screen.query_one("#tk-head").content)
        await pilot.press("s", "right_square_bracket", "right_square_bracket")
        await wait_until(pilot, lambda: screen.loads >= 5 and screen.period == "2026-11")
        assert Stocktake.select().count() == 1
