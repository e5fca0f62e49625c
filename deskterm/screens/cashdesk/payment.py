"""Taking a fee payment (F3) [5.1][7.4.13]: find the unit, see its dues, take the money.

The cursor starts in the roster lookup (``unit_part.UnitPart``): a unit code, phone digits,
a name or pinyin initials, and Enter picks the best match (a unit code not on the roster is
taken as it is). Under it the unit's card (``kit.unit_card``: open orders, what it owes,
the last callback, open complaints). The unit's dues (``dues.unit_dues``) are listed, all
selected, the cursor on them: space toggles a due, ``a`` all or none, ``e`` (or Enter) changes the amount paid of
the highlighted due (a part payment, the rest stays owed). ``1``-``5`` choose the method
(cash, card, transfer, WeChat, Alipay): none is chosen at first, the clerk says how the
money came (a payment is never cash by itself [6.5]). For cash (or before the method is
chosen), Tab goes from the dues to the amount tendered (empty: exact money) and the change
follows every key. ctrl+s, or Enter in
the tendered box, confirms: ``payments.take_payment`` in the kit's worker (``DeskForm``); a
refusal shows under its line and stores nothing. Once paid the form closes and the receipt
screen opens (``open_payment`` arranges it), showing the time from F3 to the receipt. The
hint under the form names the keys of the box the cursor is in.

Paying all of a unit's dues in cash with exact money: ``f3``, the unit code, ``enter``,
``1``, ``ctrl+s`` (``benchmarks/payment_keys.py`` counts them). ctrl+s before the unit is
picked (or before its dues have come) picks the best match and pays once they are shown;
so does ctrl+s after another unit was typed into the lookup (never the one shown before).
"""

from __future__ import annotations

import time
from importlib.resources import files

from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from deskterm.display import plain
from deskterm.duties.cashdesk.dues import Due, unit_dues
from deskterm.duties.cashdesk.payments import METHOD_WORDS, PaymentResult, take_payment
from deskterm.duties.records import NAME_LIMIT
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.money import format_fen, parse_amount
from deskterm.screens.cashdesk.unit_part import UnitPart
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.fields import Field, error_line
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.unit_card import UnitCard
from deskterm.widgets.dues_table import METHOD_KEYS, DuesTable, change_text, method_text

#: Where the duty's fields that are not the form's own are shown.
LINE_OF = {"lines": "lines", "method": "method", "unit": "lookup"}
PART_HINT = N_("e: pay part of the highlighted due")
#: The hint for each place of the cursor (what its keys do there).
HINTS = {
    "lookup": N_("Enter pick the unit · ↑↓ choose · ctrl+s pay · Esc cancel"),
    "payer": N_("Enter the dues · ctrl+s pay · Esc cancel"),
    "dues": N_("space select · e part · 1-5 method · Tab tendered · ctrl+s pay · Esc"),
    "dues-no-cash": N_("space select · e part · 1-5 method · ctrl+s pay · Esc"),
    "amount": N_("Enter take the amount · Esc leave it as it was"),
    "tendered": N_("Enter or ctrl+s pay · shift+Tab the dues · Esc cancel"),
}

FIELDS = (
    Field("payer", N_("Payer"), max_length=NAME_LIMIT, also=("payer_name",)),
    Field("amount", N_("Part"), max_length=20, placeholder=PART_HINT),
    Field("tendered", N_("Tendered"), max_length=20, placeholder=N_("empty: exact")),
)


def open_payment(app, *, folder=None) -> PaymentScreen | None:
    """F3: the payment form for whoever is signed in; once paid, the receipt screen
    (``receipt.open_receipt``, its ``p`` writing to ``folder`` or the export folder) with
    the time since this call."""
    def paid(result: PaymentResult | None) -> None:
        if result is not None and screen is not None:
            from deskterm.screens.cashdesk.receipt import open_receipt

            open_receipt(app, result.receipt_id, elapsed=screen.elapsed, folder=folder)

    screen = open_screen(app, PaymentScreen, callback=paid)
    return screen


