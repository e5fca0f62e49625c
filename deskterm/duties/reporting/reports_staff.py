"""The staff reports: attendance [5.7][7.4.14] and work records [7.4.23], as plain tables.

Registered in ``reports.REPORTS`` (this module does not import ``reports``: the table
types come from ``report_table``). Like the other reports they lay out what the duties
that own the figures give, and recompute no rule:

- ``attendance-sheet`` (考勤表), ``on-duty`` (员工在岗情况表) and ``attendance-ranking``
  (本部门排序表): a month's ``attendance_sheet.month_sheet``. The sheet's day cells are
  the codes the app's sheet shows (``DAY_CODES``: ``/`` in, ``L`` late, ``E`` early, ``B``
  both, ``V`` leave, ``A`` absent, ``.`` a past weekday with no record); a weekend or a day
  still to come without a record is an empty cell.
- ``work-daily``: every stored daily work record (个人工作控制日清记录表) of the period, one
  row per person and day, with its figures as stored (a draft's as last saved: what the
  summaries sum) and whether it is submitted.
- ``work-weekly`` / ``work-monthly``: one row per person, the day records of the ISO week
  or the month summed (``work_summaries.work_summary``) and whether that person's summary
  of that week or month is submitted. The people are the reception staff (the attendance
  roles, active) and anyone else with a day record or a summary of the period.

The work figures are the columns of ``work_records.FIGURES`` in order (money ones as
money), then any other figure a record carries, titled by its key.

- ``wrong-pins`` (错误密码记录): every wrong PIN typed at the office in the period
  (``pin_checks.pin_refusals``), oldest first: when, whose PIN, what it was typed for,
  who was at the desk, the wrong PINs in a row it made and whether it locked the PIN.
"""

from __future__ import annotations

import datetime as dt

from deskterm.clock import local, today_local
from deskterm.db.models import DailyWorkRecord, Office, Staff, WorkSummary
from deskterm.duties.pin_checks import PURPOSES, pin_refusals
from deskterm.duties.reporting.report_period import ReportPeriod
from deskterm.duties.reporting.report_table import Column, ReportTable, column
from deskterm.duties.schedule import office_zone
from deskterm.duties.shift.attendance import ATTENDANCE_ROLES
from deskterm.duties.shift.attendance_sheet import DAY_CODES, Sheet, SheetRow, month_sheet
from deskterm.duties.shift.work_records import (
    MONEY_FIGURES,
    figure_label,
    load_figures,
    ordered_figures,
)
from deskterm.duties.shift.work_summaries import period_of, work_summary
from deskterm.i18n import N_, _

TITLES = {
    "attendance-sheet": N_("Attendance sheet"),
    "on-duty": N_("On-duty table"),
    "attendance-ranking": N_("Attendance ranking"),
    "work-daily": N_("Daily work records"),
    "work-weekly": N_("Weekly work summaries"),
    "work-monthly": N_("Monthly work summaries"),
    "wrong-pins": N_("Wrong PINs"),
}
#: A person's role as the reports show it (the words the sign-in list uses).
ROLE_WORDS = {
    "clerk": N_("clerk"), "supervisor": N_("supervisor"), "manager": N_("manager"),
    "night": N_("night shift"), "technician": N_("technician"),
    "cs_supervisor": N_("CS supervisor"),
}


def _table(name: str, period: ReportPeriod, columns, rows, totals=None) -> ReportTable:
    return ReportTable(name, _(TITLES[name]), period, tuple(columns), tuple(rows), totals)


def _role(role: str) -> str:
    return _(ROLE_WORDS[role]) if role in ROLE_WORDS else role


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _staff_order(role: str, name: str) -> tuple:
    order = {key: index for index, key in enumerate(Staff.ROLES)}
    return (order.get(role, len(order)), name)


# --- attendance [5.7][7.4.14] -------------------------------------------------------------------

def day_cell(sheet: Sheet, row: SheetRow, index: int, today: dt.date) -> str | None:
    """What the sheet shows for ``row``'s day ``index``: its code's word, ``.`` for a past
    weekday with no record, nothing for a weekend or a day still to come."""
    code = row.codes[index]
    day = sheet.days[index]
    if code == "" and (day >= today or day.weekday() >= 5):
        return None
    return _(DAY_CODES.get(code, code))


