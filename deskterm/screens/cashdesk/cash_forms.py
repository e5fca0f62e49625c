"""The F6 cash screen's forms [5.3]: count the float in, take cash to the bank, and close
the drawer with a blind count.

Each is a ``ModalScreen`` with one error line per field (shown only when it says
something), fed by ``DutyError.field``; the duty (``cash.open_session``,
``record_deposit``, ``close_session``) runs in a thread worker inside
``database.connection_context()``; ctrl+s saves, Esc closes. A count is a total, or notes
and coins (their sum shows as they are typed); Enter in a note's box moves to the next.

The close form is blind: it asks for the count first and shows the expected figure and the
difference only once ctrl+s has sent the count. Beyond the office's limit the duty refuses
with the figures (``NeedsApproval``): the count is then frozen, and the form asks for the
reason, the supervisor and their PIN; ctrl+s again closes.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from deskterm.clock import now_utc
from deskterm.db.models import database
from deskterm.display import day_label, plain
from deskterm.duties.cashdesk.cash import (
    DENOMINATION_WORDS,
    DENOMINATIONS,
    REASON_LIMIT,
    CloseResult,
    NeedsApproval,
    close_session,
    denominations_total,
    open_session,
    record_deposit,
)
from deskterm.duties.cashdesk.cash_view import CashView
from deskterm.duties.parsing_time import parse_local_datetime
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _
from deskterm.money import format_fen


def signed(fen: int) -> str:
    """A difference with its sign written out: ``+¥2.70``, ``-¥10.01``, ``¥0.00``."""
    return ("+" if fen > 0 else "") + format_fen(fen)


def result_line(result: CloseResult) -> str:
    over = (_("over") if result.difference > 0 else _("short") if result.difference < 0
            else _("exact"))
    return _("Expected {expected} · counted {counted} · difference {diff} ({word})").format(
        expected=format_fen(result.expected), counted=format_fen(result.counted),
        diff=signed(result.difference), word=over)


class CashForm(ModalScreen[bool | None]):
    """What the three forms share: error lines, the count boxes, saving in a worker."""

    CSS_PATH = str(files("deskterm.styles") / "cash.tcss")
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]
    PREFIX = ""
    FIELDS: tuple[str, ...] = ()
    #: The duty's field names → this form's error lines.
    FIELD_OF: dict[str, str] = {}

    def __init__(self, session, view: CashView) -> None:
        super().__init__(id=f"{self.PREFIX}-screen")
        self.session = session
        self.view = view
        self.saving = False

    # --- pieces of a form -----------------------------------------------------------------
    def error_line(self, field: str = "") -> Static:
        name = f"{self.PREFIX}-{field}-error" if field else f"{self.PREFIX}-error"
        line = Static(plain(""), id=name, classes="field-error", markup=False)
        line.display = False
        return line

    def row(self, label: str, field: str, **options) -> Horizontal:
        options.setdefault("compact", True)
        return Horizontal(Label(plain(label), classes="field-label"),
                          Input(id=f"{self.PREFIX}-{field}", **options), classes="cash-row")

    def count_boxes(self, label: str) -> ComposeResult:
        """The total, and the notes and coins with their running sum."""
        yield self.row(label, "amount", max_length=20, placeholder="0.00")
        yield self.error_line("amount")
        yield Label(plain(_("or by notes and coins (how many of each):")),
                    classes="field-label")
        with Grid(id=f"{self.PREFIX}-pieces", classes="cash-pieces"):
            for face in DENOMINATIONS:
                yield Horizontal(
                    Label(plain(_(DENOMINATION_WORDS[face])), classes="piece-label"),
                    Input(id=f"{self.PREFIX}-d{face}", compact=True, max_length=6,
                          restrict=r"[0-9０-９]*", placeholder="0", classes="piece-input"),
                    classes="piece")
        yield Static(plain(""), id=f"{self.PREFIX}-sum", classes="cash-sum", markup=False)
        yield self.error_line("denominations")

    def pieces(self) -> dict[int, str] | None:
        """The notes and coins typed ({face: text}), or None when none was."""
        typed = {face: self.query_one(f"#{self.PREFIX}-d{face}", Input).value.strip()
                 for face in DENOMINATIONS}
        typed = {face: text for face, text in typed.items() if text}
        return typed or None

    def total_text(self) -> str:
        return self.query_one(f"#{self.PREFIX}-amount", Input).value

    @on(Input.Changed, ".piece-input")
    def _pieces_changed(self) -> None:
        box = self.query_one(f"#{self.PREFIX}-sum", Static)
        pieces = self.pieces()
        if pieces is None:
            box.update(plain(""))
            return
        try:
            box.update(plain("= " + format_fen(denominations_total(pieces))))
        except DutyError as exc:
            box.update(plain("✗ " + exc.message))

    # --- errors -----------------------------------------------------------------------------
    def set_error(self, field: str, message: str) -> None:
        field = self.FIELD_OF.get(field, field)
        name = field if field in self.FIELDS else ""
        target = f"#{self.PREFIX}-{name}-error" if name else f"#{self.PREFIX}-error"
        line = self.query_one(target, Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def clear_errors(self) -> None:
        for field in ("", *self.FIELDS):
            self.set_error(field, "")

    # --- saving -----------------------------------------------------------------------------
    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)

    def action_save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        self.saving = True
        self._save(self.values())

    def values(self) -> dict:
        raise NotImplementedError

    def write(self, values: dict):
        """The duty itself (in the worker, inside the connection context)."""
        raise NotImplementedError

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.has_class("piece-input"):
            self.focus_next()  # a slip of Enter never sends half a count
        else:
            self.action_save()

    @work(thread=True, exclusive=True, group="cash-form")
    def _save(self, values: dict) -> None:
        try:
            with database.connection_context():
                result = self.write(values)
        except DutyError as exc:
            self.app.call_from_thread(self.refused, exc)
            return
        except DeskError as exc:
            self.app.call_from_thread(self.refused, DutyError(exc.message))
            return
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the form
            self.app.call_from_thread(self.refused, DutyError(
                _("Not saved: {error}").format(error=exc)))
            return
        self.app.call_from_thread(self.saved, result)

    def refused(self, exc: DutyError) -> None:
        self.saving = False
        self.set_error(exc.field or "", exc.message)
        field = self.FIELD_OF.get(exc.field or "", exc.field or "")
        if field in self.FIELDS and field != "denominations":
            self.query_one(f"#{self.PREFIX}-{field}").focus()

    def saved(self, result) -> None:
        self.saving = False
        self.dismiss(True)


class OpenDrawerForm(CashForm):
    """Count the float into today's drawer."""

    PREFIX = "cash-open"
    FIELDS = ("amount", "denominations")
    FIELD_OF = {"float": "amount"}

    def compose(self) -> ComposeResult:
        with Vertical(id="cash-open-form", classes="form cash-form"):
            yield Static(plain(_("Open your cash drawer: count the float")),
                         classes="form-title", markup=False)
            yield self.error_line()
            yield from self.count_boxes(_("Float"))
            yield Static(plain(_("Tab next · Enter or ctrl+s open · Esc cancel")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#cash-open-amount", Input).focus()

    def values(self) -> dict:
        return {"amount": self.total_text(), "pieces": self.pieces()}

    def write(self, values: dict):
        return open_session(self.session.office, self.session.staff, values["amount"],
                            denominations=values["pieces"])

    def saved(self, result) -> None:
        self.app.notify(_("Drawer open with a float of {amount}.").format(
            amount=format_fen(result.opening_float)), title=_("Cash"), markup=False,
            timeout=4)
        super().saved(result)


class DepositForm(CashForm):
    """Cash taken to the bank: amount (all that waits, to start with), slip, bank, time."""

    PREFIX = "cash-deposit"
    FIELDS = ("amount", "slip_number", "bank", "at")

    def compose(self) -> ComposeResult:
        waiting = self.view.waiting
        with Vertical(id="cash-deposit-form", classes="form cash-form"):
            yield Static(plain(_("Deposit at the bank")), classes="form-title", markup=False)
            yield Static(plain(_("Waiting for the bank: {amount}").format(
                amount=format_fen(waiting.total))), markup=False)
            yield self.error_line()
            yield self.row(_("Amount"), "amount", max_length=20,
                           value=format_fen(waiting.total, symbol=False))
            yield self.error_line("amount")
            yield self.row(_("Slip number"), "slip_number", max_length=60,
                           placeholder=_("from the bank's slip"))
            yield self.error_line("slip_number")
            yield self.row(_("Bank"), "bank", max_length=80, value=self.view.last_bank)
            yield self.error_line("bank")
            yield self.row(_("Time"), "at", max_length=40,
                           placeholder=_("empty: now; or 16:50"))
            yield self.error_line("at")
            yield Static(plain(_("Tab next · Enter or ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#cash-deposit-slip_number", Input).focus()

    def values(self) -> dict:
        return {field: self.query_one(f"#cash-deposit-{field}", Input).value
                for field in self.FIELDS}

    def write(self, values: dict):
        text = values["at"]
        at = parse_local_datetime(text, tz=self.session.tz, now=now_utc(), field="at",
                                  allow_past=True) if text.strip() else None
        return record_deposit(self.session.office, self.session.staff, values["amount"],
                              values["slip_number"], at=at, bank=values["bank"])

    def saved(self, result) -> None:
        self.app.notify(_("{amount} deposited, slip {slip}.").format(
            amount=format_fen(result.amount), slip=result.slip_number), title=_("Cash"),
            markup=False, timeout=4)
        super().saved(result)


class CloseDrawerForm(CashForm):
    """The blind count: what is in the drawer first; expected and difference after."""

    PREFIX = "cash-close"
    FIELDS = ("amount", "denominations", "reason", "approver", "pin")
    FIELD_OF = {"counted": "amount"}
    BINDINGS = [Binding("enter", "done", show=False)]

    def __init__(self, session, view: CashView) -> None:
        super().__init__(session, view)
        self.count: dict | None = None  # the count sent, frozen once the figures show
        self.result: CloseResult | None = None  # closed

    def compose(self) -> ComposeResult:
        drawer = self.view.drawer
        day = day_label(drawer.day) if drawer else ""
        with Vertical(id="cash-close-form", classes="form cash-form"):
            yield Static(plain(_("Close your drawer of {day}: blind count").format(day=day)),
                         classes="form-title", markup=False)
            yield Static(plain(_("Count the drawer, float included; the expected figure "
                                 "shows after ctrl+s.")), classes="form-hint", markup=False)
            yield self.error_line()
            yield from self.count_boxes(_("Counted"))
            yield Static(plain(""), id="cash-close-result", markup=False)
            with Vertical(id="cash-close-approval"):
                yield self.row(_("Reason"), "reason", max_length=REASON_LIMIT + 50,
                               placeholder=_("why the count is off"))
                yield self.error_line("reason")
                with Horizontal(classes="cash-row"):
                    yield Label(plain(_("Approved by")), classes="field-label")
                    yield Select([], prompt=_("supervisor"), compact=True,
                                 id="cash-close-approver")
                    yield Label(plain(_("PIN")), classes="field-label cash-pin-label")
                    yield Input(id="cash-close-pin", password=True, compact=True,
                                max_length=32)
                yield self.error_line("approver")
                yield self.error_line("pin")
            yield Static(plain(_("Tab next · ctrl+s count · Esc cancel")),
                         id="cash-close-hint", classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#cash-close-approval").display = False
        self.query_one("#cash-close-result").display = False
        people = [(plain(name), staff_id) for staff_id, name in self.view.approvers
                  if staff_id != self.session.staff.id]
        select = self.query_one("#cash-close-approver", Select)
        select.set_options(people)
        if len(people) == 1:
            select.value = people[0][1]
        self.query_one("#cash-close-amount", Input).focus()

    def values(self) -> dict:
        if self.count is None:
            self.count = {"amount": self.total_text(), "pieces": self.pieces()}
        if not self.query_one("#cash-close-approval").display:  # the count alone first
            return {**self.count, "reason": "", "approver": None, "pin": ""}
        approver = self.query_one("#cash-close-approver", Select).value
        pin_box = self.query_one("#cash-close-pin", Input)
        pin, pin_box.value = pin_box.value, ""  # never kept on screen after a try
        return {**self.count, "reason": self.query_one("#cash-close-reason", Input).value,
                "approver": None if approver is Select.NULL else approver, "pin": pin}

    def write(self, values: dict):
        drawer = self.view.drawer
        return close_session(self.session.office, self.session.staff, values["amount"] or None,
                             denominations=values["pieces"], reason=values["reason"],
                             approver_id=values["approver"], approver_pin=values["pin"] or None,
                             session_id=drawer.session_id if drawer else None)

    def action_save(self) -> None:
        if self.result is not None:  # closed: ctrl+s (or Enter) goes back
            self.dismiss(True)
            return
        super().action_save()

    def action_cancel(self) -> None:
        if self.result is not None:
            self.dismiss(True)
            return
        super().action_cancel()

    def action_done(self) -> None:
        """Enter once the drawer is closed (no box has the cursor then)."""
        if self.result is not None:
            self.dismiss(True)

    def refused(self, exc: DutyError) -> None:
        if isinstance(exc, NeedsApproval):
            self._show_figures(exc.result)
            self.query_one("#cash-close-approval").display = True
            self.query_one("#cash-close-hint", Static).update(plain(
                _("Over the {limit} limit: reason, supervisor, PIN · ctrl+s close · Esc "
                  "cancel").format(limit=format_fen(exc.limit))))
        elif self.count is not None and exc.field in ("counted", "denominations", "session"):
            self.count = None  # a count the duty refused is not frozen: correct it
        super().refused(exc)

    def _show_figures(self, result: CloseResult) -> None:
        box = self.query_one("#cash-close-result", Static)
        box.update(plain(result_line(result)))
        box.display = True
        for widget in self.query(".piece-input"):
            widget.disabled = True
        self.query_one("#cash-close-amount", Input).disabled = True

    def saved(self, result: CloseResult) -> None:
        self.saving = False
        self.result = result
        self.clear_errors()
        self._show_figures(result)
        self.query_one("#cash-close-approval").display = False
        word = _("banked") if result.state == "banked" else _("closed")
        self.query_one("#cash-close-hint", Static).update(plain(
            _("Drawer {state}. Enter or Esc: back").format(state=word)))
        self.set_focus(None)
