"""``DeskForm``: the one base of the desk's forms.

A form declares its fields once (``FIELDS``, or ``form_fields()`` when they depend on the
session: ``kit.fields.Field``) and says two things: ``check(values)`` — pure, no database:
the values for the duty and a message for every field it refuses, all at once — and
``save(values)``, the duty, run by ``kit.duty.run_duty`` in a worker inside a connection.
The base owns the rest:

- the layout by default (title, note, one labelled line per field with its error line,
  the form's own error line, the hint); a form with a layout of its own overrides
  ``compose_body`` and places each field with ``self.field(name)``;
- error lines: a refusal is shown under its field (``Field.also`` lists the duty's other
  names for it), the cursor goes to the first refused field; database trouble and other
  errors go to the form's line and leave the cursor and every field as they were;
- saving (ctrl+s: the check, the save in a worker, "Saving…"; a refused save empties
  the PIN fields, a failed one keeps every field): the part ``form_saving.SavingPart``;
- the paste guard (``TextInput.PasteRefused`` → "Too long to paste" under the field);
- Esc and drafts (``DRAFT``, ``draft_subject()``, ``set_initial``, ``touched``): the part
  ``form_drafts.DraftsPart``, which ``DeskForm`` is made of;
- keys: the first focus is the first field the clerk has to fill (``first_focus``); Tab
  and shift+Tab follow the fields in reading order (the order they are composed in);
  Enter moves to the next field (in the last one it saves when ``ENTER_SAVES``); focus
  is moved synchronously (``Screen.set_focus``), so keys already queued behind a key
  that moved it land where the clerk expects.

Textual calls ``on_mount`` of every class of a screen, the subclass's first: a form's own
``on_mount`` must not call ``super().on_mount()`` (it would run twice). A form (or a
book) must not name an attribute ``loading``: that is Textual's own, a spinner over the
whole screen (``is_loaded`` / ``load_failed`` here, ``reading`` on a book).

A form that needs data before it can be filled (a list of technicians) reads it in
``load()`` (a worker; ``loaded(data)`` on the UI thread) and composes what it can first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import replace
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from deskterm.display import plain
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.fields import (
    Field,
    check_text,
    error_line,
    field_above,
    field_box,
    widget_for,
)
from deskterm.screens.kit.form_drafts import DraftsPart
from deskterm.screens.kit.form_saving import SavingPart
from deskterm.screens.kit.inputs import TextInput

T = TypeVar("T")
#: Set while ``kit.prebuilt.Ahead`` builds a form: it is registered with the app beside any
#: form of its class opened meanwhile, so it takes no id (its stylesheet names a class).
BUILDING_AHEAD: ContextVar[bool] = ContextVar("building_ahead", default=False)


class DeskForm(SavingPart, DraftsPart, ModalScreen[T]):
    """A form of declared fields; ctrl+s checks, then saves in a worker (see module)."""

    PREFIX: ClassVar[str] = "form"
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    TITLE_TEXT: ClassVar[str] = ""
    HINT: ClassVar[str] = N_("ctrl+s save · Tab next · Esc cancel")
    #: Enter in the last field saves (small forms); else it only moves on.
    ENTER_SAVES: ClassVar[bool] = False
    #: The form scrolls (a long form at 80×24) instead of growing past the screen; the
    #: scrolling box takes no Tab stop (the field with the cursor is scrolled into view).
    SCROLLS: ClassVar[bool] = False
    #: Roles that may open the form (None: anyone signed in); see kit.opening.
    ROLES: ClassVar[frozenset[str] | None] = None
    AUTO_FOCUS = None  # the form chooses (first_focus), never Textual's first widget
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, session, *, title: str = "", note: str = "",
                 fields: Sequence[Field] | None = None, **kwargs) -> None:
        kwargs.setdefault("classes", "kit-form-screen")
        if BUILDING_AHEAD.get():  # kit.prebuilt: no id (one with it may open beside it)
            kwargs.pop("id", None)
            self.built_ahead = True
        super().__init__(**kwargs)
        self.session = session
        self.office = session.office
        self.form_title = title
        self.note = note
        self._fields = tuple(fields) if fields is not None else None
        self._error_for: dict[str, object] = {}  # the fields refused: what each held
        self._init_saving()
        self._init_drafts()

    # --- what a form declares --------------------------------------------------------------
    def form_fields(self) -> Sequence[Field]:
        return self._fields if self._fields is not None else self.FIELDS

    @property
    def fields(self) -> dict[str, Field]:
        return {f.name: f for f in self.form_fields()}

    def check(self, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The values for ``save`` and a message for each refused field. By default each
        field's required message and its parser; a form adds its own checks after
        calling this."""
        parsed: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for field in self.form_fields():
            value = values.get(field.name)
            empty = value is None or (isinstance(value, str) and not value.strip())
            if empty and field.required:
                errors[field.name] = _(field.required)
                parsed[field.name] = None
                continue
            if field.parse is not None and not empty:
                try:
                    value = field.parse(value)
                except DutyError as exc:
                    errors[field.name] = exc.message
                    value = None
            parsed[field.name] = value
        return parsed, errors

    def save(self, values: dict[str, Any]) -> Any:
        """The duty (in a worker, inside a database connection)."""
        raise NotImplementedError

    def saved(self, result: Any) -> None:
        """After a save, on the UI thread: by default the form closes with the result."""
        self.dismiss(result)

    def load(self) -> Any:
        """Data the form needs from the database (in a worker); None: nothing to read."""
        return None

    def loaded(self, data: Any) -> None:
        """``load``'s data, on the UI thread. Never moves the focus."""

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        options = {"id": f"{self.PREFIX}-form", "classes": "form kit-form"}
        # A form that scrolls still has no Tab stop of its own: Tab goes field to field.
        box = VerticalScroll(can_focus=False, **options) if self.SCROLLS else Vertical(**options)
        with box:
            title = self.form_title or (_(self.TITLE_TEXT) if self.TITLE_TEXT else "")
            if title:
                yield Static(plain(title), classes="form-title", markup=False)
            if self.note:
                yield Static(plain(self.note), classes="form-hint", markup=False)
            yield from self.compose_body()
            yield error_line(self.PREFIX, "form")
            yield Static(plain(_(self.HINT)), id=f"{self.PREFIX}-hint",
                         classes="form-hint kit-hint", markup=False)

    def compose_body(self) -> Iterator[Widget]:
        for field in self.form_fields():
            yield self.field(field.name)

    def field(self, name: str, *, label: str | None = None, **changes) -> Widget:
        """Field ``name`` as one labelled line with its error line (``changes``: what
        differs from its declaration here, e.g. a placeholder)."""
        field = self.fields[name]
        if changes:
            field = replace(field, **changes)
        shown = _(field.label) if label is None else label
        if field.kind == "area":
            return field_above(self.PREFIX, name, shown, widget_for(self.PREFIX, field))
        return field_box(self.PREFIX, name, shown, widget_for(self.PREFIX, field),
                         wide=field.wide)

    # --- reading and writing fields --------------------------------------------------------
    def widget(self, name: str) -> Widget | None:
        """Field ``name``'s box (looked up once: a query walks the whole form, and every
        key reads several fields)."""
        boxes = self.__dict__.setdefault("_boxes", {})
        box = boxes.get(name)
        if box is None or box.parent is None:
            found = self.query(f"#{self.PREFIX}-{name}")
            box = found.first() if found else None
            if box is not None:
                boxes[name] = box
        return box

    def value(self, name: str) -> Any:
        box = self.widget(name)
        if isinstance(box, Select):
            return None if box.value is Select.NULL else box.value
        return getattr(box, "value", None)

    def set_value(self, name: str, value: Any) -> None:
        box = self.widget(name)
        if isinstance(box, Select):
            known = {v for _label, v in box._options}  # noqa: SLF001 - no public getter
            box.value = value if value in known else box.value
        elif box is not None:
            box.value = value

    def values(self) -> dict[str, Any]:
        return {field.name: self.value(field.name) for field in self.form_fields()}

    # --- start -------------------------------------------------------------------------------
    #: Built ahead in idle time (``kit.prebuilt.Ahead``): mounted, started by ``open_now``.
    built_ahead = False
    mounted = False  # its fields hold what they open with (a Select's value comes late)
    opened = False

    def on_mount(self) -> None:
        self.mounted = True
        if not self.built_ahead:
            self.open_now()

    def open_now(self) -> None:
        """Start the form as it opens: the focus, what it opened with, its load (a form
        built ahead is started by ``Ahead.take`` just before it is shown)."""
        if self.opened:
            return
        self.opened = True
        self.opening()
        self._initial = self.kept_values()
        self.focus_first()
        if type(self).load is DeskForm.load:  # nothing to read: no worker, no connection
            self.call_after_refresh(self._loaded, None)
        else:
            self._start_load()

    def _on_screen_resume(self, event) -> None:
        """Shown (Textual's own handler, ``Screen``'s, runs after this one): a form built
        ahead had the stylesheet matched against every widget as it was mounted, so the
        first time it is shown that is not done again (a fifth of the key's time)."""
        if self.built_ahead and not self._shown:
            event.refresh_styles = False
        self._shown = True

    _shown = False

    def opening(self) -> None:
        """As the form opens (a form built ahead: not when it was built): what depends on
        the moment, e.g. a clock started."""

    def _start_load(self) -> None:
        run_duty(self, self.load, done=self._loaded, refused=self._load_refused,
                 group=f"{self.PREFIX}-load", load=True)

    def _loaded(self, data: Any) -> None:
        if self.load_failed:
            self.load_failed = False
            self.show_error("form", "")
        if data is not None:
            self.loaded(data)
        self.is_loaded = True
        self._offer_draft_once()  # after the load: a draft's choices need it

    def _load_refused(self, field: str, message: str) -> None:
        self.load_failed = True
        self.show_error("form", message)
        self._offer_draft_once()

    def after_trouble(self) -> None:
        """The database answers again (``DeskApp``): read what could not be read."""
        if self.load_failed:
            self._start_load()

    is_loaded = False
    load_failed = False

    def first_focus(self) -> Widget | None:
        """The first field the clerk has to fill: the first required one still empty,
        else the first field that takes the focus."""
        first = None
        for field in self.form_fields():
            box = self.widget(field.name)
            if box is None or not box.focusable:
                continue
            first = first or box
            value = self.value(field.name)
            if field.required and (value is None or value == ""):
                return box
        return first

    def focus_first(self) -> None:
        target = self.first_focus()
        if target is not None:
            self.set_focus(target)

    def focus_field(self, name: str) -> None:
        box = self.widget(name)
        if box is not None and box.focusable:
            self.set_focus(box)

    # --- errors ------------------------------------------------------------------------------
    def field_of(self, duty_field: str | None) -> str:
        """This form's field for the duty's ``duty_field`` ("form" when none is)."""
        for field in self.form_fields():
            if duty_field == field.name or duty_field in field.also:
                return field.name
        return "form"

    def show_error(self, name: str, message: str) -> None:
        """``message`` under field ``name`` (or on the form's line); "" clears it."""
        found = self.query(f"#{self.PREFIX}-error-{name}")
        if not found:
            name = "form"
            found = self.query(f"#{self.PREFIX}-error-form")
        if not found:
            return
        if message:  # what it held when refused (None too: a choice left empty)
            self._error_for[name] = self.value(name)
        else:
            self._error_for.pop(name, None)
        line = found.first(Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.set_class(bool(message), "-shown")

    def clear_errors(self) -> None:
        self._error_for.clear()
        for line in self.query(".kit-error.-shown"):
            line.update(plain(""))
            line.set_class(False, "-shown")

    def show_errors(self, errors: dict[str, str]) -> None:
        """Every message at once; the cursor to the first refused field in reading order."""
        for name, message in errors.items():
            self.show_error(self.field_of(name) if name not in self.fields else name, message)
        for field in self.form_fields():
            if field.name in errors or any(self.field_of(n) == field.name for n in errors):
                self.focus_field(field.name)
                return

    @on(TextInput.PasteRefused)
    def _paste_refused(self, event: TextInput.PasteRefused) -> None:
        event.stop()
        name = (event.field.id or "").removeprefix(f"{self.PREFIX}-")
        self.show_error(name, _("Too long to paste: {count} characters; at most {limit}.")
                        .format(count=f"{event.length:,}",
                                limit=f"{event.field.max_length:,}"))

    # --- changes: errors cleared, drafts written ------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        control = getattr(event, "control", None)
        name = (getattr(control, "id", "") or "").removeprefix(f"{self.PREFIX}-")
        if name in self.fields:
            if name in self._error_for and self._error_for[name] != self.value(name):
                self.show_error(name, "")  # the clerk has changed what was refused
            if isinstance(control, Checkbox):
                control.label = plain(check_text(control.value,
                                                 _(self.fields[name].placeholder)))
        self.field_changed(name)
        self._want_draft()

    def field_changed(self, name: str) -> None:
        """After any field changed (``name`` without the prefix)."""

    def on_descendant_focus(self, event) -> None:
        name = (getattr(event.widget, "id", "") or "").removeprefix(f"{self.PREFIX}-")
        self.visited.add(name)

    @property
    def visited(self) -> set[str]:
        """The fields the cursor has been in: what arrives later (a proposal, a load)
        leaves those alone."""
        if self._visited is None:
            self._visited = set()
        return self._visited

    _visited: set[str] | None = None

    # --- Enter and ctrl+s ------------------------------------------------------------------
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.entered(event.input):
            return
        names = [f.name for f in self.form_fields()]
        name = (event.input.id or "").removeprefix(f"{self.PREFIX}-")
        if self.ENTER_SAVES and names and name == names[-1]:
            self.action_save()
        else:
            self.focus_next()

    def entered(self, field: Input) -> bool:
        """Whether Enter in ``field`` did something of the form's own (the cursor stays)."""
        return False
