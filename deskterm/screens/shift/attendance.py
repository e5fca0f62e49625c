"""The supervisor's attendance view of today [7.4.14]: everyone of the day staff with their
state (in, in late, out for lunch, signed out, on leave, absent, not yet in), the four
signs' times, minutes late and early, and the leave or absence reason.

A ``BookScreen``: read in the kit's worker, a refusal or database trouble said on its
message line. Keys: ``s`` signs the highlighted person (or anyone chosen) in or out with
THEIR PIN; ``l`` records leave, ``a`` absence, each with a reason and a supervisor's or the
manager's PIN; ``x`` corrects one of the highlighted person's rows (a new row pointing at
the wrong one); ``r`` (or ctrl+r) reads again; Esc closes. ``open_attendance(app)``
opens it.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import today_local
from deskterm.display import day_label, fit, plain
from deskterm.duties.desk import desk_people
from deskterm.duties.shift import attendance
from deskterm.duties.shift.attendance_sheet import STATUS_LABELS, TodayRow, today_rows
from deskterm.i18n import N_, _
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import add_columns, cells_of, refill, row_table
from deskterm.screens.shift.attendance_forms import correct_form, leave_form, mark_text, sign_form

#: Columns: key, label, width in cells (75 in all with one cell of gap each, less the
#: scrollbar).
COLUMNS = ((N_("Name"), 8), (N_("State"), 12), (N_("In"), 5), (N_("Lunch"), 5),
           (N_("PM in"), 5), (N_("Out"), 5), (N_("Tardy"), 5), (N_("Early"), 5),
           (N_("Note"), 16))


def row_cells(row: TodayRow) -> tuple:
    status = _(STATUS_LABELS[row.status])
    cells = (row.name, status, *(row.times.get(s, "—") for s in attendance.SIGN_SLOTS),
             str(row.late) if row.late else "", str(row.early) if row.early else "",
             row.note)
    return tuple(cells_of(cells, COLUMNS))


def summary_text(rows: list[TodayRow]) -> str:
    counts = {key: sum(1 for r in rows if r.status == key) for key in STATUS_LABELS}
    here = counts["in"] + counts["late"]
    return _("{here} in ({late} late) · {lunch} at lunch · {gone} signed out · {leave} on "
             "leave · {absent} absent · {waiting} not in").format(
        here=here, late=counts["late"], lunch=counts["lunch"], gone=counts["gone"],
        leave=counts["leave"], absent=counts["absent"],
        waiting=counts["not_in"] + counts["not_signed"])


def open_attendance(app) -> AttendanceScreen | None:
    """Open today's attendance (a signed-in desk only); the pushed screen, or None."""
    return open_screen(app, AttendanceScreen)


class AttendanceScreen(BookScreen):
    """Today's attendance; s sign, l leave, a absence, x correct, r read again."""

    CSS_PATH = str(files("deskterm.styles") / "attendance.tcss")
    PREFIX = "att"
    BINDINGS = [
        Binding("s", "sign", show=False),
        Binding("l", "leave('leave')", show=False),
        Binding("a", "leave('absence')", show=False),
        Binding("x", "correct", show=False),
        Binding("r", "reread", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="attendance", classes="att-modal")
        self.people: list[tuple[int, str]] = []
        self.recorders: list[tuple[int, str]] = []
        self.today: dt.date | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="att-view"):
            yield Static(plain(_("Attendance today")), id="att-title", classes="form-title",
                         markup=False)
            yield row_table("att-table")
            yield Static(plain(""), id="att-detail", markup=False)
            yield Static(plain(""), id="att-summary", markup=False)
            yield self.message_line()
            yield Static(plain(_("s sign in/out · l leave · a absence · x correct · r read "
                                 "again · Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#att-table", DataTable)
        add_columns(table, COLUMNS)
        self.set_focus(table)
        self.read()

    # --- reading -------------------------------------------------------------------------------
    def fetch(self):
        office = self.office
        return (today_rows(office), [(p.id, p.name) for p in desk_people(office)],
                attendance.recorders(office), today_local(self.session.tz))

    def show(self, data) -> None:
        rows, self.people, self.recorders, self.today = data
        self.rows = rows
        refill(self.query_one("#att-table", DataTable),
               ((f"s{row.staff_id}", row_cells(row)) for row in rows))
        self.query_one("#att-title", Static).update(plain(
            _("Attendance today {day}").format(day=day_label(self.today))))
        self.query_one("#att-summary", Static).update(plain(summary_text(rows)))
        self.on_data_table_row_highlighted(None)

    def row_detail(self, row: TodayRow | None) -> str:
        if row is None:
            return ""
        marks = [mark_text(m, self.session.tz) for m in row.marks]
        return fit(f"{row.name}: " + (" · ".join(marks) if marks else _("no record today")), 76)

    # --- the keys --------------------------------------------------------------------------------
    def _done(self, result) -> None:
        if result is not None:
            self.action_reread()

    def _by(self) -> int | None:
        staff = self.session.staff
        ids = [sid for sid, _name in self.recorders]
        return staff.id if staff is not None and staff.id in ids else None

    def _at_desk(self) -> int | None:
        """Who is at the desk (the PIN checks log it)."""
        return self.session.staff.id if self.session.staff is not None else None

    def action_sign(self) -> None:
        if not self.people:
            return
        row = self.current_row()
        self.app.push_screen(sign_form(self.session, self.people,
                                       row.staff_id if row else None,
                                       at_desk=self._at_desk()), self._done)

    def action_leave(self, kind: str) -> None:
        if not self.rows or self.today is None:
            return
        if not self.recorders:
            self.say(_("Nobody here may record leave: there is no supervisor or manager."))
            return
        row = self.current_row()
        people = [(r.staff_id, r.name) for r in self.rows]
        self.app.push_screen(leave_form(self.session, kind, people,
                                        row.staff_id if row else None, self.recorders,
                                        self._by(), self.today, at_desk=self._at_desk()),
                             self._done)

    def action_correct(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if not row.marks:
            self.say(_("{name} has nothing to correct today.").format(name=row.name))
            return
        self.say("")
        self.app.push_screen(correct_form(self.session, row, self.recorders, self._by(),
                                          at_desk=self._at_desk()), self._done)
