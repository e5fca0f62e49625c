"""Keys in the back office land where the clerk typed them, however fast they come: the same
keys sent at once (``burst``: a fast typist, a laggy SSH link) and one by one
(``pilot.press``) leave the same values and the same focus in a purchase, a stock draw
and the stocktake's counts. A paste is inserted once in each kind of field (the forms'
``TextInput``, the stocktake's ``CountInput``). The old stock form moved the cursor after
the keys behind Enter had gone to the old field ("12fix" in the quantity)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.duties.backoffice import stock, stocktake
from deskterm.screens.backoffice.backoffice_form import PurchaseForm
from deskterm.screens.backoffice.stock_forms import StockMoveForm
from deskterm.screens.backoffice.stocktake import CountInput, open_stocktake
from deskterm.screens.kit.inputs import TextInput
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import small_office
from tests.pilot_keys import burst, paste, typed

NOW = "2026-11-24T02:05:00"  # the 24th, 10:05 in Shanghai


@pytest.fixture
def store(sqlite_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    for code in ("DP-9W", "FM-15"):
        item = stock.add_item(so.office, so.clerk, code=code, name=code, uom="个",
                              location="仓库A-1")
        stock.receive(so.office, so.clerk, item.id, 10)
    return so


async def send(pilot, keys: list[str], how: str) -> None:
    if how == "burst":
        await burst(pilot, *keys)
    else:
        await pilot.press(*keys)


def state(screen, names: list[str]) -> tuple[dict[str, str], str | None]:
    values = {name: screen.query_one(f"#{name}", Input).value for name in names}
    return values, getattr(screen.focused, "id", None)


async def form_state(so, make, keys: list[str], names: list[str], how: str):
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = make(app.session)
        app.push_screen(form)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded
                         and app.focused is not None)
        await send(pilot, keys, how)
        return state(form, names)


PURCHASE = [*typed("pork"), "enter", *typed("5kg"), "enter", *typed("98"), "tab",
            *typed("market")]
DRAW = [*typed("12"), "enter", *typed("fix")]


@pytest.mark.parametrize("form", ["purchase", "draw"])
async def test_a_burst_lands_as_slow_typing_does(store, form):
    if form == "purchase":
        def make(session):
            return PurchaseForm(session)
        keys, names = PURCHASE, ["bo-item", "bo-quantity", "bo-amount", "bo-supplier"]
    else:
        def make(session):
            return StockMoveForm(session, stock.stock_rows(store.office)[0], "draw")
        keys, names = DRAW, ["sf-quantity", "sf-reason"]
    slow = await form_state(store, make, keys, names, "press")
    fast = await form_state(store, make, keys, names, "burst")
    assert fast == slow
    if form == "purchase":
        assert slow == ({"bo-item": "pork", "bo-quantity": "5kg", "bo-amount": "98",
                         "bo-supplier": "market"}, "bo-supplier")
    else:
        assert slow == ({"sf-quantity": "12", "sf-reason": "fix"}, "sf-reason")


async def stocktake_state(so, how: str):
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = open_stocktake(app)
        await wait_until(pilot, lambda: screen.loads >= 1 and isinstance(app.focused, Input))
        await send(pilot, ["7", "tab", *typed("short"), "tab", "1", "2", "up"], how)
        lines = [line.id for line in screen.view.lines]
        return state(screen, [f"tk-{kind}-{line}" for line in lines
                              for kind in ("count", "reason")])


async def test_a_burst_of_counts_lands_as_slow_typing_does(store):
    stocktake.start_stocktake(store.office, store.clerk)
    slow = await stocktake_state(store, "press")
    fast = await stocktake_state(store, "burst")
    assert fast == slow
    values, focused = slow
    assert [v for v in values.values() if v] == ["7", "short", "12"]
    assert focused == next(iter(values))  # ↑ from the second count: the first


async def test_a_paste_is_inserted_once(store):
    stocktake.start_stocktake(store.office, store.clerk)
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = PurchaseForm(app.session)
        app.push_screen(form)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
        item = form.query_one("#bo-item", TextInput)
        await paste(pilot, item, "猪肉 5kg")
        await wait_until(pilot, lambda: item.value != "")
        assert item.value == "猪肉 5kg"
        await pilot.press("escape", "d")
        screen = open_stocktake(app)
        await wait_until(pilot, lambda: screen.loads >= 1 and isinstance(app.focused,
                                                                         CountInput))
        count = app.focused
        await paste(pilot, count, "12")
        await wait_until(pilot, lambda: count.value != "")
        assert count.value == "12"
