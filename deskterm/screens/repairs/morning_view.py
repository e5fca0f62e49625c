"""The morning view [7.4.1]: yesterday's unfinished work, the first thing after the day's
first sign-in; older work still open counted apart.

The title says what is listed: yesterday (its day) and how many are unfinished: register
lines not completed with no order or an open one, and complaints not handled yet
(``deskterm.duties.repairs.morning``: cancelled and finished work never). The line under
the table counts the older ones still open and the day of the oldest; ``o`` lists them
instead (and back). One row each (when, unit, caller, request, the order or complaint and
its state); the line under the table shows the highlighted row in full.

Enter on a row opens its repair order or complaint; ``d`` marks a line without either
(an enquiry answered, a request settled) done, through ``morning.complete_entry`` in the
kit's worker (``TableBook.act``: database trouble said on the view's message line), and
the row leaves the list; back from an order or a complaint the view reads again; Esc
closes.

It opens by itself once per person per day (``open_morning_view``, after the sign-in:
``morning.morning_view_due``, then ``morning.mark_seen`` once it is on screen; nothing
opens when this person saw it today, when nothing is unfinished, or when the database
cannot be read); by hand from the books (F10 y, ``open_morning_book``) it always opens,
and reads itself.
"""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import local
from deskterm.display import day_label, fit, plain
from deskterm.duties.parsing import format_phone
from deskterm.duties.repairs.complaints import STATE_LABELS as COMPLAINT_STATE_WORDS
from deskterm.duties.repairs.morning import (
    MorningView,
    UnfinishedRow,
    complete_entry,
    mark_seen,
    morning_view,
    morning_view_due,
)
from deskterm.duties.repairs.order_words import STATE_WORDS
from deskterm.i18n import N_, _
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import book_table, refill, word
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
           (N_("Request"), REQUEST_WIDTH), (N_("Order or complaint"), ORDER_WIDTH))
YESTERDAY, OLDER = "yesterday", "older"


def row_key(row: UnfinishedRow) -> str:
    return f"e{row.entry_id}" if row.entry_id is not None else f"c{row.complaint_id}"


def when_text(row: UnfinishedRow, tz: str) -> str:
    return local(row.at, tz).format("MM-DD HH:mm")


def order_text(row: UnfinishedRow) -> str:
    if row.complaint_id is not None:
        return f"{row.complaint_number} {word(COMPLAINT_STATE_WORDS, row.complaint_state)}"
    if row.order_number is None:
        return "—"
    return f"{row.order_number} {word(STATE_WORDS, row.order_state)}"


def row_cells(row: UnfinishedRow, tz: str) -> tuple[str, ...]:
    """One table row, each cell cut to its column (plain text, never markup)."""
    return (when_text(row, tz), fit(row.unit or "—", UNIT_WIDTH),
            fit(row.caller_name or "—", CALLER_WIDTH), fit(row.request, REQUEST_WIDTH),
            fit(order_text(row), ORDER_WIDTH))


def detail_text(row: UnfinishedRow | None, tz: str, showing: str = YESTERDAY) -> str:
    """The highlighted row in full (cut to two lines)."""
    if row is None:
        if showing == OLDER:
            return _("Nothing from before yesterday is still open.")
        return _("Nothing is left unfinished from yesterday.")
    who = " ".join(p for p in (row.caller_name, format_phone(row.phone) if row.phone else "")
                   if p)
    parts = [when_text(row, tz), word(KIND_WORDS, row.kind), row.unit, who,
             _("Request: {text}").format(text=row.request)]
    return fit(" · ".join(p for p in parts if p), 2 * DETAIL_WIDTH)


def title_text(view: MorningView, showing: str, count: int) -> str:
    """What is listed, exactly: yesterday's unfinished, or the older ones still open."""
    if showing == OLDER:
        return _("Older than yesterday ({day}): {n} still open").format(
            day=day_label(view.day), n=count)
    return _("Yesterday, {day}: {n} unfinished").format(day=day_label(view.day), n=count)


def apart_text(view: MorningView, showing: str, counts: dict[str, int]) -> str:
    """The other list, counted: the line under the table."""
    if showing == OLDER:
        return _("Yesterday's unfinished: {n} · o lists them").format(n=counts[YESTERDAY])
    if not counts[OLDER]:
        return _("Nothing older is still open.")
    if view.oldest is None:
        return _("And {n} older still open · o lists them").format(n=counts[OLDER])
    return _("And {n} older still open, the oldest from {day} · o lists them").format(
        n=counts[OLDER], day=day_label(view.oldest))


def hint_text(shown: int, count: int) -> str:
    keys = [_("↑↓ choose"), _("Enter open"), _("d done"), _("Esc close")]
    if count > shown:
        keys.insert(0, _("newest {shown} of {n}").format(shown=shown, n=count))
    return " · ".join(keys)


