"""The F6 cash screen's forms [5.3]: count the float in, take cash to the bank, and close
the drawer with a blind count.

Each is a ``DeskForm`` (``CashForm`` holds what they share): one error line per field, fed
by ``DutyError.field``; the duty (``cash.open_session``, ``record_deposit``,
``close_session``) runs in the kit's worker; ctrl+s saves, and so does Enter in any box but
a note's or coin's, where it moves to the next one (a slip of Enter never sends half a
count). Esc closes an untouched form and asks before throwing away what was typed. A count
is a total, or notes and coins (their sum shows as they are typed).

The deposit form starts at the slip number, the first thing the clerk types; the time may
stay empty (now); the amount (all that waits) and the bank (the last one used) come last,
filled in, so that a Tab after the slip never lands on them.

The close form is blind: it asks for the count first and shows the expected figure and the
difference only once ctrl+s has sent the count. Beyond the office's limit the duty refuses
with the figures (``NeedsApproval``): the count is then frozen, and the form asks for the
reason, the supervisor and their PIN; ctrl+s again closes. What is typed into it is kept as
a draft until the drawer is closed (a count of notes and coins takes a while).
"""

from __future__ import annotations

from dataclasses import replace
from importlib.resources import files

from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Input, Label, Static

from deskterm.clock import now_utc
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
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.form_parts import likely, person_field, pin_field
from deskterm.screens.kit.fields import Field, error_line
from deskterm.screens.kit.form import DeskForm

PIECES = tuple(f"d{face}" for face in DENOMINATIONS)
#: The duty's names for the count's two parts (the total's field is the form's "amount").
COUNT_NAMES = ("float", "counted")


def signed(fen: int) -> str:
    """A difference with its sign written out: ``+¥2.70``, ``-¥10.01``, ``¥0.00``."""
    return ("+" if fen > 0 else "") + format_fen(fen)


def result_line(result: CloseResult) -> str:
    over = (_("over") if result.difference > 0 else _("short") if result.difference < 0
            else _("exact"))
    return _("Expected {expected} · counted {counted} · difference {diff} ({word})").format(
        expected=format_fen(result.expected), counted=format_fen(result.counted),
        diff=signed(result.difference), word=over)


def count_fields(label: str) -> tuple[Field, ...]:
    """The total and the notes and coins, how many of each."""
    return (Field("amount", label, max_length=20, placeholder="0.00", also=COUNT_NAMES),
            *(Field(f"d{face}", DENOMINATION_WORDS[face], max_length=6,
                    restrict=r"[0-9０-９]*", placeholder="0") for face in DENOMINATIONS))


class CashForm(DeskForm[bool | None]):
    """What the three forms share: the count boxes and their sum, Enter, the notice."""

    CSS_PATH = str(files("deskterm.styles") / "cash.tcss")

    def __init__(self, session, view: CashView) -> None:
        super().__init__(session, id=f"{self.PREFIX}-screen",
                         classes="kit-form-screen cash-form-screen")
        self.view = view

    # --- the count ----------------------------------------------------------------------
    def compose_count(self):
        yield self.field("amount")
        yield Label(plain(_("or by notes and coins (how many of each):")),
                    classes="field-label")
        yield Grid(*(self.field(name) for name in PIECES), id=f"{self.PREFIX}-pieces",
                   classes="cash-pieces")
        yield Static(plain(""), id=f"{self.PREFIX}-sum", classes="cash-sum", markup=False)
        yield error_line(self.PREFIX, "denominations")

    @staticmethod
    def pieces(values: dict) -> dict[int, str] | None:
        """The notes and coins typed ({face: text}), or None when none was."""
        typed = {face: (values.get(f"d{face}") or "").strip() for face in DENOMINATIONS}
        typed = {face: text for face, text in typed.items() if text}
        return typed or None

    def field_changed(self, name: str) -> None:
        if name not in PIECES:
            return
        pieces = self.pieces(self.values())
        text = ""
        if pieces is not None:
            try:
                text = "= " + format_fen(denominations_total(pieces))
            except DutyError as exc:
                text = "✗ " + exc.message
        self.query_one(f"#{self.PREFIX}-sum", Static).update(plain(text))

    def field_of(self, duty_field: str | None) -> str:
        if duty_field == "denominations":
            return "denominations"
        return super().field_of(duty_field)

    def entered(self, field: Input) -> bool:
        """Enter in a note's or coin's box moves on; anywhere else it saves."""
        if (field.id or "").removeprefix(f"{self.PREFIX}-") in PIECES:
            return False
        self.action_save()
        return True

    def notice(self, message: str) -> None:
        self.app.notify(message, title=_("Cash"), markup=False, timeout=4)


