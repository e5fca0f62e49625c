"""``BookScreen``: the base of the desk's books (registers, lists, summaries, sheets).

A book reads its data in the kit's worker and shows it; the base owns the rest:

- ``read(*key)`` asks ``fetch(*key)`` (in a worker, inside a connection) and hands the
  answer to ``show(data, *key)``; an answer to an older ``read`` than the newest is
  dropped (reads may finish out of order); ctrl+r reads the last key again;
  ctrl+r before any read does nothing; ``loaded`` (the first read answered, shown or
  refused) and ``loads`` (reads shown) are what tests and screens wait for (a book whose
  ``show`` finishes on a later turn sets ``SHOWS_LATER`` and counts ``loads`` itself);
- a refusal (a period that is not one) or database trouble goes to ``say``: the book's
  message line (``#{PREFIX}-message``), in the clerk's words; the rows shown stay;
- ``tell`` says what a key did on the result line (``result_line()``, ``✓ …``) beside
  the message line: each clears the other, so an old success never stands beside a new
  refusal;
- ``act(call, done)`` runs a write of the book (hand the month over, approve, print)
  the same way while ``busy``: refused or in trouble, ``say`` tells, the cursor goes to
  the field it names, and the message stays said while the book is read again; done,
  ``done(result)``;
- a paste too long for a field of the book is said on its line;
- the highlighted row of the book's table (``rows``) and its detail line under the
  table (``detail_line()``, ``row_detail``), kept in step as the cursor moves;
- Esc closes (``action_close``), and ``ROLES`` says who may open it (``kit.opening``);
- ``COVERS``: the book's box is 80 wide and the whole height, so in a terminal no wider
  nothing under it shows: there the screen is drawn opaque. A translucent screen makes
  Textual draw the dashboard under it, tinted, on every full frame (a third of a book's
  first frame at 80×24; issue #15);
- built ahead (``kit.prebuilt``, a book opened without arguments, as the forms of a
  call): composed and mounted in idle time, with no id, and started by ``open_now`` as
  it is shown. A book does what it does as it opens in ``opening`` (the focus, its first
  read), never in ``on_mount``: so nothing is read minutes before the clerk opens it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.binding import Binding
from textual.color import Color
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.display import plain
from deskterm.i18n import _
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.form import BUILDING_AHEAD
from deskterm.screens.kit.inputs import TextInput

T = TypeVar("T")


def update_line(line: Static, text: str) -> None:
    """``text`` on a line of the book, unless it says that already (an update lays the
    whole screen out again: one per key of the cursor, else)."""
    if str(line.content) != text:
        line.update(plain(text))


class BookScreen(ModalScreen[T]):
    PREFIX: ClassVar[str] = "book"
    ROLES: ClassVar[frozenset[str] | None] = None
    #: ``show`` finishes on a later turn and counts ``loads`` itself when it has.
    SHOWS_LATER: ClassVar[bool] = False
    #: The book's box fills an 80×24 terminal (``COVERED_WIDTH`` wide, the whole height).
    COVERS: ClassVar[bool] = False
    COVERED_WIDTH: ClassVar[int] = 80
    #: Closed, the book is made as new (``reset``) and kept for the next opening
    #: (``kit.prebuilt``), not built again: a book opened many times a day (the register).
    KEPT: ClassVar[bool] = False
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("ctrl+r", "reread", show=False),
    ]

    def __init__(self, session, **kwargs) -> None:
        if BUILDING_AHEAD.get():  # kit.prebuilt: no id (one with it may open beside it)
            kwargs.pop("id", None)
            self.built_ahead = True
        super().__init__(**kwargs)
        self.session = session
        self.office = session.office
        self.rows: Sequence[Any] = ()
        self.reading = False
        self._asked = 0
        self._last_key: tuple = ()
        self._waiting_key: tuple | None = None  # read_as_typed's newest key, behind a read
        self._cover()

    # --- drawn opaque where it covers the terminal -------------------------------------------
    def _cover(self) -> None:
        """Opaque (the theme's background) while the terminal is no wider than the box,
        translucent as every modal screen otherwise (``styles/forms.tcss``)."""
        if not self.COVERS:
            return
        try:
            app = self.app
            covered = app.size.width <= self.COVERED_WIDTH
            color = Color.parse(app.get_css_variables()["background"]) if covered else None
        except Exception:  # no app running yet: the stylesheet's translucent background
            return
        self.styles.background = color

    def on_resize(self) -> None:
        self._cover()

    # --- opening ----------------------------------------------------------------------------
    #: Built ahead in idle time (``kit.prebuilt.Ahead``): mounted, started by ``open_now``.
    built_ahead = False
    mounted = False
    opened = False
    _shown = False

    def on_mount(self) -> None:  # after a subclass's own on_mount (Textual's order)
        self.mounted = True
        if not self.built_ahead:
            self.open_now()

    def open_now(self) -> None:
        """Start the book as it opens (one built ahead: by ``Ahead.take``, just before it
        is shown)."""
        if self.opened:
            return
        self.opened = True
        self.opening()

    def opening(self) -> None:
        """What the book does as it opens: the focus, its first read."""

    def values(self) -> dict[str, Any]:
        """(``Ahead`` finds a form's fields once; a book has nothing to find.)"""
        return {}

    # No ``is_loaded`` (a form's "what it needs has come"): ``Ahead`` takes a screen
    # without it for one to wait under until the screens change, so it builds nothing while
    # a book is open (a build is ~50-100 ms of the UI thread, and its frame repaints the
    # book), and arms no timer meanwhile either.

    def _on_screen_resume(self, event) -> None:
        """Shown (Textual's own handler runs after this one): a book built ahead had the
        stylesheet matched against every widget as it was mounted, so the first time it
        is shown that is not done again."""
        if self.built_ahead and not self._shown:
            event.refresh_styles = False
        self._shown = True

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

    def read_as_typed(self, *key) -> None:
        """Search as the clerk types, with no fixed delay: read ``key`` now, or, while a
        read is on its way, as soon as it answers. Only the newest key waits (each key
        supersedes the one before), so a burst costs at most two reads and the last key
        is answered within two reads' time. A key the newest read already asks (a field's
        first Changed as the book opens) is not read twice."""
        if not self.opened:  # a field's first Changed in a book built ahead: not yet
            return
        if self._asked and key == self._last_key:
            self._waiting_key = None  # the newest wish is the read shown or on its way
            return
        if self.reading:
            self._waiting_key = key
            return
        self.read(*key)

    def _read_waiting(self) -> bool:
        """Read the key that waited behind the read that just answered; False: none."""
        key, self._waiting_key = self._waiting_key, None
        if key is None:
            return False
        self.read(*key)
        return True

    def _answered(self, asked: int, data: Any, key: tuple) -> None:
        if asked != self._asked:
            return  # an older read: a newer one is on its way
        if self._read_waiting():
            self.show(data, *key)  # what was typed a key ago, while the newest is read
            return
        self.reading = False
        self.read_failed = False
        kept = self._act_said
        self.say("")
        self.show(data, *key)
        self.loaded = True
        if not self.SHOWS_LATER:
            self.loads += 1
        if kept is not None:  # a refused write stays said while the book is read
            self.say(*kept)
            self._act_said = kept

    def _refused(self, asked: int, field: str, message: str) -> None:
        if asked != self._asked or self._read_waiting():
            return
        self.reading = False
        self.read_failed = bool(not field)  # trouble (a refused key is the clerk's to fix)
        self.loaded = True
        self.say(message, field)

    read_failed = False
    loaded = False  # the first read answered (shown or refused)
    loads = 0  # reads shown
    busy = False  # a write is on its way: the keys that write wait for it
    _act_said: tuple[str, str] | None = None  # a refused write's message and field

    def after_trouble(self) -> None:
        """The database answers again (``DeskApp``): read again what could not be read."""
        if self.read_failed:
            self.read_failed = False
            self.read(*self._last_key)

    def action_reread(self) -> None:
        if self._asked:  # before the first read there is nothing to read again
            self.read(*self._last_key)

    # --- writing -----------------------------------------------------------------------------
    def act(self, call: Callable[[], Any], done: Callable[[Any], object], *,
            group: str = "act") -> None:
        """A write from the book, in the kit's worker, while ``busy``; refused or in
        trouble, ``act_refused``."""
        self.busy = True
        self._act_said = None  # a new write: the last one's refusal is said no longer

        def finished(result: Any) -> None:
            self.busy = False
            done(result)

        run_duty(self, call, done=finished, refused=self.act_refused,
                 group=f"{self.PREFIX}-{group}")

    def act_refused(self, field: str, message: str) -> None:
        """``say`` tells (and keeps it said over the next read); the cursor to the field."""
        self.busy = False
        self.say(message, field)
        self._act_said = (message, field)
        self.focus_field(field)

    def focus_field(self, name: str) -> None:
        found = self.query(f"#{self.PREFIX}-{name}") if name else None
        if found and found.first().focusable:
            self.set_focus(found.first())

    # --- the message line ------------------------------------------------------------------
    def message_line(self) -> Static:
        line = Static(plain(""), id=f"{self.PREFIX}-message", classes="kit-error",
                      markup=False)
        return line

    def result_line(self) -> Static:
        """The line ``tell`` writes on, taking no room while empty."""
        line = Static(plain(""), id=f"{self.PREFIX}-result", classes="kit-result",
                      markup=False)
        line.display = False
        return line

    def say(self, message: str, field: str = "") -> None:
        """``message`` on the book's line ("" clears it); ``field`` names what it is
        about, for a book with a line of its own for it (``#{PREFIX}-error-{field}``).
        A message clears the result line."""
        self._act_said = None  # what is said now replaces a refused write's message
        if message:
            self._tell("")
        found = self.query(f"#{self.PREFIX}-error-{field}") if field else None
        if not found:
            found = self.query(f"#{self.PREFIX}-message")
        if not found:
            if message:
                self.notify(message, severity="error", markup=False)
            return
        line = found.first(Static)
        update_line(line, ("✗ " + message) if message else "")
        line.set_class(bool(message), "-shown")

    def tell(self, text: str, *, done: bool = True) -> None:
        """What a key did (``✓ …``; ``done`` False: a plain word) on the result line; the
        message line is cleared."""
        BookScreen.say(self, "")
        self._tell(("✓ " + text) if text and done else text)

    def _tell(self, text: str) -> None:
        found = self.query(f"#{self.PREFIX}-result")
        if found:
            line = found.first(Static)
            update_line(line, text)
            if line.has_class("kit-result"):  # a book's own line keeps its room
                line.display = bool(text)

    @on(TextInput.PasteRefused)
    def _paste_refused(self, event: TextInput.PasteRefused) -> None:
        event.stop()
        name = (event.field.id or "").removeprefix(f"{self.PREFIX}-")
        self.say(_("Too long to paste: {count} characters; at most {limit}.").format(
            count=f"{event.length:,}", limit=f"{event.field.max_length:,}"), name)

    # --- the highlighted row ---------------------------------------------------------------
    def current_row(self) -> Any | None:
        tables = self.query(DataTable)
        if not tables or not self.rows:
            return None
        index = tables.first().cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def detail_line(self) -> Static:
        """The highlighted row in full, under the table (``row_detail``)."""
        return Static(plain(""), id=f"{self.PREFIX}-detail", markup=False)

    def show_detail(self) -> None:
        found = self.query(f"#{self.PREFIX}-detail")
        if found:
            update_line(found.first(Static), self.row_detail(self.current_row()))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def action_close(self) -> None:
        ahead = getattr(self.app, "ahead", None) if self.KEPT else None
        if ahead is None or ahead.stopped:
            self.dismiss(None)
            return
        name = f"kept-{id(self)}"
        if not self.app.is_screen_installed(name):
            self.app.install_screen(self, name)  # so that closing does not remove it
        self.dismiss(None)
        self.reset()
        if not ahead.give_back(self):  # not kept: closing removes it after all
            self.app.uninstall_screen(name)

    def reset(self) -> None:
        """The book as it was built, before it opens again (a ``KEPT`` book, closed): what
        the last clerk searched, read or was told is gone; an answer still on its way is
        dropped. A book with fields of its own clears them (after this)."""
        self.opened = False
        self._shown = False
        self._asked += 1  # an answer on its way is for a read no longer asked
        self._last_key = ()
        self._waiting_key = None
        self.reading = False
        self.read_failed = False
        self.loaded = False
        self.loads = 0
        self._act_said = None
        self.rows = ()
        for table in self.query(DataTable):
            table.clear()
        self.say("")
        self._tell("")
        self.show_detail()
