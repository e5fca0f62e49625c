"""One fee item (收费项目), added or edited: code, name, kind, how the rate is charged, the
rate, and whether it is in use.

Choosing a kind suggests its basis (the property fee per m² a month, parking per month,
water and electricity per unit read). ctrl+s saves from any field: ``fees.fee_item_errors``
checks every field first (all the messages at once, each under its field), then
``fees.add_fee_item`` or ``fees.edit_fee_item`` runs in a thread worker; a refusal
(a code taken, a second active property fee, the kind of an item that has charges) is
said under its field and nothing is stored. Success dismisses with the saved
``FeeItemView``; Esc cancels (``None``).

Items are never deleted: unticking "In use" stops offering one for new charges.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Select, Static

from deskterm.display import fit, plain
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
from deskterm.i18n import _
from deskterm.money import format_fen
from deskterm.screens.kit.form_kit import FieldErrors, run_duty
from deskterm.screens.kit.lookup_form import LimitedInput, field_box

PREFIX = "fi"
FIELDS = ("code", "name", "kind", "basis", "rate", "active")
#: The basis a kind suggests when it is chosen (the generated kinds must have theirs).
SUGGESTED = {**GENERATED, "water": "metered", "electricity": "metered"}
RATE_LIMIT = 20


def first_kind(others: Iterable[FeeItemView]) -> str:
    """A new item's kind: the first generated kind the office has no active item of yet
    (a new office starts with the property fee), else an ad-hoc item."""
    taken = {item.kind for item in others if item.active}
    return next((kind for kind in GENERATED if kind not in taken), "adhoc")


class FeeItemFormScreen(FieldErrors, ModalScreen[FeeItemView | None]):
    """Edit ``item``, or (without one) add an item to the office."""

    PREFIX = PREFIX
    FIELDS = FIELDS

    CSS_PATH = str(files("deskterm.styles") / "fee_items.tcss")
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, session, item: FeeItemView | None = None, *,
                 others: Iterable[FeeItemView] = ()) -> None:
        super().__init__(id="fee-item-form")
        self.session = session
        self.office = session.office
        self.item = item
        self.kind = item.kind if item else first_kind(others)
        self.saving = False
        self._error_for: dict[str, object] = {}  # what each field held when refused

    # --- building the form -------------------------------------------------------------
    def compose(self) -> ComposeResult:
        item = self.item
        basis = item.basis if item else SUGGESTED.get(self.kind, "fixed")
        title = (_("Fee item {code}").format(code=item.code) if item else _("New fee item"))
        with VerticalScroll(id="fi-form", classes="form"):
            yield Static(plain(fit(title, 60)), id="fi-title", classes="form-title",
                         markup=False)
            yield field_box(PREFIX, "code", _("Code"), LimitedInput(
                item.code if item else "", id="fi-code", compact=True,
                max_length=CODE_LIMIT, placeholder="WYF"))
            yield field_box(PREFIX, "name", _("Item name"), LimitedInput(
                item.name if item else "", id="fi-name", compact=True,
                max_length=NAME_LIMIT))
            yield field_box(PREFIX, "kind", _("Kind"), Select(
                [(_(label), key) for key, label in KINDS.items()], value=self.kind,
                allow_blank=False, compact=True, id="fi-kind"))
            yield field_box(PREFIX, "basis", _("Charged by"), Select(
                [(_(label), key) for key, label in BASES.items()], value=basis,
                allow_blank=False, compact=True, id="fi-basis"))
            yield field_box(PREFIX, "rate", _("Rate ¥"), LimitedInput(
                format_fen(item.rate, symbol=False) if item else "", id="fi-rate",
                compact=True, max_length=RATE_LIMIT, placeholder="1.80"))
            yield field_box(PREFIX, "active", _("In use"), Checkbox(
                plain(_("yes (untick to stop charging it)")), item.active if item else True,
                id="fi-active", compact=True))
            yield Static(plain(""), id="fi-error-form", classes="lf-error", markup=False)
            yield Static(plain(_("Tab next · ctrl+s save · Esc cancel")), classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        self._input("code" if self.item is None else "name").focus()

    # --- fields and their errors (the lines themselves: form_kit.FieldErrors) ------------
    def _input(self, name: str) -> Input:
        return self.query_one(f"#{PREFIX}-{name}", Input)

    def _choice(self, name: str):
        value = self.query_one(f"#{PREFIX}-{name}", Select).value
        return None if value is Select.NULL else value

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event) -> None:
        control = getattr(event, "control", None)
        name = (getattr(control, "id", None) or "").removeprefix(f"{PREFIX}-")
        if name in FIELDS and self._error_for.get(name) != self._raw(name):
            self._show_error(name, "")  # the clerk has changed what was refused
        if name == "kind" and self._choice("kind") not in (None, self.kind):
            self.kind = self._choice("kind")
            suggested = SUGGESTED.get(self.kind)
            if suggested is not None:
                self.query_one(f"#{PREFIX}-basis", Select).value = suggested

    # --- saving ----------------------------------------------------------------------------
    def values(self) -> dict:
        return {"code": self._input("code").value, "name": self._input("name").value,
                "kind": self._choice("kind"), "basis": self._choice("basis"),
                "rate": self._input("rate").value,
                "active": self.query_one(f"#{PREFIX}-active", Checkbox).value}

    def action_save(self) -> None:
        if self.saving:
            return
        self._clear_errors()
        values = self.values()
        errors = fee_item_errors(values["code"], values["name"], values["kind"],
                                 values["basis"], values["rate"])
        if errors:
            for name, message in errors.items():
                self._show_error(name, message)
            self._focus_field(next(n for n in FIELDS if n in errors))
            return
        self.saving = True
        self._save(values)

    @work(thread=True, exclusive=True, group="fee-item-save")
    def _save(self, values: dict) -> None:
        clerk = self.session.staff

        def save() -> FeeItemView:
            if self.item is None:
                return add_fee_item(self.office, clerk, **values)
            return edit_fee_item(self.office, clerk, self.item.id, **values)

        run_duty(self, save, self._saved, self._refused)

    def _refused(self, field: str | None, message: str) -> None:
        self.saving = False
        if not self.is_attached:
            return
        name = field if field in FIELDS else "form"
        self._show_error(name, message)
        self._focus_field(name)

    def _saved(self, item: FeeItemView) -> None:
        self.saving = False
        self.app.notify(_("Fee item {code} {name} saved.").format(code=item.code,
                                                                  name=item.name),
                        markup=False)
        self.dismiss(item)

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
