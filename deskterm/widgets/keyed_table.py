"""A DataTable refreshed by row key: only changed cells are repainted.

Panes hand it the whole small result each time; it removes vanished rows, adds new ones
and updates only the cells that differ (dolphie's Processlist approach). When the order of
rows changes it rebuilds, which happens only when the data changed, never on a timer.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from deskterm.display import plain

Row = tuple[str, Sequence[object]]


class KeyedTable(DataTable):
    DEFAULT_CSS = """
    KeyedTable { height: 1fr; }
    """

    def __init__(self, columns: Sequence[tuple[str, str]], **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._column_spec = list(columns)
        self._shown: dict[str, tuple[str, ...]] = {}
        self._order: list[str] = []

    def on_mount(self) -> None:
        for key, label in self._column_spec:
            self.add_column(plain(label), key=key)

    def set_columns(self, columns: Sequence[tuple[str, str]]) -> None:
        """Replace the columns (a pane crossing the wide/narrow width); rows are re-shown
        by the pane's next ``show_rows``."""
        self.clear(columns=True)
        self._column_spec = list(columns)
        self._shown = {}
        self._order = []
        for key, label in self._column_spec:
            self.add_column(plain(label), key=key)

    def show_rows(self, rows: Sequence[Row]) -> None:
        """Make the table show exactly ``rows`` (key, cells), touching what changed.

        Kept rows in the same order with new rows only at the end: remove, update cells,
        append. Any other reordering: rebuild (only ever on a data change).
        """
        wanted = {key: tuple("" if c is None else str(c) for c in cells) for key, cells in rows}
        order = [key for key, _cells in rows]
        kept = [key for key in order if key in self._shown]
        with self.app.batch_update():
            if [k for k in self._order if k in wanted] != kept or order[: len(kept)] != kept:
                self._rebuild(order, wanted)
                return
            for key in [k for k in self._order if k not in wanted]:
                self.remove_row(key)
                del self._shown[key]
            column_keys = [key for key, _label in self._column_spec]
            for key in order:
                cells = wanted[key]
                old = self._shown.get(key)
                if old is None:
                    self.add_row(*(self._cell(c) for c in cells), key=key)
                elif old != cells:
                    for column, new, before in zip(column_keys, cells, old, strict=False):
                        if new != before:
                            self.update_cell(key, column, self._cell(new))
                self._shown[key] = cells
            self._order = order
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Size every column to its widest cell ourselves: DataTable's own auto-width can
        miss rows added right after the columns were replaced (seen in snapshots)."""
        for index, (key, label) in enumerate(self._column_spec):
            column = self.columns.get(ColumnKey(key))
            if column is None:
                continue
            needed = max([cell_len(label)] + [cell_len(c[index]) for c in self._shown.values()
                                              if index < len(c)])
            if column.auto_width or column.width != needed:
                column.auto_width = False
                column.width = needed
                self._require_update_dimensions = True
        self.refresh()

    def _rebuild(self, order: list[str], wanted: dict[str, tuple[str, ...]]) -> None:
        row = self.cursor_row
        self.clear()
        for key in order:
            self.add_row(*(self._cell(c) for c in wanted[key]), key=key)
        self._shown = {key: wanted[key] for key in order}
        self._order = order
        self._fit_columns()
        if order:
            self.move_cursor(row=min(row, len(order) - 1))

    _pending_top: int | None = None

    def scroll_row_to_top(self, row: int) -> None:
        """Show ``row`` near the top once the table knows its new height: DataTable
        measures new rows when idle, and a scroll asked for before that is clamped to the
        old height (seen as an intermittently unscrolled timeline); ``force`` because the
        scrollbars of the new height are not laid out yet either."""
        self._pending_top = row
        self.refresh()

    async def _on_idle(self, event) -> None:
        await super()._on_idle(event)
        if self._pending_top is not None:
            row, self._pending_top = self._pending_top, None
            self.scroll_to(y=max(0, row), animate=False, immediate=True, force=True)

    @staticmethod
    def _cell(value: str) -> Text:
        return plain(value)
