"""The morning view [7.4.1], first thing after sign-in: the service-register lines of earlier
days that are not completed, newest first, one row each (when, unit, caller, request, the
repair order and its state). The line under the table shows the highlighted row in full.

Enter on a row with a repair order opens the order's detail view; ``d`` marks a line without
one (an enquiry answered, a request settled) done, through ``morning.complete_entry`` in a
worker, and the row leaves the list; Esc closes. The rows come from
``deskterm.duties.repairs.morning.unfinished_register_items`` (read before the view opens: the app
opens it after sign-in when there is something to show, ``open_morning_view``).
"""

from __future__ import annotations

from importlib.resources import files

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.clock import local, today_local
from deskterm.db.models import database
from deskterm.display import day_label, fit, plain
from deskterm.duties.parsing import format_phone
from deskterm.duties.repairs.morning import (
    UnfinishedItems,
    UnfinishedRow,
    complete_entry,
    should_show_morning_view,
    unfinished_register_items,
)
from deskterm.duties.repairs.order_words import STATE_WORDS
from deskterm.errors import DeskError
from deskterm.i18n import N_, _
from deskterm.screens.repairs.order_detail import open_order_detail

KIND_WORDS = {"repair": N_("repair"), "enquiry": N_("enquiry"),
              "complaint": N_("complaint"), "other": N_("other")}
#: Column widths in cells; the table is 76 wide inside the border and padding. The table has
#: no cell padding: each column is one cell wider than its text, which is the gap.
WHEN_WIDTH = 11  # 11-25 14:00
UNIT_WIDTH = 9  # 12-3-1501
CALLER_WIDTH = 6  # three CJK characters
ORDER_WIDTH = 25  # WX-202611-0042 dispatched
REQUEST_WIDTH = 75 - 5 - WHEN_WIDTH - UNIT_WIDTH - CALLER_WIDTH - ORDER_WIDTH
#: (75: one cell is left for the scrollbar when the rows do not fit.)
#: The detail line under the table: two lines of this width.
DETAIL_WIDTH = 76


def _word(words: dict, key: str | None) -> str:
    if not key:
        return ""
    return _(words[key]) if key in words else key


def row_key(row: UnfinishedRow) -> str:
    return f"e{row.entry_id}"


def when_text(row: UnfinishedRow, tz: str) -> str:
    return local(row.at, tz).format("MM-DD HH:mm")


def order_text(row: UnfinishedRow) -> str:
    if row.order_number is None:
        return "—"
    return f"{row.order_number} {_word(STATE_WORDS, row.order_state)}"


def row_cells(row: UnfinishedRow, tz: str) -> tuple[str, ...]:
    """One table row, each cell cut to its column (plain text, never markup)."""
    return (when_text(row, tz), fit(row.unit or "—", UNIT_WIDTH),
            fit(row.caller_name or "—", CALLER_WIDTH), fit(row.request, REQUEST_WIDTH),
            fit(order_text(row), ORDER_WIDTH))


def detail_text(row: UnfinishedRow | None, tz: str) -> str:
    """The highlighted row in full (cut to two lines)."""
    if row is None:
        return _("Nothing is left over from earlier days.")
    who = " ".join(p for p in (row.caller_name, format_phone(row.phone) if row.phone else "")
                   if p)
    parts = [when_text(row, tz), _word(KIND_WORDS, row.kind), row.unit, who,
             _("Request: {text}").format(text=row.request)]
    return fit(" · ".join(p for p in parts if p), 2 * DETAIL_WIDTH)


def title_text(count: int, tz: str) -> str:
    """Today's day with its weekday, then how many lines are left: ``Thu 11-26 · …``."""
    return day_label(today_local(tz)) + " · " + _(
        "Yesterday's unfinished register items ({n})").format(n=count)


def hint_text(items: UnfinishedItems) -> str:
    keys = [_("↑↓ choose"), _("Enter open the order"), _("d done"), _("Esc close")]
    if items.count > len(items.rows):
        keys.insert(0, _("newest {shown} of {n}").format(shown=len(items.rows), n=items.count))
    return " · ".join(keys)


