"""The staff reports (deskterm.duties.reporting.reports_staff) [5.7][7.4.14][7.4.23]: each figure
checked against counts made here from the AttendanceEvent and DailyWorkRecord rows (not
through the duty under test), on SQLite and PostgreSQL; periods they refuse; CSV and XLSX
files with Chinese names; and the report command."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict

import openpyxl
import pytest

from deskterm.cli import main
from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    Assessment,
    AttendanceEvent,
    ChangeLog,
    DailyWorkRecord,
    Staff,
    WorkSummary,
)
from deskterm.duties.reporting.reports import COLUMN_TYPES, REPORTS, report_table
from deskterm.errors import DutyError
from deskterm.export import export_table
from tests.factories import _pin_hash, small_office

NOVEMBER = [dt.date(2026, 11, d) for d in range(1, 31)]
AFTER_NOVEMBER = "2026-12-02T12:00:00"  # 20:00 in Shanghai, Wednesday 2 December
STAFF_REPORTS = ("attendance-sheet", "on-duty", "attendance-ranking", "work-daily",
                 "work-weekly", "work-monthly")


def utc(day: dt.date, hhmm: str) -> dt.datetime:
    """Shanghai ``hhmm`` on ``day`` as naive UTC."""
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m)) - dt.timedelta(hours=8)


def person(so, name: str, role: str) -> Staff:
    with changes.write():
        return Staff.create(office=so.office, name=name, role=role, pin_hash=_pin_hash(),
                            created_at=now_utc())


def event(so, who, day, hhmm, kind, slot="desk", minutes=0, reason=""):
    """A row as the demo writes it (bulk, recorded by the person)."""
    with changes.write():
        AttendanceEvent.create(office=so.office, staff=who, at=utc(day, hhmm), kind=kind,
                               slot=slot, minutes_late=minutes, reason=reason,
                               recorded_by=who)


def worked(so, who, day, late=0, early=0, afternoon_late=0):
    event(so, who, day, "08:10" if not late else "08:35", "sign_in", "morning_in", late)
    if afternoon_late:
        event(so, who, day, "13:35", "sign_in", "afternoon_in", afternoon_late)
    event(so, who, day, "17:40" if not early else "17:00", "sign_out", "evening_out", early)


@pytest.fixture
def attendance(desk_db, frozen_clock):
    """November at a small office: the clerks and the supervisor in, late, early, on
    leave and absent; the manager signs once; another office's clerk works too."""
    frozen_clock(AFTER_NOVEMBER)
    so = small_office()
    so.clerk2 = person(so, "王敏", "clerk")
    so.manager = person(so, "赵敏", "manager")
    for day in NOVEMBER[1:6]:  # Mon 2nd to Fri 6th
        for who in (so.clerk, so.clerk2):
            worked(so, who, day)
    for day in NOVEMBER[1:4]:
        worked(so, so.supervisor, day)
    event(so, so.supervisor, NOVEMBER[4], "08:00", "leave", reason="年假")
    worked(so, so.clerk, NOVEMBER[8], late=15, early=30)  # Mon 9th: both
    worked(so, so.clerk, NOVEMBER[9], afternoon_late=5)  # 10th: late after lunch
    event(so, so.clerk, NOVEMBER[10], "08:00", "leave", reason="病假")  # 11th
    worked(so, so.clerk, NOVEMBER[13])  # Saturday 14th
    event(so, so.clerk2, NOVEMBER[8], "08:00", "absence", reason="未到")
    worked(so, so.manager, NOVEMBER[11])
    with changes.write():
        Assessment.create(office=so.office, clerk=so.clerk2, supervisor=so.supervisor,
                          at=utc(NOVEMBER[19], "10:00"), text="认真", score=90)
    other = small_office("别的管理处")
    worked(other, other.clerk, NOVEMBER[2], late=40)
    return so


