"""The service register search and a unit's history (deskterm.duties.repairs.register,
deskterm.duties.repairs.unit_history) [7.4.1]-[7.4.5], at 10:05 in Shanghai on SQLite and PostgreSQL:
what each kind of text finds, days, states, the office's walls, and text that finds nothing
or is not text at all."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deskterm.db import changes
from deskterm.db.models import (
    Building,
    Callback,
    Complaint,
    Owner,
    OwnerPhone,
    ServiceEntry,
    Unit,
    Visit,
)
from deskterm.duties.repairs.register import (
    RegisterResult,
    parse_register_date,
    search_register,
)
from deskterm.duties.repairs.unit_history import unit_history
from deskterm.errors import DutyError
from tests.factories import MORNING, SmallOffice, order, small_office

TZ = "Asia/Shanghai"
NOW = dt.datetime(2026, 11, 26, 2, 5)  # MORNING: 10:05 on 11-26 in Shanghai


def entry(so: SmallOffice, at: str, request: str, *, unit=None, caller: str = "张三",
          phone: str = "13812345678", completed: bool = False, kind: str = "repair",
          owner=None) -> ServiceEntry:
    moment = dt.datetime.fromisoformat(at)
    with changes.write():
        row = ServiceEntry.create(
            office=so.office, at=moment, channel="phone", kind=kind, caller_name=caller,
            unit=unit, owner=owner, phone=phone, request=request, recorded_by=so.clerk,
            completed_at=moment + dt.timedelta(hours=1) if completed else None)
        changes.record("service_entry", row.id, "create", office=so.office)
    return row


def add_unit(so: SmallOffice, code: str, building: Building | None = None) -> Unit:
    b, e, r = code.split("-")
    with changes.write():
        if building is None:
            building = Building.get_or_none((Building.office == so.office)
                                            & (Building.code == b))
        if building is None:
            building = Building.create(office=so.office, district=so.district, code=b,
                                       name=f"{b}栋")
        return Unit.create(office=so.office, building=building, entrance=e, room=r, code=code,
                           area_centi_m2=7000)


def add_owner(so: SmallOffice, unit: Unit, name: str, initials: str, phone: str,
              kind: str = "owner") -> Owner:
    with changes.write():
        owner = Owner.create(office=so.office, unit=unit, name=name, pinyin_initials=initials,
                             kind=kind, created_at=NOW)
        OwnerPhone.create(owner=owner, phone=phone)
    return owner


def make_register():
    """Lines over four days at three units (and one without a unit), and another office
    with a unit of the very same code (the clock frozen at MORNING)."""
    so = small_office()
    other = small_office("另一个管理处")
    u502 = add_unit(so, "3-2-502")
    u1201 = add_unit(so, "12-1-1201")
    u31 = add_unit(so, "31-1-101")
    wang = add_owner(so, u1201, "王小明", "wxm", "02787654321")
    add_owner(so, u502, "李四", "ls", "13900001111", kind="tenant")
    lines = {
        "now": entry(so, "2026-11-26T02:00:00", "厨房水龙头漏水", unit=so.unit),  # 11-26 10:00
        "midnight": entry(so, "2026-11-25T16:00:00", "零点的电话", unit=u502, caller="李四",
                          phone="13900001111"),  # 11-26 00:00
        "late": entry(so, "2026-11-25T15:59:00", "[red]楼道灯[/red]不亮", caller="路人甲",
                      phone="", completed=True),  # 11-25 23:59, no unit
        "wang": entry(so, "2026-11-24T03:00:00", "咨询物业费", unit=u1201, caller="王太太",
                      phone="13700002222", kind="enquiry", completed=True, owner=wang),
        "b31": entry(so, "2026-11-23T03:00:00", "31栋的门", unit=u31, caller="赵六",
                     phone="13600003333"),
        "elsewhere": entry(other, "2026-11-26T01:00:00", "别处的", unit=other.unit),
    }
    repair = order(so, state="dispatched", text="厨房水龙头漏水", service_entry=lines["now"])
    return so, other, lines, repair, {"3-2-502": u502, "12-1-1201": u1201, "31-1-101": u31}


@pytest.fixture
def reg(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return make_register()


def ids(result: RegisterResult) -> list[int]:
    return [row.entry_id for row in result.rows]


# --- what the box finds ---------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["3-2-501", "3栋2单元501", "3号楼2单元501室", "３－２－５０１",
                                   " 3/2/501 "])
def test_a_unit_code_finds_that_units_lines(reg, typed):
    so, _other, lines, repair, _units = reg
    found = search_register(so.office, text=typed)
    assert ids(found) == [lines["now"].id] and found.count == 1 and not found.more
    row = found.rows[0]
    assert (row.unit_code, row.unit_id, row.caller_name, row.phone, row.request) == (
        "3-2-501", so.unit.id, "张三", "13812345678", "厨房水龙头漏水")
    assert (row.order_id, row.order_number, row.order_state) == (
        repair.id, repair.number, "dispatched")
    assert (row.kind, row.channel, row.completed) == ("repair", "phone", False)


def test_the_start_of_a_code_finds_whole_buildings_and_entrances(reg):
    so, _other, lines, _repair, _units = reg
    by_unit = [lines["now"].id, lines["midnight"].id]
    assert ids(search_register(so.office, text="3")) == by_unit  # not building 31
    assert ids(search_register(so.office, text="3栋")) == by_unit
    assert ids(search_register(so.office, text="3-2")) == by_unit
    assert ids(search_register(so.office, text="3-2-50")) == by_unit  # a room begun
    assert ids(search_register(so.office, text="31")) == [lines["b31"].id]
    assert ids(search_register(so.office, text="12-1-1201")) == [lines["wang"].id]


@pytest.mark.parametrize("typed", ["5678", "138 1234 5678", "138-1234-5678", "+86 13812345678"])
def test_phone_digits_find_lines_with_that_phone(reg, typed):
    so, _other, lines, _repair, _units = reg
    assert ids(search_register(so.office, text=typed)) == [lines["now"].id]


def test_a_roster_phone_finds_its_owners_lines_whatever_phone_they_gave(reg):
    so, _other, lines, _repair, _units = reg
    # 王小明's roster phone; 王太太 called from another one on his behalf.
    assert ids(search_register(so.office, text="027-8765 4321")) == [lines["wang"].id]
    assert ids(search_register(so.office, text="0000 2222")) == [lines["wang"].id]


def test_names_find_callers_and_the_units_of_roster_owners(reg):
    so, _other, lines, _repair, _units = reg
    assert ids(search_register(so.office, text="路人")) == [lines["late"].id]
    # 王 is the caller 王太太 and the roster's 王小明 of the same unit: one line.
    assert ids(search_register(so.office, text="王")) == [lines["wang"].id]
    assert ids(search_register(so.office, text="王小明")) == [lines["wang"].id]
    assert ids(search_register(so.office, text="wxm")) == [lines["wang"].id]
    assert ids(search_register(so.office, text="WX")) == [lines["wang"].id]
    # 张三 owns 3-2-501: initials and name.
    assert ids(search_register(so.office, text="zs")) == [lines["now"].id]
    assert ids(search_register(so.office, text="张 三")) == [lines["now"].id]
    # A tenant is on the roster too.
    assert ids(search_register(so.office, text="ls")) == [lines["midnight"].id]


def test_an_empty_box_finds_every_line_newest_first(reg):
    so, _other, lines, _repair, _units = reg
    found = search_register(so.office)
    assert ids(found) == [lines[k].id for k in ("now", "midnight", "late", "wang", "b31")]
    assert found.rows[2].unit_code == "" and found.rows[2].unit_id is None
    assert search_register(so.office, text="   \u3000") == found


@pytest.mark.parametrize("typed", ["9-9-909", "99", "0000 0000", "没有这个人", "qqq", "%", "_",
                                   "[red]", "\\"])
def test_what_matches_nothing_finds_nothing(reg, typed):
    so, *_rest = reg
    assert search_register(so.office, text=typed) == RegisterResult(0, ())


def test_markup_is_matched_literally(reg):
    so, _other, lines, _repair, _units = reg
    assert ids(search_register(so.office, text="路人甲")) == [lines["late"].id]
    assert search_register(so.office, text="路人甲").rows[0].request == "[red]楼道灯[/red]不亮"


def test_another_offices_lines_are_never_found(reg):
    so, other, lines, _repair, _units = reg
    for typed in ("", "3-2-501", "别处", "5678", "zs"):
        assert lines["elsewhere"].id not in ids(search_register(so.office, text=typed))
    assert ids(search_register(other.office, text="3-2-501")) == [lines["elsewhere"].id]
    assert ids(search_register(other.office)) == [lines["elsewhere"].id]


# --- days, states, the limit ----------------------------------------------------------------

def test_days_are_office_local_and_inclusive(reg):
    so, _other, lines, _repair, _units = reg
    day = dt.date
    today = search_register(so.office, date_from=day(2026, 11, 26), date_to=day(2026, 11, 26))
    assert ids(today) == [lines["now"].id, lines["midnight"].id]
    yesterday = search_register(so.office, date_from=day(2026, 11, 25),
                                date_to=day(2026, 11, 25))
    assert ids(yesterday) == [lines["late"].id]  # 23:59 local, 15:59 UTC
    assert ids(search_register(so.office, date_to=day(2026, 11, 24))) == [
        lines["wang"].id, lines["b31"].id]
    assert ids(search_register(so.office, date_from=day(2026, 11, 25), text="3")) == [
        lines["now"].id, lines["midnight"].id]
    assert search_register(so.office, date_from=day(2026, 12, 1)).count == 0


def test_state_open_completed_all(reg):
    so, _other, lines, _repair, _units = reg
    assert ids(search_register(so.office, state="completed")) == [
        lines["late"].id, lines["wang"].id]
    assert ids(search_register(so.office, state="open")) == [
        lines[k].id for k in ("now", "midnight", "b31")]
    assert search_register(so.office, state="all") == search_register(so.office)
    assert ids(search_register(so.office, state="open", text="王")) == []


def test_order_state_filter(reg):
    so, _other, lines, _repair, _units = reg
    assert ids(search_register(so.office, order_state="dispatched")) == [lines["now"].id]
    assert ids(search_register(so.office, order_state="open")) == [lines["now"].id]
    assert ids(search_register(so.office, order_state="returned")) == []
    assert lines["now"].id not in ids(search_register(so.office, order_state="none"))
    assert len(ids(search_register(so.office, order_state="none"))) == 4


def test_the_limit_keeps_the_newest_and_counts_them_all(reg):
    so, _other, lines, _repair, _units = reg
    found = search_register(so.office, limit=2)
    assert ids(found) == [lines["now"].id, lines["midnight"].id]
    assert found.count == 5 and found.more
    assert search_register(so.office, limit=0) == RegisterResult(5, ())
    assert search_register(so.office, text="3", limit=1).count == 2


def test_a_phone_or_name_beyond_the_limit_keeps_the_newest_and_counts_them_all(reg):
    """Phone digits and names are found in one pass (all counted, the newest kept);
    lines of the same minute newest-recorded first, as for an empty box."""
    so, _other, lines, _repair, _units = reg
    same = [entry(so, "2026-11-24T03:00:00", f"同一分钟{n}", caller="钱七",
                  phone="13677770000") for n in range(3)]
    older = entry(so, "2026-11-23T03:00:00", "更早", caller="钱七", phone="13677770000")
    for text in ("7777", "钱七"):
        found = search_register(so.office, text=text, limit=2)
        assert ids(found) == [same[2].id, same[1].id] and found.count == 4 and found.more
        everything = search_register(so.office, text=text, limit=10)
        assert ids(everything) == [*(s.id for s in reversed(same)), older.id]
        assert search_register(so.office, text=text, limit=0) == RegisterResult(4, ())
    assert search_register(so.office, text="钱", limit=1).count == 4  # one character


# --- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field"), [
    ({"state": "closed"}, "state"),
    ({"order_state": "lost"}, "order_state"),
    ({"limit": -1}, "limit"),
    ({"limit": "10"}, "limit"),
    ({"date_from": "2026-11-01"}, "date_from"),
    ({"date_to": dt.datetime(2026, 11, 1)}, "date_to"),
    ({"date_from": dt.date(2026, 11, 2), "date_to": dt.date(2026, 11, 1)}, "date_to"),
    ({"date_from": dt.date(1, 1, 1)}, "date_from"),
    ({"date_to": dt.date(9999, 12, 31)}, "date_to"),
    ({"text": "张" * 300}, "text"),
])
def test_bad_arguments_are_refused_at_their_field(reg, kwargs, field):
    so, *_rest = reg
    with pytest.raises(DutyError) as caught:
        search_register(so.office, **kwargs)
    assert caught.value.field == field


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=300) | st.from_regex(r"[0-9 \-/栋单元室号楼+#]{0,20}", fullmatch=True)
       | st.text(alphabet="zsw张三王%_\\[] -0123456789", max_size=12))
@example(typed="\ud800")
@example(typed="3-2-501\x00")
@example(typed="０" * 300)
@example(typed="\x1b[31m3-2-501")
def test_any_text_finds_lines_of_this_office_or_is_refused(reg, typed):
    so, _other, lines, _repair, _units = reg
    mine = {lines[k].id for k in ("now", "midnight", "late", "wang", "b31")}
    try:
        found = search_register(so.office, text=typed, state="all")
    except DutyError as exc:
        assert exc.field == "text"
        return
    assert found.count == len(found.rows) and set(ids(found)) <= mine


# --- days as typed ---------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "day"), [
    ("2026-11-01", dt.date(2026, 11, 1)), ("2026/11/1", dt.date(2026, 11, 1)),
    ("2026年11月1日", dt.date(2026, 11, 1)), ("11-01", dt.date(2026, 11, 1)),
    ("11月1日", dt.date(2026, 11, 1)), ("11.1", dt.date(2026, 11, 1)),
    ("today", dt.date(2026, 11, 26)), ("Today", dt.date(2026, 11, 26)),
    ("今天", dt.date(2026, 11, 26)), ("yesterday", dt.date(2026, 11, 25)),
    ("昨天", dt.date(2026, 11, 25)), ("前天", dt.date(2026, 11, 24)),
    ("11-26", dt.date(2026, 11, 26)),
    ("12-20", dt.date(2025, 12, 20)),  # no year: the latest that is not after today
    ("2027-01-05", dt.date(2027, 1, 5)), ("２０２６－１１－０１", dt.date(2026, 11, 1)),
    ("", None), ("  ", None), (None, None),
])
def test_days_a_clerk_types(typed, day):
    assert parse_register_date(typed, tz=TZ, now=NOW) == day


def test_the_day_is_the_offices_not_utcs():
    # 23:30 UTC on 11-25 is already 11-26 in Shanghai.
    late = dt.datetime(2026, 11, 25, 23, 30)
    assert parse_register_date("today", tz=TZ, now=late) == dt.date(2026, 11, 26)


@pytest.mark.parametrize("typed", ["11-31", "2-30", "13-01", "2026-02-29", "0000-01-01",
                                   "1800-01-01", "tomorrowish", "11", "14:30", "3-2-501",
                                   "x" * 500])
def test_what_is_not_a_day_is_refused_at_its_field(typed):
    with pytest.raises(DutyError) as caught:
        parse_register_date(typed, tz=TZ, now=NOW, field="date_to")
    assert caught.value.field == "date_to" and caught.value.message


@given(st.text(max_size=40) | st.from_regex(r"[0-9]{0,4}[-/.年]?[0-9]{0,2}[-/.月]?[0-9]{0,2}日?",
                                            fullmatch=True))
def test_any_text_is_a_day_nothing_or_refused(typed):
    try:
        day = parse_register_date(typed, tz=TZ, now=NOW)
    except DutyError as exc:
        assert exc.field == "date_from"
        return
    assert day is None or (isinstance(day, dt.date) and 1900 <= day.year <= 2999)


# --- a unit's history ------------------------------------------------------------------------

def make_history(reg):
    """``make_register``'s office with a unit's worth of history at 3-2-501: last year's
    order with its callback, a complaint, two visits (one became the complaint) and a
    register line without an order."""
    so, other, lines, repair, units = reg
    now = NOW
    old = order(so, state="called_back", text="去年的漏水", registered_at=dt.datetime(2025, 6, 1),
                returned=dt.datetime(2025, 6, 2), charge=3500)
    with changes.write():
        Callback.create(office=so.office, order=old, at=dt.datetime(2025, 6, 2, 5),
                        by=so.clerk, outcome="satisfied", note="业主满意")
        complaint = Complaint.create(office=so.office, number="TS-202611-001", unit=so.unit,
                                     complainant_name="张三", phone="13812345678",
                                     description="楼上噪音", received_at=now
                                     - dt.timedelta(days=1), received_by=so.clerk,
                                     state="open")
        Visit.create(office=so.office, at=now - dt.timedelta(hours=5), visitor_name="张三",
                     unit=so.unit, phone="", purpose="来问停车", recorded_by=so.clerk)
        Visit.create(office=so.office, at=now - dt.timedelta(hours=4), visitor_name="张三",
                     unit=so.unit, purpose="投诉噪音", recorded_by=so.clerk,
                     complaint=complaint)
        Visit.create(office=other.office, at=now, visitor_name="别人", unit=other.unit,
                     purpose="别处的来访", recorded_by=other.clerk)
    # A register line without an order at the unit.
    enquiry = entry(so, "2026-11-20T02:00:00", "问物业费", unit=so.unit, kind="enquiry",
                    completed=True)
    return so, other, lines, repair, old, complaint, enquiry


@pytest.fixture
def history(reg):
    return make_history(reg)


def test_a_units_history_at_a_glance(history):
    so, _other, lines, repair, old, complaint, enquiry = history
    seen = unit_history(so.office, so.unit.id)
    assert (seen.code, seen.building, seen.district, seen.area_centi_m2) == (
        "3-2-501", "3栋", "东区", 8956)
    assert [(r.name, r.kind, r.phones) for r in seen.residents] == [
        ("张三", "owner", ("13812345678",))]
    kinds = [(i.kind, i.ref_id) for i in seen.items]
    # The order stands for its register line; the visit that became the complaint is not
    # told twice; the one that did not is.
    assert ("entry", lines["now"].id) not in kinds
    visits = [i for i in seen.items if i.kind == "visit"]
    assert [v.text for v in visits] == ["来问停车"]
    assert [i.kind for i in seen.items] == [
        "order", "visit", "complaint", "entry", "callback", "order"]
    now_order, _visit, told, line, callback, last_year = seen.items
    assert (now_order.ref_id, now_order.number, now_order.state, now_order.technician,
            now_order.order_id) == (repair.id, repair.number, "dispatched", "张强", repair.id)
    assert (told.number, told.state, told.who, told.text) == (
        "TS-202611-001", "open", "张三", "楼上噪音")
    assert (line.ref_id, line.state, line.result, line.order_id) == (
        enquiry.id, "completed", "enquiry", None)
    assert (callback.state, callback.text, callback.order_id, callback.number) == (
        "satisfied", "业主满意", old.id, old.number)
    assert (last_year.charge, last_year.result, last_year.state) == (3500, "done",
                                                                     "called_back")
    assert (seen.orders_this_year, seen.orders_total, seen.open_orders, seen.complaints) == (
        1, 2, 1, 1)
    assert not seen.more
    assert seen.items == tuple(sorted(seen.items, key=lambda i: i.at, reverse=True))


def test_history_is_bounded(history):
    so, *_rest = history
    seen = unit_history(so.office, so.unit.id, limit=2)
    assert len(seen.items) == 2 and seen.more
    assert [i.kind for i in seen.items] == ["order", "visit"]


def test_a_line_whose_order_is_public_stays_in_the_units_history(reg):
    so, _other, _lines, _repair, _units = reg
    line = entry(so, "2026-11-25T03:00:00", "楼道灯坏了", unit=so.unit)
    public = order(so, state="registered", text="楼道灯坏了", unit=None, is_public=True,
                   service_entry=line)
    seen = unit_history(so.office, so.unit.id)
    shown = [i for i in seen.items if i.kind == "entry"]
    assert [(i.ref_id, i.order_id) for i in shown] == [(line.id, public.id)]


def test_an_empty_unit_and_units_of_other_offices(reg):
    so, other, _lines, _repair, units = reg
    quiet = unit_history(so.office, units["31-1-101"].id)
    assert [i.kind for i in quiet.items] == ["entry"] and quiet.residents == ()
    assert (quiet.orders_this_year, quiet.open_orders, quiet.complaints) == (0, 0, 0)
    assert unit_history(so.office, other.unit.id) is None
    assert unit_history(other.office, so.unit.id) is None
    assert unit_history(so.office, 10_000_000) is None
    assert unit_history(so.office, None) is None
    assert unit_history(so.office, "1") is None
