"""The receipt screen (print, printer file, void through the void form) and the receipt
books screen (problems, issuing a book), driven with keys at 80×24, the database checked
after each step."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from deskterm.db.models import Payment, ReceiptBook, ReceiptVoid
from deskterm.duties.cashdesk.payments import take_payment
from deskterm.duties.cashdesk.receipt_print import receipt_document
from deskterm.duties.cashdesk.receipt_text import receipt_view
from deskterm.printing.document import document_text
from deskterm.screens.cashdesk.receipt import ReceiptScreen, VoidForm, open_receipt
from deskterm.screens.cashdesk.receipt_books import (
    IssueBookForm,
    ReceiptBooksScreen,
    open_receipt_books,
)
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, PIN, small_office
from tests.payment_factories import cash_office


async def has_focus(pilot, widget_id: str) -> None:
    """Wait for the cursor to be in ``widget_id`` (Textual moves the focus a moment after
    ``focus()`` is called)."""
    await wait_until(pilot, lambda: getattr(pilot.app.focused, "id", "") == widget_id)


@pytest.fixture
def paid(sqlite_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    so = small_office()
    dues = cash_office(so, 26868, 3000)
    result = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                          lines=[(d.id, d.amount) for d in dues], method="cash",
                          tendered=30000, payer_name="张三")
    return so, result


def shown(screen, selector: str) -> str:
    widget = screen.query_one(selector)
    return str(widget.content) if widget.display else ""


async def open_it(pilot, receipt_id: int, folder) -> ReceiptScreen:
    app = pilot.app
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: app.session.staff is not None)
    open_receipt(app, receipt_id, folder=folder)
    await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen)
                     and app.screen.view is not None)
    await pilot.pause()
    return app.screen


async def test_print_and_void_a_receipt(paid, tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_PRINTER", "file")
    so, result = paid
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_it(pilot, result.receipt_id, tmp_path)
        assert shown(screen, "#rc-title") == "Receipt A0000001"  # not from F3: no time
        text = shown(screen, "#rc-text")
        assert "In words: 贰佰玖拾捌元陆角捌分" in text and "VOID" not in text
        await pilot.press("p")  # this terminal prints to a file (DESKTERM_PRINTER=file)
        await wait_until(pilot, lambda: "written to" in shown(screen, "#rc-result"))
        path = tmp_path / "receipt-A0000001-20261126-100500.txt"
        assert str(path) in shown(screen, "#rc-result")
        assert path.read_text(encoding="utf-8") == document_text(receipt_document(
            receipt_view(so.office, result.receipt_id)))
        await pilot.press("e")
        await wait_until(pilot, lambda: ".prn" in shown(screen, "#rc-result"))
        assert (tmp_path / "receipt-A0000001-20261126-100500.prn").read_bytes()[:2] == b"\x1b@"

        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, VoidForm))
        form = app.screen
        await wait_until(pilot, lambda: form.query_one("#vf-approver", Select).value
                         == so.supervisor.id)  # the only supervisor, chosen already
        await has_focus(pilot, "vf-reason")
        await pilot.press("ctrl+s")  # no reason, no PIN
        await wait_until(pilot, lambda: shown(form, "#vf-error-reason") != "")
        assert "Say why the receipt is voided." in shown(form, "#vf-error-reason")
        await pilot.press(*"wrong amount", "enter")
        await has_focus(pilot, "vf-approver")
        await pilot.press("tab", *"9999", "enter")
        await wait_until(pilot, lambda: shown(form, "#vf-error-pin") != "")
        assert shown(form, "#vf-error-pin") == "✗ Wrong PIN (1 of 5 tries)."
        assert form.query_one("#vf-pin", Input).value == ""  # never kept on screen
        assert ReceiptVoid.select().count() == 0 and Payment.select().count() == 1
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is screen and "VOID" in shown(
            screen, "#rc-title"))
        assert "*** VOID ***" in shown(screen, "#rc-text")
        assert "voided; its payment is reversed" in shown(screen, "#rc-result")
        await pilot.press("v")
        assert "already void" in shown(screen, "#rc-message")
        assert isinstance(app.screen, ReceiptScreen)
    void = ReceiptVoid.get()
    assert (void.reason, void.voided_by_id, void.approved_by_id) == (
        "wrong amount", so.clerk.id, so.supervisor.id)
    assert void.reversal.amount == -29868


async def test_escape_leaves_the_void_form_without_a_void(paid, tmp_path):
    so, result = paid
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_it(pilot, result.receipt_id, tmp_path)
        await pilot.press("v", *"oops")
        await wait_until(pilot, lambda: isinstance(app.screen, VoidForm))
        await pilot.press("escape", "d")  # a reason typed: Esc asks, d throws it away
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ReceiptScreen))
    assert ReceiptVoid.select().count() == 0


async def test_books_problems_and_issuing_a_book(paid):
    so, _result = paid
    ReceiptBook.update(next_number=4).execute()  # numbers 2 and 3 skipped
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await wait_until(pilot, lambda: app.session.staff is not None)
        open_receipt_books(app)
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptBooksScreen)
                         and app.screen.rows)
        books = app.screen
        await pilot.pause()
        table = books.query_one("#rb-table")
        row = " ".join(str(c) for c in table.get_row_at(0))
        assert "A0000001–A0000500" in row and "李静" in row and "A0000004" in row
        assert "in use" in row and "497" in row
        problems = shown(books, "#rb-problems")
        assert "2 numbers skipped, no receipt: A0000002–A0000003" in problems

        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, IssueBookForm))
        form = app.screen
        await wait_until(pilot, lambda: form.query_one("#ib-first", Input).value == "501")
        assert form.query_one("#ib-last", Input).value == "1000"
        await wait_until(pilot, lambda: form.query_one("#ib-supervisor", Select).value
                         == so.supervisor.id)
        await has_focus(pilot, "ib-clerk")
        await pilot.press("enter")  # the clerk: open the list, 刘芳 then 李静
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: form.query_one("#ib-clerk", Select).value
                         == so.clerk.id)
        form.query_one("#ib-pin", Input).focus()
        await pilot.press(*"0000", "enter")
        await wait_until(pilot, lambda: "Wrong PIN" in shown(form, "#ib-error-pin"))
        assert ReceiptBook.select().count() == 1
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is books
                         and "issued" in shown(books, "#rb-result"))
        assert "A0000501–A0001000" in shown(books, "#rb-result")
        await wait_until(pilot, lambda: len(books.rows) == 2)
    new = ReceiptBook.get(ReceiptBook.first_number == 501)
    assert (new.last_number, new.clerk_id, new.issued_by_id, new.closed_at) == (
        1000, so.clerk.id, so.supervisor.id, None)
    assert ReceiptBook.get(ReceiptBook.first_number == 1).closed_at is not None
