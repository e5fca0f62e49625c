"""The fee items screen and the unit account's ad-hoc charge and receipts, driven with keys at
80×24 at 10:05 in Shanghai on Thursday 2026-11-26: an office with no fee items adds its
property fee and parking, bad fields are refused under each field and store nothing, the
duty's own refusals (a code taken, a second active property fee, the kind of an item
with charges) likewise, an item edited and taken out of use; on a unit's account ``n``
charges a water reading, and Enter on a payment or a reversal opens its receipt."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import ChangeLog, Charge, FeeItem, Receipt
from deskterm.duties.cashdesk.account import unit_account
from deskterm.screens.cashdesk.charge_form import AdHocChargeScreen
from deskterm.screens.cashdesk.fee_item_form import FeeItemFormScreen
from deskterm.screens.cashdesk.fee_items import FeeItemsScreen, open_fee_items
from deskterm.screens.cashdesk.receipt import ReceiptScreen
from deskterm.screens.cashdesk.unit_account import open_unit_account
from tests.cashdesk.test_fee_screens import fits, on_top, ready, rows, shown
from tests.desk_app import desk_app, wait_until
from tests.factories import MORNING, small_office
from tests.fee_rows import charge, fee_office, monthly, pay, void

SIZE = (80, 24)
KIND_ORDER = ["property", "parking", "water", "electricity", "repair", "agency", "adhoc"]
BASIS_ORDER = ["area", "fixed", "metered"]


@pytest.fixture
def empty(desk_db, frozen_clock):
    """An office that has no fee items yet, as a real one starts."""
    frozen_clock(MORNING)
    return small_office()


@pytest.fixture
def fo(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return fee_office()


def item_log(action: str | None = None) -> list[ChangeLog]:
    query = ChangeLog.select().where(ChangeLog.topic == "fee_item")
    if action:
        query = query.where(ChangeLog.action == action)
    return list(query.order_by(ChangeLog.id))


def charge_log() -> int:
    return ChangeLog.select().where(ChangeLog.topic == "charge").count()


def error(screen, prefix: str, name: str) -> str:
    return shown(screen, f"#{prefix}-error-{name}")


async def open_items(app, pilot) -> FeeItemsScreen:
    await ready(app, pilot)
    screen = open_fee_items(app)
    await wait_until(pilot, lambda: on_top(app, screen) and screen.loads == 1)
    await pilot.pause()
    return screen


async def new_form(app, pilot, key: str = "n") -> FeeItemFormScreen:
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, FeeItemFormScreen)
                     and app.focused is not None and app.focused.screen is app.screen)
    return app.screen


async def choose(pilot, select: Select, order: list, value) -> None:
    """Choose ``value`` in ``select`` with keys: Enter opens it, ↑↓ move, Enter takes."""
    select.focus()
    await pilot.pause()
    steps = order.index(value) - order.index(select.value)
    await pilot.press("enter")
    await wait_until(pilot, lambda: select.expanded)
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await wait_until(pilot, lambda: not select.expanded and select.value == value)


async def back_to(pilot, screen, loads: int) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.screen is screen and screen.loads == loads)
    await pilot.pause()


# --- the fee items ------------------------------------------------------------------------

async def test_an_office_without_items_adds_its_property_fee_and_parking(empty):
    app = desk_app(empty, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_items(app, pilot)
        assert shown(screen, "#fi-status").startswith("No fee items yet: n adds one")
        assert screen.table.row_count == 0

        form = await new_form(app, pilot)
        assert shown(form, ".form-title") == "New fee item"
        assert app.focused.id == "fi-code"
        assert form.query_one("#fi-kind", Select).value == "property"
        assert form.query_one("#fi-basis", Select).value == "area"
        assert form.query_one("#fi-active", Checkbox).value is True
        await pilot.press(*"WYF", "tab", *"物业服务费", "tab", "tab", "tab", *"1.80")
        assert app.focused.id == "fi-rate"
        await pilot.press("ctrl+s")
        await back_to(pilot, screen, 2)
        item = FeeItem.get(FeeItem.code == "WYF")
        assert (item.office_id, item.name, item.kind, item.basis, item.rate, item.active) == (
            empty.office.id, "物业服务费", "property", "area", 180, True)
        [log] = item_log("create")
        assert (log.row_id, log.staff_id) == (item.id, empty.clerk.id)
        assert "Fee item WYF 物业服务费 saved." in [str(n.message) for n in app._notifications]
        assert rows(screen.table) == [
            "WYF 物业服务费 property fee per m² a month ¥1.80  yes"]

        # The next new item starts as the parking fee, charged per month.
        form = await new_form(app, pilot)
        assert form.query_one("#fi-kind", Select).value == "parking"
        assert form.query_one("#fi-basis", Select).value == "fixed"
        await pilot.press(*"CWF", "tab", *"车位管理费", "tab", "tab", "tab", *"150")
        await pilot.press("ctrl+s")
        await back_to(pilot, screen, 3)
        parking = FeeItem.get(FeeItem.code == "CWF")
        assert (parking.kind, parking.basis, parking.rate) == ("parking", "fixed", 15000)
        assert [r.split()[0] for r in rows(screen.table)] == ["CWF", "WYF"]
        assert screen.current_item().code == "CWF"  # the saved one highlighted
        assert shown(screen, "#fi-status") == "2 fee items, 2 in use."
        fits(screen, "#fi-box", ("#fi-table", "#fi-detail", "#fi-status"))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_bad_fields_are_said_under_each_and_nothing_is_stored(empty):
    app = desk_app(empty, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_items(app, pilot)
        form = await new_form(app, pilot)
        await pilot.press(*"W Y", "tab", "tab", "tab", "tab", *"abc")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: error(form, "fi", "code"))
        assert error(form, "fi", "code").startswith("✗ A code is up to 16 letters")
        assert error(form, "fi", "name") == "✗ Enter the fee item's name."
        assert error(form, "fi", "rate") == "✗ Not an amount: use digits like 1234.50."
        assert error(form, "fi", "basis") == ""
        assert app.focused.id == "fi-code"  # the first field refused
        assert FeeItem.select().count() == 0 and item_log() == []

        # The property fee charged per month is refused at the basis; typing clears errors.
        await pilot.press("ctrl+u", *"WYF")
        assert error(form, "fi", "code") == ""
        form.query_one("#fi-name", Input).value = "[b]物业费[/b]"
        form.query_one("#fi-rate", Input).value = "0"
        await choose(pilot, form.query_one("#fi-basis", Select), BASIS_ORDER, "fixed")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: error(form, "fi", "basis"))
        assert error(form, "fi", "basis") == "✗ The property fee is charged per m² a month."
        assert error(form, "fi", "rate") == (
            "✗ The property fee is charged every month: give it a rate.")
        assert app.focused.id == "fi-basis"
        assert FeeItem.select().count() == 0 and item_log() == []

        await pilot.press("escape", "d")  # typed: Esc asks, d throws it away
        await wait_until(pilot, lambda: app.screen is screen)
        assert FeeItem.select().count() == 0 and item_log() == []
        assert screen.table.row_count == 0


async def test_the_duty_refuses_a_taken_code_and_a_second_property_fee(fo):
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_items(app, pilot)
        assert [r.split()[0] for r in rows(screen.table)] == ["CWF", "SF", "WXF", "WYF"]
        before = FeeItem.select().count()
        form = await new_form(app, pilot)
        kind = form.query_one("#fi-kind", Select)
        assert kind.value == "adhoc"  # property and parking are there already
        await pilot.press(*"wyf", "tab", *"物业服务费（二期）")
        await choose(pilot, kind, KIND_ORDER, "property")
        assert form.query_one("#fi-basis", Select).value == "area"  # suggested by the kind
        form.query_one("#fi-rate", Input).value = "2.10"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: error(form, "fi", "code"))
        assert error(form, "fi", "code") == "✗ Another fee item has the code wyf."
        assert app.focused.id == "fi-code" and not form.saving
        assert FeeItem.select().count() == before and item_log() == []

        await pilot.press("end", *"2")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: error(form, "fi", "kind"))
        assert error(form, "fi", "kind") == (
            "✗ WYF 物业服务费 is already the active property fee: make it inactive first.")
        assert FeeItem.select().count() == before and item_log() == []

        # Not in use, it may wait beside the active one (for next year's rate).
        form.query_one("#fi-active", Checkbox).focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await back_to(pilot, screen, 2)
        saved = FeeItem.get(FeeItem.code == "wyf2")
        assert (saved.kind, saved.basis, saved.rate, saved.active) == (
            "property", "area", 210, False)
        assert len(item_log("create")) == 1
        assert rows(screen.table)[-1].split()[0] == "wyf2"
        assert rows(screen.table)[-1].endswith(" no")
        assert "not in use" in shown(screen, "#fi-detail")


async def test_edit_an_item_its_basis_stays_once_charged(fo):
    charge(fo, fo.units[0], fo.water, "2026-10", 4100, note="读数 100→110")
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_items(app, pilot)
        await pilot.press("down")
        assert screen.current_item().code == "SF"
        assert "水费 · water fee · ¥4.10 per unit read · in use" in shown(screen, "#fi-detail")
        form = await new_form(app, pilot, "enter")
        assert shown(form, ".form-title") == "Fee item SF"
        assert app.focused.id == "fi-name"
        assert form.query_one("#fi-code", Input).value == "SF"
        assert form.query_one("#fi-rate", Input).value == "4.10"
        assert form.query_one("#fi-kind", Select).value == "water"
        basis = form.query_one("#fi-basis", Select)
        assert basis.value == "metered"

        await choose(pilot, basis, BASIS_ORDER, "fixed")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: error(form, "fi", "basis"))
        assert error(form, "fi", "basis") == (
            "✗ SF already has charges: its kind and basis stay.")
        water = FeeItem.get_by_id(fo.water.id)
        assert (water.basis, water.rate, water.active) == ("metered", 410, True)
        assert item_log() == []

        await choose(pilot, basis, BASIS_ORDER, "metered")
        await pilot.press("tab", "end", "ctrl+u", *"4.50", "tab")
        assert app.focused.id == "fi-active"
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await back_to(pilot, screen, 2)
        water = FeeItem.get_by_id(fo.water.id)
        assert (water.basis, water.rate, water.active) == ("metered", 450, False)
        [log] = item_log("update")
        assert json.loads(log.detail) == {"before": {"rate": 410, "active": True},
                                          "after": {"rate": 450, "active": False}}
        assert [r.split()[0] for r in rows(screen.table)] == ["CWF", "WXF", "WYF", "SF"]
        assert screen.current_item().code == "SF"
        assert rows(screen.table)[-1].endswith("¥4.50  no")


async def test_esc_cancels_the_form_and_a_long_name_fits(fo):
    with changes.write():
        FeeItem.update(name="停车场临时车位管理费（地下二层东区）").where(
            FeeItem.id == fo.parking.id).execute()
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_items(app, pilot)
        assert "停车场临时车位管理费（地下二层东区）" in shown(screen, "#fi-detail")
        assert "停车场临时车位…" in rows(screen.table)[0]
        form = await new_form(app, pilot, "enter")
        assert form.query_one("#fi-name", Input).value == "停车场临时车位管理费（地下二层东区）"
        fits(form, "#fi-form", ("#fi-code", "#fi-name", "#fi-kind", "#fi-basis", "#fi-rate",
                                "#fi-active"))
        await pilot.press(*"x", "escape", "d")  # typed: Esc asks, d throws it away
        await wait_until(pilot, lambda: app.screen is screen)
        assert FeeItem.get_by_id(fo.parking.id).name == "停车场临时车位管理费（地下二层东区）"
        assert item_log() == [] and screen.loads == 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_the_fee_items_need_a_signed_in_desk(fo):
    app = desk_app(fo.so, signed_in=False, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert open_fee_items(app) is None


# --- an ad-hoc charge on a unit's account -------------------------------------------------

async def open_account(app, pilot, unit_id: int):
    await ready(app, pilot)
    screen = open_unit_account(app, unit_id)
    await wait_until(pilot, lambda: on_top(app, screen) and screen.loads == 1)
    await pilot.pause()
    return screen


async def charge_form(app, pilot) -> AdHocChargeScreen:
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, AdHocChargeScreen)
                     and app.screen.is_loaded)
    await pilot.pause()
    return app.screen


async def test_n_charges_a_water_reading_and_the_account_reads_it(fo):
    b = fo.units[1]  # 3-2-502: nothing charged yet
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        account = await open_account(app, pilot, b.id)
        assert shown(account, "#ua-totals").startswith("Owed ¥0.00 (0 items)")
        assert shown(account, "#ua-hint").startswith("Enter the receipt · n add a charge")
        form = await charge_form(app, pilot)
        assert shown(form, ".form-title") == "New charge for 3-2-502"
        assert form.query_one("#ac-period", Input).value == "2026-11"
        select = form.query_one("#ac-fee_item", Select)
        assert app.focused is select
        ids = [fo.parking.id, fo.water.id, fo.repair.id, fo.property.id]  # by code
        assert [value for _label, value in select._options[1:]] == ids
        await pilot.press("enter")
        await wait_until(pilot, lambda: select.expanded)
        await pilot.press("down", "down", "enter")  # past the prompt and CWF to SF
        await wait_until(pilot, lambda: select.value == fo.water.id)
        assert shown(form, "#ac-rate") == "¥4.10 per unit read"
        assert form.query_one("#ac-amount", Input).value == ""  # read by the meter
        await pilot.press("tab", "tab", *"41", "tab", *"读数 1234至1244 [b]抄表[/b]")
        assert app.focused.id == "ac-note"
        await pilot.press("ctrl+s")
        await back_to(pilot, account, 2)
        [row] = Charge.select().where(Charge.unit == b.id)
        assert (row.fee_item_id, row.period, row.amount, row.note, row.key) == (
            fo.water.id, "2026-11", 4100, "读数 1234至1244 [b]抄表[/b]", None)
        assert row.created_at == now_utc()
        assert charge_log() == 1
        assert "¥41.00 水费 2026-11 charged to 3-2-502." in [
            str(n.message) for n in app._notifications]
        assert shown(account, "#ua-totals").startswith("Owed ¥41.00 (1 items)")
        [line] = rows(account.query_one("#ua-history", DataTable))
        assert line.split()[1:3] == ["charge", "—"] and "水费 2026-11" in line
        assert "[b]抄表[/b]" in shown(account, "#ua-detail")


async def test_bad_charge_fields_store_nothing_and_a_monthly_item_fills_its_rate(fo):
    with changes.write():
        FeeItem.update(active=False).where(FeeItem.id == fo.repair.id).execute()
    b = fo.units[1]
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        account = await open_account(app, pilot, b.id)
        form = await charge_form(app, pilot)
        select = form.query_one("#ac-fee_item", Select)
        assert fo.repair.id not in [value for _label, value in select._options]
        await pilot.press("tab", "end", "ctrl+u", *"2026-13", "tab", *"0")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: error(form, "ac", "fee_item"))
        assert error(form, "ac", "fee_item") == (
            "✗ Choose one of this office's active fee items.")
        assert error(form, "ac", "period") == "✗ A month is 01 to 12: enter one like 2026-11."
        assert error(form, "ac", "amount") == "✗ A charge is more than ¥0."
        assert app.focused is select
        assert Charge.select().count() == 0 and charge_log() == 0

        # The parking fee fills its monthly rate (the amount typed is replaced only while
        # it is the one filled in); a month too far ahead is refused.
        await pilot.press("enter")
        await wait_until(pilot, lambda: select.expanded)
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: select.value == fo.parking.id)
        assert error(form, "ac", "fee_item") == ""
        assert form.query_one("#ac-amount", Input).value == "0"  # typed: kept
        form.query_one("#ac-amount", Input).value = ""
        form.query_one("#ac-fee_item", Select).value = fo.water.id
        form.query_one("#ac-fee_item", Select).value = fo.parking.id
        await pilot.pause()
        assert form.query_one("#ac-amount", Input).value == "150.00"
        form.query_one("#ac-period", Input).value = "2027年12月"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: error(form, "ac", "period"))
        assert error(form, "ac", "period") == (
            "✗ 2027-12 is too far ahead: 2027-11 at the latest.")
        assert Charge.select().count() == 0 and charge_log() == 0
        await pilot.press("escape", "d")  # typed: Esc asks, d throws it away
        await wait_until(pilot, lambda: app.screen is account)
        await pilot.pause()
        assert account.loads == 1  # cancelled: nothing to read again
        assert Charge.select().count() == 0 and charge_log() == 0


async def test_no_active_items_is_said_and_n_needs_a_unit(fo):
    with changes.write():
        FeeItem.update(active=False).execute()
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        account = open_unit_account(app)
        await wait_until(pilot, lambda: on_top(app, account))
        await pilot.press("n")  # typed into the lookup
        assert account.query_one("#lookup-input", Input).value == "n"
        await pilot.press("tab")
        await pilot.press("n")
        await pilot.pause()
        assert shown(account, "#ua-message") == "✗ Find the unit first, then n adds a charge to it."
        assert app.screen is account
        account.read(fo.units[0].id)
        await wait_until(pilot, lambda: account.loads == 1)
        form = await charge_form(app, pilot)
        assert error(form, "ac", "fee_item").startswith("✗ This office has no fee items in use")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert Charge.select().count() == 0


# --- receipts from the history ------------------------------------------------------------

async def test_enter_on_a_payment_or_a_reversal_opens_its_receipt(fo):
    b = fo.units[0]
    sep = monthly(fo, b, "2026-09")
    oct_ = monthly(fo, b, "2026-10")
    wrong = pay(fo, b, [(sep, sep.amount)])
    void(fo, wrong)
    right = pay(fo, b, [(sep, sep.amount)], method="wechat")
    first, second = (Receipt.get(Receipt.payment == p).id for p in (wrong, right))
    history = unit_account(fo.office, b.id).history
    assert [(line.kind, line.receipt_id) for line in history] == [
        ("payment", second), ("reversal", first), ("payment", first), ("charge", None),
        ("charge", None)]
    assert oct_.id in [line.ref_id for line in history if line.kind == "charge"]

    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        account = await open_account(app, pilot, b.id)
        for downs, receipt_id in ((0, second), (1, first), (1, first)):
            await pilot.press(*["down"] * downs, "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen)
                             and app.screen.view is not None)
            assert app.screen.receipt_id == receipt_id
            loads = account.loads
            await pilot.press("escape")
            await back_to(pilot, account, loads + 1)  # back: read again
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is account
        assert shown(account, "#ua-message") == "✗ A charge has no receipt: Enter opens a payment's."
