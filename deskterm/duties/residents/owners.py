"""Keeping the owner roster (业主名册一览表) by hand: one owner's card, editing it, adding an
owner to a unit, and the owner's phones.

Owners are never deleted: one who moved out is set inactive (``active=False``) and is still
found by the lookup, after everyone else, with the repair orders and complaints that name
them. ``pinyin_initials`` follows the name (张三 → ``zs``) whenever the name changes.

Every duty validates first, then writes inside one ``changes.write()`` with a change-log
row per row written (``owner``, ``owner_phone``); a ``DutyError`` names the form field
(``name``, ``kind``, ``note``, ``phones``, ``unit``) and a refused duty stores nothing.
Phones are checked with the strict parser (``parsing.parse_phone``): several in one field
are separated by ``/ , ; 、`` or spaces (``138 1234 5678`` is still one number).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from peewee import Model

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Office, Owner, OwnerPhone, Staff, Unit
from deskterm.duties.parsing import parse_phone, parse_unit_code
from deskterm.duties.pinyin import initials
from deskterm.duties.records import (
    NAME_LIMIT,
    clean_text,
    create_row,
    desk_person,
    locked,
    update_row,
)
from deskterm.errors import DutyError
from deskterm.i18n import N_, _

#: An owner's kinds and their labels (translate with _()).
KINDS: dict[str, str] = {"owner": N_("owner"), "tenant": N_("tenant")}
NOTE_LIMIT = 500
#: More phones than this for one person is a pasted list, not a roster entry.
MAX_PHONES = 8

# Between two phones in one field: a slash, a comma, a semicolon, an enumeration comma
# (、), their full-width forms, a bar or a line break. Spaces also separate phones, but
# only where the whole piece is not one number (``138 1234 5678``).
_PHONE_SEPARATORS = re.compile(r"[/／,，;；、|｜\n\r]+")
#: The most words one phone is written in (``+86 027 8765 4321 转 123``).
_PHONE_WORDS = 7


@dataclass(frozen=True)
class OwnerCard:
    """One roster entry as the owner form shows it."""

    id: int
    name: str
    kind: str
    active: bool
    note: str
    unit_id: int
    unit_code: str
    phones: tuple[str, ...]


# --- phones -----------------------------------------------------------------------------------

class _BadPiece(DutyError):
    """The part of a piece that is not a phone, and why."""

    def __init__(self, piece: str, error: DutyError) -> None:
        super().__init__(error.message, error.field)
        self.piece = piece


def _one_or_several(piece: str, field: str) -> list[str]:
    """A piece between separators: one phone, or several separated by spaces. Each phone
    is the most words (up to ``_PHONE_WORDS``) from where the last one ended that read as
    a phone: ``138 1234 5678 139 1234 5678`` is two, ``027-8765 4321 转 12 13812345678``
    a landline with its extension and a mobile. ``_BadPiece`` names the part that is not."""
    try:
        return [parse_phone(piece, field)]
    except DutyError as exc:
        whole = _BadPiece(piece, exc)
    words = piece.split()
    found, start = [], 0
    while start < len(words):
        for end in range(min(len(words), start + _PHONE_WORDS), start, -1):
            try:
                found.append(parse_phone(" ".join(words[start:end]), field))
            except DutyError:
                continue
            start = end
            break
        else:
            if start == 0:
                raise whole
            rest = " ".join(words[start:])  # what follows the phones read so far
            try:
                parse_phone(rest, field)
            except DutyError as exc:
                raise _BadPiece(rest, exc) from None
            raise whole
    return found


def parse_phones(text: str | None, field: str = "phones") -> list[str]:
    """Every phone in ``text`` (digits as stored, each once, in the order given), or
    ``DutyError`` on ``field`` quoting the first part that is not a phone. Empty text is
    no phones."""
    text = "" if text is None else str(text)
    found: list[str] = []
    for piece in _PHONE_SEPARATORS.split(text):
        piece = piece.strip()
        if not piece:
            continue
        try:
            phones = _one_or_several(piece, field)
        except _BadPiece as exc:
            shown = "".join(ch if ch.isprintable() else " " for ch in exc.piece)
            shown = shown if len(shown) <= 30 else shown[:29] + "…"
            raise DutyError(_("{phone}: {problem}").format(phone=shown, problem=exc.message),
                            field) from None
        for phone in phones:
            if phone not in found:
                found.append(phone)
    if len(found) > MAX_PHONES:
        raise DutyError(_("At most {n} phones for one person.").format(n=MAX_PHONES), field)
    return found


def _phone_list(phones: str | Iterable[str] | None, field: str = "phones") -> list[str]:
    if phones is None or isinstance(phones, str):
        return parse_phones(phones, field)
    return parse_phones(" / ".join(str(p) for p in phones), field)


# --- checking the fields ------------------------------------------------------------------

def clean_name(value: str | None, field: str = "name") -> str:
    return clean_text(value, field, limit=NAME_LIMIT, message=_("Enter the owner's name."))


def check_kind(value: str | None, field: str = "kind") -> str:
    if value not in KINDS:
        raise DutyError(_("Choose owner or tenant."), field)
    return value


def clean_note(value: str | None, field: str = "note") -> str:
    return clean_text(value, field, limit=NOTE_LIMIT, required=False)


# --- reading --------------------------------------------------------------------------------

def _owner_id(owner: Owner | int | None) -> int | None:
    return owner.get_id() if isinstance(owner, Model) else owner


def owner_of(office: Office, owner_id: Owner | int | None, *, lock: bool = False) -> Owner:
    """This office's owner ``owner_id``, else DutyError on "owner"."""
    owner_id = _owner_id(owner_id)
    row = None
    if owner_id is not None:
        query = Owner.select().where((Owner.id == owner_id) & (Owner.office == office))
        row = (locked(query) if lock else query).first()
    if row is None:
        raise DutyError(_("There is no such owner at this office."), "owner")
    return row


