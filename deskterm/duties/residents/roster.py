"""Finding a caller in the owner roster (业主名册) while the clerk types.

``find_owners(office, query)`` reads what was typed and looks in the one place it fits:

- a unit code, whole or the start of one: ``3-2-501``, ``3/2/501``, ``3 2 501``,
  ``3栋2单元501``, ``3号楼2单元501室``, ``３－２－５０１`` from a Chinese IME, ``3-2`` or
  ``3`` while typing (owners of that unit first, then of the units it begins);
- four or more digits: a phone number, or any part of one (the last four digits a caller
  reads out, ``027-8765 4321``, ``+86 138 ...``);
- Latin letters: the pinyin initials of a Chinese name (``zs`` finds 张三 and 张石),
  then Latin names that contain the letters (``smith``);
- Chinese characters: that very name, names that begin with it (``王小`` finds 王小明),
  then names that contain it;
- anything else: names that contain it, literally (``%`` and ``_`` are not wildcards).

Owners who moved out (inactive) are still found, after everyone else. Results are
ordered by how well they match, then by unit in natural order (``3-2-501`` before
``3-2-1001``), then by name; each hit carries all its phones (one query for all of them).
Nothing a clerk can paste makes it raise: control characters are dropped and a query
longer than any roster entry finds nothing.

Every query is scoped to the office and costs a few milliseconds on a 10,000-owner
roster on SQLite (``benchmarks/roster_lookup.py``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from peewee import SQL, Case, NodeList, PostgresqlDatabase, Value, fn

from deskterm.db.models import Building, Office, Owner, OwnerPhone, Staff, Unit, database
from deskterm.duties.natural import natural_key

#: A query longer than this cannot be part of any name, code or phone in the roster.
MAX_QUERY = 255
#: Phone queries need this many digits (fewer match half the roster).
MIN_PHONE_DIGITS = 4

# Dashes a clerk or an IME may type between the parts of a unit code (NFKC has already
# turned the full-width ones into ASCII).
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣"})
# 3号楼 / 3栋 / 3幢 / 3座 / 3楼 / 3# end the building; 2单元 / 2门 end the entrance;
# 501室 / 501号 / 501房 end the room.
_BUILDING_MARK = re.compile(r"\s*(?:号楼|栋|幢|座|楼|#)\s*")
_ENTRANCE_MARK = re.compile(r"\s*(?:单元|门)\s*")
_ROOM_MARK = re.compile(r"\s*(?:室|号|房)$")
_UNIT_SEPARATORS = re.compile(r"\s*[-/\\.,，、·]\s*|\s+")
_UNIT_PART = re.compile(r"[A-Za-z]?[0-9]+[A-Za-z]?")
#: Longest building, entrance and room parts of a code ("1381-234" is a unit code;
#: "138-1234-5678" is a phone number).
_UNIT_PART_MAX = (4, 3, 5)
_PHONE_CHARS = re.compile(r"[0-9\s\-+().]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_ASCII_LETTERS = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class OwnerHit:
    """One roster entry found: who, which home, how to call them, and what matched."""

    owner_id: int
    name: str
    kind: str  # owner / tenant
    unit_id: int
    unit_code: str
    phones: tuple[str, ...]
    matched: str  # unit / phone / name / initials
    active: bool = True  # False: moved out (已过户), kept for the record


# --- reading the query ----------------------------------------------------------------------

def normalise(query: str) -> str:
    """NFKC (full-width digits and letters from an IME), control and format characters
    dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", query or "")
    text = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


@dataclass(frozen=True)
class UnitQuery:
    """A unit code as typed so far: ``code`` is its parts joined with ``-``; ``complete``
    when a separator follows the last part (``3-`` or ``3栋``: all of building 3)."""

    code: str
    complete: bool


def unit_query(text: str) -> UnitQuery | None:
    """Read ``text`` (already normalised) as a unit code or its beginning, or None.

    Up to three parts (building, entrance, room) of digits with at most a letter before
    or after; a bare number of one to three digits is the start of a building code."""
    text = text.translate(_DASHES).strip()
    if not text or not text[0].isalnum():
        return None
    if text.isascii() and text.isdigit():
        return UnitQuery(text, False) if len(text) <= 3 else None
    text = _BUILDING_MARK.sub("-", text, count=1)
    text = _ENTRANCE_MARK.sub("-", text, count=1)
    text = _ROOM_MARK.sub("", text)
    parts = _UNIT_SEPARATORS.split(text)
    complete = parts[-1] == ""
    if complete:
        parts.pop()
    if not 1 <= len(parts) <= 3 or (len(parts) == 1 and not complete):
        return None
    for part, longest in zip(parts, _UNIT_PART_MAX, strict=False):
        if not _UNIT_PART.fullmatch(part) or len(part) > longest:
            return None
    if complete and len(parts) == 3:  # "3-2-501-": nothing comes after a room
        complete = False
    return UnitQuery("-".join(parts), complete)


