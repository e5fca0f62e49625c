"""Setting up a real office: the office itself and the people who may use the desk.

Used by ``deskterm office add`` and ``deskterm staff add``; each write is audited in the
change log like every other.
"""

from __future__ import annotations

import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Office, Staff
from deskterm.duties.pins import hash_pin
from deskterm.duties.pinyin import initials
from deskterm.errors import DutyError
from deskterm.i18n import _


def _clean_name(value: str, field: str, limit: int = 40) -> str:
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        raise DutyError(_("Enter a name."), field)
    if len(text) > limit:
        raise DutyError(_("At most {n} characters.").format(n=limit), field)
    if any(not ch.isprintable() for ch in text):
        raise DutyError(_("A name cannot contain control characters."), field)
    return text


def add_office(name: str, *, timezone: str = "Asia/Shanghai") -> Office:
    """Create an office; ``name`` is what the phone greeting says (您好！{name})."""
    name = _clean_name(name, "name", 60)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DutyError(
            _("Unknown time zone '{zone}': use a name like Asia/Shanghai.").format(zone=timezone),
            "timezone") from exc
    with changes.write():
        office = Office.create(name=name, timezone=timezone, created_at=now_utc())
        changes.record("office", office.id, "create", office=office,
                       after={"name": name, "timezone": timezone})
    return office


def add_staff(office: Office, name: str, role: str, pin: str | None = None, *,
              phone: str = "", by: Staff | None = None, pin_hash: str = "") -> Staff:
    """Add a person; desk roles (clerk, supervisor, manager, night) need a PIN (or its
    ``pin_hash``, hashed by the caller before its write transaction)."""
    name = _clean_name(name, "name")
    if role not in Staff.ROLES:
        raise DutyError(
            _("Unknown role '{role}': one of {roles}.").format(
                role=role, roles=", ".join(Staff.ROLES)), "role")
    if role in Staff.DESK_ROLES and not (pin or pin_hash):
        raise DutyError(_("Someone who signs in at the desk needs a PIN."), "pin")
    pin_hash = hash_pin(pin) if pin else pin_hash
    phone = phone.strip()
    if phone:
        from deskterm.duties.parsing import parse_phone

        phone = parse_phone(phone, "phone")
    with changes.write():
        if Staff.select().where((Staff.office == office) & (Staff.name == name)).exists():
            raise DutyError(_("{name} is already on the staff list.").format(name=name), "name")
        staff = Staff.create(office=office, name=name, role=role, phone=phone,
                             pinyin_initials=initials(name), pin_hash=pin_hash,
                             created_at=now_utc())
        changes.record("staff", staff.id, "create", office=office, staff=by,
                       after={"name": name, "role": role})
    return staff
