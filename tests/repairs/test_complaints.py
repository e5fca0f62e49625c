"""Complaints: record, assign, handle, close after the callback, and the monthly summary
(deskterm.duties.repairs.complaints), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.db import changes
from deskterm.db.models import Callback, Complaint, Counter, Office, Staff
from deskterm.duties import orders
from deskterm.duties.repairs import callbacks, complaints
from deskterm.errors import DutyError
from tests.factories import small_office
from tests.repairs.test_orders import log_of, refused

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai
H = dt.timedelta(hours=1)


def complain(so, **fields) -> Complaint:
    values = dict(complainant_name="王芳", phone="139 8765 4321", description="楼上装修太吵",
                  unit=so.unit, category="noise")
    values.update(fields)
    return complaints.record_complaint(so.office, so.clerk, **values)


def person(so, name: str, role: str, *, active: bool = True) -> Staff:
    with changes.write():
        return Staff.create(office=so.office, name=name, role=role, active=active,
                            created_at=so.office.created_at)


def handled(so, **fields) -> Complaint:
    row = complain(so, **fields)
    complaints.assign_complaint(so.office, so.clerk, row.id, so.supervisor.id)
    return complaints.record_handling(so.office, so.clerk, row.id, handling="约谈装修户",
                                      result="已承诺按时施工")


def fresh(row) -> Complaint:
    return Complaint.get_by_id(row.id)


# --- recording -----------------------------------------------------------------------------

def test_a_complaint_is_recorded_open_with_its_number(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = fresh(complain(so, description="[red]楼上[/red]装修太吵\x1b[31m"))
    assert row.number == "TS-202611-001" and row.state == "open"
    assert (row.complainant_name, row.phone, row.unit_id) == ("王芳", "13987654321", so.unit.id)
    assert (row.channel, row.category) == ("phone", "noise")
    assert row.description == "[red]楼上[/red]装修太吵"  # markup kept, escapes gone
    assert (row.received_at, row.received_by_id, row.handler_id) == (now, so.clerk.id, None)
    action, detail = log_of("complaint", row.id)[0]
    assert action == "create" and detail["after"]["number"] == "TS-202611-001"
    counter = Counter.get(Counter.name == "complaint")
    assert (counter.period, counter.value) == ("202611", 1)
    assert log_of("counter", counter.id) == [("create", {"after": {
        "name": "complaint", "period": "202611", "value": 1}})]


def test_numbers_follow_on_per_office_apart_from_repair_orders(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    other = small_office("非凡物业枫林管理处")
    complain(so)
    orders.register_call(so.office, so.clerk, channel="phone", kind="repair",
                         caller_name="张三", phone="13812345678", request="漏水", unit=so.unit)
    second = complain(so, unit=None, channel="walk_in", category="other")
    assert second.number == "TS-202611-002" and second.unit_id is None
    assert complain(other, unit=other.unit).number == "TS-202611-001"
    counter = Counter.get((Counter.name == "complaint") & (Counter.office == so.office))
    assert log_of("counter", counter.id)[-1] == ("update", {
        "before": {"value": 1}, "after": {"name": "complaint", "period": "202611", "value": 2}})
    assert Counter.get(Counter.name == "repair_order").value == 1


@pytest.mark.parametrize(("moment", "number"), [
    ("2026-11-30T15:30:00", "TS-202611-001"),  # 23:30 on 30 Nov (the month's last day)
    ("2026-11-30T16:30:00", "TS-202612-001"),  # 00:30 on 1 Dec in Shanghai, 30 Nov in UTC
    ("2026-12-31T15:30:00", "TS-202612-001"),  # 23:30 on New Year's Eve
    ("2026-12-31T16:00:00", "TS-202701-001"),  # midnight: a new year
])
def test_the_number_takes_the_office_month_not_the_utc_one(desk_db, frozen_clock, moment,
                                                           number):
    frozen_clock(moment)
    so = small_office()
    assert complain(so).number == number


def test_a_month_starts_again_at_one(desk_db, frozen_clock):
    frozen_clock("2026-11-30T15:30:00")  # 23:30 on 30 Nov in Shanghai
    so = small_office()
    assert [complain(so).number for _ in range(2)] == ["TS-202611-001", "TS-202611-002"]
    frozen_clock("2026-11-30T16:01:00")  # 00:01 on 1 Dec
    assert complain(so).number == "TS-202612-001"
    assert sorted(Counter.select(Counter.period, Counter.value).where(
        Counter.name == "complaint").tuples()) == [("202611", 2), ("202612", 1)]


@pytest.mark.parametrize(("fields", "field"), [
    (dict(complainant_name=" "), "complainant_name"),
    (dict(complainant_name="王" * 41), "complainant_name"),
    (dict(phone=""), "phone"),
    (dict(phone="12345"), "phone"),
    (dict(phone="+1 212 555 0100"), "phone"),
    (dict(description="\x1b[2J"), "description"),
    (dict(description="吵" * 2001), "description"),
    (dict(channel="fax"), "channel"),
    (dict(category="weather"), "category"),
    (dict(unit=99999), "unit"),
])
def test_record_refusals_leave_the_database_unchanged(desk_db, frozen_clock, fields, field):
    frozen_clock(NOW)
    so = small_office()
    complain(so)  # the counter exists: a refusal must not move it
    refused(lambda: complain(so, **fields), field)


def test_record_refuses_other_offices_and_non_desk_people(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    other = small_office("非凡物业枫林管理处")
    refused(lambda: complain(so, unit=other.unit), "unit")
    refused(lambda: complaints.record_complaint(
        so.office, other.clerk, complainant_name="王芳", phone="13987654321",
        description="吵"), "clerk")
    refused(lambda: complaints.record_complaint(
        so.office, so.technician, complainant_name="王芳", phone="13987654321",
        description="吵"), "clerk")


def test_categories_are_labelled_and_cover_the_demo():
    from deskterm.demo import texts
    assert list(complaints.CATEGORIES)[-2:] == ["fees", "other"]
    assert {c for c, *_ in texts.COMPLAINTS} <= set(complaints.CATEGORIES)
    assert set(complaints.STATE_LABELS) == set(Complaint.STATES)
    assert all(isinstance(label, str) and label for label in complaints.CATEGORIES.values())


# --- assign, handle, close -------------------------------------------------------------------

@pytest.mark.parametrize("role", complaints.HANDLER_ROLES)
def test_any_handler_role_can_be_assigned(desk_db, frozen_clock, role):
    frozen_clock(NOW)
    so = small_office()
    handler = person(so, "赵敏", role)
    row = complaints.assign_complaint(so.office, so.clerk, complain(so).id, handler)
    assert (row.state, row.handler_id) == ("assigned", handler.id)
    assert fresh(row).handler_id == handler.id


def test_assign_and_reassign_are_logged(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    row = complain(so)
    complaints.assign_complaint(so.office, so.clerk, row.id, so.supervisor.id)
    complaints.assign_complaint(so.office, so.clerk, row, so.technician)
    assert fresh(row).handler_id == so.technician.id and fresh(row).state == "assigned"
    assert log_of("complaint", row.id)[1:] == [
        ("assign", {"before": {"handler": None, "state": "open"},
                    "after": {"handler": so.supervisor.id, "state": "assigned"}}),
        ("assign", {"before": {"handler": so.supervisor.id},
                    "after": {"handler": so.technician.id}}),
    ]


def test_assign_refusals_leave_the_database_unchanged(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    other = small_office("非凡物业枫林管理处")
    row = complain(so)
    night = person(so, "夜班", "night")
    gone = person(so, "离职", "supervisor", active=False)
    for handler in (None, 99999, other.supervisor, night, gone):
        refused(lambda h=handler: complaints.assign_complaint(so.office, so.clerk, row.id, h),
                "handler")
    refused(lambda: complaints.assign_complaint(so.office, so.clerk, 99999, so.supervisor),
            "complaint")
    refused(lambda: complaints.assign_complaint(other.office, other.clerk, row.id,
                                                other.supervisor), "complaint")
    refused(lambda: complaints.assign_complaint(so.office, so.technician, row.id,
                                                so.supervisor), "clerk")
    complaints.assign_complaint(so.office, so.clerk, row.id, so.supervisor)
    refused(lambda: complaints.assign_complaint(so.office, so.clerk, row.id, so.supervisor),
            "handler", match="刘芳")
    complaints.record_handling(so.office, so.clerk, row.id, handling="约谈", result="已解决")
    refused(lambda: complaints.assign_complaint(so.office, so.clerk, row.id, so.technician),
            "complaint", match="TS-202611-001")


def test_handling_starts_the_callback_window(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = complain(so)
    complaints.assign_complaint(so.office, so.clerk, row.id, so.supervisor)
    frozen_clock(now + 5 * H)
    row = complaints.record_handling(so.office, so.clerk, row.id, handling="约谈装修户",
                                     result="已承诺按时施工")
    stored = fresh(row)
    assert (stored.state, stored.handling, stored.result) == ("handled", "约谈装修户",
                                                              "已承诺按时施工")
    assert stored.handled_at == now + 5 * H and stored.callback_due_at == now + 29 * H
    action, detail = log_of("complaint", row.id)[-1]
    assert action == "handle" and detail["before"]["state"] == "assigned"
    # the office's own window
    with changes.write():
        Office.update(callback_window_hours=48).where(Office.id == so.office.id).execute()
    office = Office.get_by_id(so.office.id)
    second = complaints.record_complaint(office, so.clerk, complainant_name="李四",
                                         phone="13812345678", description="垃圾没清运")
    complaints.assign_complaint(office, so.clerk, second.id, so.supervisor)
    second = complaints.record_handling(office, so.clerk, second.id, handling="通知保洁",
                                        result="已清运")
    assert second.callback_due_at == now + 5 * H + 48 * H


def test_handling_refusals_leave_the_database_unchanged(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    row = complain(so)

    def handle(**fields):
        values = dict(handling="约谈", result="已解决")
        values.update(fields)
        return complaints.record_handling(so.office, so.clerk, row.id, **values)

    refused(handle, "complaint", match="TS-202611-001")  # not assigned yet
    complaints.assign_complaint(so.office, so.clerk, row.id, so.supervisor)
    refused(lambda: handle(handling=""), "handling")
    refused(lambda: handle(result="\n\t"), "result")
    refused(lambda: handle(result="好" * 2001), "result")
    refused(lambda: complaints.record_handling(so.office, so.technician, row.id,
                                               handling="约谈", result="已解决"), "clerk")
    handle()
    refused(handle, "complaint")  # handled already


def test_the_whole_life_with_a_reopening(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = handled(so)
    refused(lambda: complaints.close_complaint(so.office, so.clerk, row.id), "complaint")
    frozen_clock(now + 3 * H)
    callbacks.record_callback(so.office, so.clerk, complaint_id=row.id,
                              outcome="not_satisfied", note="还在吵")
    assert fresh(row).state == "assigned"
    refused(lambda: complaints.close_complaint(so.office, so.clerk, row.id), "complaint")
    complaints.record_handling(so.office, so.clerk, row.id, handling="主管上门",
                               result="装修户签了承诺书")
    frozen_clock(now + 6 * H)
    callbacks.record_callback(so.office, so.clerk, complaint_id=row.id, outcome="satisfied")
    frozen_clock(now + 7 * H)
    closed = complaints.close_complaint(so.office, so.clerk, row.id)
    stored = fresh(closed)
    assert (stored.state, stored.closed_at, stored.called_back_at) == (
        "closed", now + 7 * H, now + 6 * H)
    assert (stored.handling, stored.handled_at) == ("主管上门", now + 3 * H)
    assert [a for a, _ in log_of("complaint", row.id)] == [
        "create", "assign", "handle", "reopen", "handle", "callback", "close"]
    refused(lambda: complaints.close_complaint(so.office, so.clerk, row.id), "complaint")
    assert Callback.select().where(Callback.complaint == row.id).count() == 2


def test_close_refuses_another_office_and_unknown_complaints(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    other = small_office("非凡物业枫林管理处")
    row = handled(so)
    callbacks.record_callback(so.office, so.clerk, complaint_id=row.id, outcome="refused")
    refused(lambda: complaints.close_complaint(other.office, other.clerk, row.id), "complaint")
    refused(lambda: complaints.close_complaint(so.office, so.clerk, None), "complaint")
    refused(lambda: complaints.close_complaint(so.office, other.clerk, row.id), "clerk")
    assert complaints.close_complaint(so.office, so.clerk, row.id).state == "closed"


# --- the monthly summary ---------------------------------------------------------------------

def test_the_summary_of_a_month(desk_db, frozen_clock):
    frozen_clock("2026-10-31T15:40:00")  # 23:40 on 31 Oct in Shanghai: October's
    so = small_office()
    october = complain(so, category="parking")
    frozen_clock("2026-11-30T16:10:00")  # 00:10 on 1 Dec in Shanghai: December's
    december = complain(so, category="pets")
    start = dt.datetime(2026, 11, 2, 1, 0)  # 09:00 on 2 Nov
    frozen_clock(start)
    on_time = handled(so, category="noise")  # handled at once, called back on time, closed
    frozen_clock(start + 2 * H)
    callbacks.record_callback(so.office, so.clerk, complaint_id=on_time.id,
                              outcome="satisfied")
    complaints.close_complaint(so.office, so.clerk, on_time.id)
    frozen_clock(start + 24 * H)
    late = complain(so, category="noise", unit=None, complainant_name="匿名",
                    channel="walk_in")
    complaints.assign_complaint(so.office, so.clerk, late.id, so.technician)
    frozen_clock(start + 24 * H + 30 * H)  # handled 30 h after receipt
    complaints.record_handling(so.office, so.clerk, late.id, handling="清理", result="已清理")
    frozen_clock(start + 24 * H + 30 * H + 26 * H)  # called back 2 h after the window
    callbacks.record_callback(so.office, so.clerk, complaint_id=late.id, outcome="satisfied")
    frozen_clock(start + 5 * 24 * H)
    overdue = handled(so, category="sanitation")  # never called back
    frozen_clock(start + 6 * 24 * H)
    waiting = handled(so, category="security")  # called back window still open at "now"
    frozen_clock(start + 6 * 24 * H + H)
    assigned = complain(so, category="fees")
    complaints.assign_complaint(so.office, so.clerk, assigned.id, so.supervisor)
    fresh_one = complain(so, category="fees")
    report_time = start + 6 * 24 * H + 2 * H
    frozen_clock(report_time)

    summary = complaints.complaint_summary(so.office, "2026-11")
    assert summary.month == "2026-11"
    assert (summary.start, summary.end) == (dt.datetime(2026, 10, 31, 16),
                                            dt.datetime(2026, 11, 30, 16))
    assert [r.number for r in summary.rows] == [
        "TS-202611-001", "TS-202611-002", "TS-202611-003", "TS-202611-004", "TS-202611-005",
        "TS-202611-006"]
    ids = [on_time.id, late.id, overdue.id, waiting.id, assigned.id, fresh_one.id]
    assert [r.id for r in summary.rows] == ids
    assert october.id not in ids and december.id not in ids
    assert summary.total == 6
    assert summary.by_category == {"noise": 2, "parking": 0, "sanitation": 1, "security": 1,
                                   "pets": 0, "greening": 0, "service": 0, "repair": 0,
                                   "fees": 2, "other": 0}
    assert summary.by_state == {"open": 1, "assigned": 1, "handled": 2, "called_back": 1,
                                "closed": 1}
    assert summary.closed == 1
    assert summary.handled == 4
    assert summary.handled_within == {24: 3, 48: 4, 72: 4}
    assert summary.longest_handling_hours == 30
    assert summary.average_handling_hours == pytest.approx(7.5)
    assert (summary.called_back, summary.called_back_on_time, summary.callback_overdue) == (
        2, 1, 1)
    assert summary.callback_rate == pytest.approx(1 / 3)

    first, second = summary.rows[0], summary.rows[1]
    assert first.received_date == dt.date(2026, 11, 2) and first.unit == "3-2-501"
    assert (first.complainant, first.category, first.description) == ("王芳", "noise",
                                                                      "楼上装修太吵")
    assert (first.handler, first.handling, first.result) == ("刘芳", "约谈装修户",
                                                             "已承诺按时施工")
    assert first.callback_date == dt.date(2026, 11, 2) and first.callback_on_time is True
    assert first.handling_hours == 0 and first.state == "closed"
    assert first.closed_at == start + 2 * H
    assert (second.unit, second.complainant, second.channel, second.handler) == (
        "", "匿名", "walk_in", "张强")
    assert second.received_date == dt.date(2026, 11, 3)
    assert second.callback_date == dt.date(2026, 11, 5)  # 17:00 on 5 Nov in Shanghai
    assert second.called_back_at == start + 80 * H
    assert second.callback_on_time is False and second.handling_hours == 30
    last = summary.rows[-1]
    assert (last.handler, last.handling, last.handled_at, last.callback_date) == (
        "", "", None, None)
    assert last.callback_on_time is None and last.handling_hours is None

    # cross-check every figure against the records themselves
    stored = {c.id: c for c in Complaint.select().where(Complaint.id.in_(ids))}
    for line in summary.rows:
        c = stored[line.id]
        assert (line.number, line.state, line.category, line.handled_at, line.called_back_at,
                line.callback_due_at) == (c.number, c.state, c.category, c.handled_at,
                                          c.called_back_at, c.callback_due_at)
    assert sum(summary.by_state.values()) == sum(summary.by_category.values()) == len(stored)

    # the same month by other names, and an empty one
    assert complaints.complaint_summary(so.office, "202611").rows == summary.rows
    assert complaints.complaint_summary(so.office, dt.date(2026, 11, 17)).rows == summary.rows
    assert [r.id for r in complaints.complaint_summary(so.office, "2026-10").rows] == [
        october.id]
    empty = complaints.complaint_summary(so.office, "2026-09")
    assert empty.total == 0 and empty.callback_rate is None
    assert empty.average_handling_hours is None and empty.longest_handling_hours is None
    assert set(empty.by_state.values()) == {0}
    other = small_office("非凡物业枫林管理处")
    assert complaints.complaint_summary(other.office, "2026-11").total == 0
    with pytest.raises(DutyError) as caught:
        complaints.complaint_summary(so.office, "2026-13")
    assert caught.value.field == "month"


# --- the texts of the handling, checked all at once ---------------------------------------

def test_handling_errors_name_every_field_at_once():
    assert complaints.handling_errors("约谈装修户", "已承诺") == {}
    errors = complaints.handling_errors(" \n", "")
    assert set(errors) == {"handling", "result"} and all(errors.values())
    assert set(complaints.handling_errors("约谈", "\x1b[2J")) == {"result"}
    assert complaints.handling_texts("[b]约谈[/b]\x1b[31m", " 好 ") == ("[b]约谈[/b]", "好")
    with pytest.raises(DutyError) as caught:
        complaints.handling_texts("", "")
    assert caught.value.field == "handling"
