"""The night log (deskterm.duties.shift.night_log) [7.3]: night staff write what happened; the
handover lists what was written since the last one. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from peewee import DatabaseError, IntegrityError

from deskterm.clock import local
from deskterm.db import changes
from deskterm.db.models import Handover, HandoverItem, NightLogEntry, Office, Staff
from deskterm.duties.shift import night_log
from deskterm.errors import DutyError
from tests.factories import _pin_hash, small_office
from tests.repairs.test_orders import log_of, refused

#: 03:00 on Thursday 26 November in Shanghai: the middle of the night.
NIGHT = "2026-11-25T19:00:00"
TZ = "Asia/Shanghai"


def night_staff(so, name: str = "孙大伟", *, active: bool = True) -> Staff:
    with changes.write():
        return Staff.create(office=so.office, name=name, role="night", active=active,
                            pin_hash=_pin_hash(), created_at=so.office.created_at)


def write(so, who, **fields) -> NightLogEntry:
    values = dict(at="2:10", what="东门道闸抬杆故障，已改为手动开启", where="东门",
                  needs_action=True)
    values.update(fields)
    return night_log.write_entry(so.office, who, **values)


def shown(moment: dt.datetime) -> str:
    return local(moment, TZ).format("YYYY-MM-DD HH:mm")


def test_night_staff_write_an_entry(desk_db, frozen_clock):
    now = frozen_clock(NIGHT)
    so = small_office()
    sun = night_staff(so)
    row = NightLogEntry.get_by_id(write(so, sun).id)
    assert shown(row.at) == "2026-11-26 02:10"
    assert row.written_at == now and row.written_by_id == sun.id
    assert (row.what, row.where, row.needs_action) == ("东门道闸抬杆故障，已改为手动开启", "东门",
                                                       True)
    assert row.office_id == so.office.id
    action, detail = log_of("night_log_entry", row.id)[0]
    assert action == "create" and detail["after"]["what"] == row.what


def test_a_bare_time_later_than_now_is_last_evening(desk_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    row = write(so, night_staff(so), at="23:40")
    assert shown(row.at) == "2026-11-25 23:40"


def test_free_text_is_kept_verbatim_but_escapes_are_removed(desk_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    row = write(so, night_staff(so), what="[red]漏水[/red]\x1b[31m 3-2-501", where="[b]3栋")
    row = NightLogEntry.get_by_id(row.id)
    assert row.what == "[red]漏水[/red] 3-2-501"
    assert row.where == "[b]3栋"


@pytest.mark.parametrize("fields, field", [
    (dict(at=""), "at"),
    (dict(at="25:00"), "at"),
    (dict(at="昨天晚上"), "at"),
    (dict(at="11-27 02:00"), "at"),  # tomorrow: still to come
    (dict(at=dt.datetime(2030, 1, 1)), "at"),
    (dict(what="   "), "what"),
    (dict(where="x" * 200), "where"),
])
def test_bad_input_is_refused_and_nothing_stored(desk_db, frozen_clock, fields, field):
    frozen_clock(NIGHT)
    so = small_office()
    sun = night_staff(so)
    refused(lambda: write(so, sun, **fields), field)


def test_only_active_night_staff_of_the_office_write_it(desk_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    gone = night_staff(so, "王夜班", active=False)
    other = small_office("别的管理处")
    stranger = night_staff(other, "赵某")
    for who in (so.clerk, so.supervisor, gone, stranger, None, 999999):
        refused(lambda who=who: write(so, who), "staff", match="night staff")


def test_entries_are_append_only(desk_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    row = write(so, night_staff(so))
    with pytest.raises((IntegrityError, DatabaseError), match="append-only"):
        with desk_db.atomic():
            NightLogEntry.update(what="改过").where(NightLogEntry.id == row.id).execute()
    assert NightLogEntry.get_by_id(row.id).what == "东门道闸抬杆故障，已改为手动开启"


def test_since_the_last_handover(desk_db, frozen_clock):
    """The demo's convention: a handover covers what was written before its covers_until;
    entries after it, and entries not yet taken over, are what the next one lists."""
    now = frozen_clock(NIGHT)
    so = small_office()
    sun = night_staff(so)
    first = write(so, sun, at="23:00", what="巡查地下车库")
    second = write(so, sun, at="0:30", what="快递柜断电")
    items = night_log.entries_since_handover(so.office)
    assert [i.id for i in items] == [first.id, second.id]
    assert items[0].writer == "孙大伟" and items[0].where == "东门"
    with changes.write():
        handover = Handover.create(office=so.office, signed_at=now, from_staff=sun,
                                   to_staff=so.clerk, covers_until=now)
        HandoverItem.create(handover=handover, entry=first, disposition="taken_over")
        HandoverItem.create(handover=handover, entry=second, disposition="taken_over")
    assert night_log.last_covered(so.office) == now
    assert night_log.entries_since_handover(so.office) == []
    later = frozen_clock("2026-11-25T20:00:00")
    third = write(so, sun, at="3:50")
    assert [i.id for i in night_log.entries_since_handover(so.office)] == [third.id]
    assert night_log.entries_since_handover(so.office, until=later - dt.timedelta(seconds=1)
                                            ) == []


def test_each_office_sees_its_own_log(desk_db, frozen_clock):
    frozen_clock(NIGHT)
    so, other = small_office(), small_office("别的管理处")
    write(so, night_staff(so))
    assert night_log.entries_since_handover(Office.get_by_id(other.office.id)) == []


@given(hour=st.integers(0, 23), minute=st.integers(0, 59),
       now=st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2027, 12, 31)))
def test_a_bare_time_is_the_latest_such_moment_not_after_now(hour, minute, now):
    office = Office(name="T", timezone=TZ)
    now = now.replace(microsecond=0)
    moment = night_log.parse_night_time(office, f"{hour}:{minute:02d}", now=now)
    assert now - dt.timedelta(days=1) < moment <= now
    assert local(moment, TZ).format("H:mm") == f"{hour}:{minute:02d}"


@given(st.text(max_size=30))
def test_the_time_parser_answers_or_refuses_on_its_field(text):
    office = Office(name="T", timezone=TZ)
    now = dt.datetime(2026, 11, 25, 19, 0)
    try:
        moment = night_log.parse_night_time(office, text, now=now)
    except DutyError as exc:
        assert exc.field == "at"
    else:
        assert moment <= now
