"""The commands that build and change an office's estate without SQL.

    deskterm estate list
    deskterm estate add-unit CODE --area M2 [--district NAME]
    deskterm estate add-district NAME [--code CODE] | rename-district DISTRICT NEW
    deskterm estate supervisor DISTRICT [NAME]
    deskterm estate add-building CODE [--district NAME] [--floors N]
    deskterm estate add-place NAME [--district NAME] | rename-place PLACE NEW
    deskterm estate retire-place PLACE | restore-place PLACE

All take ``--db`` and ``--office``; each prints what it did (exit 0), or one clear line on
stderr and exit 2 when it refuses, having changed nothing.
"""

from __future__ import annotations

import argparse


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    from deskterm.i18n import _

    estate = sub.add_parser("estate", parents=[common],
                            help=_("the office's districts, buildings and units"))
    estate_sub = estate.add_subparsers(dest="estate_command", required=True)
    estate_sub.add_parser("list", parents=[common],
                          help=_("districts, their buildings and how many units each has"))
    add_unit = estate_sub.add_parser(
        "add-unit", parents=[common],
        help=_("a unit the roster lacks (a shop, the clubhouse); its building made if new"))
    add_unit.add_argument("code", help=_("the unit, like 3-2-501"))
    add_unit.add_argument("--area", required=True, help=_("floor area in m², like 89.56"))
    add_unit.add_argument("--district", help=_("the district of a new building"))
    district = estate_sub.add_parser("add-district", parents=[common],
                                     help=_("a district (辖区); its code the next number"))
    district.add_argument("name")
    district.add_argument("--code", default="", help=_("a short code, like E"))
    rename = estate_sub.add_parser("rename-district", parents=[common],
                                   help=_("a district's new name"))
    rename.add_argument("district", help=_("its name or code"))
    rename.add_argument("new")
    supervisor = estate_sub.add_parser(
        "supervisor", parents=[common],
        help=_("a district's customer-service supervisor (none named: none)"))
    supervisor.add_argument("district", help=_("its name or code"))
    supervisor.add_argument("name", nargs="?", default="")
    building = estate_sub.add_parser("add-building", parents=[common],
                                     help=_("a building, before the roster names it"))
    building.add_argument("code", help=_("its number, like 12"))
    building.add_argument("--district", default="",
                          help=_("its district (needed when there are several)"))
    building.add_argument("--floors", default="0")
    place = estate_sub.add_parser(
        "add-place", parents=[common],
        help=_("a public place (the east gate, a road, the clubhouse) for orders of no home"))
    place.add_argument("name")
    place.add_argument("--district", default="",
                       help=_("its district (needed when there are several)"))
    rename_place = estate_sub.add_parser("rename-place", parents=[common],
                                         help=_("a place's new name"))
    rename_place.add_argument("place")
    rename_place.add_argument("new")
    for name, words in (("retire-place", _("a place that is gone: no longer offered")),
                        ("restore-place", _("a retired place in use again"))):
        estate_sub.add_parser(name, parents=[common], help=words).add_argument("place")


def run(settings, args) -> int:
    return _estate(settings, args)


def _estate(settings, args) -> int:
    from deskterm.cli import _current_database
    from deskterm.duties.desk import desk_office
    from deskterm.errors import DutyError, SetupError

    with _current_database(settings):
        office = desk_office(settings.office)
        try:
            if args.estate_command == "list":
                _print_estate(office)
            else:
                print(_change(office, args))
        except DutyError as exc:
            raise SetupError(exc.message) from exc
        return 0


def _change(office, args) -> str:
    """Make the change ``args`` name; the line that says what was done."""
    from deskterm.duties.residents import estate_admin as estate
    from deskterm.duties.residents.roster_estate import add_unit
    from deskterm.i18n import _

    command = args.estate_command
    if command == "add-unit":
        unit = add_unit(office, None, args.code, args.area, args.district)
        return _("{unit} added: {building}, {district}.").format(
            unit=unit.code, building=unit.building.name, district=unit.building.district.name)
    if command == "add-district":
        row = estate.add_district(office, None, args.name, args.code)
        return _("District {name} added (code {code}).").format(name=row.name, code=row.code)
    if command == "rename-district":
        row = estate.rename_district(office, None, args.district, args.new)
        return _("The district is now called {name}.").format(name=row.name)
    if command == "supervisor":
        row = estate.set_supervisor(office, None, args.district, args.name)
        if row.cs_supervisor_id is None:
            return _("{district} has no customer-service supervisor now.").format(
                district=row.name)
        return _("{name} is the customer-service supervisor of {district}.").format(
            name=row.cs_supervisor.name, district=row.name)
    if command == "add-building":
        row = estate.add_building(office, None, args.code, args.district, args.floors)
        return _("{building} added to {district}.").format(
            building=row.name, district=row.district.name)
    if command == "add-place":
        row = estate.add_place(office, None, args.name, args.district)
        return _("{place} added to {district}.").format(
            place=row.name, district=row.district.name)
    if command == "rename-place":
        row = estate.rename_place(office, None, args.place, args.new)
        return _("The place is now called {name}.").format(name=row.name)
    row = estate.set_place_active(office, None, args.place, command == "restore-place")
    if row.active:
        return _("{place} is in use again.").format(place=row.name)
    return _("{place} is retired: no longer offered; its orders keep the name.").format(
        place=row.name)


def _print_estate(office) -> None:
    """A line per district (its code, supervisor and buildings with their units), and a
    line of its places under it when it has any."""
    from deskterm.duties.residents.estate_admin import estate_rows
    from deskterm.i18n import _

    rows = estate_rows(office)
    for district in (r for r in rows if r.kind == "district"):
        head = f"{district.name} ({district.code})"
        if district.supervisor:
            head += f" · {district.supervisor}"
        buildings = "  ".join(f"{r.name} {r.units}" for r in rows
                              if r.kind == "building" and r.district_id == district.id)
        print(f"{head}\t{buildings}")
        places = [r.name if r.active else _("{place} (retired)").format(place=r.name)
                  for r in rows if r.kind == "place" and r.district_id == district.id]
        if places:
            print("\t" + _("Places: {names}").format(names="、".join(places)))

