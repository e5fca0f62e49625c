"""Two years of repair orders, their service-register lines and callbacks.

Each order lives the life its age allows: registered, dispatched to a technician, returned,
called back within 24 h (about 98.5 % on time), approved by the manager on the Monday
after, then handed over to the district's CS supervisor at month end (or filed, for
public-area orders). The last days are shaped so the dashboard has something to show:
15-40 open orders whatever the total (some with the appointment already past, several due
later today), callbacks overdue, and callbacks falling due later today.

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
from deskterm.demo.org import World

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


class Order:
    """One repair order while it is being made (plain attributes, then a row)."""

    __slots__ = (
        "id", "number", "entry_id", "district", "building", "unit", "owner", "is_public",
        "channel", "category", "urgency", "description", "work", "quote", "reporter",
        "phone", "technician", "appointment", "reopened", "registered", "registered_by",
        "dispatched", "returned", "result", "work_done", "charge", "due", "called_back",
        "approved", "handed_over", "handed_to", "filed", "cancelled", "tried",
    )

    def __init__(self) -> None:
        self.entry_id = self.unit = self.owner = self.technician = self.appointment = None
        self.dispatched = self.returned = self.result = self.due = self.called_back = None
        self.approved = self.handed_over = self.handed_to = self.filed = self.tried = None
        self.reopened = self.charge = 0
        self.work_done = ""
        self.cancelled = False

    @property
    def state(self) -> str:
        if self.cancelled:
            return "cancelled"
        if self.returned is None:
            return "dispatched" if self.dispatched is not None else "registered"
        if self.filed is not None:
            return "filed"
        if self.handed_over is not None:
            return "handed_over"
        if self.approved is not None:
            return "approved"
        if self.called_back is not None:
            return "called_back"
        return "returned"


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


class OrderMaker:
    def __init__(self, bulk: Bulk, cal: Calendar, world: World, roster: Roster,
                 rng: random.Random, total: int, progress: Progress) -> None:
        self.bulk, self.cal, self.world, self.roster, self.rng = bulk, cal, world, roster, rng
        self.total = total
        self.progress = progress
        self.night = world.staff["孙大伟"]
        self.manager = world.staff["赵建国"]
        self.full_register = total <= FULL_REGISTER
        self.recent_from = cal.now - RECENT_DAYS * DAY
        self.made = 0
        self.counters: dict[str, int] = {}
        self.open_orders = 0
        self.tail: list[Order] = []
        #: orders registered per (staff id, office day), for the daily work records
        self.registered_per_day: Counter[tuple[int, dt.date]] = Counter()
        self.callbacks = 0
        self.names = {i: n for n, i in world.staff.items()}
        self.cs_supervisor = {d: s for d, _code, s in world.districts}
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
        self._settle_tail()
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
        for _ in range(count):
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

    # -- a life -----------------------------------------------------------------------

    def _lifecycle(self, order: Order) -> None:
        """The natural course of an order (times may pass ``now``; the tail fixes that)."""
        cal, rng = self.cal, self.rng
        reg = order.registered
        if rng.random() < 0.003 and reg < cal.now - 3 * DAY:
            order.cancelled = True
            order.dispatched = reg + minutes(rng.uniform(5, 40))
            order.work_done = "业主来电取消报修"
            return
        night = order.registered_by == self.night
        local_min = cal.local_minute(reg)
        day = cal.local_date(reg)
        if order.urgency == "urgent":
            order.dispatched = reg + minutes(rng.uniform(3, 12))
            order.appointment = reg + minutes(rng.uniform(20, 50))
            order.returned = order.appointment + minutes(rng.uniform(30, 150))
        elif order.is_public and order.channel != "phone":
            order.dispatched = reg + minutes(rng.uniform(5, 60))
            order.returned = order.dispatched + minutes(rng.uniform(60, 30 * 60))
        else:
            if night:
                next_day = day + DAY if local_min >= 12 * 60 else day
                order.dispatched = cal.at(next_day, rng.uniform(8 * 60 + 35, 9 * 60))
                slot_day = next_day
                slot = 9 * 60 + 30 * rng.randrange(0, 16)
            else:
                order.dispatched = reg + minutes(rng.uniform(5, 45))
                same_day = local_min < 15 * 60 and rng.random() < 0.55
                if same_day:
                    slot = (int(local_min + rng.uniform(120, 300)) // 30 + 1) * 30
                    same_day = slot <= 17 * 60
                if same_day:
                    slot_day = day
                else:
                    roll = rng.random()
                    slot_day = day + DAY * (1 if roll < 0.75 else 2 if roll < 0.92 else 3)
                    slot = 9 * 60 + 30 * rng.randrange(0, 16)
            order.appointment = cal.at(slot_day, slot)
            if order.appointment < order.dispatched:
                order.appointment = order.dispatched + minutes(30)
            order.returned = order.appointment + minutes(rng.uniform(30, 150))
        if rng.random() < 0.03:
            order.result = "not_done"
            order.work_done = rng.choice(texts.NOT_DONE)
        else:
            order.result = "done"
            order.work_done = order.work
            if order.quote and rng.random() < 0.8:
                order.charge = order.quote
        self._after_return(order)

    def _after_return(self, order: Order) -> None:
        cal, rng = self.cal, self.rng
        returned = order.returned
        due = returned + 24 * HOUR
        order.due = due
        order.tried = None
        if rng.random() < 0.985:
            moment = returned + minutes(rng.uniform(60, 20 * 60))
            minute = cal.local_minute(moment)
            if minute < 8 * 60 + 30 or minute > 17 * 60 + 30:
                day = cal.local_date(moment) + (DAY if minute > 17 * 60 + 30 else dt.timedelta())
                moment = cal.at(day, rng.uniform(8 * 60 + 40, 10 * 60 + 40))
            if moment > due - minutes(5):
                moment = due - minutes(rng.uniform(5, 90))
            if moment < returned:
                moment = returned + (due - returned) / 2
            called = moment.replace(microsecond=0)
        else:
            order.tried = due - minutes(rng.uniform(60, 300))
            if order.tried < returned:
                order.tried = None
            called = due + minutes(rng.uniform(60, 26 * 60))
        order.called_back = called if called <= cal.now else None
        order.approved = order.handed_over = order.filed = order.handed_to = None
        if order.called_back is None:
            return
        if rng.random() < 0.01:
            order.reopened = 1
        local_day = cal.local_date(called)
        monday = local_day + DAY * (7 - local_day.weekday())
        approved = cal.at(monday, rng.uniform(14 * 60, 16 * 60))
        if approved > cal.now:
            return
        order.approved = approved
        month_end = (monday.replace(day=28) + 4 * DAY).replace(day=1) - DAY
        closing = cal.at(month_end, rng.uniform(16 * 60, 17 * 60))
        if closing < approved:
            closing = approved + minutes(30)
        if closing > cal.now:
            return
        if order.is_public:
            order.filed = closing
        else:
            order.handed_over = closing
            order.handed_to = self.cs_supervisor[order.district]

    # -- the live end -----------------------------------------------------------------

    def _force_returned(self, order: Order, lo: dt.datetime, hi: dt.datetime) -> None:
        """Return ``order`` at a moment in [lo, hi] (never before it was registered)."""
        rng = self.rng
        lo = max(lo, order.registered + minutes(10))
        if lo > hi:
            lo = hi = max(order.registered, hi)
        returned = (lo + (hi - lo) * rng.random()).replace(microsecond=0)
        order.returned = returned
        if order.dispatched is None or order.dispatched > returned:
            order.dispatched = (order.registered
                                + (returned - order.registered) * rng.uniform(0.05, 0.4)
                                ).replace(microsecond=0)
        if order.appointment is not None and order.appointment > returned:
            order.appointment = (order.dispatched + (returned - order.dispatched) / 2
                                 ).replace(microsecond=0)
        if order.result is None:
            order.result, order.work_done = "done", order.work
        order.cancelled = False
        self._after_return(order)

    def _pending(self, order: Order) -> None:
        order.called_back = order.approved = order.handed_over = order.filed = None
        order.handed_to = order.tried = None
        order.reopened = 0

    def _settle_tail(self) -> None:
        rng, now = self.rng, self.cal.now
        tail = self.tail
        for order in tail:
            self._lifecycle(order)
        live = [o for o in tail if not o.cancelled]
        open_now = [o for o in live if o.returned > now]
        target = min(rng.randint(18, 32), len(live) // 3)
        if len(open_now) > target:
            keep = set(rng.sample(range(len(open_now)), target))
            for i, order in enumerate(open_now):
                if i not in keep:
                    self._force_returned(order, order.registered, now)
            open_now = [o for i, o in enumerate(open_now) if i in keep]
        elif len(open_now) < target:
            chosen = {id(o) for o in open_now}
            pool = [o for o in reversed(live) if id(o) not in chosen]
            pool = pool[: 3 * (target - len(open_now))]
            open_now += rng.sample(pool, min(len(pool), target - len(open_now)))
            open_now.sort(key=lambda o: o.id)
        opened = {id(o) for o in open_now}
        for order in open_now:
            self._make_open(order)
        self.open_orders = len(open_now)

        # Appointments: some already past (overdue), several later today.
        today_end = self._today_end()
        early = [o for o in open_now if o.registered <= now - minutes(90)]
        rng.shuffle(early)
        overdue = early[: max(3, len(open_now) // 4)]
        for order in overdue:
            order.appointment = self._past_slot(order.registered + minutes(45),
                                                now - minutes(30))
        rest = [o for o in open_now if o not in overdue]
        rng.shuffle(rest)
        lo = now + minutes(20)
        if lo < today_end:
            for order in rest[: max(3, len(open_now) // 4)]:
                moment = lo + (today_end - lo) * rng.random()
                order.appointment = moment.replace(second=0, microsecond=0)
                if order.appointment < lo:
                    order.appointment = lo.replace(microsecond=0)
        # The others waiting for days were given a new time with the owner.
        late = {id(o) for o in overdue}
        for order in open_now:
            if id(order) not in late and order.appointment is not None \
                    and order.appointment < now:
                order.appointment = self.cal.at(self.cal.today + DAY * rng.choice((1, 1, 2)),
                                                9 * 60 + 30 * rng.randrange(0, 16))

        # Callbacks: some overdue (returned the day before yesterday's end..yesterday),
        # some falling due later today.
        returned = [o for o in reversed(live) if id(o) not in opened]
        used: set[int] = set()
        # (few: with a dozen orders a day each one costs the week's callback rate 1-2 %)
        self._callback_role(returned, used, now - 47 * HOUR, now - 24 * HOUR - minutes(10),
                            rng.randint(2, 4))
        self._callback_role(returned, used, now - 24 * HOUR + minutes(15),
                            today_end - 24 * HOUR, rng.randint(3, 5))

    def _past_slot(self, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
        """A half-hour appointment slot in working hours within [lo, hi], one of the
        latest few (any minute in [lo, hi] when no slot fits)."""
        cal, rng = self.cal, self.rng
        slots = []
        day = cal.local_date(hi)
        while day >= cal.local_date(lo) and len(slots) < 8:
            for slot in range(16 * 60 + 30, 9 * 60 - 1, -30):
                moment = cal.at(day, slot)
                if lo <= moment <= hi:
                    slots.append(moment)
            day -= DAY
        if slots:
            return rng.choice(slots[:8])
        return (lo + (hi - lo) * rng.random()).replace(second=0, microsecond=0)

    def _callback_role(self, returned: list[Order], used: set[int], lo: dt.datetime,
                       hi: dt.datetime, need: int) -> None:
        """Leave ``need`` orders returned in [lo, hi] not yet called back."""
        if hi <= lo:
            return
        hits = [o for o in returned if lo <= o.returned <= hi and id(o) not in used]
        self.rng.shuffle(hits)
        hits = hits[:need]
        if len(hits) < need:
            extra = [o for o in returned if id(o) not in used and o not in hits
                     and o.registered <= hi - minutes(10)]
            for order in extra[: need - len(hits)]:
                self._force_returned(order, lo, hi)
                hits.append(order)
        for order in hits:
            used.add(id(order))
            self._pending(order)

    def _today_end(self) -> dt.datetime:
        cal = self.cal
        end = max(cal.hm(cal.today, "17:30"), cal.now + 3 * HOUR)
        return min(end, cal.start(cal.today + DAY) - minutes(10))

    def _make_open(self, order: Order) -> None:
        cal, rng, now = self.cal, self.rng, self.cal.now
        order.cancelled = False
        order.returned = order.result = order.due = None
        order.work_done = ""
        order.charge = 0
        self._pending(order)
        fresh = order.registered > now - 6 * HOUR
        if fresh and rng.random() < 0.4 or order.dispatched is None:
            order.dispatched = None
            order.technician = None
        elif order.dispatched > now:
            order.dispatched = (order.registered + (now - order.registered)
                                * rng.uniform(0.05, 0.3)).replace(microsecond=0)
        if order.appointment is not None and order.appointment < order.registered:
            order.appointment = None
        if order.appointment is None and not order.is_public:
            order.appointment = cal.at(cal.today + DAY, 9 * 60 + 30 * rng.randrange(0, 16))

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
        self.progress(f"repair orders: {self.bulk.counts['repair_order']:,} / {self.total:,}")
