"""Handing the fee-collection summary over (deskterm.duties.cashdesk.fee_summary_hand) [5.1][5.6]: the
duty on SQLite and PostgreSQL, and `h` on the fee summary screen at 80x24."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.clock import to_utc
from deskterm.db import changes
from deskterm.db.models import DeadlineDone, Staff
from deskterm.duties.agenda.deadlines import deadlines_on
from deskterm.duties.cashdesk.fee_summary import shift_period, summary_period
from deskterm.duties.cashdesk.fee_summary_hand import deadline_period, hand_summary, handed
from deskterm.errors import DutyError
from tests.factories import small_office

TZ = "Asia/Shanghai"
SAT = dt.date(2026, 11, 28)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(f"{day.isoformat()} {hhmm}"), TZ)


def refused(call, field: str) -> None:
    with pytest.raises(DutyError) as caught:
        call()
    assert caught.value.field == field, caught.value.message


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(at(SAT, "10:00"))
    office = small_office()
    with changes.write():
        office.night = Staff.create(office=office.office, name="夜班", role="night",
                                    created_at=office.office.created_at)
    return office


def test_handing_the_week_and_the_month(so, frozen_clock):
    week = summary_period(so.office, "week")
    month = summary_period(so.office, "month")
    assert (deadline_period(week), deadline_period(month)) == ("2026-W48", "2026-11")
    assert handed(so.office, week) is None
    row = hand_summary(so.office, so.clerk, week, note="周报")
    assert (row.key, row.period, row.done_by_id, row.note) == (
        "weekly_fee_summary", "2026-W48", so.clerk.id, "周报")
    assert handed(so.office, week) == (at(SAT, "10:00"), so.clerk.name)
    hand_summary(so.office, so.supervisor.id, month)
    assert {(d.key, d.state) for d in deadlines_on(so.office, SAT)} >= {
        ("weekly_fee_summary", "done")}
    assert sorted(DeadlineDone.select(DeadlineDone.key, DeadlineDone.period).tuples()) == [
        ("monthly_fee_summary", "2026-11"), ("weekly_fee_summary", "2026-W48")]


def test_refusals_store_nothing(so, frozen_clock):
    week = summary_period(so.office, "week")
    month = summary_period(so.office, "month")
    refused(lambda: hand_summary(so.office, so.night, week), "clerk")
    refused(lambda: hand_summary(so.office, so.technician, week), "clerk")
    refused(lambda: hand_summary(so.office, None, week), "clerk")
    other = small_office("别的管理处")
    refused(lambda: hand_summary(so.office, other.clerk, week), "clerk")
    refused(lambda: hand_summary(so.office, so.clerk, shift_period(so.office, week, 1)),
            "period")  # next week
    refused(lambda: hand_summary(so.office, so.clerk, shift_period(so.office, month, 1)),
            "period")  # next month
    refused(lambda: hand_summary(so.office, so.clerk, week, note="x" * 201), "note")
    frozen_clock(at(SAT - dt.timedelta(days=1), "16:00"))  # Friday: the week's is too soon
    refused(lambda: hand_summary(so.office, so.clerk, week), "period")
    assert DeadlineDone.select().count() == 0
    frozen_clock(at(SAT, "10:00"))
    hand_summary(so.office, so.clerk, week)
    refused(lambda: hand_summary(so.office, so.supervisor, week), "period")  # once
    assert DeadlineDone.select().count() == 1
    assert handed(other.office, week) is None


async def test_h_on_the_fee_summary_screen(so):
    from textual.widgets import Static

    from deskterm.screens.cashdesk.fee_summary import open_fee_summary
    from tests.desk_app import desk_app, desk_ready, wait_until

    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = open_fee_summary(app, "week")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads == 1)
        title = screen.query_one("#fs-title", Static)
        error = screen.query_one("#fs-message", Static)
        await pilot.press("h")
        await wait_until(pilot, lambda: screen.loads == 2)
        assert "handed over 11-28 by 李静" in str(title.content)
        assert list(DeadlineDone.select(DeadlineDone.key, DeadlineDone.period,
                                        DeadlineDone.done_by).tuples()) == [
            ("weekly_fee_summary", "2026-W48", so.clerk.id)]
        await pilot.press("h")  # a second time: refused, said under the tables
        await wait_until(pilot, lambda: error.display)
        assert "already handed over" in str(error.content)
        await pilot.press("right_square_bracket")  # next week: not begun
        await wait_until(pilot, lambda: screen.loads == 3)
        assert "handed over" not in str(title.content)
        await pilot.press("h")
        await wait_until(pilot, lambda: error.display)
        assert DeadlineDone.select().count() == 1
        await pilot.press("m")
        await wait_until(pilot, lambda: screen.loads == 4)
        await pilot.press("h")
        await wait_until(pilot, lambda: screen.loads == 5)
        assert DeadlineDone.select().where(
            DeadlineDone.key == "monthly_fee_summary").count() == 1
        assert "handed over 11-28" in str(title.content)
