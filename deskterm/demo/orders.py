"""Two years of repair orders, their service-register lines and callbacks.

Each order lives the life its age allows (``lifecycle``): registered, dispatched to a
technician, returned, called back within 24 h, approved on the Monday after, handed over
or filed at month end; the last days are arranged so the dashboard is live.

Orders are made a month at a time and written as they are made, so a million orders
need no more memory than one month of them; only the last days (the "tail") wait for
the end, where the live state is arranged.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from itertools import accumulate

from deskterm.db import changes
from deskterm.db.models import Callback, RepairOrder, ServiceEntry
from deskterm.db.models import Counter as CounterRow
from deskterm.demo import texts
from deskterm.demo.common import Bulk, Calendar, Progress, Roster, minutes
from deskterm.demo.lifecycle import Lives, Order
from deskterm.demo.org import World
from deskterm.i18n import _

DEFAULT_PER_DAY = 12
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
#: With fewer orders than this, every order gets its service-register line and callbacks;
#: with more, only those of the last RECENT_DAYS (the register is a recent-days book).
FULL_REGISTER = 50_000
RECENT_DAYS = 60

ORDER_FIELDS = (
    "id", "office", "number", "service_entry", "district", "building", "unit", "is_public",
    "channel", "category", "urgency", "description", "reporter_name", "reporter_phone",
    "technician", "appointment_at", "state", "reopened_count", "registered_at",
    "registered_by", "dispatched_at", "returned_at", "result", "work_done", "charge",
    "callback_due_at", "called_back_at", "callback_on_time", "approved_at", "approved_by",
    "handed_over_at", "handed_over_to", "filed_at",
)
ENTRY_FIELDS = ("id", "office", "at", "channel", "kind", "caller_name", "owner", "unit",
                "phone", "request", "appointment_at", "recorded_by", "completed_at")
CALLBACK_FIELDS = ("office", "order", "complaint", "at", "by", "outcome", "note",
                   "arrived_on_time", "manner_ok", "site_clean", "problem_solved",
                   "charge_as_quoted")

_PRIVATE_CATS = tuple(texts.PRIVATE_WEIGHTS)
_PRIVATE_CUM = tuple(accumulate(texts.PRIVATE_WEIGHTS.values()))
_PUBLIC_CATS = tuple(texts.PUBLIC_WEIGHTS)
_PUBLIC_CUM = tuple(accumulate(texts.PUBLIC_WEIGHTS.values()))
_SATISFIED_NOTES = ("", "", "", "业主表示满意", "师傅服务态度好", "问题已解决，谢谢", "业主很满意")


def order_number(period: str, seq: int, month_total: int) -> str:
    """``WX-202611-0042``: four digits, or as many as the month's busiest number needs."""
    width = max(4, len(str(month_total)))
    return f"WX-{period}-{seq:0{width}d}"


def day_counts(cal: Calendar, rng: random.Random, total: int) -> list[int]:
    """Split ``total`` over the history's days: busier in summer, quieter at weekends,
    today only as far as the day has gone (largest-remainder rounding, exact total)."""
    weights = []
    for day in cal.days:
        weight = rng.uniform(0.75, 1.25)
        if day.weekday() >= 5:
            weight *= 0.8
        if day.month in (6, 7, 8):
            weight *= 1.25
        elif day.month in (12, 1, 2):
            weight *= 1.1
        weights.append(weight)
    elapsed = (cal.now - cal.at(cal.today, 8 * 60)).total_seconds() / (10 * 3600)
    weights[-1] *= min(max(elapsed, 0.05), 1.0)
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    rest = total - sum(counts)
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[:rest]:
        counts[i] += 1
    return counts


