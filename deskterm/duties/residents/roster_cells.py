"""One data row of an owner roster file, checked on its own: the unit it is about (from
the building, entrance and room columns, or a room column holding the whole code), the
name, the phones, the floor area, owner or tenant, the note. Pure functions over the
cells' text; each problem is a ``DutyError`` whose ``field`` is the column key at fault.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from deskterm.duties.parsing import UnitCode, parse_unit_code
from deskterm.duties.residents.owners import check_kind, clean_name, clean_note, parse_phones
from deskterm.duties.residents.roster_file import COLUMN_WORDS
from deskterm.errors import DutyError
from deskterm.i18n import _

#: Floor areas outside (0, 10,000 m²] are typing slips.
MAX_AREA_CENTI = 1_000_000

_AREA_UNITS = re.compile(r"\s*(?:m2|m\^2|sqm|平方米|平米|平方|平)$", re.IGNORECASE)
_NUMBER = re.compile(r"[0-9]{1,7}(?:\.[0-9]+)?|\.[0-9]+")
_KIND_WORDS = {"业主": "owner", "owner": "owner", "产权人": "owner", "房主": "owner",
               "业": "owner", "租户": "tenant", "tenant": "tenant", "租客": "tenant",
               "承租人": "tenant", "租": "tenant"}


def parse_area(text: str, field_name: str = "area") -> int | None:
    """``89.56``, ``89.56㎡``, ``89.56平方米`` → 8956 (hundredths of m², half up); empty → None."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(",", "")
    if not cleaned:
        return None
    cleaned = _AREA_UNITS.sub("", cleaned)
    if not _NUMBER.fullmatch(cleaned):
        raise DutyError(_("Not an area: write square metres as a number, like 89.56."),
                        field_name)
    try:
        centi = int((Decimal(cleaned) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation as exc:
        raise DutyError(_("Not an area: write square metres as a number, like 89.56."),
                        field_name) from exc
    if not 0 < centi <= MAX_AREA_CENTI:
        raise DutyError(_("An area is more than 0 and at most 10,000 m²."), field_name)
    return centi


def parse_kind(text: str, field_name: str = "kind") -> str | None:
    """``业主``/``owner`` → owner, ``租户``/``tenant`` → tenant; empty → None."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().lower()
    if not cleaned:
        return None
    if cleaned not in _KIND_WORDS:
        raise DutyError(_("Write 业主 (owner) or 租户 (tenant)."), field_name)
    return check_kind(_KIND_WORDS[cleaned], field_name)


def _part(template: str, text: str, attribute: str, key: str) -> str:
    """One part of a unit code from its own column (``3栋``, ``2单元``, ``501室``), checked
    by the one unit parser: ``template`` puts it among harmless other parts."""
    if not text.strip():
        raise DutyError(_("Enter the {column}.").format(column=_(COLUMN_WORDS[key])), key)
    try:
        return getattr(parse_unit_code(template.format(text.strip()), key), attribute)
    except DutyError:
        messages = {
            "building": _("Not a building: write it like 3, 3栋 or A3."),
            "entrance": _("Not an entrance: write it like 2 or 2单元."),
            "room": _("Not a room: write the floor and number, like 501 or 1203."),
        }
        raise DutyError(messages[key], key) from None


def _unit_of(cells: dict[str, str]) -> UnitCode:
    """The unit a row is about, from its building, entrance and room cells, or from a room
    cell that holds the whole code (``3-2-501``); DutyError names the column at fault."""
    room = cells.get("room", "")
    try:
        whole = parse_unit_code(room, "room")
    except DutyError:
        whole = None
    if whole is not None:
        for key, attribute, template in (("building", "building", "{}-1-101"),
                                         ("entrance", "entrance", "1-{}-101")):
            if cells.get(key, "").strip():
                part = _part(template, cells[key], attribute, key)
                if part != getattr(whole, attribute):
                    raise DutyError(_("The room says {unit}, this column says {part}.").format(
                        unit=whole.code, part=part), key)
        return whole
    room_part = _part("1-1-{}", room, "room", "room")
    for key in ("building", "entrance"):
        if key not in cells:
            raise DutyError(_("There is no {column} column: write the whole unit here, like "
                              "3-2-501.").format(column=_(COLUMN_WORDS[key])), "room")
    building = _part("{}-1-101", cells.get("building", ""), "building", "building")
    entrance = _part("1-{}-101", cells.get("entrance", ""), "entrance", "entrance")
    return UnitCode(building, entrance, room_part)


def check_cells(cells: dict[str, str], phone_keys: list[str]) -> tuple[dict, dict[str, str]]:
    """The row's values, and the message for each column that is wrong (all of them)."""
    values: dict = {}
    errors: dict[str, str] = {}

    def check(key: str, parse):
        try:
            values[key] = parse()
        except DutyError as exc:
            errors.setdefault(exc.field if exc.field in cells else key, exc.message)

    check("unit", lambda: _unit_of(cells))
    check("name", lambda: clean_name(cells.get("name", ""), "name"))
    phones: list[str] = []
    for key in phone_keys:
        try:
            phones += [p for p in parse_phones(cells.get(key, ""), key) if p not in phones]
        except DutyError as exc:
            errors.setdefault(key, exc.message)
    values["phones"] = tuple(phones)
    check("area", lambda: parse_area(cells.get("area", "")))
    check("kind", lambda: parse_kind(cells.get("kind", "")))
    check("note", lambda: clean_note(cells.get("note", "")) or None)
    check("district", lambda: clean_name(cells.get("district", ""), "district")
          if cells.get("district", "").strip() else None)
    return values, errors