def attendance_sheet_table(office: Office, period: ReportPeriod) -> ReportTable:
    """The month's attendance sheet (考勤表): a person a row, a day a column, then the days
    in, on leave and absent and the times late and early; the totals row sums them."""
    sheet = month_sheet(office, period.first)
    today = today_local(office_zone(office))
    rows = tuple(
        (row.name, *(day_cell(sheet, row, index, today) for index in range(len(sheet.days))),
         row.days_in, row.leave, row.absent, row.late_times, row.early_times)
        for row in sheet.rows)
    figures = ("days_in", "leave", "absent", "late_times", "early_times")
    return _table(
        "attendance-sheet", period,
        (column(N_("Name"), "text"), *(Column(str(day.day), "text") for day in sheet.days),
         column(N_("Days in"), "int"), column(N_("Days on leave"), "int"),
         column(N_("Days absent"), "int"), column(N_("Times late"), "int"),
         column(N_("Times early"), "int")),
        rows, (_("Total"), *(None for _day in sheet.days),
               *(sum(getattr(row, key) for row in sheet.rows) for key in figures)))


ON_DUTY_FIGURES = ("days_in", "leave", "absent", "late_times", "late_minutes", "early_times",
                   "early_minutes", "missing")


def on_duty_table(office: Office, period: ReportPeriod) -> ReportTable:
    """The month's on-duty table (员工在岗情况表): each person's figures of the sheet and
    assessment score; the totals row sums the figures."""
    sheet = month_sheet(office, period.first)
    rows = tuple((row.name, _role(row.role), *(getattr(row, key) for key in ON_DUTY_FIGURES),
                  row.score) for row in sheet.rows)
    return _table(
        "on-duty", period,
        (column(N_("Name"), "text"), column(N_("Role"), "text"),
         column(N_("Days in"), "int"), column(N_("Days on leave"), "int"),
         column(N_("Days absent"), "int"), column(N_("Times late"), "int"),
         column(N_("Minutes late"), "int"), column(N_("Times early"), "int"),
         column(N_("Minutes early"), "int"), column(N_("Weekdays without a record"), "int"),
         column(N_("Assessment score"), "int")),
        rows, (_("Total"), None,
               *(sum(getattr(row, key) for row in sheet.rows) for key in ON_DUTY_FIGURES),
               None))


def attendance_ranking(office: Office, period: ReportPeriod) -> ReportTable:
    """The month's department ranking (本部门排序表): highest points first, equal points
    sharing a place (``Sheet.ranking``)."""
    sheet = month_sheet(office, period.first)
    rows = tuple((row.rank, row.name, _role(row.role), row.points, row.score,
                  row.late_times, row.absent) for row in sheet.ranking)
    return _table(
        "attendance-ranking", period,
        (column(N_("Rank"), "int"), column(N_("Name"), "text"), column(N_("Role"), "text"),
         column(N_("Points"), "int"), column(N_("Assessment score"), "int"),
         column(N_("Times late"), "int"), column(N_("Days absent"), "int")),
        rows, None)


# --- work records [7.4.23] ------------------------------------------------------------------------

def _figure_columns(figure_sets) -> list[tuple[str, Column]]:
    """(key, column) of every figure: FIGURES in order, then the other keys found."""
    found: dict[str, int] = {}
    for figures in figure_sets:
        found.update(dict.fromkeys(figures, 0))
    return [(key, Column(figure_label(key), "money" if key in MONEY_FIGURES else "int"))
            for key, _value in ordered_figures(found)]


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def work_daily(office: Office, period: ReportPeriod) -> ReportTable:
    """Every stored daily work record of the period, by day and person: its figures, its
    notes (as stored) and whether it is submitted; the totals row sums the figures."""
    query = (DailyWorkRecord.select(DailyWorkRecord.day, Staff.name, Staff.role,
                                    DailyWorkRecord.figures, DailyWorkRecord.notes,
                                    DailyWorkRecord.submitted_at)
             .join(Staff, on=(DailyWorkRecord.staff == Staff.id))
             .where((DailyWorkRecord.office == office) & (DailyWorkRecord.day >= period.first)
                    & (DailyWorkRecord.day <= period.last)).tuples())
    records = sorted(((_as_date(day), name, role, load_figures(text), notes or "",
                       submitted_at is not None)
                      for day, name, role, text, notes, submitted_at in query),
                     key=lambda r: (r[0], _staff_order(r[2], r[1])))
    figures = _figure_columns(record[3] for record in records)
    rows = tuple((day, name, *(found.get(key, 0) for key, _col in figures), _yes_no(done),
                  notes) for day, name, _role_key, found, notes, done in records)
    return _table(
        "work-daily", period,
        (column(N_("Day"), "date"), column(N_("Name"), "text"),
         *(col for _key, col in figures), column(N_("Submitted"), "text"),
         column(N_("Notes"), "text")),
        rows, (_("Total"), None,
               *(sum(record[3].get(key, 0) for record in records) for key, _col in figures),
               f"{sum(record[5] for record in records)}/{len(records)}", None))


