"""The order detail view (deskterm.screens.repairs.order_detail) and its read duty
(deskterm.duties.repairs.order_view), driven at 80×24 on SQLite and PostgreSQL: the fields and the
history it shows, dispatch and return through its keys (the database as the duties leave
it), refused input at its field with nothing stored, Esc, and which row Enter means."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Select

from deskterm.db import changes
from deskterm.db.models import Charge, RepairOrder, Staff, StockItem, StockMove
from deskterm.duties.repairs.order_view import order_view
from deskterm.duties.repairs.order_work import dispatch
from deskterm.screens.repairs.callback_form import CallbackFormScreen
from deskterm.screens.repairs.order_actions import DispatchScreen, ReturnScreen
from deskterm.screens.repairs.order_detail import (
    OrderDetailScreen,
    open_order_detail,
    order_id_of,
    order_target,
)
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, busy_morning, order

H = dt.timedelta(hours=1)


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("[red]not markup[/red]")


def open_orders(so) -> list[RepairOrder]:
    return list(RepairOrder.select().where((RepairOrder.office == so.office)
                                           & (RepairOrder.state == "dispatched"))
                .order_by(RepairOrder.id))


def stock(so, code="FM-01", name="水龙头", quantity=5) -> StockItem:
    with changes.write():
        item = StockItem.create(office=so.office, code=code, name=name, book_quantity=quantity)
        changes.record("stock_item", item.id, "create", office=so.office)
    return item


def second_technician(so) -> Staff:
    with changes.write():
        return Staff.create(office=so.office, name="王师傅", role="technician",
                            created_at=so.clerk.created_at)


async def open_view(app, pilot, order_id: int) -> OrderDetailScreen:
    screen = open_order_detail(app, order_id)
    assert isinstance(screen, OrderDetailScreen)
    await wait_until(pilot, lambda: app.screen is screen and screen.loaded)
    await pilot.pause()
    return screen


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


def error(screen, name: str) -> str:
    return text(screen, f"#{screen.PREFIX}-error-{name}")


async def reloaded(pilot, screen, loads: int) -> None:
    await wait_until(pilot, lambda: screen.loads > loads and screen.app.screen is screen)
    await pilot.pause()


# --- the duty ------------------------------------------------------------------------------------

def test_order_view_names_and_history(office, frozen_clock):
    row = open_orders(office)[0]
    other = second_technician(office)
    frozen_clock("2026-11-26T02:20:00")
    dispatch(office.office, office.clerk, row.id, other)
    view = order_view(office.office, row.id)
    assert (view.number, view.state, view.unit, view.technician) == (
        row.number, "dispatched", "3-2-501", "王师傅")
    assert view.registered_by == "李静" and view.can_return and view.can_dispatch
    assert not view.can_call_back
    assert [h.action for h in view.history] == ["create", "dispatch"]
    last = view.history[-1]
    assert last.who == "李静"
    assert "technician: 张强 → 王师傅" in last.what
    assert "dispatched at:" in last.what and "10:20" in last.what  # office time
    assert order_view(office.office, 10**9) is None


def test_row_keys_of_orders():
    assert order_id_of("o12") == 12
    assert order_id_of("appointment:7") == 7
    assert order_id_of("callback:repair_order:9") == 9
    for key in (None, "", "c5", "s3", "callback:complaint:4", "task:2", "o12x", "o"):
        assert order_id_of(key) is None


# --- the view --------------------------------------------------------------------------------------

async def test_the_view_shows_the_fields_and_the_history(office, frozen_clock):
    row = order(office, state="returned", returned=frozen_clock(MORNING) - 2 * H,
                text="卫生间[red]漏水[/red]", work_done="更换密封圈", charge=3550,
                reporter_name="王五", reporter_phone="02787654321-123",
                appointment=frozen_clock(MORNING) - 4 * H)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_view(app, pilot, row.id)
        assert row.number in text(screen, "#od-title")
        fields = text(screen, "#od-fields")
        for shown in ("returned", "3-2-501", "王五", "027-8765 4321 转 123",
                      "卫生间[red]漏水[/red]", "张强", "appointment 06:05", "returned 08:05",
                      "Result done", "¥35.50", "更换密封圈", "Callback due 11-27 08:05"):
            assert shown in fields, shown
        assert "registered" in text(screen, "#od-history-text")
        hint = text(screen, "#od-hint")
        assert "c callback" in hint and "o reopen" in hint
        assert "d " not in hint and "r returned" not in hint
        form = screen.query_one("#od-form").region
        assert form.x >= 0 and form.y >= 0 and form.right <= 80 and form.bottom <= 24
        history = screen.query_one("#od-history").region
        assert history.height >= 3 and form.contains_region(history)
        # A key that does not fit the state says so, and opens nothing.
        await pilot.press("r")
        assert app.screen is screen
        assert "only a dispatched order" in text(screen, "#od-message")
        # c opens the callback form for this order.
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CallbackFormScreen))
        assert (app.screen.kind, app.screen.target_id) == ("order", row.id)
        loads = screen.loads
        await pilot.press("1", "a")  # satisfied, all five inspection answers yes
        await pilot.press("enter")
        await reloaded(pilot, screen, loads)
        assert RepairOrder.get_by_id(row.id).state == "called_back"
        fields = text(screen, "#od-fields")
        assert "called back" in fields and "Callbacks: 10:05 satisfied 李静" in fields
        assert "c callback" not in text(screen, "#od-hint")


async def test_escape_closes(office):
    row = open_orders(office)[0]
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await open_view(app, pilot, row.id)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_an_unknown_order_says_so(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_view(app, pilot, 10**9)
        assert "no such repair order" in text(screen, "#od-fields")
        await pilot.press("d")
        assert app.screen is screen


# --- dispatch ------------------------------------------------------------------------------------

async def test_reassign_and_reschedule_through_d(office, frozen_clock):
    now = frozen_clock(MORNING)
    row = open_orders(office)[0]
    other = second_technician(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_view(app, pilot, row.id)
        assert "d reassign" in text(screen, "#od-hint")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DispatchScreen))
        form = app.screen
        select = form.query_one("#dispatch-technician", Select)
        await wait_until(pilot, lambda: select.value == office.technician.id)
        # A time already past is refused under the appointment, nothing stored.
        form.query_one("#dispatch-appointment", Input).value = "9:00"
        select.value = other.id
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: error(form, "appointment") != "")
        assert app.screen is form
        assert RepairOrder.get_by_id(row.id).technician_id == office.technician.id
        form.query_one("#dispatch-appointment", Input).value = "15:30"
        form.query_one("#dispatch-appointment", Input).focus()
        loads = screen.loads
        await pilot.press("enter")
        await reloaded(pilot, screen, loads)
        assert "王师傅" in text(screen, "#od-fields")
        assert "dispatch" in text(screen, "#od-history-text").splitlines()[-1]
    row = RepairOrder.get_by_id(row.id)
    assert (row.state, row.technician_id, row.dispatched_at) == ("dispatched", other.id, now)
    assert row.appointment_at == dt.datetime(2026, 11, 26, 7, 30)  # 15:30 in Shanghai


async def test_dispatch_a_registered_order(office, frozen_clock):
    now = frozen_clock(MORNING)
    row = order(office, state="registered", technician=None)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_view(app, pilot, row.id)
        assert "d dispatch" in text(screen, "#od-hint")
        assert "r returned" not in text(screen, "#od-hint")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DispatchScreen))
        form = app.screen
        select = form.query_one("#dispatch-technician", Select)
        # The only technician is chosen for the clerk.
        await wait_until(pilot, lambda: select.value == office.technician.id)
        loads = screen.loads
        await pilot.press("ctrl+s")
        await reloaded(pilot, screen, loads)
        assert "r returned" in text(screen, "#od-hint")
    row = RepairOrder.get_by_id(row.id)
    assert (row.state, row.technician_id, row.dispatched_at) == (
        "dispatched", office.technician.id, now)


# --- return --------------------------------------------------------------------------------------

async def test_return_with_materials_and_a_charge(office, frozen_clock):
    now = frozen_clock(MORNING)
    row = open_orders(office)[0]
    item = stock(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_view(app, pilot, row.id)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen))
        form = app.screen
        region = form.query_one("#return-form").region
        assert region.bottom <= 24 and region.right <= 80
        for widget in form.focus_chain:  # the quantity waits hidden for an item chosen
            assert widget.region.height > 0 and region.contains_region(widget.region), widget
        assert len(form.focus_chain) == 6
        # The cursor starts in "Work done", the first field shown; then down the returned
        # slip's lines: the materials by name, the charge, the result (chosen: never
        # "done" by itself), the owner's lines (chosen) and the time he signed.
        assert form.focused is form.query_one("#return-work_done")
        assert form.value("result") is None and form.value("owner_note") is None
        await pilot.press(*"换阀芯", "tab", *"龙头", "enter")
        await wait_until(pilot, lambda: app.focused is form.quantity_box)
        await pilot.press("2", "enter", "enter")  # the line; Enter in the empty box: on
        await wait_until(pilot, lambda: app.focused is form.widget("charge"))
        assert "1. 水龙头 × 2 个" in text(form, "#return-lines")
        await pilot.press(*"35.5", "enter", "enter", "down", "enter")
        await wait_until(pilot, lambda: form.value("result") == "done")
        await pilot.press("tab", "enter", "down", "enter")
        await wait_until(pilot, lambda: form.value("owner_note") == "satisfied")
        await pilot.press("tab", *"9:50")
        loads = screen.loads
        await pilot.press("enter")  # Enter in the owner's time saves
        await reloaded(pilot, screen, loads)
        fields = text(screen, "#od-fields")
        assert "returned 10:05" in fields and "¥35.50" in fields and "换阀芯" in fields
        assert "FM-01 水龙头 ×2个" in fields
        history = text(screen, "#od-history-text")
        assert "returned: state: dispatched → returned" in history
        assert "charge: ¥0.00 → ¥35.50" in history
        assert "owner on the slip: signed: satisfied, owner signed at: 11-26 09:50" in history
        assert "c callback" in text(screen, "#od-hint")
    row = RepairOrder.get_by_id(row.id)
    assert (row.state, row.result, row.work_done, row.charge, row.returned_at) == (
        "returned", "done", "换阀芯", 3550, now)
    assert StockItem.get_by_id(item.id).book_quantity == 3
    [move] = StockMove.select().where(StockMove.order == row.id)
    assert (move.kind, move.quantity) == ("draw", -2)
    [charge] = Charge.select().where(Charge.order == row.id)
    assert charge.amount == 3550


async def test_return_not_done_without_materials(office):
    row = open_orders(office)[0]
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_view(app, pilot, row.id)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen))
        form = app.screen
        form.query_one("#return-result", Select).value = "not_done"
        form.query_one("#return-work_done", Input).value = "缺配件，明天再来"
        form.query_one("#return-owner_note", Select).value = "not_signed"
        assert form.lines == []
        loads = screen.loads
        await pilot.press("ctrl+s")
        await reloaded(pilot, screen, loads)
        assert "Result not done" in text(screen, "#od-fields")
    row = RepairOrder.get_by_id(row.id)
    assert (row.state, row.result, row.charge) == ("returned", "not_done", 0)
    assert Charge.select().count() == 0


def snapshot(row_id: int) -> tuple:
    row = RepairOrder.get_by_id(row_id)
    return (row.state, row.returned_at, row.work_done, row.charge, Charge.select().count(),
            StockMove.select().count())


@pytest.mark.parametrize(("work", "result", "materials", "charge", "field"), [
    ("换阀芯", "done", "", "12.345", "charge"),
    ("换阀芯", "done", "", "abc", "charge"),
    ("换阀芯", "done", "", "-5", "charge"),
    ("", "done", "", "10", "work_done"),
    ("换阀芯", None, "", "", "result"),  # never "done" unless the clerk says so
    ("换阀芯", "done", "水龙头", "", "materials"),  # typed, never chosen from the list
    ("换阀芯", "done", "", "", "owner_note"),  # what the slip shows: never assumed
    ("换阀芯", "done", "", "", "signed_at"),  # signed after now
])
async def test_refused_return_shows_the_error_at_its_field(office, work, result, materials,
                                                           charge, field):
    row = open_orders(office)[0]
    stock(office)
    before = snapshot(row.id)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        changes_before = changes.latest_id()  # after the sign-in's own rows
        await open_view(app, pilot, row.id)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen))
        form = app.screen
        form.query_one("#return-work_done", Input).value = work
        form.set_value("result", result)
        form.query_one("#return-materials", Input).value = materials
        form.query_one("#return-charge", Input).value = charge
        if field != "owner_note":
            form.set_value("owner_note", "satisfied")
        if field == "signed_at":
            form.set_value("signed_at", "23:50")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: error(form, field) != "")
        assert app.screen is form and not form.saving
        others = [f for f in form.fields if f != field]
        assert all(error(form, f) == "" for f in others)
        assert form.focused is form.query_one(f"#return-{field}")
        await pilot.press("escape")  # something was typed: the kit asks first
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
    assert snapshot(row.id) == before
    assert changes.latest_id() == changes_before


# --- which row Enter means -------------------------------------------------------------------------

async def test_order_target_reads_the_focused_pane(office):
    orders = open_orders(office)
    returned = RepairOrder.get((RepairOrder.office == office.office)
                               & (RepairOrder.state == "returned"))
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("2")  # Open orders: the earliest appointment first
        assert order_target(app.dashboard) == orders[0].id
        await pilot.press("down")
        assert order_target(app.dashboard) == orders[1].id
        await pilot.press("3")  # Overdue callbacks
        assert order_target(app.dashboard) == returned.id
        screen = open_order_detail(app, order_target(app.dashboard))
        await wait_until(pilot, lambda: app.screen is screen and screen.loaded)
        assert returned.number in text(screen, "#od-title")


async def test_no_order_row_opens_nothing(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("4")  # cash sessions: no orders there
        assert order_target(app.dashboard) is None
        assert open_order_detail(app, None) is None
        await pilot.pause()
        assert app.screen is app.dashboard
        assert any("Choose an order" in str(n.message) for n in app._notifications)
        app.session.staff = None
        assert open_order_detail(app, 1) is None


async def test_order_target_reads_the_timeline(office):
    orders = open_orders(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("1")  # the Today timeline
        table = app.dashboard.query_one("#timeline").table
        keys = table.row_keys()
        row = keys.index(f"appointment:{orders[1].id}")
        table.move_cursor(row=row)
        await wait_until(pilot, lambda: order_target(app.dashboard) == orders[1].id)
        schedule = next(i for i, key in enumerate(keys) if key.startswith("schedule:"))
        table.move_cursor(row=schedule)
        await wait_until(pilot, lambda: order_target(app.dashboard) is None)
