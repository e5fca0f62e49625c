"""The Monday approval, the month-end handover by district and the filing of public-area
orders (deskterm.duties.approvals), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.db import changes
from deskterm.db.models import District, RepairOrder, Staff
from deskterm.duties import approvals
from deskterm.duties.pins import hash_pin
from tests.factories import PIN, order, small_office
from tests.test_orders import log_of, refused

NOW = "2026-11-30T01:30:00"  # Monday 30 November, 09:30 in Shanghai
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
MANAGER_PIN = "9876"


def people(so):
    now = so.office.created_at
    with changes.write():
        manager = Staff.create(office=so.office, name="赵建国", role="manager",
                               pin_hash=hash_pin(MANAGER_PIN), created_at=now)
        cs = Staff.create(office=so.office, name="周敏", role="cs_supervisor", created_at=now)
    return manager, cs


def called_back(so, at, **fields):
    return order(so, state="called_back", returned=at - 3 * H, called_back_at=at,
                 callback_on_time=True, **fields)


def test_approval_list_is_last_weeks_called_back_orders_and_leftovers(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    last_week = called_back(so, now - 3 * D)  # Friday
    leftover = called_back(so, now - 10 * D)  # the week before, never approved
    called_back(so, now - H)  # this week: next Monday's list
    order(so, state="approved", returned=now - 4 * D, called_back_at=now - 4 * D + H)
    order(so, state="returned", returned=now - 2 * D)
    listed = approvals.approval_list(so.office, dt.date(2026, 11, 23))
    assert [r.id for r in listed] == [leftover.id, last_week.id]
    assert listed[1].place == "3-2-501" and listed[1].technician == "张强"
    assert listed[1].called_back_at == now - 3 * D
    # any day of the week means that week
    assert approvals.approval_list(so.office, dt.date(2026, 11, 26)) == listed


def test_the_manager_approves_a_batch_with_the_managers_pin(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    manager, _cs = people(so)
    rows = [called_back(so, now - 3 * D), called_back(so, now - 2 * D)]
    approved = approvals.approve_orders(so.office, manager.id, MANAGER_PIN,
                                        [r.id for r in rows] + [rows[0].id])
    assert sorted(o.id for o in approved) == sorted(r.id for r in rows)
    for row in rows:
        row = RepairOrder.get_by_id(row.id)
        assert (row.state, row.approved_at, row.approved_by_id) == ("approved", now, manager.id)
        action, detail = log_of("repair_order", row.id)[-1]
        assert action == "approve" and detail["before"]["state"] == "called_back"
        assert detail["after"]["approved_by"] == manager.id
    assert approvals.approval_list(so.office, dt.date(2026, 11, 23)) == []


def test_a_clerks_pin_cannot_approve(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    people(so)
    row = called_back(so, now - 3 * D)
    for person in (so.clerk, so.supervisor):
        error = refused(lambda person=person: approvals.approve_orders(
            so.office, person.id, PIN, [row.id]), "manager")
        assert "manager" in error.message


def test_wrong_or_unusable_approvals_are_refused_whole(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    manager, _cs = people(so)
    good = called_back(so, now - 3 * D)
    returned = order(so, state="returned", returned=now - 5 * H)
    approve = approvals.approve_orders
    refused(lambda: approve(so.office, manager.id, "1111", [good.id]), "pin")
    refused(lambda: approve(so.office, manager.id, "", [good.id]), "pin")
    refused(lambda: approve(so.office, manager.id, MANAGER_PIN, []), "orders")
    error = refused(lambda: approve(so.office, manager.id, MANAGER_PIN, [good.id, returned.id]),
                    "orders")
    assert returned.number in error.message and good.number not in error.message
    refused(lambda: approve(so.office, manager.id, MANAGER_PIN, [good.id, 999]), "orders")
    other = small_office("非凡物业枫林管理处")
    foreign = called_back(other, now - 3 * D)
    refused(lambda: approve(so.office, manager.id, MANAGER_PIN, [foreign.id]), "orders")
    refused(lambda: approve(other.office, manager.id, MANAGER_PIN, [foreign.id]), "manager")
    with changes.write():
        Staff.update(active=False).where(Staff.id == manager.id).execute()
    refused(lambda: approve(so.office, manager.id, MANAGER_PIN, [good.id]), "manager")


def test_month_end_handover_by_district(desk_db, frozen_clock):
    now = frozen_clock(NOW)  # 30 November
    so = small_office()
    _manager, cs = people(so)
    with changes.write():
        west = District.create(office=so.office, code="B", name="西区")
    approved = dict(state="approved", approved_at=now - D)
    this_month = order(so, returned=now - 5 * D, **approved)
    earlier = order(so, returned=dt.datetime(2026, 10, 20), **approved)
    order(so, returned=now - 5 * D, district=west, **approved)  # other district
    order(so, returned=now - 5 * D, is_public=True, **approved)  # public: filed instead
    order(so, state="called_back", returned=now - 5 * D)  # not approved yet
    next_month = order(so, returned=dt.datetime(2026, 11, 30, 16, 30), **approved)  # 1 Dec
    listed = approvals.month_end_handover(so.office, so.clerk, "2026-11", so.district.id,
                                          cs.id)
    assert [r.id for r in listed] == sorted([this_month.id, earlier.id])
    for row in (this_month, earlier):
        row = RepairOrder.get_by_id(row.id)
        assert (row.state, row.handed_over_at, row.handed_over_to_id) == (
            "handed_over", now, cs.id)
        assert log_of("repair_order", row.id)[-1][0] == "hand_over"
    assert RepairOrder.get_by_id(next_month.id).state == "approved"
    # nothing left: an empty list and no write
    assert approvals.month_end_handover(so.office, so.clerk, "202611", so.district, cs) == []


@pytest.mark.parametrize(("args", "field"), [
    (("2026-13",), "month"),
    (("November",), "month"),
])
def test_handover_refuses_a_bad_month(desk_db, frozen_clock, args, field):
    frozen_clock(NOW)
    so = small_office()
    _manager, cs = people(so)
    refused(lambda: approvals.month_end_handover(so.office, so.clerk, *args, so.district.id,
                                                 cs.id), field)


def test_handover_refuses_wrong_district_or_supervisor(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    manager, cs = people(so)
    order(so, returned=now - 5 * D, state="approved")
    other = small_office("非凡物业枫林管理处")
    hand = approvals.month_end_handover
    refused(lambda: hand(so.office, so.clerk, "2026-11", other.district.id, cs.id), "district")
    refused(lambda: hand(so.office, so.clerk, "2026-11", so.district.id, manager.id),
            "cs_supervisor")
    refused(lambda: hand(so.office, so.technician, "2026-11", so.district.id, cs.id), "clerk")


def test_public_orders_are_filed_for_the_month(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    public = order(so, state="approved", returned=now - 5 * D, is_public=True, unit=None)
    order(so, state="approved", returned=now - 5 * D)  # private: handed over instead
    order(so, state="called_back", returned=now - 5 * D, is_public=True, unit=None)
    listed = approvals.file_public_orders(so.office, so.clerk, dt.date(2026, 11, 1))
    assert [r.id for r in listed] == [public.id] and listed[0].place == "3栋"
    row = RepairOrder.get_by_id(public.id)
    assert (row.state, row.filed_at) == ("filed", now)
    assert log_of("repair_order", row.id)[-1][0] == "file"
    assert approvals.file_public_orders(so.office, so.clerk, "2026-11") == []
