"""The payment form (F3) driven with keys at 80×24: finding the unit, choosing dues and
amounts, the method, tendered and change, confirming, and what the database holds after
(or, after a refusal, that it holds nothing new)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from deskterm.db.models import CashEntry, CashSession, Payment, PaymentLine, Receipt, ReceiptBook
from deskterm.screens.cashdesk.payment import PaymentScreen, open_payment
from deskterm.screens.cashdesk.receipt import ReceiptScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, small_office
from tests.payment_factories import cash_office, charge, fee_item


async def has_focus(pilot, widget_id: str) -> None:
    """Wait for the cursor to be in ``widget_id`` (Textual moves the focus a moment after
    ``focus()`` is called)."""
    await wait_until(pilot, lambda: getattr(pilot.app.focused, "id", "") == widget_id)


def owing_office():
    so = small_office()
    cash_office(so, 26868, 26868)  # 2026-01 and 2026-02 property fees; a book; a drawer
    charge(so, 15000, "2026-02", item=fee_item(so, "PK", "停车管理费", "parking"))
    return so


@pytest.fixture
def office(sqlite_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    return owing_office()


@pytest.fixture
def either_office(desk_db, frozen_clock):
    """The same, on SQLite and on PostgreSQL."""
    frozen_clock(MORNING)
    return owing_office()


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


def error(screen, name: str) -> str:
    widget = screen.query_one(f"#pay-error-{name}")
    return str(widget.content) if widget.display else ""


def dues_rows(screen) -> list[str]:
    table = screen.query_one("#pay-dues", DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def open_form(pilot) -> PaymentScreen:
    app = pilot.app
    await desk_ready(pilot)
    open_payment(app, folder=None)
    await wait_until(pilot, lambda: isinstance(app.screen, PaymentScreen))
    await pilot.pause()
    return app.screen


async def find(pilot, screen, query: str = "3-2-501") -> None:
    await pilot.press(*query, "enter")
    await wait_until(pilot, lambda: screen.unit is not None and not screen.reading_dues)
    # the cursor moves to the dues (Textual applies a focus change a moment later)
    await wait_until(pilot, lambda: getattr(pilot.app.focused, "id", "") == "pay-dues")


async def test_all_dues_in_cash_with_exact_money(either_office):
    app = desk_app(either_office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await has_focus(pilot, "lookup-input")
        methods = text_of(screen, "#pay-methods")
        assert methods.startswith("Method (1-5)?") and "[" not in methods  # never cash by itself
        await pilot.press(*"3-2-501", "enter", "1", "ctrl+s")  # before the dues came
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        receipt = app.screen
        await wait_until(pilot, lambda: receipt.view is not None)
        await pilot.pause()
        shown = text_of(receipt, "#rc-text")
        title = text_of(receipt, "#rc-title")
        assert "Receipt A0000001" in title and "F3 to receipt 0:" in title
        assert "In words: 陆佰捌拾柒元叁角陆分" in shown and "Payer: 张三" in shown
        assert screen.elapsed is not None
    payment = Payment.get()
    assert (payment.amount, payment.method, payment.tendered, payment.change_given) == (
        68736, "cash", 68736, 0)
    assert payment.payer_name == "张三" and PaymentLine.select().count() == 3
    assert Receipt.get().number == 1 and ReceiptBook.get().next_number == 2
    assert CashEntry.get(CashEntry.kind == "payment").amount == 68736


async def test_ctrl_s_right_after_the_unit_code_picks_it_and_pays(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await pilot.press(*"3-2-501", "ctrl+s")  # no Enter: the best match is taken
        # ... but how it is paid is the clerk's to say: refused there, nothing stored.
        await wait_until(pilot, lambda: "Choose how it is paid: 1 cash" in error(
            screen, "method"))
        assert Payment.select().count() == 0 and screen.unit is not None
        await pilot.press("1", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert Payment.get().amount == 68736 and Payment.get().payer_name == "张三"


async def test_choose_dues_part_pay_and_change(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await find(pilot, screen)
        await has_focus(pilot, "pay-dues")
        await pilot.press("1")  # cash
        rows = dues_rows(screen)
        assert len(rows) == 3 and all(r.startswith("[x]") for r in rows)
        assert "2026-01" in rows[0] and "物业服务费" in rows[0] and "268.68" in rows[0]
        assert text_of(screen, "#pay-total") == "Total ¥687.36"
        assert text_of(screen, "#pay-change") == "Change ¥0.00"
        assert "停车管理费" in rows[1]  # 2026-02: parking (PK) before property (PM)
        await pilot.press("down", "space")  # the parking fee stays owed
        assert dues_rows(screen)[1].startswith("[ ]") and "—" in dues_rows(screen)[1]
        assert text_of(screen, "#pay-total") == "Total ¥537.36"
        await pilot.press("down", "e")  # 2026-02 property fee: pay part of it
        await has_focus(pilot, "pay-amount")
        await pilot.press(*"300", "enter")  # more than owed
        assert "At most ¥268.68 is owed." in error(screen, "amount")
        await pilot.press(*["backspace"] * 3, *"100", "enter")
        await has_focus(pilot, "pay-dues")
        assert "100.00" in dues_rows(screen)[2]
        assert text_of(screen, "#pay-total") == "Total ¥368.68"
        await pilot.press("tab", *"400")
        await has_focus(pilot, "pay-tendered")
        assert text_of(screen, "#pay-change") == "Change ¥31.32"
        await pilot.press("backspace")
        assert text_of(screen, "#pay-change") == "short by ¥328.68"
        await pilot.press("enter")  # refused: nothing stored
        await wait_until(pilot, lambda: error(screen, "tendered") != "")
        assert "Less than the total of ¥368.68" in error(screen, "tendered")
        assert Payment.select().count() == 0
        await pilot.press("0", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    payment = Payment.get()
    assert (payment.amount, payment.tendered, payment.change_given) == (36868, 40000, 3132)
    assert sorted(line.amount for line in payment.lines) == [10000, 26868]


async def test_wechat_needs_no_drawer_and_keeps_no_cash(office):
    CashSession.update(state="closed").execute()
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await find(pilot, screen)
        await pilot.press("1", "ctrl+s")  # cash: the drawer is closed
        await wait_until(pilot, lambda: error(screen, "method") != "")
        assert "Open your cash drawer first (F6)" in error(screen, "method")
        assert Payment.select().count() == 0
        await pilot.press("4")
        assert "[4 WeChat]" in text_of(screen, "#pay-methods")
        assert screen.query_one("#pay-tendered", Input).disabled
        assert error(screen, "method") == "" and text_of(screen, "#pay-change") == ""
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    payment = Payment.get()
    assert payment.method == "wechat" and payment.tendered is None
    assert CashEntry.select().where(CashEntry.kind == "payment").count() == 0


async def test_refusals_show_under_their_line(office):
    ReceiptBook.update(closed_at=ReceiptBook.issued_at).execute()  # no open book
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await pilot.press("ctrl+s")  # nothing found yet
        assert "Find the unit first" in error(screen, "lookup")
        await pilot.press(*"9-9-999", "enter")
        await wait_until(pilot, lambda: error(screen, "lookup") != "")
        assert "There is no unit 9-9-999 at this office." in error(screen, "lookup")
        await pilot.press(*["backspace"] * 7)
        await find(pilot, screen)
        await pilot.press("a")  # none selected
        assert text_of(screen, "#pay-total") == "Total ¥0.00"
        await pilot.press("ctrl+s")
        assert "Choose what to pay" in error(screen, "lines")
        await pilot.press("a", "1", "ctrl+s")
        await wait_until(pilot, lambda: error(screen, "form") != "")
        assert error(screen, "form") == "✗ No receipt book: ask the supervisor to issue one."
        assert Payment.select().count() == 0
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, PaymentScreen))
    assert Payment.select().count() == Receipt.select().count() == 0


async def test_a_unit_not_on_the_roster_is_found_by_its_code(office):
    from deskterm.db.models import Owner

    Owner.delete().execute()  # the roster no longer knows 3-2-501
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await find(pilot, screen)
        assert screen.unit[1] == "3-2-501" and len(dues_rows(screen)) == 3
        assert screen.query_one("#pay-payer", Input).value == ""
        await pilot.press("shift+tab", *"王先生", "enter")  # the payer, typed
        await has_focus(pilot, "pay-dues")
        await pilot.press("e", "escape")  # Esc leaves the amount as it was
        await has_focus(pilot, "pay-dues")
        assert isinstance(app.screen, PaymentScreen)
        await pilot.press("2", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    payment = Payment.get()
    assert payment.payer_name == "王先生" and payment.method == "card"
