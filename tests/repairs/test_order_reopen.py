"""Reopening a returned order (deskterm.duties.repairs.order_work.reopen_order) and its key ``o`` in
the order detail view: the order goes back to its technician with the reason in its
history, the callback starts again after the next return, and a refused reopening stores
nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from deskterm.db import changes
from deskterm.db.models import ChangeLog, RepairOrder, ServiceEntry
from deskterm.duties import orders
from deskterm.duties.repairs import order_work
from deskterm.errors import DutyError
from deskterm.screens.repairs.order_actions import ReopenScreen
from deskterm.screens.repairs.order_detail import OrderDetailScreen, open_order_detail
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, order, small_office

H = dt.timedelta(hours=1)


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


def returned_call(so, now) -> RepairOrder:
    """A call registered, dispatched and returned done (its register line completed)."""
    _entry, row = orders.register_call(
        so.office, so.clerk, channel="phone", kind="repair", caller_name="张三",
        phone="13812345678", request="卫生间漏水", unit=so.unit, technician=so.technician)
    order_work.return_order(so.office, so.clerk, row.id, result="done", work_done="换密封圈")
    return RepairOrder.get_by_id(row.id)


def state_of(row_id: int) -> tuple:
    row = RepairOrder.get_by_id(row_id)
    return (row.state, row.reopened_count, row.returned_at, row.result, row.callback_due_at,
            ChangeLog.select().count())


def test_reopen_sends_a_returned_order_back_to_its_technician(so, frozen_clock):
    now = frozen_clock(MORNING)
    row = returned_call(so, now)
    assert ServiceEntry.get_by_id(row.service_entry_id).completed_at == now
    later = frozen_clock("2026-11-26T05:00:00")
    order_work.reopen_order(so.office, so.clerk, row.id, reason="业主来电：仍然漏水")
    row = RepairOrder.get_by_id(row.id)
    assert (row.state, row.reopened_count, row.technician_id, row.dispatched_at) == (
        "dispatched", 1, so.technician.id, later)
    assert (row.returned_at, row.result, row.callback_due_at, row.called_back_at) == (
        None, None, None, None)
    assert row.work_done == "换密封圈"  # what was done stays on the record
    assert ServiceEntry.get_by_id(row.service_entry_id).completed_at is None
    reasons = [json.loads(c.detail)["after"] for c in changes.history("repair_order", row.id)
               if c.action == "reopen" and "reason" in c.detail]
    assert reasons == [{"reason": "业主来电：仍然漏水"}]
    # returned again: a new callback window from the new return
    order_work.return_order(so.office, so.clerk, row.id, result="done", work_done="重新打胶")
    row = RepairOrder.get_by_id(row.id)
    assert row.state == "returned" and row.callback_due_at == later + 24 * H


def test_reopen_without_a_technician_goes_back_to_registered(so, frozen_clock):
    now = frozen_clock(MORNING)
    row = order(so, state="called_back", returned=now - 30 * H, technician=None,
                called_back_at=now - 20 * H, callback_on_time=True)
    order_work.reopen_order(so.office, so.clerk, row.id, reason="复查不合格")
    assert RepairOrder.get_by_id(row.id).state == "registered"


@pytest.mark.parametrize("state", ["registered", "dispatched", "approved", "handed_over",
                                   "filed"])
def test_only_returned_or_called_back_orders_reopen(so, frozen_clock, state):
    now = frozen_clock(MORNING)
    row = order(so, state=state, returned=now - 30 * H if state not in (
        "registered", "dispatched") else None)
    before = state_of(row.id)
    with pytest.raises(DutyError) as refused:
        order_work.reopen_order(so.office, so.clerk, row.id, reason="再修")
    assert refused.value.field == "order"
    assert state_of(row.id) == before


@pytest.mark.parametrize("reason", ["", "   ", "x" * (order_work.REASON_LIMIT + 1)])
def test_a_reason_is_needed(so, frozen_clock, reason):
    row = returned_call(so, frozen_clock(MORNING))
    before = state_of(row.id)
    with pytest.raises(DutyError) as refused:
        order_work.reopen_order(so.office, so.clerk, row.id, reason=reason)
    assert refused.value.field == "reason"
    assert state_of(row.id) == before


def test_another_offices_order_is_not_found(so, frozen_clock):
    row = returned_call(so, frozen_clock(MORNING))
    other = small_office("另一个管理处")
    with pytest.raises(DutyError) as refused:
        order_work.reopen_order(other.office, other.clerk, row.id, reason="再修")
    assert refused.value.field == "order"
    assert RepairOrder.get_by_id(row.id).state == "returned"


# --- the key in the detail view ---------------------------------------------------------------

async def test_o_reopens_from_the_detail_view(so, frozen_clock):
    row = returned_call(so, frozen_clock(MORNING))
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = open_order_detail(app, row.id)
        assert isinstance(screen, OrderDetailScreen)
        await wait_until(pilot, lambda: app.screen is screen and screen.loaded)
        assert "o reopen" in str(screen.query_one("#od-hint").content)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ReopenScreen))
        form = app.screen
        region = form.query_one("#reopen-form").region
        assert region.right <= 80 and region.bottom <= 24
        await pilot.press("enter")  # no reason: refused at the field
        await wait_until(pilot, lambda: "✗" in str(form.query_one("#reopen-error-reason")
                                                     .content))
        assert RepairOrder.get_by_id(row.id).state == "returned"
        await pilot.press(*"[red]仍然漏水[/red]")
        loads = screen.loads
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.loads > loads and app.screen is screen)
        await pilot.pause()
        history = str(screen.query_one("#od-history-text").content)
        assert "reopened: reason: [red]仍然漏水[/red]" in history
        assert "d reassign" in str(screen.query_one("#od-hint").content)
        await pilot.press("o")  # dispatched now: refused in the view, no form
        await pilot.pause()
        assert app.screen is screen
        assert "only a returned or called-back order" in str(
            screen.query_one("#od-message").content)
    assert state_of(row.id)[:2] == ("dispatched", 1)
