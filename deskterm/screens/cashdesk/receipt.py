"""The receipt as printed, after a payment (F3) or from a unit's account [7.4.13].

``open_receipt(app, receipt_id)`` shows ``receipt_text`` (40 cells, as the paper) with the
number and, after a payment, the time from F3 to the receipt (a ``BookScreen``: read in the
kit's worker, trouble said on its line). ``p`` prints it, customer copy and stub (补打 on a
reprint), to this terminal's printer (``receipt_print.print_receipt``: the file kept in the
export folder first; a printer that does not answer is said on the message line within a
few seconds, naming the file); ``e`` only writes the ESC/POS file for a receipt printer
(``write_receipt``). ``v`` voids it through ``VoidForm`` (a ``DeskForm``): the reason, the
supervisor or manager and their own PIN (``receipts.void_receipt``); the receipt then
shows its VOID mark. A voided receipt is never deleted. Esc closes.
"""

from __future__ import annotations

from importlib.resources import files

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from deskterm.display import fit, plain
from deskterm.duties.cashdesk.receipt_print import print_receipt, write_receipt
from deskterm.duties.cashdesk.receipt_text import ReceiptView, receipt_text, receipt_view
from deskterm.duties.cashdesk.receipts import APPROVERS, REASON_LIMIT, staff_choices, void_receipt
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.form_parts import offer, person_field, pin_field
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.printing import printed_said, terminal_writer
from deskterm.screens.kit.tables import hint_line, lines_text, text_line, title_line

CSS = str(files("deskterm.styles") / "payments.tcss")
WIDTH = 40


def minutes_seconds(seconds: float) -> str:
    whole = max(0, int(round(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


def open_receipt(app, receipt_id: int, *, elapsed: float | None = None,
                 folder=None) -> ReceiptScreen | None:
    """Show the receipt ``receipt_id`` (``elapsed``: seconds from F3 to it, shown)."""
    return open_screen(app, ReceiptScreen, receipt_id, elapsed=elapsed, folder=folder)


class ReceiptScreen(BookScreen[None]):
    CSS_PATH = CSS
    PREFIX = "rc"
    BINDINGS = [
        Binding("p", "print", show=False),
        Binding("e", "printer_file", show=False),
        Binding("v", "void", show=False),
    ]

    def __init__(self, session, receipt_id: int, *, elapsed: float | None = None,
                 folder=None) -> None:
        super().__init__(session, id="receipt")
        self.receipt_id = receipt_id
        self.elapsed = elapsed
        self.folder = folder
        self.view: ReceiptView | None = None

    def compose(self):
        with Vertical(id="rc-form", classes="form"):
            yield title_line(_("Receipt"), id="rc-title")
            with VerticalScroll(id="rc-scroll"):
                yield text_line("…", id="rc-text")
            yield text_line(id="rc-result")
            yield self.message_line()
            yield hint_line(_("p print · e printer file · v void · Esc close"))

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#rc-scroll"))
        self.read()

    def fetch(self) -> ReceiptView:
        return receipt_view(self.office, self.receipt_id)

    def show(self, view: ReceiptView) -> None:
        self.view = view
        title = _("Receipt {number}").format(number=view.number)
        if view.voided:
            title += " · " + _("VOID")
        if self.elapsed is not None:
            title += " · " + _("F3 to receipt {time}").format(
                time=minutes_seconds(self.elapsed))
        self.query_one("#rc-title", Static).update(plain(fit(title, 46)))
        self.query_one("#rc-text", Static).update(
            lines_text(receipt_text(view, WIDTH).rstrip("\n").split("\n")))

    def _result(self, text: str) -> None:
        self.query_one("#rc-result", Static).update(plain(text))

    def action_print(self) -> None:
        """Customer copy and stub to this terminal's printer, off the UI thread."""
        if self.view is None or self.busy:
            return
        self.say("")
        self.tell(_("Printing…"), done=False)
        office, staff, receipt_id = self.office, self.session.staff, self.receipt_id
        folder, writer = self.folder, terminal_writer(self.app)
        self.act(lambda: print_receipt(office, staff.id if staff else None, receipt_id,
                                       terminal=writer, folder=folder),
                 lambda printed: printed_said(self, printed), group="print")

    def action_printer_file(self) -> None:
        view = self.view
        if view is None or self.busy:
            return
        self.say("")
        self.act(lambda: write_receipt(view, self.folder, "escpos", tz=self.session.tz),
                 lambda path: self._result(_("Receipt written: {path}").format(path=path)),
                 group="print")

    def action_void(self) -> None:
        if self.view is None:
            return
        if self.view.voided:
            self.say(_("Receipt {number} is already void.").format(number=self.view.number))
            return
        self.app.push_screen(VoidForm(self.session, self.view), callback=self._voided)

    def _voided(self, done: bool | None) -> None:
        if done:
            self._result(_("Receipt {number} voided; its payment is reversed.").format(
                number=self.view.number if self.view else ""))
            self.read()


class VoidForm(DeskForm[bool | None]):
    """Void one receipt: reason, supervisor or manager, their PIN. True when voided."""

    CSS_PATH = CSS
    PREFIX = "vf"
    DRAFT = "receipt_void"
    ENTER_SAVES = True
    HINT = N_("ctrl+s void · Esc cancel")
    FIELDS = (
        Field("reason", N_("Reason"), max_length=REASON_LIMIT,
              placeholder=N_("why the receipt is wrong")),
        person_field("approver", N_("Approved by")),
        pin_field(),
    )

    def __init__(self, session, view: ReceiptView) -> None:
        super().__init__(session, id="void-receipt")
        self.view = view
        self.form_title = _("Void receipt {number}").format(number=view.number)
        self.note = fit(" · ".join(p for p in (
            view.unit, view.payer, format_fen(view.total), view.issued) if p), 60)

    def compose_body(self):
        yield self.field("reason")
        yield Horizontal(self.field("approver"), self.field("pin"), classes="kit-row")
        yield hint_line(_("The receipt stays, marked VOID; its payment is reversed."))

    def draft_subject(self) -> str:
        return str(self.view.receipt_id)

    def load(self):
        return staff_choices(self.office, APPROVERS)

    def loaded(self, people) -> None:
        me = self.session.staff
        offer(self, "approver", people, me.id if me else None)

    def save(self, values):
        staff = self.session.staff
        return void_receipt(self.office, staff.id if staff else None, self.view.receipt_id,
                            reason=values["reason"] or "", approver_id=values["approver"],
                            approver_pin=values["pin"] or "")

    def saved(self, _void) -> None:
        self.dismiss(True)
