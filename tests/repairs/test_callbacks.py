"""Callbacks of orders and complaints, and the callback rate of a period
(deskterm.duties.repairs.callbacks), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.db import changes
from deskterm.db.models import Callback, Complaint, RepairOrder, ServiceEntry
from deskterm.duties import orders
from deskterm.duties.repairs import callbacks, order_work
from tests.factories import order, small_office
from tests.repairs.test_orders import log_of, refused

NOW = "2026-11-26T02:05:00"  # 10:05 in Shanghai
H = dt.timedelta(hours=1)


def returned_order(so, frozen_clock, now):
    """A called-in, dispatched and returned order (through the duties)."""
    _entry, row = orders.register_call(
        so.office, so.clerk, channel="phone", kind="repair", caller_name="张三",
        phone="13812345678", request="门锁坏了", unit=so.unit, technician=so.technician)
    frozen_clock(now + 2 * H)
    order_work.return_order(so.office, so.clerk, row.id, result="done", work_done="换锁芯")
    frozen_clock(now)
    return RepairOrder.get_by_id(row.id)


def handled_complaint(so, now) -> Complaint:
    with changes.write():
        row = Complaint.create(
            office=so.office, number="TS-202611-001", unit=so.unit, description="楼道噪音",
            received_at=now - 30 * H, received_by=so.clerk, handler=so.supervisor,
            handling="已约谈施工方", state="handled", handled_at=now - 4 * H,
            callback_due_at=now + 20 * H)
    return row


INSPECTION = dict(arrived_on_time=True, manner_ok=True, site_clean=False, problem_solved=True,
                  charge_as_quoted=None)


def test_satisfied_on_time_with_the_inspection(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = returned_order(so, frozen_clock, now)
    frozen_clock(now + 20 * H)
    cb = callbacks.record_callback(so.office, so.clerk, order_id=row.id, outcome="satisfied",
                                   inspection=INSPECTION)
    cb = Callback.get_by_id(cb.id)
    assert (cb.order_id, cb.outcome, cb.by_id, cb.at) == (row.id, "satisfied", so.clerk.id,
                                                         now + 20 * H)
    assert (cb.arrived_on_time, cb.site_clean, cb.charge_as_quoted) == (True, False, None)
    row = RepairOrder.get_by_id(row.id)
    assert row.state == "called_back" and row.called_back_at == now + 20 * H
    assert row.callback_on_time is True
    assert log_of("callback", cb.id)[0][0] == "create"
    assert log_of("repair_order", row.id)[-1] == ("callback", {
        "before": {"state": "returned", "called_back_at": None, "callback_on_time": None},
        "after": {"state": "called_back", "called_back_at": str(now + 20 * H),
                  "callback_on_time": True}})


def test_a_late_callback_is_not_on_time_and_the_window_edge_is(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    edge, late = returned_order(so, frozen_clock, now), returned_order(so, frozen_clock, now)
    frozen_clock(edge.callback_due_at)
    callbacks.record_callback(so.office, so.clerk, order_id=edge.id, outcome="satisfied")
    frozen_clock(late.callback_due_at + dt.timedelta(seconds=1))
    callbacks.record_callback(so.office, so.clerk, order_id=late.id, outcome="satisfied")
    assert RepairOrder.get_by_id(edge.id).callback_on_time is True
    assert RepairOrder.get_by_id(late.id).callback_on_time is False


def test_not_satisfied_reopens_to_the_same_technician_and_keeps_the_history(desk_db,
                                                                            frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = returned_order(so, frozen_clock, now)
    returned_at, due = row.returned_at, row.callback_due_at
    frozen_clock(now + 5 * H)
    callbacks.record_callback(so.office, so.clerk, order_id=row.id, outcome="not_satisfied",
                              note="还是漏", inspection={"problem_solved": False})
    row = RepairOrder.get_by_id(row.id)
    assert (row.state, row.technician_id, row.reopened_count) == (
        "dispatched", so.technician.id, 1)
    assert row.returned_at is None and row.callback_due_at is None and row.result is None
    assert row.dispatched_at == now + 5 * H
    assert ServiceEntry.get_by_id(row.service_entry_id).completed_at is None
    action, detail = log_of("repair_order", row.id)[-1]
    assert action == "reopen"
    assert detail["before"]["returned_at"] == str(returned_at)
    assert detail["before"]["callback_due_at"] == str(due)
    assert detail["before"]["result"] == "done" and detail["after"]["result"] is None
    # returned again, called back again: a new window
    frozen_clock(now + 8 * H)
    order_work.return_order(so.office, so.clerk, row.id, result="done", work_done="重新密封")
    frozen_clock(now + 9 * H)
    callbacks.record_callback(so.office, so.clerk, order_id=row.id, outcome="satisfied")
    row = RepairOrder.get_by_id(row.id)
    assert row.state == "called_back" and row.callback_due_at == now + 32 * H
    assert Callback.select().where(Callback.order == row.id).count() == 2


def test_unreachable_keeps_the_order_waiting_and_refused_counts_as_called_back(desk_db,
                                                                              frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = returned_order(so, frozen_clock, now)
    before = RepairOrder.get_by_id(row.id).__data__
    callbacks.record_callback(so.office, so.clerk, order_id=row.id, outcome="unreachable",
                              note="无人接听，下午再打")
    assert RepairOrder.get_by_id(row.id).__data__ == before
    frozen_clock(now + 30 * H)  # past the window
    callbacks.record_callback(so.office, so.clerk, order_id=row.id, outcome="refused")
    row = RepairOrder.get_by_id(row.id)
    assert row.state == "called_back" and row.callback_on_time is False
    assert [c.outcome for c in Callback.select().order_by(Callback.id)] == [
        "unreachable", "refused"]


@pytest.mark.parametrize(("fields", "field"), [
    (dict(outcome="happy"), "outcome"),
    (dict(outcome="not_satisfied"), "note"),  # a note is required
    (dict(outcome="unreachable", inspection={"manner_ok": True}), "inspection"),
    (dict(outcome="refused", inspection={"manner_ok": True}), "inspection"),
    (dict(outcome="satisfied", inspection={"smiled": True}), "inspection"),
    (dict(outcome="satisfied", inspection={"manner_ok": "yes"}), "inspection"),
    (dict(outcome="satisfied", note="x" * 2001), "note"),
])
def test_callback_refusals(desk_db, frozen_clock, fields, field):
    now = frozen_clock(NOW)
    so = small_office()
    row = returned_order(so, frozen_clock, now)
    refused(lambda: callbacks.record_callback(so.office, so.clerk, order_id=row.id, **fields),
            field)


def test_only_a_returned_order_can_be_called_back(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    for state in ("dispatched", "called_back", "approved"):
        row = order(so, state=state, returned=now - H if state != "dispatched" else None)
        refused(lambda row=row: callbacks.record_callback(
            so.office, so.clerk, order_id=row.id, outcome="satisfied"), "order",
            match=state)
    refused(lambda: callbacks.record_callback(so.office, so.clerk, outcome="satisfied"), "order")
    refused(lambda: callbacks.record_callback(so.office, so.clerk, order_id=999,
                                              outcome="satisfied"), "order")
    other = small_office("非凡物业枫林管理处")
    row = returned_order(so, frozen_clock, now)
    refused(lambda: callbacks.record_callback(other.office, other.clerk, order_id=row.id,
                                              outcome="satisfied"), "order")
    refused(lambda: callbacks.record_callback(so.office, so.technician, order_id=row.id,
                                              outcome="satisfied"), "clerk")


def test_complaint_callbacks(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    complaint = handled_complaint(so, now)
    refused(lambda: callbacks.record_callback(
        so.office, so.clerk, complaint_id=complaint.id, outcome="satisfied",
        inspection={"manner_ok": True}), "inspection")
    callbacks.record_callback(so.office, so.clerk, complaint_id=complaint.id,
                              outcome="unreachable")
    assert Complaint.get_by_id(complaint.id).state == "handled"
    callbacks.record_callback(so.office, so.clerk, complaint_id=complaint.id,
                              outcome="not_satisfied", note="噪音还在")
    reopened = Complaint.get_by_id(complaint.id)
    assert reopened.state == "assigned" and reopened.callback_due_at is None
    assert reopened.handler_id == so.supervisor.id
    refused(lambda: callbacks.record_callback(
        so.office, so.clerk, complaint_id=complaint.id, outcome="satisfied"), "complaint",
        match="assigned")
    with changes.write():
        Complaint.update(state="handled", callback_due_at=now + 24 * H).where(
            Complaint.id == complaint.id).execute()
    callbacks.record_callback(so.office, so.clerk, complaint_id=complaint.id,
                              outcome="satisfied")
    done = Complaint.get_by_id(complaint.id)
    assert done.state == "called_back" and done.called_back_at == now
    assert Callback.select().where(Callback.complaint == complaint.id).count() == 3
    assert [a for a, _ in log_of("complaint", complaint.id)] == ["reopen", "callback"]


# --- the callback rate of a period -----------------------------------------------------------------

def test_callback_rate_of_a_period_with_its_misses(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    start, end = now - 10 * 24 * H, now - 24 * H
    on_time = order(so, state="called_back", returned=now - 5 * 24 * H,
                    called_back_at=now - 5 * 24 * H + 3 * H, callback_on_time=True)
    late = order(so, state="approved", returned=now - 6 * 24 * H,
                 called_back_at=now - 6 * 24 * H + 30 * H, callback_on_time=False)
    never = order(so, state="returned", returned=now - 3 * 24 * H)
    forgotten = order(so, state="returned", returned=now - 30 * H)  # window closed 6 h ago
    order(so, state="returned", returned=now - 12 * 24 * H)  # before the period
    order(so, state="returned", returned=now - 2 * H)  # after the period
    rate = callbacks.callback_rate(so.office, start, end)
    assert (rate.on_time, rate.counted) == (1, 4)
    assert rate.rate == 0.25
    numbers = [m.number for m in rate.misses]
    assert numbers == [late.number, never.number, forgotten.number]  # oldest first
    miss = rate.misses[0]
    assert (miss.returned_at, miss.due_at, miss.called_back_at) == (
        late.returned_at, late.callback_due_at, late.called_back_at)
    assert rate.misses[1].called_back_at is None
    assert on_time.number not in numbers


def test_callback_rates_of_adjoining_periods_are_each_periods_rate(desk_db, frozen_clock):
    """One read for a report's days (issue #15): each span's rate is what
    ``callback_rate`` says of it alone, a gap between spans counts in none, and the
    spans joined are the rate of them all."""
    now = frozen_clock(NOW)
    so = small_office()
    order(so, state="called_back", returned=now - 5 * 24 * H,
          called_back_at=now - 5 * 24 * H + 3 * H, callback_on_time=True)
    order(so, state="approved", returned=now - 6 * 24 * H,
          called_back_at=now - 6 * 24 * H + 30 * H, callback_on_time=False)
    order(so, state="returned", returned=now - 3 * 24 * H)
    order(so, state="returned", returned=now - 30 * H)
    order(so, state="returned", returned=now - 9 * 24 * H)  # in the gap
    spans = [(now - 10 * 24 * H, now - 9 * 24 * H - H), (now - 9 * 24 * H + H, now - 4 * 24 * H),
             (now - 4 * 24 * H, now - 24 * H)]
    rates = callbacks.callback_rates(so.office, spans)
    assert rates == [callbacks.callback_rate(so.office, *span) for span in spans]
    assert [(r.on_time, r.counted) for r in rates] == [(0, 0), (1, 2), (0, 2)]
    whole = callbacks.joined(rates[1:])
    assert whole == callbacks.callback_rate(so.office, spans[1][0], spans[2][1])
    assert callbacks.callback_rates(so.office, []) == []


def test_callback_rate_leaves_open_windows_out_and_empty_is_none(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    assert callbacks.callback_rate(so.office, now - 24 * H, now).rate is None
    order(so, state="returned", returned=now - 2 * H)  # window open: not counted yet
    early = order(so, state="called_back", returned=now - 3 * H, callback_on_time=True,
                  called_back_at=now - H)
    rate = callbacks.callback_rate(so.office, now - 24 * H, now)
    assert (rate.on_time, rate.counted, rate.misses) == (1, 1, ())
    assert early.id
