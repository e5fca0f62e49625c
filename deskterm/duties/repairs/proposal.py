"""Which technician to send, and when [7.4.7]: the proposal call intake makes.

- ``suitable_technicians(office, category)``: the office's active technicians who take the
  category (``Staff.skills`` holds it, or is empty: any repair); when nobody does, every
  active technician (the desk still has someone to send and a time to say).
- ``propose(office, category, after)``: the suitable technician free soonest at or after
  ``after`` — a plumber free today before one free tomorrow; at the same time one who
  takes the category by skill before one who takes any repair, then by name. With
  ``technician`` given (the clerk chose him), his own next free time.
- ``busy_offer(office, category, technician, at)``: None when the technician is free at
  ``at``; else the next free time of any suitable technician (the one asked for first at
  the same time), and where the one asked for is working then (the busy-line script).

Two queries at most (the technicians, then their open appointments from the open orders'
index ``office, state, appointment_at``). Read-only: nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskterm.db.models import Building, Office, Place, RepairOrder, Staff
from deskterm.duties.repairs.slots import (
    HOUR,
    _check_duration,
    appointments_of,
    first_free,
)
from deskterm.duties.staff_admin import stored_skills


@dataclass(frozen=True)
class Proposal:
    """A technician and the time he can come (naive UTC)."""

    technician: int
    name: str
    at: dt.datetime


@dataclass(frozen=True)
class Offer:
    """The answer when the technician asked for is busy at the time asked for."""

    technician: int  # who can come: the one asked for, or another suitable one
    name: str
    at: dt.datetime  # when (the time asked for, when another technician is free then)
    busy_where: str | None  # where the one asked for is working then (a building, a place)


@dataclass(frozen=True)
class Suitable:
    id: int
    name: str
    by_skill: bool  # his skills name the category (not "any repair")


def suitable_technicians(office: Office, category: str | None) -> list[Suitable]:
    """The active technicians who take ``category``, by name (every active technician
    when none does)."""
    rows = list(Staff.select(Staff.id, Staff.name, Staff.skills)
                .where((Staff.office == office) & (Staff.role == "technician") & Staff.active)
                .order_by(Staff.name, Staff.id).tuples())
    everyone = [Suitable(sid, name, False) for sid, name, _skills in rows]
    suitable = []
    for sid, name, skills in rows:
        keys = stored_skills(skills)
        if not keys or category in keys:
            suitable.append(Suitable(sid, name, bool(keys)))
    return suitable or everyone


def _clash(busy: list[dt.datetime], at: dt.datetime, duration: dt.timedelta) -> bool:
    return any(other < at + duration and at < other + duration for other in busy)


def _soonest(office: Office, people: list[Suitable], busy: dict[int, list[dt.datetime]],
             after: dt.datetime, duration: dt.timedelta,
             first: int | None = None) -> Proposal | None:
    best: tuple | None = None
    chosen = None
    for person in people:
        slot = first_free(office, busy[person.id], after, duration)
        if slot is None:
            continue
        rank = (slot, person.id != first, not person.by_skill, person.name, person.id)
        if best is None or rank < best:
            best, chosen = rank, Proposal(person.id, person.name, slot)
    return chosen


def propose(office: Office, category: str | None, after: dt.datetime, *,
            technician: int | None = None, duration: dt.timedelta = HOUR
            ) -> Proposal | None:
    """The suitable technician free soonest at or after ``after`` (see the module), or
    ``technician``'s own next free time; None when there is nobody (or no free time in
    ``slots.HORIZON_DAYS``)."""
    duration = _check_duration(duration)
    if technician is not None:
        row = Staff.get_or_none((Staff.id == technician) & (Staff.office == office)
                                & (Staff.role == "technician") & Staff.active)
        people = [Suitable(row.id, row.name, True)] if row is not None else []
    else:
        people = suitable_technicians(office, category)
    busy = appointments_of(office, [p.id for p in people], after - duration)
    return _soonest(office, people, busy, after, duration)


def busy_where(office: Office, technician: int, at: dt.datetime,
               duration: dt.timedelta = HOUR) -> tuple[bool, str | None]:
    """Whether the technician has an appointment overlapping ``[at, at + duration)``, and
    the building or place of that order (None for none known)."""
    row = (RepairOrder.select(RepairOrder.id, Building.name, Place.name)
           .left_outer_join(Building, on=(RepairOrder.building == Building.id))
           .left_outer_join(Place, on=(RepairOrder.place == Place.id))
           .where((RepairOrder.office == office) & (RepairOrder.technician == technician)
                  & RepairOrder.state.in_(RepairOrder.OPEN_STATES)
                  & (RepairOrder.appointment_at > at - duration)
                  & (RepairOrder.appointment_at < at + duration))
           .order_by(RepairOrder.appointment_at, RepairOrder.id).tuples().first())
    if row is None:
        return False, None
    _id, building, place = row
    return True, place or building


def busy_offer(office: Office, category: str | None, technician: int, at: dt.datetime, *,
               duration: dt.timedelta = HOUR) -> Offer | None:
    """None when ``technician`` is free at ``at``; else who of the suitable technicians
    (he among them) can come soonest from ``at`` on, and where he is working then."""
    duration = _check_duration(duration)
    busy, where = busy_where(office, technician, at, duration)
    if not busy:
        return None
    people = suitable_technicians(office, category)
    if technician not in {p.id for p in people}:
        row = Staff.get_or_none((Staff.id == technician) & (Staff.office == office))
        if row is not None:
            people.append(Suitable(row.id, row.name, False))
    appointments = appointments_of(office, [p.id for p in people], at - duration)
    free_then = sorted((p for p in people if p.id != technician
                        and not _clash(appointments[p.id], at, duration)),
                       key=lambda p: (not p.by_skill, p.name, p.id))
    if free_then:  # another one can come at the very time asked for
        return Offer(free_then[0].id, free_then[0].name, at, where)
    found = _soonest(office, people, appointments, at, duration, first=technician)
    if found is None:
        return None
    return Offer(found.technician, found.name, found.at, where)
