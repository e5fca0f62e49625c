"""The morning view [7.4.1], first thing after sign-in: the service-register lines of earlier
days that are not completed, newest first, one row each (when, unit, caller, request, the
repair order and its state). The line under the table shows the highlighted row in full.

Enter on a row with a repair order opens the order's detail view; ``d`` marks a line without
one (an enquiry answered, a request settled) done, through ``morning.complete_entry`` in the
kit's worker (``TableBook.act``: database trouble said on the view's message line), and the
row leaves the list; Esc closes. The rows come from
``deskterm.duties.repairs.morning.unfinished_register_items``, read through the kit before
the view opens: the app opens it after sign-in when there is something to show
(``open_morning_view``); a database that cannot be read then opens nothing.
"""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import local, today_local
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
from deskterm.i18n import N_, _
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import book_table, refill, word
from deskterm.screens.repairs.order_detail import open_order_detail
from deskterm.screens.repairs.parts import TableBook

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
COLUMNS = ((N_("When"), WHEN_WIDTH), (N_("Unit"), UNIT_WIDTH), (N_("Caller"), CALLER_WIDTH),
           (N_("Request"), REQUEST_WIDTH), (N_("Order"), ORDER_WIDTH))


def row_key(row: UnfinishedRow) -> str:
    return f"e{row.entry_id}"


def when_text(row: UnfinishedRow, tz: str) -> str:
    return local(row.at, tz).format("MM-DD HH:mm")


def order_text(row: UnfinishedRow) -> str:
    if row.order_number is None:
        return "—"
    return f"{row.order_number} {word(STATE_WORDS, row.order_state)}"


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
    parts = [when_text(row, tz), word(KIND_WORDS, row.kind), row.unit, who,
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


class MorningViewScreen(TableBook):
    """Yesterday's (and earlier) unfinished register lines [7.4.1]."""

    CSS_PATH = str(files("deskterm.styles") / "morning_view.tcss")
    PREFIX = "mv"
    BINDINGS = [Binding("d", "done", show=False)]

    def __init__(self, session, items: UnfinishedItems) -> None:
        super().__init__(session, id="morning-view")
        self.items = items
        self.rows = list(items.rows)
        self.remaining = items.count

    def compose(self) -> ComposeResult:
        with Vertical(id="mv-form", classes="form"):
            yield Static(plain(title_text(self.items.count, self.session.tz)), id="mv-title",
                         classes="form-title", markup=False)
            yield book_table("mv-table", COLUMNS)
            yield self.detail_line()
            yield self.message_line()
            yield Static(plain(hint_text(self.items)), id="mv-hint", classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#mv-table", DataTable)
        refill(table, ((row_key(row), row_cells(row, self.session.tz)) for row in self.rows))
        self.set_focus(table)
        self.show_detail()

    def row_detail(self, row: UnfinishedRow | None) -> str:
        return detail_text(row, self.session.tz)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.clear_line("")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_row(self.current_row())

    # --- the actions ----------------------------------------------------------------------------
    def open_row(self, row: UnfinishedRow | None) -> None:
        if row is None:
            return
        if row.order_id is None:
            self.say(_("This register line has no repair order."))
            return
        self.say("")
        open_order_detail(self.app, row.order_id)

    def action_done(self) -> None:
        row = self.current_row()
        if row is None or self.busy:
            return
        if row.order_id is not None:
            self.say(_("This line is repair order {number}: it is done when the order comes "
                       "back done.").format(number=row.order_number))
            return
        self.say("")
        office, staff = self.session.office, self.session.staff
        self.act(lambda: complete_entry(office, staff, row.entry_id),
                 lambda _entry: self._completed(row), group="done")

    def _completed(self, row: UnfinishedRow) -> None:
        self.rows.remove(row)
        self.remaining -= 1
        self.query_one("#mv-table", DataTable).remove_row(row_key(row))
        self.query_one("#mv-title", Static).update(
            plain(title_text(self.remaining, self.session.tz)))
        self.show_detail()


def open_morning_view(app) -> None:
    """After sign-in: read the unfinished lines of earlier days through the kit and, when
    there are any, open the view over the dashboard (nothing opens when all is done, nor
    when the database cannot be read: the status line says so)."""
    session = app.session

    def opened(items: UnfinishedItems) -> None:
        if should_show_morning_view(items) and app.screen is app.dashboard:
            open_screen(app, MorningViewScreen, items)

    run_duty(app, lambda: unfinished_register_items(session.office), done=opened,
             group="morning-view", name="morning view", load=True)