class PaymentScreen(UnitPart, DeskForm[PaymentResult | None]):
    CSS_PATH = str(files("deskterm.styles") / "payments.tcss")
    PREFIX = "pay"
    FIELDS = FIELDS
    HINT = HINTS["lookup"]
    BINDINGS = [
        Binding("space", "toggle", show=False),
        Binding("a", "toggle_all", show=False),
        Binding("e", "edit", show=False),
        *(Binding(key, f"method('{method}')", show=False) for key, method in METHOD_KEYS.items()),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="payment", classes="kit-form-screen payment-form")
        self.form_title = _("Payment — {office}").format(office=self.office.name)
        self.started = time.monotonic()
        self.elapsed: float | None = None
        self.unit: tuple[int, str] | None = None  # (id, code) once found
        self._found_with = ""  # what the lookup held when the unit was found
        self.method: str | None = None  # the clerk chooses it (1-5)
        # Not ``loading``: that is Textual's own (a spinner over the whole screen).
        self.reading_dues = False  # the unit's dues are being read
        self._pay_when_ready = False  # ctrl+s came before the unit or its dues

    # --- layout ------------------------------------------------------------------------------
    def compose_body(self):
        yield self.unit_lookup()
        yield error_line(self.PREFIX, "lookup")
        yield Horizontal(Static(plain(_("Unit: —")), id="pay-unit", markup=False),
                         self.field("payer"), id="pay-who", classes="kit-row")
        yield UnitCard(self.office, self.session.tz, id="pay-card")
        yield DuesTable(id="pay-dues")
        yield error_line(self.PREFIX, "lines")
        yield self.field("amount")
        yield Static(plain(""), id="pay-methods", markup=False)
        yield error_line(self.PREFIX, "method")
        yield Horizontal(Static(plain(""), id="pay-total", markup=False),
                         self.field("tendered"),
                         Static(plain(""), id="pay-change", markup=False), id="pay-money",
                         classes="kit-row")

    def on_mount(self) -> None:  # Textual calls DeskForm.on_mount after this one
        self.widget("amount").disabled = True
        self._show_method()
        self._show_money()

    def opening(self) -> None:  # a form built ahead: the call's time from its key
        self.started = time.monotonic()

    @property
    def table(self) -> DuesTable:
        return self.query_one("#pay-dues", DuesTable)

    def first_focus(self):
        return self.lookup_input if self.unit is None else self.table

    # --- the hint follows the cursor -------------------------------------------------------
    def on_descendant_focus(self, event) -> None:
        self._show_hint()

    def _show_hint(self) -> None:
        focused = self.focused
        place = "lookup"
        if focused is self.table:
            place = "dues" if self.method in (None, "cash") else "dues-no-cash"
        elif focused is not None and focused.id in ("pay-payer", "pay-amount", "pay-tendered"):
            place = focused.id.removeprefix("pay-")
        self.HINT = HINTS[place]
        if not self.saving:  # while saving the line says so
            self.query_one(f"#{self.PREFIX}-hint", Static).update(plain(_(self.HINT)))

    # --- finding the unit -------------------------------------------------------------------
    def unit_found(self, unit_id: int, code: str, hit) -> None:
        self.show_error("lookup", "")
        self.set_initial("payer", hit.name if hit is not None else "")
        self.unit = (unit_id, code)
        self._found_with = self.lookup_input.value
        self.query_one("#pay-unit", Static).update(plain(_("Unit: {unit}").format(unit=code)))
        self.set_focus(self.table)
        self._load()

    def unit_missing(self, text: str, code: str) -> None:
        self._pay_when_ready = False
        if code:
            message = _("There is no unit {unit} at this office.").format(unit=code)
        elif text:
            message = _("Not found: type the unit code, a phone or a name from the roster.")
        else:
            message = _("Type the unit code, a phone or a name, then Enter.")
        self.show_error("lookup", message)

    def unit_unread(self, message: str) -> None:
        self._pay_when_ready = False
        self.show_error("lookup", message)

    def _load(self) -> None:
        if self.unit is None:
            return
        self.reading_dues = True
        self._hold_keys()  # keys typed meanwhile are for the dues: they wait for them
        unit_id = self.unit[0]
        run_duty(self, lambda: unit_dues(self.office, unit_id), done=self._show_dues,
                 refused=self._dues_refused, group="pay-dues", load=True)

    def _dues_refused(self, _field: str, message: str) -> None:
        self.reading_dues = self._pay_when_ready = False
        self.show_error("form", message)
        self._release_keys()

    def _show_dues(self, dues: list[Due]) -> None:
        self.reading_dues = False
        self.table.show(dues)
        self._release_keys()
        if not dues:
            self.show_error("lines", _("Unit {unit} owes nothing.").format(unit=self.unit[1]))
        self._show_money()
        if self._pay_when_ready:
            self._pay_when_ready = False
            self.action_save()

    # --- the dues -----------------------------------------------------------------------------
    def action_toggle(self) -> None:
        if not self.saving and self.table.toggle():
            self.show_error("lines", "")
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
        box = self.widget("amount")
        box.disabled = False
        box.value = ""
        box.placeholder = _("{owed} owed; Enter pays it all").format(
            owed=format_fen(line.due.outstanding))
        self.set_focus(box)

    def _end_edit(self) -> None:
        box = self.widget("amount")
        box.value = ""
        box.placeholder = _(PART_HINT)
        box.disabled = True
        self.show_error("amount", "")
        self.set_focus(self.table)

    def _amount_entered(self, text: str) -> None:
        found = self.table.current()
        if found is None:
            self._end_edit()
            return
        key, line = found
        try:
            amount = parse_amount(text) if text else line.due.outstanding
            if amount <= 0:
                raise DutyError(_("Pay more than ¥0.00, or space to leave the due."))
            if amount > line.due.outstanding:
                raise DutyError(_("At most {owed} is owed.").format(
                    owed=format_fen(line.due.outstanding)))
        except DutyError as exc:
            self.show_error("amount", exc.message)
            return
        self.table.set_amount(key, amount)
        self._show_money()
        self._end_edit()

    def entered(self, field: Input) -> bool:
        """Enter in the part amount takes it; in the tendered box, pays."""
        if field.id == "pay-amount":
            self._amount_entered(field.value.strip())
            return True
        if field.id == "pay-tendered":
            self.action_save()
            return True
        return False

    # --- method and money ---------------------------------------------------------------------
    def action_method(self, method: str) -> None:
        if self.saving or method not in METHOD_WORDS:
            return
        self.method = method
        self.show_error("method", "")
        box = self.widget("tendered")
        box.disabled = method != "cash"
        if method != "cash":
            box.value = ""
            self.show_error("tendered", "")
        self._show_method()
        self._show_money()
        self._show_hint()

    def _show_method(self) -> None:
        self.query_one("#pay-methods", Static).update(method_text(self.method))

    def _show_money(self) -> None:
        total = self.table.total()
        self.query_one("#pay-total", Static).update(plain(_("Total {total}").format(
            total=format_fen(total))))
        tendered = self.value("tendered") or ""
        self.query_one("#pay-change", Static).update(plain(
            change_text(total, tendered) if self.method in (None, "cash") else ""))

    def field_changed(self, name: str) -> None:
        if name == "tendered":
            self._show_money()

    # --- paying -------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        if self.finding or self.reading_dues:  # Enter and ctrl+s came faster than the dues
            self._pay_when_ready = True
            return
        if self.unit is not None and self.lookup_input.value != self._found_with:
            self._forget_unit()  # another unit typed since: never pay the one shown before
        if self.unit is None:
            box = self.lookup_input
            self.clear_errors()
            if box.value.strip():  # typed but not (yet) picked: pick the best match, then pay
                self._pay_when_ready = True
                box.post_message(Input.Submitted(box, box.value))
                return
            self.show_error("lookup", _("Find the unit first: its code, then Enter."))
            self.set_focus(box)
            return
        super().action_save()

    def _forget_unit(self) -> None:
        self.unit = None
        self.query_one(UnitCard).clear()
        self.table.show([])
        self.query_one("#pay-unit", Static).update(plain(_("Unit: —")))
        self._show_money()

    def check(self, values):
        _parsed, errors = super().check(values)
        lines = self.table.chosen()
        if not lines:
            errors["lines"] = _("Choose what to pay (space selects a due).")
        if self.method is None:
            errors["method"] = _("Choose how it is paid: 1 cash, 2 card, 3 transfer, "
                                 "4 WeChat, 5 Alipay.")
        tendered = None
        text = (values.get("tendered") or "").strip()
        if self.method in (None, "cash") and text:
            try:
                tendered = parse_amount(text, field="tendered")
            except DutyError as exc:
                errors["tendered"] = exc.message
        return {"unit_id": self.unit[0], "lines": lines, "method": self.method,
                "tendered": tendered, "payer_name": values.get("payer") or ""}, errors

    def save(self, values):
        staff = self.session.staff
        return take_payment(self.office, staff.id if staff else None, **values)

    def field_of(self, duty_field: str | None) -> str:
        return LINE_OF.get(duty_field or "") or super().field_of(duty_field)

    def refused(self, field: str, message: str) -> None:
        super().refused(field, message)
        if self.field_of(field) == "lines":
            self._load()  # another desk may have taken some of it meanwhile

    def saved(self, result: PaymentResult) -> None:
        self.elapsed = time.monotonic() - self.started
        if result.book_closed:
            self.app.notify(_("That was the last number of your receipt book: ask the "
                              "supervisor for a new one."), markup=False, timeout=8)
        self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.widget("amount").disabled:
            self._end_edit()  # Esc leaves the amount as it was
            return
        super().action_cancel()
