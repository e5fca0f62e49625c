"""The supervisor's attendance view of today [7.4.14]: everyone of the day staff with their
state (in, in late, out for lunch, signed out, on leave, absent, not yet in), the four
signs' times, minutes late and early, and the leave or absence reason.

Keys: ``s`` signs the highlighted person (or anyone chosen) in or out with THEIR PIN;
``l`` records leave, ``a`` absence, each with a reason and a supervisor's or the manager's
PIN; ``x`` corrects one of the highlighted person's rows (a new row pointing at the wrong
one); ``r`` reads again; Esc closes. ``open_attendance(app)`` opens it.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.clock import today_local
from deskterm.db.models import database
from deskterm.display import day_label, fit, plain
from deskterm.duties.desk import desk_people
from deskterm.duties.shift import attendance
from deskterm.duties.shift.attendance_sheet import STATUS_LABELS, TodayRow, today_rows
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.screens.shift.attendance_forms import correct_form, leave_form, mark_text, sign_form

#: Column widths in cells (75 in all with one cell of gap each, less the scrollbar).
WIDTHS = {"name": 8, "status": 12, "morning_in": 5, "lunch_out": 5, "afternoon_in": 5,
          "evening_out": 5, "late": 5, "early": 5, "note": 16}


def row_cells(row: TodayRow) -> tuple:
    status = _(STATUS_LABELS[row.status])
    cells = (row.name, status, *(row.times.get(s, "—") for s in attendance.SIGN_SLOTS),
             str(row.late) if row.late else "", str(row.early) if row.early else "",
             row.note)
    return tuple(plain(fit(cell, width)) for cell, width in zip(cells, WIDTHS.values(),
                                                                 strict=True))


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
    if app.session.staff is None:
        return None
    screen = AttendanceScreen(app.session)
    app.push_screen(screen)
    return screen


class AttendanceScreen(ModalScreen[None]):
    """Today's attendance; s sign, l leave, a absence, x correct, r read again."""

    CSS_PATH = str(files("deskterm.styles") / "attendance.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("s", "sign", show=False),
        Binding("l", "leave('leave')", show=False),
        Binding("a", "leave('absence')", show=False),
        Binding("x", "correct", show=False),
        Binding("r", "reload", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="attendance", classes="att-modal")
        self.session = session
        self.rows: dict[str, TodayRow] = {}
        self.people: list[tuple[int, str]] = []
        self.recorders: list[tuple[int, str]] = []
        self.today: dt.date | None = None
        self.loads = 0  # reads finished, for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="att-view"):
            yield Static(plain(_("Attendance today")), id="att-title", classes="form-title",
                         markup=False)
            yield DataTable(id="att-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="att-detail", markup=False)
            yield Static(plain(""), id="att-summary", markup=False)
            yield Static(plain(""), id="att-error", classes="field-error", markup=False)
            yield Static(plain(_("s sign in/out · l leave · a absence · x correct · r read "
                                 "again · Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#att-table", DataTable)
        labels = {"name": _("Name"), "status": _("State"), "morning_in": _("In"),
                  "lunch_out": _("Lunch"), "afternoon_in": _("PM in"),
                  "evening_out": _("Out"), "late": _("Tardy"), "early": _("Early"),
                  "note": _("Note")}
        for key, width in WIDTHS.items():
            table.add_column(plain(fit(labels[key], width)), width=width + 1, key=key)
        table.focus()
        self._set_error("")
        self.action_reload()

    # --- reading -------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="attendance-load")
    def _load(self) -> None:
        office = self.session.office
        try:
            with database.connection_context():
                rows = today_rows(office)
                people = [(p.id, p.name) for p in desk_people(office)]
                recorders = attendance.recorders(office)
                today = today_local(self.session.tz)
        except DeskError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, rows, people, recorders, today)

    def _failed(self, message: str) -> None:
        self.loads += 1
        self._set_error(message)

    def _show(self, rows, people, recorders, today) -> None:
        self.people, self.recorders, self.today = people, recorders, today
        table = self.query_one("#att-table", DataTable)
        keep = self.current_row()
        table.clear()
        self.rows = {}
        for row in rows:
            key = f"s{row.staff_id}"
            self.rows[key] = row
            table.add_row(*row_cells(row), key=key)
        if keep is not None and f"s{keep.staff_id}" in self.rows:
            table.move_cursor(row=table.get_row_index(f"s{keep.staff_id}"))
        self.query_one("#att-title", Static).update(plain(
            _("Attendance today {day}").format(day=day_label(today))))
        self.query_one("#att-summary", Static).update(plain(summary_text(rows)))
        self._show_detail(self.current_row())
        self.loads += 1

    # --- the highlighted row -------------------------------------------------------------------
    def current_row(self) -> TodayRow | None:
        table = self.query_one("#att-table", DataTable)
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        return self.rows.get(table.coordinate_to_cell_key((index, 0)).row_key.value)

    def _show_detail(self, row: TodayRow | None) -> None:
        text = ""
        if row is not None:
            marks = [mark_text(m, self.session.tz) for m in row.marks]
            text = fit(f"{row.name}: " + (" · ".join(marks) if marks else _("no record today")),
                       76)
        self.query_one("#att-detail", Static).update(plain(text))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(self.rows.get(event.row_key.value))

    def _set_error(self, message: str) -> None:
        line = self.query_one("#att-error", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    # --- the keys --------------------------------------------------------------------------------
    def _done(self, result) -> None:
        if result is not None:
            self.action_reload()

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
        self.app.push_screen(sign_form(self.session.office, self.people,
                                       row.staff_id if row else None,
                                       at_desk=self._at_desk()), self._done)

    def action_leave(self, kind: str) -> None:
        if not self.rows or self.today is None:
            return
        if not self.recorders:
            self._set_error(_("Nobody here may record leave: there is no supervisor or "
                              "manager."))
            return
        row = self.current_row()
        people = [(r.staff_id, r.name) for r in self.rows.values()]
        self.app.push_screen(leave_form(self.session.office, kind, people,
                                        row.staff_id if row else None, self.recorders,
                                        self._by(), self.today, at_desk=self._at_desk()),
                             self._done)

    def action_correct(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if not row.marks:
            self._set_error(_("{name} has nothing to correct today.").format(name=row.name))
            return
        self._set_error("")
        self.app.push_screen(correct_form(self.session.office, row, self.session.tz,
                                          self.recorders, self._by(),
                                          at_desk=self._at_desk()), self._done)

    def action_close(self) -> None:
        self.dismiss(None)
