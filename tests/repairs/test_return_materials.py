"""The return form's materials chosen by name (deskterm.screens.repairs.materials over
stock.find_stock and order_work.return_order), driven as a clerk drives it at 80×24: part
of a name, pinyin initials or a code lists the stock with what is on hand; Enter takes an
item, its quantity follows; the stock moves are the duty's. More than on hand, a name
typed but not chosen, a quantity not given: refused at the materials, nothing stored."""

from __future__ import annotations

import pytest

from deskterm.db import changes
from deskterm.db.models import RepairOrder, StockItem, StockMove
from deskterm.duties.backoffice import stock
from deskterm.screens.repairs.order_actions import ReturnScreen
from deskterm.screens.repairs.order_detail import OrderDetailScreen, open_order_detail
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    so = busy_morning("电梯异响")
    for code, name, uom, quantity in (("SLT-01", "水龙头（单冷）", "个", 20),
                                      ("FM-15", "角阀 DN15", "个", 3),
                                      ("SLD-01", "生料带", "卷", 50)):
        item = stock.add_item(so.office, so.clerk, code=code, name=name, uom=uom)
        stock.receive(so.office, so.clerk, item.id, quantity)
    return so


def item(code: str) -> StockItem:
    return StockItem.get(StockItem.code == code)


def dispatched(so) -> RepairOrder:
    return (RepairOrder.select().where((RepairOrder.office == so.office)
                                       & (RepairOrder.state == "dispatched"))
            .order_by(RepairOrder.id).first())


def shown(form, selector: str) -> str:
    return str(form.query_one(selector).content)


def draws() -> list[tuple[str, int]]:
    return [(m.item.code, m.quantity) for m in
            StockMove.select().where(StockMove.kind == "draw").order_by(StockMove.id)]


async def open_return(pilot, order_id: int) -> ReturnScreen:
    """The order's detail, r: the return form, the work done typed; Tab: the materials,
    as on the returned slip. The slip's lower lines (the result, the owner's) are answered
    here for the tests of the materials: "done", signed and satisfied."""
    app = pilot.app
    detail = open_order_detail(app, order_id)
    await wait_until(pilot, lambda: app.screen is detail and detail.loaded)
    await pilot.press("r")
    await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen)
                     and app.focused is not None)
    form = app.screen
    await pilot.press(*"换阀芯", "tab")
    await wait_until(pilot, lambda: app.focused is form.stock_lookup.input)
    form.set_value("result", "done")
    form.set_value("owner_note", "satisfied")
    return form


async def choose(pilot, form, text: str, quantity: str | None = None) -> None:
    """Part of a name typed, the list waited for, Enter; then the quantity, Enter."""
    await pilot.press(*text)
    await wait_until(pilot, lambda: form.stock_lookup.options.display
                     and form.stock_lookup.hits)
    await pilot.press("enter")
    await wait_until(pilot, lambda: pilot.app.focused is form.quantity_box)
    if quantity is not None:
        await pilot.press(*quantity, "enter")


@pytest.mark.both_databases
async def test_materials_chosen_by_part_of_a_name_move_the_stock(office):
    row = dispatched(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = await open_return(pilot, row.id)
        await pilot.press(*"龙头")
        await wait_until(pilot, lambda: form.stock_lookup.hits)
        listed = str(form.stock_lookup.options.get_option_at_index(0).prompt)
        assert "水龙头（单冷）" in listed and "个" in listed and "20 on hand" in listed
        await pilot.press("enter")  # the item, in words; its quantity takes the cursor
        await wait_until(pilot, lambda: app.focused is form.quantity_box)
        assert shown(form, "#return-pending") == "个 · 水龙头（单冷） · 20 on hand"
        assert form.stock_lookup.input.value == ""
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: app.focused is form.stock_lookup.input)
        await choose(pilot, form, "sld", "3")  # pinyin initials: 生料带
        await choose(pilot, form, "fm-15", "1")  # a code, too, for whoever knows it
        assert shown(form, "#return-lines").splitlines() == [
            "1. 水龙头（单冷） × 2 个  (20 on hand)", "2. 生料带 × 3 卷  (50 on hand)",
            "3. 角阀 DN15 × 1 个  (3 on hand)"]
        region = form.query_one("#return-form").region
        assert region.bottom <= 24 and region.right <= 80
        await pilot.press("enter")  # Enter in the empty box: on to the charge
        await wait_until(pilot, lambda: app.focused is form.widget("charge"))
        await pilot.press("enter", "tab", "tab")  # the result, the owner: answered
        await wait_until(pilot, lambda: app.focused is form.widget("signed_at"))
        await pilot.press("enter")  # Enter in the owner's time (empty: not written) saves
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
        await wait_until(pilot, lambda: "水龙头（单冷） ×2个" in shown(app.screen, "#od-fields"))
    assert RepairOrder.get_by_id(row.id).state == "returned"
    assert draws() == [("SLT-01", -2), ("SLD-01", -3), ("FM-15", -1)]
    assert all(m.order_id == row.id for m in StockMove.select().where(StockMove.kind == "draw"))
    assert (item("SLT-01").book_quantity, item("SLD-01").book_quantity,
            item("FM-15").book_quantity) == (18, 47, 2)
    logged = [r.action for r in changes.history("stock_item", item("SLT-01").id)]
    assert logged[-1] == "draw"


