"""The manager's work on the staff list, without SQL: who is on it, a role changed, a new
PIN for someone who forgot theirs, a PIN lockout lifted, a leaver marked inactive.

Each change is one transaction with its change-log row naming who made it (``by``: the
manager at the desk; None from the command line, which a set-up script runs). A new PIN
is never written to the log (only that it was set). A leaver stays on the list, inactive:
orders, receipts and the log keep their name, and they can no longer sign in or be
chosen. A person's phone (``set_contact``) is how dispatch reaches a technician. The
office always keeps one active manager: the last one cannot leave or be given
another role. A PIN set or a lockout lifted ends the wrong-PIN count (``pin_checks``).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Office, RepairOrder, Staff
from deskterm.duties.parsing import parse_phone
from deskterm.duties.pin_checks import (
    LOCKOUT_LIFTED,
    PIN_SET,
    check_pin,
    minutes_locked,
    pin_ok,
    recent_failures,
)
from deskterm.duties.pins import hash_pin, normalise_pin
from deskterm.duties.records import locked, update_row
from deskterm.duties.repairs.order_words import CATEGORY_LABELS
from deskterm.errors import DutyError
from deskterm.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, N_, _

T = TypeVar("T")

#: The roles as the manager reads them (translate with _()).
ROLE_WORDS: dict[str, str] = {
    "clerk": N_("clerk"), "supervisor": N_("supervisor"), "manager": N_("manager"),
    "night": N_("night staff"), "technician": N_("technician"),
    "cs_supervisor": N_("customer-service supervisor"),
}


#: Who signs in at the desk (and so needs a PIN).
DESK_ROLES = Staff.DESK_ROLES


@dataclass(frozen=True)
class StaffLine:
    """One person on the staff list, as the manager's book shows them."""

    id: int
    name: str
    role: str
    phone: str
    active: bool
    has_pin: bool
    locked_minutes: int  # minutes left of a PIN lockout (0: none)
    skills: tuple[str, ...] = ()  # a technician's repair categories (none: any)


def state_words(line: StaffLine) -> str:
    """A person's state as the manager reads it (the book's and ``staff list``'s column)."""
    if not line.active:
        return _("left")
    if line.locked_minutes:
        return _("PIN locked {minutes} min").format(minutes=line.locked_minutes)
    if not line.has_pin:
        return _("no PIN (no sign-in)")
    return _("active")


# --- a technician's skills: the repair categories he takes ------------------------------------

#: Short words a clerk types for a category, beside its key and its label in every language
#: (水电 is read as 水 and 电).
SKILL_SHORT_WORDS = {"水": "water", "电": "electricity"}
_SEPARATORS = re.compile(r"[,，、;；/]+")


def stored_skills(text: str | None) -> tuple[str, ...]:
    """The categories of ``staff.skills`` as stored (comma-separated keys), in
    ``RepairOrder.CATEGORIES`` order; a key no longer known is dropped."""
    keys = {key.strip() for key in (text or "").split(",")}
    return tuple(key for key in RepairOrder.CATEGORIES if key in keys)


def skills_words(skills: Iterable[str]) -> str:
    """Categories as the clerk reads them ("water, electricity"); none: any repair."""
    keys = tuple(skills)
    if not keys:
        return _("any repair")
    return _(", ").join(_(CATEGORY_LABELS[key]) if key in CATEGORY_LABELS else key
                        for key in keys)


def skills_said(person: Staff) -> str:
    """What a change of skills did, in a sentence (the command's and the desk's)."""
    keys = stored_skills(person.skills)
    if not keys:
        return _("{name} takes any repair.").format(name=person.name)
    return _("{name} takes: {repairs}.").format(name=person.name, repairs=skills_words(keys))


def _simple(word: str) -> str:
    return " ".join(word.lower().replace("_", " ").replace("-", " ").split())


@cache
def _category_names() -> dict[str, str]:
    """Every name a category is typed as (simplified) → its key."""
    names = {_simple(key): key for key in RepairOrder.CATEGORIES}
    for language in LANGUAGES:
        words = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[language],
                                    fallback=True)
        for key in RepairOrder.CATEGORIES:
            label = CATEGORY_LABELS[key]
            names.setdefault(_simple(label), key)
            names.setdefault(_simple(words.gettext(label)), key)
    for word, key in SKILL_SHORT_WORDS.items():
        names.setdefault(word, key)
    return names


