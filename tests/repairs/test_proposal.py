"""The technician call intake proposes (deskterm.duties.repairs.proposal), the category a
request's words name and the place a text names (intake_words), on SQLite and PostgreSQL
where the database is read."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Place, Staff
from deskterm.duties.repairs import proposal
from deskterm.duties.repairs.intake_words import place_named, suggest_category
from tests.factories import order, small_office

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai
H = dt.timedelta(hours=1)


def _local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """Shanghai wall time on November ``day`` as naive UTC."""
    return dt.datetime(2026, 11, day, hour, minute) - 8 * H


def _technician(so, name: str, skills: str) -> Staff:
    with changes.write():
        return Staff.create(office=so.office, name=name, role="technician", skills=skills,
                            created_at=now_utc())


def _book_day(so, tech: Staff, day: int) -> None:
    """Every working hour of the day taken: 08:30 … 11:00, 13:30 … 16:30."""
    for hour, minute in ((8, 30), (9, 30), (10, 30), (13, 30), (14, 30), (15, 30), (16, 30)):
        order(so, appointment=_local(day, hour, minute), technician=tech)
    order(so, appointment=_local(day, 11, 0), technician=tech)


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    with changes.write():
        Staff.update(skills="water").where(Staff.id == so.technician.id).execute()
    return so


def test_the_plumber_free_today_before_the_plumber_free_tomorrow(office):
    busy_plumber = office.technician  # 张强, water: today is full
    _book_day(office, busy_plumber, 26)
    free_plumber = _technician(office, "赵水", "water,gas")
    order(office, appointment=_local(26, 10, 30), technician=free_plumber)
    electrician = _technician(office, "王建军", "electricity,lift")  # free now: not a plumber
    anyone = _technician(office, "吴刚", "")  # takes any repair, busy until the afternoon
    for hour in (10, 11):
        order(office, appointment=_local(26, hour, 30 if hour == 10 else 0), technician=anyone)
    # 赵水 after his 10:30 job and 吴刚 after his morning are both free at 13:30: the
    # plumber by skill is proposed, today, before 张强 tomorrow.
    found = proposal.propose(office.office, "water", now_utc())
    assert (found.technician, found.at) == (free_plumber.id, _local(26, 13, 30))
    assert found.name == "赵水"
    # 张强's own next free time, when the clerk chose him: tomorrow's first slot.
    own = proposal.propose(office.office, "water", now_utc(), technician=busy_plumber.id)
    assert (own.technician, own.at) == (busy_plumber.id, _local(27, 8, 30))
    # The electrician is free at once, for electricity; for lifts too.
    assert proposal.propose(office.office, "electricity", now_utc()).technician == \
        electrician.id
    # Nobody takes "other" by skill: 吴刚 (any repair) does, after his morning.
    other = proposal.propose(office.office, "other", now_utc())
    assert (other.technician, other.at) == (anyone.id, _local(26, 13, 30))


def test_at_the_same_time_the_one_who_takes_it_by_skill_comes_first(office):
    anyone = _technician(office, "吴刚", "")  # by name 吴 sorts before 张
    found = proposal.propose(office.office, "water", now_utc())
    assert (found.technician, found.at) == (office.technician.id, _local(26, 10, 30))
    assert proposal.propose(office.office, "lift", now_utc()).technician == anyone.id


def test_when_nobody_takes_the_category_every_technician_may(office):
    found = proposal.propose(office.office, "lift", now_utc())
    assert found.technician == office.technician.id  # 张强 (water) is all there is
    with changes.write():
        Staff.update(active=False).where(Staff.id == office.technician.id).execute()
    assert proposal.propose(office.office, "water", now_utc()) is None


def test_busy_answer_names_another_suitable_technician(office):
    plumber = office.technician
    order(office, appointment=_local(26, 14), technician=plumber, building=office.building)
    other = _technician(office, "赵水", "water")
    asked = _local(26, 14)
    offer = proposal.busy_offer(office.office, "water", plumber.id, asked)
    assert (offer.technician, offer.at, offer.busy_where) == (other.id, asked, "3栋")
    # With the other plumber busy too, the first time either is free; his own first.
    order(office, appointment=_local(26, 14), technician=other)
    offer = proposal.busy_offer(office.office, "water", plumber.id, asked)
    assert (offer.technician, offer.at) == (plumber.id, _local(26, 15))
    order(office, appointment=_local(26, 15), technician=plumber)
    offer = proposal.busy_offer(office.office, "water", plumber.id, asked)
    assert (offer.technician, offer.at) == (other.id, _local(26, 15))
    # Free then: no offer.
    assert proposal.busy_offer(office.office, "water", plumber.id, _local(26, 16, 30)) is None


def test_busy_answer_at_a_public_place_names_the_place(office):
    with changes.write():
        gate = Place.create(office=office.office, district=office.district, name="东门道闸")
    order(office, appointment=_local(26, 14), unit=None, building=None, place=gate,
          is_public=True)
    offer = proposal.busy_offer(office.office, "water", office.technician.id, _local(26, 14))
    assert offer.busy_where == "东门道闸"


@pytest.mark.parametrize(("request_text", "category"), [
    ("厨房水龙头漏水", "water"), ("马桶堵了", "water"), ("下水道反味", "water"),
    ("家里跳闸了", "electricity"), ("插座没电", "electricity"), ("客厅灯不亮", "electricity"),
    ("门锁坏了", "doors_locks"), ("钥匙断在锁里", "doors_locks"),
    ("电梯困人", "lift"), ("有燃气味", "gas"), ("煤气灶打不着", "gas"),
    ("楼上渗水", "walls_roof"), ("顶楼天花板漏水", "walls_roof"), ("屋顶漏水", "walls_roof"),
    ("墙皮脱落", "walls_roof"),
    ("5栋楼道灯不亮", "public_area"), ("路灯坏了", "public_area"),
    ("东门道闸抬杆故障", "public_area"), ("地下车库积水", "public_area"),
    ("the kitchen tap is leaking", "water"), ("Power tripped", "electricity"),
    ("lock broken", "doors_locks"), ("LIFT stuck, someone trapped", "lift"),
    ("smell of gas", "gas"), ("crack in the ceiling", "walls_roof"),
    ("street light out", "public_area"), ("the east gate barrier", "public_area"),
])
def test_the_category_from_the_request_words(request_text, category):
    assert suggest_category(request_text) == category


@pytest.mark.parametrize("request_text", ["", "   ", "业主来电反映楼上噪音", "晾衣架升降不了",
                                          "investigate", "a keystone"])
def test_no_category_without_its_words(request_text):
    assert suggest_category(request_text) is None


PLACES = [(1, "东门道闸"), (2, "会所"), (3, "西门岗亭"), (4, "3号路"), (5, "南区地下车库")]


@pytest.mark.parametrize(("text", "place"), [
    ("东门道闸", 1), ("东门", 1), ("道闸", 1), ("会所", 2), ("3号路", 4), ("车库", 5),
    ("地下车库", 5), ("东门道闸抬杆故障，已改为手动开启", 1), (" 东门 ", 1),
    ("门", None),  # 东门 and 西门: which?
    ("3", None), ("3-2-501", None), ("3号", None), ("13812345678", None),
    ("张三", None), ("", None),
])
def test_the_place_a_text_names(text, place):
    assert place_named(text, PLACES) == place


def test_the_scripts_of_an_order_at_a_place_never_say_your_home():
    from deskterm.widgets.phone_scripts import ScriptValues, script_lines

    now = dt.datetime(2026, 11, 26, 2, 5)
    values = ScriptValues(office="翠湖管理处", caller_name="Wang", unit="东门",
                          appointment=now + H, busy_building="3栋", offered=now + 3 * H,
                          place="东门道闸")
    said = dict(script_lines(values, "Asia/Shanghai", now))
    assert "address: 东门道闸;" in said["Read back"]
    assert "working at 3栋 just now; we can be at 东门道闸 at about 13:05" in said["Busy"]
    assert said["Close"].startswith("We will send a technician to 东门道闸 at the agreed time")
    assert "home" not in " ".join(said.values())
    home = dict(script_lines(ScriptValues(office="翠湖管理处", unit="3-2-501"),
                             "Asia/Shanghai", now))
    assert "address: 3-2-501;" in home["Read back"]
    assert home["Close"].startswith("We will come to your home")


def test_a_public_repair_by_phone_needs_no_phone_an_enquiry_does(office):
    from deskterm.db.models import RepairOrder, ServiceEntry
    from deskterm.duties.orders import register_call
    from deskterm.errors import DutyError

    with changes.write():
        gate = Place.create(office=office.office, district=office.district, name="东门道闸")
    _entry, row = register_call(office.office, office.clerk, channel="phone", kind="repair",
                                caller_name="保安王", phone="", request="道闸抬杆故障",
                                place=gate.id, category="public_area")
    assert (row.place_id, row.reporter_phone, row.unit_id) == (gate.id, "", None)
    before = (ServiceEntry.select().count(), RepairOrder.select().count())
    for kind, extra in (("enquiry", {}), ("repair", {"unit": office.unit.id})):
        with pytest.raises(DutyError) as caught:
            register_call(office.office, office.clerk, channel="phone", kind=kind,
                          caller_name="张三", phone="", request="问一下", **extra)
        assert caught.value.field == "phone"
    assert (ServiceEntry.select().count(), RepairOrder.select().count()) == before
