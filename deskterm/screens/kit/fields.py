"""A form's fields, declared once: what the clerk sees (label, placeholder, the kind of
box) and what the form checks before any duty is asked (required, a pure parser).

``Field.kind``: ``text`` (a ``TextInput``), ``pin`` (a ``PinInput``: dots, digits, never
kept in a draft, emptied after a refusal), ``month`` (a ``MonthInput``: ``[`` ``]`` step),
``select`` (a ``Select`` of ``options``, (label, value) pairs, never blank unless
``blank`` names the empty choice), ``check`` (a ``Checkbox``, its yes/no written out)
and ``area`` (a ``TextBox``: several lines of free text, its label on the line above,
Tab moves on; ``wrap`` False keeps a long line on one line, as a list of codes wants).

``widget_for(prefix, field)`` makes the box with the id ``{prefix}-{name}``;
``field_box(prefix, name, label, widget)`` lays out one labelled field on one line with
its error line (``{prefix}-error-{name}``, taking no room while empty) under it;
``field_above`` the same with the label on the line above (an area, or a widget too wide
or too tall to share a line with its label).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Label, Select, Static

from deskterm.display import plain
from deskterm.i18n import _
from deskterm.screens.kit.inputs import MonthInput, PinInput, TextBox, TextInput


@dataclass(frozen=True)
class Field:
    name: str  # the widget's id after the prefix; the duty's field name by default
    label: str  # N_() or already translated: shown through _()
    kind: str = "text"  # text / pin / month / select / check / area
    required: str = ""  # the message when left empty ("" = may be empty)
    parse: Callable[[str], object] | None = None  # pure; raises DutyError
    initial: object = ""
    max_length: int = 0
    placeholder: str = ""  # for a check: what "yes" means
    options: Sequence[tuple[str, object]] | None = None
    blank: str = ""  # a select's empty choice ("" = none)
    also: tuple[str, ...] = ()  # the duty's other names for this field
    wide: bool = False
    restrict: str | None = None
    keep: bool = True  # kept in a draft (a PIN never is)
    wrap: bool = True  # an area's long lines wrap

    @property
    def kept(self) -> bool:
        return self.keep and self.kind != "pin"


def check_text(value: bool, what: str) -> str:
    return ("✓ " + _("yes") + ": " + what) if value else ("✗ " + _("no"))


def widget_for(prefix: str, field: Field) -> Widget:
    wid = f"{prefix}-{field.name}"
    if field.kind == "select":
        options = [(plain(_(label)) if isinstance(label, str) else label, value)
                   for label, value in (field.options or ())]
        values = [value for _label, value in options]
        if field.blank:
            chosen = field.initial if field.initial in values else Select.NULL
            return Select(options, prompt=_(field.blank), compact=True, id=wid,
                          allow_blank=True, value=chosen)
        chosen = field.initial if field.initial in values else (
            values[0] if values else Select.NULL)
        return Select(options, compact=True, id=wid, allow_blank=not values, value=chosen)
    if field.kind == "check":
        return Checkbox(plain(check_text(bool(field.initial), _(field.placeholder))),
                        bool(field.initial), compact=True, id=wid)
    if field.kind == "area":
        return TextBox(str(field.initial or ""), id=wid, max_length=field.max_length,
                       soft_wrap=field.wrap,
                       placeholder=_(field.placeholder) if field.placeholder else "")
    kind = {"pin": PinInput, "month": MonthInput}.get(field.kind, TextInput)
    options = {"restrict": field.restrict} if field.restrict else {}
    if field.kind == "pin":
        return kind(id=wid, compact=True, placeholder=_(field.placeholder) if field.placeholder
                    else "", **options)
    return kind(str(field.initial or ""), id=wid, compact=True, max_length=field.max_length,
                placeholder=_(field.placeholder) if field.placeholder else "", **options)


def error_line(prefix: str, name: str) -> Static:
    """The error line of field ``name`` (``form``: the form's own), hidden while empty."""
    return Static(plain(""), id=f"{prefix}-error-{name}", classes="kit-error", markup=False)


def field_box(prefix: str, name: str, label: str, widget: Widget, *,
              wide: bool = False) -> Vertical:
    """One labelled field on one line, with its error line under it."""
    line = Horizontal(Label(plain(label), classes="kit-label"), widget, classes="kit-line")
    return Vertical(line, error_line(prefix, name),
                    classes="kit-field" + (" -wide" if wide else ""))


def field_above(prefix: str, name: str, label: str, widget: Widget) -> Vertical:
    """A field with its label on the line above it and its error line under it."""
    return Vertical(Label(plain(label), classes="kit-label"), widget,
                    error_line(prefix, name), classes="kit-field -wide")
