"""The repair desk's records: service register, repair orders, callbacks, complaints,
visits and tasks ([5.2], [5.8], [7.4.1]-[7.4.12], [7.4.16])."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from deskterm.db.models.base import BaseModel, MoneyField, UtcField
from deskterm.db.models.org import Building, District, Office, Owner, Place, Staff, Unit


class ServiceEntry(BaseModel):
    """A line of the service register (服务登记本): every call, report and visit request."""

    CHANNELS = ("phone", "walk_in", "patrol", "technician", "night_log")
    KINDS = ("repair", "enquiry", "complaint", "other")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    at = UtcField()
    channel = CharField()
    kind = CharField()
    caller_name = CharField(default="")
    owner = ForeignKeyField(Owner, null=True, on_delete="SET NULL")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    phone = CharField(default="")
    request = TextField()
    appointment_at = UtcField(null=True)
    recorded_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    completed_at = UtcField(null=True)
    #: The order this line is about when it opened none of its own: a chase (催单) points
    #: at the order chased (``duties/repairs/chases.py``).
    order = DeferredForeignKey("RepairOrder", null=True, on_delete="RESTRICT")

    class Meta:
        indexes = ((("office", "at"), False), (("office", "completed_at", "at"), False))


class RepairOrder(BaseModel):
    """A repair order (维修任务单) and every timestamp of its life.

    registered → dispatched → returned → called_back → approved → handed_over (by district,
    month end) or filed (public-area orders, monthly). A not-satisfied callback reopens it
    (back to dispatched). ``state`` is what the panes' composite indexes start with.
    """

    STATES = (
        "registered", "dispatched", "returned", "called_back",
        "approved", "handed_over", "filed", "cancelled",
    )
    OPEN_STATES = ("registered", "dispatched")
    CATEGORIES = ("water", "electricity", "doors_locks", "lift", "public_area", "gas",
                  "walls_roof", "other")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    number = CharField()  # WX-202611-0042
    service_entry = ForeignKeyField(ServiceEntry, null=True, on_delete="RESTRICT")
    district = ForeignKeyField(District, on_delete="RESTRICT")
    building = ForeignKeyField(Building, null=True, on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    place = ForeignKeyField(Place, null=True, on_delete="RESTRICT")  # a public place
    is_public = BooleanField(default=False)  # 公共维修
    channel = CharField(default="phone")
    category = CharField(default="other")
    urgency = CharField(default="normal")  # normal / urgent
    description = TextField()
    reporter_name = CharField(default="")
    reporter_phone = CharField(default="")
    technician = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    appointment_at = UtcField(null=True)
    state = CharField(default="registered")
    reopened_count = IntegerField(default=0)
    chases = IntegerField(default=0)  # the owner rang again about it (催单)
    chased_at = UtcField(null=True)  # the last time; raises it on Open orders
    registered_at = UtcField()
    registered_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    dispatched_at = UtcField(null=True)
    returned_at = UtcField(null=True)
    result = CharField(null=True)  # done / not_done
    work_done = TextField(default="")
    charge = MoneyField(default=0)
    callback_due_at = UtcField(null=True)  # returned_at + the office's callback window
    called_back_at = UtcField(null=True)
    callback_on_time = BooleanField(null=True)  # for the callback rate [6.4]
    approved_at = UtcField(null=True)
    approved_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    handed_over_at = UtcField(null=True)
    handed_over_to = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    filed_at = UtcField(null=True)

    class Meta:
        indexes = (
            (("office", "number"), True),
            (("office", "state", "appointment_at"), False),  # Open orders pane
            (("office", "state", "callback_due_at"), False),  # Overdue callbacks pane
            (("office", "appointment_at"), False),  # today's appointments (timeline)
            (("office", "returned_at", "callback_due_at", "callback_on_time"), False),  # rate
            (("unit", "registered_at"), False),  # a unit's history
        )


class Complaint(BaseModel):
    """A complaint (客户投诉记录表) with its handling and callback ([7.4.16], [6.7])."""

    STATES = ("open", "assigned", "handled", "called_back", "closed")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    number = CharField()
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    complainant_name = CharField(default="")
    phone = CharField(default="")
    channel = CharField(default="phone")
    category = CharField(default="other")
    description = TextField()
    received_at = UtcField()
    received_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    handler = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    handling = TextField(default="")
    result = TextField(default="")
    state = CharField(default="open")
    handled_at = UtcField(null=True)
    callback_due_at = UtcField(null=True)
    called_back_at = UtcField(null=True)
    closed_at = UtcField(null=True)

    class Meta:
        indexes = (
            (("office", "number"), True),
            (("office", "state", "callback_due_at"), False),
            (("office", "received_at"), False),
        )


class Callback(BaseModel):
    """One callback call (回访), with the service process inspection (服务过程检验单).
    Append-only: every attempt is kept, the unreachable ones too."""

    OUTCOMES = ("satisfied", "not_satisfied", "unreachable", "refused")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    order = ForeignKeyField(RepairOrder, null=True, backref="callbacks", on_delete="RESTRICT")
    complaint = ForeignKeyField(Complaint, null=True, backref="callbacks", on_delete="RESTRICT")
    at = UtcField()
    by = ForeignKeyField(Staff, on_delete="RESTRICT")
    outcome = CharField()
    note = TextField(default="")
    arrived_on_time = BooleanField(null=True)
    manner_ok = BooleanField(null=True)
    site_clean = BooleanField(null=True)
    problem_solved = BooleanField(null=True)
    charge_as_quoted = BooleanField(null=True)

    class Meta:
        indexes = ((("office", "at"), False),)


class Visit(BaseModel):
    """A walk-in visitor [7.4.12]; may become an order or a complaint."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    at = UtcField()
    visitor_name = CharField(default="")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    phone = CharField(default="")
    purpose = TextField()
    recorded_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    order = ForeignKeyField(RepairOrder, null=True, on_delete="RESTRICT")
    complaint = ForeignKeyField(Complaint, null=True, on_delete="RESTRICT")

    class Meta:
        indexes = ((("office", "at"), False),)


class Task(BaseModel):
    """A follow-up from the morning meeting, the handover, a patrol, the manager or a call:
    who, what, by when (``duties/shift/tasks.py``). ``done_by`` is who did it."""

    SOURCES = ("meeting", "handover", "patrol", "manager", "call", "other")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    title = TextField()
    source = CharField(default="meeting")
    assigned_to = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    due_at = UtcField()
    created_at = UtcField()
    created_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    done_at = UtcField(null=True)
    done_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")

    class Meta:
        indexes = ((("office", "due_at"), False), (("office", "done_at", "due_at"), False))
