"""The monthly attendance sheet (考勤表) with the on-duty table (员工在岗情况表) and the
department ranking (本部门排序表), due by the 5th [5.7].

One row per person, one one-cell column per day (``/`` in, ``L`` late, ``E`` early, ``B``
both, ``V`` leave, ``A`` absent, ``.`` a past weekday with no record); the highlighted
person's on-duty figures under the table, then the ranking. The month field starts at
this month; Enter reads the month typed, ``[`` / ``]`` (or PgUp / PgDn) step it; ``h``
records the sheet handed to the manager (a supervisor or the manager at the desk; from the
month field too), which
the calendar's 5th-of-the-month deadline reads. Esc closes. A ``BookScreen`` with the
kit's ``MonthSteps``: every read and the hand-over run in the kit's worker; a month that
is not one is said under the month, anything else on the message line.
``open_attendance_sheet(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from deskterm.clock import local, today_local
from deskterm.display import fit, plain
from deskterm.duties.shift.attendance_sheet import (
    DAY_CODES,
    Sheet,
    SheetRow,
    hand_sheet,
    month_sheet,
    parse_month,
)
from deskterm.i18n import N_, _
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.fields import error_line
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.periods import MONTH_BINDINGS, MonthInput, MonthSteps
from deskterm.screens.kit.tables import add_columns, refill, row_table

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


class SheetMonthInput(MonthInput):
    """The sheet's month field: a month has no letters, so the sheet's letter keys (h)
    work from it too instead of being typed."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        letter = character is not None and character.isascii() and character.isalpha()
        return not letter and super().check_consume_key(key, character)


def open_attendance_sheet(app) -> AttendanceSheetScreen | None:
    """Open this month's sheet (a signed-in desk only); the pushed screen, or None."""
    return open_screen(app, AttendanceSheetScreen)


class AttendanceSheetScreen(MonthSteps, BookScreen):
    """One month's attendance sheet; the month is typed or stepped with [ ]."""

    PREFIX = "ats"
    MONTH_FIELD = "ats-month"
    HAND_DUTY = staticmethod(hand_sheet)
    CSS_PATH = str(files("deskterm.styles") / "attendance.tcss")
    BINDINGS = [
        *MONTH_BINDINGS,
        Binding("h", "hand", show=False, priority=True),  # the month field lets it by
    ]

    def __init__(self, session, month: str | None = None) -> None:
        super().__init__(session, id="attendance-sheet", classes="att-modal")
        self.month = month or parse_month(today_local(session.tz))
        self.sheet: Sheet | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="ats-view"):
            yield Static(plain(_("Attendance sheet")), id="ats-title", classes="form-title",
                         markup=False)
            with Horizontal(id="ats-month-row"):
                yield Label(plain(_("Month")))
                yield SheetMonthInput(self.month, id="ats-month", max_length=7, compact=True,
                                      placeholder="2026-11")
                yield Static(plain(_("Enter read · [ ] month before/after")),
                             id="ats-month-hint", markup=False)
            yield error_line(self.PREFIX, "month")
            yield row_table("ats-table")
            yield Static(plain(""), id="ats-detail", markup=False)
            yield Static(plain(""), id="ats-ranking", markup=False)
            yield Static(plain(fit(_("/ in · L late · E early · B late and early · V leave · "
                                     "A absent · . no record"), TEXT_WIDTH)),
                         classes="form-hint", markup=False)
            yield self.message_line()
            yield Static(plain(_("Tab rows/month · h handed to the manager · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#ats-table", DataTable))
        self.read(self.month)

    # --- reading a month --------------------------------------------------------------------
    def read(self, month: str) -> None:
        self.say("", "month")
        super().read(month)

    def fetch(self, month: str) -> Sheet:
        return month_sheet(self.office, month)

    def show(self, sheet: Sheet, asked: str = "") -> None:
        self.sheet, self.month = sheet, sheet.month
        month_input = self.query_one("#ats-month", Input)
        if month_input.value == asked:  # not what the clerk typed since
            month_input.value = sheet.month
        title = _("Attendance sheet {month}").format(month=sheet.month)
        if sheet.handed_at is not None:
            title += " · " + _("handed over {day} by {name}").format(
                day=local(sheet.handed_at, self.session.tz).format("MM-DD"),
                name=sheet.handed_by)
        self.query_one("#ats-title", Static).update(plain(fit(title, TEXT_WIDTH)))
        table = self.query_one("#ats-table", DataTable)
        table.clear(columns=True)  # a month's days: its own columns
        add_columns(table, [(N_("Name"), NAME_WIDTH),
                            *((str(day.day % 10), 1) for day in sheet.days)])
        today = today_local(self.session.tz)
        self.rows = sheet.rows
        refill(table, ((f"s{row.staff_id}", [fit(row.name, NAME_WIDTH)] + [
            day_cell(sheet, row, i, today) for i in range(len(sheet.days))])
            for row in sheet.rows))
        self.query_one("#ats-ranking", Static).update(plain(ranking_text(sheet)))
        self.on_data_table_row_highlighted(None)

    def row_detail(self, row: SheetRow | None) -> str:
        return figures_text(row)

    # --- the keys -------------------------------------------------------------------------------
    @on(Input.Submitted, "#ats-month")
    def _month_typed(self, event: Input.Submitted) -> None:
        self.read(event.value)

    def handable_month(self) -> str | None:
        return self.sheet.month if self.sheet is not None else None