def _summed(office: Office, period: ReportPeriod, kind: str, name: str) -> ReportTable:
    """One row per person: the period's day records summed, how many, and whether the
    person's ``kind`` summary of the period is submitted."""
    label = period_of(kind, period.first)
    people = {sid for (sid,) in Staff.select(Staff.id).where(
        (Staff.office == office) & Staff.active & Staff.role.in_(ATTENDANCE_ROLES)).tuples()}
    people |= {sid for (sid,) in DailyWorkRecord.select(DailyWorkRecord.staff).where(
        (DailyWorkRecord.office == office) & (DailyWorkRecord.day >= period.first)
        & (DailyWorkRecord.day <= period.last)).tuples()}
    people |= {sid for (sid,) in WorkSummary.select(WorkSummary.staff).where(
        (WorkSummary.office == office) & (WorkSummary.kind == kind)
        & (WorkSummary.period == label)).tuples()}
    staff = sorted(Staff.select(Staff.id, Staff.name, Staff.role)
                   .where((Staff.office == office) & Staff.id.in_(sorted(people) or [0]))
                   .tuples(), key=lambda r: _staff_order(r[2], r[1]))
    drafts = [(name, role, work_summary(office, sid, kind, label))
              for sid, name, role in staff]
    figures = _figure_columns(draft.figures for _name, _role_key, draft in drafts)
    rows = tuple((name, _role(role), draft.days,
                  *(draft.figures.get(key, 0) for key, _col in figures),
                  _yes_no(draft.submitted)) for name, role, draft in drafts)
    return _table(
        name, period,
        (column(N_("Name"), "text"), column(N_("Role"), "text"),
         column(N_("Days recorded"), "int"), *(col for _key, col in figures),
         column(N_("Summary submitted"), "text")),
        rows, (_("Total"), None, sum(draft.days for *_rest, draft in drafts),
               *(sum(draft.figures.get(key, 0) for *_rest, draft in drafts)
                 for key, _col in figures),
               f"{sum(draft.submitted for *_rest, draft in drafts)}/{len(drafts)}"))


def work_weekly(office: Office, period: ReportPeriod) -> ReportTable:
    """The ISO week's day records per person and whether the weekly summary is submitted."""
    return _summed(office, period, "week", "work-weekly")


def work_monthly(office: Office, period: ReportPeriod) -> ReportTable:
    """The month's day records per person and whether the monthly summary is submitted."""
    return _summed(office, period, "month", "work-monthly")


# --- wrong PINs -------------------------------------------------------------------------------------

def wrong_pins(office: Office, period: ReportPeriod) -> ReportTable:
    """Every wrong PIN typed at the office in the period, oldest first; a refusal written
    before the purpose was kept shows an empty "For what" and "Locked out"."""
    tz = office_zone(office)
    rows = tuple(
        (local(row.at, tz).naive, row.name, _role(row.role),
         _(PURPOSES[row.purpose]) if row.purpose else None, row.at_desk, row.tries,
         None if row.locked is None else _yes_no(row.locked))
        for row in pin_refusals(office, period.start, period.end))
    return _table(
        "wrong-pins", period,
        (column(N_("When"), "datetime"), column(N_("Whose PIN"), "text"),
         column(N_("Role"), "text"), column(N_("For what"), "text"),
         column(N_("Who was at the desk"), "text"), column(N_("Wrong in a row"), "int"),
         column(N_("Locked out"), "text")),
        rows, None)
