"""A technician's appointments: the day's schedule, busy or not, the next free slot [7.4.7].

An appointment is an open order's (registered or dispatched) ``appointment_at``, assumed to
take ``duration`` (one hour unless said otherwise). Slots start on the half hour (office
time) and lie wholly inside the office's working hours: from the morning sign-in (rounded up
to the half hour: 08:20 gives 08:30) to the lunch sign-out, and from the afternoon sign-in
to the evening sign-out (17:30 in winter, 18:00 in summer). Every day is a working day: the
desk and its technicians are on duty seven days a week (one clerk at weekends).

Read-only: nothing here writes.
"""

from __future__ import annotations

import datetime as dt

from deskterm.clock import day_bounds_utc, local
from deskterm.db.models import Office, RepairOrder, Staff
from deskterm.duties.orders import technician_of
from deskterm.duties.schedule import at_local, office_time, office_zone, sign_out_time
from deskterm.errors import DutyError
from deskterm.i18n import _

HOUR = dt.timedelta(hours=1)
HALF_HOUR = dt.timedelta(minutes=30)
#: How far ahead next_free_slot looks before giving up.
HORIZON_DAYS = 60


def _check_duration(duration: dt.timedelta) -> dt.timedelta:
    if not isinstance(duration, dt.timedelta) or not (
            dt.timedelta(minutes=5) <= duration <= dt.timedelta(hours=4)):
        raise DutyError(_("A job takes between 5 minutes and 4 hours."), "duration")
    return duration


def _appointments(office: Office, technician: Staff, start: dt.datetime,
                  end: dt.datetime | None = None) -> list[tuple[dt.datetime, int]]:
    where = ((RepairOrder.office == office) & (RepairOrder.technician == technician)
             & RepairOrder.state.in_(RepairOrder.OPEN_STATES)
             & (RepairOrder.appointment_at >= start))
    if end is not None:
        where &= RepairOrder.appointment_at < end
    return list(RepairOrder.select(RepairOrder.appointment_at, RepairOrder.id).where(where)
                .order_by(RepairOrder.appointment_at, RepairOrder.id).tuples())


def technician_schedule(office: Office, technician, day: dt.date, *,
                        duration: dt.timedelta = HOUR
                        ) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """The technician's appointments on office day ``day``: ``(start, end, order id)``
    in naive UTC, earliest first."""
    tech = technician_of(office, technician)
    duration = _check_duration(duration)
    start, end = day_bounds_utc(day, office_zone(office))
    return [(at, at + duration, order_id)
            for at, order_id in _appointments(office, tech, start, end)]


def is_busy(office: Office, technician, at: dt.datetime,
            duration: dt.timedelta = HOUR) -> bool:
    """Whether a job of ``duration`` from ``at`` overlaps one of the technician's
    appointments (each taking ``duration`` too)."""
    tech = technician_of(office, technician)
    duration = _check_duration(duration)
    return bool(_appointments(office, tech, at - duration + dt.timedelta(microseconds=1),
                              at + duration))


def round_up_half_hour(office: Office, moment: dt.datetime) -> dt.datetime:
    """``moment`` itself when it falls on an office-time half hour, else the next one."""
    shown = local(moment, office_zone(office))
    hour = shown.floor("hour")
    past = shown - hour
    if past == dt.timedelta(0) or past == HALF_HOUR:
        return moment
    step = HALF_HOUR if past < HALF_HOUR else HOUR
    return hour.shift(seconds=int(step.total_seconds())).to("UTC").naive


def working_windows(office: Office, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The office day's working hours as naive-UTC [start, end) windows: morning and
    afternoon. A window's start is rounded up to the half hour."""
    morning = round_up_half_hour(office, at_local(office, day, office_time(office, "sign_in_at")))
    lunch = at_local(office, day, office_time(office, "lunch_out_at"))
    afternoon = round_up_half_hour(
        office, at_local(office, day, office_time(office, "afternoon_in_at")))
    evening = at_local(office, day, sign_out_time(office, day))
    return [(morning, lunch), (afternoon, evening)]


def next_free_slot(office: Office, technician, after: dt.datetime, *,
                   duration: dt.timedelta = HOUR) -> dt.datetime:
    """The first half-hour start at or after ``after`` when the technician is free for
    ``duration``, inside working hours (never in the lunch break nor past the evening
    sign-out; after the day's last slot, the next day's first). Naive UTC."""
    tech = technician_of(office, technician)
    duration = _check_duration(duration)
    busy = [at for at, _id in _appointments(office, tech, after - duration)]
    slot = first_free(office, busy, after, duration)
    if slot is None:
        raise DutyError(_("{name} has no free time in the next {days} days.").format(
            name=tech.name, days=HORIZON_DAYS), "appointment_at")
    return slot


def appointments_of(office: Office, technicians: list[int], start: dt.datetime
                    ) -> dict[int, list[dt.datetime]]:
    """The open appointments from ``start`` on of each of ``technicians`` (ids), earliest
    first: one query for all of them (the open orders' index: office, state, time)."""
    found: dict[int, list[dt.datetime]] = {tech: [] for tech in technicians}
    if not technicians:
        return found
    rows = (RepairOrder.select(RepairOrder.technician, RepairOrder.appointment_at)
            .where((RepairOrder.office == office)
                   & RepairOrder.state.in_(RepairOrder.OPEN_STATES)
                   & (RepairOrder.appointment_at >= start)
                   & RepairOrder.technician.in_(technicians))
            .order_by(RepairOrder.appointment_at, RepairOrder.id).tuples())
    for tech, at in rows:
        found[tech].append(at)
    return found


def first_free(office: Office, busy: list[dt.datetime], after: dt.datetime,
               duration: dt.timedelta = HOUR) -> dt.datetime | None:
    """The first working half hour at or after ``after`` free of every appointment in
    ``busy`` (each taking ``duration``), or None within ``HORIZON_DAYS``. No query."""
    tz = office_zone(office)
    candidate = round_up_half_hour(office, after)
    horizon = after + dt.timedelta(days=HORIZON_DAYS)
    windows: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = {}
    while candidate < horizon:
        day = local(candidate, tz).date()
        if day not in windows:
            windows[day] = working_windows(office, day)
        placed = None
        for start, end in windows[day]:
            slot = max(candidate, start)
            if slot + duration <= end:
                placed = slot
                break
        if placed is None:  # past the day's last slot: the next day's morning
            candidate = day_bounds_utc(day + dt.timedelta(days=1), tz)[0]
            continue
        clashes = [at for at in busy if at < placed + duration and placed < at + duration]
        if not clashes:
            return placed
        candidate = round_up_half_hour(office, max(clashes) + duration)
    return None
