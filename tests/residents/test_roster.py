"""The owner lookup (``find_owners``) on SQLite and PostgreSQL: each kind of query, the
ranking, moved-out owners last, one office never sees another's roster, the limit, LIKE
wildcards taken literally, and nothing a clerk can type makes it raise."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Building, Owner, OwnerPhone, Unit
from deskterm.duties.residents.roster import OwnerHit, find_owners, phone_digits, unit_query
from tests.factories import SmallOffice, small_office


@dataclass
class Roster:
    so: SmallOffice
    other: SmallOffice
    ids: dict[str, int]  # name -> owner id in the office under test


def _unit(so: SmallOffice, code: str, building: Building | None = None) -> Unit:
    building_code, entrance, room = code.split("-")
    if building is None:
        building = Building.get_or_none((Building.office == so.office)
                                        & (Building.code == building_code))
    if building is None:
        building = Building.create(office=so.office, district=so.district, code=building_code,
                                   name=f"{building_code}栋")
    return Unit.create(office=so.office, building=building, entrance=entrance, room=room,
                       code=code, area_centi_m2=9000)


def _owner(so: SmallOffice, unit: Unit, name: str, initials: str, *phones: str,
           kind: str = "owner", active: bool = True) -> Owner:
    owner = Owner.create(office=so.office, unit=unit, name=name, pinyin_initials=initials,
                         kind=kind, active=active, created_at=now_utc())
    for phone in phones:
        OwnerPhone.create(owner=owner, phone=phone)
    return owner


@pytest.fixture
def roster(desk_db) -> Roster:
    so = small_office()  # 张三 of 3-2-501, 13812345678
    other = small_office("另一个管理处")  # its own 张三 of 3-2-501, 13812345678
    with changes.write():
        u502 = _unit(so, "3-2-502")
        u1001 = _unit(so, "3-2-1001")
        u3_1 = _unit(so, "3-1-501")
        u13 = _unit(so, "13-2-501")
        u30 = _unit(so, "30-1-101")
        _owner(so, u502, "张石", "zs", "13900001381", "02787654321")
        _owner(so, u3_1, "张思远", "zsy", "15000002222")
        _owner(so, u1001, "李四", "ls", "13700003333", kind="tenant")
        _owner(so, u13, "王小明", "wxm", "18600004444")
        _owner(so, u30, "小王", "xw", "18600005555")
        _owner(so, so.unit, "张山", "zs", "13600006666", active=False)  # moved out
        _owner(so, u1001, "John Smith", "js", "13100007777")
        _owner(so, u30, "Ann_Lee", "al", "13100008888")
        _owner(so, so.unit, "张三丰", "zsf", "13100009999")  # 3-2-501, like 张三
    ids = {name: oid for oid, name in
           Owner.select(Owner.id, Owner.name).where(Owner.office == so.office).tuples()}
    return Roster(so, other, ids)


def names(hits: list[OwnerHit]) -> list[str]:
    return [h.name for h in hits]


# --- reading the query ------------------------------------------------------------------------

@pytest.mark.parametrize("typed, code, complete", [
    ("3-2-501", "3-2-501", False),
    ("3/2/501", "3-2-501", False),
    ("3 2 501", "3-2-501", False),
    ("3栋2单元501", "3-2-501", False),
    ("3号楼2单元501室", "3-2-501", False),
    ("3幢2单元501号", "3-2-501", False),
    ("3-2", "3-2", False),
    ("3-2-", "3-2", True),
    ("3栋2单元", "3-2", True),
    ("3栋", "3", True),
    ("3", "3", False),
    ("13", "13", False),
    ("1381-234", "1381-234", False),
])
def test_unit_codes_are_read_in_every_way_a_clerk_writes_them(typed, code, complete):
    uq = unit_query(typed)
    assert uq is not None and (uq.code, uq.complete) == (code, complete)


@pytest.mark.parametrize("typed", ["1381", "13812345678", "138 1234 5678", "138-1234-5678",
                                   "张三", "zs", "", "-3-2", "3--2", "3-2-501-7", "%"])
def test_other_text_is_not_a_unit_code(typed):
    assert unit_query(typed) is None


@pytest.mark.parametrize("typed, digits", [
    ("1381", "1381"), ("138 1234 5678", "13812345678"), ("027-8765 4321", "02787654321"),
    ("+86 138 1234 5678", "13812345678"), ("0086 13812345678", "13812345678"),
    ("(027) 87654321", "02787654321"),
])
def test_phone_queries(typed, digits):
    assert phone_digits(typed) == digits


@pytest.mark.parametrize("typed", ["138", "zs", "1381a", "张1381", ""])
def test_not_phone_queries(typed):
    assert phone_digits(typed) is None


# --- each kind of query -----------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["3-2-501", "3/2/501", "3 2 501", "3栋2单元501",
                                   "3号楼2单元501室", "３－２－５０１", "３栋２单元５０１", " 3-2-501 "])
def test_a_unit_code_finds_its_owners_moved_out_last(roster, typed):
    hits = find_owners(roster.so.office, typed)
    assert names(hits) == ["张三", "张三丰", "张山"]
    first = hits[0]
    assert first == OwnerHit(owner_id=roster.ids["张三"], name="张三", kind="owner",
                             unit_id=roster.so.unit.id, unit_code="3-2-501",
                             phones=("13812345678",), matched="unit", active=True)
    assert hits[-1].active is False


def test_a_partial_unit_code_finds_the_units_it_begins_in_natural_order(roster):
    # Entrance 2 of building 3: 501 before 502 before 1001; the moved-out owner last.
    assert names(find_owners(roster.so.office, "3-2")) == [
        "张三", "张三丰", "张石", "John Smith", "李四", "张山"]
    assert names(find_owners(roster.so.office, "3-2-5")) == ["张三", "张三丰", "张石", "张山"]


def test_a_building_number_puts_that_building_before_the_ones_it_begins(roster):
    # "3": building 3 whole (3-1-..., 3-2-...), then 30-1-101; never 13-2-501.
    assert names(find_owners(roster.so.office, "3")) == [
        "张思远", "张三", "张三丰", "张石", "John Smith", "李四", "Ann_Lee", "小王", "张山"]
    # "3栋" is building 3 only.
    assert names(find_owners(roster.so.office, "3栋")) == [
        "张思远", "张三", "张三丰", "张石", "John Smith", "李四", "张山"]


def test_phone_digits_find_the_number_best_match_first(roster):
    office = roster.so.office
    hits = find_owners(office, "13812345678")
    assert names(hits) == ["张三"] and hits[0].matched == "phone"
    # 1381: 13900001381 ends with it (1), 13812345678 only contains it (2).
    assert names(find_owners(office, "1381")) == ["张石", "张三"]
    assert names(find_owners(office, "5678")) == ["张三"]
    assert names(find_owners(office, "138 1234 5678")) == ["张三"]
    assert names(find_owners(office, "+86 138-1234-5678")) == ["张三"]
    assert names(find_owners(office, "027-87654321")) == ["张石"]


def test_each_hit_carries_all_its_phones_in_the_order_they_were_recorded(roster):
    (hit,) = find_owners(roster.so.office, "02787654321")
    assert hit.phones == ("13900001381", "02787654321")


def test_pinyin_initials_find_chinese_names_exact_initials_first(roster):
    office = roster.so.office
    hits = find_owners(office, "zs")
    # zs: 张三 (3-2-501), 张石 (3-2-502); then zsy 张思远 (3-1-501), zsf 张三丰 (3-2-501);
    # the moved-out 张山 last.
    assert names(hits) == ["张三", "张石", "张思远", "张三丰", "张山"]
    assert {h.matched for h in hits} == {"initials"}
    assert names(find_owners(office, "ZS")) == names(hits)
    assert names(find_owners(office, "ｚｓ")) == names(hits)
    assert names(find_owners(office, "zsy")) == ["张思远"]


def test_latin_letters_also_find_latin_names_after_initials(roster):
    office = roster.so.office
    hits = find_owners(office, "js")
    assert names(hits) == ["John Smith"] and hits[0].matched == "initials"
    hits = find_owners(office, "smith")
    assert names(hits) == ["John Smith"] and hits[0].matched == "name"
    assert names(find_owners(office, "John Smith")) == ["John Smith"]
    assert names(find_owners(office, "SMITH")) == ["John Smith"]


def test_chinese_text_finds_names_beginning_with_it_then_containing_it(roster):
    office = roster.so.office
    hits = find_owners(office, "王")
    assert names(hits) == ["王小明", "小王"] and {h.matched for h in hits} == {"name"}
    assert names(find_owners(office, "王小")) == ["王小明"]
    # The name itself before the names it begins.
    assert names(find_owners(office, "张三")) == ["张三", "张三丰"]
    assert names(find_owners(office, "张 三")) == ["张三", "张三丰"]
    assert names(find_owners(office, "三丰")) == ["张三丰"]
    # All begin with 张: by unit (3-1-501, 3-2-501, 3-2-502), the moved-out one last.
    assert names(find_owners(office, "张")) == ["张思远", "张三", "张三丰", "张石", "张山"]


def test_tenants_are_found_and_said_to_be_tenants(roster):
    (hit,) = find_owners(roster.so.office, "李四")
    assert hit.kind == "tenant" and hit.unit_code == "3-2-1001"


# --- scope, limit, literal text ---------------------------------------------------------------

@pytest.mark.parametrize("typed", ["3-2-501", "3-2", "3", "13812345678", "1381", "zs", "张三",
                                   "张", "3栋2单元501"])
def test_another_offices_owners_are_never_found(roster, typed):
    theirs = {oid for (oid,) in Owner.select(Owner.id)
              .where(Owner.office == roster.other.office).tuples()}
    hits = find_owners(roster.so.office, typed, limit=100)
    assert hits and not theirs & {h.owner_id for h in hits}
    # ...and the other office finds only its own 张三.
    other_hits = find_owners(roster.other.office.id, typed, limit=100)
    assert {h.owner_id for h in other_hits} <= theirs


def test_at_most_limit_hits_and_they_are_the_best_ones(roster):
    office = roster.so.office
    everyone = find_owners(office, "3", limit=100)
    assert len(everyone) == 9
    for limit in (1, 2, 5, 9):
        assert find_owners(office, "3", limit=limit) == everyone[:limit]
    assert find_owners(office, "3", limit=0) == []
    assert find_owners(office, "3", limit=-1) == []


@pytest.mark.parametrize("typed", ["%", "%%", "%张%", "__", "\\", "\\%", "*", "'", "' OR 1=1 --",
                                   "[red]张三[/red]", "\x1b[31m", "\x00", "张\x00三"])
def test_like_wildcards_and_markup_match_only_themselves(roster, typed):
    hits = find_owners(roster.so.office, typed)
    if typed == "张\x00三":  # control characters are dropped: 张三 is still found
        assert names(hits) == ["张三", "张三丰"]
    else:
        assert hits == []


def test_an_underscore_matches_only_a_real_underscore(roster):
    assert names(find_owners(roster.so.office, "_")) == ["Ann_Lee"]
    assert names(find_owners(roster.so.office, "n_L")) == ["Ann_Lee"]
    assert find_owners(roster.so.office, "n%L") == []


@pytest.mark.parametrize("typed", ["", " ", "\t\n", "\u3000", "\u200b"])
def test_an_empty_query_finds_nobody(roster, typed):
    assert find_owners(roster.so.office, typed) == []


def test_a_ten_thousand_character_paste_finds_nobody(roster):
    assert find_owners(roster.so.office, "张" * 10_000) == []
    assert find_owners(roster.so.office, "3" * 10_000) == []
    assert find_owners(roster.so.office, "%" * 10_000) == []


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=300) | st.from_regex(r"[0-9 \-/栋单元室号楼]{0,20}", fullmatch=True)
       | st.text(alphabet="zsw张三王%_\\ -0123456789", max_size=12))
@example(typed="\ud800")
@example(typed="3-2-501\x00")
@example(typed="０" * 300)
def test_any_text_gives_a_list_of_hits_of_this_office(roster, typed):
    hits = find_owners(roster.so.office, typed)
    assert isinstance(hits, list) and len(hits) <= 20
    assert all(isinstance(h, OwnerHit) and h.owner_id in roster.ids.values() for h in hits)
    assert all(h.matched in ("unit", "phone", "name", "initials") for h in hits)