def counted(so) -> dict[str, dict]:
    """Each listed person's November figures, counted here from the event rows."""
    days = defaultdict(lambda: defaultdict(list))
    for row in AttendanceEvent.select().where(AttendanceEvent.office == so.office):
        day = (row.at + dt.timedelta(hours=8)).date()
        if day.month == 11:
            days[row.staff_id][day].append(row)
    listed = Staff.select().where((Staff.office == so.office) & (
        Staff.role.in_(("clerk", "supervisor")) | Staff.id.in_(list(days))))
    found = {}
    for who in listed:
        mine = days[who.id]
        signed = {d for d, rows in mine.items() if any(r.kind in ("sign_in", "sign_out")
                                                        for r in rows)}
        late = [sum(r.minutes_late for r in mine[d] if r.kind == "sign_in") for d in signed]
        early = [sum(r.minutes_late for r in mine[d] if r.kind == "sign_out") for d in signed]
        figures = dict(
            days_in=len(signed),
            leave=sum(1 for d, rows in mine.items() if d not in signed
                      and any(r.kind == "leave" for r in rows)),
            absent=sum(1 for rows in mine.values() if any(r.kind == "absence" for r in rows)),
            late_times=sum(1 for m in late if m), late_minutes=sum(late),
            early_times=sum(1 for m in early if m), early_minutes=sum(early),
            missing=sum(1 for d in NOVEMBER if d.weekday() < 5 and d not in mine))
        score = {so.clerk2.id: 90}.get(who.id)
        points = max(0, 100 - 2 * (figures["late_times"] + figures["early_times"])
                     - 10 * figures["absent"] - 5 * figures["missing"])
        found[who.name] = dict(figures, role=who.role, score=score,
                               points=points if score is None else round((points + score) / 2))
    return found


def test_the_staff_reports_are_registered():
    for name in STAFF_REPORTS:
        report = REPORTS[name]
        assert report.title and callable(report.build)
    assert REPORTS["attendance-sheet"].kinds == ("month",)
    assert REPORTS["work-daily"].kinds == ("week", "month", "range")
    assert REPORTS["work-weekly"].kinds == ("week",)
    assert REPORTS["work-monthly"].kinds == ("month",)


def test_on_duty_table_is_the_event_rows_counted(attendance):
    so = attendance
    expected = counted(so)
    table = report_table(so.office, "on-duty")  # last month: November
    assert table.period_label == "2026-11" and table.title == "On-duty table"
    assert all(col.type in COLUMN_TYPES for col in table.columns)
    assert [col.title for col in table.columns][:3] == ["Name", "Role", "Days in"]
    keys = ("days_in", "leave", "absent", "late_times", "late_minutes", "early_times",
            "early_minutes", "missing")
    rows = {row[0]: row for row in table.rows}
    assert set(rows) == set(expected) == {"李静", "王敏", "刘芳", "赵敏"}  # not 别的管理处's
    for name, figures in expected.items():
        assert rows[name][2:10] == tuple(figures[key] for key in keys), name
        assert rows[name][10] == figures["score"]
    assert rows["李静"][1] == "clerk" and rows["赵敏"][1] == "manager"
    assert rows["李静"][2:10] == (8, 1, 0, 2, 20, 1, 30, 13)
    assert table.totals == ("Total", None, *(sum(f[key] for f in expected.values())
                                            for key in keys), None)


def test_attendance_sheet_days_and_figures(attendance):
    so = attendance
    expected = counted(so)
    table = report_table(so.office, "attendance-sheet", "2026-11")
    titles = [col.title for col in table.columns]
    assert titles[0] == "Name" and titles[1:31] == [str(d) for d in range(1, 31)]
    assert titles[31:] == ["Days in", "Days on leave", "Days absent", "Times late",
                           "Times early"]
    rows = {row[0]: row for row in table.rows}
    li = rows["李静"]
    assert li[1] is None  # Sunday 1st: no record, no mark
    assert li[2] == "/" and li[9] == "B" and li[10] == "L" and li[11] == "V"
    assert li[12] == "."  # Thursday 12th: a weekday without any record
    assert li[14] == "/" and li[15] is None  # worked Saturday 14th; Sunday off
    assert rows["王敏"][9] == "A" and rows["刘芳"][5] == "V"
    for name, figures in expected.items():
        assert rows[name][31:] == tuple(figures[key] for key in (
            "days_in", "leave", "absent", "late_times", "early_times"))
        marks = rows[name][1:31]
        assert sum(1 for m in marks if m in ("/", "L", "E", "B")) == figures["days_in"]
        assert marks.count(".") == figures["missing"]
    assert table.totals[1:31] == (None,) * 30
    assert table.totals[31:] == tuple(sum(row[i] for row in table.rows) for i in range(31, 36))