def phone_digits(text: str) -> str | None:
    """The digits of a phone query (at least four, nothing but digits and the usual
    punctuation), without a +86 / 0086 country code; else None."""
    if not _PHONE_CHARS.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+86"):
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


# --- SQL helpers ----------------------------------------------------------------------------

def _escape(text: str) -> str:
    """``text`` for a LIKE pattern: its own ``\\``, ``%`` and ``_`` match only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(field, pattern: str):
    """``field LIKE pattern ESCAPE '\\'``, case-insensitive on both backends (SQLite's
    LIKE already is for ASCII; PostgreSQL needs ILIKE)."""
    op = "ILIKE" if isinstance(database.obj, PostgresqlDatabase) else "LIKE"
    return NodeList((field, SQL(op), Value(pattern), SQL("ESCAPE '\\'")))


#: (building code, entrance, room) in natural order: shorter numbers first, so that
#: 3-2-501 comes before 3-2-1001 and building 9 before building 10.
_NATURAL = (fn.LENGTH(Building.code), Building.code, fn.LENGTH(Unit.entrance), Unit.entrance,
            fn.LENGTH(Unit.room), Unit.room)


def _search(office, where, quality, *, limit: int, phones: bool = False) -> list[tuple]:
    """Rows ``(owner id, name, kind, active, unit id, unit code, quality, building code,
    entrance, room)`` of the best ``limit`` owners satisfying ``where``, moved-out owners
    last; ``phones`` joins each owner's phones (one row per owner all the same)."""
    query = Owner.select(Owner.id, Owner.name, Owner.kind, Owner.active, Unit.id, Unit.code,
                         quality.alias("quality"), Building.code, Unit.entrance, Unit.room)
    if phones:
        query = query.join(OwnerPhone, on=(OwnerPhone.owner == Owner.id)).switch(Owner)
    query = (
        query.join(Unit, on=(Owner.unit == Unit.id))
        .join(Building, on=(Unit.building == Building.id))
        .where((Owner.office == office) & where)
    )
    if phones:  # an owner with two matching phones is still one hit
        query = query.group_by(Owner.id, Unit.id, Building.id)
    return list(
        query.order_by(Owner.active.desc(), SQL("quality"), *_NATURAL, Owner.name, Owner.id)
        .limit(limit)
        .tuples()
    )


# --- the kinds of search --------------------------------------------------------------------

def _by_unit(office, uq: UnitQuery, limit: int) -> list[tuple]:
    """The owners of the unit typed (quality 0), of units in the building or entrance it
    names whole (1), then of units whose code merely begins with it (2)."""
    exact = _like(Unit.code, _escape(uq.code))
    whole_part = _like(Unit.code, _escape(uq.code) + "-%")
    where = whole_part if uq.complete else _like(Unit.code, _escape(uq.code) + "%")
    quality = Case(None, ((exact, 0), (whole_part, 1)), 2)
    return _search(office, where, quality, limit=limit)


def _by_phone(office, digits: str, limit: int) -> list[tuple]:
    """The whole number (quality 0), a number ending with the digits (1), containing them (2)."""
    quality = fn.MIN(Case(None, ((OwnerPhone.phone == digits, 0),
                                 (_like(OwnerPhone.phone, "%" + digits), 1)), 2))
    return _search(office, _like(OwnerPhone.phone, "%" + digits + "%"), quality, limit=limit,
                   phones=True)


def _by_initials(office, letters: str, limit: int) -> list[tuple]:
    """Pinyin initials equal to the letters (quality 0), then beginning with them (1)."""
    letters = letters.lower()
    quality = Case(None, ((Owner.pinyin_initials == letters, 0),), 1)
    return _search(office, _like(Owner.pinyin_initials, _escape(letters) + "%"), quality,
                   limit=limit)


