"""Importing the owner roster (业主名册一览表) from a CSV or XLSX file, all or nothing.

``read_roster(path)`` (in ``roster_file``) reads the file into rows; ``check_roster(office,
roster)`` lists every problem with the row number Excel shows and the column's header as
the file writes it (a bad phone, an unknown building, a bad room, an area that is not a
number, the same owner twice...); ``import_roster(office, clerk, path)`` imports only a
file without a single problem, in ONE ``changes.write()`` transaction, and otherwise
raises ``RosterRefused`` listing them and stores nothing.

What an import does, row by row:

- the unit (building-entrance-room): a building or a district the office does not have
  yet is created (``roster_estate``: from an optional 辖区 column; a new office's roster
  without one gets a single district), so a new office's first import builds its estate;
  a unit that does not exist yet is created, and then needs its floor area;
- a unit that exists keeps its area unless the file gives a different one, which is then
  written (audited like every change; the counts say ``units_updated``);
- the owner is matched by unit and name (exactly, after trimming): a new one is added; an
  existing one takes the file's kind (业主/租户) and note when those cells are filled (an
  empty cell changes nothing), and is set active again if they had moved out — the file
  says they live there; phones in the file that the owner lacks are added;
- nothing is deleted: owners who are not in the file stay as they are (a roster of one
  building must not move the rest of the estate out), and so do phones the file lacks.

"Owners updated" counts owners whose kind, note or active flag changed; phones added to
existing owners count only as phones. Importing the same file again changes nothing and
writes no change-log row but the import's own summary (``owner``/``import``, with the
counts).

Each row is checked on its own in ``roster_cells``; the office's records are read with a
handful of queries for the whole office (buildings, units, owners, phones), not one per
row; the new rows are written in bulk with their change-log rows (``roster_write``). A
10,000-owner roster (10,000 units, 13,000 phones) imports in 1.2-2.5 s on SQLite and
~4.7 s on PostgreSQL, reading the file included (measured on a shared test machine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Office, Owner, OwnerPhone, Staff, Unit
from deskterm.duties.parsing import UnitCode
from deskterm.duties.pinyin import initials
from deskterm.duties.records import desk_person, update_row
from deskterm.duties.residents.roster_cells import check_cells
from deskterm.duties.residents.roster_estate import Estate, building_key, write_estate
from deskterm.duties.residents.roster_file import (
    Problem,
    RosterFile,
    RosterRefused,
    read_roster,
)
from deskterm.duties.residents.roster_write import create_rows
from deskterm.errors import DutyError
from deskterm.i18n import _

__all__ = ["Problem", "RosterFile", "RosterLine", "RosterRefused", "RosterResult",
           "check_roster", "import_roster", "read_roster"]

#: A refusal lists at most this many problems (and says how many more there were).
MAX_PROBLEMS = 500


@dataclass(frozen=True)
class RosterLine:
    """One data row, checked: where, who, and what the file says about them."""

    row: int
    unit: UnitCode
    name: str
    phones: tuple[str, ...]
    area: int | None  # hundredths of m²; None: the cell is empty
    kind: str | None  # None: the cell is empty
    note: str | None  # None: the cell is empty
    district: str | None = None  # None: no 辖区 column, or the cell is empty


@dataclass(frozen=True)
class RosterResult:
    """What an import did (or, with ``dry_run``, would do)."""

    rows: int
    units_added: int
    units_updated: int
    owners_added: int
    owners_updated: int
    phones_added: int
    dry_run: bool = False
    districts_added: tuple[str, ...] = ()  # names, as the file writes them
    buildings_added: tuple[str, ...] = ()  # names (3栋)


# --- the whole file -------------------------------------------------------------------------

@dataclass
class _Plan:
    lines: list[RosterLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_units: dict[str, tuple[UnitCode, int]] = field(default_factory=dict)  # code → area
    estate: Estate | None = None
    area_updates: list[tuple[Unit, int]] = field(default_factory=list)
    new_owners: list[RosterLine] = field(default_factory=list)
    owner_updates: list[tuple[Owner, dict]] = field(default_factory=list)
    new_phones: list[tuple[Owner, str]] = field(default_factory=list)
    areas: dict[str, int] = field(default_factory=dict)  # unit code → the file's area

    def result(self, dry_run: bool) -> RosterResult:
        return RosterResult(
            rows=len(self.lines), units_added=len(self.new_units),
            units_updated=len(self.area_updates), owners_added=len(self.new_owners),
            owners_updated=len(self.owner_updates),
            phones_added=sum(len(line.phones) for line in self.new_owners)
            + len(self.new_phones), dry_run=dry_run,
            districts_added=self.estate.district_names_added() if self.estate else (),
            buildings_added=self.estate.building_names_added() if self.estate else ())


def _problem(roster: RosterFile, row: int, key: str, message: str) -> Problem:
    column = (roster.column(key) or (roster.column("building") if key == "district" else None)
              or roster.column("room"))
    return Problem(row, column.header if column else "", message,
                   column.letter if column else "")


def _read_lines(roster: RosterFile, plan: _Plan) -> None:
    """Every row checked on its own, then duplicates and areas that disagree."""
    phone_keys = roster.phone_keys()
    order = list(roster.columns)
    seen: dict[tuple[str, str], int] = {}
    areas: dict[str, tuple[int, int]] = {}  # unit code → (area, row that gave it)
    for row, cells in roster.rows:
        values, errors = check_cells(cells, phone_keys)
        for key in sorted(errors, key=lambda k: order.index(k) if k in order else -1):
            plan.problems.append(_problem(roster, row, key, errors[key]))
        if "unit" not in values or "name" not in values:
            continue
        unit, name = values["unit"], values["name"]
        first = seen.setdefault((unit.code, name), row)
        if first != row:
            plan.problems.append(_problem(roster, row, "name", _(
                "{name} of {unit} is already on row {row}.").format(
                    name=name, unit=unit.code, row=first)))
            continue
        area = values.get("area")
        if area is not None:
            known = areas.setdefault(unit.code, (area, row))
            if known[0] != area:
                plan.problems.append(_problem(roster, row, "area", _(
                    "Row {row} gives {unit} another area ({area} m²).").format(
                        row=known[1], unit=unit.code, area=f"{known[0] / 100:.2f}")))
                continue
        if not errors:
            plan.lines.append(RosterLine(row, unit, name, values["phones"], area,
                                         values.get("kind"), values.get("note"),
                                         values.get("district")))
    plan.areas = {code: area for code, (area, _row) in areas.items()}


def _against_the_office(office: Office, roster: RosterFile, plan: _Plan) -> None:
    """Where the office's records decide: districts, buildings, units, owners, phones (one
    query each for the whole office)."""
    estate = plan.estate = Estate.of(office, [line.district for line in plan.lines
                                              if line.district], building_key)
    units = {u.code: u for u in Unit.select().where(Unit.office == office)}
    owners = {(o.unit_id, o.name): o for o in Owner.select().where(Owner.office == office)}
    phones: dict[int, set[str]] = {}
    for owner_id, phone in (OwnerPhone.select(OwnerPhone.owner, OwnerPhone.phone)
                            .join(Owner).where(Owner.office == office).tuples()):
        phones.setdefault(owner_id, set()).add(phone)
    areas = plan.areas
    updated_units: set[str] = set()
    for line in plan.lines:
        code = line.unit.code
        unit = units.get(code)
        problem = estate.place(line.row, line.unit.building, line.unit.room, line.district)
        if problem is not None:
            plan.problems.append(_problem(roster, line.row, "district", problem))
            continue
        if unit is None:
            if code not in plan.new_units:
                if code not in areas:
                    plan.problems.append(_problem(roster, line.row, "area", _(
                        "{unit} is a new unit: give its floor area.").format(unit=code)))
                    continue
                plan.new_units[code] = (line.unit, areas[code])
            plan.new_owners.append(line)
            continue
        if code in areas and areas[code] != unit.area_centi_m2 and code not in updated_units:
            updated_units.add(code)
            plan.area_updates.append((unit, areas[code]))
        owner = owners.get((unit.id, line.name))
        if owner is None:
            plan.new_owners.append(line)
            continue
        values: dict = {}
        if line.kind is not None and line.kind != owner.kind:
            values["kind"] = line.kind
        if line.note is not None and line.note != owner.note:
            values["note"] = line.note
        if not owner.active:
            values["active"] = True
        if values:
            plan.owner_updates.append((owner, values))
        have = phones.get(owner.id, set())
        plan.new_phones += [(owner, p) for p in line.phones if p not in have]


def _cap(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS],
            Problem(None, "", _("… and {n} more problems.").format(n=f"{more:,}"))]


def _plan(office: Office, roster: RosterFile) -> _Plan:
    plan = _Plan()
    _read_lines(roster, plan)
    _against_the_office(office, roster, plan)
    plan.problems.sort(key=lambda p: (p.row or 0, p.letter.rjust(3)))
    return plan


def check_roster(office: Office, roster: RosterFile) -> list[Problem]:
    """Every problem of ``roster`` for this office, by row; empty when it can be imported."""
    return _cap(_plan(office, roster).problems)


def _write(office: Office, person: Staff, plan: _Plan) -> None:
    """The plan, in bulk (``roster_write``): units, owners and phones with a change-log row
    each; the few updates one by one."""
    now = now_utc()
    buildings = write_estate(office, person, plan.estate) if plan.estate else {}
    units = {code: unit_id for (code,), unit_id in create_rows(Unit, office, person, [
        dict(office=office.id, building=buildings[unit.building], entrance=unit.entrance,
             room=unit.room, code=code, area_centi_m2=area)
        for code, (unit, area) in plan.new_units.items()], ("code",)).items()}
    for unit, area in plan.area_updates:
        update_row(unit, office, person, "import", area_centi_m2=area)
    wanted = list({line.unit.code for line in plan.new_owners} - set(units))
    for start in range(0, len(wanted), 500):
        units.update(Unit.select(Unit.code, Unit.id).where(
            (Unit.office == office) & Unit.code.in_(wanted[start:start + 500])).tuples())
    owners = create_rows(Owner, office, person, [
        dict(office=office.id, unit=units[line.unit.code], name=line.name,
             pinyin_initials=initials(line.name), kind=line.kind or "owner",
             note=line.note or "", created_at=now)
        for line in plan.new_owners], ("unit", "name"))
    for owner, values in plan.owner_updates:
        update_row(owner, office, person, "import", **values)
    phones = [dict(owner=owners[(units[line.unit.code], line.name)], phone=phone)
              for line in plan.new_owners for phone in line.phones]
    phones += [dict(owner=owner.id, phone=phone) for owner, phone in plan.new_phones]
    create_rows(OwnerPhone, office, person, phones, ("owner", "phone"))


def import_clerk(office: Office, name: str | None = None) -> Staff:
    """Who an import from the command line is recorded as: the desk person called ``name``,
    else the office's first active manager, else its first active supervisor."""
    people = Staff.select().where((Staff.office == office) & Staff.active).order_by(Staff.id)
    if name:
        person = people.where((Staff.name == name.strip())
                              & Staff.role.in_(Staff.DESK_ROLES)).first()
        if person is None:
            raise DutyError(_("Nobody called {name} may sign in at this office's desk.").format(
                name=name.strip()), "clerk")
        return person
    for role in ("manager", "supervisor"):
        person = people.where(Staff.role == role).first()
        if person is not None:
            return person
    raise DutyError(_("This office has no manager or supervisor to record the import as: "
                      "name someone with --as NAME."), "clerk")