def test_attendance_ranking_by_points(attendance):
    so = attendance
    expected = counted(so)
    table = report_table(so.office, "attendance-ranking", "2026-11")
    assert [col.title for col in table.columns] == [
        "Rank", "Name", "Role", "Points", "Assessment score", "Times late", "Days absent"]
    assert [row[3] for row in table.rows] == sorted((f["points"] for f in expected.values()),
                                                    reverse=True)
    for rank, name, _role, points, score, late, absent in table.rows:
        assert points == expected[name]["points"] and score == expected[name]["score"]
        assert (late, absent) == (expected[name]["late_times"], expected[name]["absent"])
        assert rank == 1 + sum(1 for f in expected.values() if f["points"] > points)
    assert table.totals is None


def test_periods_a_staff_report_refuses(attendance):
    so = attendance
    before = ChangeLog.select().count()
    for name, words in (("attendance-sheet", "2026-11-01..2026-11-10"),
                        ("on-duty", "last-week"), ("attendance-ranking", "2026-11-02..2026-11-08"),
                        ("work-weekly", "2026-11"), ("work-monthly", "this-week"),
                        ("work-daily", "someday")):
        with pytest.raises(DutyError) as refused:
            report_table(so.office, name, words)
        assert refused.value.field == "period", name
    assert ChangeLog.select().count() == before


# --- work records ------------------------------------------------------------------------------

FULL = {"calls_taken": 3, "orders_registered": 1, "orders_dispatched": 1, "orders_returned": 0,
        "callbacks": 2, "payments": 2, "voids": 0, "payments_net": 15050, "deposits": 1,
        "deposits_total": 15050, "handovers": 1, "complaints": 0}


def record(so, who, day: int, figures: dict, *, submitted=True, notes=""):
    with changes.write():
        DailyWorkRecord.create(office=so.office, staff=who, day=dt.date(2026, 11, day),
                               figures=json.dumps(figures), notes=notes,
                               submitted_at=utc(dt.date(2026, 11, day), "17:20")
                               if submitted else None)


@pytest.fixture
def work(desk_db, frozen_clock):
    """Day records of weeks 46 to 48 (one a draft, one as the demo writes them, one with a
    figure this version does not know), two weekly summaries (one a draft) and a monthly
    one; a clerk without any; another office's record."""
    frozen_clock("2026-11-30T02:05:00")  # Monday 30 November, 10:05 in Shanghai
    so = small_office()
    so.clerk2 = person(so, "王敏", "clerk")
    so.night = person(so, "周夜", "night")
    record(so, so.clerk, 9, FULL)
    record(so, so.clerk, 16, FULL, notes="=SUM(A1) 备注")
    record(so, so.clerk, 17, dict(FULL, calls_taken=7, payments_net=100), submitted=False)
    record(so, so.clerk, 20, dict(FULL, payments=0, payments_net=0))
    record(so, so.clerk, 23, FULL)
    record(so, so.supervisor, 16, {"orders_registered": 2, "payments": 1})  # the demo's
    # an older version's: the payments' total before voids, and a figure no longer known
    record(so, so.supervisor, 18, {"payments": 1, "payments_total": 999, "visits": 4})
    record(so, so.night, 19, {"calls_taken": 5})
    with changes.write():
        for who, kind, period, done in ((so.clerk, "week", "2026-W47", True),
                                        (so.supervisor, "week", "2026-W47", False),
                                        (so.clerk, "month", "2026-11", True),
                                        (so.clerk, "week", "2026-W48", True)):
            WorkSummary.create(office=so.office, staff=who, kind=kind, period=period,
                               summary="本周完成", submitted_at=now_utc() if done else None)
    other = small_office("别的管理处")
    record(other, other.clerk, 17, FULL)
    return so


