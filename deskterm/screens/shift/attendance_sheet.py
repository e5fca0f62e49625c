"""The monthly attendance sheet (考勤表) with the on-duty table (员工在岗情况表) and the
department ranking (本部门排序表), due by the 5th [5.7].

One row per person, one one-cell column per day (``/`` in, ``L`` late, ``E`` early, ``B``
both, ``V`` leave, ``A`` absent, ``.`` a past weekday with no record); the highlighted
person's on-duty figures under the table, then the ranking. The month field starts at
this month; Enter reads the month typed, ``[`` / ``]`` (or PgUp / PgDn) step it; ``h``
records the sheet handed to the manager (a supervisor or the manager at the desk), which
the calendar's 5th-of-the-month deadline reads. Esc closes.
``open_attendance_sheet(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from deskterm.clock import local, today_local
from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.shift.attendance_sheet import (
    DAY_CODES,
    Sheet,
    SheetRow,
    hand_sheet,
    month_sheet,
    parse_month,
)
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _
from deskterm.screens.kit.month_steps import MonthInput, MonthSteps

NAME_WIDTH = 6
TEXT_WIDTH = 78


def day_cell(sheet: Sheet, row: SheetRow, index: int, today) -> str:
    code = row.codes[index]
    day = sheet.days[index]
    if code == "" and (day >= today or day.weekday() >= 5):
        return " "
    return fit(_(DAY_CODES[code]), 2)


def figures_text(row: SheetRow | None) -> str:
    if row is None:
        return _("Nobody to list this month.")
    score = str(row.score) if row.score is not None else "—"
    return fit(_("{name}: in {days} d · late {late}× {late_min} min · early {early}× "
                 "{early_min} min · leave {leave} d · absent {absent} d · no record "
                 "{missing} d · assessed {score} · points {points}").format(
        name=row.name, days=row.days_in, late=row.late_times, late_min=row.late_minutes,
        early=row.early_times, early_min=row.early_minutes, leave=row.leave,
        absent=row.absent, missing=row.missing, score=score, points=row.points),
        2 * TEXT_WIDTH)


def ranking_text(sheet: Sheet) -> str:
    items = " · ".join(f"{r.rank} {r.name} {r.points}" for r in sheet.ranking)
    return fit(_("Ranking: {items}").format(items=items or "—"), TEXT_WIDTH)


def open_attendance_sheet(app) -> AttendanceSheetScreen | None:
    """Open this month's sheet (a signed-in desk only); the pushed screen, or None."""
    if app.session.staff is None:
        return None
    screen = AttendanceSheetScreen(app.session)
    app.push_screen(screen)
    return screen


