"""What the forms that start from the roster lookup share (call intake F2, complaint F7,
walk-in visitor F8).

``LookupForm`` is their ``ModalScreen`` base: widget ids ``#<PREFIX>-<field>``, the roster
lookup (``widgets/owner_lookup.py``) filling name, unit and phone, one error line per field
under it (``field_box``), the paste guard (``LimitedInput``), Esc and ctrl+s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, ScreenResultType
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from deskterm.db.models import database
from deskterm.display import plain
from deskterm.duties.parsing import (
    clean_free_text,
    format_phone,
    parse_unit_code,
    phone_digits_query,
    unit_code_query,
)
from deskterm.duties.records import NAME_LIMIT, TEXT_LIMIT
from deskterm.duties.residents.roster import unit_id_by_code
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _
from deskterm.screens.kit.owner_lookup import OwnerLookup


class LimitedInput(Input):
    """An Input that says so when a paste would pass its ``max_length`` (Textual's own
    Input refuses it silently). Never calls ``super()._on_paste``: Textual calls
    ``Input._on_paste`` after this one (calling it too inserted every paste twice)."""

    def _on_paste(self, event) -> None:
        line = (event.text or "").splitlines()[0] if event.text else ""
        if self.max_length and len(self.value) + len(line) > self.max_length:
            event.prevent_default()
            event.stop()
            self.screen.paste_refused(self, len(line))  # type: ignore[attr-defined]


def field_box(prefix: str, name: str, label: str, widget: Widget, *,
              wide: bool = False) -> Vertical:
    """One labelled field on one line, with its error line under it (hidden when empty)."""
    line = Horizontal(Label(plain(label), classes="lf-label"), widget, classes="lf-line")
    error = Static(plain(""), id=f"{prefix}-error-{name}", classes="lf-error", markup=False)
    return Vertical(line, error, classes="lf-field" + (" -wide" if wide else ""))


class LookupForm(ModalScreen[ScreenResultType]):
    """What call intake, the complaint and the visit forms share: widget ids
    ``#<PREFIX>-<field>``, the roster lookup filling name, unit and phone, one error line
    per field (``FIELDS``, plus ``form`` for the rest), duty fields mapped by ``FIELD_OF``,
    Esc and ctrl+s. A form gives ``compose``, ``_checked`` (the values and each field's
    message) and the ``_save`` worker; ``_field_changed`` and ``_entered`` are its hooks
    into every change and every Enter."""

    PREFIX = "lf"
    FIELDS: tuple[str, ...] = ()
    FIELD_OF: dict[str, str] = {}
    AFTER_PICK = "name"  # the field the cursor goes to once the lookup filled the person
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.office = session.office
        self._picked = None  # the roster hit whose name and unit are in the form
        self._saving = False
        self._error_for: dict[str, object] = {}  # what each field held when refused

    def on_mount(self) -> None:
        self.query_one(OwnerLookup).input.focus()

    # --- reading and writing fields ----------------------------------------------------
    def _text(self, name: str) -> str:
        return self.query_one(f"#{self.PREFIX}-{name}", Input).value

    def _set(self, name: str, value: str) -> None:
        self.query_one(f"#{self.PREFIX}-{name}", Input).value = value

    def _choice(self, name: str):
        value = self.query_one(f"#{self.PREFIX}-{name}", Select).value
        return None if value is Select.NULL else value

    def _owner_id(self, name: str, unit_code: str | None) -> int | None:
        """The picked owner's id while the form still holds their name and unit."""
        picked = self._picked
        if picked is not None and picked.name == name and picked.unit_code == unit_code:
            return picked.owner_id
        return None

    # --- the lookup fills the person ---------------------------------------------------
    @on(OwnerLookup.Picked)
    def _picked_owner(self, event: OwnerLookup.Picked) -> None:
        hit = event.hit
        self._set("name", hit.name)
        self._set("unit", hit.unit_code)
        self._set("phone", format_phone(hit.phones[0]) if hit.phones else "")
        self._picked = hit
        self.query_one(f"#{self.PREFIX}-{self.AFTER_PICK}", Input).focus()

    @on(OwnerLookup.Unmatched)
    def _unknown_person(self, event: OwnerLookup.Unmatched) -> None:
        """Not on the roster: what was typed goes where it fits, then the clerk types on."""
        text = event.text.strip()
        self._picked = None
        target = "name"
        if unit_code_query(text):
            self._set("unit", unit_code_query(text))
        elif phone_digits_query(text):
            self._set("phone", text)
        elif text:
            self._set("name", text)
            target = "unit"
        self.query_one(f"#{self.PREFIX}-{target}", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if self._entered(event.input):
            return
        if event.input.id != "lookup-input":
            self.focus_next()

    def _entered(self, field: Input) -> bool:
        """Whether Enter in ``field`` did something of the form's own (then the cursor
        stays); otherwise Enter moves on to the next field."""
        return False

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        control = getattr(event, "control", None)
        name = (control.id or "").removeprefix(f"{self.PREFIX}-") if control is not None else ""
        if name in self.FIELDS and self._error_for.get(name) != self._raw(name):
            self._show_error(name, "")  # the clerk has changed what was refused
        self._field_changed(name)

    def _field_changed(self, name: str) -> None:
        """After any Input or Select changed (``name`` without the prefix)."""

    def paste_refused(self, widget: Input, length: int) -> None:
        name = (widget.id or "").removeprefix(f"{self.PREFIX}-")
        self._show_error(name, _("Too long to paste: {count} characters; at most {limit}.")
                         .format(count=f"{length:,}", limit=f"{widget.max_length:,}"))

    # --- saving --------------------------------------------------------------------------
    def action_save(self) -> None:
        if self._saving:
            return
        self._clear_errors()
        values, errors = self._checked()
        if errors:
            self._show_errors(errors)
            return
        self._saving = True
        self._save(values)

    def _checked(self) -> tuple[dict, dict[str, str]]:
        """The values for the duty and the message for each field the pure parsers refuse
        (all of them at once)."""
        raise NotImplementedError

    def _save(self, values: dict) -> None:
        """A thread worker: store ``values``; ``_refused`` on a refusal."""
        raise NotImplementedError

    # --- checking ----------------------------------------------------------------------
    def _clear_errors(self) -> None:
        for name in (*self.FIELDS, "form"):
            self._show_error(name, "")

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self._show_error(name, message)
        self._focus_field(next(iter(errors)))

    @staticmethod
    def _check(errors: dict[str, str], name: str, parse):
        try:
            return parse()
        except DutyError as exc:
            errors.setdefault(name, exc.message)
            return None

    def _checked_name(self, errors: dict[str, str], field: str, empty_message: str):
        """The person's name as the duty's ``field`` stores it (None when refused)."""
        return self._check(errors, "name", lambda: clean_free_text(
            self._text("name"), field, max_length=NAME_LIMIT, empty_message=empty_message))

    def _checked_unit(self, errors: dict[str, str], *, required: bool = False):
        """The unit code typed, None when empty and not ``required`` (or refused)."""
        unit_text = self._text("unit").strip()
        if not (unit_text or required):
            return None
        return self._check(errors, "unit", lambda: parse_unit_code(unit_text).code)

    def _unit_id(self, unit_code: str | None) -> int | None:
        """In a worker: the unit's id, or DutyError on "unit" when not at this office."""
        if not unit_code:
            return None
        unit = unit_id_by_code(self.office, unit_code)
        if unit is None:
            raise DutyError(_("There is no unit {unit} at this office.").format(
                unit=unit_code), "unit")
        return unit

    def _clerk_id(self) -> int | None:
        staff = self.session.staff
        return staff.id if staff else None

    def _stored(self, duty: Callable[[], Any], *,
                any_error: bool = False) -> tuple[bool, Any]:
        """In the save worker: ``(True, duty())`` run inside a database connection, or
        ``(False, None)`` once a refusal is shown under its field. With ``any_error`` any
        other error (a lost database) is shown too and the form stays; else it raises."""
        try:
            with database.connection_context():
                return True, duty()
        except DutyError as exc:
            self.app.call_from_thread(self._refused, exc.field, exc.message)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, None, exc.message)
        except Exception as exc:
            if not any_error:
                raise
            self.app.call_from_thread(self._refused, None, _("Not saved: {error}").format(
                error=exc))
        return False, None

    # --- errors --------------------------------------------------------------------------
    def _refused(self, field: str | None, message: str) -> None:
        self._saving = False
        if not self.is_attached:  # closed while the save ran
            return
        name = self.FIELD_OF.get(field or "", "form")
        self._show_error(name, message)
        self._focus_field(name)

    def _raw(self, name: str):
        found = self.query(f"#{self.PREFIX}-{name}")
        return getattr(found.first(), "value", None) if found else None

    def _show_error(self, name: str, message: str) -> None:
        self._error_for[name] = self._raw(name) if message else None
        target = self.query(f"#{self.PREFIX}-error-{name}")
        if target:
            error = target.first(Static)
            error.update(plain(("✗ " + message) if message else ""))
            error.set_class(bool(message), "-shown")

    def _focus_field(self, name: str) -> None:
        found = self.query(f"#{self.PREFIX}-{name}")
        if found and found.first().focusable:
            found.first().focus()

    def _field(self, name: str, label: str, widget: Widget, *, wide: bool = False) -> Vertical:
        return field_box(self.PREFIX, name, label, widget, wide=wide)

    def _wide_text(self, name: str, label: str, placeholder: str) -> Vertical:
        """A free-text field (what the person wants) across the whole form."""
        return self._field(name, label, LimitedInput(
            id=f"{self.PREFIX}-{name}", compact=True, max_length=TEXT_LIMIT,
            placeholder=placeholder), wide=True)

    def _choices(self, name: str, label: str, words: dict[str, str], value: str) -> Vertical:
        """A choice of ``words`` (key → untranslated word), ``value`` chosen, never blank."""
        return self._field(name, label, Select(
            [(_(word), key) for key, word in words.items()], value=value, allow_blank=False,
            compact=True, id=f"{self.PREFIX}-{name}"))

    def _head(self, title: str, *, phone_placeholder: str = "") -> Iterator[Widget]:
        """The form's first lines: its title (``{office}`` filled in), the roster lookup
        and the name / unit / phone row the lookup fills."""
        yield Static(plain(title.format(office=self.office.name)), classes="form-title",
                     markup=False)
        yield OwnerLookup(self.office, id=f"{self.PREFIX}-lookup")
        yield self._who_row(phone_placeholder=phone_placeholder)

    def _form_error(self) -> Static:
        """The error line for what belongs to no one field."""
        return Static(plain(""), id=f"{self.PREFIX}-error-form", classes="lf-error",
                      markup=False)

    def _who_row(self, *, phone_placeholder: str = "") -> Horizontal:
        """The name / unit / phone row that the roster lookup fills."""
        p = self.PREFIX
        return Horizontal(
            self._field("name", _("Name"),
                        LimitedInput(id=f"{p}-name", compact=True, max_length=NAME_LIMIT)),
            self._field("unit", _("Unit"),
                        LimitedInput(id=f"{p}-unit", compact=True, max_length=60,
                                     placeholder="3-2-501")),
            self._field("phone", _("Phone"),
                        LimitedInput(id=f"{p}-phone", compact=True, max_length=60,
                                     placeholder=phone_placeholder)),
            classes="lf-row",
        )

    def action_cancel(self) -> None:
        if not self._saving:
            self.dismiss(None)
