"""The work record, work summary and assessments screens driven by keys at 80×24 on
SQLite and PostgreSQL: figures shown, a draft saved, submit after a second u, the summary
forms from w/m, the supervisor's assessments with the week's count; bad input says so
under its field and stores nothing; markup typed is stored verbatim and shown literally."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, TextArea

from deskterm.db.models import Assessment, DailyWorkRecord, WorkSummary
from deskterm.duties.orders import register_call
from deskterm.screens.shift.assessments import (
    AssessmentFormScreen,
    AssessmentsScreen,
    open_assessments,
)
from deskterm.screens.shift.work_record import WorkRecordScreen, open_work_record
from deskterm.screens.shift.work_summary import WorkSummaryScreen
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, small_office


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)  # Thursday 26 November 2026, 10:05 in Shanghai
    so = small_office()
    register_call(so.office, so.clerk, channel="phone", kind="enquiry", caller_name="张三",
                  phone="13812345678", request="问物业费", unit=so.unit)
    return so


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


async def started(pilot):
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: pilot.app.session.staff is not None)


async def test_the_day_record_saves_a_draft_then_submits_on_the_second_u(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        screen = open_work_record(app)
        await wait_until(pilot, lambda: app.screen is screen and screen.loads)
        assert isinstance(screen, WorkRecordScreen)
        figures = text(screen, "#wr-figures")
        assert "Calls taken" in figures and "Payments, net of voids" in figures
        assert "Not saved yet" in text(screen, "#wr-state")
        assert "Thursday 26 November 2026" in text(screen, "#wr-title") and "李静" in text(screen, "#wr-title")
        await pilot.press("tab")
        assert app.focused.id == "wr-notes"
        await pilot.press(*"up [red]x[/red]")  # a u typed in the notes is only a u
        assert not screen.confirming
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: DailyWorkRecord.select().count() == 1
                         and not screen.saving)
        row = DailyWorkRecord.get()
        assert (row.notes, row.submitted_at, row.staff_id) == (
            "up [red]x[/red]", None, office.clerk.id)
        assert "Draft saved" in text(screen, "#wr-state")
        await pilot.press("shift+tab")
        assert app.focused.id == "wr-figures"
        await pilot.press("u")
        assert "Press u again" in text(screen, "#wr-ask")
        assert DailyWorkRecord.get().submitted_at is None
        await pilot.press("u")
        await wait_until(pilot, lambda: DailyWorkRecord.get().submitted_at is not None)
        await wait_until(pilot, lambda: "Submitted at 10:05" in text(screen, "#wr-state"))
        assert screen.query_one("#wr-notes", TextArea).read_only
        assert screen.query_one("#wr-notes", TextArea).text == "up [red]x[/red]"
        await pilot.press("u")
        assert "Already submitted" in text(screen, "#wr-error-form")
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_w_and_m_open_the_summaries(office):
    with_record = DailyWorkRecord.create(
        office=office.office, staff=office.clerk, day=dt.date(2026, 11, 24),
        figures='{"orders_registered": 3, "payments": 2}', notes="跟进[b]欠费[/b]",
        submitted_at=dt.datetime(2026, 11, 24, 9, 10))
    assert with_record.id
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        record = open_work_record(app)
        await wait_until(pilot, lambda: app.screen is record and record.loads)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkSummaryScreen)
                         and app.screen.loads)
        week = app.screen
        assert "2026-W48" in text(week, "#ws-title")
        drafted = week.query_one("#ws-summary", TextArea).text
        assert "Orders registered: 3" in drafted and "11-24 跟进[b]欠费[/b]" in drafted
        assert "1 day records" in text(week, "#ws-info")
        await pilot.press("u", "u")
        await wait_until(pilot, lambda: WorkSummary.select().count() == 1)
        row = WorkSummary.get()
        assert (row.kind, row.period, row.summary) == ("week", "2026-W48", drafted)
        assert row.submitted_at is not None
        await wait_until(pilot, lambda: "submitted at" in text(week, "#ws-info"))
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: "2026-W47" in text(week, "#ws-title")
                         and "not saved" in text(week, "#ws-info"))
        await pilot.press("escape")
        assert app.screen is record
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkSummaryScreen)
                         and app.screen.loads)
        month = app.screen
        assert "2026-11" in text(month, "#ws-title")
        await pilot.press("u", "u")  # no plan yet
        await wait_until(pilot, lambda: "plan" in text(month, "#ws-error-plan"))
        assert app.focused.id == "ws-plan"
        assert WorkSummary.select().count() == 1
        month.query_one("#ws-plan", TextArea).text = "下月：整理业主名册"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: WorkSummary.select().count() == 2
                         and not month.saving)
        saved = WorkSummary.get(WorkSummary.kind == "month")
        assert saved.submitted_at is None and saved.plan == "下月：整理业主名册"


async def test_the_supervisor_writes_an_assessment_and_the_count_moves(office):
    app = desk_app(office, watch=False, demo_staff_id=office.supervisor.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        screen = open_assessments(app)
        await wait_until(pilot, lambda: app.screen is screen and screen.loads)
        assert isinstance(screen, AssessmentsScreen)
        table = screen.query_one("#as-table")
        assert [str(c) for c in table.get_row_at(0)][:3] == ["李静", "0 / 2", "! 2 more"]
        assert "No assessments of 李静 yet." in text(screen, "#as-detail")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, AssessmentFormScreen))
        form = app.screen
        assert app.focused.id == "af-text"
        form.query_one("#af-score", Input).value = "9"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Write the assessment" in text(form, "#af-error-text")
        assert "1 to 5" in text(form, "#af-error-score")
        assert Assessment.select().count() == 0
        await pilot.press(*"[b]good[/b] calls")
        form.query_one("#af-score", Input).value = "4"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads == 2)
        row = Assessment.get()
        assert (row.clerk_id, row.supervisor_id, row.score, row.text) == (
            office.clerk.id, office.supervisor.id, 4, "[b]good[/b] calls")
        assert [str(c) for c in table.get_row_at(0)][:3] == ["李静", "1 / 2", "! 1 more"]
        assert "刘芳 [4]: [b]good[/b] calls" in text(screen, "#as-detail")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, AssessmentFormScreen))
        await pilot.press(*"ok", "escape")  # typed: Esc asks first
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        await pilot.press("d")
        await wait_until(pilot, lambda: app.screen is screen)
        assert Assessment.select().count() == 1


async def test_a_clerk_cannot_open_the_assessments(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        assert open_assessments(app) is None
        await pilot.pause()
        assert app.screen is app.dashboard
        assert "Only a manager, a supervisor may open this: sign in as them." in [
            str(n.message) for n in app._notifications]


async def test_nobody_signed_in_opens_nothing(desk_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    app = desk_app(so, signed_in=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert open_work_record(app) is None and open_assessments(app) is None


def test_snapshot_of_the_day_record_in_16_colours(snap_compare, sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    register_call(so.office, so.clerk, channel="phone", kind="enquiry", caller_name="张三",
                  phone="13812345678", request="问物业费", unit=so.unit)
    DailyWorkRecord.create(office=so.office, staff=so.clerk, day=dt.date(2026, 11, 26),
                           figures="{}", notes="上午接听电话 [red]不是标记[/red]")
    app = desk_app(so, watch=False, theme="ansi-dark")

    async def shown(pilot):
        await started(pilot)
        screen = open_work_record(app)
        await wait_until(pilot, lambda: app.screen is screen and screen.loads)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)
