"""Signing in at the desk, on SQLite and PostgreSQL: who may, what a wrong PIN costs, and
that a refusal writes nothing but its own change-log row.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskterm.clock import now_utc
from deskterm.db.models import MODELS, AttendanceEvent, ChangeLog, Office, Staff
from deskterm.duties.desk import DeskPerson, desk_office, desk_people, sign_in
from deskterm.duties.pin_checks import LOCKOUT_MINUTES, MAX_FAILURES
from deskterm.duties.pins import hash_pin
from deskterm.errors import DutyError, SetupError

START = dt.datetime(2026, 11, 26, 0, 20)  # 08:20 in Shanghai, sign-in time

# One hash for the whole module: scrypt costs ~50-90 ms a time.
PIN_1234 = hash_pin("1234")
PIN_8765 = hash_pin("8765")


@pytest.fixture
def desk(desk_db, frozen_clock):
    frozen_clock(START)
    office = Office.create(name="翠苑管理处", created_at=now_utc())
    other = Office.create(name="西湖管理处", created_at=now_utc())

    def person(name, role="clerk", pin=PIN_1234, office=office, active=True):
        return Staff.create(office=office, name=name, role=role, pin_hash=pin,
                            active=active, created_at=now_utc())

    people = {
        "clerk": person("王芳"),
        "clerk2": person("李明", pin=PIN_8765),
        "supervisor": person("张强", role="supervisor"),
        "manager": person("赵敏", role="manager"),
        "night": person("陈夜", role="night"),
        "technician": person("刘师傅", role="technician"),
        "cs": person("周客服", role="cs_supervisor"),
        "gone": person("孙离职", active=False),
        "no_pin": person("吴无码", pin=""),
        "elsewhere": person("钱外处", office=other),
    }
    return office, people


def row_counts() -> dict[str, int]:
    return {model._meta.table_name: model.select().count() for model in MODELS}


def refusal(office, staff, pin) -> DutyError:
    with pytest.raises(DutyError) as caught:
        sign_in(office, staff.id, pin)
    return caught.value


def test_the_right_pin_signs_in_and_is_recorded(desk):
    office, people = desk
    clerk = people["clerk"]
    assert sign_in(office, clerk.id, "1234").id == clerk.id
    event = AttendanceEvent.get()
    assert (event.office_id, event.staff_id, event.recorded_by_id) == (office.id, clerk.id, clerk.id)
    assert (event.kind, event.slot, event.at) == ("sign_in", "desk", START)
    log = [(c.topic, c.row_id, c.action, c.staff_id, c.office_id) for c in
           ChangeLog.select().order_by(ChangeLog.id)]
    assert log == [
        ("staff", clerk.id, "sign_in", clerk.id, office.id),
        ("attendance_event", event.id, "create", clerk.id, office.id),
    ]


def test_full_width_pin_digits_work(desk):
    office, people = desk
    sign_in(office, people["clerk"].id, "１２３４")
    assert AttendanceEvent.select().count() == 1


def test_a_wrong_pin_is_counted_and_writes_only_its_refusal(desk):
    office, people = desk
    clerk = people["clerk"]
    before = row_counts()
    error = refusal(office, clerk, "9999")
    assert error.field == "pin"
    assert f"(1 of {MAX_FAILURES} tries)" in error.message
    after = row_counts()
    log = ChangeLog._meta.table_name
    assert after.pop(log) == before.pop(log) + 1
    assert after == before  # no attendance event, nothing else
    row = ChangeLog.get()
    assert (row.topic, row.row_id, row.action, row.staff_id, row.office_id) == (
        "staff", clerk.id, "pin_refused", clerk.id, office.id)
    assert "(2 of 5 tries)" in refusal(office, clerk, "0000").message


def test_another_persons_pin_is_a_wrong_pin(desk):
    office, people = desk
    assert refusal(office, people["clerk"], "8765").field == "pin"
    sign_in(office, people["clerk2"].id, "8765")


# Loops rather than parametrize in these: each PostgreSQL case costs a database (~1 s).
def test_a_pin_of_the_wrong_shape_is_refused_without_writing(desk):
    office, people = desk
    before = row_counts()
    for pin in ("", "12", "abcd", "123456789", "[red]1234[/red]", "\x1b[31m", "1234\x00"):
        assert refusal(office, people["clerk"], pin).field == "pin"
    assert row_counts() == before  # not a guess at the PIN: not counted either


def lock_out(office, staff):
    for attempt in range(1, MAX_FAILURES + 1):
        error = refusal(office, staff, "9999")
        assert f"({attempt} of {MAX_FAILURES} tries)" in error.message


def test_five_wrong_pins_lock_out_even_the_right_one(desk, frozen_clock):
    office, people = desk
    clerk = people["clerk"]
    lock_out(office, clerk)
    before = row_counts()
    error = refusal(office, clerk, "1234")
    assert error.field == "pin"
    assert f"try again in {LOCKOUT_MINUTES} min" in error.message
    assert row_counts() == before  # a try while locked out changes nothing
    frozen_clock(START + dt.timedelta(minutes=LOCKOUT_MINUTES - 1))
    assert "try again in 1 min" in refusal(office, clerk, "1234").message
    assert AttendanceEvent.select().count() == 0
    # Someone else at the same desk is not locked out.
    sign_in(office, people["clerk2"].id, "8765")
    frozen_clock(START + dt.timedelta(minutes=LOCKOUT_MINUTES))
    sign_in(office, clerk.id, "1234")
    assert AttendanceEvent.select().where(AttendanceEvent.staff == clerk).count() == 1
    # A good PIN starts the count again.
    assert f"(1 of {MAX_FAILURES} tries)" in refusal(office, clerk, "9999").message


def test_after_a_lockout_one_try_per_wait_until_a_good_pin(desk, frozen_clock):
    office, people = desk
    clerk = people["clerk"]
    lock_out(office, clerk)
    later = START + dt.timedelta(minutes=LOCKOUT_MINUTES, seconds=1)
    frozen_clock(later)
    error = refusal(office, clerk, "9999")  # the one try: wrong again
    assert error.field == "pin"
    assert f"try again in {LOCKOUT_MINUTES} min" in error.message  # not "(6 of 5 tries)"
    assert ChangeLog.select().where(ChangeLog.action == "pin_refused").count() == MAX_FAILURES + 1
    frozen_clock(later + dt.timedelta(minutes=LOCKOUT_MINUTES - 1))
    assert "try again in 1 min" in refusal(office, clerk, "1234").message
    frozen_clock(later + dt.timedelta(minutes=LOCKOUT_MINUTES))
    sign_in(office, clerk.id, "1234")
    assert f"(1 of {MAX_FAILURES} tries)" in refusal(office, clerk, "9999").message


def test_the_count_holds_across_terminals(desk):
    # The failures are change-log rows, so a fresh look-up (another clerk's terminal,
    # a restart) sees the same count: nothing is kept in memory.
    office, people = desk
    refusal(office, people["clerk"], "9999")
    fresh_office = Office.get_by_id(office.id)
    assert "(2 of 5 tries)" in refusal(fresh_office, people["clerk"], "9999").message


def test_old_failures_are_forgotten(desk, frozen_clock):
    office, people = desk
    for _ in range(MAX_FAILURES - 1):
        refusal(office, people["clerk"], "9999")
    frozen_clock(START + dt.timedelta(hours=13))
    assert "(1 of 5 tries)" in refusal(office, people["clerk"], "9999").message


def test_who_may_not_sign_in_at_the_desk(desk):
    office, people = desk
    before = row_counts()
    for who in ("technician", "cs", "gone"):
        assert refusal(office, people[who], "1234").field == "staff"
    assert row_counts() == before


def test_staff_of_another_office_cannot_sign_in_here(desk):
    office, people = desk
    before = row_counts()
    assert refusal(office, people["elsewhere"], "1234").field == "staff"
    assert row_counts() == before
    other = Office.get(Office.name == "西湖管理处")
    sign_in(other, people["elsewhere"].id, "1234")


def test_nobody_by_that_id(desk):
    office, _people = desk
    for staff_id in (0, -1, 10**9):
        with pytest.raises(DutyError) as caught:
            sign_in(office, staff_id, "1234")
        assert caught.value.field == "staff"


def test_no_pin_set_cannot_sign_in(desk):
    office, people = desk
    error = refusal(office, people["no_pin"], "1234")
    assert error.field == "pin"
    assert AttendanceEvent.select().count() == 0


def test_desk_people_by_role_then_name_without_technicians(desk):
    office, people = desk
    listed = desk_people(office)
    assert all(isinstance(p, DeskPerson) for p in listed)
    assert [p.role for p in listed] == ["clerk", "clerk", "clerk", "supervisor", "manager", "night"]
    clerks = [p.name for p in listed if p.role == "clerk"]
    assert clerks == sorted(clerks)
    names = {p.name for p in listed}
    assert not names & {"刘师傅", "周客服", "孙离职", "钱外处"}
    assert {p.id for p in listed} <= {s.id for s in people.values()}


def test_desk_office(desk):
    office, _people = desk
    assert desk_office().id == office.id  # the first one
    other = Office.get(Office.name == "西湖管理处")
    assert desk_office(other.id).id == other.id
    with pytest.raises(SetupError, match="no office 999"):
        desk_office(999)


def test_desk_office_with_no_office(desk_db):
    with pytest.raises(SetupError, match="no office yet"):
        desk_office()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(pin=st.text(max_size=20))
def test_any_typed_pin_is_a_sign_in_or_a_duty_error(desk, pin):
    office, people = desk
    clerk = people["clerk2"]
    events = AttendanceEvent.select().count()
    try:
        sign_in(office, clerk.id, pin)
    except DutyError as exc:
        assert exc.field == "pin"
        assert AttendanceEvent.select().count() == events
    else:
        assert AttendanceEvent.select().count() == events + 1
