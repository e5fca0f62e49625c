"""The night log (夜班记录) [7.3]: what happened during the night, written by night staff.

An entry says when it happened (a time as the night person types it, in the office's
zone), what happened, where, and whether the day shift must act on it. Entries are
append-only (a database trigger refuses edits): a mistake is corrected by a new entry.

"Since the last handover" means written at or after the latest signed handover's
``covers_until`` (every entry written before it was covered by that handover), the
convention the demo office follows too (its handovers cover up to the moment of signing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from deskterm.clock import local, now_utc
from deskterm.db import changes
from deskterm.db.models import Handover, HandoverItem, NightLogEntry, Office, Staff
from deskterm.duties.parsing import parse_local_datetime
from deskterm.duties.records import NAME_LIMIT, clean_text, create_row, staff_of
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _

#: Who writes the night log.
NIGHT_ROLES = ("night",)
WHERE_LIMIT = NAME_LIMIT * 2


@dataclass(frozen=True)
class LogItem:
    """One night-log entry as the handover and the log list show it."""

    id: int
    at: dt.datetime
    written_at: dt.datetime
    writer_id: int
    writer: str
    what: str
    where: str
    needs_action: bool


def night_person(office: Office, staff: Staff | int | None, field: str = "staff") -> Staff:
    """An active night-staff member of this office, else DutyError on ``field``."""
    return staff_of(office, staff, field, roles=NIGHT_ROLES,
                    message=_("Only night staff of this office write the night log."))


def parse_night_time(office: Office, text: str | None, *, now: dt.datetime | None = None,
                     field: str = "at") -> dt.datetime:
    """When something happened, as typed (``23:40``, ``2:10``, ``11-26 23:40``) → naive UTC.

    A bare time is the latest such moment not after now: at 02:00, ``23:40`` is last
    evening. A moment still to come is refused."""
    now = now or now_utc()
    tz = office_zone(office)
    moment = parse_local_datetime(text, tz=tz, now=now, field=field, allow_past=True)
    if moment > now:  # a bare time later today: the night started yesterday
        yesterday = local(now, tz).date() - dt.timedelta(days=1)
        moment = parse_local_datetime(text, tz=tz, now=now, field=field, allow_past=True,
                                      day=yesterday)
    if moment > now:
        raise DutyError(_("That time is still to come: write what has happened."), field)
    return moment


def write_entry(office: Office, staff: Staff | int, *, at: str | dt.datetime, what: str,
                where: str = "", needs_action: bool = False) -> NightLogEntry:
    """Write one night-log entry for ``staff`` (night staff of this office). ``at`` is a
    moment (naive UTC, not in the future) or the time as typed."""
    now = now_utc()
    if isinstance(at, dt.datetime):
        if at > now:
            raise DutyError(_("That time is still to come: write what has happened."), "at")
        moment = at
    else:
        moment = parse_night_time(office, at, now=now)
    what = clean_text(what, "what", message=_("Enter what happened."))
    where = clean_text(where, "where", limit=WHERE_LIMIT, required=False)
    with changes.write():
        person = night_person(office, staff)
        return create_row(NightLogEntry, office, person, office=office, at=moment,
                          written_at=now, written_by=person, what=what, where=where,
                          needs_action=bool(needs_action))


def last_covered(office: Office) -> dt.datetime | None:
    """Where the latest signed handover stopped: entries written before it are covered."""
    return (Handover.select(Handover.covers_until)
            .where(Handover.office == office)
            .order_by(Handover.covers_until.desc())
            .limit(1)
            .scalar())


def entries_since_handover(office: Office, *, until: dt.datetime | None = None
                           ) -> list[LogItem]:
    """The night log since the last handover (written before ``until``, if given), not
    yet taken over, in the order things happened."""
    since = last_covered(office)
    where = (NightLogEntry.office == office) & HandoverItem.id.is_null()
    if since is not None:
        where &= NightLogEntry.written_at >= since
    if until is not None:
        where &= NightLogEntry.written_at <= until
    rows = (
        NightLogEntry.select(
            NightLogEntry.id, NightLogEntry.at, NightLogEntry.written_at, Staff.id, Staff.name,
            NightLogEntry.what, NightLogEntry.where, NightLogEntry.needs_action)
        .join(Staff, on=(NightLogEntry.written_by == Staff.id))
        .switch(NightLogEntry)
        .join(HandoverItem, JOIN.LEFT_OUTER, on=(HandoverItem.entry == NightLogEntry.id))
        .where(where)
        .order_by(NightLogEntry.at, NightLogEntry.id)
        .tuples()
    )
    return [LogItem(*row) for row in rows]
