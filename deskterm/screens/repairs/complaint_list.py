"""The office's complaints (客户投诉) [7.4.16]: one row each (number, received, complainant
and unit, category, handler, state, callback due), open ones first, newest first. Three
filters, one key each: ``1`` open (not closed, any month), ``2`` all received this month,
``3`` closed. A callback past its window is marked "!" (and one made late "✗", in time
"✓"), never by colour alone. The lines under the table show the highlighted complaint's
category, state and description.

Enter opens the complaint's detail view (``complaint_detail.py``); the list reads itself
again when the view closes. Esc closes. The rows come from
``complaint_view.complaint_list`` in a thread worker.

``open_complaint_list(app)`` opens it.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.clock import local, now_utc
from deskterm.db.models import database
from deskterm.display import fit, plain, when
from deskterm.duties.repairs.complaint_view import ComplaintList, ListedComplaint, complaint_list
from deskterm.duties.repairs.complaints import CATEGORIES, STATE_LABELS
from deskterm.i18n import N_, _
from deskterm.screens.repairs.complaint_detail import open_complaint_detail, word

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
    if app.session.staff is None:
        return None
    screen = ComplaintListScreen(app.session)
    app.push_screen(screen)
    return screen


class ComplaintListScreen(ModalScreen[None]):
    """The office's complaints, open ones first; Enter opens one."""

    CSS_PATH = str(files("deskterm.styles") / "complaints.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("1", "show('open')", show=False),
        Binding("2", "show('month')", show=False),
        Binding("3", "show('closed')", show=False),
    ]

    def __init__(self, session, which: str = "open") -> None:
        super().__init__(id="complaint-list")
        self.session = session
        self.which = which
        self.data: ComplaintList | None = None
        self.rows: dict[str, ListedComplaint] = {}
        self.loads = 0  # how many reads have finished, for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="cl-form", classes="form"):
            yield Static(plain(_("Complaints — {office}").format(office=self.session.office.name)),
                         id="cl-title", classes="form-title", markup=False)
            yield Static(plain(filter_text(self.which, None)), id="cl-filter", markup=False)
            yield DataTable(id="cl-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="cl-detail", markup=False)
            yield Static(plain(""), id="cl-error", classes="field-error", markup=False)
            yield Static(plain(hint_text(None)), id="cl-hint", classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#cl-table", DataTable)
        for label, width in ((_("Number"), NUMBER_WIDTH), (_("Received"), RECEIVED_WIDTH),
                             (_("Who"), WHO_WIDTH), (_("Category"), CATEGORY_WIDTH),
                             (_("Handler"), HANDLER_WIDTH), (_("State"), STATE_WIDTH),
                             (_("Callback due"), DUE_WIDTH)):
            table.add_column(plain(fit(label, width)), width=width + 1)
        table.focus()
        self.reload()

    # --- reading --------------------------------------------------------------------------------
    def reload(self) -> None:
        self._load(self.which)

    @work(thread=True, exclusive=True, group="complaint-list")
    def _load(self, which: str) -> None:
        try:
            with database.connection_context():
                data = complaint_list(self.session.office, which)
        except Exception as exc:  # noqa: BLE001 - the list says so; Esc still closes it
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, data)

    def _failed(self, message: str) -> None:
        self.loads += 1
        self._set_error(message)

    def _show(self, data: ComplaintList) -> None:
        if data.which != self.which:
            return  # an older filter's rows, overtaken by a key press
        table = self.query_one("#cl-table", DataTable)
        current = self.current_row()
        self.data = data
        self.rows = {row_key(row): row for row in data.rows}
        now, tz = now_utc(), self.session.tz
        table.clear()
        for row in data.rows:
            table.add_row(*row_cells(row, tz, now), key=row_key(row))
        if current is not None and row_key(current) in self.rows:
            table.move_cursor(row=table.get_row_index(row_key(current)), animate=False)
        self.query_one("#cl-filter", Static).update(plain(filter_text(self.which, data)))
        self.query_one("#cl-hint", Static).update(plain(hint_text(data)))
        self._set_error("")
        self._show_detail(self.current_row())
        self.loads += 1

    # --- the highlighted row --------------------------------------------------------------------
    def current_row(self) -> ListedComplaint | None:
        table = self.query_one("#cl-table", DataTable)
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        key = table.coordinate_to_cell_key((index, 0)).row_key.value
        return self.rows.get(key)

    def _show_detail(self, row: ListedComplaint | None) -> None:
        self.query_one("#cl-detail", Static).update(plain(detail_text(
            row, self.session.tz, now_utc())))

    def _set_error(self, message: str) -> None:
        line = self.query_one("#cl-error", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)  # an empty error line takes no room

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(self.rows.get(event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows.get(event.row_key.value)
        if row is not None:
            open_complaint_detail(self.app, row.id, callback=lambda _result: self.reload())

    # --- the actions ----------------------------------------------------------------------------
    def action_show(self, which: str) -> None:
        if which == self.which:
            return
        self.which = which
        self.query_one("#cl-filter", Static).update(plain(filter_text(which, None)))
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