def stored(so, first: int, last: int) -> list[tuple[int, str, dict, bool]]:
    """(day, name, figures, submitted) of the office's records of November first..last."""
    found = []
    for row in DailyWorkRecord.select().where(DailyWorkRecord.office == so.office):
        day = row.day if isinstance(row.day, dt.date) else dt.date.fromisoformat(str(row.day))
        if first <= day.day <= last:
            found.append((day.day, row.staff.name, json.loads(row.figures),
                          row.submitted_at is not None))
    return found


def figure_columns(table, first: int) -> dict[str, int]:
    return {col.title: index for index, col in enumerate(table.columns) if index >= first
            and col.title not in ("Submitted", "Notes", "Summary submitted")}


def test_daily_work_records_of_a_range(work):
    so = work
    table = report_table(so.office, "work-daily", "2026-11-10..2026-11-20")
    assert table.period.kind == "range" and table.title == "Daily work records"
    records = stored(so, 10, 20)
    assert len(table.rows) == len(records) == 6
    assert [(row[0].day, row[1]) for row in table.rows] == [
        (16, "李静"), (16, "刘芳"), (17, "李静"), (18, "刘芳"), (19, "周夜"), (20, "李静")]
    columns = figure_columns(table, 2)
    assert list(columns)[:2] == ["Calls taken", "Orders registered"]
    assert list(columns)[-1] == "visits"  # a figure this version does not know, by its key
    kinds = {col.title: col.type for col in table.columns}
    assert kinds["Payments, net of voids"] == kinds["Deposits total"] == "money"
    assert kinds["Payments before voids"] == "money"  # an older record's, by its own name
    assert kinds["Calls taken"] == "int" and kinds["Day"] == "date"
    keys = {"Calls taken": "calls_taken", "Payments taken": "payments",
            "Payments, net of voids": "payments_net",
            "Payments before voids": "payments_total", "visits": "visits",
            "Orders registered": "orders_registered"}
    for title, key in keys.items():
        index = columns[title]
        assert table.totals[index] == sum(r[2].get(key, 0) for r in records), title
        assert sum(row[index] for row in table.rows) == table.totals[index]
    draft = next(row for row in table.rows if row[0].day == 17)
    assert draft[columns["Calls taken"]] == 7 and draft[-2] == "no"
    assert table.rows[0][-2] == "yes" and table.rows[0][-1] == "=SUM(A1) 备注"
    submitted = sum(1 for r in records if r[3])
    assert table.totals[-2] == f"{submitted}/{len(records)}" == "5/6"
    week = report_table(so.office, "work-daily", "2026-11-16..2026-11-22")
    assert week.period.kind == "week" and len(week.rows) == len(stored(so, 16, 22))


def test_weekly_summaries_sum_the_week(work):
    so = work
    table = report_table(so.office, "work-weekly", "2026-11-16..2026-11-22")  # 2026-W47
    assert table.period.kind == "week"
    rows = {row[0]: row for row in table.rows}
    assert list(rows) == ["李静", "王敏", "刘芳", "周夜"]  # clerks, supervisor, night: by role
    columns = figure_columns(table, 3)
    records = stored(so, 16, 22)
    for name, row in rows.items():
        mine = [r[2] for r in records if r[1] == name]
        assert row[2] == len(mine), name
        for title, key in (("Calls taken", "calls_taken"),
                           ("Payments, net of voids", "payments_net"),
                           ("Payments before voids", "payments_total"),
                           ("Payments taken", "payments"), ("visits", "visits")):
            assert row[columns[title]] == sum(f.get(key, 0) for f in mine), (name, title)
    assert rows["李静"][columns["Calls taken"]] == 3 + 7 + 3
    assert [rows[name][-1] for name in rows] == ["yes", "no", "no", "no"]
    assert rows["刘芳"][1] == "supervisor" and rows["周夜"][1] == "night shift"
    assert table.totals[2] == len(records) == 6
    assert table.totals[columns["Payments, net of voids"]] == sum(
        r[2].get("payments_net", 0) for r in records)
    assert table.totals[-1] == "1/4"


