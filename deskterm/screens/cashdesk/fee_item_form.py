"""One fee item (收费项目), added or edited: code, name, kind, how the rate is charged, the
rate, and whether it is in use.

A ``DeskForm``. Choosing a kind suggests its basis (the property fee per m² a month,
parking per month, water and electricity per unit read). ctrl+s saves from any field:
``fees.fee_item_errors`` checks every field first (all the messages at once, each under its
field), then ``fees.add_fee_item`` or ``fees.edit_fee_item`` runs in the kit's worker; a
refusal (a code taken, a second active property fee, the kind of an item that has
charges) is said under its field and nothing is stored. Success dismisses with the saved
``FeeItemView``; Esc cancels (``None``; with something typed it asks first). A new item
starts at its code; an item edited at its name (its code rarely changes).

Items are never deleted: unticking "In use" stops offering one for new charges.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files

from deskterm.display import fit
from deskterm.duties.cashdesk.fees import (
    BASES,
    CODE_LIMIT,
    GENERATED,
    KINDS,
    FeeItemView,
    add_fee_item,
    edit_fee_item,
    fee_item_errors,
)
from deskterm.duties.records import NAME_LIMIT
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm

#: The basis a kind suggests when it is chosen (the generated kinds must have theirs).
SUGGESTED = {**GENERATED, "water": "metered", "electricity": "metered"}
RATE_LIMIT = 20


def first_kind(others: Iterable[FeeItemView]) -> str:
    """A new item's kind: the first generated kind the office has no active item of yet
    (a new office starts with the property fee), else an ad-hoc item."""
    taken = {item.kind for item in others if item.active}
    return next((kind for kind in GENERATED if kind not in taken), "adhoc")


def _choices(words: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((label, key) for key, label in words.items())


class FeeItemFormScreen(DeskForm[FeeItemView | None]):
    """Edit ``item``, or (without one) add an item to the office."""

    CSS_PATH = str(files("deskterm.styles") / "fee_items.tcss")
    PREFIX = "fi"

    def __init__(self, session, item: FeeItemView | None = None, *,
                 others: Iterable[FeeItemView] = ()) -> None:
        super().__init__(session, id="fee-item-form")
        self.item = item
        self.kind = item.kind if item else first_kind(others)
        self.form_title = fit(_("Fee item {code}").format(code=item.code) if item
                              else _("New fee item"), 60)

    def form_fields(self):
        item = self.item
        return (
            Field("code", N_("Code"), max_length=CODE_LIMIT, placeholder="WYF",
                  initial=item.code if item else ""),
            Field("name", N_("Item name"), max_length=NAME_LIMIT,
                  initial=item.name if item else ""),
            Field("kind", N_("Kind"), kind="select", options=_choices(KINDS),
                  initial=self.kind),
            Field("basis", N_("Charged by"), kind="select", options=_choices(BASES),
                  initial=item.basis if item else SUGGESTED.get(self.kind, "fixed")),
            Field("rate", N_("Rate ¥"), max_length=RATE_LIMIT, placeholder="1.80",
                  initial=format_fen(item.rate, symbol=False) if item else ""),
            Field("active", N_("In use"), kind="check", initial=item.active if item else True,
                  placeholder=N_("offered for new charges (untick to stop)")),
        )

    def first_focus(self):
        if self.item is not None:
            return self.widget("name")
        return super().first_focus()

    def field_changed(self, name: str) -> None:
        kind = self.value("kind")
        if name == "kind" and kind not in (None, self.kind):
            self.kind = kind
            suggested = SUGGESTED.get(kind)
            if suggested is not None:
                self.set_value("basis", suggested)

    # --- saving ----------------------------------------------------------------------------
    def check(self, values):
        values = {name: values.get(name) for name in
                  ("code", "name", "kind", "basis", "rate", "active")}
        errors = fee_item_errors(values["code"], values["name"], values["kind"],
                                 values["basis"], values["rate"])
        values["active"] = bool(values["active"])
        return values, errors

    def save(self, values):
        clerk = self.session.staff
        if self.item is None:
            return add_fee_item(self.office, clerk, **values)
        return edit_fee_item(self.office, clerk, self.item.id, **values)

    def saved(self, item: FeeItemView) -> None:
        self.app.notify(_("Fee item {code} {name} saved.").format(code=item.code,
                                                                  name=item.name),
                        markup=False)
        self.dismiss(item)
