"""Cash to the bank by 17:00 [5.3]: deposits with the bank's slip number, and the cash
still waiting for one, carried from day to day until it is deposited, never lost.

A session's undeposited cash is its takings (payment, refund and reversal entries) less
what deposits took from it; the float stays in the drawer. ``record_deposit`` takes the
amount from the sessions with undeposited cash oldest first (any clerk's, open or closed,
today's or an earlier day's), one ``CashEntry(kind="deposit")`` per session it takes
from; a closed session whose takings are all in the bank becomes "banked".

Import these through ``deskterm.duties.cashdesk.cash``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from peewee import IntegrityError, fn

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import BankDeposit, CashEntry, CashSession, Office, Staff
from deskterm.duties.records import clean_text, create_row, desk_person, locked, update_row
from deskterm.duties.schedule import at_local, office_time
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import MAX_FEN, format_fen, parse_amount

SLIP_LIMIT = 40
BANK_LIMIT = 60
#: How far back a deposit's time may be given: it is recorded when it is made.
DEPOSIT_PAST = dt.timedelta(days=7)
#: Entry kinds that are takings (what a deposit takes); the float stays in the drawer.
TAKINGS = ("payment", "refund", "reversal", "deposit")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class UndepositedPart:
    """One session's cash not yet in the bank."""

    session_id: int
    day: dt.date
    clerk_id: int
    clerk: str
    state: str  # open / closed
    amount: int
    since: dt.datetime | None  # the oldest cash payment still waiting
    deadline: dt.datetime  # the office's deposit time (17:00) of its day, naive UTC
    late: bool


@dataclass(frozen=True)
class Undeposited:
    total: int
    since: dt.datetime | None  # the oldest undeposited payment's time
    late: int  # how much of the total is past its day's deposit time
    parts: tuple[UndepositedPart, ...]  # oldest first

    def carried(self, today: dt.date) -> int:
        """What earlier days left undeposited."""
        return sum(p.amount for p in self.parts if p.day < today)


def deposit_deadline(office: Office, day: dt.date) -> dt.datetime:
    """The office's deposit time (``deposit_by_at``, 17:00) on ``day``, as naive UTC."""
    return at_local(office, day, office_time(office, "deposit_by_at"))


def as_date(value) -> dt.date:
    """A DateField's value as a date (SQLite's tuples() give it as text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def fen_of(value, field: str, *, message: str | None = None) -> int:
    """What was typed (text, through ``parse_amount``) or given (int fen) → fen >= 0."""
    if isinstance(value, str):
        return parse_amount(value, field=field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DutyError(message or _("Enter an amount."), field)
    if value < 0:
        raise DutyError(_("The amount cannot be negative."), field)
    if value > MAX_FEN:
        raise DutyError(_("That amount is too large for the desk."), field)
    return value


def entry_sums(session_ids) -> dict[int, dict[str, int]]:
    """Per session, the sum of its cash entries by kind (exact fen)."""
    ids = list(session_ids)
    sums: dict[int, dict[str, int]] = {i: {} for i in ids}
    for start in range(0, len(ids), 500):
        for session_id, kind, total in (
            CashEntry.select(CashEntry.session, CashEntry.kind, fn.SUM(CashEntry.amount))
            .where(CashEntry.session.in_(ids[start:start + 500]))
            .group_by(CashEntry.session, CashEntry.kind).tuples()
        ):
            sums[session_id][kind] = int(total or 0)
    return sums


def takings_left(sums: Mapping[str, int]) -> int:
    """A session's undeposited cash: its takings less its deposits (the float stays)."""
    return sum(sums.get(kind, 0) for kind in TAKINGS)


def _waiting_sessions(office: Office, *, lock: bool = False) -> list[CashSession]:
    """Sessions that may hold undeposited cash (open or closed), oldest first."""
    query = (CashSession.select()
             .where((CashSession.office == office)
                    & CashSession.state.in_(("open", "closed")))
             .order_by(CashSession.day, CashSession.opened_at, CashSession.id))
    return list(locked(query) if lock else query)


def oldest_waiting(amounts: dict[int, int]) -> dict[int, dt.datetime]:
    """Per session, the time of the oldest cash payment its undeposited ``amount`` still
    holds: deposits take the oldest cash first, so what is left is the newest payments
    (reversed ones left out)."""
    if not amounts:
        return {}
    entries = list(CashEntry.select(CashEntry.id, CashEntry.session, CashEntry.at,
                                    CashEntry.kind, CashEntry.amount, CashEntry.reverses)
                   .where(CashEntry.session.in_(list(amounts))
                          & CashEntry.kind.in_(("payment", "reversal")))
                   .order_by(CashEntry.at.desc(), CashEntry.id.desc()).tuples())
    reversed_ids = {rev for _i, _s, _a, kind, _m, rev in entries if kind == "reversal" and rev}
    since: dict[int, dt.datetime] = {}
    left = dict(amounts)
    for entry_id, session_id, at, kind, amount, _rev in entries:
        if kind != "payment" or entry_id in reversed_ids or left[session_id] <= 0:
            continue
        since[session_id] = at
        left[session_id] -= amount
    return since


