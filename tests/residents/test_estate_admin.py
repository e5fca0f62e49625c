"""The manager's estate without SQL: districts with their CS supervisor, buildings and the
public places where an order that belongs to no home is done. Each change is logged with who
made it; a refusal names its field and changes nothing; nothing is ever deleted."""

from __future__ import annotations

import pytest

from deskterm.db import changes
from deskterm.db.models import Building, ChangeLog, District, Place, RepairOrder, Staff
from deskterm.duties.orders import register_call
from deskterm.duties.panes import open_orders
from deskterm.duties.repairs.order_view import order_view
from deskterm.duties.residents.estate_admin import (
    active_places,
    add_building,
    add_district,
    add_place,
    estate_rows,
    find_district,
    rename_building,
    rename_district,
    rename_place,
    set_place_active,
    set_supervisor,
)
from deskterm.errors import DutyError
from tests.factories import small_office


@pytest.fixture
def so(desk_db):
    return small_office()


def refused(field: str, call, *args, **kwargs) -> str:
    log = ChangeLog.select().count()
    with pytest.raises(DutyError) as caught:
        call(*args, **kwargs)
    assert caught.value.field == field
    assert ChangeLog.select().count() == log, "a refusal wrote to the change log"
    return caught.value.message


def test_a_district_gets_the_next_free_code_and_is_logged_with_who(so):
    district = add_district(so.office, so.supervisor, " 西区 ")
    assert (district.name, district.code) == ("西区", "1")
    row = ChangeLog.get((ChangeLog.topic == "district") & (ChangeLog.row_id == district.id))
    assert (row.action, row.staff_id) == ("create", so.supervisor.id)
    assert add_district(so.office, None, "北区", "N").code == "N"


def test_a_district_name_or_code_already_used_is_refused(so):
    assert "东区" in refused("name", add_district, so.office, None, "东 区")
    refused("code", add_district, so.office, None, "南区", "a")  # the code A, case folded
    refused("name", add_district, so.office, None, "   ")
    assert District.select().count() == 1


def test_a_district_is_renamed_and_found_by_name_or_code(so):
    rename_district(so.office, None, "A", "东苑")
    assert find_district(so.office, "东苑").id == so.district.id
    assert find_district(so.office, "").id == so.district.id  # the only one
    add_district(so.office, None, "西区")
    assert "东苑" in refused("district", find_district, so.office, "")
    refused("name", rename_district, so.office, None, "东苑", "西区")


def test_the_supervisor_must_be_an_active_cs_supervisor(so):
    with changes.write():
        cs = Staff.create(office=so.office, name="陈晓", role="cs_supervisor",
                          created_at=so.office.created_at)
    refused("supervisor", set_supervisor, so.office, None, "东区", so.clerk.name)
    set_supervisor(so.office, None, "东区", "陈晓")
    assert District.get_by_id(so.district.id).cs_supervisor_id == cs.id
    line = next(r for r in estate_rows(so.office) if r.kind == "district")
    assert line.supervisor == "陈晓"
    set_supervisor(so.office, None, "东区", "")
    assert District.get_by_id(so.district.id).cs_supervisor_id is None


def test_buildings_are_added_and_listed_in_number_order(so):
    add_building(so.office, None, "10", "东区", "18")
    add_building(so.office, None, "２", "", 6)  # full-width digit, the only district
    assert "3" in refused("code", add_building, so.office, None, "03", "东区")
    refused("floors", add_building, so.office, None, "4", "东区", "many")
    refused("code", add_building, so.office, None, "4-1", "东区")
    names = [r.name for r in estate_rows(so.office) if r.kind == "building"]
    assert names == ["2栋", "3栋", "10栋"]
    rename_building(so.office, None, so.building.id, "会所楼")
    assert Building.get_by_id(so.building.id).code == "3"  # unit codes keep the number
    refused("name", rename_building, so.office, None, so.building.id, "10栋")


