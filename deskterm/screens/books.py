"""F10: the desk's books (台账) in one short menu, one letter each, made from
``deskterm.keys.BOOKS``. The menu closes and the app runs the book's action, so each book
opens over the dashboard as it does from the command palette."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from deskterm.display import plain
from deskterm.i18n import _
from deskterm.keys import BOOKS


class BooksScreen(ModalScreen[str | None]):
    """Dismisses with the chosen book's action name, or None on Esc."""

    BINDINGS = [Binding("escape,f10,q", "close", show=False)] + [
        Binding(book.letter, f"choose('{book.action}')", show=False) for book in BOOKS]

    def compose(self) -> ComposeResult:
        with Vertical(id="books", classes="form"):
            yield Static(plain(_("The desk's books")), classes="form-title", markup=False)
            yield Static(self._table(), id="books-list", markup=False)
            yield Static(plain(_("Press a letter · Esc close")), classes="form-hint",
                         markup=False)

    def _table(self) -> Table:
        table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("book", no_wrap=True)
        table.add_column("what", ratio=1, no_wrap=True, overflow="ellipsis")
        for book in BOOKS:
            table.add_row(plain(book.letter), plain(_(book.label)), plain(_(book.description)))
        return table

    def action_choose(self, action: str) -> None:
        self.dismiss(action)

    def action_close(self) -> None:
        self.dismiss(None)
