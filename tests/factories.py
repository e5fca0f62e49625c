"""Small, explicit records for tests: an office with a few people, places and orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    Building,
    District,
    Office,
    Owner,
    OwnerPhone,
    RepairOrder,
    Staff,
    Unit,
)
from deskterm.duties.pins import hash_pin

PIN = "1234"
_HASH = None


def _pin_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = hash_pin(PIN)
    return _HASH


@dataclass
class SmallOffice:
    office: Office
    clerk: Staff
    supervisor: Staff
    technician: Staff
    district: District
    building: Building
    unit: Unit


def small_office(name: str = "非凡物业翠湖管理处") -> SmallOffice:
    now = now_utc()
    with changes.write():
        office = Office.create(name=name, created_at=now)
        clerk = Staff.create(office=office, name="李静", role="clerk", pinyin_initials="lj",
                             pin_hash=_pin_hash(), created_at=now)
        supervisor = Staff.create(office=office, name="刘芳", role="supervisor",
                                  pinyin_initials="lf", pin_hash=_pin_hash(), created_at=now)
        tech = Staff.create(office=office, name="张强", role="technician", created_at=now)
        district = District.create(office=office, code="A", name="东区")
        building = Building.create(office=office, district=district, code="3", name="3栋")
        unit = Unit.create(office=office, building=building, entrance="2", room="501",
                           code="3-2-501", area_centi_m2=8956)
        owner = Owner.create(office=office, unit=unit, name="张三", pinyin_initials="zs",
                             created_at=now)
        OwnerPhone.create(owner=owner, phone="13812345678")
        changes.record("office", office.id, "create", office=office)
    return SmallOffice(office, clerk, supervisor, tech, district, building, unit)


def order(so: SmallOffice, *, state: str = "dispatched", appointment: dt.datetime | None = None,
          returned: dt.datetime | None = None, text: str = "水龙头漏水", **fields) -> RepairOrder:
    now = now_utc()
    values = dict(
        office=so.office, district=so.district,
        number=f"WX-TEST-{RepairOrder.select().where(RepairOrder.office == so.office).count() + 1:04d}",
        building=so.building, unit=so.unit, description=text, technician=so.technician,
        appointment_at=appointment, state=state, registered_at=now - dt.timedelta(hours=3),
        registered_by=so.clerk,
    )
    if returned is not None:
        values.update(returned_at=returned, callback_due_at=returned + dt.timedelta(hours=24),
                      result="done")
    values.update(fields)
    with changes.write():
        row = RepairOrder.create(**values)
        changes.record("repair_order", row.id, "create", office=so.office)
    return row


#: 10:05 in Shanghai: the frozen moment of the dashboard tests and snapshots.
MORNING = "2026-11-26T02:05:00"


def busy_morning(second_order_text: str) -> SmallOffice:
    """A small office at MORNING (freeze the clock first) with one order past its
    appointment, one later today, and one whose callback is overdue."""
    now = now_utc()
    so = small_office()
    order(so, appointment=now - dt.timedelta(hours=1), text="厨房下水道堵塞")
    order(so, appointment=now + dt.timedelta(hours=3), text=second_order_text)
    order(so, state="returned", returned=now - dt.timedelta(hours=25), text="楼道灯不亮")
    return so
