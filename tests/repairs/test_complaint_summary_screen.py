"""The monthly complaint summary screen (deskterm.screens.repairs.complaint_summary) at
80×24 on SQLite and PostgreSQL: its figures against counts made here from the records,
stepping the month with [ ] and PgUp/PgDn, a month that is not one, Chinese category words,
and snapshots of the complaint screens in Chinese."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally

import pytest
from textual.widgets import DataTable, Input

from deskterm.db.models import Complaint
from deskterm.duties.repairs import callbacks, complaints
from deskterm.i18n import set_language
from deskterm.screens.repairs.complaint_detail import open_complaint_detail
from deskterm.screens.repairs.complaint_list import open_complaint_list
from deskterm.screens.repairs.complaint_summary import (
    ComplaintSummaryScreen,
    open_complaint_summary,
    packed,
)
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, small_office
from tests.repairs.test_complaint_screens import H, cells, complain, fits, reloaded, text


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


# --- the monthly summary ------------------------------------------------------------------------

def a_month_of_complaints(so, frozen_clock) -> dict[str, Complaint]:
    """November 2026: five complaints in every state; one in October, one in December."""
    frozen_clock("2026-10-31T15:40:00")  # 23:40 on 31 Oct in Shanghai
    rows = {"october": complain(so, category="parking")}
    start = dt.datetime(2026, 11, 2, 1, 0)  # 09:00 on 2 Nov
    frozen_clock(start)
    rows["closed"] = complain(so)
    complaints.assign_complaint(so.office, so.clerk, rows["closed"].id, so.supervisor)
    complaints.record_handling(so.office, so.clerk, rows["closed"].id, handling="约谈",
                               result="已解决")
    frozen_clock(start + 2 * H)
    callbacks.record_callback(so.office, so.clerk, complaint_id=rows["closed"].id,
                              outcome="satisfied")
    complaints.close_complaint(so.office, so.clerk, rows["closed"].id)
    frozen_clock(start + 24 * H)
    rows["late"] = complain(so, unit=None, complainant_name="匿名", category="greening")
    complaints.assign_complaint(so.office, so.clerk, rows["late"].id, so.technician)
    frozen_clock(start + 54 * H)
    complaints.record_handling(so.office, so.clerk, rows["late"].id, handling="修剪",
                               result="已修剪")
    frozen_clock(start + 80 * H)
    callbacks.record_callback(so.office, so.clerk, complaint_id=rows["late"].id,
                              outcome="refused")
    frozen_clock(start + 5 * 24 * H)
    rows["overdue"] = complain(so, category="sanitation")
    complaints.assign_complaint(so.office, so.clerk, rows["overdue"].id, so.supervisor)
    complaints.record_handling(so.office, so.clerk, rows["overdue"].id, handling="通知保洁",
                               result="已清运")
    frozen_clock(start + 6 * 24 * H)
    rows["assigned"] = complain(so, category="fees")
    complaints.assign_complaint(so.office, so.clerk, rows["assigned"].id, so.supervisor)
    rows["open"] = complain(so, category="fees", description="物业费[b]多收[/b]")
    frozen_clock("2026-11-30T16:10:00")  # 00:10 on 1 Dec in Shanghai
    rows["december"] = complain(so, category="pets")
    frozen_clock(MORNING)
    return rows


def figures(so, month_start: dt.datetime, month_end: dt.datetime, now: dt.datetime) -> dict:
    """The month's figures counted here from the records, not through the duty."""
    rows = list(Complaint.select().where(
        (Complaint.office == so.office) & (Complaint.received_at >= month_start)
        & (Complaint.received_at < month_end)))
    took = [(r.handled_at - r.received_at).total_seconds() / 3600 for r in rows
            if r.handled_at is not None]
    return {
        "within": {hours: sum(t <= hours for t in took) for hours in (24, 48, 72)},
        "average": sum(took) / len(took),
        "longest": max(took),
        "total": len(rows),
        "handled": sum(r.handled_at is not None for r in rows),
        "closed": sum(r.state == "closed" for r in rows),
        "called_back": sum(r.called_back_at is not None for r in rows),
        "on_time": sum(r.called_back_at is not None and r.called_back_at <= r.callback_due_at
                       for r in rows),
        "overdue": sum(r.state == "handled" and r.callback_due_at < now for r in rows),
        "by_state": Tally(r.state for r in rows),
        "by_category": Tally(r.category for r in rows),
        "numbers": sorted(r.number for r in rows),
    }


