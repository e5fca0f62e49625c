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
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input


class TextInput(Input):
    """An Input whose paste is inserted once, and refused aloud when too long."""

    class PasteRefused(Message):
        """A paste of ``length`` characters would pass the field's ``max_length``."""

        def __init__(self, field: TextInput, length: int) -> None:
            super().__init__()
            self.field = field
            self.length = length

        @property
        def control(self) -> TextInput:
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