class OrderMaker(Lives):
    """Makes and writes every order; the course of each is ``Lives``'s."""

    def __init__(self, bulk: Bulk, cal: Calendar, world: World, roster: Roster,
                 rng: random.Random, total: int, progress: Progress) -> None:
        super().__init__(cal, world, rng)
        self.bulk, self.roster = bulk, roster
        self.total = total
        self.progress = progress
        self.full_register = total <= FULL_REGISTER
        self.recent_from = cal.now - RECENT_DAYS * DAY
        self.made = 0
        self.counters: dict[str, int] = {}
        #: orders registered per (staff id, office day), for the daily work records
        self.registered_per_day: Counter[tuple[int, dt.date]] = Counter()
        self.callbacks = 0
        self.names = {i: n for n, i in world.staff.items()}
        self.tech_ids = {name: world.staff[name] for name in
                         {n for names in texts.TECHNICIANS_FOR.values() for n in names}}

    # -- making orders ---------------------------------------------------------------

    def run(self) -> list[Order]:
        """Make and write every order; returns the tail orders (written too)."""
        cal, rng = self.cal, self.rng
        counts = day_counts(cal, rng, self.total)
        month_totals: Counter[str] = Counter()
        for day, count in zip(cal.days, counts, strict=True):
            month_totals[day.strftime("%Y%m")] += count
        # The tail: at least the last 12 days and at least 150 orders.
        tail_days, acc = 0, 0
        for count in reversed(counts):
            if tail_days >= 12 and acc >= 150:
                break
            tail_days += 1
            acc += count
        tail_from = cal.days[-tail_days]
        month_orders: list[Order] = []
        current = None
        for day, count in zip(cal.days, counts, strict=True):
            key = day.strftime("%Y%m")
            if key != current:
                if month_orders:
                    self._write(month_orders)
                month_orders = []
                current = key
            for order in self._day(day, count):
                seq = self.counters.get(key, 0) + 1
                self.counters[key] = seq
                order.number = order_number(key, seq, month_totals[key])
                if day >= tail_from:
                    self.tail.append(order)
                else:
                    self._lifecycle(order)
                    month_orders.append(order)
        if month_orders:
            self._write(month_orders)
        self.settle()
        self._write(self.tail)
        with changes.write():
            self.bulk.insert(CounterRow, ("office", "name", "period", "value"),
                             [(self.world.office_id, "repair_order", k, v)
                              for k, v in sorted(self.counters.items())])
        return self.tail

    def _desk_person(self, moment: dt.datetime) -> int:
        cal = self.cal
        minute = cal.local_minute(moment)
        if 8 * 60 + 20 <= minute <= 17 * 60 + 30:
            people = self.roster.desk_on(cal.local_date(moment))
            if people:
                if len(people) == 3 and self.rng.random() < 0.15:
                    return people[2]
                return self.rng.choice(people[:2])
        return self.night

    def _day(self, day: dt.date, count: int) -> list[Order]:
        cal, rng = self.cal, self.rng
        start = cal.start(day)
        moments = []
        for _call in range(count):
            if rng.random() < 0.07:  # a night call, taken by the night shift
                minute = rng.uniform(18 * 60, 32 * 60) % (24 * 60)
            else:
                minute = 8 * 60 + 30 + rng.triangular(0, 540, 90)
            moment = start + minutes(minute)
            if moment > cal.now:  # today: only as far as the day has gone
                lo = start + minutes(8 * 60 + 30)
                if cal.now - lo < HOUR:
                    lo = start
                moment = (lo + (cal.now - lo) * rng.random()).replace(microsecond=0)
            moments.append(moment)
        moments.sort()
        out = []
        for moment in moments:
            order = Order()
            order.id = self.bulk.next_id(RepairOrder)
            order.registered = moment
            order.registered_by = self._desk_person(moment)
            self.registered_per_day[order.registered_by, day] += 1
            if rng.random() < 0.15:
                self._public(order)
            else:
                self._private(order)
            if self.full_register or moment >= self.recent_from:
                order.entry_id = self.bulk.next_id(ServiceEntry)
            out.append(order)
        self.made += count
        return out

    def _private(self, order: Order) -> None:
        rng, world = self.rng, self.world
        unit_index = rng.randrange(len(world.units))
        unit = world.units[unit_index]
        order.unit = unit.id
        order.building = world.buildings[unit.building].id
        order.district = world.districts[world.buildings[unit.building].district][0]
        order.is_public = False
        owner, name, phone = rng.choice(world.callers[unit_index])
        order.owner, order.reporter, order.phone = owner, name, phone
        category = rng.choices(_PRIVATE_CATS, cum_weights=_PRIVATE_CUM)[0]
        desc, work, quote, urgent = rng.choice(texts.PRIVATE_REPAIRS[category])
        order.category, order.description, order.work, order.quote = category, desc, work, quote
        order.urgency = "urgent" if urgent and rng.random() < 0.85 else "normal"
        order.channel = "walk_in" if rng.random() < 0.15 and order.registered_by != self.night \
            else "phone"
        order.technician = self.tech_ids[rng.choice(texts.TECHNICIANS_FOR[category])]

    def _public(self, order: Order) -> None:
        rng, world = self.rng, self.world
        building_index = rng.randrange(len(world.buildings))
        building = world.buildings[building_index]
        order.building = building.id
        order.district = world.districts[building.district][0]
        order.is_public = True
        category = rng.choices(_PUBLIC_CATS, cum_weights=_PUBLIC_CUM)[0]
        template, work, urgent = rng.choice(texts.PUBLIC_REPAIRS[category])
        place = {"b": building.code, "e": rng.randint(1, building.entrances),
                 "f": rng.randint(1, building.floors)}
        order.category = category
        order.description = template.format(**place)
        order.work = work.format(**place)
        order.quote = 0
        order.urgency = "urgent" if urgent else "normal"
        order.technician = self.tech_ids[rng.choice(
            texts.TECHNICIANS_FOR.get(category, texts.TECHNICIANS_FOR["public_area"]))]
        roll = rng.random()
        if roll < 0.4 and order.registered_by != self.night:
            order.channel = "patrol"
            order.reporter = self.names[world.districts[building.district][2]]
            order.phone = ""
        elif roll < 0.6 and order.registered_by != self.night:
            order.channel = "technician"
            order.reporter = self.names[order.technician]
            order.phone = ""
        else:
            order.channel = "phone"
            index = rng.choice(world.building_units[building_index])
            order.owner, order.reporter, order.phone = rng.choice(world.callers[index])

    # -- rows -------------------------------------------------------------------------

    def _write(self, orders: list[Order]) -> None:
        cal, rng, office = self.cal, self.rng, self.world.office_id
        entries, rows, callbacks = [], [], []
        for o in orders:
            state = o.state
            if o.entry_id is not None:
                entries.append((
                    o.entry_id, office, o.registered, o.channel, "repair", o.reporter, o.owner,
                    o.unit, o.phone, o.description, o.appointment, o.registered_by,
                    o.returned if o.returned is not None and o.returned <= cal.now else None,
                ))
            called = o.called_back
            rows.append((
                o.id, office, o.number, o.entry_id, o.district, o.building, o.unit, o.is_public,
                o.channel, o.category, o.urgency, o.description, o.reporter, o.phone,
                o.technician, o.appointment, state, o.reopened, o.registered, o.registered_by,
                o.dispatched, o.returned, o.result, o.work_done, o.charge, o.due, called,
                (called <= o.due) if called is not None else None,
                o.approved, self.manager if o.approved is not None else None,
                o.handed_over, o.handed_to, o.filed,
            ))
            if called is not None and (self.full_register or o.registered >= self.recent_from):
                by_day = self.roster.desk_on(cal.local_date(called)) or (self.world.demo_clerk,)
                if o.tried is not None:
                    callbacks.append((office, o.id, None, o.tried, rng.choice(by_day),
                                      "unreachable", "电话无人接听", None, None, None, None, None))
                if o.reopened:
                    first = o.returned - (o.returned - o.registered) / 2
                    callbacks.append((office, o.id, None, first.replace(microsecond=0),
                                      rng.choice(by_day), "not_satisfied",
                                      "首次维修后问题仍在，已重新派工", True, True, True, False,
                                      True))
                callbacks.append((
                    office, o.id, None, called, rng.choice(by_day), "satisfied",
                    rng.choice(_SATISFIED_NOTES), rng.random() < 0.95, rng.random() < 0.98,
                    rng.random() < 0.96, o.result == "done",
                    True if o.charge else None,
                ))
        with changes.write():
            self.bulk.insert(ServiceEntry, ENTRY_FIELDS, entries)
            self.bulk.insert(RepairOrder, ORDER_FIELDS, rows)
            self.bulk.insert(Callback, CALLBACK_FIELDS, callbacks)
        self.callbacks += len(callbacks)
        self.progress(_("Repair orders: {done:,} / {total:,}").format(
            done=self.bulk.counts["repair_order"], total=self.total))