def _one_name(word: str) -> list[str] | None:
    """The keys ``word`` names: a name, a run of names written together (水电, 水路电路), or
    the start of one name only (门 for 门锁, "door" for doors and locks)."""
    names = _category_names()
    if word in names:
        return [names[word]]
    if any("\u4e00" <= ch <= "\u9fff" for ch in word):  # Chinese: names written together
        for length in range(len(word) - 1, 0, -1):
            head = word[:length]
            rest = _one_name(word[length:]) if head in names else None
            if rest:
                return [names[head], *rest]
    if len(word) >= 3 or not word.isascii():
        starts = {key for name, key in names.items() if name.startswith(word)}
        if len(starts) == 1:
            return [starts.pop()]
    return None


def parse_skills(categories: str | Iterable[str] | None) -> tuple[str, ...]:
    """Category keys from what the manager typed or chose: keys or labels, in English or
    Chinese, apart by commas, 、 or spaces ("water, electricity", "水路、电路", "水电");
    in ``RepairOrder.CATEGORIES`` order. Nothing: () (any repair). An unknown word:
    DutyError naming it and the categories there are (field ``skills``)."""
    text = categories if isinstance(categories, str) else ",".join(categories or ())
    found: set[str] = set()
    for piece in _SEPARATORS.split(text or ""):
        words = piece.split()
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):  # the longest run of words that names one
                keys = _one_name(_simple(" ".join(words[i:j])))
                if keys:
                    found.update(keys)
                    i = j
                    break
            else:
                raise DutyError(_("Unknown repair category '{word}': one of {labels}.").format(
                    word=words[i], labels=skills_words(RepairOrder.CATEGORIES)), "skills")
    return tuple(key for key in RepairOrder.CATEGORIES if key in found)


def staff_lines(office: Office) -> list[StaffLine]:
    """Everyone of the office, the active first, by role then name."""
    now = now_utc()
    lines = []
    for person in Staff.select().where(Staff.office == office):
        minutes = 0
        if person.pin_hash:
            failures, latest = recent_failures(person.id, now)
            minutes = minutes_locked(failures, latest, now)
        lines.append(StaffLine(person.id, person.name, person.role, person.phone,
                               person.active, bool(person.pin_hash), minutes,
                               stored_skills(person.skills)))
    order = {role: i for i, role in enumerate(Staff.ROLES)}
    return sorted(lines, key=lambda s: (not s.active, order.get(s.role, 99), s.name))


def find_person(office: Office, name: str) -> Staff:
    """The person of this office called ``name`` (as typed, trimmed), else DutyError."""
    person = Staff.get_or_none((Staff.office == office) & (Staff.name == (name or "").strip()))
    if person is None:
        raise DutyError(_("Nobody called {name} is on this office's staff list.").format(
            name=(name or "").strip()), "name")
    return person


def _person(office: Office, staff_id: int) -> Staff:
    person = locked(Staff.select().where((Staff.id == staff_id)
                                         & (Staff.office == office))).first()
    if person is None:
        raise DutyError(_("That person is not on this office's staff list."), "staff")
    return person


def _other_managers(office: Office, person: Staff) -> int:
    return Staff.select().where((Staff.office == office) & (Staff.role == "manager")
                                & Staff.active & (Staff.id != person.id)).count()


def change_role(office: Office, by: Staff | None, staff_id: int, role: str) -> Staff:
    if role not in Staff.ROLES:
        raise DutyError(_("Unknown role '{role}': one of {roles}.").format(
            role=role, roles=", ".join(Staff.ROLES)), "role")
    with changes.write():
        person = _person(office, staff_id)
        if not person.active:
            raise DutyError(_("{name} has left: a leaver's role is not changed.").format(
                name=person.name), "role")
        if person.role == role:
            raise DutyError(_("{name} is a {role} already.").format(
                name=person.name, role=_(ROLE_WORDS[role])), "role")
        if person.role == "manager" and not _other_managers(office, person):
            raise DutyError(_("{name} is the office's only manager: make someone else "
                              "manager first.").format(name=person.name), "role")
        if role in Staff.DESK_ROLES and not person.pin_hash:
            raise DutyError(_("{name} has no PIN to sign in with: set a PIN first.").format(
                name=person.name), "role")
        update_row(person, office, by, "role", role=role)
    return person


def as_manager(office: Office, manager: Staff | None, pin: str, work: Callable[[], T]) -> T:
    """``work()`` (one of the changes here) authorised at the desk by the manager's own PIN,
    checked and counted like every PIN (``pin_checks``: purpose ``staff_admin``, field
    ``manager_pin``); the good PIN and the change are one transaction."""
    if manager is None or manager.role != "manager":
        raise DutyError(_("Only a manager may change the staff list or the office's "
                          "settings."), "manager_pin")
    check_pin(office, manager, pin, "staff_admin", "manager_pin", at_desk=manager)
    with changes.write():
        pin_ok(office, manager, "staff_admin", at_desk=manager)
        return work()


