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


def _a_void_today(frozen_clock):
    from deskterm.db import changes
    from deskterm.db.models import Payment, Receipt, ReceiptBook, ReceiptVoid
    from tests.factories import small_office

    now = frozen_clock("2026-11-26T02:05:00")  # 10:05 in Shanghai
    so = small_office()
    with changes.write():
        book = ReceiptBook.create(office=so.office, clerk=so.clerk, first_number=1,
                                  last_number=100, next_number=2, issued_at=now,
                                  issued_by=so.supervisor)
        paid = Payment.create(office=so.office, unit=so.unit, method="wechat", amount=12345,
                              taken_at=now, clerk=so.clerk)
        receipt = Receipt.create(office=so.office, book=book, number=1, payment=paid,
                                 issued_at=now, clerk=so.clerk, total=12345)
        reversal = Payment.create(office=so.office, unit=so.unit, method="wechat",
                                  amount=-12345, taken_at=now, clerk=so.clerk, reverses=paid)
        ReceiptVoid.create(office=so.office, receipt=receipt, reversal=reversal, reason="开错",
                           voided_at=now, voided_by=so.clerk, approved_by=so.supervisor)
    return so


@pytest.mark.parametrize(("language", "voided"), [("en", "1 voided"), ("zh_CN", "作废 1")])
async def test_the_cash_pane_keeps_its_voids_at_80_columns(sqlite_db, frozen_clock,
                                                           language, voided):
    from textual.widgets import Static

    from deskterm.widgets.panes import CashPane

    so = _a_void_today(frozen_clock)
    set_language(language)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        pane = app.dashboard.query_one(CashPane)
        lines = [pane.query_one(".pane-summary", Static), pane.query_one("#cash-detail")]

        def shown() -> str:
            return " ".join(str(line.content) for line in lines if line.display)

        await wait_until(pilot, lambda: voided in shown())
        for line in lines:
            assert cell_len(str(line.content)) <= line.content_size.width


def test_timeline_numbers_give_way_before_the_words():
    from deskterm.widgets.timeline_pane import short_numbers

    assert short_numbers("Callback WX-202611-0042 3-2-501") == "Callback WX-0042 3-2-501"
    assert short_numbers("预约 TS-TEST-0003 3-2-501 水") == "预约 TS-0003 3-2-501 水"


async def test_timeline_labels_use_the_pane_width(office):
    from deskterm.widgets.timeline_pane import TimelinePane

    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        table = app.dashboard.query_one(TimelinePane).table

        def labels() -> list[str]:
            return [str(table.get_row(key)[2]) for key in table.rows]

        # the callback's number short, so its unit is whole; nothing cut mid-word
        await wait_until(pilot, lambda: "Callback WX-0003 3-2-501" in labels())
        assert not any(label.endswith("-…") for label in labels())
