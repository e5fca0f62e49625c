"""The estate a roster names: the districts (辖区) and buildings an import creates when the
office does not have them yet, so that a new office's first import builds its estate.

A row's building is placed like this:

- a building the office has: it stays in its district; a row whose 辖区 cell names another
  district is a problem (the file and the office disagree);
- a building the file names for the first time: created in the row's district (its 辖区
  cell, matched to the office's districts by name or code; a name the office lacks is a new
  district), or, when the row names none, in the one district there is. "The one" is the
  office's only district when the file names no other; a file that names no district at
  all, for an office that has none, gets one district (``DEFAULT_DISTRICT``). With several
  to choose from, a row without a 辖区 is a problem — the office must say where it goes;
- every row of a new building must name the same district (or none).

Entrances are not rows of their own: a unit's entrance is part of its code. A new
building's floor count is its highest floor in the file (``1203`` → 12). Public areas,
shops and other units the roster lacks are added afterwards, one by one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from deskterm.db import changes
from deskterm.db.models import Building, District, Office, Staff, Unit
from deskterm.duties.parsing import parse_unit_code
from deskterm.duties.records import create_row
from deskterm.duties.residents.roster_cells import parse_area
from deskterm.duties.residents.roster_write import create_rows
from deskterm.errors import DutyError
from deskterm.i18n import N_, _

#: The district a new office's estate is put in when its roster names none.
DEFAULT_DISTRICT = N_("Whole estate")


def district_key(text: str) -> str:
    """How a district is matched: NFKC, no spaces, case folded (``东区`` = `` 东区 ``)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def building_key(code: str) -> str:
    """A stored building code as the unit parser writes it (``03`` → ``3``)."""
    try:
        return parse_unit_code(f"{code}-1-101").building
    except DutyError:
        return code


def floor_of(room: str) -> int:
    """``501`` → 5, ``1203`` → 12 (a room is the floor and a two-digit number)."""
    return int(room[:-2]) if room[:-2].isdigit() else 0


@dataclass
class NewBuilding:
    code: str
    district: str  # a district key: an office's district or a new one
    floors: int
    row: int  # the first row naming it


