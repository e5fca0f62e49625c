"""Incoming calls (issue #14): a ringing phone recorded by the PBX's hook or a caller-ID
box (``deskterm call``, the webhook listener), then answered at a desk, or missed and
returned later. Times are naive UTC.

``state`` is what was written last: ``ringing`` (recorded; a ringing call no desk took
within ``duties.calls.ringing.RING_SECONDS`` counts as missed without being written again),
``answered`` (a desk took it: ``answered_at``/``answered_by``), ``missed`` (the caller hung
up first: ``ended_at``), ``returned`` (a clerk called back: ``returned_at``/``returned_by``
and ``return_note``). ``owner``/``unit`` are the roster's match for ``number`` when it rang
(None: not on the roster).
"""

from __future__ import annotations

from peewee import CharField, ForeignKeyField, TextField

from deskterm.db.models.base import BaseModel, UtcField
from deskterm.db.models.org import Office, Owner, Staff, Unit


class IncomingCall(BaseModel):
    STATES = ("ringing", "answered", "missed", "returned")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    number = CharField()  # digits, as duties/parsing.py's parse_phone writes them
    line = CharField(default="")  # the PBX line or extension it rang on
    source = CharField(default="command")  # command / listener
    rang_at = UtcField()
    owner = ForeignKeyField(Owner, null=True, on_delete="SET NULL")
    unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    state = CharField(default="ringing")
    answered_at = UtcField(null=True)
    answered_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT",
                                  backref="calls_answered")
    ended_at = UtcField(null=True)  # the caller hung up before a desk took it
    returned_at = UtcField(null=True)
    returned_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT",
                                  backref="calls_returned")
    return_note = TextField(default="")

    class Meta:
        table_name = "incoming_call"
        indexes = (
            (("office", "state", "rang_at"), False),  # ringing now; calls to return
            (("office", "rang_at"), False),  # a day's calls for the reports
            (("office", "number", "rang_at"), False),  # the same caller again
        )