class OpenDrawerForm(CashForm):
    """Count the float into today's drawer."""

    PREFIX = "cash-open"
    FIELDS = count_fields(N_("Float"))
    TITLE_TEXT = N_("Open your cash drawer: count the float")
    HINT = N_("Tab next · Enter or ctrl+s open · Esc cancel")

    def form_fields(self):
        """The office's usual float (the manager's setting) shown in the empty total:
        Enter on it takes that float."""
        usual = getattr(self.office, "default_float", 0) or 0
        amount, *rest = self.FIELDS
        if usual > 0:
            amount = replace(amount, placeholder=_("{amount}: Enter takes the usual float")
                             .format(amount=format_fen(usual, symbol=False)))
        return (amount, *rest)

    def compose_body(self):
        yield from self.compose_count()

    def check(self, values):
        values, errors = super().check(values)
        usual = getattr(self.office, "default_float", 0) or 0
        if usual > 0 and not (values.get("amount") or "").strip() and not self.pieces(values):
            values["amount"] = format_fen(usual, symbol=False)
        return values, errors

    def save(self, values):
        return open_session(self.office, self.session.staff, values["amount"],
                            denominations=self.pieces(values))

    def saved(self, result) -> None:
        self.notice(_("Drawer open with a float of {amount}.").format(
            amount=format_fen(result.opening_float)))
        self.dismiss(True)


class DepositForm(CashForm):
    """Cash taken to the bank: slip, time, then the amount (all that waits, to start
    with) and the bank (the last one used)."""

    PREFIX = "cash-deposit"
    TITLE_TEXT = N_("Deposit at the bank")
    HINT = N_("Tab next · Enter or ctrl+s save · Esc cancel")

    def __init__(self, session, view: CashView) -> None:
        super().__init__(session, view)
        self.note = _("Waiting for the bank: {amount}").format(
            amount=format_fen(view.waiting.total))

    def form_fields(self):
        view = self.view
        return (
            Field("slip_number", N_("Slip number"), max_length=60,
                  placeholder=N_("from the bank's slip")),
            Field("at", N_("Time"), max_length=40, placeholder=N_("empty: now; or 16:50")),
            Field("amount", N_("Amount"), max_length=20,
                  initial=format_fen(view.waiting.total, symbol=False)),
            Field("bank", N_("Bank"), max_length=80, initial=view.last_bank),
        )

    def check(self, values):
        values, errors = super().check(values)
        text = (values.get("at") or "").strip()
        values["at"] = None
        if text:
            try:
                values["at"] = parse_local_datetime(text, tz=self.session.tz, now=now_utc(),
                                                    field="at", allow_past=True)
            except DutyError as exc:
                errors["at"] = exc.message
        return values, errors

    def save(self, values):
        return record_deposit(self.office, self.session.staff, values["amount"] or "",
                              values["slip_number"] or "", at=values["at"],
                              bank=values["bank"] or "")

    def saved(self, result) -> None:
        self.notice(_("{amount} deposited, slip {slip}.").format(
            amount=format_fen(result.amount), slip=result.slip_number))
        self.dismiss(True)