def result_text(result: RosterResult, source: str = "") -> str:
    """The counts, as the clerk reads them."""
    counts = _("{rows} rows: {units_added} units added, {units_updated} units' areas "
               "changed, {owners_added} owners added, {owners_updated} owners updated, "
               "{phones_added} phones added.").format(**result.__dict__)
    estate = estate_text(result)
    if estate:
        counts = f"{counts} {estate}"
    if result.dry_run:
        return _("{file} can be imported. {counts} Nothing was stored: a dry run.").format(
            file=source or _("The roster"), counts=counts)
    return _("{file} imported. {counts}").format(file=source or _("The roster"), counts=counts)


def _names(names: tuple[str, ...], most: int = 12) -> str:
    shown = "、".join(names[:most])
    if len(names) > most:
        shown += _(" … and {n} more").format(n=len(names) - most)
    return shown


def estate_text(result: RosterResult) -> str:
    """The districts and buildings the import made (or would make), or ""."""
    parts = []
    if result.districts_added:
        parts.append(_("Districts new: {names}.").format(names=_names(result.districts_added)))
    if result.buildings_added:
        parts.append(_("Buildings new: {names}.").format(names=_names(result.buildings_added)))
    return " ".join(parts)


def import_roster(office: Office, clerk: Staff | int, path: str | Path, *,
                  dry_run: bool = False) -> RosterResult:
    """Import the roster file at ``path`` whole, or raise ``RosterRefused`` (nothing stored).
    ``dry_run`` checks and counts without writing."""
    roster = read_roster(path)
    if dry_run:
        desk_person(office, clerk)
        plan = _plan(office, roster)
        if plan.problems:
            raise RosterRefused(_cap(plan.problems))
        return plan.result(dry_run=True)
    with changes.write():
        person = desk_person(office, clerk)
        plan = _plan(office, roster)  # inside the transaction: nobody changes it meanwhile
        if plan.problems:
            raise RosterRefused(_cap(plan.problems))
        _write(office, person, plan)
        result = plan.result(dry_run=False)
        changes.record("owner", None, "import", office=office, staff=person, after={
            "file": Path(roster.path).name, "rows": result.rows,
            "units_added": result.units_added, "units_updated": result.units_updated,
            "owners_added": result.owners_added, "owners_updated": result.owners_updated,
            "phones_added": result.phones_added})
    return result
