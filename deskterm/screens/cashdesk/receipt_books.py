"""Receipt books (收据本) [5.3]: the office's books with their problems, and issuing one.

``open_receipt_books(app)`` lists every book (those in use first): numbers, clerk, the
next number, how many are left, when issued, open or closed; under the list, what
``receipts.book_problems`` finds (numbers skipped, receipts out of range, books
overlapping, a clerk with two open books) or that every number is accounted for. ``n``
opens ``IssueBookForm``: the clerk, the prefix, the first and last numbers (the next free
range of that prefix is proposed), and the supervisor or manager with their own PIN
(``receipts.issue_book``; the clerk's open book is closed). ``r`` reads again, Esc closes.
"""

from __future__ import annotations

from importlib.resources import files

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from deskterm.clock import local
from deskterm.db.models import ReceiptBook, database
from deskterm.display import fit, plain
from deskterm.duties.cashdesk.receipts import (
    APPROVERS,
    BOOK_HOLDERS,
    BookProblem,
    BookRow,
    book_problems,
    book_range,
    issue_book,
    next_free_number,
    receipt_books,
    receipt_number,
    staff_choices,
)
from deskterm.i18n import _
from deskterm.screens.kit.form_kit import run_duty

CSS = str(files("deskterm.styles") / "payments.tcss")
#: A new book's size when the form proposes its range.
BOOK_SIZE = 500
COLUMNS = (("numbers", 17), ("clerk", 10), ("next", 9), ("left", 6), ("issued", 11),
           ("state", 8))


def open_receipt_books(app) -> ReceiptBooksScreen | None:
    """The receipt books of the office at the desk (someone must be signed in)."""
    if app.session.staff is None:
        return None
    screen = ReceiptBooksScreen(app.session)
    app.push_screen(screen)
    return screen


def book_cells(row: BookRow, tz: str) -> list:
    state = _("closed") if row.closed else _("in use")
    return [plain(row.range), plain(fit(row.clerk, 9)),
            plain(receipt_number(row.prefix, row.next) if not row.closed else "—"),
            plain(str(row.left) if not row.closed else "—"),
            plain(local(row.issued_at, tz).format("YYYY-MM-DD")), plain(state)]


