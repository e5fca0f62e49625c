"""The "Today" pane's bounded timeline: on a busy day, ``timeline_window()`` counts what
``day_timeline()`` counts and keeps exactly its items nearest now, states and all, at
many moments; its queries walk indexes (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest
from peewee import SqliteDatabase

from deskterm.clock import to_utc
from deskterm.db.models import (
    AttendanceEvent,
    Building,
    Complaint,
    District,
    Handover,
    Office,
    RepairOrder,
    Staff,
    Task,
    Unit,
)
from deskterm.duties.agenda import timeline_window as tw
from deskterm.duties.agenda.timeline import day_timeline
from deskterm.duties.agenda.timeline_window import TimelineWindow, timeline_window

TZ = "Asia/Shanghai"
DAY = dt.date(2026, 11, 26)  # a Thursday in winter
DATED = ("appointment", "callback", "task")


def hm(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    """Office-local "HH:MM" (or "HH:MM:SS") of ``day`` as naive UTC."""
    return to_utc(dt.datetime.fromisoformat(f"{day.isoformat()} {hhmm}"), TZ)


def expected_window(full, now, around):
    """day_timeline's items, its dated work cut to ``around`` each side of now."""
    dated = [item for item in full if item.kind in DATED]
    split = sum(1 for item in dated if item.at <= now)
    keep = {item.key for item in dated[max(0, split - around):split + around]}
    return [item for item in full if item.kind not in DATED or item.key in keep]


def assert_same_day(office, now, around, staff=None) -> TimelineWindow:
    full = day_timeline(office, now=now, staff=staff)
    window = timeline_window(office, now=now, staff=staff, around=around)
    assert window.total == len(full)
    assert window.done == sum(1 for item in full if item.state == "done")
    assert window.missed == sum(1 for item in full if item.state == "missed")
    assert list(window.items) == expected_window(full, now, around)
    return window


# -- a busy day --------------------------------------------------------------------------

SLOTS = [f"{h:02d}:{m:02d}" for h in range(7, 20) for m in (0, 15, 30, 45)]
# 10:45-11:45 is kept for the hand-made stretch of test_now_may_lie_past_the_window.
SLOTS = [s for s in SLOTS if not "10:45" <= s < "11:45"]


