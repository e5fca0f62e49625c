"""The manager's "Wrong PINs" report (F9, ``deskterm report wrong-pins``): every wrong PIN
of the period, whose, for what, who was at the desk and whether it locked the PIN; on
SQLite and PostgreSQL, checked against the refusals made here through the PIN checks."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from deskterm.db import changes
from deskterm.db.models import ChangeLog
from deskterm.duties.pin_checks import MAX_FAILURES, check_pin
from deskterm.duties.reporting.reports import REPORTS, report_table
from deskterm.errors import DutyError
from deskterm.export import export_table
from tests.factories import PIN, small_office

NOVEMBER_9 = dt.datetime(2026, 11, 9, 1, 30)  # Monday 09:30 in Shanghai
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def wrong(office, person, purpose, *, at_desk=None, pin="9999"):
    with pytest.raises(DutyError):
        check_pin(office, person, pin, purpose, at_desk=at_desk)


@pytest.fixture
def guesses(desk_db, frozen_clock):
    """In November: the supervisor's PIN guessed five times at a void (locked), once more
    while locked (not checked: no row), the clerk's once at the handover; a good PIN; an
    October guess; a refusal written before purposes were kept; another office's guess."""
    frozen_clock(dt.datetime(2026, 10, 30, 2, 0))
    so = small_office()
    other = small_office("别的管理处")
    wrong(so.office, so.clerk, "sign_in")  # October: outside the period
    frozen_clock(NOVEMBER_9)
    for n in range(MAX_FAILURES):
        frozen_clock(NOVEMBER_9 + n * MINUTE)
        wrong(so.office, so.supervisor, "void", at_desk=so.clerk)
    wrong(so.office, so.supervisor, "void", at_desk=so.clerk, pin=PIN)  # locked: no row
    frozen_clock(NOVEMBER_9 + DAY)
    wrong(so.office, so.clerk, "handover", at_desk=so.clerk)
    check_pin(so.office, so.clerk, PIN, "sign_in")  # good: not listed
    with changes.write():  # as the sign-in recorded a refusal before this report
        changes.record("staff", so.clerk.id, "pin_refused", office=so.office, staff=so.clerk)
    wrong(other.office, other.supervisor, "approval")
    frozen_clock(dt.datetime(2026, 12, 2, 4, 0))
    return so


def test_every_wrong_pin_of_the_month_with_what_it_was_for(guesses):
    so = guesses
    table = report_table(so.office, "wrong-pins", "2026-11")
    assert table.name == "wrong-pins" and table.title == "Wrong PINs"
    assert [c.title for c in table.columns] == [
        "When", "Whose PIN", "Role", "For what", "Who was at the desk", "Wrong in a row",
        "Locked out"]
    assert table.totals is None
    shanghai = dt.timedelta(hours=8)
    assert table.rows == (
        *((NOVEMBER_9 + n * MINUTE + shanghai, "刘芳", "supervisor", "voiding a receipt",
           "李静", n + 1, "yes" if n + 1 == MAX_FAILURES else "no")
          for n in range(MAX_FAILURES)),
        (NOVEMBER_9 + DAY + shanghai, "李静", "clerk", "the handover", "李静", 1, "no"),
        (NOVEMBER_9 + DAY + shanghai, "李静", "clerk", None, None, None, None),
    )
    # The rows are the change log's refusals of the office in the month, no more.
    assert len(table.rows) == ChangeLog.select().where(
        (ChangeLog.action == "pin_refused") & (ChangeLog.office == so.office)
        & (ChangeLog.at >= table.period.start) & (ChangeLog.at < table.period.end)).count()


def test_periods_like_the_other_staff_reports(guesses):
    so = guesses
    assert REPORTS["wrong-pins"].kinds == ("week", "month", "range")
    week = report_table(so.office, "wrong-pins", "2026-11-09..2026-11-15")
    assert len(week.rows) == MAX_FAILURES + 2
    monday = report_table(so.office, "wrong-pins", "2026-11-09..2026-11-09")
    assert len(monday.rows) == MAX_FAILURES
    october = report_table(so.office, "wrong-pins", "2026-10")
    assert [(row[1], row[3]) for row in october.rows] == [("李静", "signing in")]
    assert report_table(so.office, "wrong-pins").period.label == "2026-12"  # this month
    assert report_table(so.office, "wrong-pins").rows == ()


def test_the_report_exports(guesses, tmp_path):
    table = report_table(guesses.office, "wrong-pins", "2026-11")
    path = export_table(table, "csv", tmp_path)
    rows = list(csv.reader(path.read_text("utf-8-sig").splitlines()))
    assert rows[0][:2] == ["When", "Whose PIN"]
    assert rows[1] == ["2026-11-09 09:30", "刘芳", "supervisor", "voiding a receipt", "李静",
                       "1", "no"]
    assert len(rows) == 1 + MAX_FAILURES + 2
