"""The office's complaints (客户投诉) [7.4.16]: one row each (number, received, complainant
and unit, category, handler, state, callback due), open ones first, newest first. Three
filters, one key each: ``1`` open (not closed, any month), ``2`` all received this month,
``3`` closed. A callback past its window is marked "!" (and one made late "✗", in time
"✓"), never by colour alone. The lines under the table show the highlighted complaint's
category, state and description.

Enter opens the complaint's detail view (``complaint_detail.py``); the list reads itself
again when the view closes. Esc closes. The rows come from
``complaint_view.complaint_list``, read through the kit (``BookScreen``: an answer for a
filter since left is dropped; database trouble said on the message line).

``open_complaint_list(app)`` opens it.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import local, now_utc
from deskterm.display import fit, plain, when
from deskterm.duties.repairs.complaint_view import ComplaintList, ListedComplaint, complaint_list
from deskterm.duties.repairs.complaints import CATEGORIES, STATE_LABELS
from deskterm.duties.repairs.order_words import word
from deskterm.i18n import N_, _
from deskterm.screens.kit.book import update_line
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import book_table, refill
from deskterm.screens.repairs.complaint_detail import open_complaint_detail
from deskterm.screens.repairs.parts import TableBook

FILTER_WORDS = {"open": N_("open"), "month": N_("this month"), "closed": N_("closed")}
#: Column widths in cells; the table is 76 wide inside the border and padding, one cell of
#: which is left for the scrollbar. No cell padding: each column is one cell wider than
#: its text, which is the gap.
NUMBER_WIDTH = 13  # TS-202611-007
RECEIVED_WIDTH = 5  # 14:00 today, 11-25 another day (the lines under the table say both)
WHO_WIDTH = 12  # 王芳 3-2-501
CATEGORY_WIDTH = 9  # Security
HANDLER_WIDTH = 6  # three CJK characters
STATE_WIDTH = 11  # Called back
DUE_WIDTH = 75 - 7 - NUMBER_WIDTH - RECEIVED_WIDTH - WHO_WIDTH - CATEGORY_WIDTH \
    - HANDLER_WIDTH - STATE_WIDTH  # "!11-25 14:00"
#: The lines under the table: three lines of this width.
DETAIL_WIDTH = 76
COLUMNS = ((N_("Number"), NUMBER_WIDTH), (N_("Received"), RECEIVED_WIDTH),
           (N_("Who"), WHO_WIDTH), (N_("Category"), CATEGORY_WIDTH),
           (N_("Handler"), HANDLER_WIDTH), (N_("State"), STATE_WIDTH),
           (N_("Callback due"), DUE_WIDTH))


def row_key(row: ListedComplaint) -> str:
    return f"c{row.id}"


def due_text(row: ListedComplaint, tz: str, now: dt.datetime) -> str:
    """``!11-25 14:00`` late, `` 11-27 10:05`` still in time, ``—`` not handled yet."""
    if row.callback_due_at is None:
        return "—"
    return (row.callback_mark(now) or " ") + when(row.callback_due_at, tz, now)


def received_text(row: ListedComplaint, tz: str, now: dt.datetime) -> str:
    """``14:00`` today, ``11-25`` another day."""
    shown = local(row.received_at, tz)
    return shown.format("HH:mm" if shown.date() == local(now, tz).date() else "MM-DD")


def row_cells(row: ListedComplaint, tz: str, now: dt.datetime) -> tuple[Text, ...]:
    """One table row, each cell cut to its column (plain text; a late callback bold)."""
    who = " ".join(p for p in (row.complainant, row.unit) if p) or "—"
    cells = (fit(row.number, NUMBER_WIDTH), received_text(row, tz, now),
             fit(who, WHO_WIDTH), fit(word(CATEGORIES, row.category), CATEGORY_WIDTH),
             fit(row.handler or "—", HANDLER_WIDTH), fit(word(STATE_LABELS, row.state),
                                                         STATE_WIDTH),
             due_text(row, tz, now))
    texts = tuple(plain(cell) for cell in cells)
    if row.is_late(now):
        texts[-1].stylize("bold")
    return texts


def detail_text(row: ListedComplaint | None, tz: str, now: dt.datetime) -> str:
    """The highlighted complaint: when it came, its words in full, then its description
    (three lines)."""
    if row is None:
        return _("No complaints here.")
    head = " · ".join(p for p in (row.number, when(row.received_at, tz, now),
                                  word(CATEGORIES, row.category),
                                  word(STATE_LABELS, row.state)) if p)
    return fit(f"{head}: {row.description}", 3 * DETAIL_WIDTH)


def filter_text(which: str, data: ComplaintList | None) -> str:
    """``▶1 open (5) · 2 this month · 3 closed``: the chosen filter marked, not coloured."""
    parts = []
    for number, key in enumerate(FILTER_WORDS, start=1):
        part = f"{number} {_(FILTER_WORDS[key])}"
        if key == which:
            part = "▶" + part
            if data is not None:
                part += f" ({data.count})"
        parts.append(part)
    line = " · ".join(parts)
    if data is not None and data.late:
        line += " · " + _("! {n} callbacks late").format(n=data.late)
    return line


def hint_text(data: ComplaintList | None) -> str:
    keys = [_("1-3 filter"), _("↑↓ choose"), _("Enter open"), _("Esc close")]
    if data is not None and data.count > len(data.rows):
        keys.insert(0, _("newest {shown} of {n}").format(shown=len(data.rows), n=data.count))
    return " · ".join(keys)


def open_complaint_list(app) -> ComplaintListScreen | None:
    """Open the complaint list (a signed-in desk only); the pushed screen, or None."""
    return open_screen(app, ComplaintListScreen)


class ComplaintListScreen(TableBook):
    """The office's complaints, open ones first; Enter opens one."""

    CSS_PATH = str(files("deskterm.styles") / "complaints.tcss")
    PREFIX = "cl"
    COVERS = True
    KEPT = True  # closed, made as new and kept for the next F10 c (kit.book)
    BINDINGS = [
        Binding("1", "filter('open')", show=False),
        Binding("2", "filter('month')", show=False),
        Binding("3", "filter('closed')", show=False),
    ]

    def __init__(self, session, which: str = "open") -> None:
        super().__init__(session, id="complaint-list", classes="complaint-list")
        self.which = which
        self.data: ComplaintList | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="cl-form", classes="form"):
            yield Static(plain(_("Complaints — {office}").format(office=self.office.name)),
                         id="cl-title", classes="form-title", markup=False)
            yield Static(plain(filter_text(self.which, None)), id="cl-filter", markup=False)
            yield book_table("cl-table", COLUMNS)
            yield self.detail_line()
            yield self.message_line()
            yield Static(plain(hint_text(None)), id="cl-hint", classes="form-hint",
                         markup=False)

    def opening(self) -> None:
        self.set_focus(self.query_one("#cl-table", DataTable))
        self.reload()

    def reset(self) -> None:
        """Closed and kept (``KEPT``): the open complaints, not yet read."""
        super().reset()
        self.which = "open"
        self.data = None
        update_line(self.query_one("#cl-filter", Static), filter_text(self.which, None))
        update_line(self.query_one("#cl-hint", Static), hint_text(None))

    # --- reading --------------------------------------------------------------------------------
    def reload(self) -> None:
        self.read(self.which)

    def fetch(self, which: str) -> ComplaintList:
        return complaint_list(self.session.office, which)

    def show(self, data: ComplaintList, *key) -> None:
        self.data = data
        self.rows = list(data.rows)
        now, tz = now_utc(), self.session.tz
        refill(self.query_one("#cl-table", DataTable),
               ((row_key(row), row_cells(row, tz, now)) for row in self.rows))
        update_line(self.query_one("#cl-filter", Static), filter_text(self.which, data))
        update_line(self.query_one("#cl-hint", Static), hint_text(data))
        self.show_detail()

    def row_detail(self, row: ListedComplaint | None) -> str:
        return detail_text(row, self.session.tz, now_utc())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.current_row()
        if row is not None:
            open_complaint_detail(self.app, row.id, callback=lambda _result: self.reload())

    # --- the filters ----------------------------------------------------------------------------
    def action_filter(self, which: str) -> None:
        if which == self.which:
            return
        self.which = which
        self.query_one("#cl-filter", Static).update(plain(filter_text(which, None)))
        self.reload()
