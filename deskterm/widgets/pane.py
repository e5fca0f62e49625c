"""The base of the dashboard's live panes: a titled box, a summary line, a keyed table.

A pane knows which change-log topics concern it (``TOPICS``), how to fetch its data in a
worker thread (``fetch``, which calls duties only), and how to show it (``summary`` and
``rows``). It never queries on a timer: the dashboard reloads it when one of its topics
changes (and the timeline at each minute). At 80×24 it shows its counts and top rows;
when wider it shows more columns; ``z`` maximises it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from deskterm.display import fullest, plain
from deskterm.i18n import _
from deskterm.widgets.row_list import Row, RowList

WIDE = 70  # a pane at least this many cells wide gets its wide column set


class Pane(Vertical):
    ALLOW_MAXIMIZE = True
    TOPICS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, context: Any, **kwargs) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.data: Any = None
        self.wide = False
        self.loaded = False

    # --- what each pane defines -----------------------------------------------------------
    def title(self) -> str:
        raise NotImplementedError

    def columns(self, wide: bool) -> Sequence[tuple[str, str]]:
        raise NotImplementedError

    def fetch(self) -> Any:
        """Runs in a worker thread inside a database connection context."""
        raise NotImplementedError

    def summary(self, data: Any, wide: bool) -> str | Sequence[str]:
        """The summary line, or its forms from the fullest to the shortest: the fullest
        that fits the pane's width is shown (the last losing whole words)."""
        raise NotImplementedError

    def rows(self, data: Any, wide: bool, width: int) -> list[Row]:
        raise NotImplementedError

    def summary_is_alert(self, data: Any) -> bool:
        return False

    @staticmethod
    def free_width(width: int, fixed: Sequence[int]) -> int:
        """Cells left for the one flexible column, beside columns of ``fixed`` widths:
        every column also takes two cells of padding, and the scrollbar one."""
        columns = len(fixed) + 1
        return max(6, width - sum(fixed) - 2 * columns - 1)

    def summary_width(self) -> int:
        """Cells a line under the title holds: the pane's width inside its border, less
        the line's padding (1 each side)."""
        return max(self.inner_width() - 2, 10)

    def inner_width(self) -> int:
        """The pane's width inside its border; before the first layout (when the first
        frame's data is painted) the width the dashboard's 2×2 grid will give it, so that
        frame is drawn once, at its real width (issue #15)."""
        width = self.content_region.width
        if not width and self.is_attached:
            width = self.app.size.width // 2 - 2
        return width

    # --- machinery --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(plain(""), classes="pane-summary", markup=False)
        yield RowList(self.columns(False), classes="pane-table")

    def on_mount(self) -> None:
        self.border_title = self.title()

    @property
    def table(self) -> RowList:
        return self.query_one(RowList)

    _asked = 0
    _shown = 0

    def ask(self) -> int:
        """A ticket for a fetch about to start: later asks get larger tickets."""
        self._asked += 1
        return self._asked

    def show(self, data: Any, ticket: int | None = None) -> None:
        """Show freshly fetched data (on the UI thread), unless data from a later fetch is
        already shown: loads run in parallel workers and may finish out of order (the
        first load of all panes could land after a reload that started later)."""
        if ticket is not None:
            if ticket < self._shown:
                return
            self._shown = ticket
        self.data = data
        self.loaded = True
        self.set_stale("")
        self._paint()

    stale = ""

    def set_stale(self, since: str) -> None:
        """Mark the rows shown as old (the database could not be read since ``since``,
        HH:MM) or, with "", as fresh again: the border says so in words, not colour only."""
        if since == self.stale:
            return
        self.stale = since
        self.border_subtitle = ("⚠ " + _("stale since {since}").format(since=since)
                                if since else "")
        self.set_class(bool(since), "-stale")

    def _paint(self) -> None:
        if self.data is None:
            return
        summary = self.query_one(".pane-summary", Static)
        summary.update(plain(fullest(self.summary(self.data, self.wide),
                                     self.summary_width())), layout=False)
        summary.set_class(self.summary_is_alert(self.data), "-alert")
        width = max(self.inner_width(), 20)
        self.table.show_rows(self.rows(self.data, self.wide, width))

    def on_resize(self) -> None:
        wide = self.content_region.width >= WIDE
        if wide != self.wide:
            self.wide = wide
            self.table.set_columns(self.columns(wide))
        self._paint()