class CloseDrawerForm(CashForm):
    """The blind count: what is in the drawer first; expected and difference after."""

    PREFIX = "cash-close"
    DRAFT = "cash_close"
    HINT = N_("Tab next · ctrl+s count · Esc cancel")
    BINDINGS = [Binding("enter", "done", show=False)]

    def __init__(self, session, view: CashView) -> None:
        super().__init__(session, view)
        drawer = view.drawer
        self.form_title = _("Close your drawer of {day}: blind count").format(
            day=day_label(drawer.day) if drawer else "")
        self.note = _("Count the drawer, float included; the expected figure shows after "
                      "ctrl+s.")
        self.frozen: dict | None = None  # the count the figures were shown for
        self.sent: dict | None = None  # the count of the save under way
        self.asking: NeedsApproval | None = None  # set by the save's worker
        self.result: CloseResult | None = None  # closed

    def form_fields(self):
        me = self.session.staff.id
        people = [(staff_id, name) for staff_id, name in self.view.approvers if staff_id != me]
        return (*count_fields(N_("Counted")),
                Field("reason", N_("Reason"), max_length=REASON_LIMIT + 50,
                      placeholder=N_("why the count is off")),
                person_field("approver", N_("Approved by"),
                             options=[(name, staff_id) for staff_id, name in people],
                             initial=likely(people)),
                pin_field())

    def draft_subject(self) -> str:
        drawer = self.view.drawer
        return str(drawer.session_id) if drawer else ""

    def compose_body(self):
        yield from self.compose_count()
        yield Static(plain(""), id="cash-close-result", markup=False)
        yield Vertical(self.field("reason"),
                       Horizontal(self.field("approver"), self.field("pin"),
                                  classes="kit-row"),
                       id="cash-close-approval")

    def on_mount(self) -> None:  # Textual calls DeskForm.on_mount after this one
        self.query_one("#cash-close-approval").display = False
        self.query_one("#cash-close-result").display = False

    @property
    def approving(self) -> bool:
        return bool(self.query_one("#cash-close-approval").display)

    # --- saving ------------------------------------------------------------------------------
    def check(self, values):
        count = self.frozen or {"amount": values.get("amount") or "",
                                "pieces": self.pieces(values)}
        self.sent = count
        if not self.approving:  # the count alone first
            return {**count, "reason": "", "approver": None, "pin": ""}, {}
        return {**count, "reason": values.get("reason") or "",
                "approver": values.get("approver"), "pin": values.get("pin") or ""}, {}

    def save(self, values):
        drawer = self.view.drawer
        try:
            return close_session(
                self.office, self.session.staff, values["amount"] or None,
                denominations=values["pieces"], reason=values["reason"],
                approver_id=values["approver"], approver_pin=values["pin"] or None,
                session_id=drawer.session_id if drawer else None)
        except NeedsApproval as exc:
            self.asking = exc  # a plain attribute: read by ``refused`` on the UI thread
            raise

    def refused(self, field: str, message: str) -> None:
        asking, self.asking = self.asking, None
        if asking is not None:
            self.frozen = self.sent
            self._show_figures(asking.result)
            self.query_one("#cash-close-approval").display = True
            # The hint line shows _(HINT): a text with its figure in it stays as it is.
            self.HINT = _("Over the {limit} limit: reason, supervisor, PIN · ctrl+s close · "
                          "Esc cancel").format(limit=format_fen(asking.limit))
        elif field in ("counted", "denominations", "session") and self.frozen is not None:
            self.frozen = None  # a count the duty refused is not frozen: correct it
            self._freeze(False)
        super().refused(field, message)

    def _hint(self, text: str) -> None:
        self.query_one(f"#{self.PREFIX}-hint", Static).update(plain(text))

    def _freeze(self, frozen: bool) -> None:
        for name in ("amount", *PIECES):
            self.widget(name).disabled = frozen

    def _show_figures(self, result: CloseResult) -> None:
        box = self.query_one("#cash-close-result", Static)
        box.update(plain(result_line(result)))
        box.display = True
        self._freeze(True)

    def saved(self, result: CloseResult) -> None:
        self.result = result
        self.clear_errors()
        self._show_figures(result)
        self.query_one("#cash-close-approval").display = False
        word = _("banked") if result.state == "banked" else _("closed")
        self._hint(_("Drawer {state}. Enter or Esc: back").format(state=word))
        self.set_focus(None)

    # --- once closed, any of Enter, Esc and ctrl+s goes back ----------------------------
    def action_save(self) -> None:
        if self.result is not None:
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