def test_a_place_is_added_renamed_retired_and_brought_back(so):
    gate = add_place(so.office, so.supervisor, "东门道闸")
    assert active_places(so.office) == [(gate.id, "东门道闸", so.district.id)]
    refused("name", add_place, so.office, None, " 东门道闸 ")
    rename_place(so.office, None, "东门道闸", "东门车辆道闸")
    set_place_active(so.office, None, "东门车辆道闸", False)
    assert active_places(so.office) == []
    line = next(r for r in estate_rows(so.office) if r.kind == "place")
    assert (line.name, line.active) == ("东门车辆道闸", False)
    set_place_active(so.office, None, gate.id, True)
    assert [a for a, _n, _d in active_places(so.office)] == [gate.id]
    refused("place", rename_place, so.office, None, "西门", "北门")
    actions = [a for (a,) in ChangeLog.select(ChangeLog.action).where(
        ChangeLog.topic == "place").order_by(ChangeLog.id).tuples()]
    assert actions == ["create", "rename", "retire", "restore"]


def test_an_order_at_a_place_is_public_needs_no_phone_and_shows_the_place(so):
    gate = add_place(so.office, None, "东门道闸")
    _entry, order = register_call(
        so.office, so.clerk, channel="patrol", kind="repair", caller_name="保安王",
        phone="", request="抬杆故障", place=gate.id, category="public_area")
    assert (order.is_public, order.unit_id, order.place_id, order.district_id) == (
        True, None, gate.id, so.district.id)
    assert order_view(so.office, order.id, "Asia/Shanghai").place == "东门道闸"
    assert [row.unit for row in open_orders(so.office).rows] == ["东门道闸"]
    set_place_active(so.office, None, gate.id, False)
    count = RepairOrder.select().count()
    with pytest.raises(DutyError) as caught:
        register_call(so.office, so.clerk, channel="patrol", kind="repair",
                      caller_name="保安王", phone="", request="又坏了", place=gate.id)
    assert caught.value.field == "place"
    assert RepairOrder.select().count() == count


def test_a_place_of_another_office_is_refused(so):
    other = small_office("另一个管理处")
    theirs = add_place(other.office, None, "会所")
    with pytest.raises(DutyError) as caught:
        register_call(so.office, so.clerk, channel="patrol", kind="repair",
                      caller_name="保安王", phone="", request="灯不亮", place=theirs.id)
    assert caught.value.field == "place"
    assert Place.select().count() == 1


def test_the_estate_commands_say_what_they_did_and_refuse_in_one_line(
        so, desk_db, tmp_path, capsys, monkeypatch):
    from deskterm.cli import main

    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    args = ["--db", desk_db.deskterm_url, "--office", str(so.office.id)]

    def run(*words: str) -> tuple[int, str, str]:
        code = main([*words, *args])
        out = capsys.readouterr()
        return code, out.out.strip(), out.err.strip()

    with changes.write():
        Staff.create(office=so.office, name="陈晓", role="cs_supervisor",
                     created_at=so.office.created_at)
    assert run("estate", "add-district", "西区", "--code", "W") == (
        0, "District 西区 added (code W).", "")
    assert run("estate", "add-building", "12", "--district", "W", "--floors", "18") == (
        0, "12栋 added to 西区.", "")
    assert run("estate", "add-place", "东门道闸", "--district", "东区") == (
        0, "东门道闸 added to 东区.", "")
    assert run("estate", "add-place", "会所", "--district", "W")[0] == 0
    assert run("estate", "retire-place", "会所")[1].startswith("会所 is retired")
    assert run("estate", "supervisor", "东区", "陈晓") == (
        0, "陈晓 is the customer-service supervisor of 东区.", "")
    assert run("estate", "rename-district", "W", "西苑") == (
        0, "The district is now called 西苑.", "")
    assert run("estate", "list") == (0, "东区 (A) · 陈晓\t3栋 1\n\tPlaces: 东门道闸\n"
                                        "西苑 (W)\t12栋 0\n\tPlaces: 会所 (retired)", "")
    log = ChangeLog.select().count()
    for words, said in [
        (("estate", "add-place", "东门道闸"), "already used"),
        (("estate", "add-place", "北门"), "Name one of the districts"),
        (("estate", "add-building", "3", "--district", "A"), "already on the estate"),
        (("estate", "supervisor", "东区", "李静"), "not an active customer-service"),
        (("estate", "rename-place", "西门", "北门"), "no place '西门'"),
    ]:
        code, out, err = run(*words)
        assert (code, out) == (2, ""), words
        assert said in err and len(err.splitlines()) == 1, err
    assert ChangeLog.select().count() == log