def undeposited(office: Office, now: dt.datetime | None = None) -> Undeposited:
    """The cash taken and not yet deposited: the total, since when (the oldest waiting
    payment), per session (a day and a clerk), and what is late after ``deposit_by_at``
    of its day."""
    now = now or now_utc()
    sessions = list(
        CashSession.select(CashSession.id, CashSession.day, CashSession.clerk, Staff.name,
                           CashSession.state)
        .join(Staff, on=(CashSession.clerk == Staff.id))
        .where((CashSession.office == office) & CashSession.state.in_(("open", "closed")))
        .order_by(CashSession.day, CashSession.opened_at, CashSession.id).tuples())
    sums = entry_sums(s[0] for s in sessions)
    amounts = {sid: takings_left(sums[sid]) for sid, *_rest in sessions}
    amounts = {sid: left for sid, left in amounts.items() if left > 0}
    since = oldest_waiting(amounts)
    parts = []
    deadlines: dict[dt.date, dt.datetime] = {}
    for sid, day, clerk_id, name, state in sessions:
        if sid not in amounts:
            continue
        day = as_date(day)
        if day not in deadlines:
            deadlines[day] = deposit_deadline(office, day)
        parts.append(UndepositedPart(sid, day, clerk_id, name, state, amounts[sid],
                                     since.get(sid), deadlines[day], now >= deadlines[day]))
    return Undeposited(
        total=sum(p.amount for p in parts),
        since=min((p.since for p in parts if p.since), default=None),
        late=sum(p.amount for p in parts if p.late),
        parts=tuple(parts))


def _slip(value) -> str:
    text = unicodedata.normalize("NFKC", value if isinstance(value, str) else "")
    text = _SPACES.sub(" ", text).strip()
    if not text:
        raise DutyError(_("Enter the number on the bank's deposit slip."), "slip_number")
    if not text.isprintable():
        raise DutyError(_("A slip number is letters and digits."), "slip_number")
    if len(text) > SLIP_LIMIT:
        raise DutyError(_("A slip number is at most {n} characters.").format(n=SLIP_LIMIT),
                        "slip_number")
    return text


def _when(at, now: dt.datetime) -> dt.datetime:
    if at is None:
        return now
    if not isinstance(at, dt.datetime):
        raise DutyError(_("Enter a date and time."), "at")
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    if at > now:
        raise DutyError(_("A deposit cannot be in the future."), "at")
    if at < now - DEPOSIT_PAST:
        raise DutyError(_("Record a deposit within a week of making it."), "at")
    return at


def record_deposit(office: Office, clerk, amount, slip_number, *, at=None,
                   bank: str = "") -> BankDeposit:
    """Cash taken to the bank: the amount ("amount", more than nothing and no more than
    the undeposited cash), the slip number ("slip_number", unique in the office), when
    ("at", now or earlier) and the bank. All or nothing, in one transaction."""
    now = now_utc()
    amount = fen_of(amount, "amount")
    if amount <= 0:
        raise DutyError(_("Enter the amount taken to the bank."), "amount")
    slip = _slip(slip_number)
    bank = clean_text(bank, "bank", limit=BANK_LIMIT, required=False)
    at = _when(at, now)
    try:
        with changes.write():
            clerk = desk_person(office, clerk)
            if BankDeposit.select().where((BankDeposit.office == office)
                                          & (BankDeposit.slip_number == slip)).exists():
                raise DutyError(_("Slip {slip} is recorded already.").format(slip=slip),
                                "slip_number")
            sessions = _waiting_sessions(office, lock=True)
            sums = entry_sums(s.id for s in sessions)
            left = {s.id: takings_left(sums[s.id]) for s in sessions}
            waiting = sum(v for v in left.values() if v > 0)
            if amount > waiting:
                message = (_("Only {amount} is waiting to be deposited.").format(
                    amount=format_fen(waiting)) if waiting
                    else _("There is no cash waiting to be deposited."))
                raise DutyError(message, "amount")
            deposit = create_row(BankDeposit, office, clerk, office=office, at=at,
                                 amount=amount, slip_number=slip, bank=bank,
                                 deposited_by=clerk)
            remaining = amount
            for session in sessions:
                if remaining <= 0:
                    break
                if left[session.id] <= 0:
                    continue
                part = min(remaining, left[session.id])
                create_row(CashEntry, office, clerk, office=office, session=session, at=at,
                           kind="deposit", amount=-part, deposit=deposit, clerk=clerk)
                remaining -= part
                if part == left[session.id] and session.state == "closed":
                    update_row(session, office, clerk, "bank", state="banked")
    except IntegrityError:  # the same slip saved by another desk at the same instant
        raise DutyError(_("Slip {slip} is recorded already.").format(slip=slip),
                        "slip_number") from None
    return deposit
