"""A new office's first roster import builds its estate: the districts (辖区) and buildings the
file names are created with the units (all or nothing, each in the change log), a dry run
says what it would create, a file that cannot say where a building goes is refused, and a
column the import does not know is refused rather than dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskterm.cli import main
from deskterm.db import changes
from deskterm.db.models import Building, ChangeLog, District, Owner, Unit
from deskterm.duties.residents.estate_admin import estate_rows
from deskterm.duties.residents.roster_estate import add_unit
from deskterm.duties.residents.roster_import import (
    RosterRefused,
    import_roster,
    result_text,
)
from deskterm.duties.setup import add_office, add_staff
from deskterm.errors import DutyError
from tests.factories import small_office

HEADER = ["楼栋", "单元", "房号", "业主姓名", "联系电话", "面积"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_bytes(("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("utf-8-sig"))
    return path


@pytest.fixture
def new_office(desk_db):
    office = add_office("新苑物业服务中心")
    manager = add_staff(office, "周敏", "manager", "4826")
    return office, manager


def estate(office) -> tuple:
    return (sorted(District.select(District.code, District.name)
                   .where(District.office == office).tuples()),
            sorted(Building.select(Building.code, Building.name, Building.floors)
                   .where(Building.office == office).tuples()))


def test_a_new_office_s_roster_without_districts_makes_one(new_office, tmp_path):
    office, manager = new_office
    path = write_csv(tmp_path / "roster.csv", [
        HEADER,
        ["1", "1", "101", "张三", "13812345678", "89.5"],
        ["1", "2", "1203", "李四", "13912345678", "120"],
        ["10", "1", "502", "王五", "", "95"],
        ["2", "1", "301", "赵六", "", "76"],
    ])
    result = import_roster(office, manager, path)
    assert (result.districts_added, result.buildings_added) == (
        ("Whole estate",), ("1栋", "10栋", "2栋"))
    assert estate(office) == ([("1", "Whole estate")],
                              [("1", "1栋", 12), ("10", "10栋", 5), ("2", "2栋", 3)])
    unit = Unit.get((Unit.office == office) & (Unit.code == "1-2-1203"))
    assert unit.building.code == "1" and unit.building.district.name == "Whole estate"
    assert Owner.select().where(Owner.office == office).count() == 4
    made = {(c.topic, c.action) for c in ChangeLog.select().where(ChangeLog.office == office)}
    assert {("district", "create"), ("building", "create"), ("unit", "create")} <= made
    assert "Districts new: Whole estate. Buildings new: 1栋、10栋、2栋." in result_text(result)


def test_a_district_column_places_the_buildings(new_office, tmp_path):
    office, manager = new_office
    path = write_csv(tmp_path / "roster.csv", [
        ["辖区", *HEADER],
        ["东区", "1", "1", "101", "张三", "", "89.5"],
        ["西区", "7", "1", "101", "李四", "", "89.5"],
        ["", "7", "2", "201", "王五", "", "89.5"],  # 7 is 西区's: the empty cell agrees
        [" 东 区", "1", "1", "102", "赵六", "", "89.5"],  # spaces do not make a new district
    ])
    result = import_roster(office, manager, path)
    assert result.districts_added == ("东区", "西区")
    districts, buildings = estate(office)
    assert districts == [("1", "东区"), ("2", "西区")]
    placed = {b.code: b.district.name for b in Building.select().where(
        Building.office == office)}
    assert placed == {"1": "东区", "7": "西区"}
    # Imported again (the districts matched by name now): nothing new.
    again = import_roster(office, manager, path)
    assert (again.districts_added, again.buildings_added, again.units_added) == ((), (), 0)


def test_where_the_file_and_the_office_disagree_nothing_is_stored(new_office, tmp_path):
    office, manager = new_office
    with changes.write():
        District.create(office=office, code="E", name="东区")
        District.create(office=office, code="W", name="西区")
    path = write_csv(tmp_path / "roster.csv", [
        ["辖区", *HEADER],
        ["东区", "1", "1", "101", "张三", "", "89.5"],
        ["西区", "1", "1", "102", "李四", "", "89.5"],  # 1 was put in 东区 on row 2
        ["", "5", "1", "101", "王五", "", "89.5"],  # new, and two districts to choose from
        ["w", "6", "1", "101", "赵六", "", "89.5"],  # a district's code counts too
    ])
    before = estate(office)
    with pytest.raises(RosterRefused) as refused:
        import_roster(office, manager, path)
    assert estate(office) == before
    assert [(p.row, p.column, p.message) for p in refused.value.problems] == [
        (3, "辖区", "Row 2 puts building 1 in 东区."),
        (4, "辖区", "Building 5 is new and this office has several districts: name its "
                  "district in a 辖区 column."),
    ]


def test_a_dry_run_says_what_it_would_create(new_office, tmp_path):
    office, manager = new_office
    path = write_csv(tmp_path / "roster.csv", [HEADER, ["3", "1", "101", "张三", "", "80"]])
    result = import_roster(office, manager, path, dry_run=True)
    assert (result.districts_added, result.buildings_added, result.units_added) == (
        ("Whole estate",), ("3栋",), 1)
    assert estate(office) == ([], [])
    assert "Buildings new: 3栋." in result_text(result)


def test_a_column_the_import_does_not_know_is_refused(desk_db, tmp_path):
    so = small_office()
    path = write_csv(tmp_path / "roster.csv", [
        ["序号", *HEADER, "车位"],
        ["1", "3", "1", "101", "张三", "", "80", "B1-23"],
    ])
    with pytest.raises(RosterRefused) as refused:
        import_roster(so.office, so.clerk, path)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column, problem.letter) == (1, "车位", "H")
    assert problem.message.startswith("Not a roster column (the columns are 辖区、楼栋、")
    # Without it (the row numbers' 序号 column is read past), the file lands.
    path = write_csv(tmp_path / "roster.csv", [["序号", *HEADER], ["1", "3", "1", "101", "张三",
                                                                  "", "80"]])
    assert import_roster(so.office, so.clerk, path).owners_added == 1


def test_the_command_lists_what_it_created(new_office, desk_db, tmp_path, capsys,
                                           monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    office, _manager = new_office
    path = write_csv(tmp_path / "roster.csv", [HEADER, ["3", "1", "101", "张三", "", "80"]])
    args = ["roster", "import", str(path), "--db", desk_db.deskterm_url,
            "--office", str(office.id)]
    assert main([*args, "--dry-run"]) == 0
    assert "Buildings new: 3栋." in capsys.readouterr().out
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "imported" in out and "Districts new: Whole estate." in out


def test_a_unit_the_roster_lacks_is_added_with_its_building(new_office, tmp_path):
    office, manager = new_office
    path = write_csv(tmp_path / "roster.csv", [HEADER, ["1", "1", "101", "张三", "", "80"]])
    import_roster(office, manager, path)
    unit = add_unit(office, manager, "1-1-102", "65.5")
    assert (unit.building.code, unit.area_centi_m2) == ("1", 6550)
    shop = add_unit(office, manager, "20-1-101", "120")  # a new building: the one district
    assert shop.building.name == "20栋" and shop.building.district.name == "Whole estate"
    assert [(r.kind, r.name, r.units) for r in estate_rows(office)] == [
        ("district", "Whole estate", 2), ("building", "1栋", 2), ("building", "20栋", 1)]
    before = estate(office)
    for text, area, words in [("1-1-102", "60", "already a unit"),
                              ("1-1-1", "60", "like 3-2-501"),
                              ("1-1-103", "", "floor area"),
                              ("1-1-103", "-3", "Not an area")]:
        with pytest.raises(DutyError, match=words):
            add_unit(office, manager, text, area)
    with pytest.raises(DutyError, match="is in Whole estate, not in 西区"):
        add_unit(office, manager, "1-1-104", "60", district="西区")
    assert estate(office) == before
    assert not District.select().where(District.name == "西区").exists()


def test_the_estate_commands(new_office, desk_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    office, _manager = new_office
    args = ["--db", desk_db.deskterm_url, "--office", str(office.id)]
    assert main(["estate", "add-unit", "3-1-101", "--area", "80", "--district", "东区",
                 *args]) == 0
    assert capsys.readouterr().out == "3-1-101 added: 3栋, 东区.\n"
    assert main(["estate", "list", *args]) == 0
    assert capsys.readouterr().out == "东区 (1)\t3栋 1\n"
    assert main(["estate", "add-unit", "3-1-101", "--area", "80", *args]) == 2
    assert "already a unit" in capsys.readouterr().err
