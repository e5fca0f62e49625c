"""The canteen and the listings screens, driven with keys at 80×24, the database checked
after each step."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input, Select

from deskterm.db import changes
from deskterm.db.models import (
    CanteenMeal,
    CanteenPurchase,
    Charge,
    DeadlineDone,
    FeeItem,
    Listing,
    ListingViewing,
)
from deskterm.duties.backoffice import canteen, listings
from deskterm.screens.backoffice.backoffice_form import BackofficeForm
from deskterm.screens.backoffice.canteen import CanteenScreen, MealFeesScreen, open_canteen
from deskterm.screens.backoffice.listings import (
    ListingDetailScreen,
    ListingsScreen,
    open_listings,
)
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, small_office


def shown(screen, selector: str) -> str:
    widget = screen.query_one(selector)
    return str(widget.content) if widget.display else ""


def cells(screen, selector: str) -> list[str]:
    table = screen.query_one(selector, DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def signed_in(pilot):
    app = pilot.app
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: app.session.staff is not None)


async def type_into(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def fill(pilot, form: BackofficeForm, values: dict) -> None:
    for name, value in values.items():
        form.query_one(f"#bo-{name}").focus()
        await pilot.pause()
        if isinstance(value, str):
            await type_into(pilot, value)
        else:
            form.query_one(f"#bo-{name}", Select).value = value[0]


async def test_canteen_add_check_and_meal_fees(sqlite_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 on 2026-11-26 in Shanghai
    so = small_office()
    canteen.record_meals(so.office, so.clerk, dt.date(2026, 10, 9),
                         {so.clerk.id: 2, so.supervisor.id: 1}, 1200)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot)
        open_canteen(app)
        await wait_until(pilot, lambda: isinstance(app.screen, CanteenScreen)
                         and app.screen.loads == 1)
        screen = app.screen
        assert "Thursday 26 November 2026" in shown(screen, "#ct-title")
        assert "No purchases yet" in shown(screen, "#ct-total")

        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, BackofficeForm))
        form = app.screen
        await pilot.press("ctrl+s")  # nothing typed: every field's message at once
        await wait_until(pilot, lambda: shown(form, "#bo-error-quantity"))
        assert "Enter what was bought" in shown(form, "#bo-error-item")
        assert shown(form, "#bo-error-amount") and not shown(form, "#bo-error-supplier")
        await type_into(pilot, "猪肉")  # the item has the cursor
        await pilot.press("enter")
        await type_into(pilot, "5 kg")
        await pilot.press("enter")
        await type_into(pilot, "abc")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: shown(form, "#bo-error-amount"))
        assert "Not an amount" in shown(form, "#bo-error-amount")
        assert CanteenPurchase.select().count() == 0
        form.query_one("#bo-amount", Input).value = ""
        await type_into(pilot, "155")
        await fill(pilot, form, {"supplier": "菜市场[b]x[/b]"})
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads == 2)
        row = CanteenPurchase.get()
        assert (row.item, row.quantity, row.amount, row.supplier, row.checked_at) == (
            "猪肉", "5 kg", 15500, "菜市场[b]x[/b]", None)
        assert "菜市场[b]x" in cells(screen, "#ct-table")[0]  # shown literally
        assert "to check 1" in shown(screen, "#ct-total")

        await pilot.press("k")
        await wait_until(pilot, lambda: screen.loads == 3)
        assert CanteenPurchase.get().checked_by_id == so.clerk.id
        assert "✓ 李静" in cells(screen, "#ct-table")[0]
        assert "Purchases checked: 1" in shown(screen, "#ct-result")
        await pilot.press("k")
        await wait_until(pilot, lambda: "nothing left" in shown(screen, "#ct-message"))

        await pilot.press("e")  # meals today
        await wait_until(pilot, lambda: isinstance(app.screen, BackofficeForm)
                         and app.screen.is_loaded)
        form = app.screen
        assert form.query_one("#bo-price", Input).value == "12.00"  # the last price
        # Who ate and how many are the clerk's answers: neither is filled in for them.
        assert (form.value("person"), form.value("meals")) == (None, "")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: shown(form, "#bo-error-person")
                         and shown(form, "#bo-error-meals"))
        assert "Choose who ate." in shown(form, "#bo-error-person")
        assert CanteenMeal.select().count() == 2  # as before: nothing stored
        form.query_one("#bo-person", Select).value = so.clerk.id
        form.query_one("#bo-meals", Input).value = "4"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: shown(form, "#bo-error-meals"))
        assert CanteenMeal.select().count() == 2
        form.query_one("#bo-meals", Input).value = "2"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads == 4)
        today = CanteenMeal.get(CanteenMeal.day == dt.date(2026, 11, 26))
        assert (today.staff_id, today.meals, today.price) == (so.clerk.id, 2, 1200)
        assert "Meals today: 2 (persons: 1) · ¥24.00" in shown(screen, "#ct-total")

        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, MealFeesScreen)
                         and app.screen.loads == 1)
        fees = app.screen
        assert "2026-10" in shown(fees, "#mf-title")
        rows = cells(fees, "#mf-table")
        assert len(rows) == 2 and any("李静" in r and "¥24.00" in r for r in rows)
        assert "Persons: 2 · meals: 3 · in all ¥36.00" in shown(fees, "#mf-total")
        await pilot.press("h")
        await wait_until(pilot, lambda: fees.loads == 2)
        assert DeadlineDone.get().period == "2026-10"
        assert "Handed to finance" in shown(fees, "#mf-total")
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: fees.loads == 3)
        assert "2026-11" in shown(fees, "#mf-title")
        assert "Persons: 1 · meals: 2 · in all ¥24.00" in shown(fees, "#mf-total")
        await pilot.press("h")
        await wait_until(pilot, lambda: "not over" in shown(fees, "#mf-message"))
        assert DeadlineDone.select().count() == 1
        assert CanteenMeal.select().count() == 3
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CanteenScreen))


async def test_listings_new_detail_status_viewing_and_fee(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    with changes.write():
        item = FeeItem.create(office=so.office, code="DLF", name="房屋租售代理费",
                              kind="agency", basis="fixed", rate=0)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot)
        open_listings(app)
        await wait_until(pilot, lambda: isinstance(app.screen, ListingsScreen)
                         and app.screen.loads == 1)
        screen = app.screen
        assert "No listings" in shown(screen, "#ls-result")

        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, BackofficeForm))
        form = app.screen
        await type_into(pilot, "9-9-909")
        await fill(pilot, form, {"kind": ("sale",), "asking": "1680000"})
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: shown(form, "#bo-error-unit"))
        assert "9-9-909" in shown(form, "#bo-error-unit")
        assert Listing.select().count() == 0
        form.query_one("#bo-unit", Input).value = "3-2-501"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads == 2)
        row = Listing.get()
        assert (row.unit_id, row.kind, row.asking, row.status, row.contact) == (
            so.unit.id, "sale", 168000000, "listed", "13812345678")
        assert "3-2-501" in cells(screen, "#ls-table")[0]
        assert "listed" in cells(screen, "#ls-table")[0]

        await pilot.press("s")  # only "listed"
        await wait_until(pilot, lambda: screen.loads == 3)
        assert "listed (1)" in shown(screen, "#ls-title")
        await pilot.press("s")  # only "viewing": none
        await wait_until(pilot, lambda: screen.loads == 4)
        assert cells(screen, "#ls-table") == []
        for _ in range(3):  # let/sold, withdrawn, back to all
            await pilot.press("s")
        await wait_until(pilot, lambda: "all (1)" in shown(screen, "#ls-title"))
        assert "all (1)" in shown(screen, "#ls-title")

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ListingDetailScreen)
                         and app.screen.loads == 1)
        detail = app.screen
        assert "3-2-501" in shown(detail, "#ld-title")
        assert "张三" in shown(detail, "#ld-info")
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, BackofficeForm))
        await type_into(pilot, "王女士")
        await pilot.press("enter")
        await type_into(pilot, "13911112222")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is detail and detail.loads == 2)
        assert ListingViewing.get().visitor == "王女士"
        assert "王女士" in cells(detail, "#ld-viewings")[0]

        await pilot.press("2")
        await wait_until(pilot, lambda: detail.loads == 3)
        assert Listing.get().status == "viewing"
        await pilot.press("3")
        await wait_until(pilot, lambda: detail.loads == 4)
        assert Listing.get().status == "closed"
        await pilot.press("1")
        await wait_until(pilot, lambda: "cannot become" in shown(detail, "#ld-message"))
        assert Listing.get().status == "closed"

        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, BackofficeForm))
        await type_into(pilot, "13000")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is detail and detail.loads == 5)
        charge = Charge.get()
        assert (charge.unit_id, charge.fee_item_id, charge.amount) == (so.unit.id, item.id,
                                                                       1300000)
        assert "¥13,000.00 charged, ¥0.00 paid" in shown(detail, "#ld-fees")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen and "¥13,000.00/" in "".join(
            cells(screen, "#ls-table")))
        assert "¥13,000.00/¥0.00" in cells(screen, "#ls-table")[0]
        assert listings.listings(so.office)[0].charged == 1300000