def new_pin_hash(pin: str, field: str = "new_pin") -> str:
    """The stored form of a new PIN (scrypt, ~40 ms: before any write transaction)."""
    return hash_pin(normalise_pin(pin, field))


def set_pin(office: Office, by: Staff | None, staff_id: int, pin: str | None = None, *,
            pin_hash: str | None = None) -> Staff:
    """A new PIN for someone (who forgot theirs): the wrong-PIN count starts again.
    ``pin_hash`` (from ``new_pin_hash``) instead of ``pin`` inside a caller's write."""
    if pin_hash is None:
        pin_hash = new_pin_hash(pin or "")
    with changes.write():
        person = _person(office, staff_id)
        if not person.active:
            raise DutyError(_("{name} has left: a leaver gets no PIN.").format(
                name=person.name), "new_pin")
        Staff.update(pin_hash=pin_hash).where(Staff.id == person.id).execute()
        person.pin_hash = pin_hash
        changes.record("staff", person.id, PIN_SET, office=office, staff=by,
                       after={"name": person.name})  # never the PIN, nor its hash
    return person


def lift_lockout(office: Office, by: Staff | None, staff_id: int) -> Staff:
    with changes.write():
        person = _person(office, staff_id)
        failures, latest = recent_failures(person.id, now_utc())
        if not minutes_locked(failures, latest, now_utc()):
            raise DutyError(_("{name}'s PIN is not locked.").format(name=person.name),
                            "staff")
        changes.record("staff", person.id, LOCKOUT_LIFTED, office=office, staff=by,
                       after={"name": person.name, "failures": failures})
    return person


def set_contact(office: Office, by: Staff | None, staff_id: int, phone: str) -> Staff:
    """The phone a person is reached on (a technician's, for dispatch); empty clears it."""
    phone = parse_phone(phone, "phone") if (phone or "").strip() else ""
    with changes.write():
        person = _person(office, staff_id)
        if not person.active:
            raise DutyError(_("{name} has left: nothing to change.").format(name=person.name),
                            "phone")
        update_row(person, office, by, "contact", phone=phone)
    return person


def set_notify(office: Office, by: Staff | None, staff_id: int, url: str) -> Staff:
    """Where dispatch messages reach a person (an apprise URL, checked by apprise and
    logged masked: ``deskterm/messaging``); empty clears it."""
    from deskterm.messaging.addresses import check_url
    from deskterm.messaging.outbox import store_address

    url = check_url(url, "notify_url")
    with changes.write():
        person = _person(office, staff_id)
        if not person.active:
            raise DutyError(_("{name} has left: nothing to change.").format(name=person.name),
                            "notify_url")
        store_address(person, office, by, "notify", url)
    return person


def mark_leaver(office: Office, by: Staff | None, staff_id: int) -> Staff:
    """Inactive from now on: no sign-in, not offered for work; the history keeps the name."""
    with changes.write():
        person = _person(office, staff_id)
        if not person.active:
            raise DutyError(_("{name} has left already.").format(name=person.name), "staff")
        if by is not None and person.id == by.id:
            raise DutyError(_("You cannot mark yourself as a leaver."), "staff")
        if person.role == "manager" and not _other_managers(office, person):
            raise DutyError(_("{name} is the office's only manager: make someone else "
                              "manager first.").format(name=person.name), "staff")
        update_row(person, office, by, "leave", active=False)
    return person


def set_skills(office: Office, by: Staff | None, name_or_person: str | int | Staff,
               categories: str | Iterable[str] | None) -> Staff:
    """The repair categories a technician takes (``parse_skills``: keys or labels; none:
    any repair). Only an active technician has them. Dispatch may use them to propose a
    technician for an order of a category (not yet: F2 proposes as before)."""
    keys = parse_skills(categories)
    if isinstance(name_or_person, str):
        name_or_person = find_person(office, name_or_person)
    staff_id = name_or_person.id if isinstance(name_or_person, Staff) else name_or_person
    with changes.write():
        person = _person(office, staff_id)
        if not person.active:
            raise DutyError(_("{name} has left: nothing to change.").format(name=person.name),
                            "skills")
        if person.role != "technician":
            raise DutyError(_("{name} is a {role}: only technicians take repair "
                              "categories.").format(name=person.name,
                                                    role=_(ROLE_WORDS[person.role])), "skills")
        update_row(person, office, by, "skills", skills=",".join(keys))
    return person
