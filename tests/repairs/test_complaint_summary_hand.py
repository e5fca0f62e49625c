"""Handing the month's complaint summary over (deskterm.duties.repairs.complaint_summary_hand)
[6.7][7.4.16]: the duty on SQLite and PostgreSQL, and `h` on the summary screen at 80x24."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.clock import to_utc
from deskterm.db.models import DeadlineDone
from deskterm.duties.agenda.deadlines import deadlines_on
from deskterm.duties.repairs.complaint_summary_hand import hand_complaint_summary, handed
from deskterm.errors import DutyError
from tests.factories import small_office

MON = dt.date(2026, 11, 30)  # the month's last day
NOW = to_utc(dt.datetime(2026, 11, 30, 15, 0), "Asia/Shanghai")


def refused(call, field: str) -> None:
    with pytest.raises(DutyError) as caught:
        call()
    assert caught.value.field == field, caught.value.message


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(NOW)
    return small_office()


def state(so) -> str:
    return next(d.state for d in deadlines_on(so.office, MON) if d.key == "complaint_summary")


def test_handing_the_summary_proves_the_month_end(so):
    assert state(so) == "due"
    row = hand_complaint_summary(so.office, so.clerk, "２０２６年１１月", note="交经理")
    assert (row.key, row.period, row.done_by_id, row.done_at) == (
        "complaint_summary", "2026-11", so.clerk.id, NOW)
    assert handed(so.office, "2026-11") == (NOW, so.clerk.name)
    assert state(so) == "done"


def test_refusals_store_nothing(so):
    other = small_office("别的管理处")
    refused(lambda: hand_complaint_summary(so.office, so.technician, "2026-11"), "clerk")
    refused(lambda: hand_complaint_summary(so.office, other.clerk, "2026-11"), "clerk")
    refused(lambda: hand_complaint_summary(so.office, None, "2026-11"), "clerk")
    refused(lambda: hand_complaint_summary(so.office, so.clerk, "2026-12"), "month")
    refused(lambda: hand_complaint_summary(so.office, so.clerk, "2026-13"), "month")
    refused(lambda: hand_complaint_summary(so.office, so.clerk, "2026-11", "x" * 201), "note")
    assert DeadlineDone.select().count() == 0
    hand_complaint_summary(so.office, so.supervisor, "2026-10")  # a month late is fine
    refused(lambda: hand_complaint_summary(so.office, so.clerk, "202610"), "month")  # once
    assert DeadlineDone.select().count() == 1
    assert handed(other.office, "2026-10") is None


async def test_h_on_the_summary_screen(so):
    from textual.widgets import DataTable, Static

    from deskterm.screens.repairs.complaint_summary import open_complaint_summary
    from tests.desk_app import desk_app, desk_ready, wait_until

    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = open_complaint_summary(app)
        await wait_until(pilot, lambda: app.screen is screen and screen.loads == 1)
        await pilot.press("h")  # typed into the month field: nothing handed over
        await pilot.pause()
        assert DeadlineDone.select().count() == 0
        screen.query_one("#cs-table", DataTable).focus()
        await pilot.pause()
        await pilot.press("h")
        await wait_until(pilot, lambda: screen.loads == 2)
        title = str(screen.query_one("#cs-title", Static).content)
        assert "Complaint summary 2026-11 (0) · handed over 11-30 by 李静" in title
        assert list(DeadlineDone.select(DeadlineDone.key, DeadlineDone.period).tuples()) == [
            ("complaint_summary", "2026-11")]
        await pilot.press("h")
        error = screen.query_one("#cs-error-month", Static)
        await wait_until(pilot, lambda: error.display)
        assert "already handed over" in str(error.content)
        assert DeadlineDone.select().count() == 1
