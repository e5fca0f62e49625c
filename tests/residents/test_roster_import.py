"""Importing the owner roster (业主名册一览表) from CSV and XLSX: a good file lands whole, a file
with problems says where (the row numbers Excel shows) and stores nothing, importing it
again changes nothing; and the ``deskterm roster import`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from deskterm.cli import main
from deskterm.db import changes
from deskterm.db.models import Building, ChangeLog, Owner, OwnerPhone, Unit
from deskterm.duties.residents.roster_cells import parse_area
from deskterm.duties.residents.roster_file import Column, RosterFile, decode_csv, read_roster
from deskterm.duties.residents.roster_import import (
    Problem,
    RosterRefused,
    check_roster,
    import_clerk,
    import_roster,
)
from deskterm.errors import DutyError
from tests.factories import small_office

HEADER = ["楼栋", "单元", "房号", "业主姓名", "联系电话", "面积(㎡)", "身份", "备注"]
GOOD = [
    ["3栋", "2单元", "502", "李四", "139 1234 5678 / 027-8765 4321", "90.5", "业主", ""],
    ["3", "2", "502", "王小明", "13612345678、13712345678", "90.5", "租户", "租到明年"],
    ["5", "1", "1203", "陈静", "", "120", "", ""],
    ["5", "1", "1203", "Smith John", "+86 135 0000 1111", "", "owner", ""],
]


@pytest.fixture
def so(desk_db):
    office = small_office()
    with changes.write():
        Building.create(office=office.office, district=office.district, code="5", name="5栋")
    return office


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig",
              title: str | None = None) -> Path:
    lines = ([title] if title else []) + [",".join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def counts() -> tuple[int, int, int, int]:
    return (Unit.select().count(), Owner.select().count(), OwnerPhone.select().count(),
            ChangeLog.select().count())


def owners_of(code: str) -> dict[str, tuple]:
    rows = Owner.select().join(Unit).where(Unit.code == code)
    return {o.name: (o.kind, o.note, o.active, o.pinyin_initials,
                     [p.phone for p in o.phones.order_by(OwnerPhone.id)]) for o in rows}


def assert_good_roster_stored(result) -> None:
    assert (result.rows, result.units_added, result.owners_added, result.phones_added) == (
        4, 2, 4, 5)
    assert (result.units_updated, result.owners_updated) == (0, 0)
    assert owners_of("3-2-502") == {
        "李四": ("owner", "", True, "ls", ["13912345678", "02787654321"]),
        "王小明": ("tenant", "租到明年", True, "wxm", ["13612345678", "13712345678"]),
    }
    assert owners_of("5-1-1203") == {
        "陈静": ("owner", "", True, "cj", []),
        "Smith John": ("owner", "", True, "sj", ["13500001111"]),
    }
    assert Unit.get(Unit.code == "3-2-502").area_centi_m2 == 9050
    assert Unit.get(Unit.code == "5-1-1203").building.code == "5"
    assert owners_of("3-2-501") == {"张三": ("owner", "", True, "zs", ["13812345678"])}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_a_good_csv_lands_whole(so, tmp_path, encoding):
    path = write_csv(tmp_path / "roster.csv", [HEADER, *GOOD], encoding,
                     title="翠湖管理处业主名册一览表")
    before = ChangeLog.select().count()
    result = import_roster(so.office, so.clerk, path)
    assert_good_roster_stored(result)
    log = list(ChangeLog.select().where(ChangeLog.id > 0).order_by(ChangeLog.id))[before:]
    topics = [(entry.topic, entry.action) for entry in log]
    assert topics.count(("unit", "create")) == 2
    assert topics.count(("owner", "create")) == 4
    assert topics.count(("owner_phone", "create")) == 5
    assert topics[-1] == ("owner", "import")
    assert all(entry.staff_id == so.clerk.id and entry.office_id == so.office.id
               for entry in log)
    owner = Owner.get(Owner.name == "王小明")
    [created] = [e for e in log if e.topic == "owner" and e.row_id == owner.id]
    assert json.loads(created.detail)["after"]["note"] == "租到明年"
    assert json.loads(log[-1].detail)["after"]["owners_added"] == 4


def test_a_good_xlsx_lands_whole(so, tmp_path):
    rows = [HEADER, *GOOD]
    rows[1] = ["3栋", "2单元", 502, "李四", "139 1234 5678 / 027-8765 4321", 90.5, "业主", None]
    rows[4] = [5, 1, 1203, "Smith John", 8613500001111, None, "owner", None]
    path = write_xlsx(tmp_path / "roster.xlsx", rows, title="翠湖管理处业主名册一览表")
    assert_good_roster_stored(import_roster(so.office, so.clerk, path))


def test_a_tab_separated_utf16_export_lands_too(so, tmp_path):
    path = tmp_path / "roster.txt"
    path.write_bytes("\r\n".join("\t".join(r) for r in [HEADER, *GOOD]).encode("utf-16"))
    assert_good_roster_stored(import_roster(so.office, so.clerk, path))


def bad_rows() -> list[list[str]]:
    """Header on row 1, owners on rows 2-13: row 7 has a bad phone, row 12 puts building 3
    (东区's) in another district."""
    rows = [[*HEADER, "辖区"]]
    for n in range(2, 14):
        rows.append(["3", "1", f"{n + 1}01", f"业主{n}", f"1380000{n:04d}", "88", "", "", ""])
    rows[6][4] = "138 1234 567"
    rows[11][8] = "西区"
    return rows


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_bad_phone_and_a_building_in_another_district_are_reported_and_nothing_is_stored(
        so, tmp_path, kind):
    rows = bad_rows()
    path = (write_csv(tmp_path / "bad.csv", rows) if kind == "csv"
            else write_xlsx(tmp_path / "bad.xlsx", rows))
    before = counts()
    with pytest.raises(RosterRefused) as refused:
        import_roster(so.office, so.clerk, path)
    assert counts() == before
    problems = refused.value.problems
    assert [(p.row, p.column, p.letter) for p in problems] == [
        (7, "联系电话", "E"), (12, "辖区", "I")]
    assert "A mobile number has 11 digits; this has 10." in problems[0].message
    assert problems[1].message == "Building 3 is in 东区, not in 西区."
    assert str(problems[0]).startswith("Row 7, 联系电话 (E): 138 1234 567: ")
    assert "2 problems in the roster; nothing was imported." in refused.value.message
    assert check_roster(so.office, read_roster(path)) == problems


def test_reimporting_the_same_file_changes_nothing(so, tmp_path):
    path = write_csv(tmp_path / "roster.csv", [HEADER, *GOOD])
    import_roster(so.office, so.clerk, path)
    before = counts()
    again = import_roster(so.office, so.clerk, path)
    assert (again.units_added, again.units_updated, again.owners_added, again.owners_updated,
            again.phones_added) == (0, 0, 0, 0, 0)
    units, owners, phones, log = counts()
    assert (units, owners, phones) == before[:3]
    assert log == before[3] + 1  # the import's own summary row, nothing else
    assert_good_roster_stored(type(again)(4, 2, 0, 4, 0, 5))


def test_existing_owners_are_updated_not_duplicated_and_others_stay(so, tmp_path):
    with changes.write():
        moved = Owner.create(office=so.office, unit=so.unit, name="赵六", pinyin_initials="zl",
                             active=False, created_at=so.office.created_at)
        Owner.create(office=so.office, unit=so.unit, name="钱七", pinyin_initials="qq",
                     created_at=so.office.created_at)
    path = write_csv(tmp_path / "roster.csv", [
        HEADER,
        ["3", "2", "501", "张三", "027-8765 4321 / 138 1234 5678", "95", "租户", "换了房东"],
        ["3", "2", "501", "赵六", "", "", "", ""],
    ])
    result = import_roster(so.office, so.clerk, path)
    assert (result.units_added, result.units_updated, result.owners_added,
            result.owners_updated, result.phones_added) == (0, 1, 0, 2, 1)
    assert owners_of("3-2-501") == {
        "张三": ("tenant", "换了房东", True, "zs", ["13812345678", "02787654321"]),
        "赵六": ("owner", "", True, "zl", []),  # on the roster again: active
        "钱七": ("owner", "", True, "qq", []),  # not in the file: left as is
    }
    assert Unit.get_by_id(so.unit.id).area_centi_m2 == 9500
    changed = ChangeLog.get((ChangeLog.topic == "owner") & (ChangeLog.row_id == moved.id))
    assert (changed.action, json.loads(changed.detail)) == (
        "import", {"before": {"active": False}, "after": {"active": True}})


def test_a_dry_run_counts_and_stores_nothing(so, tmp_path):
    path = write_csv(tmp_path / "roster.csv", [HEADER, *GOOD])
    before = counts()
    result = import_roster(so.office, so.clerk, path, dry_run=True)
    assert (result.dry_run, result.units_added, result.owners_added, result.phones_added) == (
        True, 2, 4, 5)
    assert counts() == before


def test_whole_unit_codes_in_the_room_column(so, tmp_path):
    path = write_csv(tmp_path / "r.csv", [["房号", "姓名", "手机", "面积"],
                                          ["3栋2单元502", "李四", "13912345678", "90"],
                                          ["5-1-1203", "陈静", "", "120"]])
    result = import_roster(so.office, so.clerk, path)
    assert (result.units_added, result.owners_added) == (2, 2)
    assert set(owners_of("5-1-1203")) == {"陈静"}


def refused(so, path) -> list[tuple]:
    before = counts()
    with pytest.raises(RosterRefused) as caught:
        import_roster(so.office, so.clerk, path)
    assert counts() == before
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_each_kind_of_problem_in_the_clerk_s_words(so, tmp_path):
    path = write_csv(tmp_path / "r.csv", [
        HEADER,
        ["3", "2", "50", "甲", "", "80", "", ""],  # 2: bad room
        ["3", "2", "503", "", "", "80", "", ""],  # 3: no name
        ["3", "2", "504", "乙", "", "八十", "", ""],  # 4: area not a number
        ["3", "2", "505", "丙", "", "80", "房东", ""],  # 5: neither owner nor tenant
        ["3", "2", "506", "丁", "", "80", "", ""],
        ["3", "2", "506", "丁", "", "80", "", ""],  # 7: the same owner again
        ["3", "2", "506", "戊", "", "81", "", ""],  # 8: another area for 3-2-506
        ["3", "2", "507", "己", "", "", "", ""],  # 9: a new unit without an area
        ["3", "X", "508", "庚", "", "80", "", ""],  # 10: bad entrance
    ])
    assert refused(so, path) == [
        (2, "房号", "Not a room: write the floor and number, like 501 or 1203."),
        (3, "业主姓名", "Enter the owner's name."),
        (4, "面积(㎡)", "Not an area: write square metres as a number, like 89.56."),
        (5, "身份", "Write 业主 (owner) or 租户 (tenant)."),
        (7, "业主姓名", "丁 of 3-2-506 is already on row 6."),
        (8, "面积(㎡)", "Row 6 gives 3-2-506 another area (80.00 m²)."),
        (9, "面积(㎡)", "3-2-507 is a new unit: give its floor area."),
        (10, "单元", "Not an entrance: write it like 2 or 2单元."),
    ]


def test_files_that_cannot_be_imported(so, tmp_path):
    missing = write_csv(tmp_path / "m.csv", [["楼栋", "单元", "电话"], ["3", "2", "1"]],
                        title="业主名册")
    assert refused(so, missing) == [
        (2, "", "There is no column for 房号 (room)."),
        (2, "", "There is no column for 业主姓名 (name)."),
    ]
    nothing = write_csv(tmp_path / "n.csv", [["a", "b"], ["1", "2"]])
    assert "No header row" in refused(so, nothing)[0][2]
    empty = write_csv(tmp_path / "e.csv", [HEADER])
    assert refused(so, empty) == [(1, "", "There are no owners under the header row.")]
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert ".xlsx or CSV" in refused(so, tmp_path / "old.xls")[0][2]
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert "not an .xlsx workbook" in refused(so, tmp_path / "broken.xlsx")[0][2]
    assert "There is no file" in refused(so, tmp_path / "nowhere.csv")[0][2]
    no_building = write_csv(tmp_path / "b.csv", [["房号", "姓名"], ["501", "甲"]])
    assert refused(so, no_building) == [(2, "房号", (
        "There is no 楼栋 (building) column: write the whole unit here, like 3-2-501."))]


def test_only_desk_staff_may_import(so, tmp_path):
    path = write_csv(tmp_path / "roster.csv", [HEADER, *GOOD])
    before = counts()
    with pytest.raises(DutyError) as refused_:
        import_roster(so.office, so.technician, path)
    assert refused_.value.field == "clerk"
    assert counts() == before


def test_the_command_line_clerk(so):
    assert import_clerk(so.office) == so.supervisor  # no manager: the first supervisor
    assert import_clerk(so.office, "李静") == so.clerk
    with pytest.raises(DutyError):
        import_clerk(so.office, "张强")  # a technician does not sign in at the desk


def test_large_areas_and_units():
    assert parse_area("89.56㎡") == 8956
    assert parse_area("１２０．５ 平方米") == 12050
    assert parse_area("89.555") == 8956
    assert parse_area("") is None
    for bad in ("0", "-3", "10000.01", "1e3", "八十"):
        with pytest.raises(DutyError):
            parse_area(bad)


def test_encodings_are_detected():
    text = "楼栋,业主姓名\n3,张三\n"
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"):
        assert decode_csv(text.encode(encoding)).lstrip("\ufeff") == text


# --- anything in a cell is a reported problem, never a crash -------------------------------

CELL = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["3", "3栋", "2单元", "501", "13812345678", "业主", "租户", "89.5", "", " ", "\x1b[31m",
     "[red]x[/]", "٣", "１３８１２３４５６７８", "-1", "1e9"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(*[CELL] * 8), min_size=1, max_size=6))
