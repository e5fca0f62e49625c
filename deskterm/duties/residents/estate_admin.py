"""The manager's work on the estate, without SQL: districts (辖区) with their customer-service
supervisor, buildings, and the public places (the east gate, a road, the clubhouse) where an
order that belongs to no home is done. Units come from the roster, or one by one
(``roster_estate.add_unit``).

Nothing here is ever deleted: orders, complaints and the month-end handover name these
rows. A district or a building is renamed, a place that is gone is retired (inactive: no
longer offered, its orders keep its name) and can be brought back. Each change is one
transaction with its change-log row naming who made it (``by``: the manager at the desk;
None from the command line). A refusal is a ``DutyError`` naming its field, and changes
nothing.

Names are matched as the clerk types them (``district_key``: NFKC, no spaces, case folded),
so ``东区`` and `` 东区 `` are one district, and a new one cannot take a name already used.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, fn

from deskterm.db import changes
from deskterm.db.models import Building, District, Office, Place, RepairOrder, Staff, Unit
from deskterm.duties.natural import natural_key
from deskterm.duties.records import NAME_LIMIT, clean_text, create_row, locked, update_row
from deskterm.duties.residents.roster_estate import building_key, building_name, district_key
from deskterm.errors import DutyError
from deskterm.i18n import _

#: Who may be a district's customer-service supervisor (客服主管).
SUPERVISOR_ROLES = ("cs_supervisor",)


@dataclass(frozen=True)
class EstateRow:
    """One line of the estate as the manager's book lists it: a district, then its
    buildings (in number order), then its places."""

    kind: str  # "district" / "building" / "place"
    id: int
    name: str
    code: str  # a district's or a building's code ("" for a place)
    district_id: int
    district: str
    supervisor: str = ""  # a district's CS supervisor
    floors: int = 0  # a building's
    units: int = 0  # a building's units, a district's buildings
    orders: int = 0  # a place's orders
    active: bool = True


def estate_rows(office: Office) -> list[EstateRow]:
    """Every district with its buildings and places (five queries at most)."""
    units = dict(Building.select(Building.id, fn.COUNT(Unit.id))
                 .join(Unit, JOIN.LEFT_OUTER).where(Building.office == office)
                 .group_by(Building.id).tuples())
    buildings: dict[int, list[Building]] = {}
    for building in Building.select().where(Building.office == office):
        buildings.setdefault(building.district_id, []).append(building)
    places: dict[int, list[Place]] = {}
    for place in sorted(Place.select().where(Place.office == office),
                        key=lambda p: (not p.active, natural_key(p.name))):
        places.setdefault(place.district_id, []).append(place)
    place_ids = [p.id for group in places.values() for p in group]
    # by the place's own index: "office = ? AND place IS NOT NULL" scanned the office's
    # million orders (450 ms measured) where the places' ids read a handful
    orders = dict(RepairOrder.select(RepairOrder.place, fn.COUNT(RepairOrder.id))
                  .where(RepairOrder.place.in_(place_ids))
                  .group_by(RepairOrder.place).tuples()) if place_ids else {}
    supervisor = Staff.alias()
    rows: list[EstateRow] = []
    districts = (District.select(District, supervisor.name.alias("supervisor_name"))
                 .join(supervisor, JOIN.LEFT_OUTER, on=(District.cs_supervisor == supervisor.id))
                 .where(District.office == office).objects())
    for district in sorted(districts, key=lambda d: natural_key(d.code)):
        own = sorted(buildings.get(district.id, []), key=lambda b: natural_key(b.code))
        rows.append(EstateRow("district", district.id, district.name, district.code, district.id,
                              district.name, supervisor=district.supervisor_name or "",
                              units=len(own)))
        rows.extend(EstateRow("building", b.id, b.name, b.code, district.id, district.name,
                              floors=b.floors, units=units.get(b.id, 0)) for b in own)
        rows.extend(EstateRow("place", p.id, p.name, "", district.id, district.name,
                              orders=orders.get(p.id, 0), active=p.active)
                    for p in places.get(district.id, []))
    return rows


# --- finding what the manager names ------------------------------------------------------

def find_district(office: Office, text: str | int | None, field: str = "district") -> District:
    """The district named (by name or code, or its id); with none named, the office's only
    district. Else a ``DutyError`` saying which there are."""
    districts = list(District.select().where(District.office == office))
    if isinstance(text, int):
        found = [d for d in districts if d.id == text]
    elif not (text or "").strip():
        found = districts if len(districts) == 1 else []
    else:
        key = district_key(text)
        found = [d for d in districts if district_key(d.name) == key] or \
            [d for d in districts if district_key(d.code) == key]
    if len(found) == 1:
        return found[0]
    if not districts:
        raise DutyError(_("This office has no district yet: add one first."), field)
    raise DutyError(_("Name one of the districts: {names}.").format(
        names="、".join(d.name for d in districts)), field)


def _find_place(office: Office, text: str | int, field: str = "place") -> Place:
    query = Place.select().where(Place.office == office)
    if isinstance(text, int):
        place = query.where(Place.id == text).first()
    else:
        key = district_key(text)
        place = next((p for p in query if district_key(p.name) == key), None)
    if place is None:
        raise DutyError(_("There is no place '{name}' at this office.").format(name=text), field)
    return place


def _name(text: str, field: str, message: str) -> str:
    return " ".join(clean_text(text, field, limit=NAME_LIMIT, message=message).split())


def _name_free(taken: list[tuple[int, str]], name: str, field: str, keep: int | None = None):
    key = district_key(name)
    for row_id, other in taken:
        if district_key(other) == key and row_id != keep:
            raise DutyError(_("'{name}' is already used at this office.").format(name=other),
                            field)


# --- districts ---------------------------------------------------------------------------

def _district_names(office: Office) -> list[tuple[int, str]]:
    rows = District.select(District.id, District.name, District.code).where(
        District.office == office).tuples()
    return [(i, n) for i, n, _c in rows] + [(i, c) for i, _n, c in rows]


def add_district(office: Office, by: Staff | None, name: str, code: str = "") -> District:
    """A new district; its code the next free number unless one is given."""
    name = _name(name, "name", _("Enter the district's name."))
    code = "".join((code or "").split())
    with changes.write():
        taken = _district_names(office)
        _name_free(taken, name, "name")
        if code:
            if len(code) > 10:
                raise DutyError(_("A code of at most 10 characters."), "code")
            _name_free(taken, code, "code")
        else:
            used = {district_key(other) for _i, other in taken}
            number = 1
            while str(number) in used:
                number += 1
            code = str(number)
        return create_row(District, office, by, office=office.id, code=code, name=name)


def rename_district(office: Office, by: Staff | None, district: str | int, name: str) -> District:
    name = _name(name, "name", _("Enter the district's new name."))
    with changes.write():
        row = find_district(office, district)
        _name_free(_district_names(office), name, "name", keep=row.id)
        row = locked(District.select().where(District.id == row.id)).get()
        update_row(row, office, by, "rename", name=name)
        return row


def set_supervisor(office: Office, by: Staff | None, district: str | int,
                   person: str | int | None) -> District:
    """The district's customer-service supervisor (an active cs_supervisor of the office),
    or none (``person`` empty)."""
    with changes.write():
        row = find_district(office, district)
        chosen = None
        if isinstance(person, int) or (person or "").strip():
            query = Staff.select().where((Staff.office == office) & Staff.active
                                         & Staff.role.in_(SUPERVISOR_ROLES))
            if isinstance(person, int):
                chosen = query.where(Staff.id == person).first()
            else:
                key = district_key(person)
                chosen = next((s for s in query if district_key(s.name) == key), None)
            if chosen is None:
                raise DutyError(_("'{name}' is not an active customer-service supervisor of "
                                  "this office.").format(name=person), "supervisor")
        row = locked(District.select().where(District.id == row.id)).get()
        update_row(row, office, by, "supervisor", cs_supervisor=chosen)
        return row


# --- buildings ---------------------------------------------------------------------------

def add_building(office: Office, by: Staff | None, code: str, district: str | int | None,
                 floors: str | int = 0) -> Building:
    """A building (``3`` → 3栋) in a district, before the roster names it (or never)."""
    code = building_key("".join(str(code or "").split()))
    if not code or len(code) > 10 or "-" in code:
        raise DutyError(_("A building number like 3 (at most 10 characters, no '-')."), "code")
    text = str(floors or 0).strip()
    if not text.isdigit() or int(text) > 200:
        raise DutyError(_("A whole number from {low} to {high}.").format(low=0, high=200),
                        "floors")
    with changes.write():
        row = find_district(office, district)
        taken = {building_key(c) for (c,) in Building.select(Building.code).where(
            Building.office == office).tuples()}
        if code in taken:
            raise DutyError(_("Building {code} is already on the estate.").format(code=code),
                            "code")
        return create_row(Building, office, by, office=office.id, district=row.id, code=code,
                          name=building_name(code), floors=int(text))


def rename_building(office: Office, by: Staff | None, building: int, name: str) -> Building:
    """A building's name as the office says it (``会所楼``); its code stays in unit codes."""
    name = _name(name, "name", _("Enter the building's name."))
    with changes.write():
        row = locked(Building.select().where(
            (Building.office == office) & (Building.id == building))).first()
        if row is None:
            raise DutyError(_("Choose a building of this office."), "name")
        others = Building.select(Building.id, Building.name).where(
            Building.office == office).tuples()
        _name_free(list(others), name, "name", keep=row.id)
        update_row(row, office, by, "rename", name=name)
        return row