@dataclass
class Estate:
    """The office's districts and buildings, and what the file adds to them."""

    districts: dict[str, int]  # key (of its name and of its code) → id
    names: dict[int, str]  # district id → name
    buildings: dict[str, tuple[int, int]]  # building code → (id, district id)
    named_new: dict[str, str] = field(default_factory=dict)  # the file names, office lacks
    new_districts: dict[str, str] = field(default_factory=dict)  # key → name as written
    new_buildings: dict[str, NewBuilding] = field(default_factory=dict)

    @classmethod
    def of(cls, office: Office, named: list[str], building_key) -> Estate:
        """The office's estate (two queries); ``named``: the 辖区 cells the file fills."""
        districts: dict[str, int] = {}
        names: dict[int, str] = {}
        for did, code, name in (District.select(District.id, District.code, District.name)
                                .where(District.office == office).tuples()):
            names[did] = name
            districts.setdefault(district_key(name), did)
            districts.setdefault(district_key(code), did)
        buildings = {building_key(code): (bid, did) for bid, code, did in
                     Building.select(Building.id, Building.code, Building.district)
                     .where(Building.office == office).tuples()}
        estate = cls(districts, names, buildings)
        for name in named:
            key = district_key(name)
            if key and key not in districts:
                estate.named_new.setdefault(key, " ".join(name.split()))
        return estate

    def _name(self, key: str) -> str:
        if key in self.districts:
            return self.names[self.districts[key]]
        return self.new_districts.get(key, key)

    def _the_one_district(self) -> str | None:
        """The district a building goes to when its rows name none, or None (several)."""
        if len(self.names) + len(self.named_new) > 1:
            return None
        if self.names:
            did = next(iter(self.names))
            return next(key for key, value in self.districts.items() if value == did)
        if self.named_new:
            return next(iter(self.named_new))
        key = district_key(_(DEFAULT_DISTRICT))
        self.named_new[key] = _(DEFAULT_DISTRICT)
        return key

    def place(self, row: int, building: str, room: str, district: str | None) -> str | None:
        """Put the row's building in the estate; the problem's message, or None."""
        wanted = district_key(district) if district else None
        if building in self.buildings:
            _bid, did = self.buildings[building]
            if wanted is not None and self.districts.get(wanted) != did:
                return _("Building {building} is in {district}, not in {named}.").format(
                    building=building, district=self.names[did], named=district)
            return None
        new = self.new_buildings.get(building)
        if new is None:
            key = wanted or self._the_one_district()
            if key is None:
                return _("Building {building} is new and this office has several districts: "
                         "name its district in a 辖区 column.").format(building=building)
            if key not in self.districts:
                self.new_districts.setdefault(key, self.named_new[key])
            self.new_buildings[building] = NewBuilding(building, key, floor_of(room), row)
            return None
        if wanted is not None and wanted != new.district:
            return _("Row {row} puts building {building} in {district}.").format(
                row=new.row, building=building, district=self._name(new.district))
        new.floors = max(new.floors, floor_of(room))
        return None

    def new_district_codes(self) -> dict[str, str]:
        """A code for each new district: the next free number (``1``, ``2`` …)."""
        taken = set(self.districts)
        codes: dict[str, str] = {}
        number = 1
        for key in self.new_districts:
            while str(number) in taken:
                number += 1
            codes[key] = str(number)
            taken.add(str(number))
        return codes

    def district_names_added(self) -> tuple[str, ...]:
        return tuple(self.new_districts.values())

    def building_names_added(self) -> tuple[str, ...]:
        return tuple(building_name(code) for code in self.new_buildings)


def building_name(code: str) -> str:
    """``3`` → ``3栋``, as the office writes it (and the demo)."""
    return f"{code}栋"


def write_estate(office: Office, by: Staff | None, estate: Estate) -> dict[str, int]:
    """The districts and buildings ``estate`` adds, with their change-log rows; returns
    every building's id by its code, the office's and the new."""
    codes = estate.new_district_codes()
    districts = dict(estate.districts)
    for key, name in estate.new_districts.items():
        districts[key] = create_rows(District, office, by, [
            dict(office=office.id, code=codes[key], name=name)], ("code",))[(codes[key],)]
    made = create_rows(Building, office, by, [
        dict(office=office.id, district=districts[new.district], code=new.code,
             name=building_name(new.code), floors=new.floors)
        for new in estate.new_buildings.values()], ("code",))
    ids = {code: bid for code, (bid, _district) in estate.buildings.items()}
    ids.update({code: bid for (code,), bid in made.items()})
    return ids


# --- one place at a time ----------------------------------------------------------------------

def add_unit(office: Office, by, text: str, area: str, district: str | None = None):
    """A unit the roster does not have (a shop, the clubhouse, a public room): its building
    (and district) created as an import would, all in one transaction with the change log.
    Returns the new ``Unit``."""
    code = parse_unit_code(text, "unit")
    centi = parse_area(area, "area")
    if centi is None:
        raise DutyError(_("Give the unit's floor area, like 89.56."), "area")
    with changes.write():
        if Unit.select().where((Unit.office == office) & (Unit.code == code.code)).exists():
            raise DutyError(_("{unit} is already a unit of this office.").format(
                unit=code.code), "unit")
        estate = Estate.of(office, [district] if district else [], building_key)
        problem = estate.place(0, code.building, code.room, district)
        if problem is not None:
            raise DutyError(problem, "district")
        buildings = write_estate(office, by, estate)
        return create_row(Unit, office, by, office=office, building=buildings[code.building],
                          entrance=code.entrance, room=code.room, code=code.code,
                          area_centi_m2=centi)
