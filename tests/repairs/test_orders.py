"""Call intake, order numbers, dispatch and return (deskterm.duties.orders), and the
technicians' free slots (deskterm.duties.repairs.slots), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    MODELS,
    ChangeLog,
    Charge,
    Counter,
    FeeItem,
    Owner,
    RepairOrder,
    ServiceEntry,
    Staff,
    StockItem,
    StockMove,
    Unit,
)
from deskterm.duties import orders
from deskterm.duties.repairs import order_work, slots
from deskterm.errors import DutyError
from tests.factories import order, small_office

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def snapshot() -> dict:
    """Every row of every table: a refused duty must leave all of it as it was."""
    return {m.__name__: list(m.select().order_by(m._meta.primary_key).tuples())
            for m in MODELS}


def refused(call, field: str | None = None, *, match: str | None = None) -> DutyError:
    """``call()`` raises DutyError (for ``field``) and the database is unchanged."""
    before = snapshot()
    with pytest.raises(DutyError) as caught:
        call()
    assert snapshot() == before
    if field is not None:
        assert caught.value.field == field, caught.value.message
    if match is not None:
        assert match in caught.value.message
    return caught.value


def log_of(topic: str, row_id: int) -> list[tuple[str, dict]]:
    return [(c.action, json.loads(c.detail) if c.detail else {})
            for c in changes.history(topic, row_id)]


def call(so, **fields):
    values = dict(channel="phone", kind="repair", caller_name="张三", phone="13812345678",
                  request="厨房水龙头漏水", unit=so.unit)
    values.update(fields)
    return orders.register_call(so.office, so.clerk, **values)


def stock(so, code="FJ-01", name="水龙头阀芯", quantity=5) -> StockItem:
    with changes.write():
        item = StockItem.create(office=so.office, code=code, name=name, book_quantity=quantity)
        changes.record("stock_item", item.id, "create", office=so.office)
    return item


# --- call intake -----------------------------------------------------------------------------

def test_a_repair_call_makes_a_register_line_and_an_order(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    entry, row = call(so, appointment_at=now + 4 * H, category="water", urgency="urgent")
    assert entry.kind == "repair" and entry.recorded_by_id == so.clerk.id and entry.at == now
    row = RepairOrder.get_by_id(row.id)
    assert row.number == "WX-202611-0001" and row.state == "registered"
    assert row.service_entry_id == entry.id and row.district_id == so.district.id
    assert row.building_id == so.building.id and row.unit_id == so.unit.id
    assert (row.category, row.urgency, row.reporter_phone) == ("water", "urgent", "13812345678")
    assert row.dispatched_at is None and row.technician_id is None
    assert row.appointment_at == now + 4 * H
    assert [a for a, _ in log_of("service_entry", entry.id)] == ["create"]
    action, detail = log_of("repair_order", row.id)[0]
    assert action == "create" and detail["after"]["number"] == "WX-202611-0001"
    counter = Counter.get()
    assert (counter.period, counter.value) == ("202611", 1)
    assert log_of("counter", counter.id)[0][0] == "create"


def test_a_call_with_a_technician_is_dispatched_and_numbers_follow_on(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    call(so)
    _entry, row = call(so, technician=so.technician)
    assert row.number == "WX-202611-0002"
    assert row.state == "dispatched" and row.dispatched_at == now
    assert row.technician_id == so.technician.id
    counter = Counter.get()
    assert log_of("counter", counter.id)[-1] == (
        "update", {"before": {"value": 1},
                   "after": {"name": "repair_order", "period": "202611", "value": 2}})


def test_an_enquiry_is_a_register_line_only(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    entry = call(so, kind="enquiry", request="物业费怎么交", unit=None)
    assert isinstance(entry, ServiceEntry)
    assert RepairOrder.select().count() == 0 and Counter.select().count() == 0


def test_an_owner_gives_the_unit(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    owner = Owner.get(Owner.name == "张三")
    entry, row = call(so, unit=None, owner=owner.id)
    assert entry.owner_id == owner.id and row.unit_id == so.unit.id


def test_a_public_area_order_takes_the_building_or_district(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    _entry, by_building = call(so, is_public=True, unit=None, building=so.building,
                               channel="patrol", phone="", category="public_area")
    assert by_building.is_public and by_building.unit_id is None
    assert by_building.building_id == so.building.id
    assert by_building.district_id == so.district.id and by_building.channel == "patrol"
    entry, by_district = call(so, is_public=True, district=so.district.id, channel="technician",
                              phone="")
    assert by_district.building_id is None and by_district.district_id == so.district.id
    # reported by an owner: the register line keeps the unit, the order does not
    entry, reported = call(so, is_public=True, building=so.building)
    assert entry.unit_id == so.unit.id and reported.unit_id is None


@pytest.mark.parametrize(("fields", "field"), [
    (dict(channel="fax"), "channel"),
    (dict(kind="wish"), "kind"),
    (dict(caller_name="  "), "caller_name"),
    (dict(caller_name="张" * 41), "caller_name"),
    (dict(request=""), "request"),
    (dict(request="漏" * 2001), "request"),
    (dict(phone=""), "phone"),
    (dict(phone="138-abc"), "phone"),
    (dict(category="magic"), "category"),
    (dict(urgency="yesterday"), "urgency"),
    (dict(unit=None), "unit"),
    (dict(unit=999), "unit"),
    (dict(owner=999), "owner"),
    (dict(technician=999), "technician"),
    (dict(is_public=True, unit=None, phone="", channel="patrol"), "building"),
    (dict(appointment_at=dt.datetime(2026, 11, 26, 1, 0)), "appointment_at"),
])
def test_register_call_refusals_leave_the_database_unchanged(desk_db, frozen_clock, fields,
                                                              field):
    frozen_clock(NOW)
    so = small_office()
    call(so)  # a counter row exists: a refusal must not move it
    refused(lambda: call(so, **fields), field)


def test_register_call_refuses_other_offices_and_wrong_people(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    other = small_office("非凡物业枫林管理处")
    refused(lambda: call(so, unit=other.unit), "unit")
    refused(lambda: call(so, technician=other.technician), "technician")
    refused(lambda: call(so, technician=so.clerk), "technician")  # not a technician
    refused(lambda: call(so, building=other.building), "building")
    refused(lambda: orders.register_call(
        so.office, other.clerk, channel="phone", kind="repair", caller_name="张三",
        phone="13812345678", request="漏水", unit=so.unit), "clerk")
    with changes.write():
        Staff.update(active=False).where(Staff.id == so.technician.id).execute()
    refused(lambda: call(so, technician=so.technician), "technician")
    with changes.write():
        unit = Unit.create(office=so.office, building=so.building, entrance="1", room="101",
                           code="3-1-101", area_centi_m2=7000)
    owner = Owner.get(Owner.name == "张三")
    refused(lambda: call(so, unit=unit, owner=owner), "owner", match="3-1-101")


# --- order numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize(("moment", "number"), [
    ("2026-11-30T15:30:00", "WX-202611-0001"),  # 23:30 on 30 Nov in Shanghai
    ("2026-11-30T16:30:00", "WX-202612-0001"),  # 00:30 on 1 Dec in Shanghai, 30 Nov in UTC
])
def test_the_number_takes_the_office_month_not_the_utc_one(desk_db, frozen_clock, moment,
                                                           number):
    frozen_clock(moment)
    so = small_office()
    _entry, row = call(so)
    assert row.number == number


def test_each_month_counts_from_one(desk_db, frozen_clock):
    frozen_clock("2026-11-30T15:30:00")
    so = small_office()
    assert [call(so)[1].number for _ in range(2)] == ["WX-202611-0001", "WX-202611-0002"]
    frozen_clock("2026-11-30T16:30:00")
    assert call(so)[1].number == "WX-202612-0001"
    other = small_office("非凡物业枫林管理处")
    assert call(other)[1].number == "WX-202612-0001"  # each office its own counter
    assert Counter.select().count() == 3


def test_next_order_number_needs_the_callers_transaction(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    with pytest.raises(RuntimeError):
        orders.next_order_number(so.office, now)
    with changes.write():
        assert orders.next_order_number(so.office, now) == "WX-202611-0001"


# --- dispatch ---------------------------------------------------------------------------------

def test_dispatch_then_reassign_and_reschedule(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    _entry, row = call(so)
    order_work.dispatch(so.office, so.clerk, row.id, so.technician, appointment_at=now + 3 * H)
    row = RepairOrder.get_by_id(row.id)
    assert (row.state, row.technician_id, row.dispatched_at) == (
        "dispatched", so.technician.id, now)
    assert row.appointment_at == now + 3 * H
    with changes.write():
        other = Staff.create(office=so.office, name="王师傅", role="technician", created_at=now)
    frozen_clock(now + 10 * M)
    order_work.dispatch(so.office, so.clerk.id, row.id, other.id)
    row = RepairOrder.get_by_id(row.id)
    assert row.technician_id == other.id and row.dispatched_at == now + 10 * M
    assert row.appointment_at == now + 3 * H  # kept
    action, detail = log_of("repair_order", row.id)[-1]
    assert action == "dispatch"
    assert detail["before"]["technician"] == so.technician.id
    assert detail["after"]["technician"] == other.id
    order_work.dispatch(so.office, so.clerk, row.id, other, appointment_at=now + 5 * H)
    assert RepairOrder.get_by_id(row.id).appointment_at == now + 5 * H


def test_dispatch_refusals(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    _entry, row = call(so, technician=so.technician)
    refused(lambda: order_work.dispatch(so.office, so.clerk, row.id, so.technician), "technician",
            match="already")
    refused(lambda: order_work.dispatch(so.office, so.clerk, row.id, so.supervisor), "technician")
    refused(lambda: order_work.dispatch(so.office, so.clerk, 999, so.technician), "order")
    refused(lambda: order_work.dispatch(so.office, so.clerk, row.id, so.technician,
                                    appointment_at=now - 2 * H), "appointment_at")
    done = order(so, state="returned", returned=now - H)
    refused(lambda: order_work.dispatch(so.office, so.clerk, done.id, so.technician), "order")
    other = small_office("非凡物业枫林管理处")
    refused(lambda: order_work.dispatch(other.office, other.clerk, row.id, other.technician),
            "order")


# --- return -----------------------------------------------------------------------------------

def test_return_opens_the_callback_window_draws_stock_and_charges(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    _entry, row = call(so, technician=so.technician)
    valve, tape = stock(so), stock(so, "SL-01", "生料带", 10)
    frozen_clock(now + 3 * H)
    order_work.return_order(so.office, so.clerk, row.id, result="done", work_done="换阀芯",
                        materials=[(valve.id, 1), (tape.id, 2), (valve.id, 1)],
                        charge_fen=3550)
    row = RepairOrder.get_by_id(row.id)
    returned = now + 3 * H
    assert (row.state, row.result, row.work_done) == ("returned", "done", "换阀芯")
    assert row.returned_at == returned and row.callback_due_at == returned + 24 * H
    assert row.charge == 3550
    assert StockItem.get_by_id(valve.id).book_quantity == 3
    assert StockItem.get_by_id(tape.id).book_quantity == 8
    moves = sorted((m.item_id, m.quantity, m.kind, m.order_id) for m in StockMove.select())
    assert moves == sorted([(valve.id, -2, "draw", row.id), (tape.id, -2, "draw", row.id)])
    charge = Charge.get()
    assert (charge.amount, charge.unit_id, charge.order_id, charge.period) == (
        3550, so.unit.id, row.id, "2026-11")
    fee = FeeItem.get_by_id(charge.fee_item_id)
    assert (fee.code, fee.kind) == ("repair", "repair")
    assert ServiceEntry.get_by_id(row.service_entry_id).completed_at == returned
    assert log_of("stock_item", valve.id)[-1] == (
        "draw", {"before": {"book_quantity": 5}, "after": {"book_quantity": 3}})
    assert log_of("charge", charge.id)[0][0] == "create"
    assert log_of("fee_item", fee.id)[0][0] == "create"
    action, detail = log_of("repair_order", row.id)[-1]
    assert action == "return" and detail["before"]["state"] == "dispatched"
    assert detail["after"]["charge"] == 3550


def test_a_charge_uses_the_offices_repair_fee_and_the_office_month(desk_db, frozen_clock):
    frozen_clock("2026-11-30T15:00:00")
    so = small_office()
    with changes.write():
        fee = FeeItem.create(office=so.office, code="WX", name="维修服务费", kind="repair")
    _entry, row = call(so, technician=so.technician)
    frozen_clock("2026-11-30T16:30:00")  # 1 December in Shanghai
    order_work.return_order(so.office, so.clerk, row.id, result="not_done", work_done="缺配件",
                        charge_fen=1)
    charge = Charge.get()
    assert (charge.fee_item_id, charge.period, charge.amount) == (fee.id, "2026-12", 1)
    assert FeeItem.select().count() == 1
    assert ServiceEntry.get_by_id(row.service_entry_id).completed_at is None  # not done


def test_return_refusals_leave_stock_and_charges_alone(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    _entry, row = call(so, technician=so.technician)
    valve = stock(so, quantity=1)
    ret = order_work.return_order

    def back(**fields):
        values = dict(result="done", work_done="换阀芯")
        values.update(fields)
        return lambda: ret(so.office, so.clerk, row.id, **values)

    error = refused(back(materials=[(valve.id, 2)], charge_fen=100), "materials")
    assert "水龙头阀芯" in error.message and "1" in error.message
    refused(back(materials=[(valve.id, 1), (valve.id, 1)]), "materials")  # 2 in all
    refused(back(materials=[(valve.id, 0)]), "materials")
    refused(back(materials=[(valve.id, 1.5)]), "materials")
    refused(back(materials=[(999, 1)]), "materials")
    refused(back(materials=[valve.id]), "materials")
    refused(back(result="maybe"), "result")
    refused(back(work_done=" "), "work_done")
    refused(back(charge_fen=-1), "charge")
    refused(back(charge_fen=12.5), "charge")
    refused(back(charge_fen=order_work.MAX_CHARGE_FEN + 1), "charge")
    registered = call(so)[1]
    refused(lambda: ret(so.office, so.clerk, registered.id, result="done", work_done="x"),
            "order")
    public = call(so, is_public=True, building=so.building, technician=so.technician)[1]
    refused(lambda: ret(so.office, so.clerk, public.id, result="done", work_done="修灯",
                        charge_fen=500), "charge", match="public")
    other = small_office("非凡物业枫林管理处")
    foreign = stock(other, quantity=10)
    refused(back(materials=[(foreign.id, 1)]), "materials")
    # and the same order returns fine afterwards
    order_work.return_order(so.office, so.clerk, row.id, result="done", work_done="换阀芯",
                        materials=[(valve.id, 1)])
    assert StockItem.get_by_id(valve.id).book_quantity == 0
    refused(back(), "order")  # returned already
    assert RepairOrder.get_by_id(row.id).returned_at == now


def test_every_write_has_its_change_log_row(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    valve = stock(so)
    first = ChangeLog.select().count()
    _entry, row = call(so, technician=so.technician)
    # the entry, the counter, the order, the technician's message (issue #14)
    assert ChangeLog.select().count() == first + 4
    order_work.return_order(so.office, so.clerk, row.id, result="done", work_done="换阀芯",
                        materials=[(valve.id, 1)], charge_fen=100)
    # stock move, stock item, fee item, charge, order, register line
    assert ChangeLog.select().count() == first + 4 + 6
    topics = {c.topic for c in ChangeLog.select().where(ChangeLog.id > first)}
    assert topics == {"service_entry", "counter", "repair_order", "stock_move", "stock_item",
                      "fee_item", "charge", "outbox_message"}


# --- technicians' slots [7.4.7] -------------------------------------------------------------------

def _local(day: int, hh: int, mm: int = 0) -> dt.datetime:
    """November 2026, office time (Shanghai, UTC+8) as naive UTC."""
    return dt.datetime(2026, 11, day, hh, mm) - 8 * H


def _booked(so, *times):
    return [order(so, appointment=at) for at in times]


def test_schedule_and_busy(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    a, b = _booked(so, _local(26, 14), _local(26, 9, 30))
    _booked(so, _local(27, 9))  # another day
    order(so, state="returned", appointment=_local(26, 11), returned=now_utc())  # not open
    assert slots.technician_schedule(so.office, so.technician, dt.date(2026, 11, 26)) == [
        (_local(26, 9, 30), _local(26, 10, 30), b.id), (_local(26, 14), _local(26, 15), a.id)]
    assert slots.is_busy(so.office, so.technician, _local(26, 10))
    assert slots.is_busy(so.office, so.technician, _local(26, 13, 1))
    assert not slots.is_busy(so.office, so.technician, _local(26, 13))  # ends as 14:00 starts
    assert not slots.is_busy(so.office, so.technician, _local(26, 10, 30))
    assert not slots.is_busy(so.office, so.technician, _local(26, 11))  # returned order


def test_next_free_slot_rounds_to_the_half_hour_and_skips_clashes(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    free = lambda after: slots.next_free_slot(so.office, so.technician, after)  # noqa: E731
    assert free(_local(26, 10, 5)) == _local(26, 10, 30)
    assert free(_local(26, 10, 30)) == _local(26, 10, 30)
    assert free(_local(26, 10, 31)) == _local(26, 11)
    _booked(so, _local(26, 10, 30), _local(26, 11, 30))
    assert free(_local(26, 10, 5)) == _local(26, 13, 30)  # 12:30 is lunch; then 13:30
    _booked(so, _local(26, 13, 45))
    assert free(_local(26, 10, 5)) == _local(26, 15)


def test_next_free_slot_never_in_lunch_nor_after_sign_out(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    free = lambda after: slots.next_free_slot(so.office, so.technician, after)  # noqa: E731
    assert free(_local(26, 11)) == _local(26, 11)  # 11:00-12:00 fits before lunch
    assert free(_local(26, 11, 10)) == _local(26, 13, 30)  # 11:30 would run into lunch
    assert free(_local(26, 12, 15)) == _local(26, 13, 30)
    assert free(_local(26, 16, 30)) == _local(26, 16, 30)  # winter: sign-out 17:30
    assert free(_local(26, 16, 40)) == _local(27, 8, 30)  # the next morning
    assert free(_local(26, 23, 50)) == _local(27, 8, 30)
    assert free(_local(26, 6)) == _local(26, 8, 30)
    _booked(so, _local(27, 8, 30))
    assert free(_local(26, 17)) == _local(27, 9, 30)
    two = dt.timedelta(hours=2)
    assert slots.next_free_slot(so.office, so.technician, _local(26, 10, 5),
                                duration=two) == _local(26, 13, 30)


def test_next_free_slot_in_summer_runs_to_six(desk_db, frozen_clock):
    frozen_clock("2026-07-01T02:00:00")
    so = small_office()
    late = dt.datetime(2026, 7, 1, 17) - 8 * H
    assert slots.next_free_slot(so.office, so.technician, late) == late  # 17:00-18:00


def test_slots_refuse_a_non_technician_and_silly_durations(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    with pytest.raises(DutyError) as caught:
        slots.next_free_slot(so.office, so.clerk, _local(26, 10))
    assert caught.value.field == "technician"
    with pytest.raises(DutyError) as caught:
        slots.is_busy(so.office, so.technician, _local(26, 10), dt.timedelta(hours=9))
    assert caught.value.field == "duration"
