"""A book's tables and lines of text, shown the same way in every part of the desk.

Widths are terminal cells. A book's table has no cell padding: every column is one cell
wider than its text, which is the gap, so a right-aligned figure keeps a gap before the
next column. Every text is plain (``display.plain``): what a clerk typed is never read as
markup.

- ``Column(label, width, right=False)``: a column (a plain ``(label, width)`` or
  ``(label, width, right)`` tuple is one too); the label goes through ``_()``;
- ``row_table(id)``: a table of rows (the cursor on a whole row, no cell padding);
  ``book_table(id, columns)`` with its columns made at once (in ``compose``);
  ``add_columns(table, columns)`` for a table made elsewhere;
- ``refill(table, rows)``: the rows replaced by ``(key, cells)`` each; the cursor stays on
  the row with the key it was on, else at the same place (``keep=False``: at the top, a
  table of something else); ``page=N``: only the first N rows (more if the cursor's row
  is further down) go into the table, the rest is returned, for ``add_rest`` to add when
  the clerk goes down to them (``near_end``): a table of 200 rows costs its book's frame
  ~15-20 ms of the UI thread, of which an 80×24 view shows a dozen (issue #15);
- cells: ``heading`` / ``cell`` (cut to the width), ``right`` (right-aligned with its
  gap), ``money_cell``, ``count_cell``, ``cells_of`` (a row's values cut to the columns);
  ``word(words, key)`` a key's word from a duty's table of ``N_()`` words;
- lines: ``lines_text(lines, width)`` lines as one block (each cut to ``width`` when
  given); ``text_line``, ``title_line``, ``hint_line`` a line of the book.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from deskterm.display import fit, plain
from deskterm.i18n import _
from deskterm.money import format_fen


class Column(NamedTuple):
    label: str  # N_() or already translated: shown through _()
    width: int  # in cells, without the gap
    right: bool = False  # right-aligned (amounts, counts)


def word(words: dict[str, str], key: str | None) -> str:
    """``key``'s word from a table of ``N_()`` words, translated (the key when unknown,
    "" for none)."""
    if not key:
        return ""
    return _(words[key]) if key in words else key


# --- cells ----------------------------------------------------------------------------------

def cell(text: object, width: int) -> Text:
    """``text`` cut to ``width`` cells, plain (None: empty)."""
    return plain(fit(text, width))


def right(text: object, width: int) -> Text:
    """``text`` cut to ``width`` and right-aligned, a cell of gap after it (a table drops
    leading spaces)."""
    return Text(fit(text, width) + " ", justify="right")


def heading(label: object, width: int, at_right: bool = False) -> Text:
    """A column's heading (or a cell of text) cut to its width."""
    return right(label, width) if at_right else cell(label, width)


def money_cell(fen: int, width: int, *, symbol: bool = True) -> Text:
    """An amount right-aligned in its column."""
    return right(format_fen(fen, symbol=symbol), width)


def count_cell(n: int, width: int) -> Text:
    return right(f"{n:,}", width)


def cells_of(values: Sequence[object], columns: Sequence[Column | tuple]) -> list[Text]:
    """A row's values, each cut to its column's width (right-aligned where it is)."""
    return [heading(value, column.width, column.right)
            for value, column in zip(values, map(_column, columns), strict=True)]


# --- tables ---------------------------------------------------------------------------------

def _column(column: Column | tuple) -> Column:
    return column if isinstance(column, Column) else Column(*column)


def add_columns(table: DataTable, columns: Iterable[Column | tuple]) -> None:
    """The table's columns: each label translated and cut to its width, each column one
    cell wider than its text."""
    for label, width, at_right in map(_column, columns):
        table.add_column(heading(_(label) if label else "", width, at_right), width=width + 1)


def row_table(table_id: str, *, zebra: bool = True, **kwargs) -> DataTable:
    """A table of rows, the cursor on a whole row, no cell padding (widths are exact)."""
    return DataTable(id=table_id, cursor_type="row", zebra_stripes=zebra, cell_padding=0,
                     **kwargs)


def book_table(table_id: str, columns: Iterable[Column | tuple], *,
               zebra: bool = True) -> DataTable:
    """A book's table with its columns (made in ``compose``: the app is running)."""
    table = row_table(table_id, zebra=zebra)
    add_columns(table, columns)
    return table


def cursor_key(table: DataTable) -> str | None:
    """The key of the row the cursor is on (None: no rows)."""
    if not table.row_count:
        return None
    index = min(max(table.cursor_row, 0), table.row_count - 1)
    return table.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value


#: A row's cells, or what makes them (called only when the row goes into the table).
Cells = Sequence[Text | str] | Callable[[], Sequence[Text | str]]
#: Rows a paged book's table holds at first (``refill(page=...)``): two 80×24 views.
PAGE = 40


def _add_rows(table: DataTable, rows: Iterable[tuple[str, Cells]]) -> None:
    for key, cells in rows:
        if callable(cells):
            cells = cells()
        table.add_row(*(plain(c) if isinstance(c, str) else c for c in cells), key=key)


def refill(table: DataTable, rows: Iterable[tuple[str, Cells]], *,
           keep: bool = True, page: int = 0) -> list[tuple[str, Cells]]:
    """The table's rows replaced by ``(key, cells)`` each (a str cell is plain text, never
    markup). The cursor stays on the row it was on (by key, else by place; ``keep``
    False: at the top). ``page``: at most that many rows are added (and the cursor's, when
    further down); the rows left out are returned (``add_rest``). A row's cells may be
    a function making them, called only for a row added."""
    rows = list(rows)
    kept, place = (cursor_key(table), table.cursor_row) if keep else (None, 0)
    keys = [key for key, _cells in rows]
    at = (keys.index(kept) if kept in keys else min(max(place, 0), len(rows) - 1)) \
        if rows and keep else 0
    shown = max(page, at + page // 2) if page else len(rows)
    table.clear()
    _add_rows(table, rows[:shown])
    if rows and keep:
        table.move_cursor(row=at, animate=False)
    return rows[shown:]


def near_end(table: DataTable, margin: int = PAGE // 2) -> bool:
    """The cursor, or the rows in view, within ``margin`` rows of the table's last."""
    bottom = int(table.scroll_y) + table.size.height
    return max(table.cursor_row, bottom) >= table.row_count - margin


def add_rest(table: DataTable, rest: list[tuple[str, Cells]]) -> None:
    """The rows ``refill`` left out, added under the others (``rest`` is emptied)."""
    _add_rows(table, rest)
    rest.clear()


# --- lines of text --------------------------------------------------------------------------

def lines_text(lines: Iterable[str], width: int = 0) -> Text:
    """Lines of plain text (never markup) as one block, each cut to ``width`` when
    given."""
    return Text("\n").join(plain(fit(line, width) if width else line) for line in lines)


def text_line(text: str = "", *, id: str | None = None, classes: str = "") -> Static:
    """A line of plain text (never markup)."""
    return Static(plain(text), id=id, classes=classes, markup=False)


def title_line(text: str, *, id: str | None = None) -> Static:
    return text_line(text, id=id, classes="form-title")


def hint_line(text: str, *, id: str | None = None) -> Static:
    return text_line(text, id=id, classes="form-hint")