class MorningViewScreen(ModalScreen[None]):
    """Yesterday's (and earlier) unfinished register lines [7.4.1]."""

    CSS_PATH = str(files("deskterm.styles") / "morning_view.tcss")
    BINDINGS = [Binding("escape", "close", show=False), Binding("d", "done", show=False)]

    def __init__(self, session, items: UnfinishedItems) -> None:
        super().__init__(id="morning-view")
        self.session = session
        self.items = items
        self.rows = {row_key(row): row for row in items.rows}
        self.remaining = items.count
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="mv-form", classes="form"):
            yield Static(plain(title_text(self.items.count, self.session.tz)), id="mv-title",
                         classes="form-title", markup=False)
            yield DataTable(id="mv-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="mv-detail", markup=False)
            yield Static(plain(""), id="mv-error", classes="field-error", markup=False)
            yield Static(plain(hint_text(self.items)), id="mv-hint", classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#mv-table", DataTable)
        tz = self.session.tz
        for label, width in ((_("When"), WHEN_WIDTH), (_("Unit"), UNIT_WIDTH),
                             (_("Caller"), CALLER_WIDTH), (_("Request"), REQUEST_WIDTH),
                             (_("Order"), ORDER_WIDTH)):
            table.add_column(plain(fit(label, width)), width=width + 1)
        for row in self.items.rows:
            table.add_row(*(plain(cell) for cell in row_cells(row, tz)), key=row_key(row))
        table.focus()
        self._show_detail(self.current_row())

    # --- the highlighted row ------------------------------------------------------------------
    def current_row(self) -> UnfinishedRow | None:
        table = self.query_one("#mv-table", DataTable)
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        key = table.coordinate_to_cell_key((index, 0)).row_key.value
        return self.rows.get(key)

    def _show_detail(self, row: UnfinishedRow | None) -> None:
        self.query_one("#mv-detail", Static).update(plain(detail_text(row, self.session.tz)))

    def _set_error(self, message: str) -> None:
        self.query_one("#mv-error", Static).update(plain(("✗ " + message) if message else ""))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._set_error("")
        self._show_detail(self.rows.get(event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_row(self.rows.get(event.row_key.value))

    # --- the actions ----------------------------------------------------------------------------
    def open_row(self, row: UnfinishedRow | None) -> None:
        if row is None:
            return
        if row.order_id is None:
            self._set_error(_("This register line has no repair order."))
            return
        self._set_error("")
        open_order_detail(self.app, row.order_id)

    def action_done(self) -> None:
        row = self.current_row()
        if row is None or self.saving:
            return
        if row.order_id is not None:
            self._set_error(_("This line is repair order {number}: it is done when the order "
                              "comes back done.").format(number=row.order_number))
            return
        self._set_error("")
        self.saving = True
        self._complete(row)

    @work(thread=True, exclusive=True, group="morning-done")
    def _complete(self, row: UnfinishedRow) -> None:
        try:
            with database.connection_context():
                complete_entry(self.session.office, self.session.staff, row.entry_id)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the view
            self.app.call_from_thread(self._refused, _("Not saved: {error}").format(error=exc))
            return
        self.app.call_from_thread(self._completed, row)

    def _refused(self, message: str) -> None:
        self.saving = False
        self._set_error(message)

    def _completed(self, row: UnfinishedRow) -> None:
        self.saving = False
        key = row_key(row)
        self.rows.pop(key, None)
        self.remaining -= 1
        table = self.query_one("#mv-table", DataTable)
        table.remove_row(key)
        self.query_one("#mv-title", Static).update(
            plain(title_text(self.remaining, self.session.tz)))
        self._show_detail(self.current_row())

    def action_close(self) -> None:
        self.dismiss(None)


def open_morning_view(app) -> None:
    """After sign-in: read the unfinished lines of earlier days in a worker and, when there
    are any, open the view over the dashboard (nothing opens when all is done)."""
    session = app.session

    def work() -> None:
        try:
            with database.connection_context():
                items = unfinished_register_items(session.office)
        except Exception as exc:  # noqa: BLE001 - the desk still opens; the log says why
            app.call_from_thread(app.log.warning, f"morning view: {exc!r}")
            return
        if should_show_morning_view(items):
            app.call_from_thread(_push, app, items)

    def _push(app, items: UnfinishedItems) -> None:
        if session.staff is not None and app.screen is app.dashboard:
            app.push_screen(MorningViewScreen(session, items))

    app.run_worker(work, thread=True, exclusive=True, group="morning-view",
                   name="morning view")
