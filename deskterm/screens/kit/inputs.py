"""The desk's text fields: one paste, inserted once; a paste too long said at the field.

Textual calls a message handler once for every class in the widget's MRO that defines
it: an ``Input`` subclass whose ``_on_paste`` called ``super()._on_paste`` inserted every
paste twice (a phone number pasted into the register search became
``1997468070419974680704``). ``TextInput`` never calls the parent: it only stops a paste
that would pass ``max_length`` (Textual's own Input drops it silently) and posts
``PasteRefused``, which the form shows under the field; a paste that fits is left to
``Input._on_paste``, which Textual calls next.

``MonthInput`` is a ``TextInput`` where ``[`` and ``]`` step the month instead of
being typed; ``PinInput`` shows dots and takes digits only.

``TextBox`` is the multi-line field (``Field(kind="area")``): its ``value`` is its text,
as a form reads any field; Tab moves on; a paste is inserted once (``TextArea``'s own
handler, which Textual calls after this one; the paste goes no further: a plain
``TextArea`` lets it bubble to the app, which hands a paste it was not given itself to
the focused widget again, and it was inserted twice); a paste that would pass
``max_length`` is refused aloud (``TextInput.PasteRefused``), as ``TextInput`` does.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input, TextArea


class TextInput(Input):
    """An Input whose paste is inserted once, and refused aloud when too long."""

    class PasteRefused(Message):
        """A paste of ``length`` characters would pass the field's ``max_length``."""

        def __init__(self, field: TextInput | TextBox, length: int) -> None:
            super().__init__()
            self.field = field
            self.length = length

        @property
        def control(self) -> TextInput | TextBox:
            return self.field

    def _on_paste(self, event) -> None:
        # Never super()._on_paste(): Textual calls Input._on_paste after this one.
        text = event.text or ""
        line = text.splitlines()[0] if text else ""
        if self.max_length and len(self.value) + len(line) > self.max_length:
            event.prevent_default()  # Input._on_paste is not called
            event.stop()
            self.post_message(self.PasteRefused(self, len(line)))


class MonthInput(TextInput):
    """The month field: ``[`` and ``]`` are never part of a month, so they step the
    month (the screen's keys) instead of being typed."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character not in ("[", "]") and super().check_consume_key(key, character)


class PinInput(TextInput):
    """A PIN: shown as dots; 4 to 8 digits (full-width digits from an IME too)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("password", True)
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("restrict", r"[0-9０-９]*")
        super().__init__(*args, **kwargs)


class TextBox(TextArea):
    """A multi-line field (see the module): ``value`` is its text."""

    def __init__(self, text: str = "", *, max_length: int = 0, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        kwargs.setdefault("tab_behavior", "focus")
        super().__init__(text, **kwargs)
        self.max_length = max_length

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str | None) -> None:
        text = "" if text is None else str(text)
        if self.text != text:  # the same text again keeps the cursor where it is
            self.load_text(text)

    def _on_paste(self, event) -> None:
        # Never super()._on_paste(): Textual calls TextArea._on_paste after this one.
        event.stop()  # the paste is the box's (TextArea lets it bubble on to the app)
        pasted = event.text or ""
        if self.max_length and not self.read_only and \
                len(self.text) + len(pasted) > self.max_length:
            event.prevent_default()  # TextArea._on_paste is not called
            self.post_message(TextInput.PasteRefused(self, len(pasted)))
