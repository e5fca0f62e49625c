"""A summary's table drawn line by line (issue #15, F10 f): a header line and rows of
fixed-width columns, text at the left or figures at the right, no cursor; focused (Tab),
↑ ↓ Home End scroll it (PgUp PgDn step the book's period: ``kit.periods``).

The fee summary shows five small tables that are read, never chosen from. As DataTables
they were most of its key's time at 80×24: each cell a Rich renderable measured and
padded, each table's many component classes matched against the stylesheet. Here a line
is its cells cut to the columns' widths (CJK counted by terminal cells) in one style.
Each column takes its width and one cell more, as the DataTables had it (no padding, the
figure followed by a cell of gap), so the boxes' widths in ``styles/fees.tcss`` hold.
``row_count`` and ``get_row_at`` read as a DataTable's.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from deskterm.display import fit

#: (heading, width in cells, at the right)
Column = tuple[str, int, bool]


def cut(text: object, width: int, at_right: bool) -> str:
    """``text`` in a column of ``width`` cells and its cell of gap."""
    text = fit(text, width)
    gap = " " * (width - cell_len(text))
    return (gap + text if at_right else text + gap) + " "


class FigureTable(ScrollView, can_focus=True):
    """A header and rows of plain cells; ``show_rows`` replaces them."""

    BINDINGS = [
        Binding("up", "scroll_up", show=False),
        Binding("down", "scroll_down", show=False),
        Binding("home", "scroll_home", show=False),
        Binding("end", "scroll_end", show=False),
    ]
    COMPONENT_CLASSES = {"figure-table--header"}
    DEFAULT_CSS = """
    FigureTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .figure-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:focus > .figure-table--header {
            text-style: bold reverse;
        }
        &:ansi > .figure-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
    }
    """

    def __init__(self, columns: Sequence[Column], **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns = list(columns)
        self._rows: list[tuple[str, ...]] = []
        self._lines: list[list[str]] = []
        self._header = self._line([label for label, _width, _right in self.columns])
        self._resize()

    # --- reading (as a DataTable) ----------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._rows)

    def get_row_at(self, index: int) -> list[str]:
        return list(self._rows[index])

    # --- what it shows ---------------------------------------------------------------------
    def set_headings(self, labels: Sequence[str]) -> None:
        self.columns = [(label, width, right) for label, (_old, width, right)
                        in zip(labels, self.columns, strict=True)]
        self._header = self._line(labels)
        self.refresh()

    def show_rows(self, rows: Sequence[Sequence[object]]) -> None:
        """Show exactly ``rows`` (each a cell a column), scrolled to the top."""
        self._rows = [tuple(fit(cell, width) for cell, (_l, width, _r)
                            in zip(cells, self.columns, strict=True)) for cells in rows]
        self._lines = [self._line(cells) for cells in self._rows]
        self.scroll_to(y=0, animate=False, immediate=True)
        self._resize()
        self.refresh()

    def _line(self, cells: Sequence[object]) -> list[str]:
        """The line's cells cut to their columns (a segment each: a CJK cell's glyphs
        drawn wider than two cells by an SVG or a font then do not push the next cell)."""
        return [cut(cell, width, right)
                for cell, (_l, width, right) in zip(cells, self.columns, strict=True)]

    def _resize(self) -> None:
        width = sum(width + 1 for _l, width, _r in self.columns)
        self.virtual_size = Size(width, len(self._lines) + 1)

    # --- drawing ---------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:  # the header stays; the rows scroll under it
            text, style = self._header, base + self.get_component_rich_style(
                "figure-table--header")
        else:
            index = int(self.scroll_y) + y - 1
            if index >= len(self._lines):
                return Strip.blank(width, base)
            text, style = self._lines[index], base
        return Strip([Segment(cell, style) for cell in text]).crop_extend(0, width, style)
