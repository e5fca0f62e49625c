"""The caller of issue #14's Done-when: 王健 of 27-2-1802, phone 17830225795, with an open
order past its appointment, in a small office."""

from __future__ import annotations

import datetime as dt

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Building, Owner, OwnerPhone, Unit
from tests.factories import SmallOffice, order, small_office

WANG_PHONE = "17830225795"


def wang_jian_office() -> tuple[SmallOffice, Owner, Unit]:
    so = small_office()
    now = now_utc()
    with changes.write():
        building = Building.create(office=so.office, district=so.district, code="27",
                                   name="27栋")
        unit = Unit.create(office=so.office, building=building, entrance="2", room="1802",
                           code="27-2-1802", area_centi_m2=9800)
        owner = Owner.create(office=so.office, unit=unit, name="王健", pinyin_initials="wj",
                             created_at=now)
        OwnerPhone.create(owner=owner, phone=WANG_PHONE)
    order(so, unit=unit, building=building, text="卫生间顶棚渗水",
          appointment=now - dt.timedelta(hours=2))
    return so, owner, unit
