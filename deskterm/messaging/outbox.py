"""The outbox: a message queued in the dispatch's own transaction, sent again on the
clerk's key, and its state as the order detail and Open orders show it.

``queue_message`` is called by the dispatch duties (``orders.register_call`` with a
technician, ``order_work.dispatch``) inside their ``changes.write()``: the message row and
its change-log row commit with the order, or neither does. A message still waiting about
the same order is superseded (the newer one says everything). Without an address, the
row is ``unsent``: nothing is queued, and the order says "no address: not sent".
``send_again`` (the order detail's ``m``) makes a failed or waiting message due now (and
an unsent one waiting, once someone has an address). The sending is ``sender.py``'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Office, OutboxMessage, RepairOrder, Staff, database
from deskterm.display import when
from deskterm.duties.records import create_row, locked, update_row
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.messaging.addresses import masked
from deskterm.messaging.compose import compose

TOPIC = "outbox_message"
#: A claim older than this was left by a sender that stopped: another may take it.
CLAIM_MINUTES = 5


def address_of(office: Office | int, technician: Staff | None) -> tuple[str, str]:
    """``(url, via)``: the technician's own address, else the office's group chat, else
    ``("", "")``. Read from the database (the desk's copy of the office may be old)."""
    if technician is not None:
        own = Staff.select(Staff.notify_url).where(Staff.id == technician.id).scalar()
        if own:
            return own, "technician"
    office_id = office.id if isinstance(office, Office) else office
    group = Office.select(Office.notify_url).where(Office.id == office_id).scalar()
    return (group, "office") if group else ("", "")


def queue_message(office: Office, clerk: Staff | None, order: RepairOrder, event: str
                  ) -> OutboxMessage:
    """The message about ``order`` (just dispatched, reassigned or rescheduled) for its
    technician. Call inside the duty's ``changes.write()``."""
    if not database.in_transaction():
        raise RuntimeError("queue_message() must run inside changes.write()")
    now = now_utc()
    for old in locked(OutboxMessage.select().where(
            (OutboxMessage.order == order.id) & (OutboxMessage.state == "waiting"))):
        update_row(old, office, clerk, "supersede", state="superseded")
    technician = Staff.get_or_none(Staff.id == order.technician_id)
    url, via = address_of(office, technician)
    title, body = compose(office, order, technician, clerk, event)
    return create_row(
        OutboxMessage, office, clerk, office=office, order=order.id, technician=technician,
        event=event, via=via, title=title, body=body,
        state="waiting" if url else "unsent", attempts=0, next_at=now if url else None,
        created_at=now, created_by=clerk)


def latest_of(office: Office, order_id: int, *, lock: bool = False) -> OutboxMessage | None:
    query = (OutboxMessage.select()
             .where((OutboxMessage.office == office) & (OutboxMessage.order == order_id)
                    & (OutboxMessage.state != "superseded"))
             .order_by(OutboxMessage.id.desc()))
    return (locked(query) if lock else query).first()


def send_again(office: Office, clerk: Staff | None, order_id: int) -> OutboxMessage:
    """The order's message due now, its attempts counted afresh: a failed or waiting one;
    an unsent one once the technician or the office has an address."""
    now = now_utc()
    with changes.write():
        message = latest_of(office, order_id, lock=True)
        if message is None:
            raise DutyError(_("No message was made for this order: dispatch it to a "
                              "technician first."), "message")
        if message.state == "sent":
            raise DutyError(_("The message was sent already."), "message")
        fresh = now - dt.timedelta(minutes=CLAIM_MINUTES)
        if message.claimed_at is not None and message.claimed_at > fresh:
            raise DutyError(_("The message is being sent right now."), "message")
        via = message.via
        if message.state == "unsent":
            technician = Staff.get_or_none(Staff.id == message.technician_id)
            url, via = address_of(office, technician)
            if not url:
                raise DutyError(_("{name} has no notification address, nor has the office: "
                                  "the manager sets one with deskterm staff notify.").format(
                    name=technician.name if technician else "—"), "message")
        update_row(message, office, clerk, "send_again", state="waiting", via=via,
                   attempts=0, next_at=now, reason="", claimed_by="", claimed_at=None)
    return message


# --- what the desk shows -----------------------------------------------------------------

@dataclass(frozen=True)
class MessageState:
    state: str
    to: str  # the technician's name, or "" when it goes to the office's group
    via: str
    attempts: int
    next_at: dt.datetime | None
    sent_at: dt.datetime | None
    reason: str

    @property
    def can_send_again(self) -> bool:
        return self.state in ("failed", "waiting", "unsent")

    def words(self, tz: str, now: dt.datetime) -> str:
        """``sent ✓ 10:42 to 王建军``, ``waiting (attempt 2, next 10:45)``, ``failed ✗
        …``, ``no address: not sent``."""
        to = self.to if self.via == "technician" else _("the office's group chat")
        if self.state == "sent":
            return _("sent ✓ {when} to {to}").format(when=when(self.sent_at, tz, now), to=to)
        if self.state == "failed":
            return _("failed ✗ {reason}").format(reason=self.reason or "—")
        if self.state == "unsent":
            return _("no address: not sent")
        if not self.attempts:
            return _("waiting to be sent to {to}").format(to=to)
        said = _("waiting (attempt {n}, next {when})").format(
            n=self.attempts + 1, when=when(self.next_at, tz, now))
        return said + (f" · {self.reason}" if self.reason else "")


def order_message(office: Office, order_id: int) -> MessageState | None:
    """The state of the order's latest message (None: it never had one)."""
    message = latest_of(office, order_id)
    if message is None:
        return None
    name = Staff.select(Staff.name).where(Staff.id == message.technician_id).scalar() or ""
    return MessageState(message.state, name, message.via, message.attempts, message.next_at,
                        message.sent_at, message.reason)


def message_marks(order_ids) -> dict[int, str]:
    """Each order's latest message state (Open orders' mark): one query over at most the
    pane's rows, by the order's index."""
    ids = list(order_ids)
    if not ids:
        return {}
    latest: dict[int, tuple[int, str]] = {}
    for message_id, order_id, state in (
            OutboxMessage.select(OutboxMessage.id, OutboxMessage.order, OutboxMessage.state)
            .where(OutboxMessage.order.in_(ids) & (OutboxMessage.state != "superseded"))
            .tuples()):
        if order_id not in latest or message_id > latest[order_id][0]:
            latest[order_id] = (message_id, state)
    return {order_id: state for order_id, (_id, state) in latest.items()}


# --- the addresses, stored ---------------------------------------------------------------

def store_address(row: Office | Staff, office: Office, by: Staff | None, action: str,
                  url: str) -> None:
    """Write ``row.notify_url`` (checked by ``addresses.check_url``) inside the caller's
    ``changes.write()``; the change log holds the masked forms only."""
    before = row.notify_url or ""
    if before == url:
        return
    type(row).update(notify_url=url).where(type(row).id == row.id).execute()
    row.notify_url = url
    changes.record(row._meta.table_name, row.id, action, office=office, staff=by,
                   before={"notify_url": masked(before)}, after={"notify_url": masked(url)})
