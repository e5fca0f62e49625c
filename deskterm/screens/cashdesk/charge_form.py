"""An ad-hoc charge on one unit's account [5.1][5.6]: a water reading, an agency fee, the
first month of a new parking space (``fees.add_charge``).

A ``DeskForm``: the fee item is chosen among the office's items in use (read in ``load``;
when that read failed, ctrl+s reads them again); its rate shows beside it, and an item
charged per month fills the amount with its rate while the amount is empty (or still holds
the last rate filled in). The month starts at this month; the note says what the charge is
for (``reading 1234→1244``). ctrl+s checks every field first (all the messages at once,
each under its field), then writes the charge in the kit's worker; a refusal is said under
its field and nothing is stored. Success dismisses with the new charge's id; Esc cancels
(``None``; with something typed it asks first, and what is typed is kept as a draft of this
unit's charge).
"""

from __future__ import annotations

from importlib.resources import files

from textual.widgets import Static

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
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm

AMOUNT_LIMIT = 20


def rate_text(item: FeeItemView | None) -> str:
    """``¥4.10 per unit read`` for the chosen item."""
    if item is None:
        return ""
    return f"{format_fen(item.rate)} {_(BASES[item.basis]) if item.basis in BASES else ''}"


class AdHocChargeScreen(DeskForm[int | None]):
    """Put one charge on unit ``unit_id`` (``unit_code`` in the title)."""

    CSS_PATH = str(files("deskterm.styles") / "fee_items.tcss")
    PREFIX = "ac"
    DRAFT = "adhoc_charge"

    def __init__(self, session, unit_id: int, unit_code: str) -> None:
        super().__init__(session, id="adhoc-charge")
        self.form_title = fit(_("New charge for {unit}").format(unit=unit_code), 60)
        self.unit_id = unit_id
        self.unit_code = unit_code
        self.items: dict[int, FeeItemView] = {}
        self._filled = ""  # the amount the last chosen item filled in

    def form_fields(self):
        return (
            Field("fee_item", N_("Fee item"), kind="select", options=(),
                  blank=N_("choose the fee item")),
            Field("period", N_("Month"), max_length=12, placeholder="2026-11",
                  initial=this_month(self.office)),
            Field("amount", N_("Amount ¥"), max_length=AMOUNT_LIMIT, placeholder="41.00"),
            Field("note", N_("Note"), max_length=NOTE_LIMIT,
                  placeholder=N_("what it is for: reading 1234→1244")),
        )

    def compose_body(self):
        yield self.field("fee_item")
        yield Static(plain(""), id="ac-rate", markup=False)
        for name in ("period", "amount", "note"):
            yield self.field(name)

    def draft_subject(self) -> str:
        return str(self.unit_id)

    # --- the fee items ---------------------------------------------------------------------
    def load(self):
        return fee_items(self.office, active_only=True)

    def loaded(self, items: list[FeeItemView]) -> None:
        self.items = {item.id: item for item in items}
        self.widget("fee_item").set_options(
            [(plain(fit(f"{item.code} {item.name}", 40)), item.id) for item in items])
        if not items:
            self.show_error("fee_item", _("This office has no fee items in use: add them "
                                          "in the fee items first."))

    def chosen(self) -> FeeItemView | None:
        return self.items.get(self.value("fee_item"))

    def field_changed(self, name: str) -> None:
        if name == "fee_item":
            if self.chosen() is not None:
                self.show_error("fee_item", "")  # chosen now (refused while still empty)
            self._item_chosen(self.chosen())

    def _item_chosen(self, item: FeeItemView | None) -> None:
        self.query_one("#ac-rate", Static).update(plain(fit(rate_text(item), 60)))
        if (self.value("amount") or "").strip() not in ("", self._filled):
            return  # typed by the clerk: kept
        filled = ""
        if item is not None and item.basis == "fixed" and item.rate > 0:
            filled = format_fen(item.rate, symbol=False)
        self.set_value("amount", filled)
        self._filled = filled

    # --- saving ----------------------------------------------------------------------------
    def check(self, values):
        checked: dict = {}
        errors: dict[str, str] = {}

        def check(name: str, parse) -> None:
            try:
                checked[name] = parse(values.get(name) or "")
            except DutyError as exc:
                errors.setdefault(name, exc.message)

        item = self.chosen()
        if item is None:
            errors["fee_item"] = _("Choose one of this office's active fee items.")
        else:
            checked["fee_item"] = item.id
        check("period", lambda text: check_period(self.office, text, ahead=ADHOC_AHEAD))
        check("amount", parse_charge_amount)
        check("note", lambda text: clean_text(text, "note", limit=NOTE_LIMIT, required=False))
        return checked, errors

    def save(self, values):
        return add_charge(self.office, self.session.staff, self.unit_id, values["fee_item"],
                          values["period"], values["amount"], values["note"]).id, values

    def saved(self, result) -> None:
        charge_id, values = result
        item = self.items.get(values["fee_item"])
        self.app.notify(_("{amount} {item} {period} charged to {unit}.").format(
            amount=format_fen(values["amount"]), item=item.name if item else "",
            period=values["period"], unit=self.unit_code), markup=False)
        self.dismiss(charge_id)
