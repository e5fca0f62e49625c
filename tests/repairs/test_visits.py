"""Walk-in visitors and their conversion into an order or a complaint
(deskterm.duties.repairs.visits), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from deskterm.db.models import Complaint, Counter, RepairOrder, ServiceEntry, Visit
from deskterm.duties.repairs import visits
from deskterm.errors import DutyError
from tests.factories import small_office
from tests.repairs.test_orders import log_of, refused, snapshot

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai


def visit(so, **fields) -> Visit:
    values = dict(visitor_name="张三", purpose="厨房水管漏水，想请师傅来看", unit=so.unit,
                  phone="138-1234-5678")
    values.update(fields)
    return visits.record_visit(so.office, so.clerk, **values)


def test_a_visit_is_recorded(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = Visit.get_by_id(visit(so).id)
    assert (row.visitor_name, row.phone, row.unit_id) == ("张三", "13812345678", so.unit.id)
    assert (row.at, row.recorded_by_id, row.order_id, row.complaint_id) == (
        now, so.clerk.id, None, None)
    action, detail = log_of("visit", row.id)[0]
    assert action == "create" and detail["after"]["purpose"] == "厨房水管漏水，想请师傅来看"
    bare = visits.record_visit(so.office, so.clerk, visitor_name="路人", purpose="问路")
    assert (bare.unit_id, bare.phone) == (None, "")


@pytest.mark.parametrize(("fields", "field"), [
    (dict(visitor_name=""), "visitor_name"),
    (dict(visitor_name="张" * 41), "visitor_name"),
    (dict(purpose="  "), "purpose"),
    (dict(purpose="问" * 2001), "purpose"),
    (dict(phone="1381234"), "phone"),
    (dict(unit=99999), "unit"),
])
def test_record_refusals_leave_the_database_unchanged(desk_db, frozen_clock, fields, field):
    frozen_clock(NOW)
    so = small_office()
    refused(lambda: visit(so, **fields), field)


def test_record_refuses_other_offices(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    other = small_office("非凡物业枫林管理处")
    refused(lambda: visit(so, unit=other.unit), "unit")
    refused(lambda: visits.record_visit(so.office, other.clerk, visitor_name="张三",
                                        purpose="问路"), "clerk")


# --- conversions --------------------------------------------------------------------------

def test_a_visit_becomes_a_repair_order(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = visit(so)
    order = visits.visit_to_order(so.office, so.clerk, row.id, category="water",
                                  technician=so.technician)
    order = RepairOrder.get_by_id(order.id)
    assert order.number == "WX-202611-0001" and order.state == "dispatched"
    assert (order.channel, order.category, order.unit_id) == ("walk_in", "water", so.unit.id)
    assert (order.reporter_name, order.reporter_phone) == ("张三", "13812345678")
    assert order.description == "厨房水管漏水，想请师傅来看"
    entry = ServiceEntry.get_by_id(order.service_entry_id)
    assert (entry.channel, entry.kind, entry.at) == ("walk_in", "repair", now)
    linked = Visit.get_by_id(row.id)
    assert (linked.order_id, linked.complaint_id) == (order.id, None)
    assert log_of("visit", row.id)[-1] == ("to_order", {"before": {"order": None},
                                                        "after": {"order": order.id}})


def test_the_order_fields_override_the_visit(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    row = visit(so, unit=None, phone="", purpose="3栋楼道灯不亮")
    order = visits.visit_to_order(so.office, so.clerk, row, is_public=True,
                                  building=so.building, request="3栋2单元楼道灯不亮")
    assert order.is_public and order.unit_id is None and order.building_id == so.building.id
    assert order.description == "3栋2单元楼道灯不亮"
    assert Visit.get_by_id(row.id).order_id == order.id


def test_a_visit_becomes_a_complaint(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = visit(so, purpose="邻居家的狗半夜一直叫")
    complaint = visits.visit_to_complaint(so.office, so.clerk, row.id, category="pets")
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.number == "TS-202611-001" and complaint.state == "open"
    assert (complaint.channel, complaint.category, complaint.unit_id) == (
        "walk_in", "pets", so.unit.id)
    assert (complaint.complainant_name, complaint.phone) == ("张三", "13812345678")
    assert (complaint.description, complaint.received_at) == ("邻居家的狗半夜一直叫", now)
    linked = Visit.get_by_id(row.id)
    assert (linked.order_id, linked.complaint_id) == (None, complaint.id)
    assert log_of("visit", row.id)[-1][0] == "to_complaint"
    assert RepairOrder.select().count() == 0


def test_a_complaint_needs_a_phone_the_visit_may_lack(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    row = visit(so, phone="")
    refused(lambda: visits.visit_to_complaint(so.office, so.clerk, row.id), "phone")
    complaint = visits.visit_to_complaint(so.office, so.clerk, row.id, phone="027-8765 4321")
    assert complaint.phone == "02787654321"


def test_a_visit_is_converted_once(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    to_order, to_complaint = visit(so), visit(so)
    visits.visit_to_order(so.office, so.clerk, to_order.id)
    visits.visit_to_complaint(so.office, so.clerk, to_complaint.id)
    for row, number in ((to_order, "WX-202611-0001"), (to_complaint, "TS-202611-001")):
        refused(lambda r=row: visits.visit_to_order(so.office, so.clerk, r.id), "visit",
                match=number)
        refused(lambda r=row: visits.visit_to_complaint(so.office, so.clerk, r.id), "visit",
                match=number)


def test_a_refused_conversion_leaves_everything_as_it_was(desk_db, frozen_clock):
    """register_call writes the register line before it finds the unit missing: its
    savepoint and the visit's transaction both roll back, counters included."""
    frozen_clock(NOW)
    so = small_office()
    other = small_office("非凡物业枫林管理处")
    visits.visit_to_order(so.office, so.clerk, visit(so).id)  # counters exist
    visits.visit_to_complaint(so.office, so.clerk, visit(so).id)
    row = visit(so, unit=None)
    refused(lambda: visits.visit_to_order(so.office, so.clerk, row.id), "unit")
    refused(lambda: visits.visit_to_order(so.office, so.clerk, row.id,
                                          technician=so.clerk), "technician")
    refused(lambda: visits.visit_to_complaint(so.office, so.clerk, row.id,
                                              category="weather"), "category")
    refused(lambda: visits.visit_to_order(so.office, so.clerk, 99999), "visit")
    refused(lambda: visits.visit_to_order(other.office, other.clerk, row.id,
                                          unit=other.unit), "visit")
    refused(lambda: visits.visit_to_complaint(so.office, so.technician, row.id), "clerk")
    assert Visit.get_by_id(row.id).order_id is None


def test_the_link_and_the_new_record_commit_together(desk_db, frozen_clock, monkeypatch):
    """A failure after register_call / record_complaint have written (their savepoints
    released) still takes the order or complaint and its number back."""
    frozen_clock(NOW)
    so = small_office()
    row = visit(so)
    before = snapshot()

    def broken(*_args, **_kwargs):
        raise DutyError("the link failed", "visit")

    monkeypatch.setattr(visits, "update_row", broken)
    with pytest.raises(DutyError):
        visits.visit_to_order(so.office, so.clerk, row.id)
    with pytest.raises(DutyError):
        visits.visit_to_complaint(so.office, so.clerk, row.id)
    assert snapshot() == before
    assert Counter.select().count() == 0
    monkeypatch.undo()
    order = visits.visit_to_order(so.office, so.clerk, row.id)
    assert order.number == "WX-202611-0001"


def test_channel_and_kind_are_the_conversions_own():
    with pytest.raises(TypeError):
        visits.visit_to_order(None, None, 1, channel="phone")
    with pytest.raises(TypeError):
        visits.visit_to_complaint(None, None, 1, channel="phone")
