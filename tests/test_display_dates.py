"""Days, weekdays and relative times follow the desk's language (issue #6): ``day_label``,
``long_day`` and ``ago`` in deskterm/display.py, in English and in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from deskterm.display import ago, arrow_locale, day_label, long_day, when
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


# --- where the screens use them ---------------------------------------------------------

def history(*rows: tuple[str, dt.datetime]) -> tuple:
    from deskterm.duties.repairs.order_view import HistoryLine

    return tuple(HistoryLine(at=at, who="李静", action=action, what="") for action, at in rows)


def test_order_and_complaint_titles_say_how_long_ago():
    from types import SimpleNamespace

    from deskterm.screens.repairs import complaint_detail, order_detail

    made = NOW - dt.timedelta(hours=3)
    order = SimpleNamespace(number="WX-202611-0042", registered_at=made,
                            history=history(("create", made)))
    complaint = SimpleNamespace(number="TS-202611-001", received_at=made,
                                history=history(("create", made)))
    assert order_detail.title_text(order, NOW) == (
        "Repair order WX-202611-0042 · registered 3 hours ago")
    assert complaint_detail.title_text(complaint, NOW) == (
        "Complaint TS-202611-001 · received 3 hours ago")
    # Only the first record: no "updated".
    assert order_detail.history_label(order, NOW) == "History"
    assert complaint_detail.history_label(complaint, NOW) == "History"
    later = history(("create", made), ("dispatch", NOW - dt.timedelta(minutes=35)))
    order.history = complaint.history = later
    assert order_detail.history_label(order, NOW) == "History · updated 35 minutes ago"
    assert complaint_detail.history_label(complaint, NOW) == "History · updated 35 minutes ago"
    set_language("zh_CN")
    assert order_detail.title_text(order, NOW).endswith("3小时前登记")
    assert order_detail.history_label(order, NOW).endswith("35分钟前更新")
    assert complaint_detail.title_text(complaint, NOW).endswith("3小时前受理")


def test_day_headers_of_the_morning_view_and_the_handover(frozen_clock):
    from deskterm.duties.repairs.morning import MorningView, UnfinishedItems
    from deskterm.screens.repairs import morning_view
    from deskterm.screens.shift import handover as handover_screen

    frozen_clock("2026-11-26T02:05:00")  # Thursday 10:05 in Shanghai
    tz = "Asia/Shanghai"
    view = MorningView(dt.date(2026, 11, 25), UnfinishedItems(3, ()))
    assert morning_view.title_text(view, "yesterday", 3) == "Yesterday, Wed 11-25: 3 unfinished"
    assert handover_screen.title_text("翠湖管理处", tz) == "Handover — 翠湖管理处 · Thu 11-26"
    # A long office name is cut, never the day.
    long = handover_screen.title_text("非凡物业" * 20, tz)
    assert cell_len(long) <= handover_screen.TITLE_WIDTH and long.endswith("… · Thu 11-26")
    set_language("zh_CN")
    assert morning_view.title_text(view, "yesterday", 3).startswith("昨天（11-25 周三）")
    long = handover_screen.title_text("非凡物业" * 20, tz)
    assert cell_len(long) <= handover_screen.TITLE_WIDTH and long.endswith(" · 11-26 周四")


def test_fee_summary_day_rows_fit_with_their_weekday_and_reversals(chinese):
    from deskterm.screens.cashdesk.fee_summary import DAY

    for day in (FRIDAY + dt.timedelta(days=n) for n in range(7)):
        assert cell_len(day_label(day) + " ↺1") <= DAY["label"]


@pytest.mark.parametrize(("moment", "shown"), [
    (dt.datetime(2026, 11, 27, 6, 0), "14:00"),            # today, office time
    (dt.datetime(2026, 11, 26, 15, 40), "11-26 23:40"),    # last evening
    (dt.datetime(2026, 11, 27, 16, 30), "11-28 00:30"),    # after midnight
    (dt.datetime(2025, 12, 30, 1, 0), "2025-12-30 09:00"),  # another year
    (None, "—"),
])
def test_a_time_carries_its_day_unless_it_is_today(moment, shown):
    """Issue #13 item 9: every time shown that is not today's says which day."""
    assert when(moment, "Asia/Shanghai", NOW) == shown
