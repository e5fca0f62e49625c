"""One small form for the back-office books (canteen, listings): labelled fields in rows,
an error line under each (fed by ``DutyError.field``, taking no room while empty), a
duty called in a thread worker on ctrl+s (or Enter in the last field), dismissed with
what the duty returned. Esc cancels.

``Field`` describes one field: an ``Input`` (the default) or a ``Select`` of
``options`` ((label, value) pairs). The ``save`` callable gets ``{name: value}`` (the
text typed, or the value chosen, None when nothing is) and runs inside
``database.connection_context()``. ``check(values)``, when given, tells every field's
message at once without the database (``{field: message}``); the duty is asked only when
it finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from deskterm.display import plain
from deskterm.i18n import _
from deskterm.screens.form_kit import run_duty

CSS = str(files("deskterm.styles") / "backoffice.tcss")


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # translated
    value: str = ""
    options: tuple[tuple[str, object], ...] | None = None  # a Select when given
    max_length: int = 0
    placeholder: str = ""


class BackofficeForm(ModalScreen[object]):
    """A form of ``fields``; ctrl+s calls ``save(values)`` in a worker."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict], object], *,
                 hint: str = "", form_id: str = "bo-form",
                 check: Callable[[dict], dict[str, str]] | None = None) -> None:
        super().__init__(classes="bo-modal")
        self.form_title = title
        self.fields = fields
        self.save = save
        self.check = check
        self.hint = hint
        self.form_id = form_id
        self.saving = False
        self.saved = 0  # saves done (for tests)

    def compose(self) -> ComposeResult:
        with Vertical(id=self.form_id, classes="form bo-form"):
            yield Static(plain(self.form_title), classes="form-title", markup=False)
            for field in self.fields:
                with Horizontal(classes="bo-row"):
                    yield Label(plain(field.label), classes="bo-label")
                    if field.options is not None:
                        select = Select(list(field.options), compact=True,
                                        id=f"bo-{field.name}", allow_blank=False,
                                        value=field.value if field.value else
                                        field.options[0][1])
                        yield select
                    else:
                        yield Input(field.value, id=f"bo-{field.name}", compact=True,
                                    max_length=field.max_length,
                                    placeholder=field.placeholder)
                yield self._error(field.name)
            yield self._error("")
            yield Static(plain(self.hint or _("ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

    def _error(self, name: str) -> Static:
        line = Static(plain(""), id=f"bo-error-{name or 'form'}", classes="field-error",
                      markup=False)
        line.display = False
        return line

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#bo-{self.fields[0].name}").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"bo-{self.fields[-1].name}":
            self.action_save()
        else:
            self.focus_next()

    def set_error(self, field: str, message: str) -> None:
        names = {f.name for f in self.fields}
        line = self.query_one(f"#bo-error-{field if field in names else 'form'}", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def values(self) -> dict:
        found = {}
        for field in self.fields:
            widget = self.query_one(f"#bo-{field.name}")
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
        self.set_error("", "")
        values = self.values()
        errors = self.check(values) if self.check is not None else {}
        if errors:  # every field's message at once, before the duty is asked
            for field, message in errors.items():
                self.set_error(field, message)
            first = next((f.name for f in self.fields if f.name in errors), None)
            if first is not None:
                self.query_one(f"#bo-{first}").focus()
            return
        self.saving = True
        self._save(values)

    @work(thread=True, exclusive=True, group="backoffice-save")
    def _save(self, values: dict) -> None:
        run_duty(self, lambda: self.save(values), self._done, self._refused)

    def _done(self, result: object) -> None:
        self.saving = False
        self.saved += 1
        self.dismiss(result)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.set_error(field, message)
        if field in {f.name for f in self.fields}:
            self.query_one(f"#bo-{field}").focus()

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