def test_arbitrary_cells_give_problems_or_nothing(sqlite_db, rows):
    if Building.select().count() == 0:
        small_office()
    office = Building.get().office
    keys = ["building", "entrance", "room", "name", "phone", "area", "kind", "note"]
    roster = RosterFile("x.csv", 1, {k: Column(k, HEADER[i], i) for i, k in enumerate(keys)},
                        [(n + 2, dict(zip(keys, row, strict=True)))
                         for n, row in enumerate(rows)])
    problems = check_roster(office, roster)
    assert all(isinstance(p, Problem) and p.row in range(2, len(rows) + 2) for p in problems)
    assert all(str(p).isprintable() for p in problems)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("gb18030")))
def test_arbitrary_files_are_read_or_refused(tmp_path, data):
    path = tmp_path / "any.csv"
    path.write_bytes(data)
    try:
        roster = read_roster(path)
    except RosterRefused as exc:
        assert exc.problems
    else:
        assert roster.rows and {"room", "name"} <= set(roster.columns)


# --- the command line --------------------------------------------------------------------

@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_THEME", "DESKTERM_MOUSE",
                 "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)


def test_the_roster_import_command(so, desk_db, tmp_path, capsys, cli_env):
    db = desk_db.deskterm_url
    office = str(so.office.id)
    bad = write_csv(tmp_path / "bad.csv", bad_rows())
    before = counts()
    assert main(["roster", "import", str(bad), "--db", db, "--office", office]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("bad.csv: Row 7, 联系电话 (E): 138 1234 567:")
    assert err[1] == "bad.csv: Row 12, 辖区 (I): Building 3 is in 东区, not in 西区."
    assert err[2] == "deskterm: 2 problems; nothing was imported."
    good = write_csv(tmp_path / "good.csv", [HEADER, *GOOD])
    assert main(["roster", "import", str(good), "--db", db, "--dry-run"]) == 0
    assert "Nothing was stored" in capsys.readouterr().out
    assert counts()[:3] == before[:3]
    assert main(["roster", "import", str(good), "--db", db, "--as", "李静"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("good.csv imported. 4 rows: 2 units added")
    assert "4 owners added" in out and "5 phones added" in out
    summary = ChangeLog.select().where(ChangeLog.action == "import").get()
    assert summary.staff_id == so.clerk.id
    assert main(["roster", "import", str(good), "--db", db, "--as", "张强"]) == 2
    assert "Nobody called 张强" in capsys.readouterr().err


def test_the_command_needs_an_existing_database(tmp_path, capsys, cli_env):
    path = write_csv(tmp_path / "good.csv", [HEADER, *GOOD])
    assert main(["roster", "import", str(path), "--db", str(tmp_path / "none.db")]) == 2
    assert "deskterm migrate" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
