"""What the repair desk's screens share on top of the kit.

For its books (the morning view, the register search, a unit's history, the complaint
list and summary, the Monday approval and the month end), whose tables are the kit's
(``kit.tables``), beside ``BookScreen``:

- ``TableBook``: a ``BookScreen`` (which counts its reads, runs its writes while
  ``busy`` and keeps a refused write said while it reads again) that keeps the error
  lines of its fields (``FIELD_LINES``) in step with what it says;
- ``pane_row_key(dashboard, kind)``: the key of the highlighted row of the focused pane
  (of the pane class ``kind``), which Enter and F4 on the dashboard act on.
"""

from __future__ import annotations

from typing import ClassVar

from deskterm.i18n import _
from deskterm.screens.kit.book import BookScreen


def pane_row_key(dashboard, kind: type) -> str | None:
    """The key of the highlighted row of the focused pane when it is a ``kind`` (None: no
    pane focused, another kind, or an empty one)."""
    focused = dashboard.focused
    if focused is None:
        return None
    pane = next((node for node in focused.ancestors_with_self if isinstance(node, kind)), None)
    return pane.table.cursor_key() if pane is not None else None


class TableBook(BookScreen):
    """A ``BookScreen`` of the repair desk (see the module's docstring). ``rows`` holds
    the rows in the table's order (``BookScreen.current_row`` reads it)."""

    #: The fields with an error line of their own (``#{PREFIX}-error-{name}``).
    FIELD_LINES: ClassVar[tuple[str, ...]] = ()
    #: Their names in the message, for fields too narrow to hold it under them.
    FIELD_WORDS: ClassVar[dict[str, str]] = {}

    def say(self, message: str, field: str = "") -> None:
        """The message on the field's line (named when ``FIELD_WORDS`` says so), every
        other line cleared; a message of no field on the book's line; "" clears all."""
        target = field if field in self.FIELD_LINES else ""
        if message and not target:
            super().say(message)  # the book's own line; the fields' lines stay
            return
        for name in (*self.FIELD_LINES, ""):
            if name != target:
                super().say("", name)
        if message and target in self.FIELD_WORDS:
            message = f"{_(self.FIELD_WORDS[target])}: {message}"
        super().say(message, target)

    def clear_line(self, field: str) -> None:
        """Field ``field``'s error line emptied (the clerk has changed the field); "" the
        book's line."""
        BookScreen.say(self, "", field)
