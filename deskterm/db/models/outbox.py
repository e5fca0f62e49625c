"""The outbox (issue #14): messages to technicians, written in the same transaction as the
dispatch that makes them and sent later, in the background (``deskterm/messaging``).

A message is ``waiting`` until a sender claims it (``claimed_by`` / ``claimed_at``,
committed before it sends, so two senders never send it twice; a claim older than
``messaging.sender.CLAIM_MINUTES`` is taken again), then ``sent``, or ``waiting`` again
with its attempt counted, the reason and the next try (``next_at``), and ``failed`` after
the last attempt. ``unsent``: there was no address, nothing was queued (the row says so
on the order). ``superseded``: a newer message about the same order replaced it before it
went.
"""

from __future__ import annotations

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from deskterm.db.models.base import BaseModel, UtcField
from deskterm.db.models.org import Office, Staff
from deskterm.db.models.repair import RepairOrder


class OutboxMessage(BaseModel):
    STATES = ("waiting", "sent", "failed", "unsent", "superseded")
    EVENTS = ("dispatch", "reassign", "reschedule")

    office = ForeignKeyField(Office, backref="+", on_delete="RESTRICT")
    order = ForeignKeyField(RepairOrder, backref="+", on_delete="RESTRICT")
    technician = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")
    event = CharField()
    # Whose address it goes to: "technician", "office" (the group chat), "" (none).
    via = CharField(default="")
    title = TextField(default="")
    body = TextField(default="")
    state = CharField()
    attempts = IntegerField(default=0)
    next_at = UtcField(null=True)
    claimed_by = CharField(default="")
    claimed_at = UtcField(null=True)
    sent_at = UtcField(null=True)
    reason = TextField(default="")
    created_at = UtcField()
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "outbox_message"
        indexes = ((("office", "state", "next_at"), False),)