class MorningViewScreen(TableBook):
    """Yesterday's unfinished work, and the older still open on ``o`` [7.4.1]."""

    CSS_PATH = str(files("deskterm.styles") / "morning_view.tcss")
    PREFIX = "mv"
    BINDINGS = [Binding("d", "done", show=False), Binding("o", "other", show=False)]

    def __init__(self, session, view: MorningView | None = None) -> None:
        super().__init__(session, id="morning-view")
        self.view = view
        self.showing = YESTERDAY
        self.counts = {YESTERDAY: 0, OLDER: 0}
        self._away = False  # an order or a complaint is open over the view

    def compose(self) -> ComposeResult:
        with Vertical(id="mv-form", classes="form"):
            yield Static(plain("…"), id="mv-title", classes="form-title", markup=False)
            yield book_table("mv-table", COLUMNS)
            yield self.detail_line()
            yield Static(plain(""), id="mv-apart", markup=False)
            yield self.message_line()
            yield Static(plain(""), id="mv-hint", classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#mv-table", DataTable))
        if self.view is not None:
            self.show(self.view)
            self.loaded = True
        else:
            self.read()

    # --- reading and showing ----------------------------------------------------------------
    def fetch(self) -> MorningView:
        return morning_view(self.office)

    def show(self, view: MorningView, *_key) -> None:
        self.view = view
        self.counts = {YESTERDAY: view.yesterday.count, OLDER: view.older.count}
        self.fill(keep=True)

    def fill(self, *, keep: bool = False) -> None:
        view = self.view
        items = view.yesterday if self.showing == YESTERDAY else view.older
        self.rows = list(items.rows)
        table = self.query_one("#mv-table", DataTable)
        refill(table, ((row_key(row), row_cells(row, self.session.tz)) for row in self.rows),
               keep=keep)
        self.show_words()
        self.show_detail()

    def show_words(self) -> None:
        count = self.counts[self.showing]
        self.query_one("#mv-title", Static).update(
            plain(title_text(self.view, self.showing, count)))
        self.query_one("#mv-apart", Static).update(
            plain(apart_text(self.view, self.showing, self.counts)))
        self.query_one("#mv-hint", Static).update(plain(hint_text(len(self.rows), count)))

    def row_detail(self, row: UnfinishedRow | None) -> str:
        return detail_text(row, self.session.tz, self.showing)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.clear_line("")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_row(self.current_row())

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        """Back from an order or a complaint, where something may have changed."""
        if self._away:
            self._away = False
            self.read()

    # --- the actions ----------------------------------------------------------------------------
    def action_other(self) -> None:
        """``o``: the older ones still open, or back to yesterday's."""
        if self.view is None:
            return
        self.showing = OLDER if self.showing == YESTERDAY else YESTERDAY
        self.say("")
        self.fill()

    def open_row(self, row: UnfinishedRow | None) -> None:
        if row is None:
            return
        self.say("")
        if row.complaint_id is not None:
            from deskterm.screens.repairs.complaint_detail import open_complaint_detail

            open_complaint_detail(self.app, row.complaint_id)
        elif row.order_id is not None:
            from deskterm.screens.repairs.order_detail import open_order_detail

            open_order_detail(self.app, row.order_id)
        else:
            self.say(_("This register line has no repair order."))

    def action_done(self) -> None:
        row = self.current_row()
        if row is None or self.busy:
            return
        if row.complaint_id is not None:
            self.say(_("Complaint {number} is done when it is handled: Enter opens it.")
                     .format(number=row.complaint_number))
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
        if row not in self.rows:
            return  # read again meanwhile
        self.rows.remove(row)
        self.counts[self.showing] -= 1
        self.query_one("#mv-table", DataTable).remove_row(row_key(row))
        self.show_words()
        self.show_detail()


def open_morning_book(app) -> MorningViewScreen | None:
    """By hand (F10 y): the view, whatever was seen today; it reads itself."""
    return open_screen(app, MorningViewScreen)


def open_morning_view(app) -> None:
    """After a sign-in: read whether the person at the desk is due to see the view today
    and, when they are and the dashboard is on top, open it and record it seen (nothing
    opens when seen today, when nothing is unfinished, nor when the database cannot be
    read: the status line says so)."""
    session = app.session
    office, staff = session.office, session.staff
    if staff is None:
        return

    def opened(view: MorningView | None) -> None:
        if view is None or app.screen is not app.dashboard or session.staff is not staff:
            return
        if open_screen(app, MorningViewScreen, view) is not None:
            run_duty(app, lambda: mark_seen(office, staff), group="morning-view",
                     exclusive=False, name="morning view seen")

    run_duty(app, lambda: morning_view_due(office, staff), done=opened,
             group="morning-view", name="morning view", load=True)
