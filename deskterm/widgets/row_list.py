"""The rows of a dashboard pane: a header line and keyed rows, drawn with Textual's line
API, a cursor row moved by the keys and Enter to open the row.

It replaces a DataTable in the four panes (issue #15, the first frame): a pane shows a
few dozen short rows of plain text, and a DataTable's machinery for them (its stylesheet,
lazy measuring of every cell as a Rich renderable, row and column caches) cost about a
quarter of the dashboard's first frame. Here a cell is a plain string, a column as wide as
its widest cell (CJK counted by terminal cells), each cell padded by one cell on either
side as DataTable pads it, so the panes' column sums (``Pane.free_width``) hold.

Like the table it replaces it refreshes by row key (``show_rows``), and only the lines
that changed are drawn again. Its reading API keeps DataTable's names where the panes and
their tests use them: ``rows`` (by key), ``row_count``, ``get_row``, ``get_row_at``,
``get_row_index``, ``cursor_row``, ``move_cursor``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = tuple[str, Sequence[object]]


class RowList(ScrollView, can_focus=True):
    """Keyed rows under a header line; ``RowList.RowSelected`` on Enter."""

    BINDINGS = [
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("enter", "select", show=False),
    ]
    COMPONENT_CLASSES = {"row-list--header", "row-list--cursor"}
    DEFAULT_CSS = """
    RowList {
        height: 1fr;
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .row-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .row-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .row-list--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .row-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class RowSelected(Message):
        """Enter (or a click) on the cursor's row."""

        def __init__(self, row_list: RowList, cursor_row: int, row_key: str) -> None:
            self.row_list = row_list
            self.cursor_row = cursor_row
            self.row_key = row_key
            super().__init__()

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, columns: Sequence[tuple[str, str]], **kwargs) -> None:
        super().__init__(**kwargs)
        self._column_spec = list(columns)
        self.rows: dict[str, tuple[str, ...]] = {}  # key -> cells, in the order shown
        self._order: list[str] = []
        self._widths: list[int] = []
        self.cursor_row = 0
        self._pending_top: int | None = None
        self._measure()

    # --- reading -----------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._order)

    def get_row(self, key: str) -> list[str]:
        return list(self.rows[key])

    def get_row_at(self, index: int) -> list[str]:
        return list(self.rows[self._order[index]])

    def get_row_index(self, key: str) -> int:
        return self._order.index(key)

    def row_keys(self) -> list[str]:
        return list(self._order)

    def cursor_key(self) -> str | None:
        """The key of the row the cursor is on (None: no rows)."""
        if not self._order:
            return None
        return self._order[min(max(self.cursor_row, 0), len(self._order) - 1)]

    # --- what the pane shows -----------------------------------------------------------------
    def set_columns(self, columns: Sequence[tuple[str, str]]) -> None:
        """Other columns (a pane crossing the wide/narrow width); the rows are shown again
        by the pane's next ``show_rows``."""
        self._column_spec = list(columns)
        self.rows = {}
        self._order = []
        self._measure()
        self.refresh()

    def show_rows(self, rows: Sequence[Row]) -> None:
        """Show exactly ``rows`` (key, cells); the cursor stays on its row's key when that
        row is still shown, else at its place. Only lines that changed are drawn again."""
        wanted = {key: tuple("" if c is None else str(c) for c in cells) for key, cells in rows}
        order = [key for key, _cells in rows]
        if wanted == self.rows and order == self._order:
            return
        kept = self.cursor_key()
        before = [self.rows.get(key) for key in self._order]
        self.rows, self._order = wanted, order
        widths = self._widths
        self._measure()
        if kept in wanted:
            self.cursor_row = order.index(kept)
        self.cursor_row = min(max(self.cursor_row, 0), max(len(order) - 1, 0))
        if widths != self._widths or len(before) != len(order):
            self.refresh()
            return
        for index, key in enumerate(order):  # same shape: the changed lines only
            if before[index] != wanted[key]:
                self._refresh_row(index)

    def _measure(self) -> None:
        widths = [cell_len(label) for _key, label in self._column_spec]
        for cells in self.rows.values():
            for index, cell in enumerate(cells[: len(widths)]):
                widths[index] = max(widths[index], cell_len(cell))
        self._widths = widths
        width = sum(widths) + 2 * len(widths)
        self.virtual_size = Size(width, len(self._order) + 1)

    # --- the cursor ---------------------------------------------------------------------------
    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        if not self._order:
            self.cursor_row = 0
            return
        row = min(max(row, 0), len(self._order) - 1)
        if row == self.cursor_row:
            if scroll:
                self._scroll_to_cursor()
            return
        old, self.cursor_row = self.cursor_row, row
        self._refresh_row(old)
        self._refresh_row(row)
        if scroll:
            self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        shown = max(self.scrollable_content_region.height - 1, 1)  # lines under the header
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + shown:
            self.scroll_to(y=self.cursor_row - shown + 1, animate=False, immediate=True)

    def scroll_row_to_top(self, row: int) -> None:
        """Show ``row`` near the top once the new rows are laid out (a scroll asked for
        before that would be clamped to the old height)."""
        self._pending_top = row
        self.call_after_refresh(self._scroll_pending)

    def _scroll_pending(self) -> None:
        if self._pending_top is not None:
            row, self._pending_top = self._pending_top, None
            self.scroll_to(y=max(0, row), animate=False, immediate=True, force=True)

    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 2, 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self._page())

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self._page())

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self._order) - 1)

    def action_select(self) -> None:
        key = self.cursor_key()
        if key is not None:
            self.post_message(self.RowSelected(self, self.cursor_row, key))

    def on_click(self, event: Click) -> None:
        line = event.y - self.gutter.top
        if line < 1:
            return
        index = int(self.scroll_y) + line - 1
        if not 0 <= index < len(self._order):
            return
        if index == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(row=index)

    # --- drawing ------------------------------------------------------------------------------
    def _refresh_row(self, index: int) -> None:
        self.refresh_line(index + 1)  # the header is the first line; it scrolls the rest

    def _text(self, cells: Sequence[str]) -> str:
        return "".join(" " + set_cell_size(cell, width) + " "
                       for cell, width in zip(cells, self._widths, strict=False))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            text = self._text([label for _key, label in self._column_spec])
            style = base + self.get_component_rich_style("row-list--header")
        else:
            index = int(self.scroll_y) + y - 1
            if index >= len(self._order):
                return Strip.blank(width, base)
            text = self._text(self.rows[self._order[index]])
            style = base
            if index == self.cursor_row:
                style = base + self.get_component_rich_style("row-list--cursor")
        scroll_x = int(self.scroll_x)
        return Strip([Segment(text, style)]).crop_extend(scroll_x, scroll_x + width, style)
