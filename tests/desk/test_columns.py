"""80 columns: the status line's next deadline in a form that fits, never a word cut;
pane summaries and timeline labels in the width they have (issue #13, item 9)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from deskterm.display import cut_at_word, fullest
from deskterm.i18n import set_language
from deskterm.widgets.status_line import choose
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, busy_morning

FIRSTS = ("17:00 Deposit", "17:00")
SOONS = ("soon: 17:30 Fee summary", "17:30 Fee summary", "soon: 17:30")


@pytest.mark.parametrize(("width", "shown"), [
    (60, "17:00 Deposit · soon: 17:30 Fee summary"),
    (33, "17:00 Deposit · 17:30 Fee summary"),
    (27, "17:00 Deposit · soon: 17:30"),
    (20, "17:00 Deposit"),
    (8, "17:00"),
])
def test_the_next_deadline_keeps_its_words_before_the_soon_one(width, shown):
    assert choose(FIRSTS, SOONS, width) == shown


def test_chinese_forms_count_two_cells_a_character():
    firsts = ("17:30 日清记录表", "17:30")
    soons = ("将到：17:30 收费汇总", "17:30 收费汇总")
    assert choose(firsts, soons, 40) == "17:30 日清记录表 · 将到：17:30 收费汇总"
    assert choose(firsts, soons, 33) == "17:30 日清记录表 · 17:30 收费汇总"
    assert choose(firsts, soons, 20) == "17:30 日清记录表"
    assert choose(firsts, soons, 12) == "17:30"


def test_what_does_not_fit_loses_whole_words():
    assert cut_at_word("17:00 Deposit the day's cash", 16) == "17:00 Deposit…"
    assert cut_at_word("日清记录表 已交", 12) == "日清记录表…"
    assert fullest(("a long summary line", "short one"), 10) == "short one"
    assert fullest("fits", 10) == "fits"


@pytest.fixture
def office(sqlite_db, frozen_clock):
    frozen_clock(MORNING)  # Thursday 26 November: the month's fee summary due today
    return busy_morning("电梯异响")


@pytest.mark.parametrize(("language", "size", "shown"), [
    ("en", (80, 24), "17:00 Deposit · 17:30 Fee summary"),
    ("zh_CN", (80, 24), "17:00 存银行 · 将到：17:30 收费汇总"),
    ("en", (64, 24), "17:00 Deposit"),
    ("zh_CN", (60, 24), "17:00 存银行"),
])
async def test_the_status_line_shows_a_form_that_fits(office, language, size, shown):
    from textual.widgets import Static

    set_language(language)
    app = desk_app(office, watch=False)
    async with app.run_test(size=size) as pilot:
        await panes_loaded(pilot)
        line = app.dashboard.query_one("#status-deadline", Static)
        await wait_until(pilot, lambda: str(line.content) == shown)
        assert "…" not in str(line.content)
        assert cell_len(str(line.content)) <= line.content_size.width
