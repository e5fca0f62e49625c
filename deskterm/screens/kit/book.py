"""``BookScreen``: the base of the desk's books (registers, lists, summaries, sheets).

A book reads its data in the kit's worker and shows it; the base owns the rest:

- ``read(*key)`` asks ``fetch(*key)`` (in a worker, inside a connection) and hands the
  answer to ``show(data, *key)``; an answer to an older ``read`` than the newest is
  dropped (reads may finish out of order); ctrl+r reads the last key again;
- a refusal (a period that is not one) or database trouble goes to ``say``: the book's
  message line (``#{PREFIX}-message``), in the clerk's words; the rows shown stay;
- ``act(call, done)`` runs a write of the book (hand the month over, approve, print)
  the same way: refused or in trouble, ``say`` tells; done, ``done(result)``;
- the highlighted row of the book's table (``rows``) and its detail line under the
  table (``row_detail``), kept in step as the cursor moves;
- Esc closes (``action_close``), and ``ROLES`` says who may open it (``kit.opening``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.display import plain
from deskterm.screens.kit.duty import run_duty

T = TypeVar("T")


class BookScreen(ModalScreen[T]):
    PREFIX: ClassVar[str] = "book"
    ROLES: ClassVar[frozenset[str] | None] = None
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("ctrl+r", "reread", show=False),
    ]

    def __init__(self, session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.office = session.office
        self.rows: Sequence[Any] = ()
        self.reading = False
        self._asked = 0
        self._last_key: tuple = ()

    # --- what a book gives -----------------------------------------------------------------
    def fetch(self, *key) -> Any:
        """The book's data for ``key`` (in a worker, inside a database connection)."""
        raise NotImplementedError

    def show(self, data: Any, *key) -> None:
        """Show ``fetch``'s answer (on the UI thread)."""
        raise NotImplementedError

    def row_detail(self, row: Any) -> str:
        """The highlighted row's whole text under the table ("" for none)."""
        return ""

    # --- reading -----------------------------------------------------------------------------
    def read(self, *key) -> None:
        self._asked += 1
        asked = self._asked
        self._last_key = key
        self.reading = True
        run_duty(self, lambda: self.fetch(*key),
                 done=lambda data: self._answered(asked, data, key),
                 refused=lambda field, message: self._refused(asked, field, message),
                 group=f"{self.PREFIX}-read", exclusive=False, load=True)

    def _answered(self, asked: int, data: Any, key: tuple) -> None:
        if asked != self._asked:
            return  # an older read: a newer one is on its way
        self.reading = False
        self.read_failed = False
        self.say("")
        self.show(data, *key)

    def _refused(self, asked: int, field: str, message: str) -> None:
        if asked != self._asked:
            return
        self.reading = False
        self.read_failed = bool(not field)  # trouble (a refused key is the clerk's to fix)
        self.say(message, field)

    read_failed = False

    def after_trouble(self) -> None:
        """The database answers again (``DeskApp``): read again what could not be read."""
        if self.read_failed:
            self.read_failed = False
            self.read(*self._last_key)

    def action_reread(self) -> None:
        self.read(*self._last_key)

    # --- writing -----------------------------------------------------------------------------
    def act(self, call: Callable[[], Any], done: Callable[[Any], object], *,
            group: str = "act") -> None:
        """A write from the book, in the kit's worker; refusals and trouble to ``say``."""
        run_duty(self, call, done=done, refused=lambda field, message: self.say(message, field),
                 group=f"{self.PREFIX}-{group}")

    # --- the message line ------------------------------------------------------------------
    def message_line(self) -> Static:
        line = Static(plain(""), id=f"{self.PREFIX}-message", classes="kit-error",
                      markup=False)
        return line

    def say(self, message: str, field: str = "") -> None:
        """``message`` on the book's line ("" clears it); ``field`` names what it is
        about, for a book with a line of its own for it (``#{PREFIX}-error-{field}``)."""
        found = self.query(f"#{self.PREFIX}-error-{field}") if field else None
        if not found:
            found = self.query(f"#{self.PREFIX}-message")
        if not found:
            if message:
                self.notify(message, severity="error", markup=False)
            return
        line = found.first(Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.set_class(bool(message), "-shown")

    # --- the highlighted row ---------------------------------------------------------------
    def current_row(self) -> Any | None:
        tables = self.query(DataTable)
        if not tables or not self.rows:
            return None
        index = tables.first().cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        found = self.query(f"#{self.PREFIX}-detail")
        if found:
            found.first(Static).update(plain(self.row_detail(self.current_row())))

    def action_close(self) -> None:
        self.dismiss(None)
