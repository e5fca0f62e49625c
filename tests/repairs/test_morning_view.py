"""The morning view [7.4.1] (deskterm.screens.repairs.morning_view) and its duty
(deskterm.duties.repairs.morning), at 10:05 on Thursday 11-26 in Shanghai, on SQLite and
PostgreSQL: exactly yesterday's unfinished lines and complaints, the older ones still open
counted apart, cancelled and finished work never; shown once per person per day,
remembered in the database across restarts; the screen at 80×24, o, Enter, d and Esc."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from deskterm.db import changes
from deskterm.db.models import ChangeLog, Complaint, ServiceEntry
from deskterm.duties.repairs.morning import (
    SEEN_ACTION,
    SEEN_TOPIC,
    complete_entry,
    mark_seen,
    morning_view,
    morning_view_due,
    seen_today,
)
from deskterm.errors import DutyError
from deskterm.screens.desk.books import BooksScreen
from deskterm.screens.repairs.complaint_detail import ComplaintDetailScreen
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


def complaint(so: SmallOffice, at: str, text: str, state: str = "open") -> Complaint:
    with changes.write():
        row = Complaint.create(
            office=so.office, number=f"TS-TEST-{Complaint.select().count() + 1:03d}",
            unit=so.unit, complainant_name="王五", phone="13900001111", description=text,
            received_at=dt.datetime.fromisoformat(at), received_by=so.clerk, state=state)
        changes.record("complaint", row.id, "create", office=so.office)
    return row


@pytest.fixture
def desk(desk_db, frozen_clock):
    """At 10:05 Shanghai (02:05 UTC, Thu 11-26): yesterday is 11-24 16:00 to 11-25 16:00
    UTC."""
    frozen_clock(MORNING)
    so = small_office()
    other = small_office("另一个管理处")
    lines = {
        "late": entry(so, "2026-11-25T15:59:00", "[red]楼道灯[/red]不亮", unit=False,
                      caller="", phone="", kind="other"),  # 23:59 yesterday
        "repair": entry(so, "2026-11-25T07:00:00", "厨房水龙头漏水"),  # 15:00 yesterday
        "dawn": entry(so, "2026-11-24T16:00:00", "咨询停车", kind="enquiry"),  # 00:00
        "eve": entry(so, "2026-11-24T15:59:00", "前天的咨询", kind="enquiry"),  # 23:59 Tue
        "old": entry(so, "2026-11-23T01:30:00", "咨询物业费", kind="enquiry"),
        "today": entry(so, "2026-11-25T16:00:00", "今天零点的电话"),  # 00:00 today
        "now": entry(so, "2026-11-26T02:00:00", "刚才的电话"),
        "done": entry(so, "2026-11-25T03:00:00", "已完成的", completed=True),
        "cancelled": entry(so, "2026-11-25T04:00:00", "取消的"),
        "returned": entry(so, "2026-11-25T05:00:00", "修不了的"),
        "cancelled_long_ago": entry(so, "2026-02-10T04:00:00", "二月取消的"),
        "elsewhere": entry(other, "2026-11-25T07:00:00", "别处的", kind="enquiry"),
    }
    repair = order(so, state="dispatched", text="厨房水龙头漏水",
                   service_entry=lines["repair"])
    order(so, state="returned", text="已完成的", service_entry=lines["done"],
          returned=dt.datetime(2026, 11, 25, 5))
    order(so, state="cancelled", text="取消的", service_entry=lines["cancelled"])
    order(so, state="returned", text="修不了的", service_entry=lines["returned"],
          returned=dt.datetime(2026, 11, 25, 6), result="not_done")
    order(so, state="cancelled", text="二月取消的", service_entry=lines["cancelled_long_ago"])
    complaints = {
        "open": complaint(so, "2026-11-25T02:00:00", "楼上装修噪音"),  # 10:00 yesterday
        "assigned": complaint(so, "2026-11-20T03:00:00", "车位被占", "assigned"),
        "handled": complaint(so, "2026-11-25T01:00:00", "垃圾没清", "handled"),
        "closed": complaint(so, "2026-11-25T01:30:00", "已解决", "closed"),
        "today": complaint(so, "2026-11-26T01:00:00", "今天的投诉"),
    }
    return so, lines, repair, complaints


def keys_of(rows) -> list[tuple[str, int]]:
    return [("c", r.complaint_id) if r.complaint_id else ("e", r.entry_id) for r in rows]


# --- the duty ------------------------------------------------------------------------------------

def test_yesterday_only_and_older_counted_apart(desk):
    so, lines, repair, complaints = desk
    view = morning_view(so.office)
    assert view.day == dt.date(2026, 11, 25) and view.anything
    assert view.yesterday.count == 4
    assert keys_of(view.yesterday.rows) == [
        ("e", lines["late"].id), ("e", lines["repair"].id), ("c", complaints["open"].id),
        ("e", lines["dawn"].id)]
    late, with_order, open_complaint, _dawn = view.yesterday.rows
    assert (late.unit, late.caller_name, late.order_number, late.kind) == ("", "", None, "other")
    assert late.at == dt.datetime(2026, 11, 25, 15, 59)
    assert (with_order.order_id, with_order.order_number, with_order.order_state) == (
        repair.id, repair.number, "dispatched")
    assert (with_order.unit, with_order.caller_name, with_order.phone) == (
        "3-2-501", "张三", "13812345678")
    assert (open_complaint.kind, open_complaint.complaint_number,
            open_complaint.complaint_state, open_complaint.request) == (
        "complaint", complaints["open"].number, "open", "楼上装修噪音")
    # Older, still open: counted apart, newest first, with the day of the oldest.
    assert view.older.count == 3
    assert keys_of(view.older.rows) == [("e", lines["eve"].id), ("e", lines["old"].id),
                                        ("c", complaints["assigned"].id)]
    assert view.oldest == dt.date(2026, 11, 20)


def test_cancelled_and_finished_work_never(desk):
    so, lines, _repair, complaints = desk
    view = morning_view(so.office)
    listed = set(keys_of(view.yesterday.rows + view.older.rows))
    for name in ("done", "cancelled", "returned", "cancelled_long_ago", "today", "now",
                 "elsewhere"):
        assert ("e", lines[name].id) not in listed, name
    for name in ("handled", "closed", "today"):
        assert ("c", complaints[name].id) not in listed, name


def test_limit_counts_all_and_the_oldest_is_still_found(desk):
    so, lines, _repair, complaints = desk
    view = morning_view(so.office, limit=1)
    assert view.yesterday.count == 4 and keys_of(view.yesterday.rows) == [
        ("e", lines["late"].id)]
    assert view.older.count == 3 and keys_of(view.older.rows) == [("e", lines["eve"].id)]
    assert view.oldest == dt.date(2026, 11, 20)


def test_tomorrow_today_is_yesterday_and_yesterday_is_older(desk):
    so, lines, _repair, complaints = desk
    view = morning_view(so.office, now=dt.datetime(2026, 11, 27, 1))  # Fri 09:00
    assert view.day == dt.date(2026, 11, 26)
    assert keys_of(view.yesterday.rows) == [("e", lines["now"].id),
                                            ("c", complaints["today"].id),
                                            ("e", lines["today"].id)]
    assert view.older.count == 4 + 3


def test_monday_yesterday_is_sunday(desk_db, frozen_clock):
    frozen_clock("2026-11-30T00:30:00")  # Monday 08:30 in Shanghai
    so = small_office()
    sunday = entry(so, "2026-11-29T03:00:00", "周日的咨询", kind="enquiry")  # Sun 11:00
    saturday = entry(so, "2026-11-28T03:00:00", "周六的咨询", kind="enquiry")
    view = morning_view(so.office)
    assert view.day == dt.date(2026, 11, 29)
    assert keys_of(view.yesterday.rows) == [("e", sunday.id)]
    assert keys_of(view.older.rows) == [("e", saturday.id)]
    assert view.oldest == dt.date(2026, 11, 28)


def test_the_first_day_of_a_new_office_shows_nothing(desk_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    entry(so, "2026-11-26T01:00:00", "今天第一个电话")
    view = morning_view(so.office)
    assert (view.yesterday.count, view.older.count, view.oldest) == (0, 0, None)
    assert not view.anything
    assert morning_view_due(so.office, so.clerk) is None  # nothing to show, nothing written
    assert not ChangeLog.select().where(ChangeLog.topic == SEEN_TOPIC).exists()


def test_once_per_person_per_day(desk, frozen_clock):
    so, _lines, _repair, _complaints = desk
    assert not seen_today(so.office, so.clerk)
    assert morning_view_due(so.office, so.clerk).yesterday.count == 4
    mark_seen(so.office, so.clerk)
    [row] = ChangeLog.select().where(ChangeLog.topic == SEEN_TOPIC)
    assert (row.row_id, row.action, row.staff_id, row.office_id) == (
        so.clerk.id, SEEN_ACTION, so.clerk.id, so.office.id)
    assert seen_today(so.office, so.clerk)
    assert morning_view_due(so.office, so.clerk) is None  # a later sign-in, a restart
    frozen_clock("2026-11-26T09:55:00")  # 17:55 the same day
    assert morning_view_due(so.office, so.clerk) is None
    # Another person signing in later that day sees it once too.
    assert morning_view_due(so.office, so.supervisor).yesterday.count == 4
    # The next morning it comes again.
    frozen_clock("2026-11-27T00:30:00")
    assert not seen_today(so.office, so.clerk)
    assert morning_view_due(so.office, so.clerk).day == dt.date(2026, 11, 26)


def test_seen_late_last_night_is_not_seen_this_morning(desk, frozen_clock):
    so, _lines, _repair, _complaints = desk
    frozen_clock("2026-11-25T15:50:00")  # 23:50 on Wednesday
    mark_seen(so.office, so.clerk)
    frozen_clock(MORNING)
    assert not seen_today(so.office, so.clerk)
    assert morning_view_due(so.office, so.clerk) is not None


def test_only_a_person_at_this_desk_is_recorded(desk):
    so, _lines, _repair, _complaints = desk
    other = small_office("第三个管理处")
    with pytest.raises(DutyError):
        mark_seen(so.office, other.clerk)
    with pytest.raises(DutyError):
        mark_seen(so.office, so.technician)
    assert not ChangeLog.select().where(ChangeLog.topic == SEEN_TOPIC).exists()


# --- marking a line done -------------------------------------------------------------------------

def test_complete_entry_marks_a_line_without_an_order(desk, frozen_clock):
    so, lines, _repair, _complaints = desk
    now = frozen_clock(MORNING)
    complete_entry(so.office, so.clerk, lines["old"].id)
    assert ServiceEntry.get_by_id(lines["old"].id).completed_at == now
    assert ("e", lines["old"].id) not in keys_of(morning_view(so.office).older.rows)
    [log] = [c for c in changes.history("service_entry", lines["old"].id)
             if c.action == "complete"]
    assert log.staff_id == so.clerk.id


@pytest.mark.parametrize("which", ["repair", "done", "elsewhere", None])
def test_complete_entry_refuses_and_stores_nothing(desk, which):
    so, lines, _repair, _complaints = desk
    before = [(e.id, e.completed_at) for e in ServiceEntry.select().order_by(ServiceEntry.id)]
    entry_id = lines[which].id if which else 99999
    with pytest.raises(DutyError) as refused:
        complete_entry(so.office, so.clerk, entry_id)
    assert refused.value.field == "entry"
    assert before == [(e.id, e.completed_at)
                      for e in ServiceEntry.select().order_by(ServiceEntry.id)]


# --- the view ------------------------------------------------------------------------------------

async def open_morning(app, pilot) -> MorningViewScreen:
    """The view the app opens by itself after the sign-in."""
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: isinstance(app.screen, MorningViewScreen)
                     and app.screen.loaded)
    return app.screen


async def start_settled(app, pilot) -> None:
    """The desk started and signed in, and the morning view's work (the read, and "seen"
    once it opened) finished."""
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: app.dashboard.first_frame_done)
    await pilot.pause()
    await wait_until(pilot, lambda: not any(
        w.group == "morning-view" and not w.is_finished for w in app.workers))


def cells(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


def seen_rows(so) -> int:
    return ChangeLog.select().where((ChangeLog.topic == SEEN_TOPIC)
                                    & (ChangeLog.row_id == so.clerk.id)).count()


async def test_the_view_lists_yesterday_at_80_by_24(desk):
    so, _lines, repair, complaints = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_morning(app, pilot)
        assert shown(screen, "#mv-title") == "Yesterday, Wed 11-25: 4 unfinished"
        assert shown(screen, "#mv-apart") == (
            "And 3 older still open, the oldest from Fri 11-20 · o lists them")
        table = screen.query_one("#mv-table", DataTable)
        rows = cells(table)
        assert len(rows) == 4
        assert rows[0].startswith("11-25 23:59") and "[red]楼道灯[/red]" in rows[0]
        assert "11-25 15:00" in rows[1] and "3-2-501" in rows[1] and "张三" in rows[1]
        assert f"{repair.number} dispatched" in rows[1]
        assert rows[2].startswith("11-25 10:00") and complaints["open"].number in rows[2]
        assert rows[3].startswith("11-25 00:00") and "咨询停车" in rows[3]
        assert "Enter open · d done · Esc close" in shown(screen, "#mv-hint")
        assert "[red]楼道灯[/red]不亮" in shown(screen, "#mv-detail")
        form = screen.query_one("#mv-form").region
        assert form.x >= 0 and form.y >= 0 and form.right <= 80 and form.bottom <= 24
        for part in ("#mv-title", "#mv-table", "#mv-detail", "#mv-apart", "#mv-hint"):
            region = screen.query_one(part).region
            assert region.height > 0 and form.contains_region(region), part
        assert table.region.height >= 5
        app.save_screenshot("morning-en.svg", path="/tmp")
        # The first row has no order: Enter says so and opens nothing.
        assert app.focused is table
        await pilot.press("enter")
        await wait_until(pilot, lambda: "no repair order" in shown(screen, "#mv-message"))
        assert app.screen is screen
        await pilot.press("down")
        await wait_until(pilot, lambda: "厨房水龙头漏水" in shown(screen, "#mv-detail"))
        assert shown(screen, "#mv-message") == ""
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen)
                         and app.screen.loaded)
        assert app.screen.order_id == repair.id
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads >= 1)
        await pilot.press("down", "enter")  # the complaint
        await wait_until(pilot, lambda: isinstance(app.screen, ComplaintDetailScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_the_view_in_chinese(desk):
    from deskterm.i18n import set_language

    so, _lines, _repair, _complaints = desk
    set_language("zh_CN")
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_morning(app, pilot)
        assert shown(screen, "#mv-title") == "昨天（11-25 周三）未完成：4 项"
        assert "o 查看" in shown(screen, "#mv-apart")
        app.save_screenshot("morning-zh.svg", path="/tmp")
        await pilot.press("o")
        await wait_until(pilot, lambda: shown(screen, "#mv-title").startswith("早于昨天"))
        app.save_screenshot("morning-zh-older.svg", path="/tmp")


async def test_o_lists_the_older_ones_and_back(desk):
    so, lines, _repair, complaints = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_morning(app, pilot)
        table = screen.query_one("#mv-table", DataTable)
        await pilot.press("o")
        await wait_until(pilot, lambda: shown(screen, "#mv-title")
                         == "Older than yesterday (Wed 11-25): 3 still open")
        rows = cells(table)
        assert len(rows) == 3 and rows[0].startswith("11-24 23:59")
        assert complaints["assigned"].number in rows[2]
        assert shown(screen, "#mv-apart") == "Yesterday's unfinished: 4 · o lists them"
        app.save_screenshot("morning-en-older.svg", path="/tmp")
        await pilot.press("d")  # the enquiry of Tuesday night: done
        await wait_until(pilot, lambda: table.row_count == 2)
        assert shown(screen, "#mv-title") == "Older than yesterday (Wed 11-25): 2 still open"
        assert ServiceEntry.get_by_id(lines["eve"].id).completed_at is not None
        await pilot.press("o")
        await wait_until(pilot, lambda: table.row_count == 4)
        assert shown(screen, "#mv-apart").startswith("And 2 older still open")


async def test_escape_closes(desk):
    so, _lines, _repair, _complaints = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_morning(app, pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_d_marks_the_highlighted_line_done(desk):
    so, lines, _repair, _complaints = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_morning(app, pilot)
        table = screen.query_one("#mv-table", DataTable)
        await pilot.press("down")  # the repair line: refused, it has an order
        await pilot.press("d")
        await wait_until(pilot, lambda: "it is done when the order comes back done" in shown(
            screen, "#mv-message"))
        await pilot.press("down", "d")  # the complaint: refused
        await wait_until(pilot, lambda: "is done when it is handled" in shown(
            screen, "#mv-message"))
        assert table.row_count == 4
        await pilot.press("up", "up", "d")  # the first line, without an order
        await wait_until(pilot, lambda: table.row_count == 3)
        assert shown(screen, "#mv-title").endswith(": 3 unfinished")
        assert ServiceEntry.get_by_id(lines["late"].id).completed_at is not None
        assert ServiceEntry.get_by_id(lines["repair"].id).completed_at is None


async def test_signing_in_again_the_same_day_opens_nothing(desk):
    so, _lines, _repair, _complaints = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_morning(app, pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard and seen_rows(so) == 1)
        app._morning_shown.clear()  # as a new process would: only the database remembers
        app._signed_in(so.clerk)  # signed in again (after lunch)
        await start_settled(app, pilot)
        assert app.screen is app.dashboard and seen_rows(so) == 1
        # Another person at the desk later that day sees it once.
        app._signed_in(so.supervisor)
        await wait_until(pilot, lambda: isinstance(app.screen, MorningViewScreen))


@pytest.mark.both_databases
async def test_the_first_start_of_the_day_opens_it_not_the_next(desk):
    so, _lines, _repair, _complaints = desk
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_morning(app, pilot)
        await wait_until(pilot, lambda: seen_rows(so) == 1)
    # The program started again the same day: the dashboard, no view.
    again = desk_app(so, watch=False)
    async with again.run_test(size=(80, 24)) as pilot:
        await start_settled(again, pilot)
        assert again.screen is again.dashboard
        assert not any(isinstance(s, MorningViewScreen) for s in again.screen_stack)
        # Opened by hand from the books it still shows, and reads itself.
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(again.screen, BooksScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(again.screen, MorningViewScreen)
                         and again.screen.loaded)
        screen = again.screen
        assert shown(screen, "#mv-title") == "Yesterday, Wed 11-25: 4 unfinished"
        assert screen.query_one("#mv-table", DataTable).row_count == 4
        await pilot.press("escape")
        await wait_until(pilot, lambda: again.screen is again.dashboard)
    assert seen_rows(so) == 1


async def test_nothing_left_opens_nothing(desk_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_settled(app, pilot)
        assert app.screen is app.dashboard
    assert seen_rows(so) == 0


async def test_opened_by_hand_when_nothing_is_left(desk_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_settled(app, pilot)
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, BooksScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, MorningViewScreen)
                         and app.screen.loaded)
        screen = app.screen
        assert shown(screen, "#mv-title") == "Yesterday, Wed 11-25: 0 unfinished"
        assert shown(screen, "#mv-detail") == "Nothing is left unfinished from yesterday."
        assert shown(screen, "#mv-apart") == "Nothing older is still open."