async def test_more_than_on_hand_is_refused_at_once(office):
    row = dispatched(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = await open_return(pilot, row.id)
        await choose(pilot, form, "角阀", "5")
        await wait_until(pilot, lambda: shown(form, "#return-error-materials") != "")
        assert shown(form, "#return-error-materials") == "✗ Only 3 个 of 角阀 DN15 on hand."
        assert app.focused is form.quantity_box and form.lines == []
        await pilot.press("ctrl+s")  # the same at saving, nothing stored
        await wait_until(pilot, lambda: not form.saving and "Only 3" in shown(
            form, "#return-error-materials"))
        assert app.focused is form.quantity_box and app.screen is form
        assert RepairOrder.get_by_id(row.id).state == "dispatched" and draws() == []
        await pilot.press("backspace", "x", "enter")
        await wait_until(pilot, lambda: "角阀 DN15: Enter a whole number" in shown(
            form, "#return-error-materials"))
        await pilot.press("backspace", "3", "enter")  # all three: allowed
        await wait_until(pilot, lambda: app.focused is form.stock_lookup.input)
        assert shown(form, "#return-error-materials") == ""
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
    assert draws() == [("FM-15", -3)] and item("FM-15").book_quantity == 0


async def test_chosen_again_the_line_changes_and_0_takes_it_out(office):
    row = dispatched(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = await open_return(pilot, row.id)
        await choose(pilot, form, "龙头", "2")
        await choose(pilot, form, "生料", "1")
        await choose(pilot, form, "slt")  # chosen again: its quantity is offered
        assert form.quantity_box.value == "2"
        await pilot.press("backspace", "4", "enter")
        await wait_until(pilot, lambda: app.focused is form.stock_lookup.input)
        assert [(line.item.code, line.quantity) for line in form.lines] == [
            ("SLD-01", 1), ("SLT-01", 4)]
        await choose(pilot, form, "生料", "0")  # 0: the line out
        await wait_until(pilot, lambda: app.focused is form.stock_lookup.input)
        assert shown(form, "#return-lines") == "1. 水龙头（单冷） × 4 个  (20 on hand)"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
    assert draws() == [("SLT-01", -4)]


async def test_what_is_not_chosen_is_refused_and_nothing_stored(office):
    """A name typed but not taken from the list; an item taken without its quantity."""
    row = dispatched(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = await open_return(pilot, row.id)
        await pilot.press(*"螺丝", "enter")  # nothing in stock by that name
        await wait_until(pilot, lambda: "No stock item matches" in shown(
            form, "#return-stock .lookup-status"))
        assert app.focused is form.stock_lookup.input  # the cursor stays
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "螺丝 is not chosen" in shown(
            form, "#return-error-materials"))
        assert app.focused is form.stock_lookup.input and app.screen is form
        form.stock_lookup.input.value = ""
        await choose(pilot, form, "龙头")  # taken, no quantity given
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Enter how many 个 of 水龙头（单冷） were used" in shown(
            form, "#return-error-materials"))
        assert app.focused is form.quantity_box
        assert RepairOrder.get_by_id(row.id).state == "dispatched" and draws() == []
        await pilot.press("2", "ctrl+s")  # typed, not entered: saving takes it
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
    assert draws() == [("SLT-01", -2)]


async def test_the_books_moved_meanwhile_the_duty_refuses(office):
    """Another clerk draws the last ones while the form is open: the duty, under its lock,
    refuses at the materials; nothing stored."""
    row = dispatched(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = await open_return(pilot, row.id)
        await choose(pilot, form, "角阀", "2")
        stock.draw(office.office, office.supervisor, item("FM-15").id, 2, reason="公共区域")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not enough 角阀 DN15 in stock: 1 个" in shown(
            form, "#return-error-materials") and not form.saving)
        assert app.screen is form
        assert RepairOrder.get_by_id(row.id).state == "dispatched"
        assert draws() == [("FM-15", -2)]  # the other clerk's only


async def test_the_lines_are_kept_as_a_draft(office):
    row = dispatched(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = await open_return(pilot, row.id)
        await choose(pilot, form, "龙头", "2")
        await choose(pilot, form, "生料")  # waiting for its quantity
        await pilot.press("5", "escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        await pilot.press("k")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DraftOffer")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen)
                         and app.screen.lines)
        form = app.screen
        assert shown(form, "#return-lines") == "1. 水龙头（单冷） × 2 个  (20 on hand)"
        assert form.pending.code == "SLD-01" and form.quantity_box.value == "5"
        assert form.value("work_done") == "换阀芯" and form.value("result") == "done"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
    assert draws() == [("SLT-01", -2), ("SLD-01", -5)]