def _phones_of(owner_id: int) -> list[OwnerPhone]:
    return list(OwnerPhone.select().where(OwnerPhone.owner == owner_id).order_by(OwnerPhone.id))


def owner_card(office: Office, owner_id: Owner | int) -> OwnerCard:
    """One owner of this office, with their unit and phones (in the order stored)."""
    owner = owner_of(office, owner_id)
    unit = Unit.get_by_id(owner.unit_id)
    return OwnerCard(id=owner.id, name=owner.name, kind=owner.kind, active=bool(owner.active),
                     note=owner.note, unit_id=unit.id, unit_code=unit.code,
                     phones=tuple(p.phone for p in _phones_of(owner.id)))


# --- writing --------------------------------------------------------------------------------

def _update(owner: Owner, office: Office, clerk: Staff, *, name=None, kind=None, note=None,
            active=None) -> None:
    values: dict = {}
    if name is not None:
        name = clean_name(name)
        if name != owner.name:
            values.update(name=name, pinyin_initials=initials(name))
    if kind is not None and check_kind(kind) != owner.kind:
        values["kind"] = kind
    if note is not None:
        note = clean_note(note)
        if note != owner.note:
            values["note"] = note
    if active is not None and bool(active) != bool(owner.active):
        values["active"] = bool(active)
    if values:
        update_row(owner, office, clerk, "update", **values)


def _set_phones(owner: Owner, office: Office, clerk: Staff, wanted: list[str]) -> None:
    """The owner's phones become ``wanted``, in that order; numbers kept are not rewritten
    unless their order changed (the first phone is the one forms fill in)."""
    current = _phones_of(owner.id)
    if [p.phone for p in current] == wanted:
        return
    kept = [p for p in current if p.phone in wanted]
    if [p.phone for p in kept] != wanted[:len(kept)]:
        kept = []  # reordered: write them all again, in the new order
    for phone in current:
        if phone not in kept:
            OwnerPhone.delete().where(OwnerPhone.id == phone.id).execute()
            changes.record("owner_phone", phone.id, "delete", office=office, staff=clerk,
                           before={"owner": owner.id, "phone": phone.phone})
    for number in wanted[len(kept):]:
        create_row(OwnerPhone, office, clerk, owner=owner, phone=number)


def update_owner(office: Office, clerk: Staff | int, owner_id: Owner | int, *,
                 name: str | None = None, kind: str | None = None, note: str | None = None,
                 active: bool | None = None) -> OwnerCard:
    """Change what is given (``None`` leaves a field as it is); the card afterwards.
    Writes nothing when nothing changes."""
    with changes.write():
        person = desk_person(office, clerk)
        owner = owner_of(office, owner_id, lock=True)
        _update(owner, office, person, name=name, kind=kind, note=note, active=active)
    return owner_card(office, owner.id)


def set_phones(office: Office, clerk: Staff | int, owner_id: Owner | int,
               phones_text: str | Iterable[str] | None) -> OwnerCard:
    """The owner's phones become those in ``phones_text`` (all checked first: one bad
    number and none is stored); empty text removes them all."""
    wanted = _phone_list(phones_text)
    with changes.write():
        person = desk_person(office, clerk)
        owner = owner_of(office, owner_id, lock=True)
        _set_phones(owner, office, person, wanted)
    return owner_card(office, owner.id)


def edit_owner(office: Office, clerk: Staff | int, owner_id: Owner | int, *, name: str,
               kind: str, note: str, active: bool,
               phones: str | Iterable[str] | None) -> OwnerCard:
    """The owner form's save: the fields and the phones in one transaction."""
    wanted = _phone_list(phones)
    name, kind, note = clean_name(name), check_kind(kind), clean_note(note)
    with changes.write():
        person = desk_person(office, clerk)
        owner = owner_of(office, owner_id, lock=True)
        _update(owner, office, person, name=name, kind=kind, note=note, active=active)
        _set_phones(owner, office, person, wanted)
    return owner_card(office, owner.id)


def add_owner(office: Office, clerk: Staff | int, unit_code: str, name: str,
              kind: str = "owner", phones: str | Iterable[str] | None = None, *,
              note: str = "") -> OwnerCard:
    """A new roster entry in an existing unit of this office (``3-2-501``), with phones."""
    code = parse_unit_code(unit_code, "unit").code
    name, kind, note = clean_name(name), check_kind(kind), clean_note(note)
    wanted = _phone_list(phones)
    with changes.write():
        person = desk_person(office, clerk)
        unit = Unit.get_or_none((Unit.office == office) & (Unit.code == code))
        if unit is None:
            raise DutyError(_("There is no unit {unit} at this office.").format(unit=code),
                            "unit")
        twin = Owner.get_or_none((Owner.unit == unit) & (Owner.name == name))
        if twin is not None:
            message = (_("{name} of {unit} is already on the roster.") if twin.active else
                       _("{name} of {unit} is on the roster as moved out: edit that entry."))
            raise DutyError(message.format(name=name, unit=code), "name")
        owner = create_row(Owner, office, person, office=office, unit=unit, name=name,
                           pinyin_initials=initials(name), kind=kind, note=note,
                           created_at=now_utc())
        for number in wanted:
            create_row(OwnerPhone, office, person, owner=owner, phone=number)
    return owner_card(office, owner.id)
