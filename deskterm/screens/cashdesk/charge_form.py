"""An ad-hoc charge on one unit's account [5.1][5.6]: a water reading, an agency fee, the
first month of a new parking space (``fees.add_charge``).

The fee item is chosen among the office's items in use (read in a thread worker); its
rate shows beside it, and an item charged per month fills the amount with its rate while
the amount is empty (or still holds the last rate filled in). The month starts at this
month; the note says what the charge is for (``reading 1234→1244``). ctrl+s checks every
field first (all the messages at once, each under its field), then writes the charge in
a thread worker; a refusal is said under its field and nothing is stored. Success
dismisses with the new charge's id; Esc cancels (``None``).
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.cashdesk.fees import (
    ADHOC_AHEAD,
    BASES,
    NOTE_LIMIT,
    FeeItemView,
    add_charge,
    check_period,
    fee_items,
    parse_charge_amount,
)
from deskterm.duties.months import this_month
from deskterm.duties.records import clean_text
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import format_fen
from deskterm.screens.kit.form_kit import FieldErrors, run_duty
from deskterm.screens.kit.lookup_form import LimitedInput, field_box

PREFIX = "ac"
FIELDS = ("fee_item", "period", "amount", "note")
AMOUNT_LIMIT = 20


def rate_text(item: FeeItemView | None) -> str:
    """``¥4.10 per unit read`` for the chosen item."""
    if item is None:
        return ""
    return f"{format_fen(item.rate)} {_(BASES[item.basis]) if item.basis in BASES else ''}"


class AdHocChargeScreen(FieldErrors, ModalScreen[int | None]):
    """Put one charge on unit ``unit_id`` (``unit_code`` in the title)."""

    PREFIX = PREFIX
    FIELDS = FIELDS

    CSS_PATH = str(files("deskterm.styles") / "fee_items.tcss")
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, session, unit_id: int, unit_code: str) -> None:
        super().__init__(id="adhoc-charge")
        self.session = session
        self.office = session.office
        self.unit_id = unit_id
        self.unit_code = unit_code
        self.items: dict[int, FeeItemView] = {}
        self.loaded = False  # the fee items are read (for tests)
        self.saving = False
        self._filled = ""  # the amount the last chosen item filled in
        self._error_for: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="ac-form", classes="form"):
            yield Static(plain(fit(_("New charge for {unit}").format(unit=self.unit_code),
                                   60)), classes="form-title", markup=False)
            yield field_box(PREFIX, "fee_item", _("Fee item"), Select(
                [], prompt=_("choose the fee item"), compact=True, id="ac-fee_item"))
            yield Static(plain(""), id="ac-rate", markup=False)
            yield field_box(PREFIX, "period", _("Month"), LimitedInput(
                this_month(self.office), id="ac-period", compact=True, max_length=12,
                placeholder="2026-11"))
            yield field_box(PREFIX, "amount", _("Amount ¥"), LimitedInput(
                id="ac-amount", compact=True, max_length=AMOUNT_LIMIT, placeholder="41.00"))
            yield field_box(PREFIX, "note", _("Note"), LimitedInput(
                id="ac-note", compact=True, max_length=NOTE_LIMIT,
                placeholder=_("what it is for: reading 1234→1244")))
            yield Static(plain(""), id="ac-error-form", classes="lf-error", markup=False)
            yield Static(plain(_("Tab next · ctrl+s save · Esc cancel")), classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one("#ac-fee_item", Select).focus()
        self._load()

    @work(thread=True, exclusive=True, group="adhoc-items")
    def _load(self) -> None:
        try:
            with database.connection_context():
                items = fee_items(self.office, active_only=True)
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the form
            self.app.call_from_thread(self._show_error, "form",
                                      _("Not read: {error}").format(error=exc))
            return
        self.app.call_from_thread(self._fill, items)

    def _fill(self, items: list[FeeItemView]) -> None:
        self.items = {item.id: item for item in items}
        select = self.query_one("#ac-fee_item", Select)
        select.set_options([(plain(fit(f"{item.code} {item.name}", 40)), item.id)
                            for item in items])
        if not items:
            self._show_error("fee_item", _("This office has no fee items in use: add them "
                                           "in the fee items first."))
        self.loaded = True

    # --- fields and their errors (the lines themselves: form_kit.FieldErrors) ------------
    def _input(self, name: str) -> Input:
        return self.query_one(f"#{PREFIX}-{name}", Input)

    def chosen(self) -> FeeItemView | None:
        value = self.query_one("#ac-fee_item", Select).value
        return None if value is Select.NULL else self.items.get(value)

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        control = getattr(event, "control", None)
        name = (getattr(control, "id", None) or "").removeprefix(f"{PREFIX}-")
        if name in FIELDS and self._error_for.get(name) != self._raw(name):
            self._show_error(name, "")  # the clerk has changed what was refused
        if name == "fee_item":
            self._item_chosen(self.chosen())

    def _item_chosen(self, item: FeeItemView | None) -> None:
        self.query_one("#ac-rate", Static).update(plain(fit(rate_text(item), 60)))
        amount = self._input("amount")
        if amount.value.strip() not in ("", self._filled):
            return  # typed by the clerk: kept
        filled = ""
        if item is not None and item.basis == "fixed" and item.rate > 0:
            filled = format_fen(item.rate, symbol=False)
        amount.value = filled
        self._filled = filled

    # --- saving ----------------------------------------------------------------------------
    def _checked(self) -> tuple[dict, dict[str, str]]:
        values: dict = {}
        errors: dict[str, str] = {}

        def check(name: str, parse) -> None:
            try:
                values[name] = parse()
            except DutyError as exc:
                errors.setdefault(name, exc.message)

        item = self.chosen()
        if item is None:
            errors["fee_item"] = _("Choose one of this office's active fee items.")
        else:
            values["fee_item"] = item.id
        check("period", lambda: check_period(self.office, self._input("period").value,
                                             ahead=ADHOC_AHEAD))
        check("amount", lambda: parse_charge_amount(self._input("amount").value))
        check("note", lambda: clean_text(self._input("note").value, "note",
                                         limit=NOTE_LIMIT, required=False))
        return values, errors

    def action_save(self) -> None:
        if self.saving or not self.loaded:
            return
        for name in (*FIELDS, "form"):
            self._show_error(name, "")
        values, errors = self._checked()
        if errors:
            for name, message in errors.items():
                self._show_error(name, message)
            self._focus_field(next(n for n in FIELDS if n in errors))
            return
        self.saving = True
        self._save(values)

    @work(thread=True, exclusive=True, group="adhoc-save")
    def _save(self, values: dict) -> None:
        run_duty(self, lambda: add_charge(self.office, self.session.staff, self.unit_id,
                                          values["fee_item"], values["period"],
                                          values["amount"], values["note"]).id,
                 lambda charge_id: self._saved(charge_id, values), self._refused)

    def _refused(self, field: str | None, message: str) -> None:
        self.saving = False
        if not self.is_attached:
            return
        name = field if field in FIELDS else "form"
        self._show_error(name, message)
        self._focus_field(name)

    def _saved(self, charge_id: int, values: dict) -> None:
        self.saving = False
        item = self.items.get(values["fee_item"])
        self.app.notify(_("{amount} {item} {period} charged to {unit}.").format(
            amount=format_fen(values["amount"]), item=item.name if item else "",
            period=values["period"], unit=self.unit_code), markup=False)
        self.dismiss(charge_id)

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
