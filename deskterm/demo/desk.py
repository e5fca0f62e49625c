"""The desk's other records: complaints with their callbacks, walk-in visitors and the
service register's enquiries.

A few complaints a month, handled, called back and closed; the latest are still live:
one handled yesterday whose callback is overdue, one whose callback falls due later today,
one assigned this morning and one not yet assigned. Visitors and enquiries cover the
last sixty days.
"""

from __future__ import annotations

import datetime as dt
import random

from deskterm.db import changes
from deskterm.db.models import Callback, Complaint, Counter, ServiceEntry, Visit
from deskterm.demo import texts
from deskterm.demo.common import Bulk, Calendar, Roster, minutes
from deskterm.demo.orders import CALLBACK_FIELDS, ENTRY_FIELDS
from deskterm.demo.org import World

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
RECENT_DAYS = 60
CS_CATEGORIES = ("noise", "parking", "sanitation", "security", "pets", "greening")


def _desk_person(cal: Calendar, roster: Roster, world: World, rng: random.Random,
                 moment: dt.datetime) -> int:
    people = roster.desk_on(cal.local_date(moment))
    return rng.choice(people) if people else world.demo_clerk


def build_complaints(bulk: Bulk, cal: Calendar, world: World, roster: Roster,
                     rng: random.Random) -> dict[str, int]:
    office, now = world.office_id, cal.now
    supervisor = world.staff["刘芳"]
    made = []  # (received, unit index, complaint text, live kind)
    for year, month in cal.months()[-24:]:
        first = max(dt.date(year, month, 1), cal.first_day)
        last = min((dt.date(year, month, 28) + 4 * DAY).replace(day=1) - DAY,
                   cal.today - 4 * DAY)
        if last < first:
            continue
        for _ in range(rng.randint(3, 6)):
            day = first + DAY * rng.randrange((last - first).days + 1)
            made.append((cal.at(day, rng.uniform(8 * 60 + 35, 17 * 60)), None, None))
    # The live ones: (received, handled)
    overdue = now - DAY - minutes(rng.uniform(60, 180))
    due_today = now - DAY + minutes(rng.uniform(45, 240))
    made.append((overdue - minutes(rng.uniform(180, 20 * 60)), "overdue", overdue))
    made.append((due_today - minutes(rng.uniform(60, 180)), "due_today", due_today))
    made.append((max(now - minutes(rng.uniform(30, 80)), cal.start(cal.today)), "assigned",
                 None))
    made.append((now - DAY + minutes(rng.uniform(60, 180)), "open", None))
    made.sort(key=lambda m: m[0])

    rows, callbacks, counters = [], [], {}
    for received, live, live_handled in made:
        received = received.replace(microsecond=0)
        unit_index = rng.randrange(len(world.units))
        unit = world.units[unit_index]
        _owner, name, phone = rng.choice(world.callers[unit_index])
        category, description, handling, result = rng.choice(texts.COMPLAINTS)
        district = world.buildings[unit.building].district
        handler = world.districts[district][2] if category in CS_CATEGORIES else supervisor
        key = cal.local_date(received).strftime("%Y%m")
        counters[key] = counters.get(key, 0) + 1
        number = f"TS-{key}-{counters[key]:03d}"
        received_by = _desk_person(cal, roster, world, rng, received)
        handled = due = called = closed = None
        state = "closed"
        if live in ("overdue", "due_today"):
            handled, state = live_handled, "handled"
        elif live == "assigned":
            state, handling, result = "assigned", "", ""
        elif live == "open":
            state, handler, handling, result = "open", None, "", ""
        else:
            handled = received + minutes(rng.uniform(120, 48 * 60))
            called = handled + minutes(rng.uniform(60, 20 * 60))
            closed = called + minutes(rng.uniform(0, 30))
        if handled is not None:
            handled = handled.replace(microsecond=0)
            due = handled + 24 * HOUR
        if state in ("handled",):
            result = ""
        complaint_id = bulk.next_id(Complaint)
        rows.append((complaint_id, office, number, unit.id, name, phone,
                     rng.choice(("phone", "phone", "walk_in")), category, description, received,
                     received_by, handler, handling, result, state, handled, due,
                     called and called.replace(microsecond=0),
                     closed and closed.replace(microsecond=0)))
        if called is not None:
            callbacks.append((office, None, complaint_id, called.replace(microsecond=0),
                              _desk_person(cal, roster, world, rng, called), "satisfied",
                              rng.choice(("业主表示满意", "业主认可处理结果", "")),
                              None, True, None, True, None))
    with changes.write():
        bulk.insert(Complaint, ("id", "office", "number", "unit", "complainant_name", "phone",
                                "channel", "category", "description", "received_at",
                                "received_by", "handler", "handling", "result", "state",
                                "handled_at", "callback_due_at", "called_back_at", "closed_at"),
                    rows)
        bulk.insert(Callback, CALLBACK_FIELDS, callbacks)
        bulk.insert(Counter, ("office", "name", "period", "value"),
                    [(office, "complaint", k, v) for k, v in sorted(counters.items())])
    return {"complaints": len(rows), "callbacks": len(callbacks)}


def build_visits_and_enquiries(bulk: Bulk, cal: Calendar, world: World, roster: Roster,
                               rng: random.Random) -> dict[str, int]:
    office = world.office_id
    visits, entries = [], []
    for back in range(RECENT_DAYS, -1, -1):
        day = cal.today - DAY * back
        for kind, count in (("visit", rng.randint(0, 3)), ("enquiry", rng.randint(2, 4))):
            for _ in range(count):
                at = cal.at(day, rng.uniform(8 * 60 + 35, 17 * 60 + 20))
                if at > cal.now:
                    continue
                unit_index = rng.randrange(len(world.units))
                owner, name, phone = rng.choice(world.callers[unit_index])
                by = _desk_person(cal, roster, world, rng, at)
                unit_id = world.units[unit_index].id
                if kind == "visit":
                    visits.append((office, at, name, unit_id, phone,
                                   rng.choice(texts.VISIT_PURPOSES), by))
                else:
                    done = min(at + minutes(rng.uniform(2, 15)), cal.now)
                    entries.append((bulk.next_id(ServiceEntry), office, at,
                                    rng.choice(("phone", "phone", "walk_in")), "enquiry", name,
                                    owner, unit_id, phone, rng.choice(texts.ENQUIRIES), None, by,
                                    done))
    with changes.write():
        bulk.insert(Visit, ("office", "at", "visitor_name", "unit", "phone", "purpose",
                            "recorded_by"), visits)
        bulk.insert(ServiceEntry, ENTRY_FIELDS, entries)
    return {"visits": len(visits), "enquiries": len(entries)}
