"""The morning view [7.4.1] (deskterm.screens.repairs.morning_view) and its read duty
(deskterm.duties.repairs.morning), at 10:05 in Shanghai on SQLite and PostgreSQL: exactly the
unfinished register lines of earlier days, with their orders; the screen at 80×24, Esc,
and Enter on a row."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from deskterm.db import changes
from deskterm.db.models import ServiceEntry
from deskterm.duties.repairs.morning import (
    UnfinishedItems,
    complete_entry,
    should_show_morning_view,
    unfinished_register_items,
)
from deskterm.errors import DutyError
from deskterm.screens.repairs.morning_view import MorningViewScreen
from deskterm.screens.repairs.order_detail import OrderDetailScreen
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, SmallOffice, order, small_office


def entry(so: SmallOffice, at: str, request: str, *, completed: bool = False,
          kind: str = "repair", caller: str = "张三", phone: str = "13812345678",
          unit=True) -> ServiceEntry:
    moment = dt.datetime.fromisoformat(at)
    with changes.write():
        row = ServiceEntry.create(
            office=so.office, at=moment, channel="phone", kind=kind, caller_name=caller,
            unit=so.unit if unit else None, phone=phone, request=request,
            recorded_by=so.clerk,
            completed_at=moment + dt.timedelta(hours=2) if completed else None)
        changes.record("service_entry", row.id, "create", office=so.office)
    return row


@pytest.fixture
def desk(desk_db, frozen_clock):
    """At 10:05 Shanghai (02:05 UTC, 11-26): today began at 11-25 16:00 UTC."""
    frozen_clock(MORNING)
    so = small_office()
    other = small_office("另一个管理处")
    lines = {
        "late": entry(so, "2026-11-25T15:59:00", "[red]楼道灯[/red]不亮", unit=False,
                      caller="", phone=""),  # 23:59 yesterday
        "repair": entry(so, "2026-11-25T07:00:00", "厨房水龙头漏水"),  # 15:00 yesterday
        "old": entry(so, "2026-11-23T01:30:00", "咨询物业费", kind="enquiry"),
        "today": entry(so, "2026-11-25T16:00:00", "今天零点的电话"),  # 00:00 today
        "now": entry(so, "2026-11-26T02:00:00", "刚才的电话"),
        "done": entry(so, "2026-11-25T03:00:00", "已完成的", completed=True),
        "elsewhere": entry(other, "2026-11-25T07:00:00", "别处的"),
    }
    repair = order(so, state="dispatched", text="厨房水龙头漏水",
                   service_entry=lines["repair"])
    order(so, state="returned", text="已完成的", service_entry=lines["done"],
          returned=dt.datetime(2026, 11, 25, 5))
    return so, lines, repair


# --- the duty ------------------------------------------------------------------------------------

def test_unfinished_lines_of_earlier_days(desk):
    so, lines, repair = desk
    items = unfinished_register_items(so.office)
    assert items.count == 3 and should_show_morning_view(items)
    assert [r.entry_id for r in items.rows] == [lines[k].id for k in ("late", "repair", "old")]
    late, with_order, old = items.rows
    assert (late.unit, late.caller_name, late.order_number, late.order_state) == (
        "", "", None, None)
    assert late.at == dt.datetime(2026, 11, 25, 15, 59)
    assert (with_order.order_id, with_order.order_number, with_order.order_state) == (
        repair.id, repair.number, "dispatched")
    assert (with_order.unit, with_order.caller_name, with_order.phone, with_order.kind) == (
        "3-2-501", "张三", "13812345678", "repair")
    assert (old.kind, old.request, old.order_id) == ("enquiry", "咨询物业费", None)


def test_limit_and_scope(desk, frozen_clock):
    so, lines, _repair = desk
    items = unfinished_register_items(so.office, limit=1)
    assert items.count == 3 and [r.entry_id for r in items.rows] == [lines["late"].id]
    # Tomorrow morning today's two lines are yesterday's too.
    tomorrow = unfinished_register_items(so.office, now=dt.datetime(2026, 11, 27, 1))
    assert tomorrow.count == 5
    # Three days back nothing was older.
    early = unfinished_register_items(so.office, now=dt.datetime(2026, 11, 22, 16))
    assert early == UnfinishedItems(0, ()) and not should_show_morning_view(early)


# --- the view ------------------------------------------------------------------------------------

async def open_morning(app, pilot, so) -> MorningViewScreen:
    """The view the app opens by itself after the sign-in."""
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: isinstance(app.screen, MorningViewScreen))
    screen = app.screen
    await pilot.pause()
    return screen


def cells(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_the_view_lists_them_at_80_by_24(desk, tmp_path):
    so, _lines, repair = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_morning(app, pilot, so)
        assert "Yesterday's unfinished register items (3)" in str(
            screen.query_one("#mv-title").content)
        table = screen.query_one("#mv-table", DataTable)
        rows = cells(table)
        assert len(rows) == 3
        assert rows[0].startswith("11-25 23:59") and "[red]楼道灯[/red]" in rows[0]
        assert "11-25 15:00" in rows[1] and "3-2-501" in rows[1] and "张三" in rows[1]
        assert f"{repair.number} dispatched" in rows[1]
        assert rows[2].startswith("11-23 09:30") and "—" in rows[2]
        assert "d done · Esc close" in str(screen.query_one("#mv-hint").content)
        assert "[red]楼道灯[/red]不亮" in str(screen.query_one("#mv-detail").content)
        form = screen.query_one("#mv-form").region
        assert form.x >= 0 and form.y >= 0 and form.right <= 80 and form.bottom <= 24
        for part in ("#mv-title", "#mv-table", "#mv-detail", "#mv-hint"):
            region = screen.query_one(part).region
            assert region.height > 0 and form.contains_region(region), part
        assert table.region.height >= 5
        app.save_screenshot("morning.svg", path="/tmp")
        # The first row has no order: Enter says so and opens nothing.
        assert app.focused is table
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert "no repair order" in str(screen.query_one("#mv-message").content)
        await pilot.press("down")
        assert "厨房水龙头漏水" in str(screen.query_one("#mv-detail").content)
        assert str(screen.query_one("#mv-message").content) == ""
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen)
                         and app.screen.loaded)
        assert app.screen.order_id == repair.id
        assert repair.number in str(app.screen.query_one("#od-title").content)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_escape_closes(desk):
    so, _lines, _repair = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_morning(app, pilot, so)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


# --- marking a line done -------------------------------------------------------------------------

def test_complete_entry_marks_a_line_without_an_order(desk, frozen_clock):
    so, lines, _repair = desk
    now = frozen_clock(MORNING)
    complete_entry(so.office, so.clerk, lines["old"].id)
    assert ServiceEntry.get_by_id(lines["old"].id).completed_at == now
    assert [r.entry_id for r in unfinished_register_items(so.office).rows] == [
        lines["late"].id, lines["repair"].id]
    [log] = [c for c in changes.history("service_entry", lines["old"].id)
             if c.action == "complete"]
    assert log.staff_id == so.clerk.id


@pytest.mark.parametrize("which", ["repair", "done", "elsewhere", None])
def test_complete_entry_refuses_and_stores_nothing(desk, which):
    so, lines, _repair = desk
    before = [(e.id, e.completed_at) for e in ServiceEntry.select().order_by(ServiceEntry.id)]
    entry_id = lines[which].id if which else 99999
    with pytest.raises(DutyError) as refused:
        complete_entry(so.office, so.clerk, entry_id)
    assert refused.value.field == "entry"
    assert before == [(e.id, e.completed_at)
                      for e in ServiceEntry.select().order_by(ServiceEntry.id)]


async def test_d_marks_the_highlighted_line_done(desk):
    so, lines, _repair = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_morning(app, pilot, so)
        table = screen.query_one("#mv-table", DataTable)
        await pilot.press("down")  # the repair line: refused, it has an order
        await pilot.press("d")
        await pilot.pause()
        assert "it is done when the order comes back done" in str(
            screen.query_one("#mv-message").content)
        assert table.row_count == 3
        await pilot.press("down", "d")  # the enquiry
        await wait_until(pilot, lambda: table.row_count == 2)
        assert "(2)" in str(screen.query_one("#mv-title").content)
        assert ServiceEntry.get_by_id(lines["old"].id).completed_at is not None
        assert ServiceEntry.get_by_id(lines["repair"].id).completed_at is None


async def test_the_view_opens_once_a_day_after_sign_in(desk):
    so, _lines, _repair = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_morning(app, pilot, so)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        app._signed_in(so.clerk)  # signed in again (after lunch)
        await pilot.pause(0.3)
        assert app.screen is app.dashboard


async def test_nothing_left_opens_nothing(desk_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await wait_until(pilot, lambda: not any(
            w.group == "morning-view" and not w.is_finished for w in app.workers))
        await pilot.pause()
        assert app.screen is app.dashboard
