"""The complaint screens' read duties (deskterm.duties.repairs.complaint_view), on SQLite and
PostgreSQL: the list by filter with its late marks, one complaint with its callbacks and
its change-log history, who may handle one, and stepping the summary's month."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.db.models import Complaint
from deskterm.duties.months import shift_month
from deskterm.duties.repairs import callbacks, complaint_view, complaints
from deskterm.errors import DutyError
from tests.factories import small_office
from tests.repairs.test_complaints import NOW, H, complain, fresh, handled, person
from tests.repairs.test_orders import log_of

# --- the read duties of the complaint screens (complaint_view) ------------------------------

def test_the_list_open_this_month_and_closed(desk_db, frozen_clock):
    now = frozen_clock("2026-10-30T02:00:00")
    so = small_office()
    october = complain(so, complainant_name="十月", category="parking")  # open, last month
    closed_october = handled(so, complainant_name="结案")
    callbacks.record_callback(so.office, so.clerk, complaint_id=closed_october.id,
                              outcome="satisfied")
    complaints.close_complaint(so.office, so.clerk, closed_october.id)
    frozen_clock(now + 5 * 24 * H)  # 4 Nov
    late = handled(so, complainant_name="逾期", unit=None)
    frozen_clock(now + 6 * 24 * H)  # 5 Nov
    closed_now = handled(so)
    callbacks.record_callback(so.office, so.clerk, complaint_id=closed_now.id,
                              outcome="refused")
    complaints.close_complaint(so.office, so.clerk, closed_now.id)
    current = frozen_clock(now + 6 * 24 * H + H)  # late's window has passed
    newest = complain(so, description="[red]电梯[/red]噪音")
    other = small_office("非凡物业枫林管理处")
    complain(other, unit=other.unit)

    listed = complaint_view.complaint_list(so.office, "open")
    assert [r.id for r in listed.rows] == [newest.id, late.id, october.id]
    assert (listed.which, listed.month, listed.count, listed.late) == ("open", "2026-11", 3, 1)
    first, second = listed.rows[0], listed.rows[1]
    assert (first.number, first.complainant, first.unit, first.category, first.handler,
            first.state, first.description) == (
        "TS-202611-003", "王芳", "3-2-501", "noise", "", "open", "[red]电梯[/red]噪音")
    assert first.callback_mark(current) == "" and not first.is_late(current)
    assert (second.unit, second.handler, second.state) == ("", "刘芳", "handled")
    assert second.callback_mark(current) == "!" and second.is_late(current)

    month = complaint_view.complaint_list(so.office, "month")
    assert [r.id for r in month.rows] == [newest.id, late.id, closed_now.id]  # open first
    assert month.count == 3 and month.late == 1
    closed = complaint_view.complaint_list(so.office, "closed")
    assert [r.id for r in closed.rows] == [closed_now.id, closed_october.id]
    assert closed.rows[0].callback_mark(current) == "✓" and closed.late == 0
    assert [r.id for r in complaint_view.complaint_list(so.office, "open", limit=1).rows] == [
        newest.id]
    assert complaint_view.complaint_list(so.office, "open", limit=1).count == 3
    with pytest.raises(DutyError) as caught:
        complaint_view.complaint_list(so.office, "everything")
    assert caught.value.field == "filter"
    # cross-check against the records themselves
    stored = Complaint.select().where(Complaint.office == so.office)
    assert listed.count == sum(c.state != "closed" for c in stored)
    assert closed.count == sum(c.state == "closed" for c in stored)


def test_the_list_marks_a_late_callback_as_late(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = handled(so)
    frozen_clock(now + 25 * H)
    callbacks.record_callback(so.office, so.clerk, complaint_id=row.id, outcome="satisfied")
    (line,) = complaint_view.complaint_list(so.office, "open").rows
    assert line.callback_mark(now + 30 * H) == "✗" and line.is_late(now + 30 * H)


def test_the_view_of_one_complaint(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = complain(so, channel="walk_in", description="楼上[b]装修[/b]太吵")
    view = complaint_view.complaint_view(so.office, row.id)
    assert (view.number, view.state, view.unit, view.complainant_name, view.phone) == (
        "TS-202611-001", "open", "3-2-501", "王芳", "13987654321")
    assert (view.channel, view.category, view.description) == ("walk_in", "noise",
                                                               "楼上[b]装修[/b]太吵")
    assert (view.received_at, view.received_by, view.handler_id, view.handler) == (
        now, "李静", None, "")
    assert view.can_assign and not (view.can_handle or view.can_call_back or view.can_close)
    assert [h.action for h in view.history] == ["create"]
    assert "received by: 李静" in view.history[0].what
    assert "received at: 11-26 10:05" in view.history[0].what  # office time

    complaints.assign_complaint(so.office, so.clerk, row.id, so.supervisor)
    complaints.assign_complaint(so.office, so.clerk, row.id, so.technician)
    frozen_clock(now + 2 * H)
    complaints.record_handling(so.office, so.clerk, row.id, handling="约谈装修户",
                               result="已承诺按时施工")
    frozen_clock(now + 3 * H)
    callbacks.record_callback(so.office, so.supervisor, complaint_id=row.id,
                              outcome="unreachable", note="没人接")
    frozen_clock(now + 4 * H)
    callbacks.record_callback(so.office, so.clerk, complaint_id=row.id, outcome="satisfied")
    view = complaint_view.complaint_view(so.office, row.id)
    assert (view.state, view.handler_id, view.handler) == ("called_back", so.technician.id,
                                                           "张强")
    assert (view.handling, view.result, view.handled_at) == ("约谈装修户", "已承诺按时施工",
                                                             now + 2 * H)
    assert view.callback_due_at == now + 26 * H and view.called_back_at == now + 4 * H
    assert view.callback_on_time is True and view.can_close and not view.can_assign
    assert [(c.by, c.outcome, c.note) for c in view.callbacks] == [
        ("刘芳", "unreachable", "没人接"), ("李静", "satisfied", "")]
    assert [h.action for h in view.history] == ["create", "assign", "assign", "handle",
                                                "callback"]
    assert [h.who for h in view.history] == ["李静"] * 5
    assert "handler: — → 刘芳" in view.history[1].what
    assert "handler: 刘芳 → 张强" in view.history[2].what
    assert "state: Handled → Called back" in view.history[4].what
    # the history matches the change log row for row
    assert [h.action for h in view.history] == [a for a, _d in log_of("complaint", row.id)]

    other = small_office("非凡物业枫林管理处")
    assert complaint_view.complaint_view(other.office, row.id) is None
    assert complaint_view.complaint_view(so.office, 10**9) is None


def test_who_may_handle_a_complaint(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    person(so, "夜班", "night")
    person(so, "离职", "supervisor", active=False)
    cs = person(so, "赵敏", "cs_supervisor")
    manager = person(so, "王经理", "manager")
    small_office("非凡物业枫林管理处")
    people = complaint_view.complaint_handlers(so.office)
    assert people == [(so.supervisor.id, "刘芳", "supervisor"),
                      (cs.id, "赵敏", "cs_supervisor"),
                      (so.technician.id, "张强", "technician"),
                      (manager.id, "王经理", "manager"),
                      (so.clerk.id, "李静", "clerk")]
    row = complain(so)
    for staff_id, _name, _role in people:  # every one of them is accepted by the duty
        complaints.assign_complaint(so.office, so.clerk, row.id, staff_id)
    assert fresh(row).handler_id == so.clerk.id


@pytest.mark.parametrize(("month", "by", "shifted"), [
    ("2026-11", -1, "2026-10"), ("2026-11", 1, "2026-12"), ("2026-12", 1, "2027-01"),
    ("2026-01", -1, "2025-12"), ("202611", 0, "2026-11"), (" 2026-03 ", -15, "2024-12"),
])
def test_shift_month(month, by, shifted):
    assert shift_month(month, by) == shifted


@pytest.mark.parametrize("bad", ["", "2026-13", "2026-00", "26-11", "2026/11", "十一月", None])
def test_shift_month_refuses_what_is_not_a_month(bad):
    with pytest.raises(DutyError) as caught:
        shift_month(bad, 1)
    assert caught.value.field == "month"


def test_shift_month_properties():

    @given(st.integers(1000, 8000), st.integers(1, 12), st.integers(-1200, 1200))
    def check(year, month, by):
        text = f"{year:04d}-{month:02d}"
        shifted = shift_month(text, by)
        assert shift_month(shifted, -by) == text  # there and back
        y, m = int(shifted[:4]), int(shifted[5:])
        assert 1 <= m <= 12 and (y * 12 + m) - (year * 12 + month) == by
        assert shift_month(text.replace("-", ""), by) == shifted

    check()