class ReceiptBooksScreen(ModalScreen[None]):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("n", "issue", show=False),
        Binding("r", "reload", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="receipt-books")
        self.session = session
        self.rows: list[BookRow] = []
        self.problems: list[BookProblem] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="rb-form", classes="form"):
            yield Static(plain(_("Receipt books — {office}").format(
                office=self.session.office.name)), classes="form-title", markup=False)
            yield DataTable(id="rb-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain("…"), id="rb-problems", markup=False)
            yield Static(plain(""), id="rb-result", markup=False)
            yield Static(plain(_("n issue a book · r read again · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#rb-table", DataTable)
        labels = {"numbers": _("Numbers"), "clerk": _("Clerk"), "next": _("Next"),
                  "left": _("Left"), "issued": _("Issued"), "state": _("State")}
        for key, width in COLUMNS:
            table.add_column(plain(fit(labels[key], width)), width=width + 1, key=key)
        table.focus()
        self._load()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="books-load")
    def _load(self) -> None:
        try:
            with database.connection_context():
                rows = receipt_books(self.session.office)
                problems = book_problems(self.session.office)
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, rows, problems)

    def _failed(self, message: str) -> None:
        self.query_one("#rb-problems", Static).update(plain("✗ " + message))

    def _show(self, rows: list[BookRow], problems: list[BookProblem]) -> None:
        self.rows, self.problems = rows, problems
        table = self.query_one("#rb-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*book_cells(row, self.session.tz), key=f"b{row.id}")
        if not rows:
            text = _("No receipt book yet: n issues one.")
        elif not problems:
            text = _("✓ No problems: every receipt number is accounted for.")
        else:
            text = "\n".join("✗ " + problem.text for problem in problems)
        self.query_one("#rb-problems", Static).update(
            Text("\n").join(plain(line) for line in text.split("\n")))

    def action_issue(self) -> None:
        self.app.push_screen(IssueBookForm(self.session), callback=self._issued)

    def _issued(self, book: ReceiptBook | None) -> None:
        if book is not None:
            self.query_one("#rb-result", Static).update(plain(
                _("✓ Book {range} issued.").format(range=book_range(book))))
            self._load()

    def action_close(self) -> None:
        self.dismiss(None)


class IssueBookForm(ModalScreen[ReceiptBook | None]):
    """Issue one receipt book; dismisses with the book, or None."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]
    FIELDS = ("clerk", "prefix", "first", "last", "supervisor", "pin")

    def __init__(self, session) -> None:
        super().__init__(id="issue-book")
        self.session = session
        self.saving = False
        self._proposed: tuple[str, str] = ("", "")  # first and last the form filled in

    def compose(self) -> ComposeResult:
        with Vertical(id="ib-form", classes="form"):
            yield Static(plain(_("Issue a receipt book")), classes="form-title", markup=False)
            with Horizontal(classes="ib-row"):
                yield Label(plain(_("Clerk")))
                yield Select([], prompt=_("who writes in it"), compact=True, id="ib-clerk")
                yield Label(plain(_("Prefix")))
                yield Input("A", id="ib-prefix", compact=True, max_length=4)
            yield self._error("clerk")
            yield self._error("prefix")
            with Horizontal(classes="ib-row"):
                yield Label(plain(_("First")))
                yield Input(id="ib-first", compact=True, max_length=9)
                yield Label(plain(_("Last")))
                yield Input(id="ib-last", compact=True, max_length=9)
            yield self._error("first")
            yield self._error("last")
            with Horizontal(classes="ib-row"):
                yield Label(plain(_("Issued by")))
                yield Select([], prompt=_("supervisor"), compact=True, id="ib-supervisor")
                yield Label(plain(_("PIN")))
                yield Input(id="ib-pin", password=True, compact=True, max_length=32,
                            placeholder=_("their own PIN"))
            yield self._error("supervisor")
            yield self._error("pin")
            yield self._error("")
            yield Static(plain(_("The clerk's book in use is closed. ctrl+s issue · Esc "
                                 "cancel")), classes="form-hint", markup=False)

    def _error(self, field: str) -> Static:
        return Static(plain(""), id=f"ib-error-{field or 'form'}", classes="ib-error",
                      markup=False)

    def on_mount(self) -> None:
        self.query_one("#ib-clerk", Select).focus()
        self._people()
        self._propose("A")

    @work(thread=True, exclusive=True, group="issue-people")
    def _people(self) -> None:
        with database.connection_context():
            holders = staff_choices(self.session.office, BOOK_HOLDERS)
            approvers = staff_choices(self.session.office, APPROVERS)
        self.app.call_from_thread(self._show_people, holders, approvers)

    def _show_people(self, holders, approvers) -> None:
        for select_id, people in (("#ib-clerk", holders), ("#ib-supervisor", approvers)):
            select = self.query_one(select_id, Select)
            select.set_options([(plain(name), staff_id) for staff_id, name in people])
            ids = [staff_id for staff_id, _name in people]
            me = self.session.staff
            if select_id == "#ib-supervisor" and me is not None and me.id in ids:
                select.value = me.id
            elif len(ids) == 1:
                select.value = ids[0]

    @on(Input.Changed, "#ib-prefix")
    def _prefix_changed(self, event: Input.Changed) -> None:
        self._propose(event.value.strip().upper())

    @work(thread=True, exclusive=True, group="issue-propose")
    def _propose(self, prefix: str) -> None:
        with database.connection_context():
            first = next_free_number(self.session.office, prefix)
        self.app.call_from_thread(self._proposal, prefix, first)

    def _proposal(self, prefix: str, first: int) -> None:
        if prefix != self.query_one("#ib-prefix", Input).value.strip().upper():
            return
        first_box = self.query_one("#ib-first", Input)
        last_box = self.query_one("#ib-last", Input)
        if (first_box.value, last_box.value) != self._proposed:
            return  # the supervisor typed their own range
        self._proposed = (str(first), str(first + BOOK_SIZE - 1))
        first_box.value, last_box.value = self._proposed

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "ib-pin":
            self.action_save()
        else:
            self.focus_next()

    def set_error(self, field: str, message: str) -> None:
        name = field if field in self.FIELDS else "form"
        line = self.query_one(f"#ib-error-{name}", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def _choice(self, name: str):
        value = self.query_one(f"#ib-{name}", Select).value
        return None if value is Select.NULL else value

    def action_save(self) -> None:
        if self.saving:
            return
        for field in (*self.FIELDS, ""):
            self.set_error(field, "")
        pin_box = self.query_one("#ib-pin", Input)
        pin, pin_box.value = pin_box.value, ""
        values = dict(by_id=self._choice("supervisor"), by_pin=pin,
                      clerk_id=self._choice("clerk"),
                      first=self.query_one("#ib-first", Input).value,
                      last=self.query_one("#ib-last", Input).value,
                      prefix=self.query_one("#ib-prefix", Input).value)
        self.saving = True
        self._issue(values)

    @work(thread=True, exclusive=True, group="issue-save")
    def _issue(self, values: dict) -> None:
        run_duty(self, lambda: issue_book(self.session.office, **values,
                                          at_desk=self.session.staff), self._issued,
                 self._refused)

    def _issued(self, book: ReceiptBook) -> None:
        self.saving = False
        self.dismiss(book)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.set_error(field, message)
        if field in self.FIELDS:
            self.query_one(f"#ib-{field}").focus()

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
