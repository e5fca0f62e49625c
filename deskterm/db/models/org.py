"""The office and its people and places: office, districts, buildings, units, owners, staff."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from deskterm.db.models.base import BaseModel, MoneyField, UtcField


class Office(BaseModel):
    """A property-management office (管理处): one desk's whole world."""

    name = CharField()  # used in the phone greeting: "您好！{name}"
    timezone = CharField(default="Asia/Shanghai")
    # Season boundaries as MM-DD: summer from summer_start, winter from winter_start.
    summer_start = CharField(default="05-01")
    winter_start = CharField(default="10-01")
    # The fixed day [7.1]-[7.4.24], as HH:MM office-local times.
    sign_in_at = CharField(default="08:20")
    meeting_end_at = CharField(default="08:30")
    handover_end_at = CharField(default="08:40")
    phones_open_at = CharField(default="08:30")
    lunch_out_at = CharField(default="12:00")
    afternoon_in_at = CharField(default="13:30")
    deposit_by_at = CharField(default="17:00")
    sign_out_winter_at = CharField(default="17:30")
    sign_out_summer_at = CharField(default="18:00")
    callback_window_hours = IntegerField(default=24)
    cash_difference_limit = MoneyField(default=1000)
    idle_lock_minutes = IntegerField(default=10)
    created_at = UtcField()
    # The banks deposits go to, one per line (the first proposed), and the usual float.
    banks = TextField(default="")
    default_float = MoneyField(default=0)
    # The daily backup's time on the deadline calendar (HH:MM office-local); "": not on it.
    backup_at = CharField(default="")
    # The office's group chat for messages to technicians without an address of their
    # own (an apprise URL, ``deskterm/messaging``); "": none.
    notify_url = TextField(default="")


class Staff(BaseModel):
    """Anyone the desk knows: clerks, supervisors, managers, night staff, technicians."""

    ROLES = ("clerk", "supervisor", "manager", "night", "technician", "cs_supervisor")
    DESK_ROLES = ("clerk", "supervisor", "manager", "night")

    office = ForeignKeyField(Office, backref="staff", on_delete="RESTRICT")
    name = CharField()
    pinyin_initials = CharField(default="")
    role = CharField()
    phone = CharField(default="")
    pin_hash = CharField(default="")  # "scrypt$n$r$p$salt_hex$hash_hex"; empty: cannot sign in
    active = BooleanField(default=True)
    # A technician's skills: the repair categories he takes, comma-separated ("" = any).
    skills = CharField(default="")
    created_at = UtcField()
    # Where dispatch messages reach this person (an apprise URL); "": none.
    notify_url = TextField(default="")

    class Meta:
        indexes = ((("office", "name"), True), (("office", "role", "active"), False))


class District(BaseModel):
    """A district (辖区) with its customer-service supervisor (客服主管)."""

    office = ForeignKeyField(Office, backref="districts", on_delete="RESTRICT")
    code = CharField()
    name = CharField()
    cs_supervisor = ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("office", "code"), True),)


class Building(BaseModel):
    office = ForeignKeyField(Office, on_delete="RESTRICT")
    district = ForeignKeyField(District, backref="buildings", on_delete="RESTRICT")
    code = CharField()  # "3" for 3栋
    name = CharField()  # "3栋"
    floors = IntegerField(default=0)

    class Meta:
        indexes = ((("office", "code"), True),)


class Unit(BaseModel):
    """A home: building-entrance-room, written ``3-2-501`` (3栋2单元501)."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    building = ForeignKeyField(Building, backref="units", on_delete="RESTRICT")
    entrance = CharField()  # 单元
    room = CharField()
    code = CharField()
    area_centi_m2 = IntegerField()  # floor area in hundredths of m² (89.56 m² = 8956)

    class Meta:
        indexes = ((("office", "code"), True), (("building", "entrance", "room"), True))


class Place(BaseModel):
    """A public place of the estate (the east gate, a road, the clubhouse): where an order
    that belongs to no home is done. Inactive places stay for the orders that name them."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    district = ForeignKeyField(District, backref="places", on_delete="RESTRICT")
    name = CharField()
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("office", "name"), True),)


class Owner(BaseModel):
    """An entry of the owner roster (业主名册一览表); tenants are recorded here too."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="owners", on_delete="RESTRICT")
    name = CharField()
    pinyin_initials = CharField(default="")  # 张三 → "zs"
    kind = CharField(default="owner")  # owner / tenant
    active = BooleanField(default=True)
    note = TextField(default="")
    created_at = UtcField()

    class Meta:
        indexes = ((("office", "pinyin_initials"), False), (("office", "name"), False))


class OwnerPhone(BaseModel):
    owner = ForeignKeyField(Owner, backref="phones", on_delete="CASCADE")
    phone = CharField()  # digits only, e.g. 13812345678 or 02787654321-123
    label = CharField(default="")

    class Meta:
        indexes = ((("phone",), False),)


class Counter(BaseModel):
    """Per-office numbering (order numbers WX-202611-0042...), taken inside a write
    transaction so that two clerks saving at the same instant never share a number."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    name = CharField()
    period = CharField()
    value = IntegerField(default=0)

    class Meta:
        indexes = ((("office", "name", "period"), True),)
