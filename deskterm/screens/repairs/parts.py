"""What the repair desk's screens share on top of the kit.

For its books (the morning view, the register search, a unit's history, the complaint
list and summary, the Monday approval and the month end), whose tables are the kit's
(``kit.tables``), beside ``BookScreen``:

- ``TableBook``: a ``BookScreen`` that counts its reads (``kit.detail.CountedReads``:
  ``loaded``, ``loads``, which tests wait for), keeps the error lines of its fields
  (``FIELD_LINES``) in step with what it says, shows the highlighted row's detail, and
  runs its writes (``act``) with a ``busy`` flag, a refused write putting the cursor in
  the field it names and staying said while the book is read again;
- ``pane_row_key(dashboard, kind)``: the key of the highlighted row of the focused pane
  (of the pane class ``kind``), which Enter and F4 on the dashboard act on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.widgets import Static

from deskterm.display import plain
from deskterm.i18n import _
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.detail import CountedReads
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.inputs import TextInput
from deskterm.screens.kit.tables import cursor_key


def pane_row_key(dashboard, kind: type) -> str | None:
    """The key of the highlighted row of the focused pane when it is a ``kind`` (None: no
    pane focused, another kind, or an empty one)."""
    focused = dashboard.focused
    if focused is None:
        return None
    pane = next((node for node in focused.ancestors_with_self if isinstance(node, kind)), None)
    return cursor_key(pane.table) if pane is not None else None


class TableBook(CountedReads, BookScreen):
    """A ``BookScreen`` of the repair desk (see the module's docstring). ``rows`` holds
    the rows in the table's order (``BookScreen.current_row`` reads it)."""

    #: The fields with an error line of their own (``#{PREFIX}-error-{name}``).
    FIELD_LINES: ClassVar[tuple[str, ...]] = ()
    #: Their names in the message, for fields too narrow to hold it under them.
    FIELD_WORDS: ClassVar[dict[str, str]] = {}

    busy = False  # a write is on its way: the keys that write wait for it

    # --- reads: a refused write stays said -------------------------------------------------
    _act_said: tuple[str, str] | None = None  # a refused write's message and field

    def _answered(self, asked: int, data: Any, key: tuple) -> None:
        newest, kept = asked == self._asked, self._act_said
        super()._answered(asked, data, key)
        if newest and kept is not None:  # a refused write stays said while the book is read
            self.say(*kept)
            self._act_said = kept

    # --- what it says --------------------------------------------------------------------------
    def say(self, message: str, field: str = "") -> None:
        """The message on the field's line (named when ``FIELD_WORDS`` says so), every
        other line cleared; a message of no field on the book's line; "" clears all."""
        self._act_said = None  # what is said now replaces a refused write's message
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

    @on(TextInput.PasteRefused)
    def _paste_refused(self, event: TextInput.PasteRefused) -> None:
        event.stop()
        name = (event.field.id or "").removeprefix(f"{self.PREFIX}-")
        self.say(_("Too long to paste: {count} characters; at most {limit}.").format(
            count=f"{event.length:,}", limit=f"{event.field.max_length:,}"), name)

    def detail_line(self) -> Static:
        """The highlighted row in full, under the table (``row_detail``)."""
        return Static(plain(""), id=f"{self.PREFIX}-detail", markup=False)

    def show_detail(self) -> None:
        found = self.query(f"#{self.PREFIX}-detail")
        if found:
            found.first(Static).update(plain(self.row_detail(self.current_row())))

    def focus_field(self, name: str) -> None:
        found = self.query(f"#{self.PREFIX}-{name}") if name else None
        if found and found.first().focusable:
            self.set_focus(found.first())

    # --- writes ----------------------------------------------------------------------------------
    def act(self, call: Callable[[], Any], done: Callable[[Any], object], *,
            group: str = "act") -> None:
        """A write in the kit's worker while ``busy``; refused or in trouble, ``say``
        tells and the cursor goes to the field the refusal names."""
        self.busy = True

        def finished(result: Any) -> None:
            self.busy = False
            done(result)

        run_duty(self, call, done=finished, refused=self.act_refused,
                 group=f"{self.PREFIX}-{group}")

    def act_refused(self, field: str, message: str) -> None:
        self.busy = False
        self.say(message, field)
        self._act_said = (message, field)
        self.focus_field(field)
