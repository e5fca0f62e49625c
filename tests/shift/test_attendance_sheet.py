"""The supervisor's view of today and the monthly attendance sheet, on-duty table and
department ranking [5.7][7.4.14], read from the events as corrected, including rows written
the way the demo writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Assessment, AttendanceEvent, DeadlineDone, Staff
from deskterm.duties.agenda.deadlines import deadlines_on
from deskterm.duties.shift import attendance as att
from deskterm.duties.shift import attendance_sheet as sheet
from deskterm.errors import DutyError
from tests.factories import PIN, _pin_hash, small_office
from tests.shift.test_attendance import utc

DAY = dt.date(2026, 11, 26)


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(utc("08:00"))
    office = small_office()
    with changes.write():
        office.clerk2 = Staff.create(office=office.office, name="王敏", role="clerk",
                                     pin_hash=_pin_hash(), created_at=now_utc())
        office.manager = Staff.create(office=office.office, name="赵敏", role="manager",
                                      pin_hash=_pin_hash(), created_at=now_utc())
    return office


def demo_row(so, person, day, hhmm, kind, slot, late=0, reason=""):
    """A row as deskterm/demo/shift.py writes it (bulk, recorded by the person)."""
    with changes.write():
        return AttendanceEvent.create(office=so.office, staff=person, at=utc(hhmm, day),
                                      kind=kind, slot=slot, minutes_late=late, reason=reason,
                                      recorded_by=person)


def test_today_shows_who_is_in_late_on_leave_absent_not_yet_in(so, frozen_clock):
    frozen_clock(utc("08:10"))
    att.sign(so.office, so.clerk.id, PIN)
    frozen_clock(utc("08:31"))
    att.sign(so.office, so.supervisor.id, PIN)
    att.record_leave(so.office, so.supervisor.id, PIN, so.clerk2.id, DAY, "年假")
    frozen_clock(utc("09:00"))
    rows = {r.name: r for r in sheet.today_rows(so.office)}
    assert set(rows) == {"李静", "王敏", "刘芳"}  # clerks and the supervisor, not the manager
    assert rows["李静"].status == "in" and rows["李静"].times == {"morning_in": "08:10"}
    assert (rows["刘芳"].status, rows["刘芳"].late) == ("late", 11)
    assert (rows["王敏"].status, rows["王敏"].note) == ("leave", "年假")
    frozen_clock(utc("12:05"))
    att.sign(so.office, so.clerk.id, PIN)
    att.record_leave(so.office, so.manager.id, PIN, so.clerk2.id, DAY + dt.timedelta(1),
                     "病假")
    rows = {r.name: r for r in sheet.today_rows(so.office)}
    assert rows["李静"].status == "lunch"
    with changes.write():
        nobody = Staff.create(office=so.office, name="陈新", role="clerk", created_at=now_utc())
    assert {r.name: r.status for r in sheet.today_rows(so.office)}["陈新"] == "not_in"
    frozen_clock(utc("18:00"))
    assert {r.name: r.status for r in sheet.today_rows(so.office)}["陈新"] == "not_signed"
    assert nobody.id


def test_demo_rows_read_as_the_demo_meant(so, frozen_clock):
    day = dt.date(2026, 11, 24)
    demo_row(so, so.clerk, day, "08:30", "sign_in", "morning_in", late=11)
    demo_row(so, so.clerk, day, "12:03", "sign_out", "lunch_out")
    demo_row(so, so.clerk, day, "13:20", "sign_in", "afternoon_in")
    demo_row(so, so.clerk, day, "17:35", "sign_out", "evening_out")
    demo_row(so, so.clerk2, day, "08:00", "leave", "desk", reason="调休")
    person = att.people_days(so.office, day)[so.clerk.id]
    assert (person.late, person.early, person.present) == (11, 0, False)
    codes = {r.name: r.codes[day.day - 1] for r in sheet.month_sheet(so.office, "2026-11").rows}
    assert codes == {"李静": "late", "王敏": "leave", "刘芳": ""}


def test_month_sheet_codes_figures_and_ranking(so, frozen_clock):
    frozen_clock(utc("20:00", dt.date(2026, 12, 2)))
    for day in (dt.date(2026, 11, d) for d in range(2, 7)):  # Mon 2nd to Fri 6th
        for person in (so.clerk, so.clerk2, so.supervisor):
            demo_row(so, person, day, "08:10", "sign_in", "morning_in")
            demo_row(so, person, day, "17:40", "sign_out", "evening_out")
    wrong = demo_row(so, so.clerk, dt.date(2026, 11, 9), "08:35", "sign_in", "morning_in",
                     late=15)
    demo_row(so, so.clerk, dt.date(2026, 11, 9), "17:00", "sign_out", "evening_out", late=30)
    demo_row(so, so.clerk2, dt.date(2026, 11, 9), "08:00", "absence", "desk", reason="未到")
    frozen_clock(utc("20:00", dt.date(2026, 12, 2)))
    with changes.write():
        for score in (90, 4):  # the demo's 100-point score and a new 1-5 one (80)
            Assessment.create(office=so.office, clerk=so.clerk2, supervisor=so.supervisor,
                              at=utc("10:00", dt.date(2026, 11, 20)), text="好", score=score)
    result = sheet.month_sheet(so.office, "2026-11")
    assert len(result.days) == 30
    rows = {r.name: r for r in result.rows}
    li = rows["李静"]
    assert li.codes[8] == "late_early" and li.codes[1] == "in" and li.codes[0] == ""
    assert (li.days_in, li.late_times, li.late_minutes, li.early_times, li.early_minutes) == (
        6, 1, 15, 1, 30)
    # 30 days: 21 weekdays (2nd-30th), 6 signed: 15 weekdays with no record at all
    assert li.missing == 15 and li.points == max(0, 100 - 4 - 75)
    wang = rows["王敏"]
    assert (wang.absent, wang.missing, wang.score) == (1, 15, 85)
    assert wang.points == round((max(0, 100 - 10 - 75) + 85) / 2)
    assert [r.name for r in result.ranking][0] == "王敏"
    assert li.rank == 2 and rows["刘芳"].rank == 3
    # a correction changes the sheet: the 9th's late sign-in was the clock's fault
    att.correct(so.office, so.supervisor.id, PIN, wrong.id, "钟慢了", time="08:15")
    assert {r.name: r for r in sheet.month_sheet(so.office, "2026-11").rows}[
        "李静"].codes[8] == "early"


def test_hand_sheet_proves_the_5th_deadline(so, frozen_clock):
    frozen_clock(utc("10:00", dt.date(2026, 12, 3)))
    with pytest.raises(DutyError) as caught:
        sheet.hand_sheet(so.office, so.clerk.id)
    assert caught.value.field == "by"
    with pytest.raises(DutyError) as caught:
        sheet.hand_sheet(so.office, so.supervisor.id, "2026-12")
    assert caught.value.field == "month"
    assert DeadlineDone.select().count() == 0
    done = sheet.hand_sheet(so.office, so.supervisor.id)
    assert (done.key, done.period) == ("attendance_sheet", "2026-11")
    with pytest.raises(DutyError):
        sheet.hand_sheet(so.office, so.manager.id, "2026-11")
    assert DeadlineDone.select().count() == 1
    state = {d.key: d.state for d in deadlines_on(so.office, dt.date(2026, 12, 5))}
    assert state["attendance_sheet"] == "done"
    assert sheet.month_sheet(so.office, "2026-11").handed_by == "刘芳"


@pytest.mark.parametrize("text", ["2026-13", "26-11", "", "十一月", "2026-11-05"])
def test_bad_months_are_refused(text):
    with pytest.raises(DutyError) as caught:
        sheet.parse_month(text)
    assert caught.value.field == "month"


@given(st.integers(1900, 9999), st.integers(1, 12), st.booleans(), st.booleans())
def test_parse_month_reads_what_it_writes(year, month, dash, wide):
    text = f"{year}-{month}" if dash else f"{year}{month:02d}"
    if wide:
        text = text.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert sheet.parse_month(text) == f"{year:04d}-{month:02d}"


@given(st.text(max_size=12))
def test_parse_month_never_crashes(text):
    try:
        result = sheet.parse_month(text)
    except DutyError:
        return
    assert len(result) == 7 and 1 <= int(result[5:]) <= 12


TODAY = dt.date(2026, 11, 26)


@given(st.dates(TODAY - dt.timedelta(days=366), TODAY + dt.timedelta(days=366)),
       st.sampled_from(["{y}-{m}-{d}", "{y}/{m:02d}/{d:02d}", "{m}-{d}"]), st.booleans())
def test_parse_day_reads_what_it_writes(day, pattern, wide):
    if pattern == "{m}-{d}" and day.year != TODAY.year:
        return
    text = pattern.format(y=day.year, m=day.month, d=day.day)
    if wide:
        text = text.translate(str.maketrans("0123456789-/", "０１２３４５６７８９－／"))
    assert att.parse_day(text, TODAY) == day


@given(st.text(max_size=14))
def test_parse_day_never_crashes(text):
    try:
        day = att.parse_day(text, TODAY)
    except DutyError as exc:
        assert exc.field == "day"
        return
    assert abs((day - TODAY).days) <= 366


@pytest.mark.parametrize("text", ["2-30", "2026-13-01", "2028-01-01", "明天", "11/27/2026"])
def test_bad_days_are_refused(text):
    with pytest.raises(DutyError):
        att.parse_day(text, TODAY)


def test_empty_day_is_today():
    assert att.parse_day("  ", TODAY) == TODAY
