"""A report's period from words (deskterm.duties.reporting.report_period): office-local weeks, months
and ranges of days; anything else a DutyError on "period", never another exception."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.duties.reporting.report_period import report_period
from deskterm.errors import DutyError

OFFICE = SimpleNamespace(timezone="Asia/Shanghai")
NOW = dt.datetime(2026, 11, 26, 2, 5)  # Thursday 26 November, 10:05 in Shanghai
LATE = dt.datetime(2026, 11, 30, 17, 0)  # Tuesday 1 December 01:00 in Shanghai, UTC still Nov


def period(words, now=NOW):
    return report_period(OFFICE, words, now=now)


@pytest.mark.parametrize(("words", "kind", "first", "last", "label"), [
    ("this-week", "week", "2026-11-23", "2026-11-29", "2026-11-23..2026-11-29"),
    ("last-week", "week", "2026-11-16", "2026-11-22", "2026-11-16..2026-11-22"),
    ("this-month", "month", "2026-11-01", "2026-11-30", "2026-11"),
    (" Last-Month ", "month", "2026-10-01", "2026-10-31", "2026-10"),
    ("2026-02", "month", "2026-02-01", "2026-02-28", "2026-02"),
    ("２０２６-１１", "month", "2026-11-01", "2026-11-30", "2026-11"),
    ("2026-11-01..2026-11-15", "range", "2026-11-01", "2026-11-15",
     "2026-11-01..2026-11-15"),
    ("2026-11-05..2026-11-05", "range", "2026-11-05", "2026-11-05", "2026-11-05..2026-11-05"),
    ("2026-11-23..2026-11-29", "week", "2026-11-23", "2026-11-29", "2026-11-23..2026-11-29"),
    ("2026-11-01..2026-11-30", "month", "2026-11-01", "2026-11-30", "2026-11"),
])
def test_the_words_a_period_is_given_as(words, kind, first, last, label):
    got = period(words)
    assert (got.kind, got.first.isoformat(), got.last.isoformat(), got.label) == (
        kind, first, last, label)
    # office-local days: Shanghai midnight is 16:00 UTC the day before
    assert got.start == dt.datetime.combine(got.first, dt.time(16)) - dt.timedelta(days=1)
    assert got.end == dt.datetime.combine(got.last, dt.time(16))
    assert len(got.days) == (got.last - got.first).days + 1


def test_this_month_is_the_offices_not_utcs():
    assert period("this-month", LATE).label == "2026-12"
    assert period("last-month", LATE).label == "2026-11"
    assert period("this-week", LATE).first == dt.date(2026, 11, 30)
    assert period("last-month", dt.datetime(2026, 1, 10)).label == "2025-12"


def test_the_slug_names_a_file():
    assert period("2026-11").slug == "2026-11"
    assert period("last-week").slug == "2026-11-16_2026-11-22"


@pytest.mark.parametrize("words", [
    "", None, "yesterday", "2026-13", "2026-00", "1999-12", "2100-01", "2026-11-31..2026-12-01",
    "2026-11-15..2026-11-01", "2026-01-01..2027-06-01", "2026-11-01..", "..2026-11-01",
    "2026-11-01...2026-11-02", "2026/11", "x" * 500,
])
def test_anything_else_is_refused_on_the_period_field(words):
    with pytest.raises(DutyError) as refused:
        period(words)
    assert refused.value.field == "period" and refused.value.message


@given(st.one_of(
    st.text(max_size=40),
    st.builds(lambda a, b: f"{a}..{b}", st.dates(), st.dates()),
    st.builds(lambda y, m: f"{y}-{m}", st.integers(-5, 10000), st.integers(-5, 99)),
    st.from_regex(r"\d{1,5}-\d{1,3}(-\d{1,3})?(\.\.\d{1,5}-\d{1,3}-\d{1,3})?", fullmatch=True),
))
def test_it_never_raises_anything_but_a_duty_error(words):
    try:
        got = period(words)
    except DutyError as refused:
        assert refused.field == "period"
    else:
        assert got.first <= got.last and got.start < got.end


@pytest.mark.parametrize(("words", "by", "label"), [
    ("2026-11", -1, "2026-10"),
    ("2026-01", -1, "2025-12"),
    ("2026-12", 1, "2027-01"),
    ("this-week", -1, "2026-11-16..2026-11-22"),
    ("this-week", 2, "2026-12-07..2026-12-13"),
    ("2026-11-01..2026-11-10", 1, "2026-11-11..2026-11-20"),
    ("2026-11-05..2026-11-05", -1, "2026-11-04..2026-11-04"),
])
def test_a_period_steps_to_the_one_before_or_after(words, by, label):
    from deskterm.duties.reporting.report_period import shifted_words

    moved = period(shifted_words(period(words), by))
    assert moved.label == label
    assert moved.kind == period(words).kind


@pytest.mark.parametrize(("words", "same"), [("本周", "this-week"), ("上周", "last-week"),
                                             ("本月", "this-month"), (" 上月 ", "last-month")])
def test_the_office_may_say_the_period_in_chinese(words, same):
    assert period(words) == period(same)
