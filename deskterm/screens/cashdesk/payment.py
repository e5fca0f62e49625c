"""Taking a fee payment (F3) [5.1][7.4.13]: find the unit, see its dues, take the money.

The cursor starts in the roster lookup of call intake (``widgets/owner_lookup.py``): a
unit code, phone digits, a name or pinyin initials, and Enter picks the best match (a
unit code not on the roster is taken as it is). The unit's dues (``dues.unit_dues``) are
listed, all selected, the cursor on them: space toggles a due, ``a`` all or none, ``e``
(or Enter) changes the amount paid of the highlighted due (a part payment, the rest stays
owed). ``1``-``5`` choose the method (cash, card, transfer, WeChat, Alipay; cash first).
For cash, Tab goes to the amount tendered (empty: exact money) and the change follows
every key. ctrl+s, or Enter in the tendered box, confirms: ``payments.take_payment`` in a
thread worker; a refusal shows under its line and stores nothing. Once paid the form
closes and the receipt screen opens (``open_payment`` arranges it), showing the time from
F3 to the receipt.

Paying all of a unit's dues in cash with exact money: ``f3``, the unit code, ``enter``,
``ctrl+s`` (``benchmarks/payment_keys.py`` counts them). ctrl+s before the unit is
picked (or before its dues have come) picks the best match and pays once they are shown.
"""

from __future__ import annotations

import time
from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, OptionList, Static

from deskterm.db.models import database
from deskterm.display import plain
from deskterm.duties.cashdesk.dues import Due, unit_dues
from deskterm.duties.cashdesk.payments import METHOD_WORDS, PaymentResult, take_payment
from deskterm.duties.parsing import unit_code_query
from deskterm.duties.records import NAME_LIMIT
from deskterm.duties.residents.roster import unit_id_by_code
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import format_fen, parse_amount
from deskterm.screens.kit.form_kit import run_duty
from deskterm.screens.kit.lookup_form import LimitedInput
from deskterm.screens.kit.owner_lookup import OwnerLookup
from deskterm.widgets.dues_table import METHOD_KEYS, DuesTable, change_text, method_text

#: Where the duty's fields are shown.
LINE_OF = {"lines": "lines", "method": "method", "tendered": "tendered", "unit": "lookup",
           "payer_name": "payer", "amount": "amount"}
ERROR_LINES = ("lookup", "payer", "lines", "amount", "method", "tendered", "form")


def open_payment(app, *, folder=None) -> PaymentScreen | None:
    """F3: the payment form for whoever is signed in; once paid, the receipt screen
    (``receipt_screen.open_receipt``, its ``p`` writing to ``folder`` or the export
    folder) with the time since this call."""
    if app.session.staff is None:
        return None
    screen = PaymentScreen(app.session)

    def paid(result: PaymentResult | None) -> None:
        if result is not None:
            from deskterm.screens.cashdesk.receipt import open_receipt

            open_receipt(app, result.receipt_id, elapsed=screen.elapsed, folder=folder)

    app.push_screen(screen, callback=paid)
    return screen


