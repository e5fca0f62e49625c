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
    # While its screen is not built: the issue that builds it, and the action is
    # "coming('<id>')", which says so in a notification (never a key that does nothing).
    issue: int | None = None
    show: bool = True


DESK_KEYS: tuple[DeskKey, ...] = (
    DeskKey("help", "f1", "help", N_("Help"), N_("Show the keys and what they do"), show=False),
    DeskKey("new_call", "f2", "new_call", N_("Call"), N_("Take a call: log a repair or request")),
    DeskKey("payment", "f3", "payment", N_("Pay"), N_("Take a fee payment and issue a receipt")),
    DeskKey("callback", "f4", "callback", N_("Callback"),
            N_("Call back the order or complaint selected in Overdue callbacks")),
    DeskKey("handover", "f5", "coming('handover')", N_("Handover"), N_("Review the night log and sign the handover"), 5),
    DeskKey("cash", "f6", "cash", N_("Cash"), N_("Your cash drawer: count the float, bank deposit, close with a blind count")),
    DeskKey("complaint", "f7", "complaint", N_("Complaint"), N_("Record a complaint")),
    DeskKey("visitor", "f8", "visitor", N_("Visit"), N_("Record a walk-in visitor")),
    DeskKey("reports", "f9", "coming('reports')", N_("Reports"), N_("Weekly and monthly reports"), 6),
    DeskKey("books", "f10", "books", N_("Books"),
            N_("The desk's books: register, owners, complaints, approval, month end")),
    DeskKey("register", "ctrl+f", "register", N_("Register"),
            N_("Search the service register by unit, owner, phone, date and state"), show=False),
    DeskKey("maximize", "z", "toggle_maximize", N_("Zoom"), N_("Maximise the focused pane, or restore it"),
           show=False),
    DeskKey("sign_out", "ctrl+l", "sign_out", N_("Sign out"), N_("Sign out and let someone else sign in"),
           show=False),
    DeskKey("quit", "ctrl+q", "quit", N_("Quit"), N_("Quit deskterm"), show=False),
)


@dataclass(frozen=True)
class Book:
    """One line of the F10 books menu: a letter there, an app action, and a palette entry."""

    letter: str
    action: str
    label: str
    description: str


#: The desk's books (台账), opened from the F10 menu by letter, or by name in ctrl+p.
BOOKS: tuple[Book, ...] = (
    Book("r", "register", N_("Service register"), N_("By unit, owner, phone, date and state")),
    Book("o", "owners", N_("Owner roster"), N_("Find, edit and import owners and phones")),
    Book("c", "complaints", N_("Complaints"), N_("Assign, handle, call back and close")),
    Book("s", "complaint_summary", N_("Complaint summary"),
         N_("The month's 客户投诉汇总及处理情况表")),
    Book("a", "approval", N_("Monday approval"),
         N_("Last week's called-back orders, manager's PIN")),
    Book("m", "month_end", N_("Month-end handover"),
         N_("Orders to each district; public-area filing")),
    Book("u", "unit_account", N_("Unit account"), N_("What a unit owes and paid; its receipts")),
    Book("f", "fee_summary", N_("Fee collection"), N_("By item, method, clerk and day; arrears")),
    Book("g", "charge_generation", N_("Monthly charges"),
         N_("This month's property and parking fees, once")),
    Book("b", "receipt_books", N_("Receipt books"), N_("Issue receipt books; skipped numbers")),
    Book("i", "fee_items", N_("Fee items"), N_("What the office charges for, and at what rate")),
)


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
