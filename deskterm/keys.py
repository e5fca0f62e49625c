"""Every desk key in one table: the app's bindings, the footer, the F1 help, the command
palette and the README are all made from it. Each binding has an id, so a clerk can remap
it in the config file's ``[keys]`` table (``new_call = "f2,ctrl+n"``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from deskterm.i18n import N_, _


@dataclass(frozen=True)
class DeskKey:
    id: str
    key: str
    action: str
    label: str  # short, for the footer (translated when shown)
    description: str  # for help and the command palette
    show: bool = True


DESK_KEYS: tuple[DeskKey, ...] = (
    DeskKey("help", "f1", "help", N_("Help"), N_("Show the keys and what they do"), show=False),
    DeskKey("new_call", "f2", "new_call", N_("Call"), N_("Take a call: log a repair or request")),
    DeskKey("payment", "f3", "open('payment')", N_("Pay"), N_("Take a fee payment and issue a receipt")),
    DeskKey("callback", "f4", "callback", N_("Callback"),
            N_("Call back the order or complaint selected in Overdue callbacks")),
    DeskKey("handover", "f5", "open('handover')", N_("Handover"), N_("Review the night log and sign the handover")),
    DeskKey("cash", "f6", "open('cash')", N_("Cash"), N_("Your cash drawer: count the float, bank deposit, close with a blind count")),
    DeskKey("complaint", "f7", "complaint", N_("Complaint"), N_("Record a complaint")),
    DeskKey("visitor", "f8", "visitor", N_("Visit"), N_("Record a walk-in visitor")),
    DeskKey("reports", "f9", "open('reports')", N_("Reports"),
            N_("Reports for a week, a month or days: tables, charts, CSV and Excel")),
    DeskKey("books", "f10", "books", N_("Books"),
            N_("The desk's books: register, owners, complaints, approval, month end")),
    DeskKey("task", "t", "open('task')", N_("Task"),
            N_("Note a task: what, by when, who, from where"), show=False),
    DeskKey("register", "ctrl+f", "open('register')", N_("Register"),
            N_("Search the service register by unit, owner, phone, date and state"), show=False),
    DeskKey("maximize", "z", "toggle_maximize", N_("Zoom"), N_("Maximise the focused pane, or restore it"),
           show=False),
    DeskKey("sign_out", "ctrl+l", "sign_out", N_("Sign out"), N_("Sign out and let someone else sign in"),
           show=False),
    DeskKey("quit", "ctrl+q", "quit", N_("Quit"), N_("Quit deskterm"), show=False),
)


@dataclass(frozen=True)
class Book:
    """One line of the F10 books menu: a letter there, the screen it opens (a name in
    ``OPENERS``), a label and a description for the help and the palette, and its group."""

    letter: str
    name: str
    label: str
    description: str
    group: str

    @property
    def action(self) -> str:
        return f"open('{self.name}')"


#: The groups of the books menu, in order.
BOOK_GROUPS: tuple[str, ...] = (N_("Repairs"), N_("Fees and cash"), N_("Shift and back office"))

#: The desk's books (台账), opened from the F10 menu by letter, or by name in ctrl+p.
BOOKS: tuple[Book, ...] = (
    Book("r", "register", N_("Service register"), N_("By unit, owner, phone, date and state"),
         "Repairs"),
    Book("o", "owners", N_("Owner roster"), N_("Find, edit and import owners and phones"),
         "Repairs"),
    Book("c", "complaints", N_("Complaints"), N_("Assign, handle, call back and close"),
         "Repairs"),
    Book("s", "complaint_summary", N_("Complaint summary"),
         N_("The month's 客户投诉汇总及处理情况表"), "Repairs"),
    Book("a", "approval", N_("Monday approval"),
         N_("Last week's called-back orders, manager's PIN"), "Repairs"),
    Book("m", "month_end", N_("Month-end handover"),
         N_("Orders to each district; public-area filing"), "Repairs"),
    Book("y", "morning", N_("Yesterday's unfinished"),
         N_("Yesterday's unfinished lines and complaints; older ones still open"), "Repairs"),
    Book("n", "calls_to_return", N_("Calls to return"),
         N_("Calls no desk took; Enter returns one with F2 filled"), "Repairs"),
    Book("u", "unit_account", N_("Unit account"), N_("What a unit owes and paid; its receipts"),
         "Fees and cash"),
    Book("f", "fee_summary", N_("Fee collection"), N_("By item, method, clerk and day; arrears"),
         "Fees and cash"),
    Book("g", "charge_generation", N_("Monthly charges"),
         N_("This month's property and parking fees, once"), "Fees and cash"),
    Book("b", "receipt_books", N_("Receipt books"), N_("Issue receipt books; skipped numbers"),
         "Fees and cash"),
    Book("i", "fee_items", N_("Fee items"), N_("What the office charges for, and at what rate"),
         "Fees and cash"),
    Book("d", "attendance", N_("Attendance"), N_("Who is in today; sign, leave, absence"),
         "Shift and back office"),
    Book("h", "attendance_sheet", N_("Attendance sheet"),
         N_("The month's sheet, on-duty table and ranking"), "Shift and back office"),
    Book("l", "night_log", N_("Night log"), N_("Night staff write what happened"),
         "Shift and back office"),
    Book("j", "tasks", N_("Tasks"), N_("Open and overdue tasks; d marks one done"),
         "Shift and back office"),
    Book("w", "work_record", N_("Work record"),
         N_("Today's 日清记录表; the week's and month's summaries"), "Shift and back office"),
    Book("v", "assessments", N_("Assessments"), N_("A supervisor's written assessments"),
         "Shift and back office"),
    Book("k", "stock", N_("Stock"), N_("Items, received, drawn; the ledger"),
         "Shift and back office"),
    Book("t", "stocktake", N_("Stocktake"), N_("The month's count against the book"),
         "Shift and back office"),
    Book("e", "canteen", N_("Canteen"), N_("Purchases checked; the month's meal fees"),
         "Shift and back office"),
    Book("p", "listings", N_("Listings"), N_("Units for rent or sale, viewings, agency fees"),
         "Shift and back office"),
    Book("x", "staff_book", N_("Staff and office"),
         N_("Manager: PINs, roles, leavers; the office's hours"), "Shift and back office"),
)

#: What opens each screen the desk's keys and books name: "module:function(app)". The app
#: imports the module only when the screen is first opened (a fast start).
OPENERS: dict[str, str] = {
    "payment": "deskterm.screens.cashdesk.payment:open_payment",
    "handover": "deskterm.screens.shift.handover:open_handover",
    "cash": "deskterm.screens.cashdesk.cash:open_cash",
    "register": "deskterm.screens.repairs.register_search:open_register_search",
    "owners": "deskterm.screens.residents.owner_roster:open_owner_roster",
    "complaints": "deskterm.screens.repairs.complaint_list:open_complaint_list",
    "complaint_summary": "deskterm.screens.repairs.complaint_summary:open_complaint_summary",
    "approval": "deskterm.screens.repairs.approval:open_approval",
    "month_end": "deskterm.screens.repairs.month_end:open_month_end",
    "morning": "deskterm.screens.repairs.morning_view:open_morning_book",
    "calls_to_return": "deskterm.screens.calls.return_book:open_return_book",
    "unit_account": "deskterm.screens.cashdesk.unit_account:open_unit_account",
    "fee_summary": "deskterm.screens.cashdesk.fee_summary:open_fee_summary",
    "charge_generation": "deskterm.screens.cashdesk.charge_generation:open_charge_generation",
    "receipt_books": "deskterm.screens.cashdesk.receipt_books:open_receipt_books",
    "fee_items": "deskterm.screens.cashdesk.fee_items:open_fee_items",
    "attendance": "deskterm.screens.shift.attendance:open_attendance",
    "attendance_sheet": "deskterm.screens.shift.attendance_sheet:open_attendance_sheet",
    "night_log": "deskterm.screens.shift.night_log_form:open_night_log",
    "work_record": "deskterm.screens.shift.work_record:open_work_record",
    "task": "deskterm.screens.shift.task_form:open_task_form",
    "tasks": "deskterm.screens.shift.tasks_book:open_tasks_book",
    "assessments": "deskterm.screens.shift.assessments:open_assessments",
    "stock": "deskterm.screens.backoffice.stock:open_stock",
    "stocktake": "deskterm.screens.backoffice.stocktake:open_stocktake",
    "canteen": "deskterm.screens.backoffice.canteen:open_canteen",
    "listings": "deskterm.screens.backoffice.listings:open_listings",
    "reports": "deskterm.screens.reporting.reports:open_reports",
    "staff_book": "deskterm.screens.admin.staff_book:open_staff_book",
}


def desk_bindings() -> list[Binding]:
    """The desk's bindings with their labels in the current language."""
    return [
        Binding(k.key, k.action, _(k.label), show=k.show, id=k.id, priority=k.id == "quit")
        for k in DESK_KEYS
    ]


def install_bindings(node: DOMNode, bindings: list[Binding]) -> None:
    """Add ``bindings`` to one node at run time.

    Class-level BINDINGS are built at import, before the language is chosen, so labels
    would stay English; adding them per instance lets the footer show them translated.
    """
    extra = BindingsMap(bindings)
    for key, items in extra.key_to_bindings.items():
        node._bindings.key_to_bindings.setdefault(key, []).extend(items)