async def test_the_summary_shows_the_months_figures(office, frozen_clock):
    rows = a_month_of_complaints(office, frozen_clock)
    now = frozen_clock(MORNING)
    counted = figures(office, dt.datetime(2026, 10, 31, 16), dt.datetime(2026, 11, 30, 16),
                      now)
    assert counted["total"] == 5 and counted["overdue"] == 1  # the scenario is what it says
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = open_complaint_summary(app)
        assert isinstance(screen, ComplaintSummaryScreen)
        await wait_until(pilot, lambda: screen.loads >= 1)
        await pilot.pause()
        assert screen.query_one("#cs-month", Input).value == "2026-11"
        assert "Complaint summary 2026-11 (5)" in text(screen, "#cs-title")
        table = screen.query_one("#cs-table", DataTable)
        lines = cells(table)
        assert sorted(line.split()[0] for line in lines) == counted["numbers"]
        callback = [str(table.get_row_at(i)[7]) for i in range(table.row_count)]
        took = [str(table.get_row_at(i)[6]) for i in range(table.row_count)]
        assert callback == ["✓11-02", "✗11-05", "!11-08", "—", "—"]
        assert took == ["0.0h", "30h", "0.0h", "—", "—"]
        assert "Closed" in lines[0] and "Greening" in lines[1] and "匿名" in lines[1]
        totals = text(screen, "#cs-totals")
        within = counted["within"]
        assert (f"Received {counted['total']} · handled {counted['handled']} "
                f"(≤24h {within[24]}, ≤48h {within[48]}, ≤72h {within[72]}) · "
                f"closed {counted['closed']}") in totals
        assert (f"Called back {counted['called_back']}, on time {counted['on_time']} · "
                f"callbacks overdue {counted['overdue']} · on-time rate 33.3%") in totals
        assert (counted["average"], counted["longest"]) == (10, 30)
        assert "Handling took 10h on average, 30h at most" in totals
        flat = " ".join(totals.split())
        for state, label in (("open", "Open"), ("assigned", "Assigned"),
                             ("handled", "Handled"), ("called_back", "Called back"),
                             ("closed", "Closed")):
            assert f"{label} {counted['by_state'][state]}" in flat, state
        for category, label in (("noise", "Noise"), ("parking", "Parking"),
                                ("greening", "Greening"), ("sanitation", "Sanitation"),
                                ("fees", "Fees"), ("pets", "Pets"), ("other", "Other")):
            assert f"{label} {counted['by_category'][category]}" in flat, category
        assert rows["closed"].number + ": 楼上装修太吵" in text(screen, "#cs-detail")
        for selector in ("#cs-form", "#cs-totals", "#cs-month", ".form-hint"):
            fits(screen, selector)
        assert table.region.height >= 4

        # [ : October, ] ] : December, PgUp: November again.
        loads = screen.loads
        await pilot.press("[")
        await reloaded(pilot, screen, loads)
        assert screen.query_one("#cs-month", Input).value == "2026-10"
        assert [line.split()[0] for line in cells(table)] == [rows["october"].number]
        assert "Parking 1" in text(screen, "#cs-totals")
        for _step in range(2):
            loads = screen.loads
            await pilot.press("]")
            await reloaded(pilot, screen, loads)
        assert [line.split()[0] for line in cells(table)] == [rows["december"].number]
        loads = screen.loads
        await pilot.press("pageup")
        await reloaded(pilot, screen, loads)
        assert table.row_count == 5

        # A month that is not one: said under the field, the table stays.
        month = screen.query_one("#cs-month", Input)
        month.value = "2026-13"
        await pilot.press("enter")  # refused: loads counts reads shown, so wait for the words
        await wait_until(pilot, lambda: "Enter a month like 2026-11." in text(
            screen, "#cs-error-month"))
        assert table.row_count == 5
        month.value = "202610"
        loads = screen.loads
        await pilot.press("enter")
        await reloaded(pilot, screen, loads)
        assert text(screen, "#cs-error-month") == "" and month.value == "2026-10"


async def test_the_summary_in_chinese_fits(office, frozen_clock):
    a_month_of_complaints(office, frozen_clock)
    set_language("zh_CN")
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = open_complaint_summary(app)
        await wait_until(pilot, lambda: screen.loads >= 1)
        await pilot.pause()
        totals = text(screen, "#cs-totals")
        for word in ("噪音 1", "绿化 1", "卫生 1"):
            assert word in " ".join(totals.split()), word
        assert all(len(line) <= 76 for line in totals.splitlines())
        for selector in ("#cs-form", "#cs-totals", ".form-hint"):
            fits(screen, selector)


def test_packed_wraps_between_items():
    items = [f"item{n} {n}" for n in range(12)]
    lines = packed("Head:", items, width=30)
    assert all(len(line) <= 30 for line in lines)
    assert " ".join(" ".join(lines).replace("·", " ").split()) == " ".join(
        ["Head:", *" ".join(items).split()])
    assert packed("By category:", ["噪音 2"]) == ["By category: 噪音 2"]


# --- what it looks like ---------------------------------------------------------------------------

@pytest.fixture
def month_office(sqlite_db, frozen_clock):
    so = small_office()
    a_month_of_complaints(so, frozen_clock)
    frozen_clock(MORNING)
    return so


@pytest.mark.parametrize("which", ["list", "detail", "summary"])
def test_snapshot_in_chinese(snap_compare, month_office, which):
    set_language("zh_CN")
    app = desk_app(month_office, watch=False)

    async def shown(pilot):
        await panes_loaded(pilot)
        if which == "summary":
            screen = open_complaint_summary(app)
            await wait_until(pilot, lambda: screen.loads >= 1)
        elif which == "list":
            screen = open_complaint_list(app)
            await wait_until(pilot, lambda: screen.loads >= 1)
        else:
            late = Complaint.get(Complaint.number == "TS-202611-002")
            screen = open_complaint_detail(app, late.id)
            await wait_until(pilot, lambda: screen.loaded)
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)
