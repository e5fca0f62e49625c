"""What the desk does with a ringing call: show it, take it, or return it later [7.4.3].

- ``ringing_now(office)``: the calls ringing now (oldest first), the first with its unit's
  card (``repairs.unit_card``: open orders, a late one, what the unit owes), and how many
  calls wait to be returned: what the dashboard's banner shows.
- ``answer_call(office, clerk, call_id)``: this clerk took it (ring-to-answer known);
  refused when another desk took it first, or the caller hung up.
- ``calls_to_return(office)``: the calls nobody took (missed: hung up, or rang longer than
  ``RING_SECONDS``) in the last ``RETURN_DAYS`` days, newest first.
- ``return_call(office, clerk, call_id, note=)``: a clerk called back: that call and the
  number's other calls still to return are returned (one call back answers them all).

Reads go through ``incoming_call (office, state, rang_at)``: the rows ringing or missed
lately, never the office's whole history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import IncomingCall, Office, Owner, Staff, Unit
from deskterm.duties.calls.ringing import RING_SECONDS
from deskterm.duties.records import clean_text, desk_person, locked, update_row
from deskterm.duties.repairs.unit_card import UnitCard, unit_card
from deskterm.errors import DutyError
from deskterm.i18n import _

#: Calls missed longer ago than this are no longer listed to be returned.
RETURN_DAYS = 7
#: The ringing calls the banner carries at most (the count says the rest).
RINGING_LIMIT = 5
NOTE_LIMIT = 200


@dataclass(frozen=True)
class CallLine:
    """One call as the banner and the book show it."""

    id: int
    number: str
    line: str
    rang_at: dt.datetime  # naive UTC
    state: str  # ringing / answered / missed / returned (ringing too long: missed)
    owner_id: int | None
    owner_name: str
    unit_id: int | None
    unit_code: str
    ended_at: dt.datetime | None = None


@dataclass(frozen=True)
class RingingView:
    calls: tuple[CallLine, ...]  # ringing now, oldest first
    card: UnitCard | None  # the first call's unit
    to_return: int  # calls waiting to be returned
    now: dt.datetime


def _lines(query) -> list[CallLine]:
    rows = (query.select(IncomingCall.id, IncomingCall.number, IncomingCall.line,
                         IncomingCall.rang_at, IncomingCall.state, Owner.id, Owner.name,
                         Unit.id, Unit.code, IncomingCall.ended_at)
            .join_from(IncomingCall, Owner, JOIN.LEFT_OUTER,
                       on=(IncomingCall.owner == Owner.id))
            .join_from(IncomingCall, Unit, JOIN.LEFT_OUTER, on=(IncomingCall.unit == Unit.id))
            .tuples())
    return [CallLine(i, number, line, rang, state, owner, name or "", unit, code or "", ended)
            for i, number, line, rang, state, owner, name, unit, code, ended in rows]


def _missed_where(office: Office | int, now: dt.datetime):
    """Calls to return: hung up, or rang past ``RING_SECONDS``, within ``RETURN_DAYS``."""
    since = now - dt.timedelta(days=RETURN_DAYS)
    rang_out = now - dt.timedelta(seconds=RING_SECONDS)
    return ((IncomingCall.office == office) & (IncomingCall.rang_at >= since)
            & (((IncomingCall.state == "missed") & (IncomingCall.rang_at <= now))
               | ((IncomingCall.state == "ringing") & (IncomingCall.rang_at < rang_out))))


def count_to_return(office: Office | int, now: dt.datetime | None = None) -> int:
    now = now or now_utc()
    return IncomingCall.select().where(_missed_where(office, now)).count()


def ringing_now(office: Office, now: dt.datetime | None = None) -> RingingView:
    now = now or now_utc()
    query = (IncomingCall.select()
             .where((IncomingCall.office == office) & (IncomingCall.state == "ringing")
                    & (IncomingCall.rang_at >= now - dt.timedelta(seconds=RING_SECONDS))
                    & (IncomingCall.rang_at <= now))
             .order_by(IncomingCall.rang_at, IncomingCall.id).limit(RINGING_LIMIT))
    calls = _lines(query)
    first = calls[0] if calls else None
    card = unit_card(office, first.unit_id, now=now) if first and first.unit_id else None
    return RingingView(tuple(calls), card, count_to_return(office, now), now)


def calls_to_return(office: Office, now: dt.datetime | None = None, *,
                    limit: int = 200) -> list[CallLine]:
    now = now or now_utc()
    query = (IncomingCall.select().where(_missed_where(office, now))
             .order_by(IncomingCall.rang_at.desc(), IncomingCall.id.desc()).limit(limit))
    return [line if line.state != "ringing" else _as_missed(line) for line in _lines(query)]


def _as_missed(line: CallLine) -> CallLine:
    return CallLine(line.id, line.number, line.line, line.rang_at, "missed", line.owner_id,
                    line.owner_name, line.unit_id, line.unit_code, line.ended_at)


def _call_of(office: Office, call_id: int) -> IncomingCall:
    call = None
    if isinstance(call_id, int) and not isinstance(call_id, bool):
        call = locked(IncomingCall.select().where(
            (IncomingCall.id == call_id) & (IncomingCall.office == office))).first()
    if call is None:
        raise DutyError(_("That call is not in this office's calls."), "call")
    return call


def answer_call(office: Office, clerk: Staff | int, call_id: int,
                now: dt.datetime | None = None) -> IncomingCall:
    """This clerk took the call ringing: answered now (seconds since it rang known)."""
    with changes.write():
        person = desk_person(office, clerk)
        call = _call_of(office, call_id)
        if call.state == "answered":
            if call.answered_by_id in (None, person.id):  # None: the PBX said a phone took it
                update_row(call, office, person, "answer", answered_by=person)
                return call
            taker = Staff.get_by_id(call.answered_by_id).name
            raise DutyError(_("{name} took this call already.").format(name=taker), "call")
        if call.state != "ringing":
            raise DutyError(_("The caller hung up: the call is listed to be returned."),
                            "call")
        now = now or now_utc()
        update_row(call, office, person, "answer", state="answered",
                   answered_at=max(now, call.rang_at), answered_by=person)
    return call


def return_call(office: Office, clerk: Staff | int, call_id: int, *, note: str = "",
                now: dt.datetime | None = None) -> int:
    """The clerk called the number back: this call and that number's other calls still
    to return are returned. Returns how many calls that marked."""
    note = clean_text(note, "note", limit=NOTE_LIMIT, required=False)
    with changes.write():
        person = desk_person(office, clerk)
        call = _call_of(office, call_id)
        now = now or now_utc()
        if call.state in ("answered", "returned"):
            raise DutyError(_("That call was answered or returned already."), "call")
        if call.state == "ringing" and call.rang_at >= now - dt.timedelta(seconds=RING_SECONDS):
            raise DutyError(_("That call is still ringing: take it with F2."), "call")
        same = list(locked(IncomingCall.select().where(
            _missed_where(office, now) & (IncomingCall.number == call.number)
            & (IncomingCall.id != call.id)).order_by(IncomingCall.id)))
        for row in [call, *same]:
            update_row(row, office, person, "return", state="returned", returned_at=now,
                       returned_by=person, return_note=note)
        return 1 + len(same)