def _by_name(office, text: str, limit: int) -> list[tuple]:
    """The name itself (quality 0), names beginning with ``text`` (1), then names
    containing it (2): 张三 before 张三丰 before 李张三."""
    quality = Case(None, ((_like(Owner.name, _escape(text)), 0),
                          (_like(Owner.name, _escape(text) + "%"), 1)), 2)
    return _search(office, _like(Owner.name, "%" + _escape(text) + "%"), quality, limit=limit)


_SEARCHES = {"unit": _by_unit, "phone": _by_phone, "initials": _by_initials, "name": _by_name}


def _plan(text: str) -> list[list[tuple[str, object]]]:
    """What to look for: groups of ``(matched, argument)`` searches, best first. The hits
    of one group are merged; a later group is a fallback, tried only when the ones before
    it found nothing ("1381-234" is not a unit here, so it is part of a phone number)."""
    plan: list[list[tuple[str, object]]] = []
    uq = unit_query(text)
    if uq is not None:
        plan.append([("unit", uq)])
    digits = phone_digits(text)
    if digits is not None:
        plan.append([("phone", digits)])
    if plan:
        return plan
    if _ASCII_LETTERS.fullmatch(text):
        return [[("initials", text), ("name", text)]]
    if _CJK.search(text):
        return [[("name", text.replace(" ", ""))]]
    return [[("name", text)]]


def find_owners(office: Office | int, query: str, *, limit: int = 20) -> list[OwnerHit]:
    """The roster entries of ``office`` that ``query`` finds, best first, at most
    ``limit`` (see the module's docstring for what a query may be)."""
    text = normalise(query) if isinstance(query, str) else ""
    if not text or len(text) > MAX_QUERY or limit <= 0:
        return []
    for group in _plan(text):
        best = _merge(office, group, limit)
        if best:
            phones = _phones_of([row[0] for row, _matched in best])
            return [
                OwnerHit(owner_id=row[0], name=row[1], kind=row[2], unit_id=row[4],
                         unit_code=row[5], phones=phones.get(row[0], ()), matched=matched,
                         active=bool(row[3]))
                for row, matched in best
            ]
    return []


def _merge(office, group: list[tuple[str, object]], limit: int) -> list[tuple[tuple, str]]:
    """The best ``limit`` hits of a group's searches. Each search returns its own best
    ``limit``; sorted together by (moved out, search, quality, unit, name), the first
    ``limit`` are the best overall. An owner found twice keeps the better match."""
    ranked: dict[int, tuple[tuple, tuple, str]] = {}
    for rank, (matched, argument) in enumerate(group):
        for row in _SEARCHES[matched](office, argument, limit):
            owner_id, name, _kind, active, _unit, _code, quality, building, entrance, room = row
            if owner_id in ranked:
                continue
            key = (not active, rank, quality, len(building), building, len(entrance), entrance,
                   len(room), room, name, owner_id)
            ranked[owner_id] = (key, row, matched)
    ordered = sorted(ranked.values(), key=lambda item: item[0])[:limit]
    return [(row, matched) for _key, row, matched in ordered]


def _phones_of(owner_ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not owner_ids:
        return {}
    found: dict[int, list[str]] = {}
    rows = (OwnerPhone.select(OwnerPhone.owner, OwnerPhone.phone)
            .where(OwnerPhone.owner.in_(owner_ids)).order_by(OwnerPhone.id).tuples())
    for owner_id, phone in rows:
        found.setdefault(owner_id, []).append(phone)
    return {owner_id: tuple(numbers) for owner_id, numbers in found.items()}


# --- small look-ups for the forms ---------------------------------------------------------

def active_technicians(office) -> list[tuple[int, str]]:
    return list(Staff.select(Staff.id, Staff.name)
                .where((Staff.office == office) & (Staff.role == "technician") & Staff.active)
                .order_by(Staff.name, Staff.id).tuples())


def office_buildings(office) -> list[tuple[int, str]]:
    """``(id, name)`` of the office's buildings in number order (2栋 before 10栋)."""
    rows = Building.select(Building.id, Building.name, Building.code).where(
        Building.office == office).tuples()
    return [(bid, name) for bid, name, _code in sorted(rows, key=lambda r: natural_key(r[2]))]


def unit_id_by_code(office, code: str) -> int | None:
    row = Unit.select(Unit.id).where((Unit.office == office) & (Unit.code == code)).first()
    return row.id if row else None
