"""The shift's records: night log, handover, attendance, daily work records, assessments
and the deadline calendar's completions ([5.7], [5.9], [7.1]-[7.3], [7.4.14], [7.4.23])."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from deskterm.db.models.base import BaseModel, MoneyField, UtcField
from deskterm.db.models.org import Office, Staff
from deskterm.db.models.repair import Complaint, RepairOrder, Task


class NightLogEntry(BaseModel):
    """What happened during the night, written by night staff (夜班记录). Append-only."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    at = UtcField()  # when it happened
    written_at = UtcField()
    written_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    what = TextField()
    where = CharField(default="")
    needs_action = BooleanField(default=False)

    class Meta:
        indexes = ((("office", "written_at"), False),)


class Handover(BaseModel):
    """The night-to-day handover (交接班) [7.3], signed by both sides. Append-only."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    signed_at = UtcField()
    from_staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    to_staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    covers_until = UtcField()  # night-log entries written before this are covered
    open_orders = IntegerField(default=0)
    overdue_callbacks = IntegerField(default=0)
    undeposited = MoneyField(default=0)
    note = TextField(default="")

    class Meta:
        indexes = ((("office", "signed_at"), False),)


class HandoverItem(BaseModel):
    """How one night-log entry was taken over. Append-only."""

    DISPOSITIONS = ("taken_over", "order", "complaint", "task")

    handover = ForeignKeyField(Handover, backref="items", on_delete="RESTRICT")
    entry = ForeignKeyField(NightLogEntry, unique=True, on_delete="RESTRICT")
    disposition = CharField()
    order = ForeignKeyField(RepairOrder, null=True, on_delete="RESTRICT")
    complaint = ForeignKeyField(Complaint, null=True, on_delete="RESTRICT")
    task = ForeignKeyField(Task, null=True, on_delete="RESTRICT")
    note = TextField(default="")


class AttendanceEvent(BaseModel):
    """A sign-in, sign-out, leave or absence [7.4.14]. Append-only: a correction is a new
    event that points at the one it corrects."""

    KINDS = ("sign_in", "sign_out", "leave", "absence", "correction")
    SLOTS = ("morning_in", "lunch_out", "afternoon_in", "evening_out", "desk")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    at = UtcField()
    kind = CharField()
    slot = CharField(default="desk")
    minutes_late = IntegerField(default=0)
    reason = TextField(default="")
    recorded_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    corrects = ForeignKeyField("self", null=True, unique=True, on_delete="RESTRICT")

    class Meta:
        indexes = ((("office", "at"), False), (("staff", "at"), False))


class DailyWorkRecord(BaseModel):
    """The clerk's daily work record (个人工作控制日清记录表) [7.4.23]."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    day = DateField()
    figures = TextField(default="{}")  # JSON of the day's counts, prefilled
    notes = TextField(default="")
    submitted_at = UtcField(null=True)

    class Meta:
        indexes = ((("office", "staff", "day"), True), (("office", "day"), False))


class WorkSummary(BaseModel):
    """A weekly or monthly work summary and next month's plan [7.4.23]."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    kind = CharField()  # week / month
    period = CharField()  # 2026-W48 / 2026-11
    summary = TextField(default="")
    plan = TextField(default="")
    submitted_at = UtcField(null=True)

    class Meta:
        indexes = ((("office", "staff", "kind", "period"), True),)


class Assessment(BaseModel):
    """A supervisor's written assessment of a clerk [5.9]."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    clerk = ForeignKeyField(Staff, on_delete="RESTRICT")
    supervisor = ForeignKeyField(Staff, on_delete="RESTRICT")
    at = UtcField()
    text = TextField()
    score = IntegerField(null=True)

    class Meta:
        indexes = ((("office", "at"), False),)


class DeadlineDone(BaseModel):
    """A calendar deadline marked done for its period (``monthly_fee_summary``, ``2026-11``)
    where no other record proves it (a sheet handed to the manager, say)."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    key = CharField()
    period = CharField()
    done_at = UtcField()
    done_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    note = TextField(default="")

    class Meta:
        indexes = ((("office", "key", "period"), True),)
