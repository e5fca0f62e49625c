"""One small keyboard form made from a list of fields, for the books that need no layout of
their own (attendance, canteen, listings): labelled fields in rows, an error line under
each (fed by ``DutyError.field``, taking no room while empty), the duty run in a thread
worker on ctrl+s (or Enter in the last field), dismissed with what the duty returned. Esc
cancels with nothing stored.

``Field`` describes one field: an ``Input`` (``kind`` "input", the default), a PIN
``Input`` that shows dots ("pin", emptied after a refusal), a ``Select`` of ``options``
((label, value) pairs; "select", or any field given options) or a ``Checkbox`` ("check",
its yes/no written out, never a colour alone). ``save`` gets ``{name: value}`` (the text
typed, the value chosen, True/False) and runs inside ``database.connection_context()``.
``check(values)``, when given, says every field's message at once without the database
(``{field: message}``); the duty is asked only when it finds nothing.

A subclass names its ``PREFIX`` (widget ids ``{PREFIX}-{field}``, error lines
``{PREFIX}-error-{field}`` and ``{PREFIX}-error-form``, CSS classes ``{PREFIX}-modal``,
``{PREFIX}-form``, ``{PREFIX}-row``, ``{PREFIX}-label``) and its stylesheet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from deskterm.display import plain
from deskterm.i18n import N_, _
from deskterm.screens.kit.form_kit import run_duty


@dataclass(frozen=True)
class Field:
    name: str  # the duty's field name, for its error line
    label: str  # translated
    value: object = ""
    options: tuple[tuple[str, object], ...] | None = None  # a Select when given
    max_length: int = 0
    placeholder: str = ""  # for a check: what "yes" means
    kind: str = "input"  # input / pin / select / check

    @property
    def shown_as(self) -> str:
        return "select" if self.options is not None and self.kind == "input" else self.kind


def check_text(value: bool, what: str) -> str:
    return ("✓ " + _("yes") + ": " + what) if value else ("✗ " + _("no"))


class FieldForm(ModalScreen[object]):
    """A form of ``fields``; ctrl+s calls ``save(values)`` in a worker."""

    PREFIX = "ff"
    HINT = N_("ctrl+s save · Tab next · Esc cancel")
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict], object], *,
                 note: str = "", hint: str = "", form_id: str | None = None,
                 check: Callable[[dict], dict[str, str]] | None = None) -> None:
        super().__init__(classes=f"{self.PREFIX}-modal")
        self.form_title = title
        self.fields = fields
        self.save = save
        self.check = check
        self.note = note
        self.hint = hint
        self.form_id = form_id
        self.saving = False
        self.saved = 0  # saves done (for tests)

    def _wid(self, name: str) -> str:
        return f"{self.PREFIX}-{name}"

    def compose(self) -> ComposeResult:
        with Vertical(id=self.form_id, classes=f"form {self.PREFIX}-form"):
            yield Static(plain(self.form_title), classes="form-title", markup=False)
            if self.note:
                yield Static(plain(self.note), classes="form-hint", markup=False)
            for field in self.fields:
                with Horizontal(classes=f"{self.PREFIX}-row"):
                    yield Label(plain(field.label), classes=f"{self.PREFIX}-label")
                    yield self._widget(field)
                yield self._error(field.name)
            yield self._error("form")
            yield Static(plain(self.hint or _(self.HINT)),
                         classes="form-hint", markup=False)

    def _widget(self, field: Field):
        wid = self._wid(field.name)
        kind = field.shown_as
        if kind == "select":
            options = tuple(field.options or ())
            chosen = (field.value if field.value not in (None, "")
                      and any(value == field.value for _label, value in options)
                      else options[0][1])
            return Select(list(options), compact=True, id=wid, allow_blank=False,
                          value=chosen)
        if kind == "check":
            return Checkbox(plain(check_text(bool(field.value), field.placeholder)),
                            bool(field.value), compact=True, id=wid)
        return Input(str(field.value or ""), id=wid, compact=True, password=kind == "pin",
                     max_length=field.max_length, placeholder=field.placeholder)

    def _error(self, name: str) -> Static:
        line = Static(plain(""), id=self._wid(f"error-{name}"), classes="field-error",
                      markup=False)
        line.display = False
        return line

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#{self._wid(self.fields[0].name)}").focus()

    @on(Checkbox.Changed)
    def _checked(self, event: Checkbox.Changed) -> None:
        field = next(f for f in self.fields if self._wid(f.name) == event.checkbox.id)
        event.checkbox.label = plain(check_text(event.value, field.placeholder))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == self._wid(self.fields[-1].name):
            self.action_save()
        else:
            self.focus_next()

    def set_error(self, field: str, message: str) -> None:
        names = {f.name for f in self.fields}
        line = self.query_one(f"#{self._wid('error-' + (field if field in names else 'form'))}",
                              Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def values(self) -> dict:
        found = {}
        for field in self.fields:
            widget = self.query_one(f"#{self._wid(field.name)}")
            if isinstance(widget, Select):
                found[field.name] = None if widget.value is Select.NULL else widget.value
            else:
                found[field.name] = widget.value
        return found

    def action_save(self) -> None:
        if self.saving:
            return
        for field in self.fields:
            self.set_error(field.name, "")
        self.set_error("form", "")
        values = self.values()
        errors = self.check(values) if self.check is not None else {}
        if errors:  # every field's message at once, before the duty is asked
            for field, message in errors.items():
                self.set_error(field, message)
            first = next((f.name for f in self.fields if f.name in errors), None)
            if first is not None:
                self.query_one(f"#{self._wid(first)}").focus()
            return
        self.saving = True
        self._save(values)

    @work(thread=True, exclusive=True, group="field-form-save")
    def _save(self, values: dict) -> None:
        run_duty(self, lambda: self.save(values), self._done, self._refused)

    def _done(self, result: object) -> None:
        self.saving = False
        self.saved += 1
        self.dismiss(result)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.set_error(field, message)
        for box in self.query(Input):
            if box.password:
                box.value = ""  # a refused PIN is typed again
        if field in {f.name for f in self.fields}:
            self.query_one(f"#{self._wid(field)}").focus()

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
