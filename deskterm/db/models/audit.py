"""The change log: the audit trail, and the signal that tells live panes what changed."""

from __future__ import annotations

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from deskterm.db.models.base import BaseModel, UtcField
from deskterm.db.models.org import Office, Staff


class ChangeLog(BaseModel):
    """One row per write, in the same transaction as the write. Append-only.

    ``topic`` is the table name of the row written; panes subscribe to topics.
    ``detail`` is JSON: {"before": {...}, "after": {...}} where it matters.
    """

    office = ForeignKeyField(Office, null=True, on_delete="RESTRICT")
    at = UtcField()
    staff = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    topic = CharField()
    row_id = IntegerField(null=True)
    action = CharField()  # create / update / void / sign_in / seed ...
    detail = TextField(default="")

    class Meta:
        indexes = ((("topic", "row_id"), False),)
