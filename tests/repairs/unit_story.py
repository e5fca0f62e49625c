"""The caller's unit with a story (issue #13), for the unit card's tests: 3-2-501 of the
small office at ``AFTERNOON`` (14:20 Shanghai; freeze the clock first) with

- a water order dispatched to 王建军 for 13:00 today: late, the one the owner rings about;
- a registered order with no technician and no time (门铃不响, "other");
- a returned order called back on 11-24 (satisfied), and one of another unit;
- two months of property fees owed (2026-10 and 2026-11, ¥358.20 each);
- an open complaint (楼上噪音).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Callback, Complaint, RepairOrder, Staff, Unit
from tests.factories import SmallOffice, order, small_office
from tests.payment_factories import charge

AFTERNOON = "2026-11-26T06:20:00"  # 14:20 in Shanghai
FEE = 35820


@dataclass
class UnitStory:
    so: SmallOffice
    late: RepairOrder  # water, 王建军, 13:00, dispatched
    waiting: RepairOrder  # registered, no technician
    other_unit: Unit
    complaint: Complaint
    wang: Staff


def unit_story() -> UnitStory:
    so = small_office()
    now = now_utc()
    with changes.write():
        wang = Staff.create(office=so.office, name="王建军", role="technician",
                            created_at=now)
        other_unit = Unit.create(office=so.office, building=so.building, entrance="1",
                                 room="102", code="3-1-102", area_centi_m2=7000)
    late = order(so, appointment=dt.datetime(2026, 11, 26, 5, 0), text="热水器不出热水",
                 technician=wang, category="water")
    waiting = order(so, state="registered", text="门铃不响", technician=None)
    done = order(so, state="called_back", returned=now - dt.timedelta(days=2),
                 text="厨房水龙头漏水", category="water")
    order(so, text="阳台漏水", unit=other_unit, category="water",
          appointment=dt.datetime(2026, 11, 26, 4, 0))
    with changes.write():
        Callback.create(office=so.office, order=done, at=now - dt.timedelta(days=2),
                        by=so.clerk, outcome="satisfied")
        complaint = Complaint.create(
            office=so.office, number="TS-202611-001", unit=so.unit, complainant_name="张三",
            phone="13812345678", description="楼上夜里噪音", received_at=now - dt.timedelta(days=1),
            received_by=so.clerk, category="noise")
        changes.record("complaint", complaint.id, "create", office=so.office)
    charge(so, FEE, "2026-10")
    charge(so, FEE, "2026-11")
    return UnitStory(so, late, waiting, other_unit, complaint, wang)