class AttendanceSheetScreen(MonthSteps, ModalScreen[None]):
    """One month's attendance sheet; the month is typed or stepped with [ ]."""

    MONTH_FIELD = "ats-month"
    HAND_DUTY = staticmethod(hand_sheet)
    CSS_PATH = str(files("deskterm.styles") / "attendance.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("left_square_bracket", "step(-1)", show=False, priority=True),
        Binding("right_square_bracket", "step(1)", show=False, priority=True),
        Binding("pageup", "step(-1)", show=False, priority=True),
        Binding("pagedown", "step(1)", show=False, priority=True),
        Binding("h", "hand", show=False),
    ]

    def __init__(self, session, month: str | None = None) -> None:
        super().__init__(id="attendance-sheet", classes="att-modal")
        self.session = session
        self.month = month or parse_month(today_local(session.tz))
        self.sheet: Sheet | None = None
        self.rows: dict[str, SheetRow] = {}
        self.asked = 0
        self.loads = 0  # reads finished (shown or refused), for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="ats-view"):
            yield Static(plain(_("Attendance sheet")), id="ats-title", classes="form-title",
                         markup=False)
            with Horizontal(id="ats-month-row"):
                yield Label(plain(_("Month")))
                yield MonthInput(self.month, id="ats-month", max_length=7, compact=True,
                                 placeholder="2026-11")
                yield Static(plain(_("Enter read · [ ] month before/after")),
                             id="ats-month-hint", markup=False)
            yield Static(plain(""), id="ats-month-error", classes="field-error", markup=False)
            yield DataTable(id="ats-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="ats-detail", markup=False)
            yield Static(plain(""), id="ats-ranking", markup=False)
            yield Static(plain(fit(_("/ in · L late · E early · B late and early · V leave · "
                                     "A absent · . no record"), TEXT_WIDTH)),
                         classes="form-hint", markup=False)
            yield Static(plain(""), id="ats-error", classes="field-error", markup=False)
            yield Static(plain(_("Tab rows/month · h handed to the manager · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#ats-table", DataTable).focus()
        self.read(self.month)

    # --- reading a month --------------------------------------------------------------------
    def read(self, month: str) -> None:
        self._set_error("month", "")
        self.asked += 1
        self._load(month, self.asked)

    @work(thread=True, group="attendance-sheet")
    def _load(self, month: str, asked: int) -> None:
        try:
            with database.connection_context():
                sheet = month_sheet(self.session.office, month)
        except DutyError as exc:
            self.app.call_from_thread(self._refused, asked, exc.field or "", exc.message)
            return
        except DeskError as exc:
            self.app.call_from_thread(self._refused, asked, "", exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            self.app.call_from_thread(self._refused, asked, "", str(exc))
            return
        self.app.call_from_thread(self._show, asked, sheet)

    def _refused(self, asked: int, field: str, message: str) -> None:
        if asked != self.asked:
            return
        self.loads += 1
        self._set_error(field if field == "month" else "", message)

    def _show(self, asked: int, sheet: Sheet) -> None:
        if asked != self.asked:
            return
        self.sheet, self.month = sheet, sheet.month
        month_input = self.query_one("#ats-month", Input)
        if month_input.value != sheet.month:
            month_input.value = sheet.month
        title = _("Attendance sheet {month}").format(month=sheet.month)
        if sheet.handed_at is not None:
            title += " · " + _("handed over {day} by {name}").format(
                day=local(sheet.handed_at, self.session.tz).format("MM-DD"),
                name=sheet.handed_by)
        self.query_one("#ats-title", Static).update(plain(fit(title, TEXT_WIDTH)))
        table = self.query_one("#ats-table", DataTable)
        table.clear(columns=True)
        table.add_column(plain(fit(_("Name"), NAME_WIDTH)), width=NAME_WIDTH + 1, key="name")
        for day in sheet.days:
            table.add_column(plain(str(day.day % 10)), width=2, key=f"d{day.day}")
        today = today_local(self.session.tz)
        self.rows = {}
        for row in sheet.rows:
            key = f"s{row.staff_id}"
            self.rows[key] = row
            cells = [fit(row.name, NAME_WIDTH)] + [
                day_cell(sheet, row, i, today) for i in range(len(sheet.days))]
            table.add_row(*(plain(c) for c in cells), key=key)
        self.query_one("#ats-ranking", Static).update(plain(ranking_text(sheet)))
        self._set_error("", "")
        self._show_detail(self.current_row())
        self.loads += 1

    def current_row(self) -> SheetRow | None:
        table = self.query_one("#ats-table", DataTable)
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        return self.rows.get(table.coordinate_to_cell_key((index, 0)).row_key.value)

    def _show_detail(self, row: SheetRow | None) -> None:
        self.query_one("#ats-detail", Static).update(plain(figures_text(row)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(self.rows.get(event.row_key.value))

    def _set_error(self, field: str, message: str) -> None:
        target = "#ats-month-error" if field == "month" else "#ats-error"
        line = self.query_one(target, Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    # --- the keys -------------------------------------------------------------------------------
    @on(Input.Submitted, "#ats-month")
    def _month_typed(self, event: Input.Submitted) -> None:
        self.read(event.value)

    def _handable_month(self) -> str | None:
        return self.sheet.month if self.sheet is not None else None

    def action_close(self) -> None:
        self.dismiss(None)
