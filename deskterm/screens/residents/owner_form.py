"""One owner of the roster (业主名册), edited or added: name, owner or tenant, phones, note,
and whether they still live here.

Editing reads the owner's card in a worker, then fills the fields; adding starts with the
unit (filled in when the roster screen knows it). The phones are one field, separated by
spaces or ``/`` (``138 1234 5678 / 027-8765 4321``). ctrl+s saves from any field: the pure
parsers check every field first (all the messages at once, each under its field), then
``owners.edit_owner`` or ``owners.add_owner`` runs in a thread worker, one transaction for
the fields and the phones: a refused save stores nothing and says why under the field.
Success dismisses with the saved ``OwnerCard``; Esc cancels (``None``).

Owners are never deleted: unticking "Lives here" marks one who moved out.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Select, Static

from deskterm.db.models import database
from deskterm.display import plain
from deskterm.duties.parsing import format_phone, parse_unit_code
from deskterm.duties.records import NAME_LIMIT
from deskterm.duties.residents.owners import (
    KINDS,
    NOTE_LIMIT,
    OwnerCard,
    add_owner,
    check_kind,
    clean_name,
    clean_note,
    edit_owner,
    owner_card,
    parse_phones,
)
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _
from deskterm.screens.kit.form_kit import FieldErrors, run_duty
from deskterm.screens.kit.lookup_form import LimitedInput, field_box

PREFIX = "of"
FIELDS = ("unit", "name", "kind", "phones", "note", "active")


def phones_text(phones) -> str:
    """Stored phones as the field shows them: ``138 1234 5678 / 027-8765 4321``."""
    return " / ".join(format_phone(p) for p in phones)


class OwnerFormScreen(FieldErrors, ModalScreen[OwnerCard | None]):
    """Edit owner ``owner_id``, or (without one) add an owner to a unit."""

    PREFIX = PREFIX
    FIELDS = FIELDS

    CSS_PATH = str(files("deskterm.styles") / "roster.tcss")
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, session, owner_id: int | None = None, *, unit_code: str = "") -> None:
        super().__init__(id="owner-form")
        self.session = session
        self.office = session.office
        self.owner_id = owner_id
        self.unit_code = unit_code
        self.card: OwnerCard | None = None
        self.loaded = owner_id is None
        self._saving = False
        self._error_for: dict[str, object] = {}  # what each field held when refused

    # --- building the form -------------------------------------------------------------
    def compose(self) -> ComposeResult:
        new = self.owner_id is None
        title = _("New owner") if new else _("Owner")
        with VerticalScroll(id="of-form", classes="form"):
            yield Static(plain(title), id="of-title", classes="form-title", markup=False)
            if new:
                yield field_box(PREFIX, "unit", _("Unit"), LimitedInput(
                    self.unit_code, id="of-unit", compact=True, max_length=60,
                    placeholder="3-2-501"))
            yield field_box(PREFIX, "name", _("Name"), LimitedInput(
                id="of-name", compact=True, max_length=NAME_LIMIT))
            yield field_box(PREFIX, "kind", _("Kind"), Select(
                [(_(label), key) for key, label in KINDS.items()], value="owner",
                allow_blank=False, compact=True, id="of-kind"))
            yield field_box(PREFIX, "phones", _("Phones"), LimitedInput(
                id="of-phones", compact=True, max_length=200,
                placeholder=_("138 1234 5678 / 027-8765 4321")))
            yield field_box(PREFIX, "note", _("Note"), LimitedInput(
                id="of-note", compact=True, max_length=NOTE_LIMIT))
            if not new:
                yield field_box(PREFIX, "active", _("Lives here"), Checkbox(
                    plain(_("yes (untick when they move out)")), True, id="of-active",
                    compact=True))
            yield Static(plain(""), id="of-error-form", classes="lf-error", markup=False)
            yield Static(plain(_("Tab next · ctrl+s save · Esc cancel")), classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        if self.owner_id is None:
            self._input("name" if self.unit_code else "unit").focus()
            return
        self._input("name").focus()
        self._load(self.owner_id)

    @work(thread=True, exclusive=True, group="of-load")
    def _load(self, owner_id: int) -> None:
        try:
            with database.connection_context():
                card = owner_card(self.office, owner_id)
        except DeskError as exc:
            self.app.call_from_thread(self._show_error, "form", exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the form
            self.app.call_from_thread(self._show_error, "form", _("Not read: {error}").format(
                error=exc))
            return
        self.app.call_from_thread(self._fill, card)

    def _fill(self, card: OwnerCard) -> None:
        self.card = card
        self.query_one("#of-title", Static).update(plain(
            _("Owner of {unit}").format(unit=card.unit_code)))
        self._input("name").value = card.name
        self.query_one("#of-kind", Select).value = card.kind if card.kind in KINDS else "owner"
        self._input("phones").value = phones_text(card.phones)
        self._input("note").value = card.note
        self.query_one("#of-active", Checkbox).value = card.active
        self.loaded = True

    # --- fields and their errors (the lines themselves: form_kit.FieldErrors) ------------
    def _input(self, name: str) -> Input:
        return self.query_one(f"#{PREFIX}-{name}", Input)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix(f"{PREFIX}-")
        if name in FIELDS and self._error_for.get(name) != event.value:
            self._show_error(name, "")  # the clerk has changed what was refused

    # --- saving ----------------------------------------------------------------------------
    def _checked(self) -> tuple[dict, dict[str, str]]:
        """The values to save, and the message of each field the parsers refuse."""
        values: dict = {}
        errors: dict[str, str] = {}

        def check(name: str, parse) -> None:
            try:
                values[name] = parse()
            except DutyError as exc:
                errors.setdefault(name, exc.message)

        if self.owner_id is None:
            check("unit", lambda: parse_unit_code(self._input("unit").value, "unit").code)
        check("name", lambda: clean_name(self._input("name").value))
        check("kind", lambda: check_kind(self.query_one("#of-kind", Select).value))
        check("phones", lambda: parse_phones(self._input("phones").value))
        check("note", lambda: clean_note(self._input("note").value))
        if self.owner_id is not None:
            values["active"] = self.query_one("#of-active", Checkbox).value
        return values, errors

    def action_save(self) -> None:
        if self._saving or not self.loaded:
            return
        self._clear_errors()
        values, errors = self._checked()
        if errors:
            for name, message in errors.items():
                self._show_error(name, message)
            self._focus_field(next(iter(errors)))
            return
        self._saving = True
        self._save(values)

    @work(thread=True, exclusive=True, group="of-save")
    def _save(self, values: dict) -> None:
        clerk = self.session.staff

        def save() -> OwnerCard:
            if self.owner_id is None:
                return add_owner(self.office, clerk, values["unit"], values["name"],
                                 values["kind"], values["phones"], note=values["note"])
            return edit_owner(self.office, clerk, self.owner_id, name=values["name"],
                              kind=values["kind"], note=values["note"],
                              active=values["active"], phones=values["phones"])

        run_duty(self, save, self._saved, self._refused)

    def _refused(self, field: str | None, message: str) -> None:
        self._saving = False
        name = field if field in FIELDS else "form"
        self._show_error(name, message)
        self._focus_field(name)

    def _saved(self, card: OwnerCard) -> None:
        self.app.notify(_("{name} of {unit} saved.").format(name=card.name,
                                                            unit=card.unit_code),
                        markup=False)
        self.dismiss(card)

    def action_cancel(self) -> None:
        if not self._saving:
            self.dismiss(None)