def test_monthly_summaries_sum_the_month(work):
    so = work
    table = report_table(so.office, "work-monthly")  # last month, on 30 November: October
    assert table.period_label == "2026-10"
    assert all(row[2] == 0 and row[-1] == "no" for row in table.rows)
    table = report_table(so.office, "work-monthly", "2026-11")
    rows = {row[0]: row for row in table.rows}
    columns = figure_columns(table, 3)
    records = stored(so, 1, 30)
    for name, row in rows.items():
        mine = [r[2] for r in records if r[1] == name]
        assert row[2] == len(mine)
        assert row[columns["Deposits total"]] == sum(f.get("deposits_total", 0) for f in mine)
    assert rows["李静"][2] == 5 and rows["李静"][-1] == "yes" and rows["王敏"][-1] == "no"
    assert table.totals[2] == len(records) == 8
    assert "别的管理处" not in str(table.rows)


# --- files -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_staff_report_exports(sqlite_db, frozen_clock, tmp_path, fmt):
    frozen_clock(AFTER_NOVEMBER)
    so = small_office()
    worked(so, so.clerk, NOVEMBER[8], late=15)
    record(so, so.clerk, 9, FULL, notes="=1+1")
    for name in STAFF_REPORTS:
        table = report_table(so.office, name, "2026-11-09..2026-11-15"
                             if REPORTS[name].kinds[0] == "week" else "2026-11")
        path = export_table(table, fmt, tmp_path)
        assert path.name == f"{name}_{table.period.slug}.{fmt}"
        if fmt == "csv":
            rows = list(csv.reader(path.read_text("utf-8-sig").splitlines()))
        else:
            sheet = openpyxl.load_workbook(path).active
            rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
        assert rows[0] == [col.title for col in table.columns], name
        assert len(rows) == len(table.rows) + 1 + (table.totals is not None)
        at = 1 if name in ("attendance-ranking", "work-daily") else 0
        assert "李静" in [line[at] for line in rows[1:]], name
        if name == "work-daily":
            money = rows[1][[col.title for col in table.columns].index("Payments, net of voids")]
            assert money == ("150.50" if fmt == "csv" else pytest.approx(150.5))
            assert rows[1][-1] == ("'=1+1" if fmt == "csv" else "=1+1")
        if name == "attendance-sheet":
            assert rows[1][9] == "L" and len(rows[0]) == 1 + 30 + 5


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("DESKTERM_EXPORT_DIR", str(tmp_path / "exports"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_THEME", "DESKTERM_MOUSE",
                 "DESKTERM_OFFICE", "LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)


def test_the_report_command_lists_and_writes_them(sqlite_db, frozen_clock, cli_env, tmp_path,
                                                  capsys):
    assert main(["report", "--list"]) == 0
    listed = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert set(STAFF_REPORTS) <= set(listed)
    frozen_clock(AFTER_NOVEMBER)
    so = small_office()
    worked(so, so.clerk, NOVEMBER[8], late=15, early=30)
    out = tmp_path / "sheet.csv"
    assert main(["report", "attendance-sheet", "--period", "last-month", "--format", "csv",
                 "--out", str(out), "--db", sqlite_db.deskterm_url]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    rows = list(csv.reader(out.read_text("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Name", "1", "2"] and len(rows[0]) == 1 + 30 + 5
    li = next(row for row in rows if row[0] == "李静")
    weekdays = sum(1 for d in NOVEMBER if d.weekday() < 5)
    assert li[9] == "B" and li[1] == "" and li.count(".") == weekdays - 1
    assert li[31:] == ["1", "0", "0", "1", "1"]
    assert rows[-1][0] == "Total"
    assert main(["report", "work-weekly", "--period", "2026-11", "--db",
                 sqlite_db.deskterm_url]) == 2
    assert "week" in capsys.readouterr().err
