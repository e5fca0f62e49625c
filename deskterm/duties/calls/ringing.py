"""A phone ringing at the desk, recorded by the PBX or a caller-ID box [7.4.3].

``record_call(office, number, line=)`` is what ``deskterm call NUMBER`` and the webhook
listener run, once per call: the number through the desk's one phone rule
(``parsing.parse_phone``; a PBX's ``0`` before a mobile number dropped), matched against
the owner roster (``OwnerPhone.phone``'s index), written as an ``incoming_call`` row with
its change-log row in one transaction. That change-log row is what every desk of the office
sees within a poll (``changes.ChangeWatch``) and shows as the ringing banner. A box that
reports every ring of one call records it once: the same number ringing on the same line
within ``RING_SECONDS`` is the call already written.

``hang_up(office, number)``: the caller hung up before a desk took the call (the PBX's
hang-up hook, the listener's ``hangup`` event): the call is missed, to be returned;
with ``answered=True`` (``--answered``, the ``answer`` event) a phone took it without F2.
A ringing call no desk took within ``RING_SECONDS`` counts as missed too, without a write.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import IncomingCall, Office, Owner, OwnerPhone, Unit
from deskterm.duties.parsing import clean_free_text, parse_phone
from deskterm.duties.records import create_row, locked, update_row
from deskterm.errors import DutyError
from deskterm.i18n import _

#: A call no desk took within this many seconds is missed: listed to be returned.
RING_SECONDS = 45
#: [7.4.3] answer after two rings: about ten seconds.
TWO_RINGS_SECONDS = 10
#: A hang-up finds the call it ends among those that rang this long ago at most.
HANG_UP_WINDOW = dt.timedelta(minutes=30)
LINE_LIMIT = 40

_ZERO_MOBILE = re.compile(r"0(1[3-9][0-9]{9})")  # a PBX's trunk 0 before a mobile number


@dataclass(frozen=True)
class RosterMatch:
    owner_id: int
    name: str
    unit_id: int
    unit_code: str
    others: int  # more owners on the roster with this number


@dataclass(frozen=True)
class RecordedCall:
    id: int
    number: str
    line: str
    rang_at: dt.datetime
    match: RosterMatch | None
    new: bool  # False: the same call reported again (nothing written)
    state: str = "ringing"


def call_number(text: object, field: str = "number") -> str:
    """The caller's number as the roster stores it, or ``DutyError`` (no number, a
    withheld one, letters): ``+86 178 3022 5795``, ``017830225795`` → ``17830225795``."""
    raw = "" if text is None else str(text).strip()
    if len(raw) > 60:
        raise DutyError(_("That is not a phone number."), field)
    compact = re.sub(r"[\s\-.]", "", raw)
    zero = _ZERO_MOBILE.fullmatch(compact)
    if zero:
        compact = zero.group(1)
    if not compact:
        raise DutyError(_("The call has no caller number (withheld, or not passed on)."),
                        field)
    return parse_phone(compact, field)


def call_line(text: object) -> str:
    return clean_free_text("" if text is None else str(text), "line", max_length=LINE_LIMIT,
                           required=False)


def roster_match(office: Office | int, number: str) -> RosterMatch | None:
    """The owner on this office's roster with the phone ``number`` (active owners first,
    then the oldest entry), with how many others have it too; None: not on the roster."""
    rows = list(
        OwnerPhone.select(Owner.id, Owner.name, Unit.id, Unit.code)
        .join(Owner, on=(OwnerPhone.owner == Owner.id))
        .join(Unit, on=(Owner.unit == Unit.id))
        .where((OwnerPhone.phone == number) & (Owner.office == office))
        .order_by(Owner.active.desc(), Owner.id)
        .limit(10).tuples())
    if not rows:
        return None
    owner_id, name, unit_id, unit_code = rows[0]
    others = len({row[0] for row in rows}) - 1
    return RosterMatch(owner_id, name, unit_id, unit_code, others)


def _ringing_again(office: Office, number: str, line: str,
                   now: dt.datetime) -> IncomingCall | None:
    return (IncomingCall.select()
            .where((IncomingCall.office == office) & (IncomingCall.state == "ringing")
                   & (IncomingCall.number == number) & (IncomingCall.line == line)
                   & (IncomingCall.rang_at > now - dt.timedelta(seconds=RING_SECONDS))
                   & (IncomingCall.rang_at <= now))
            .order_by(IncomingCall.rang_at.desc()).first())


def record_call(office: Office, number: object, *, line: object = "",
                source: str = "command", now: dt.datetime | None = None) -> RecordedCall:
    """The call ringing now: written once (see the module), or ``DutyError`` on "number" or
    "line" with nothing written."""
    number = call_number(number)
    line = call_line(line)
    with changes.write():
        now = now or now_utc()
        again = _ringing_again(office, number, line, now)
        match = roster_match(office, number)
        if again is not None:
            return RecordedCall(again.id, number, line, again.rang_at, match, new=False)
        row = create_row(
            IncomingCall, office, None, office=office, number=number, line=line,
            source=source, rang_at=now, state="ringing",
            owner=match.owner_id if match else None, unit=match.unit_id if match else None)
    return RecordedCall(row.id, number, line, now, match, new=True)


def hang_up(office: Office, number: object, *, line: object = "",
            now: dt.datetime | None = None, answered: bool = False) -> RecordedCall | None:
    """The caller of the newest ringing call from ``number`` hung up: missed. None when
    no call from it is ringing (taken already, or never recorded): nothing written.
    ``answered``: the PBX says a phone took it instead (a clerk who did not press F2):
    answered now, by nobody the desk knows (F2 at a desk then names the clerk)."""
    number = call_number(number)
    line = call_line(line)
    with changes.write():
        now = now or now_utc()
        where = ((IncomingCall.office == office) & (IncomingCall.number == number)
                 & (IncomingCall.state == "ringing")
                 & (IncomingCall.rang_at > now - HANG_UP_WINDOW))
        if line:
            where &= IncomingCall.line == line
        call = locked(IncomingCall.select().where(where)
                      .order_by(IncomingCall.rang_at.desc())).first()
        if call is None:
            return None
        if answered:
            update_row(call, office, None, "answer", state="answered", answered_at=now)
        else:
            update_row(call, office, None, "hang_up", state="missed", ended_at=now)
    return RecordedCall(call.id, number, call.line, call.rang_at, roster_match(
        office, number), new=False, state="answered" if answered else "missed")
