"""F10: the desk's books (台账) in one short menu, one letter each, made from
``deskterm.keys.BOOKS`` and grouped as there (repairs, fees and cash, shift and back
office) in two columns, so every book fits 80×24. The menu closes with the book's name and
the app opens it over the dashboard, as the command palette does; what each book is for
is in the F1 help and the palette."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from deskterm.display import plain
from deskterm.i18n import _
from deskterm.keys import BOOK_GROUPS, BOOKS


def _group(group: str) -> Group:
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column("key", no_wrap=True, style="bold", width=1)
    table.add_column("book", no_wrap=True, overflow="ellipsis", ratio=1)
    for book in BOOKS:
        if book.group == group:
            table.add_row(plain(book.letter), plain(_(book.label)))
    return Group(Text(_(group), style="bold underline"), table)


class BooksScreen(ModalScreen[str | None]):
    """Dismisses with the chosen book's name (``keys.OPENERS``), or None on Esc."""

    BINDINGS = [Binding("escape,f10,q", "close", show=False)] + [
        Binding(book.letter, f"choose('{book.name}')", show=False) for book in BOOKS]

    def compose(self) -> ComposeResult:
        with Vertical(id="books", classes="form"):
            yield Static(plain(_("The desk's books")), classes="form-title", markup=False)
            yield Static(self._table(), id="books-list", markup=False)
            yield Static(plain(_("Press a letter · Esc close · F1 says what each is for")),
                         classes="form-hint", markup=False)

    def _table(self) -> Table:
        """The first group on the left, the others under each other on the right."""
        table = Table(box=None, show_header=False, expand=True, padding=(0, 2))
        table.add_column("left", ratio=1)
        table.add_column("right", ratio=1)
        left = Group(*(item for g in BOOK_GROUPS[:2] for item in (_group(g), Text(""))))
        right = Group(*(_group(g) for g in BOOK_GROUPS[2:]))
        table.add_row(left, right)
        return table

    def action_choose(self, name: str) -> None:
        self.dismiss(name)

    def action_close(self) -> None:
        self.dismiss(None)
