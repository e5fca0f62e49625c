"""What the back-office books share (stock, its ledger, the canteen, the meal fees, the
listings and a listing): a ``BookScreen`` laid out as a title, what stands above the
table, the table (``COLUMNS``: label, width, right-aligned), what stands under it, the kit's
result line (``tell``: what a key did), its message line (``say``: what was refused or
went wrong) and the hint.

The table has the focus when the book opens and ``read()`` asks for the first answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib.resources import files
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from deskterm.display import plain
from deskterm.i18n import _
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.tables import Column, add_columns, cells_of, refill, row_table

#: The back-office books' stylesheet (their forms use it too).
CSS = str(files("deskterm.styles") / "backoffice.tcss")
#: The stock books' and the stocktake's (they take the whole terminal).
STOCK_CSS = str(files("deskterm.styles") / "stock.tcss")


class BackofficeBook(BookScreen):
    """A back-office book (see the module's docstring)."""

    CSS_PATH = CSS
    #: The table's columns (``kit.tables.Column``: label, width, right-aligned).
    COLUMNS: ClassVar[tuple[Column | tuple, ...]] = ()
    #: The book's title before its first answer, and its hint (N_() texts).
    HEADING: ClassVar[str] = ""
    HINT: ClassVar[str] = ""
    #: The box's classes (the back-office box; the stock books take the whole terminal).
    BOX_CLASSES: ClassVar[str] = "form bo-wide"
    TABLE_ID: ClassVar[str] = ""  # "" is ``{PREFIX}-table``

    def __init__(self, session, **kwargs) -> None:
        kwargs.setdefault("classes", "bo-modal")
        super().__init__(session, **kwargs)

    @property
    def table(self) -> DataTable:
        return self.query_one(f"#{self.TABLE_ID or self.PREFIX + '-table'}", DataTable)

    # --- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id=f"{self.PREFIX}-form", classes=self.BOX_CLASSES):
            yield from self.compose_title()
            yield from self.compose_above()
            yield row_table(self.TABLE_ID or f"{self.PREFIX}-table")
            yield from self.compose_below()
            yield self.result_line()
            yield self.message_line()
            yield Static(plain(_(self.HINT)), id=f"{self.PREFIX}-hint", classes="form-hint",
                         markup=False)

    def compose_title(self) -> Iterator[Widget]:
        yield Static(plain(_(self.HEADING)), id=f"{self.PREFIX}-title", classes="form-title",
                     markup=False)

    def compose_above(self) -> Iterator[Widget]:
        yield from ()

    def compose_below(self) -> Iterator[Widget]:
        yield from ()

    def on_mount(self) -> None:
        add_columns(self.table, self.COLUMNS)
        self.set_focus(self.first_focus())
        self.read(*self.first_key())

    def first_focus(self) -> Widget:
        return self.table

    def first_key(self) -> tuple:
        return ()

    # --- lines -------------------------------------------------------------------------------
    def set_line(self, name: str, text: str | Text) -> None:
        """Line ``#{PREFIX}-{name}`` shows ``text`` (plain, never markup)."""
        self.query_one(f"#{self.PREFIX}-{name}", Static).update(
            text if isinstance(text, Text) else plain(text))

    def show_rows(self, rows: Sequence[Sequence[object]], keys: Sequence[str]) -> None:
        """The table holds ``rows`` (cells cut to the columns), keyed by ``keys``; the
        cursor stays on the row it was on."""
        refill(self.table, ((key, cells_of(cells, self.COLUMNS))
                            for key, cells in zip(keys, rows, strict=True)))
