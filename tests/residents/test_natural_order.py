"""Buildings, units, districts and places in the order people count them
(deskterm.duties.natural): 2栋 before 10栋, wherever they are listed."""

from __future__ import annotations

from deskterm.db import changes
from deskterm.db.models import Building, District, Place
from deskterm.duties.natural import natural_key
from deskterm.duties.residents.estate_admin import active_places, estate_rows
from deskterm.duties.residents.roster import office_buildings
from tests.factories import small_office


def test_natural_order():
    codes = ["10", "2", "A", "1", "12", "3A", "3", "11"]
    assert sorted(codes, key=natural_key) == ["1", "2", "3", "3A", "10", "11", "12", "A"]
    names = ["10栋", "1栋", "11栋", "2栋"]
    assert sorted(names, key=natural_key) == ["1栋", "2栋", "10栋", "11栋"]
    units = ["3-2-1001", "3-2-501", "10-1-101", "3-10-101"]
    assert sorted(units, key=natural_key) == ["3-2-501", "3-2-1001", "3-10-101", "10-1-101"]


def test_buildings_listed_in_number_order(desk_db):
    so = small_office()
    with changes.write():
        for code in ("10", "1", "11", "2"):
            Building.create(office=so.office, district=so.district, code=code,
                            name=f"{code}栋")
    assert [name for _id, name in office_buildings(so.office)] == [
        "1栋", "2栋", "3栋", "10栋", "11栋"]


def test_the_estate_and_its_places_in_number_order(desk_db):
    so = small_office()
    with changes.write():
        for code in ("10", "2"):
            District.create(office=so.office, code=code, name=f"{code}区")
        for code in ("12", "4"):
            Building.create(office=so.office, district=so.district, code=code,
                            name=f"{code}栋")
        for name in ("10号路", "3号路", "会所"):
            Place.create(office=so.office, district=so.district, name=name)
    rows = estate_rows(so.office)
    assert [r.code for r in rows if r.kind == "district"] == ["2", "10", "A"]
    assert [r.name for r in rows if r.kind == "building"] == ["3栋", "4栋", "12栋"]
    assert [r.name for r in rows if r.kind == "place"] == ["3号路", "10号路", "会所"]
    assert [name for _id, name, _d in active_places(so.office)] == ["3号路", "10号路", "会所"]
