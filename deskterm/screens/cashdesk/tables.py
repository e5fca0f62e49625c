"""What the cash desk's books share to show their figures: a column heading, an amount or a
count right-aligned in its column, a word looked up in a duty's table of words, a table's
columns added and its rows replaced, lines of plain text as one block, and the lines a
book is made of (its title, a line of text, the hint, a table of rows).

Widths are terminal cells; every column is one cell wider than its text (the tables have
no cell padding), so that a right-aligned figure keeps a gap before the next column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.widgets import DataTable, Static

from deskterm.display import fit, plain
from deskterm.i18n import _
from deskterm.money import format_fen


def word(words: dict[str, str], key: str) -> str:
    """``key``'s word from a table of ``N_()`` words, translated (the key when unknown)."""
    return _(words[key]) if key in words else key


def right(text: str, width: int) -> Text:
    """``text`` cut to ``width`` and right-aligned, a cell of gap after it."""
    return Text(fit(text, width) + " ", justify="right")


def heading(label: str, width: int, at_right: bool = False) -> Text:
    return right(label, width) if at_right else plain(fit(label, width))


def money_cell(fen: int, width: int) -> Text:
    """An amount right-aligned in its column."""
    return right(format_fen(fen), width)


def count_cell(n: int, width: int) -> Text:
    return right(f"{n:,}", width)


def add_columns(table: DataTable, columns: Sequence[tuple[str, int, bool]]) -> None:
    """``(label, width, at_right)`` each, as the table's columns."""
    for label, width, at_right in columns:
        table.add_column(heading(label, width, at_right), width=width + 1)


def fill(table: DataTable, rows: Iterable[tuple[str, Sequence]]) -> None:
    """The table's rows replaced by ``(key, cells)`` each."""
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)


def lines_text(lines: Iterable[str]) -> Text:
    """Lines of plain text (never markup) as one block."""
    return Text("\n").join(plain(line) for line in lines)


def text_line(text: str = "", *, id: str | None = None, classes: str = "") -> Static:
    """A line of plain text (never markup)."""
    return Static(plain(text), id=id, classes=classes, markup=False)


def title_line(text: str, *, id: str | None = None) -> Static:
    return text_line(text, id=id, classes="form-title")


def hint_line(text: str, *, id: str | None = None) -> Static:
    return text_line(text, id=id, classes="form-hint")


def row_table(id: str, *, zebra: bool = True) -> DataTable:
    """A table of rows, the cursor on a whole row, no cell padding (widths are exact)."""
    return DataTable(id=id, cursor_type="row", zebra_stripes=zebra, cell_padding=0)
