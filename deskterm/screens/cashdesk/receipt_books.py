"""Receipt books (收据本) [5.3]: the office's books with their problems, and issuing one.

``open_receipt_books(app)`` lists every book (those in use first): numbers, clerk, the
next number, how many are left, when issued, open or closed; under the list, what
``receipts.book_problems`` finds (numbers skipped, receipts out of range, books
overlapping, a clerk with two open books) or that every number is accounted for (a
``BookScreen``). ``n`` opens ``IssueBookForm`` (a ``DeskForm``): the clerk, the prefix, the
first and last numbers (the next free range of that prefix is proposed, never over numbers
typed), and the supervisor or manager with their own PIN (``receipts.issue_book``; the
clerk's open book is closed). ``r`` (or ctrl+r) reads again, Esc closes.
"""

from __future__ import annotations

from importlib.resources import files

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import local
from deskterm.display import fit, plain
from deskterm.duties.cashdesk.receipts import (
    APPROVERS,
    BOOK_HOLDERS,
    PREFIX_LIMIT,
    BookRow,
    book_problems,
    book_range,
    issue_book,
    next_free_number,
    receipt_books,
    receipt_number,
    staff_choices,
)
from deskterm.i18n import N_, _
from deskterm.screens.cashdesk.form_parts import offer, person_field, pin_field
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import (
    add_columns,
    hint_line,
    lines_text,
    refill,
    row_table,
    text_line,
    title_line,
)

CSS = str(files("deskterm.styles") / "payments.tcss")
#: A new book's size when the form proposes its range.
BOOK_SIZE = 500
COLUMNS = ((N_("Numbers"), 17), (N_("Clerk"), 10), (N_("Next"), 9), (N_("Left"), 6),
           (N_("Issued"), 11), (N_("State"), 8))


def open_receipt_books(app) -> ReceiptBooksScreen | None:
    """The receipt books of the office at the desk (someone must be signed in)."""
    return open_screen(app, ReceiptBooksScreen)


def book_cells(row: BookRow, tz: str) -> list:
    state = _("closed") if row.closed else _("in use")
    return [plain(row.range), plain(fit(row.clerk, 9)),
            plain(receipt_number(row.prefix, row.next) if not row.closed else "—"),
            plain(str(row.left) if not row.closed else "—"),
            plain(local(row.issued_at, tz).format("YYYY-MM-DD")), plain(state)]


class ReceiptBooksScreen(BookScreen[None]):
    CSS_PATH = CSS
    PREFIX = "rb"
    BINDINGS = [
        Binding("n", "issue", show=False),
        Binding("r", "reread", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="receipt-books")
        self.problems: list = []

    def compose(self):
        with Vertical(id="rb-form", classes="form"):
            yield title_line(_("Receipt books — {office}").format(office=self.office.name))
            yield row_table("rb-table")
            yield text_line("…", id="rb-problems")
            yield text_line(id="rb-result")
            yield self.message_line()
            yield hint_line(_("n issue a book · r read again · Esc close"))

    def on_mount(self) -> None:
        table = self.query_one("#rb-table", DataTable)
        add_columns(table, [(_(label), width, False) for label, width in COLUMNS])
        self.set_focus(table)
        self.read()

    def fetch(self):
        return receipt_books(self.office), book_problems(self.office)

    def show(self, data) -> None:
        self.rows, self.problems = data
        refill(self.query_one("#rb-table", DataTable),
               ((f"b{row.id}", book_cells(row, self.session.tz)) for row in self.rows))
        if not self.rows:
            lines = [_("No receipt book yet: n issues one.")]
        elif not self.problems:
            lines = [_("✓ No problems: every receipt number is accounted for.")]
        else:
            lines = ["✗ " + problem.text for problem in self.problems]
        self.query_one("#rb-problems", Static).update(lines_text(lines))

    def action_issue(self) -> None:
        self.app.push_screen(IssueBookForm(self.session), callback=self._issued)

    def _issued(self, numbers: str | None) -> None:
        if numbers is not None:
            self.tell(_("✓ Book {range} issued.").format(range=numbers), done=False)
            self.read()


class IssueBookForm(DeskForm[str | None]):
    """Issue one receipt book; dismisses with its numbers (``A0000501–A0001000``), or
    None."""

    CSS_PATH = CSS
    PREFIX = "ib"
    ENTER_SAVES = True
    HINT = N_("The clerk's book in use is closed. ctrl+s issue · Esc cancel")
    FIELDS = (
        person_field("clerk", N_("Clerk"), blank=N_("who writes in it")),
        Field("prefix", N_("Prefix"), initial="A", max_length=PREFIX_LIMIT),
        Field("first", N_("First"), max_length=9),
        Field("last", N_("Last"), max_length=9),
        person_field("supervisor", N_("Issued by")),
        pin_field(),
    )

    def __init__(self, session) -> None:
        super().__init__(session, id="issue-book")
        self.form_title = _("Issue a receipt book")
        self._proposed: tuple[str, str] = ("", "")  # first and last the form filled in

    def compose_body(self):
        for names in (("clerk", "prefix"), ("first", "last"), ("supervisor", "pin")):
            yield Horizontal(*(self.field(name) for name in names), classes="kit-row")

    def on_mount(self) -> None:  # Textual calls DeskForm.on_mount after this one
        self._propose()

    def load(self):
        return (staff_choices(self.office, BOOK_HOLDERS),
                staff_choices(self.office, APPROVERS))

    def loaded(self, data) -> None:
        holders, approvers = data
        me = self.session.staff
        offer(self, "clerk", holders)
        offer(self, "supervisor", approvers, me.id if me else None)

    # --- the range proposed for the prefix -------------------------------------------------
    def field_changed(self, name: str) -> None:
        if name == "prefix":
            self._propose()

    def _prefix(self) -> str:
        return (self.value("prefix") or "").strip().upper()

    def _propose(self) -> None:
        prefix = self._prefix()
        run_duty(self, lambda: next_free_number(self.office, prefix),
                 done=lambda first: self._proposal(prefix, first), group="ib-propose",
                 load=True)

    def _proposal(self, prefix: str, first: int) -> None:
        if prefix != self._prefix():
            return  # the prefix has changed since
        typed = (self.value("first") or "", self.value("last") or "")
        if typed != self._proposed:
            return  # the supervisor typed their own range
        if typed == ("", "") and {"first", "last"} & self.visited:
            return  # the clerk has been in the range and left it empty
        self._proposed = (str(first), str(first + BOOK_SIZE - 1))
        self.set_initial("first", self._proposed[0])
        self.set_initial("last", self._proposed[1])

    # --- saving ----------------------------------------------------------------------------
    def save(self, values):
        return book_range(issue_book(
            self.office, values["supervisor"], values["pin"] or "", values["clerk"],
            values["first"], values["last"], values["prefix"] or "",
            at_desk=self.session.staff))
