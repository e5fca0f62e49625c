"""Days, weekdays and relative times follow the desk's language (issue #6): ``day_label``,
``long_day`` and ``ago`` in deskterm/display.py, in English and in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from deskterm.display import ago, arrow_locale, day_label, long_day
from deskterm.i18n import current_language, set_language

FRIDAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 9, 0)


@pytest.fixture
def chinese():
    before = current_language()
    set_language("zh_CN")
    yield
    set_language(before)


def test_the_locale_follows_the_language(chinese):
    assert arrow_locale() == "zh"
    set_language("en")
    assert arrow_locale() == "en"


def test_day_label_in_english():
    assert day_label(FRIDAY) == "Fri 11-27"
    assert day_label(dt.date(2026, 11, 29)) == "Sun 11-29"
    assert day_label(dt.date(2027, 1, 4)) == "Mon 01-04"


def test_day_label_in_chinese(chinese):
    assert day_label(FRIDAY) == "11-27 周五"
    assert day_label(dt.date(2026, 11, 29)) == "11-29 周日"
    assert day_label(dt.date(2027, 1, 4)) == "01-04 周一"


def test_day_label_takes_a_datetime_too():
    assert day_label(dt.datetime(2026, 11, 27, 23, 59)) == "Fri 11-27"


def test_long_day_in_english():
    assert long_day(FRIDAY) == "Friday 27 November 2026"
    assert long_day(dt.date(2027, 1, 4)) == "Monday 4 January 2027"


def test_long_day_in_chinese(chinese):
    assert long_day(FRIDAY) == "2026年11月27日 星期五"
    assert long_day(dt.date(2027, 1, 4)) == "2027年1月4日 星期一"


@pytest.mark.parametrize(("before", "english", "chinese_text"), [
    (dt.timedelta(seconds=5), "just now", "刚才"),
    (dt.timedelta(minutes=35), "35 minutes ago", "35分钟前"),
    (dt.timedelta(hours=3), "3 hours ago", "3小时前"),
    (dt.timedelta(days=3), "3 days ago", "3天前"),
])
def test_ago_in_both_languages(before, english, chinese_text):
    assert ago(NOW - before, NOW) == english
    set_language("zh_CN")
    assert ago(NOW - before, NOW) == chinese_text
    set_language("en")
    assert ago(NOW - before, NOW) == english


def test_ago_of_a_moment_to_come():
    assert ago(NOW + dt.timedelta(hours=2), NOW) == "in 2 hours"
    set_language("zh_CN")
    assert ago(NOW + dt.timedelta(hours=2), NOW) == "2小时后"


def test_the_language_is_read_at_each_call():
    """Switching the language changes the next label: nothing is cached at import."""
    assert day_label(FRIDAY) == "Fri 11-27"
    set_language("zh_CN")
    assert day_label(FRIDAY) == "11-27 周五"
    set_language("en")
    assert day_label(FRIDAY) == "Fri 11-27"


@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
       language=st.sampled_from(["en", "zh_CN"]))
def test_day_label_is_at_most_ten_cells_and_keeps_the_date(day, language):
    set_language(language)
    try:
        label = day_label(day)
        assert cell_len(label) <= 10
        assert f"{day:%m-%d}" in label
        assert str(day.year) in long_day(day)
    finally:
        set_language("en")