class PaymentScreen(ModalScreen[PaymentResult | None]):
    CSS_PATH = str(files("deskterm.styles") / "payments.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("ctrl+s", "confirm", show=False, priority=True),
        Binding("space", "toggle", show=False),
        Binding("a", "toggle_all", show=False),
        Binding("e", "edit", show=False),
        *(Binding(key, f"method('{method}')", show=False) for key, method in METHOD_KEYS.items()),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="payment")
        self.session = session
        self.office = session.office
        self.started = time.monotonic()
        self.elapsed: float | None = None
        self.unit: tuple[int, str] | None = None  # (id, code) once found
        self.method = "cash"
        self.loading = False
        self.saving = False
        self._confirm_when_loaded = False
        self._ticket = 0  # the dues shown answer the latest unit asked for

    # --- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        def error(name: str) -> Static:
            return Static(plain(""), id=f"pay-error-{name}", classes="pay-error", markup=False)

        with VerticalScroll(id="pay-form", classes="form", can_focus=False):
            yield Static(plain(_("Payment — {office}").format(office=self.office.name)),
                         classes="form-title", markup=False)
            yield OwnerLookup(self.office, id="pay-lookup")
            yield error("lookup")
            with Horizontal(id="pay-who", classes="pay-row"):
                yield Static(plain(_("Unit: —")), id="pay-unit", markup=False)
                yield Label(plain(_("Payer")), classes="pay-label")
                yield LimitedInput(id="pay-payer", compact=True, max_length=NAME_LIMIT)
            yield error("payer")
            yield DuesTable(id="pay-dues")
            yield error("lines")
            with Horizontal(id="pay-edit", classes="pay-row"):
                yield Label(plain(_("Part")), classes="pay-label")
                yield Input(id="pay-amount", compact=True, max_length=20, disabled=True,
                            placeholder=_("e: pay part of the highlighted due"))
            yield error("amount")
            yield Static(plain(""), id="pay-methods", markup=False)
            yield error("method")
            with Horizontal(id="pay-money", classes="pay-row"):
                yield Static(plain(""), id="pay-total", markup=False)
                yield Label(plain(_("Tendered")), classes="pay-label")
                yield Input(id="pay-tendered", compact=True, max_length=20,
                            placeholder=_("empty: exact"))
                yield Static(plain(""), id="pay-change", markup=False)
            yield error("tendered")
            yield error("form")
            yield Static(plain(_("space select · e part · 1-5 method · Tab tendered · "
                                 "ctrl+s pay · Esc")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self._show_method()
        self._show_money()
        self.query_one(OwnerLookup).input.focus()

    # --- finding the unit -------------------------------------------------------------------
    @on(OwnerLookup.Picked)
    def _picked(self, event: OwnerLookup.Picked) -> None:
        hit = event.hit
        self.query_one("#pay-payer", Input).value = hit.name
        self._use_unit(hit.unit_id, hit.unit_code)

    @on(OwnerLookup.Unmatched)
    def _unmatched(self, event: OwnerLookup.Unmatched) -> None:
        code = unit_code_query(event.text)
        if not code:
            self._confirm_when_loaded = False
            self.set_error("lookup", _("Not found: type the unit code, a phone or a name "
                                       "from the roster.") if event.text.strip() else
                           _("Type the unit code, a phone or a name, then Enter."))
            return
        self._find_unit(code)

    @work(thread=True, exclusive=True, group="pay-unit")
    def _find_unit(self, code: str) -> None:
        with database.connection_context():
            unit_id = unit_id_by_code(self.office, code)
        self.app.call_from_thread(self._found_unit, unit_id, code)

    def _found_unit(self, unit_id: int | None, code: str) -> None:
        if unit_id is None:
            self._confirm_when_loaded = False
            self.set_error("lookup", _("There is no unit {unit} at this office.").format(
                unit=code))
            return
        self.query_one("#pay-payer", Input).value = ""
        self._use_unit(unit_id, code)

    def _use_unit(self, unit_id: int, code: str) -> None:
        self.set_error("lookup", "")
        self.query_one("#lookup-hits", OptionList).display = False
        self.unit = (unit_id, code)
        self.query_one("#pay-unit", Static).update(plain(_("Unit: {unit}").format(unit=code)))
        self.table.focus()
        self._load()

    def _load(self) -> None:
        if self.unit is None:
            return
        self._ticket += 1
        self.loading = True
        self._load_dues(self.unit[0], self._ticket)

    @work(thread=True, exclusive=True, group="pay-dues")
    def _load_dues(self, unit_id: int, ticket: int) -> None:
        try:
            with database.connection_context():
                dues = unit_dues(self.office, unit_id)
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the form
            self.app.call_from_thread(self._load_failed, ticket, str(exc))
            return
        self.app.call_from_thread(self._show_dues, ticket, dues)

    def _load_failed(self, ticket: int, message: str) -> None:
        if ticket == self._ticket:
            self.loading = self._confirm_when_loaded = False
            self.set_error("form", message)

    def _show_dues(self, ticket: int, dues: list[Due]) -> None:
        if ticket != self._ticket:
            return  # another unit was asked for since
        self.loading = False
        self.table.show(dues)
        if not dues:
            self.set_error("lines", _("Unit {unit} owes nothing.").format(unit=self.unit[1]))
        self._show_money()
        if self._confirm_when_loaded:
            self._confirm_when_loaded = False
            self.action_confirm()

    # --- the dues -----------------------------------------------------------------------------
    @property
    def table(self) -> DuesTable:
        return self.query_one("#pay-dues", DuesTable)

    def action_toggle(self) -> None:
        if not self.saving and self.table.toggle():
            self.set_error("lines", "")
            self._show_money()

    def action_toggle_all(self) -> None:
        if self.table.lines and not self.saving:
            self.table.toggle_all()
            self._show_money()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        found = self.table.current()
        if found is None or self.saving:
            return
        _key, line = found
        box = self.query_one("#pay-amount", Input)
        box.disabled = False
        box.value = ""
        box.placeholder = _("{owed} owed; Enter pays it all").format(
            owed=format_fen(line.due.outstanding))
        box.focus()

    def _end_edit(self) -> None:
        box = self.query_one("#pay-amount", Input)
        box.value = ""
        box.placeholder = _("e: pay part of the highlighted due")
        box.disabled = True
        self.set_error("amount", "")
        self.table.focus()

    @on(Input.Submitted, "#pay-amount")
    def _amount_entered(self, event: Input.Submitted) -> None:
        event.stop()
        found = self.table.current()
        if found is None:
            self._end_edit()
            return
        key, line = found
        text = event.value.strip()
        try:
            amount = parse_amount(text) if text else line.due.outstanding
            if amount <= 0:
                raise DutyError(_("Pay more than ¥0.00, or space to leave the due."))
            if amount > line.due.outstanding:
                raise DutyError(_("At most {owed} is owed.").format(
                    owed=format_fen(line.due.outstanding)))
        except DutyError as exc:
            self.set_error("amount", exc.message)
            return
        self.table.set_amount(key, amount)
        self._show_money()
        self._end_edit()

    # --- method and money ---------------------------------------------------------------------
    def action_method(self, method: str) -> None:
        if self.saving or method not in METHOD_WORDS:
            return
        self.method = method
        self.set_error("method", "")
        box = self.query_one("#pay-tendered", Input)
        box.disabled = method != "cash"
        if method != "cash":
            box.value = ""
            self.set_error("tendered", "")
        self._show_method()
        self._show_money()

    def _show_method(self) -> None:
        self.query_one("#pay-methods", Static).update(method_text(self.method))

    def _show_money(self) -> None:
        total = self.table.total()
        self.query_one("#pay-total", Static).update(plain(_("Total {total}").format(
            total=format_fen(total))))
        tendered = self.query_one("#pay-tendered", Input).value
        self.query_one("#pay-change", Static).update(plain(
            change_text(total, tendered) if self.method == "cash" else ""))

    @on(Input.Changed, "#pay-tendered")
    def _tendered_changed(self) -> None:
        self.set_error("tendered", "")
        self._show_money()

    @on(Input.Submitted, "#pay-tendered")
    def _tendered_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    @on(Input.Submitted, "#pay-payer")
    def _payer_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    # --- confirming ---------------------------------------------------------------------------
    def action_confirm(self) -> None:
        if self.saving:
            return
        if self.loading:  # Enter on the unit and ctrl+s typed faster than the dues came
            self._confirm_when_loaded = True
            return
        for name in ERROR_LINES:
            self.set_error(name, "")
        if self.unit is None:
            box = self.query_one(OwnerLookup).input
            if box.value.strip():  # typed but not (yet) picked: pick the best match, then pay
                self._confirm_when_loaded = True
                box.post_message(Input.Submitted(box, box.value))
                return
            self.set_error("lookup", _("Find the unit first: its code, then Enter."))
            box.focus()
            return
        lines = self.table.chosen()
        if not lines:
            self.set_error("lines", _("Choose what to pay (space selects a due)."))
            return
        tendered = None
        if self.method == "cash":
            text = self.query_one("#pay-tendered", Input).value
            try:
                tendered = parse_amount(text, field="tendered") if text.strip() else None
            except DutyError as exc:
                self._refused("tendered", exc.message)
                return
        self.saving = True
        self._take(self.unit[0], lines, self.method, tendered,
                   self.query_one("#pay-payer", Input).value)

    @work(thread=True, exclusive=True, group="pay-save")
    def _take(self, unit_id: int, lines, method: str, tendered, payer: str) -> None:
        staff = self.session.staff
        run_duty(self, lambda: take_payment(self.office, staff.id if staff else None,
                                            unit_id=unit_id, lines=lines, method=method,
                                            tendered=tendered, payer_name=payer),
                 self._taken, self._refused)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        name = LINE_OF.get(field, "form")
        self.set_error(name, message)
        if name == "tendered":
            self.query_one("#pay-tendered", Input).focus()
        elif name == "payer":
            self.query_one("#pay-payer", Input).focus()
        elif name == "lines":
            self._load()  # another desk may have taken some of it meanwhile

    def _taken(self, result: PaymentResult) -> None:
        self.saving = False
        self.elapsed = time.monotonic() - self.started
        if result.book_closed:
            self.app.notify(_("That was the last number of your receipt book: ask the "
                              "supervisor for a new one."), markup=False, timeout=8)
        self.dismiss(result)

    # --- lines --------------------------------------------------------------------------------
    def set_error(self, name: str, message: str) -> None:
        line = self.query_one(f"#pay-error-{name}", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def action_close(self) -> None:
        if self.saving:
            return
        if not self.query_one("#pay-amount", Input).disabled:
            self._end_edit()  # Esc leaves the amount as it was
            return
        self.dismiss(None)