# --- public places -----------------------------------------------------------------------

def _place_names(office: Office) -> list[tuple[int, str]]:
    return list(Place.select(Place.id, Place.name).where(Place.office == office).tuples())


def add_place(office: Office, by: Staff | None, name: str,
              district: str | int | None = None) -> Place:
    """A public place in a district (the office's only one when none is named)."""
    name = _name(name, "name", _("Enter the place's name, like 东门道闸."))
    with changes.write():
        _name_free(_place_names(office), name, "name")
        row = find_district(office, district)
        return create_row(Place, office, by, office=office.id, district=row.id, name=name)


def rename_place(office: Office, by: Staff | None, place: str | int, name: str) -> Place:
    name = _name(name, "name", _("Enter the place's new name."))
    with changes.write():
        row = _find_place(office, place)
        _name_free(_place_names(office), name, "name", keep=row.id)
        row = locked(Place.select().where(Place.id == row.id)).get()
        update_row(row, office, by, "rename", name=name)
        return row


def set_place_active(office: Office, by: Staff | None, place: str | int,
                     active: bool) -> Place:
    """Retire a place that is gone (no longer offered), or bring it back."""
    with changes.write():
        row = locked(Place.select().where(Place.id == _find_place(office, place).id)).get()
        update_row(row, office, by, "restore" if active else "retire", active=bool(active))
        return row


def active_places(office: Office) -> list[tuple[int, str, int]]:
    """``(id, name, district id)`` of the places an order may name, by name (3号路 before
    10号路)."""
    return sorted(Place.select(Place.id, Place.name, Place.district)
                  .where((Place.office == office) & Place.active).tuples(),
                  key=lambda row: natural_key(row[1]))
