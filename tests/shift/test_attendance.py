"""Attendance at the desk [7.4.14], on SQLite and PostgreSQL: own-PIN signs per slot with
late and early from the schedule, leave and absence by the supervisor, corrections as new
rows, and a refusal stores nothing."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import AttendanceEvent, ChangeLog, Staff
from deskterm.duties.desk import sign_in as desk_sign_in
from deskterm.duties.pins import hash_pin
from deskterm.duties.shift import attendance as att
from deskterm.errors import DutyError
from tests.factories import PIN, _pin_hash, small_office

CLERK_HASH = hash_pin("8765")
DAY = dt.date(2026, 11, 26)  # a Thursday in winter: evening sign-out 17:30


def utc(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    """Shanghai ``hhmm`` on ``day`` as naive UTC."""
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m)) - dt.timedelta(hours=8)


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(utc("08:00"))
    office = small_office()
    with changes.write():
        office.manager = Staff.create(office=office.office, name="赵敏", role="manager",
                                      pin_hash=_pin_hash(), created_at=now_utc())
    return office


def events():
    return list(AttendanceEvent.select().order_by(AttendanceEvent.id))


def test_a_day_of_signs_with_late_and_early_computed(so, frozen_clock):
    clerk = so.clerk.id
    frozen_clock(utc("08:23") + dt.timedelta(seconds=40))
    mark = att.sign(so.office, clerk, PIN)
    assert (mark.slot, mark.minutes) == ("morning_in", 3)
    frozen_clock(utc("12:04"))
    assert att.sign(so.office, clerk, "１２３４").slot == "lunch_out"  # full-width PIN
    frozen_clock(utc("13:29"))
    assert att.sign(so.office, clerk, PIN).slot == "afternoon_in"
    frozen_clock(utc("17:20"))
    assert att.sign(so.office, clerk, PIN).minutes == 10  # 10 minutes early (winter 17:30)
    rows = [(e.kind, e.slot, e.minutes_late, e.staff_id, e.recorded_by_id) for e in events()]
    assert rows == [("sign_in", "morning_in", 3, clerk, clerk),
                    ("sign_out", "lunch_out", 0, clerk, clerk),
                    ("sign_in", "afternoon_in", 0, clerk, clerk),
                    ("sign_out", "evening_out", 10, clerk, clerk)]
    assert ChangeLog.select().where(ChangeLog.topic == "attendance_event").count() == 4
    person = att.people_days(so.office, DAY)[clerk]
    assert (person.late, person.early, person.present) == (3, 10, False)
    with pytest.raises(DutyError) as caught:
        att.sign(so.office, clerk, PIN)
    assert caught.value.field == "slot"


def test_summer_evening_is_18_00(so, frozen_clock):
    summer = dt.date(2026, 6, 10)
    frozen_clock(utc("08:10", summer))
    att.sign(so.office, so.clerk.id, PIN)
    frozen_clock(utc("17:45", summer))  # 17:45 is early in summer
    assert att.sign(so.office, so.clerk.id, PIN, "evening_out").minutes == 15
    frozen_clock(utc("08:12", summer))
    att.sign(so.office, so.supervisor.id, PIN)
    frozen_clock(utc("18:02", summer))
    assert att.sign(so.office, so.supervisor.id, PIN).minutes == 0


def test_the_desk_sign_in_counts_as_the_morning(so, frozen_clock):
    frozen_clock(utc("08:25"))
    desk_sign_in(so.office, so.clerk.id, PIN)
    person = att.people_days(so.office, DAY)[so.clerk.id]
    assert person.signs["morning_in"].minutes == 5 and person.present
    with pytest.raises(DutyError) as caught:
        att.sign(so.office, so.clerk.id, PIN, "morning_in")
    assert caught.value.field == "slot" and "08:25" in caught.value.message
    frozen_clock(utc("12:01"))
    assert att.sign(so.office, so.clerk.id, PIN).slot == "lunch_out"


@pytest.mark.parametrize(("when", "slot", "pin", "field"), [
    ("08:10", "morning_in", "9999", "pin"),
    ("08:10", "morning_in", "12", "pin"),
    ("11:59", "lunch_out", PIN, "slot"),  # lunch sign-out opens at 12:00
    ("08:10", "evening_out", PIN, "slot"),  # not signed in
    ("08:10", "coffee", PIN, "slot"),
])
def test_refusals_store_no_attendance(so, frozen_clock, when, slot, pin, field):
    frozen_clock(utc(when))
    with pytest.raises(DutyError) as caught:
        att.sign(so.office, so.clerk.id, pin, slot)
    assert caught.value.field == field
    assert events() == []


def test_nobody_signs_for_anybody_else(so, frozen_clock):
    frozen_clock(utc("08:10"))
    with pytest.raises(DutyError) as caught:
        att.sign(so.office, so.technician.id, PIN)
    assert caught.value.field == "staff"
    # the supervisor's PIN (1234) typed for the clerk, whose own is 8765, is refused
    Staff.update(pin_hash=CLERK_HASH).where(Staff.id == so.clerk.id).execute()
    with pytest.raises(DutyError) as caught:
        att.sign(so.office, so.clerk.id, PIN)
    assert caught.value.field == "pin"
    assert events() == []
    att.sign(so.office, so.clerk.id, "8765")
    assert [(e.staff_id, e.recorded_by_id) for e in events()] == [(so.clerk.id, so.clerk.id)]


def test_wrong_pins_lock_out_like_the_desk(so, frozen_clock):
    frozen_clock(utc("08:10"))
    for _ in range(5):
        with pytest.raises(DutyError):
            att.sign(so.office, so.clerk.id, "9999")
    with pytest.raises(DutyError) as caught:
        att.sign(so.office, so.clerk.id, PIN)
    assert "Too many" in caught.value.message
    assert events() == []


def test_second_sign_of_the_same_slot_and_out_of_order(so, frozen_clock):
    frozen_clock(utc("08:10"))
    att.sign(so.office, so.clerk.id, PIN)
    with pytest.raises(DutyError):
        att.sign(so.office, so.clerk.id, PIN, "morning_in")
    with pytest.raises(DutyError):  # still in: no afternoon sign-in without lunch out
        att.sign(so.office, so.clerk.id, PIN, "afternoon_in")
    frozen_clock(utc("16:00"))
    att.sign(so.office, so.clerk.id, PIN, "evening_out")
    with pytest.raises(DutyError):
        att.sign(so.office, so.clerk.id, PIN, "lunch_out")
    assert len(events()) == 2


def test_leave_and_absence_by_supervisor_or_manager_only(so, frozen_clock):
    frozen_clock(utc("09:00"))
    with pytest.raises(DutyError) as caught:
        att.record_leave(so.office, so.clerk.id, PIN, so.supervisor.id, DAY, "病假")
    assert caught.value.field == "by"
    with pytest.raises(DutyError) as caught:
        att.record_leave(so.office, so.supervisor.id, PIN, so.clerk.id, DAY, "  ")
    assert caught.value.field == "reason"
    with pytest.raises(DutyError) as caught:
        att.record_leave(so.office, so.supervisor.id, "9999", so.clerk.id, DAY, "病假")
    assert caught.value.field == "pin"
    assert events() == []
    mark = att.record_leave(so.office, so.supervisor.id, PIN, so.clerk.id, DAY, "病假 [b]x[/b]")
    row = AttendanceEvent.get_by_id(mark.id)
    assert (row.kind, row.reason, row.recorded_by_id, row.staff_id) == (
        "leave", "病假 [b]x[/b]", so.supervisor.id, so.clerk.id)
    with pytest.raises(DutyError):  # one leave or absence a day
        att.record_leave(so.office, so.manager.id, PIN, so.clerk.id, DAY, "旷工", "absence")
    att.sign(so.office, so.supervisor.id, PIN)
    with pytest.raises(DutyError) as caught:  # she is here: not absent
        att.record_leave(so.office, so.manager.id, PIN, so.supervisor.id, DAY, "x", "absence")
    assert caught.value.field == "staff"
    assert len(events()) == 2


def test_recorded_absent_cannot_sign(so, frozen_clock):
    frozen_clock(utc("10:00"))
    att.record_leave(so.office, so.manager.id, PIN, so.clerk.id, DAY, "无故未到", "absence")
    with pytest.raises(DutyError) as caught:
        att.sign(so.office, so.clerk.id, PIN)
    assert caught.value.field == "staff"


def test_a_correction_is_a_new_row_and_reads_as_corrected(so, frozen_clock):
    frozen_clock(utc("08:40"))
    wrong = att.sign(so.office, so.clerk.id, PIN)
    assert wrong.minutes == 20
    frozen_clock(utc("09:00"))
    with pytest.raises(DutyError) as caught:  # a clerk may not correct
        att.correct(so.office, so.clerk.id, PIN, wrong.id, "x", time="08:15")
    assert caught.value.field == "by"
    with pytest.raises(DutyError) as caught:
        att.correct(so.office, so.supervisor.id, PIN, wrong.id, "打卡机慢", time="09:30")
    assert caught.value.field == "time"  # still to come
    fixed = att.correct(so.office, so.supervisor.id, PIN, wrong.id, "打卡机慢", time="08:15")
    assert (fixed.kind, fixed.corrects_id, fixed.recorded_by_id, fixed.minutes_late,
            fixed.slot) == ("correction", wrong.id, so.supervisor.id, 0, "morning_in")
    original = AttendanceEvent.get_by_id(wrong.id)
    assert (original.at, original.minutes_late) == (utc("08:40"), 20)  # untouched
    person = att.people_days(so.office, DAY)[so.clerk.id]
    assert person.late == 0 and person.signs["morning_in"].corrected and person.present
    with pytest.raises(DutyError):  # corrected once: correct the correction
        att.correct(so.office, so.supervisor.id, PIN, wrong.id, "again", void=True)
    att.correct(so.office, so.manager.id, PIN, fixed.id, "不是她", void=True)
    person = att.people_days(so.office, DAY)[so.clerk.id]
    assert person.signs == {} and not person.present
    assert len(events()) == 3


def test_leave_can_only_be_struck_out(so, frozen_clock):
    frozen_clock(utc("09:00"))
    leave = att.record_leave(so.office, so.supervisor.id, PIN, so.clerk.id, DAY, "年假")
    with pytest.raises(DutyError) as caught:
        att.correct(so.office, so.supervisor.id, PIN, leave.id, "x", time="09:00")
    assert caught.value.field == "event"
    att.correct(so.office, so.supervisor.id, PIN, leave.id, "记错了", void=True)
    assert att.people_days(so.office, DAY)[so.clerk.id].leave is None
    att.record_leave(so.office, so.supervisor.id, PIN, so.clerk.id, DAY, "事假")
    assert att.people_days(so.office, DAY)[so.clerk.id].leave.reason == "事假"


def test_append_only_in_the_database(so, frozen_clock):
    frozen_clock(utc("08:10"))
    mark = att.sign(so.office, so.clerk.id, PIN)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the trigger's error differs by database
        with changes.write():
            AttendanceEvent.update(minutes_late=0).where(
                AttendanceEvent.id == mark.id).execute()


@pytest.mark.parametrize(("hhmm", "slot", "expected"), [
    ("08:20", "morning_in", 0), ("08:21", "morning_in", 1), ("07:50", "morning_in", 0),
    ("13:45", "afternoon_in", 15), ("17:30", "evening_out", 0), ("17:00", "evening_out", 30),
    ("11:50", "lunch_out", 10), ("19:00", "evening_out", 0),
])
def test_minutes_off_the_schedule(so, hhmm, slot, expected):
    assert att.minutes_off(so.office, slot, utc(hhmm)) == expected


def test_correcting_the_sign_and_the_time_recomputes_the_minutes(so, frozen_clock):
    frozen_clock(utc("08:10"))
    att.sign(so.office, so.clerk.id, PIN)
    frozen_clock(utc("12:10"))
    wrong = att.sign(so.office, so.clerk.id, PIN, "evening_out")  # meant lunch
    assert wrong.minutes == 320
    frozen_clock(utc("12:30"))
    with pytest.raises(DutyError) as caught:  # a sign-out stays a sign-out
        att.correct(so.office, so.supervisor.id, PIN, wrong.id, "x", slot="afternoon_in")
    assert caught.value.field == "slot"
    with pytest.raises(DutyError) as caught:  # nothing changed
        att.correct(so.office, so.supervisor.id, PIN, wrong.id, "x")
    assert caught.value.field == "time"
    fixed = att.correct(so.office, so.supervisor.id, PIN, wrong.id, "点错了", slot="lunch_out",
                        time="12:05")
    assert (fixed.slot, fixed.at, fixed.minutes_late) == ("lunch_out", utc("12:05"), 0)
    person = att.people_days(so.office, DAY)[so.clerk.id]
    assert set(person.signs) == {"morning_in", "lunch_out"} and person.early == 0
    frozen_clock(utc("13:20"))
    assert att.sign(so.office, so.clerk.id, PIN).slot == "afternoon_in"


def test_another_offices_people_and_rows_are_refused(so, frozen_clock):
    frozen_clock(utc("08:10"))
    other = small_office("别处管理处")
    with pytest.raises(DutyError) as caught:
        att.sign(so.office, other.clerk.id, PIN)
    assert caught.value.field == "staff"
    theirs = att.sign(other.office, other.clerk.id, PIN)
    with pytest.raises(DutyError) as caught:
        att.correct(so.office, so.supervisor.id, PIN, theirs.id, "x", void=True)
    assert caught.value.field == "event"
    with pytest.raises(DutyError) as caught:
        att.record_leave(so.office, so.supervisor.id, PIN, other.clerk.id, DAY, "x")
    assert caught.value.field == "staff"
    assert [e.office_id for e in events()] == [other.office.id]


SIGN_SCRIPT = r"""
import os, sys, time
from deskterm.db.connection import open_database
from deskterm.db.models import Office
from deskterm.duties.shift.attendance import sign
from deskterm.errors import DutyError

url, office_id, staff_id, go = sys.argv[1:]
open_database(url)
office = Office.get_by_id(int(office_id))
open(f"{go}.ready.{os.getpid()}", "w").close()
while not os.path.exists(go):
    time.sleep(0.002)
try:
    sign(office, int(staff_id), "1234", "morning_in")
    print("signed")
except DutyError as exc:
    print("refused", exc.field)
"""


def test_two_desks_signing_the_same_slot_at_once_store_one(so, desk_db, tmp_path):
    """The same person at two terminals at the same instant: one sign, one refusal."""
    go = tmp_path / "go"
    env = dict(os.environ, DESKTERM_NOW=utc("08:12").isoformat(), DESKTERM_LANG="en",
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    procs = [subprocess.Popen(
        [sys.executable, "-c", SIGN_SCRIPT, desk_db.deskterm_url, str(so.office.id),
         str(so.clerk.id), str(go)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for _ in range(2)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready.*"))) < 2:
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(out.strip().splitlines()[-1])
    assert sorted(results) == ["refused slot", "signed"]
    assert [(e.slot, e.staff_id) for e in events()] == [("morning_in", so.clerk.id)]