@pytest.fixture
def busy(desk_db):
    created = dt.datetime(2026, 1, 1)
    office = Office.create(name="非凡物业", created_at=created)
    other = Office.create(name="别处", created_at=created)
    clerk = Staff.create(office=office, name="李娜", role="clerk", created_at=created)
    night = Staff.create(office=office, name="王伟", role="night", created_at=created)
    techs = [Staff.create(office=office, name=name, role="technician", created_at=created)
             for name in ("张强", "刘洋")]
    district = District.create(office=office, code="A", name="A区")
    building = Building.create(office=office, district=district, code="3", name="3栋")
    units = [Unit.create(office=office, building=building, entrance="2", room=f"50{n}",
                         code=f"3-2-50{n}", area_centi_m2=8956) for n in range(1, 4)]
    rng = random.Random(20261126)
    numbers = iter(range(1, 100_000))

    def when(day=DAY):
        moment = hm(rng.choice(SLOTS), day)
        # Mostly on the quarter hour (ties), now and then a few seconds off it.
        return moment + dt.timedelta(seconds=rng.choice([0, 0, 0, 7, 42]))

    def order(office=office, **fields):
        values = dict(office=office, number=f"WX-202611-{next(numbers):05d}",
                      district=district, building=building, unit=rng.choice(units),
                      description="厨房水龙头漏水", category=rng.choice(RepairOrder.CATEGORIES),
                      technician=rng.choice(techs + [None]), registered_at=hm("07:00"),
                      registered_by=clerk)
        values.update(fields)
        if values["unit"] is None:
            values["is_public"] = True
        return RepairOrder.create(**values)

    # Appointments: every state (cancelled ones are not shown), returned or not.
    for _ in range(90):
        at = when()
        state = rng.choice(RepairOrder.STATES)
        returned = state not in ("registered", "dispatched", "cancelled") or rng.random() < 0.2
        order(appointment_at=at, state=state, unit=rng.choice(units + [None]),
              returned_at=at + dt.timedelta(minutes=50) if returned else None)
    # Callbacks falling due today: done, late, reopened (called back before the return).
    for _ in range(60):
        due = when(rng.choice([DAY] * 8 + [DAY - dt.timedelta(days=1),
                                           DAY + dt.timedelta(days=1)]))
        returned_at = due - dt.timedelta(days=1)
        called = rng.choice([None, due - dt.timedelta(hours=1), returned_at
                             - dt.timedelta(hours=2)])
        order(state=rng.choice(RepairOrder.STATES), callback_due_at=due,
              returned_at=returned_at, called_back_at=called,
              reporter_name="陈先生", reporter_phone="13812345678")
    for _ in range(20):
        due = when()
        Complaint.create(office=office, number=f"TS-202611-{next(numbers):05d}",
                         unit=rng.choice(units + [None]), description="噪音",
                         received_at=due - dt.timedelta(days=1), received_by=clerk,
                         state=rng.choice(Complaint.STATES), callback_due_at=due,
                         called_back_at=rng.choice([None, due - dt.timedelta(minutes=5)]),
                         complainant_name="刘女士")
    for n in range(20):
        due = when()
        Task.create(office=office, title=f"跟进 {n}", assigned_to=rng.choice([clerk, None]),
                    due_at=due, created_at=hm("08:25"), created_by=clerk,
                    done_at=rng.choice([None, due - dt.timedelta(minutes=3)]))
    # At exactly 10:00: due now, not done.
    order(appointment_at=hm("10:00"), state="dispatched")
    # Another office's day, at the same times: never counted.
    for _ in range(10):
        at = when()
        order(office=other, appointment_at=at, callback_due_at=at, state="returned",
              returned_at=at - dt.timedelta(days=1))
    AttendanceEvent.create(office=office, staff=clerk, at=hm("08:15"), kind="sign_in",
                           slot="desk", recorded_by=clerk)
    Handover.create(office=office, signed_at=hm("08:36"), from_staff=night, to_staff=clerk,
                    covers_until=hm("08:36"))
    return SimpleNamespace(office=office, clerk=clerk, order=order, units=units)


MOMENTS = ["06:30", "08:20", "08:25", "08:35", "10:00", "10:50", "12:30", "13:00:07",
           "15:00", "17:10", "17:45", "23:50"]


@pytest.mark.parametrize("around", [30, 5, 1])
def test_window_is_the_slice_of_the_day_nearest_now(busy, frozen_clock, around):
    cut_in_a_tie = False
    for moment in MOMENTS:
        now = frozen_clock(hm(moment))
        window = assert_same_day(busy.office, now, around)
        dated = [item for item in window.items if item.kind in DATED]
        assert len(dated) <= 2 * around
        full = [item for item in day_timeline(busy.office, now=now) if item.kind in DATED]
        kept = {item.key for item in dated}
        cut_in_a_tie |= any(item.key not in kept and item.at in {d.at for d in dated}
                            for item in full)
        assert [item.state for item in window.items].count("now") <= 1
    if around < 30:
        assert cut_in_a_tie  # the day's ties were cut in the timeline's own order
    assert_same_day(busy.office, hm("12:30"), around, staff=busy.clerk)


def test_the_whole_day_fits_a_wide_window(busy, frozen_clock):
    now = frozen_clock(hm("15:00"))
    window = timeline_window(busy.office, now=now, around=1000)
    assert list(window.items) == day_timeline(busy.office, now=now)
    assert window.total > 150


