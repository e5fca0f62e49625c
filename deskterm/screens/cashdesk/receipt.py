"""The receipt as printed, after a payment (F3) or from a unit's account [7.4.13].

``open_receipt(app, receipt_id)`` shows ``receipt_text`` (40 cells, as the paper) with the
number and, after a payment, the time from F3 to the receipt. ``p`` writes it as a plain
text file and ``e`` as an ESC/POS file for the receipt printer (``write_receipt``, into the
export folder) and shows the path. ``v`` voids it through ``VoidForm``: the reason, the
supervisor or manager and their own PIN (``receipts.void_receipt``); the receipt then
shows its VOID mark. A voided receipt is never deleted. Esc closes.
"""

from __future__ import annotations

from importlib.resources import files

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.cashdesk.receipt_text import (
    ReceiptView,
    receipt_text,
    receipt_view,
    write_receipt,
)
from deskterm.duties.cashdesk.receipts import APPROVERS, REASON_LIMIT, staff_choices, void_receipt
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.money import format_fen
from deskterm.screens.kit.form_kit import run_duty
from deskterm.screens.kit.lookup_form import LimitedInput

CSS = str(files("deskterm.styles") / "payments.tcss")
WIDTH = 40


def minutes_seconds(seconds: float) -> str:
    whole = max(0, int(round(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


def open_receipt(app, receipt_id: int, *, elapsed: float | None = None,
                 folder=None) -> ReceiptScreen | None:
    """Show the receipt ``receipt_id`` (``elapsed``: seconds from F3 to it, shown)."""
    if app.session.staff is None:
        return None
    screen = ReceiptScreen(app.session, receipt_id, elapsed=elapsed, folder=folder)
    app.push_screen(screen)
    return screen


def _worker_error(call, *args):
    """``(result, None)`` or ``(None, message)`` of ``call`` inside a connection."""
    try:
        with database.connection_context():
            return call(*args), None
    except DeskError as exc:
        return None, exc.message
    except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the screen
        return None, str(exc)


class ReceiptScreen(ModalScreen[None]):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("p", "print('text')", show=False),
        Binding("e", "print('escpos')", show=False),
        Binding("v", "void", show=False),
    ]

    def __init__(self, session, receipt_id: int, *, elapsed: float | None = None,
                 folder=None) -> None:
        super().__init__(id="receipt")
        self.session = session
        self.receipt_id = receipt_id
        self.elapsed = elapsed
        self.folder = folder
        self.view: ReceiptView | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="rc-form", classes="form"):
            yield Static(plain(_("Receipt")), id="rc-title", classes="form-title",
                         markup=False)
            with VerticalScroll(id="rc-scroll"):
                yield Static(plain("…"), id="rc-text", markup=False)
            yield Static(plain(""), id="rc-result", markup=False)
            yield Static(plain(""), id="rc-error", classes="rc-error", markup=False)
            yield Static(plain(_("p print · e printer file · v void · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#rc-scroll").focus()
        self._load()

    @work(thread=True, exclusive=True, group="receipt-load")
    def _load(self) -> None:
        view, error = _worker_error(receipt_view, self.session.office, self.receipt_id)
        self.app.call_from_thread(self._show, view, error)

    def _show(self, view: ReceiptView | None, error: str | None) -> None:
        if view is None:
            self.set_error(error or "")
            return
        self.view = view
        title = _("Receipt {number}").format(number=view.number)
        if view.voided:
            title += " · " + _("VOID")
        if self.elapsed is not None:
            title += " · " + _("F3 to receipt {time}").format(
                time=minutes_seconds(self.elapsed))
        self.query_one("#rc-title", Static).update(plain(fit(title, 46)))
        lines = receipt_text(view, WIDTH).rstrip("\n").split("\n")
        self.query_one("#rc-text", Static).update(Text("\n").join(map(plain, lines)))

    def action_print(self, kind: str) -> None:
        if self.view is None or self.busy:
            return
        self.busy = True
        self.set_error("")
        self._print(self.view, kind)

    @work(thread=True, exclusive=True, group="receipt-print")
    def _print(self, view: ReceiptView, kind: str) -> None:
        try:
            path = write_receipt(view, self.folder, kind, tz=self.session.tz)
        except DeskError as exc:
            self.app.call_from_thread(self._printed, None, exc.message)
            return
        self.app.call_from_thread(self._printed, str(path), None)

    def _printed(self, path: str | None, error: str | None) -> None:
        self.busy = False
        if path is None:
            self.set_error(error or "")
        else:
            self.query_one("#rc-result", Static).update(plain(
                _("Receipt written: {path}").format(path=path)))

    def action_void(self) -> None:
        if self.view is None or self.busy:
            return
        if self.view.voided:
            self.set_error(_("Receipt {number} is already void.").format(
                number=self.view.number))
            return
        self.app.push_screen(VoidForm(self.session, self.view), callback=self._voided)

    def _voided(self, done: bool | None) -> None:
        if done:
            self.query_one("#rc-result", Static).update(plain(
                _("Receipt {number} voided; its payment is reversed.").format(
                    number=self.view.number if self.view else "")))
            self._load()

    def set_error(self, message: str) -> None:
        line = self.query_one("#rc-error", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(None)


class VoidForm(ModalScreen[bool | None]):
    """Void one receipt: reason, supervisor or manager, their PIN. True when voided."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]
    FIELDS = ("reason", "approver", "pin")

    def __init__(self, session, view: ReceiptView) -> None:
        super().__init__(id="void-receipt")
        self.session = session
        self.view = view
        self.saving = False

    def compose(self) -> ComposeResult:
        view = self.view
        with Vertical(id="vf-form", classes="form"):
            yield Static(plain(_("Void receipt {number}").format(number=view.number)),
                         classes="form-title", markup=False)
            yield Static(plain(fit(" · ".join(p for p in (
                view.unit, view.payer, format_fen(view.total), view.issued) if p), 60)),
                markup=False)
            with Horizontal(classes="vf-row"):
                yield Label(plain(_("Reason")))
                yield LimitedInput(id="vf-reason", compact=True, max_length=REASON_LIMIT,
                                   placeholder=_("why the receipt is wrong"))
            yield self._error("reason")
            with Horizontal(classes="vf-row"):
                yield Label(plain(_("Approved by")))
                yield Select([], prompt=_("supervisor"), compact=True, id="vf-approver")
                yield Label(plain(_("PIN")))
                yield Input(id="vf-pin", password=True, compact=True, max_length=32,
                            placeholder=_("their own PIN"))
            yield self._error("approver")
            yield self._error("pin")
            yield self._error("")
            yield Static(plain(_("The receipt stays, marked VOID; its payment is reversed.")),
                         classes="form-hint", markup=False)
            yield Static(plain(_("ctrl+s void · Esc cancel")), classes="form-hint",
                         markup=False)

    def _error(self, field: str) -> Static:
        return Static(plain(""), id=f"vf-error-{field or 'form'}", classes="vf-error",
                      markup=False)

    def on_mount(self) -> None:
        self.query_one("#vf-reason", Input).focus()
        self._people()

    @work(thread=True, exclusive=True, group="void-people")
    def _people(self) -> None:
        people, _message = _worker_error(staff_choices, self.session.office, APPROVERS)
        self.app.call_from_thread(self._show_people, people or [])

    def _show_people(self, people: list[tuple[int, str]]) -> None:
        select = self.query_one("#vf-approver", Select)
        select.set_options([(plain(name), staff_id) for staff_id, name in people])
        me = self.session.staff
        ids = [staff_id for staff_id, _name in people]
        if me is not None and me.id in ids:
            select.value = me.id
        elif len(ids) == 1:
            select.value = ids[0]

    @on(Input.Submitted, "#vf-reason")
    def _reason_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#vf-approver", Select).focus()

    @on(Input.Submitted, "#vf-pin")
    def _pin_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def set_error(self, field: str, message: str) -> None:
        name = field if field in self.FIELDS else "form"
        line = self.query_one(f"#vf-error-{name}", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def action_save(self) -> None:
        if self.saving:
            return
        for field in (*self.FIELDS, ""):
            self.set_error(field, "")
        value = self.query_one("#vf-approver", Select).value
        pin_box = self.query_one("#vf-pin", Input)
        pin, pin_box.value = pin_box.value, ""  # never kept on screen after a try
        self.saving = True
        staff = self.session.staff
        self._void(staff.id if staff else None, self.query_one("#vf-reason", Input).value,
                   None if value is Select.NULL else value, pin)

    @work(thread=True, exclusive=True, group="void-save")
    def _void(self, clerk_id, reason: str, approver_id, pin: str) -> None:
        run_duty(self, lambda: void_receipt(self.session.office, clerk_id, self.view.receipt_id,
                                            reason=reason, approver_id=approver_id,
                                            approver_pin=pin),
                 lambda _voided: self._voided(), self._refused)

    def _voided(self) -> None:
        self.saving = False
        self.dismiss(True)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.set_error(field, message)
        target = {"reason": "#vf-reason", "approver": "#vf-approver", "pin": "#vf-pin"}.get(
            field)
        if target:
            self.query_one(target).focus()

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
