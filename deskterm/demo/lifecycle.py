"""The life of a repair order, and the live end of the history.

An order's natural course follows from when it was registered: dispatched within the
hour (or next morning for a night call), an appointment the same afternoon or a day or
three later, returned, called back within 24 h (about 98.5 % on time, the rest late
after an unreachable first try), approved by the manager the Monday after, handed over to
the district's CS supervisor (or filed, for public-area orders) at month end. Anything
that would fall after "now" has not happened yet.

The last days (the "tail") are then arranged so the dashboard is live whatever the
number of orders: 15-40 open orders (a quarter with the appointment already past, several
due later today, the rest rescheduled), two to four callbacks overdue and three to five
falling due later today.
"""

from __future__ import annotations

import datetime as dt
import random

from deskterm.demo import texts
from deskterm.demo.common import Calendar, minutes
from deskterm.demo.org import World

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


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


class Lives:
    """The natural course of orders and the arranging of the tail (``settle``)."""

    def __init__(self, cal: Calendar, world: World, rng: random.Random) -> None:
        self.cal, self.world, self.rng = cal, world, rng
        self.night = world.staff["孙大伟"]
        self.manager = world.staff["赵建国"]
        self.cs_supervisor = {d: s for d, _code, s in world.districts}
        self.tail: list[Order] = []
        self.open_orders = 0

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

    def settle(self) -> None:
        """Arrange the tail (``self.tail``, made but not yet lived) for a live dashboard."""
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