def test_now_may_lie_past_the_window(busy, frozen_clock):
    order = busy.order
    for minute in ("11:00", "11:00", "11:05", "11:10", "11:10", "11:15"):  # back early
        order(appointment_at=hm(minute), state="returned", returned_at=hm("10:30"))
    late = order(appointment_at=hm("11:30"), state="dispatched", technician=None)
    now = frozen_clock(hm("10:50"))
    full = day_timeline(busy.office, now=now)
    assert [item.key for item in full if item.state == "now"] == [f"appointment:{late.id}"]
    window = assert_same_day(busy.office, now, around=3)
    assert "now" not in {item.state for item in window.items}  # not lunch at 12:00
    assert_same_day(busy.office, now, around=10)  # and with the late one in view


def test_an_empty_day(desk_db, frozen_clock):
    office = Office.create(name="空", created_at=dt.datetime(2026, 1, 1))
    now = frozen_clock(hm("09:00"))
    window = assert_same_day(office, now, 30)
    assert {item.kind for item in window.items} == {"schedule", "deadline"}
    with pytest.raises(ValueError):
        timeline_window(office, now=now, around=0)


def _statements(desk_db, office, now) -> list[tuple[str, list]]:
    seen = []
    original = desk_db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return original(sql, params, *args, **kwargs)

    desk_db.execute_sql = counting
    try:
        timeline_window(office, now=now)
    finally:
        del desk_db.execute_sql
    return seen


def test_queries_do_not_grow_with_rows(busy, frozen_clock, desk_db):
    now = frozen_clock(hm("12:00"))
    few = len(_statements(desk_db, busy.office, now))
    for _ in range(3):
        for minute in SLOTS:
            busy.order(appointment_at=hm(minute), state="dispatched")
    assert len(_statements(desk_db, busy.office, now)) == few


def test_queries_walk_the_indexes(busy, frozen_clock, desk_db, monkeypatch):
    """Each query of the dated work searches a range of a composite index that starts with
    the office, never the table, and none sorts: the bounds' LIMITs stop their walks."""
    seen = []
    original = tw._Statement.rows
    fixed_day, in_fixed_day = tw.tl._fixed_day, []

    def spy(self, **values):
        if not in_fixed_day:  # the fixed day's reads are compiled once too: not these
            seen.append((self.sql, self.bind(**values)))
        return original(self, **values)

    def fixed(*args, **kwargs):
        in_fixed_day.append(True)
        try:
            return fixed_day(*args, **kwargs)
        finally:
            in_fixed_day.pop()

    monkeypatch.setattr(tw._Statement, "rows", spy)
    monkeypatch.setattr(tw.tl, "_fixed_day", fixed)
    timeline_window(busy.office, now=frozen_clock(hm("12:00")), around=5)
    assert len(seen) == 8  # per kind: the counts and bounds, the rows
    indexes = {"repairorder_office_id_appointment_at",
               "repairorder_office_id_state_callback_due_at",
               "complaint_office_id_state_callback_due_at", "task_office_id_due_at"}
    for sql, params in seen:
        if isinstance(desk_db, SqliteDatabase):
            plan = [row[3] for row in desk_db.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
            assert not any("TEMP B-TREE" in line for line in plan), plan
            walks = [line for line in plan if line.startswith(("SEARCH t1", "SCAN t1"))]
            assert walks and all(
                line.startswith("SEARCH t1 USING") and line.split(" INDEX ")[1].split(" ")[0]
                in indexes for line in walks), plan
        else:  # tables this small are read whole unless told not to
            with desk_db.atomic():
                desk_db.execute_sql("SET LOCAL enable_seqscan = off")
                plan = [row[0] for row in desk_db.execute_sql("EXPLAIN " + sql, params)]
            assert not any(f"Seq Scan on {table}" in line for line in plan
                           for table in ("repair_order", "complaint", "task")), plan
            assert not any("Sort" in line for line in plan), plan
            # Each bound of a counts query walks an index up to its LIMIT.
            limits = [i for i, line in enumerate(plan) if "->  Limit" in line]
            assert bool(limits) == sql.startswith("SELECT COUNT("), plan
            assert all("Index" in plan[i + 1] for i in limits), plan
