"""The supervisor's written assessments of clerks [5.9], on SQLite and PostgreSQL: who may
write one, the optional 1-5 score, this week's count per clerk and who is short, the
calendar's proof, and bad input storing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.db import changes
from deskterm.db.models import Assessment, ChangeLog, Staff
from deskterm.duties.agenda import deadlines
from deskterm.duties.shift.assessments import (
    WEEKLY_MINIMUM,
    assessments_of,
    parse_score,
    week_counts,
    write_assessment,
)
from deskterm.errors import DutyError
from tests.factories import small_office

NOW = "2026-11-26T02:05:00"  # Thursday 26 November 2026 (2026-W48), 10:05 in Shanghai
TODAY = dt.date(2026, 11, 26)


def refused(call, field):
    before = (Assessment.select().count(), ChangeLog.select().count())
    with pytest.raises(DutyError) as caught:
        call()
    assert caught.value.field == field
    assert before == (Assessment.select().count(), ChangeLog.select().count())


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    with changes.write():
        so.second = Staff.create(office=so.office, name="王敏", role="clerk",
                                 created_at=so.office.created_at)
        so.manager = Staff.create(office=so.office, name="陈经理", role="manager",
                                  created_at=so.office.created_at)
    return so


def test_a_supervisor_writes_one(office):
    row = write_assessment(office.office, office.supervisor, office.clerk,
                           text="  接听电话用语规范 [b]好[/b]\n回访及时 ", score="4")
    stored = Assessment.get_by_id(row.id)
    assert (stored.clerk_id, stored.supervisor_id, stored.score) == (
        office.clerk.id, office.supervisor.id, 4)
    assert stored.text == "接听电话用语规范 [b]好[/b]\n回访及时"
    assert stored.at == dt.datetime(2026, 11, 26, 2, 5)
    assert ChangeLog.select().where(ChangeLog.topic == "assessment").count() == 1
    write_assessment(office.office, office.manager, office.clerk.id, text="好", score="")
    rows = assessments_of(office.office, office.clerk)
    assert [r.score for r in rows] == [None, 4] or [r.score for r in rows] == [4, None]
    assert {r.supervisor for r in rows} == {"刘芳", "陈经理"}


def test_only_a_supervisor_or_manager_writes_and_only_about_a_clerk(office):
    refused(lambda: write_assessment(office.office, office.clerk, office.second, text="x"),
            "supervisor")
    refused(lambda: write_assessment(office.office, office.supervisor, office.technician,
                                     text="x"), "clerk")
    refused(lambda: write_assessment(office.office, office.supervisor, None, text="x"),
            "clerk")
    other = small_office("另一个管理处")
    refused(lambda: write_assessment(office.office, office.supervisor, other.clerk,
                                     text="x"), "clerk")
    refused(lambda: write_assessment(office.office, other.supervisor, office.clerk,
                                     text="x"), "supervisor")


def test_bad_text_or_score_stores_nothing(office):
    refused(lambda: write_assessment(office.office, office.supervisor, office.clerk,
                                     text="   "), "text")
    refused(lambda: write_assessment(office.office, office.supervisor, office.clerk,
                                     text="x" * 2001), "text")
    for score in ("0", "6", "92", "4.5", "a", -1, True):
        refused(lambda s=score: write_assessment(office.office, office.supervisor,
                                                 office.clerk, text="好", score=s), "score")


def test_this_weeks_count_says_who_is_short(office, frozen_clock):
    counts = {c.name: (c.count, c.short) for c in week_counts(office.office)}
    assert counts == {"李静": (0, 2), "王敏": (0, 2)}
    deadline = next(d for d in deadlines.deadlines_on(office.office, dt.date(2026, 11, 27))
                    if d.key == "assessments")
    assert not deadlines.is_done(office.office, deadline)
    frozen_clock("2026-11-22T15:00:00")  # Sunday 23:00: last week, not counted
    write_assessment(office.office, office.supervisor, office.clerk, text="上周")
    frozen_clock("2026-11-22T16:30:00")  # Monday 00:30 in Shanghai: this week
    write_assessment(office.office, office.supervisor, office.clerk, text="周一")
    frozen_clock(NOW)
    write_assessment(office.office, office.supervisor, office.clerk, text="周四")
    write_assessment(office.office, office.supervisor, office.second, text="周四", score=5)
    weeks = week_counts(office.office)
    counts = {c.name: (c.count, c.short) for c in weeks}
    assert counts == {"李静": (WEEKLY_MINIMUM, 0), "王敏": (1, 1)}
    last = {c.name: c.last_at for c in weeks}
    assert last["李静"] == dt.datetime(2026, 11, 26, 2, 5)
    assert deadlines.is_done(office.office, deadline)
    # An inactive clerk is not asked for.
    Staff.update(active=False).where(Staff.id == office.second.id).execute()
    assert [c.name for c in week_counts(office.office)] == ["李静"]


def test_demo_scores_are_read_as_stored(office):
    with changes.write():
        Assessment.create(office=office.office, clerk=office.clerk,
                          supervisor=office.supervisor, at=dt.datetime(2026, 11, 20, 8),
                          text="收费准确", score=92)
    assert assessments_of(office.office, office.clerk)[0].score == 92


@given(st.integers(min_value=1, max_value=5))
def test_scores_one_to_five_parse(number):
    assert parse_score(str(number)) == number
    assert parse_score(f" {number} ") == number
    assert parse_score(chr(0xFF10 + number)) == number
    assert parse_score(number) == number


@given(st.text(max_size=6))
def test_parse_score_refuses_with_the_field(text):
    try:
        value = parse_score(text)
    except DutyError as exc:
        assert exc.field == "score"
    else:
        assert value is None or 1 <= value <= 5
