"""What the shift's screens share on top of the kit.

- ``open_for(app, cls, *args)``: ``kit.opening.open_screen`` for a screen class that takes
  the session first, with the class's ``ROLES``;
- ``TextBox`` and ``TextAreaPart``: multi-line free text in a ``DeskForm`` (the work
  record's notes, a summary and its plan, an assessment). A ``Field`` of kind "text"
  composed with ``self.text_box(name)`` is a ``TextBox``: Tab leaves it, its text is the
  field's value (errors, drafts, Esc's question, ``set_initial`` as for any field), a paste
  is inserted once, and one too long for the field is refused aloud under it, as the
  kit's ``TextInput`` does;
- ``FocusPanel``: a read-only panel that holds the focus, so a screen's letter keys work.
"""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static, TextArea

from deskterm.display import plain
from deskterm.i18n import _
from deskterm.screens.kit.fields import error_line
from deskterm.screens.kit.inputs import TextInput
from deskterm.screens.kit.opening import open_screen


def open_for(app, cls, *args, **kwargs):
    """Open ``cls(app.session, *args)`` for the person at the desk if ``cls.ROLES`` lets
    them (see ``kit.opening``); the screen, or None."""
    return open_screen(app, lambda: cls(app.session, *args, **kwargs), roles=cls.ROLES)


# --- multi-line free text -----------------------------------------------------------------

class FocusPanel(Static, can_focus=True):
    """A read-only panel that can hold the focus, so the screen's letter keys reach it."""


class TextBox(TextArea):
    """A multi-line text field: Tab moves on; a paste is inserted once (``TextArea``'s own
    handler, which Textual calls after this one; the paste goes no further, as an
    ``Input``'s does not: a plain ``TextArea`` lets it bubble to the app, which hands a
    paste it was not given itself to the focused widget again); a paste that would pass
    ``max_length`` is refused aloud (``TextInput.PasteRefused``, said under the field)."""

    def __init__(self, text: str = "", *, max_length: int = 0, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        kwargs.setdefault("tab_behavior", "focus")
        super().__init__(text, **kwargs)
        self.max_length = max_length

    def _on_paste(self, event) -> None:
        # Never super()._on_paste(): Textual calls TextArea._on_paste after this one.
        event.stop()  # the paste is the box's (TextArea lets it bubble on to the app)
        pasted = event.text or ""
        if self.max_length and not self.read_only and \
                len(self.text) + len(pasted) > self.max_length:
            event.prevent_default()  # TextArea._on_paste is not called
            self.post_message(TextInput.PasteRefused(self, len(pasted)))


class TextAreaPart:
    """Mixed into a ``DeskForm`` before it: the form's multi-line fields (see module).

    Named handlers, not ``@on``: Textual collects ``@on`` only in its own classes."""

    def text_box(self, name: str, *, label: str | None = None) -> Widget:
        """Field ``name`` as its label, a ``TextBox`` under it, and its error line."""
        field = self.fields[name]
        box = TextBox(str(field.initial or ""), max_length=field.max_length,
                      id=f"{self.PREFIX}-{name}")
        shown = _(field.label) if label is None else label
        return Vertical(Label(plain(shown), classes="kit-label"), box,
                        error_line(self.PREFIX, name), classes="kit-field -wide kit-area")

    def value(self, name: str) -> Any:
        box = self.widget(name)
        if isinstance(box, TextArea):
            return box.text
        return super().value(name)

    def set_value(self, name: str, value: Any) -> None:
        box = self.widget(name)
        if isinstance(box, TextArea):
            text = "" if value is None else str(value)
            if box.text != text:
                box.text = text
            return
        super().set_value(name, value)

    def text_areas(self) -> list[str]:
        """The names of the form's multi-line fields."""
        return [name for name in self.fields if isinstance(self.widget(name), TextArea)]

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """As the kit does for its own fields: an error under the field goes once the
        clerk changes what was refused, and the draft is written."""
        name = (event.text_area.id or "").removeprefix(f"{self.PREFIX}-")
        if name not in self.fields:
            return
        refused = self._error_for  # the kit's record of what was refused
        if name in refused and refused[name] != self.value(name):
            self.show_error(name, "")
        self.field_changed(name)
        self._want_draft()  # the kit's: once for a burst of keys
