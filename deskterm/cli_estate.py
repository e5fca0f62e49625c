"""The commands that build and change an office's estate without SQL.

    deskterm estate list
    deskterm estate add-unit CODE --area M2 [--district NAME]

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


def run(settings, args) -> int:
    return _estate(settings, args)


def _estate(settings, args) -> int:
    from deskterm.cli import _current_database
    from deskterm.duties.desk import desk_office
    from deskterm.duties.residents.roster_estate import add_unit, estate_lines
    from deskterm.errors import DutyError, SetupError
    from deskterm.i18n import _

    with _current_database(settings):
        office = desk_office(settings.office)
        try:
            if args.estate_command == "add-unit":
                unit = add_unit(office, None, args.code, args.area, args.district)
                print(_("{unit} added: {building}, {district}.").format(
                    unit=unit.code, building=unit.building.name,
                    district=unit.building.district.name))
                return 0
        except DutyError as exc:
            raise SetupError(exc.message) from exc
        for line in estate_lines(office):
            buildings = "  ".join(f"{name} {count}" for name, count in line.buildings)
            print(f"{line.district} ({line.code})\t{buildings}")
        return 0
