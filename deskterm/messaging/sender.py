"""The sender: takes the outbox's due messages one at a time and sends each through
apprise, in a background thread of every desk (``start_background``) or as
``deskterm outbox send [--loop]`` for an office that runs it as a service.

Never twice. A message is *claimed* first: one UPDATE that sets ``claimed_by`` /
``claimed_at`` only where the row is still waiting, due and unclaimed (or claimed longer
than ``CLAIM_MINUTES`` ago: a sender that stopped), committed before anything is sent. Of
two senders (desks, the service) only one UPDATE changes the row: SQLite's write
transactions take turns; PostgreSQL's second UPDATE waits for the first's row lock, then
finds the claim and changes nothing. The outcome is written only by the claim's owner.

Nothing waits on the network but this thread: the database is not held while apprise
sends (connect and read timeouts capped at 5 s and 10 s, ``addresses.open_channel``). A
failure is retried after ``BACKOFF_SECONDS`` (30 s, 2 min, 10 min, 30 min, 1 h), its
reason (apprise's last warning, with the address's secrets taken out) and the attempt
counted; after the last one the message is ``failed`` until the clerk sends it again
(``outbox.send_again``). An outcome the database would not take (down, locked) is kept
and written before the next claim. Each state change writes a change-log row
(``outbox_message``), so every desk's Open orders and order detail read it again.

A desk's sender does not poll: it sleeps until the next message is due (the earliest
``next_at`` of the waiting ones, or a claim going stale) or until it is told (``wake``):
the desk's change watcher tells it of every ``outbox_message`` change, any desk's (a
message queued, sent again, claimed, answered), and ``deskterm.clock`` when a test or a
benchmark moves the clock. ``LONGEST_SLEEP`` bounds the sleep all the same. A look that
fails (the database in trouble), or outcomes not written yet, are tried again every
``POLL_SECONDS``. Asleep it costs nothing; it looked every second before (issue #15:
idle CPU). ``deskterm outbox send --loop`` has no watcher: it looks every ``--every``
seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable

from peewee import fn

from deskterm import clock
from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import OutboxMessage, database
from deskterm.duties.records import locked, update_row
from deskterm.i18n import _
from deskterm.messaging.addresses import masked, open_channel, scrub
from deskterm.messaging.outbox import CLAIM_MINUTES, address_of

log = logging.getLogger("deskterm.messaging")

#: Seconds before the next attempt after the 1st, 2nd ... failure; then "failed".
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)
#: Seconds between two looks at the outbox when nothing is due (``--loop``), or after a
#: look the database did not answer.
POLL_SECONDS = 1.0
#: The longest a desk's sender sleeps when it is not told (a wake lost, a clock moved).
LONGEST_SLEEP = 60.0
#: The most messages taken in one look.
BATCH = 20

Deliver = Callable[[str, str, str], tuple[bool, str]]


def deliver(url: str, title: str, body: str) -> tuple[bool, str]:
    """Send one message through apprise: ``(True, "")`` or ``(False, reason)``."""
    channel = open_channel(url)
    if channel is None:
        return False, _("Apprise cannot use the address {url}.").format(url=masked(url))
    try:
        result = channel.notify(body=body, title=title)
    except Exception as exc:  # noqa: BLE001 - a plugin's own bug is a failed attempt
        return False, scrub(f"{type(exc).__name__}: {exc}", url)
    if result:
        return True, ""
    reasons = [entry.message for entry in result.logs()
               if str(entry.level).upper() in ("WARNING", "ERROR", "CRITICAL")]
    reason = reasons[-1] if reasons else _("The service did not accept the message.")
    return False, scrub(reason, url)[:300]


def owner_name() -> str:
    """Who claims: the host, the process and a random tag (two desks of one process too)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Sender:
    """Sends the due messages of ``office_id`` (None: of every office)."""

    def __init__(self, office_id: int | None = None, *, owner: str | None = None,
                 send: Deliver = deliver, backoff: tuple[float, ...] = BACKOFF_SECONDS,
                 claim_minutes: float = CLAIM_MINUTES) -> None:
        self.office_id = office_id
        self.owner = owner or owner_name()
        self.send = send
        self.backoff = backoff
        self.claim_minutes = claim_minutes
        #: Outcomes the database did not take yet: (message id, ok, reason, at).
        self.unrecorded: list[tuple[int, bool, str, dt.datetime]] = []
        #: Every outcome written: (message id, its state after the attempt).
        self.outcomes: list[tuple[int, str]] = []
        self._woken = threading.Event()

    def wake(self) -> None:
        """Look at the outbox now (from any thread): a message may be due."""
        self._woken.set()

    # --- the database's part ---------------------------------------------------------------
    def due(self, now: dt.datetime) -> list[int]:
        stale = now - dt.timedelta(minutes=self.claim_minutes)
        where = ((OutboxMessage.state == "waiting") & (OutboxMessage.next_at <= now)
                 & (OutboxMessage.claimed_at.is_null() | (OutboxMessage.claimed_at < stale)))
        if self.office_id is not None:
            where &= OutboxMessage.office == self.office_id
        return [mid for (mid,) in OutboxMessage.select(OutboxMessage.id).where(where)
                .order_by(OutboxMessage.next_at, OutboxMessage.id).limit(BATCH).tuples()]

    def next_due(self) -> dt.datetime | None:
        """When a waiting message is next due: its ``next_at``, or when its claim goes
        stale (a sender that stopped); None when none waits. Two probes of the index
        ``(office, state, next_at)``."""
        waiting = OutboxMessage.state == "waiting"
        if self.office_id is not None:
            waiting &= OutboxMessage.office == self.office_id
        free = (OutboxMessage.select(fn.MIN(OutboxMessage.next_at))
                .where(waiting & OutboxMessage.claimed_at.is_null()).scalar())
        claimed = (OutboxMessage.select(fn.MIN(OutboxMessage.claimed_at))
                   .where(waiting & OutboxMessage.claimed_at.is_null(False)).scalar())
        if claimed is not None:
            claimed += dt.timedelta(minutes=self.claim_minutes)
        times = [moment for moment in (free, claimed) if moment is not None]
        return min(times) if times else None

    def claim(self, message_id: int) -> tuple[str, str, str] | None:
        """Claim the message (committed); ``(url, title, body)``, or None when another
        sender has it or it is no longer due. A message without an address now is
        claimed too (its outcome: no address)."""
        now = now_utc()
        stale = now - dt.timedelta(minutes=self.claim_minutes)
        with changes.write():
            taken = OutboxMessage.update(claimed_by=self.owner, claimed_at=now).where(
                (OutboxMessage.id == message_id) & (OutboxMessage.state == "waiting")
                & (OutboxMessage.next_at <= now)
                & (OutboxMessage.claimed_at.is_null() | (OutboxMessage.claimed_at < stale))
            ).execute()
            if not taken:
                return None
            message = OutboxMessage.get_by_id(message_id)
            changes.record("outbox_message", message_id, "claim", office=message.office_id,
                           after={"claimed_by": self.owner})
            technician = message.technician
            url, _via = address_of(message.office_id, technician)
        return url, message.title, message.body

    def finish(self, message_id: int, ok: bool, reason: str, at: dt.datetime) -> str | None:
        """Write the outcome of an attempt (only the claim's owner does); the new state."""
        with changes.write():
            row = locked(OutboxMessage.select().where(OutboxMessage.id == message_id)).first()
            if row is None or row.claimed_by != self.owner:
                return None  # taken again by another sender after CLAIM_MINUTES
            office, attempts = row.office_id, row.attempts + 1
            done = dict(attempts=attempts, claimed_by="", claimed_at=None)
            if ok:
                update_row(row, office, None, "sent", state="sent", sent_at=at, reason="",
                           next_at=None, **done)
            elif row.state != "waiting":  # superseded or sent again meanwhile
                update_row(row, office, None, "attempt", reason=reason, **done)
            elif attempts > len(self.backoff):
                update_row(row, office, None, "fail", state="failed", reason=reason,
                           next_at=None, **done)
            else:
                later = at + dt.timedelta(seconds=self.backoff[attempts - 1])
                update_row(row, office, None, "retry", reason=reason, next_at=later, **done)
        self.outcomes.append((message_id, row.state))
        return row.state

    # --- the loop -------------------------------------------------------------------------
    def _record_unrecorded(self) -> None:
        while self.unrecorded:
            message_id, ok, reason, at = self.unrecorded[0]
            with database.connection_context():
                self.finish(message_id, ok, reason, at)
            self.unrecorded.pop(0)

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Send what is due now; how many messages were attempted."""
        self._record_unrecorded()
        with database.connection_context():
            due = self.due(now_utc())
        attempted = 0
        for message_id in due:
            if stop is not None and stop.is_set():
                break
            with database.connection_context():
                claimed = self.claim(message_id)
            if claimed is None:
                continue
            url, title, body = claimed
            if url:
                ok, reason = self.send(url, title, body)
            else:
                ok, reason = False, _("no address: not sent")
            attempted += 1
            log.info("outbox %s to %s: %s", message_id, masked(url), "sent" if ok else reason)
            self.unrecorded.append((message_id, ok, reason, now_utc()))
            self._record_unrecorded()
        return attempted

    def run(self, stop: threading.Event, poll: float = POLL_SECONDS, *,
            told: bool = False) -> None:
        """Until ``stop``: send what is due, then look again after ``poll`` seconds, or
        (``told``: a desk's watcher wakes it) when the next message is due or it is woken.
        Database trouble is waited out (the outcomes kept); nothing raised ends the loop."""
        if told:
            clock.listen(self.wake)
            waker = threading.Thread(target=self._stop_wakes, args=(stop,), daemon=True,
                                     name="outbox sender stop")
            waker.start()
        try:
            while not stop.is_set():
                self._woken.clear()
                attempted, pause = 0, poll
                try:
                    attempted = self.run_once(stop)
                    if told and not attempted and not self.unrecorded:
                        pause = self._sleep_for(poll)
                except Exception as exc:  # noqa: BLE001 - the database down or locked: again
                    log.warning("outbox sender: %s", scrub(repr(exc), None))
                if attempted:
                    continue
                if told:
                    self._woken.wait(pause)
                else:
                    stop.wait(pause)
        finally:
            if told:
                clock.unlisten(self.wake)

    def _sleep_for(self, poll: float) -> float:
        """Seconds until the next message is due, at most ``LONGEST_SLEEP``; ``poll`` when
        one is due already though none could be taken just now (another sender's)."""
        with database.connection_context():
            due = self.next_due()
        if due is None:
            return LONGEST_SLEEP
        seconds = (due - now_utc()).total_seconds()
        return poll if seconds <= 0 else min(seconds, LONGEST_SLEEP)

    def _stop_wakes(self, stop: threading.Event) -> None:
        """The desk closing wakes the sleeper (``stop`` is another event)."""
        stop.wait()
        self.wake()


def start_background(office_id: int | None, stop: threading.Event, *,
                     poll: float = POLL_SECONDS, **kwargs) -> threading.Thread:
    """The desk's sender: a daemon thread until ``stop`` is set (the desk closes), asleep
    until a message is due or it is woken (``thread.sender.wake()``: the desk's watcher
    saw an ``outbox_message`` change)."""
    sender = Sender(office_id, **kwargs)
    thread = threading.Thread(target=sender.run, args=(stop, poll), kwargs={"told": True},
                              name="outbox sender", daemon=True)
    thread.sender = sender  # type: ignore[attr-defined] - for tests and the desk's log
    thread.start()
    return thread
