"""Tasks (deskterm.duties.shift.tasks) [6.2][6.3]: noted with who, what, by when and from
where; done and opened again, each with its change-log row; the open and overdue ones
listed, carried onto today's timeline, into the handover and the daily work record.
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import SqliteDatabase

from deskterm.clock import local
from deskterm.db import changes
from deskterm.db.models import HandoverItem, Staff, Task
from deskterm.duties.agenda.timeline import CARRIED_LIMIT, day_timeline
from deskterm.duties.agenda.timeline_window import timeline_window
from deskterm.duties.shift import handover, tasks
from deskterm.duties.shift.handover import Disposition
from deskterm.duties.shift.work_records import day_figures
from tests.factories import PIN, small_office
from tests.repairs.test_orders import log_of, refused
from tests.shift.test_night_log import night_staff, write

NOW = "2026-11-26T02:05:00"  # Thursday 26 November 2026, 10:05 in Shanghai (winter)
TZ = "Asia/Shanghai"
TODAY = dt.date(2026, 11, 26)
H = dt.timedelta(hours=1)


def shown(moment: dt.datetime) -> str:
    return local(moment, TZ).format("YYYY-MM-DD HH:mm")


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(NOW)
    return small_office()


def note(so, title="检查东门道闸", due="16:00", source="meeting", **fields) -> Task:
    return tasks.add_task(so.office, so.clerk, title=title, due=due, source=source, **fields)


def test_a_task_is_noted_with_who_what_by_when_and_from_where(so):
    task = Task.get_by_id(note(so, assigned_to=so.technician).id)
    assert (task.title, task.source, task.assigned_to_id) == ("检查东门道闸", "meeting",
                                                              so.technician.id)
    assert shown(task.due_at) == "2026-11-26 16:00"
    assert task.created_by_id == so.clerk.id and task.done_at is None
    [(action, detail)] = log_of("task", task.id)
    assert action == "create" and detail["after"]["title"] == "检查东门道闸"
    nobody = Task.get_by_id(note(so, title="[b]买灯泡[/b]", source="manager").id)
    assert nobody.assigned_to_id is None and nobody.title == "[b]买灯泡[/b]"


@pytest.mark.parametrize(("typed", "due"), [
    ("16:00", "2026-11-26 16:00"),
    ("明天 9:00", "2026-11-27 09:00"),
    ("11-28 8:30", "2026-11-28 08:30"),
    ("明天", "2026-11-27 17:30"),  # a day alone: by that day's evening sign-out
    ("今天", "2026-11-26 17:30"),
])
def test_by_when_as_the_clerk_types_it(so, typed, due):
    assert shown(tasks.parse_due(so.office, typed)) == due


@pytest.mark.parametrize(("typed", "words"), [
    ("9:00", "passed"),
    ("昨天", "Not a time"),
    ("11-25", "over"),
    ("", "Enter a time"),
    ("16", "minutes"),
])
def test_a_moment_past_or_unreadable_is_refused(so, typed, words):
    error = refused(lambda: note(so, due=typed), "due")
    assert words in error.message


def test_bad_input_stores_nothing(so, frozen_clock):
    other = small_office("别的管理处")
    refused(lambda: note(so, title="  "), "title")
    refused(lambda: note(so, source="radio"), "source")
    refused(lambda: note(so, source=None), "source")
    refused(lambda: note(so, assigned_to=other.clerk), "assigned_to")
    refused(lambda: note(so, due=frozen_clock(NOW) - H), "due")
    refused(lambda: tasks.add_task(so.office, other.clerk, title="x", due="16:00",
                                   source="meeting"), "clerk")


def test_done_by_whom_it_was_given_to_else_the_desk(so, frozen_clock):
    given = note(so, assigned_to=so.technician)
    nobody = note(so, title="整理服务登记本")
    later = frozen_clock("2026-11-26T03:00:00")
    done = tasks.complete_task(so.office, so.clerk, given.id)
    assert (done.done_at, done.done_by_id) == (later, so.technician.id)
    assert tasks.complete_task(so.office, so.clerk, nobody.id).done_by_id == so.clerk.id
    assert [a for a, _d in log_of("task", given.id)] == ["create", "done"]
    error = refused(lambda: tasks.complete_task(so.office, so.clerk, given.id), "task")
    assert "11-26 11:00" in error.message


def test_done_by_someone_said_and_at_a_moment_said(so, frozen_clock):
    task = note(so, assigned_to=so.technician)
    refused(lambda: tasks.complete_task(so.office, so.clerk, task.id,
                                        at=frozen_clock(NOW) + H), "done_at")
    refused(lambda: tasks.complete_task(so.office, so.clerk, task.id,
                                        at=frozen_clock(NOW) - H), "done_at")
    done = tasks.complete_task(so.office, so.clerk, task.id, by=so.supervisor,
                               at=frozen_clock(NOW))
    assert done.done_by_id == so.supervisor.id


def test_opened_again_after_a_mistake(so):
    task = note(so)
    refused(lambda: tasks.reopen_task(so.office, so.clerk, task.id), "task")
    tasks.complete_task(so.office, so.clerk, task.id)
    again = Task.get_by_id(tasks.reopen_task(so.office, so.clerk, task.id).id)
    assert again.done_at is None and again.done_by_id is None
    assert [a for a, _d in log_of("task", task.id)] == ["create", "done", "reopen"]


def test_another_offices_task_is_not_touched(so):
    other = small_office("别的管理处")
    theirs = tasks.add_task(other.office, other.clerk, title="x", due="16:00",
                            source="meeting")
    refused(lambda: tasks.complete_task(so.office, so.clerk, theirs.id), "task")
    assert tasks.open_tasks(so.office).count == 0
    assert tasks.open_tasks(other.office).count == 1


def old_task(so, title: str, due: dt.datetime, *, done: dt.datetime | None = None,
             assigned: Staff | None = None) -> Task:
    """A task noted on an earlier day (as the demo's are: written directly)."""
    with changes.write():
        return Task.create(office=so.office, title=title, source="meeting",
                           assigned_to=assigned, due_at=due, created_at=due - 5 * H,
                           created_by=so.clerk, done_at=done,
                           done_by=so.clerk if done else None)


def test_the_open_ones_first_due_first_and_the_overdue_counted(so, frozen_clock):
    now = frozen_clock(NOW)
    yesterday = old_task(so, "昨天的", now - 20 * H)
    old_task(so, "做完的", now - 30 * H, done=now - 25 * H)
    later = note(so, title="下午的", due="15:00")
    soon = note(so, title="上午的", due="11:00")
    listed = tasks.open_tasks(so.office)
    assert [line.id for line in listed.lines] == [yesterday.id, soon.id, later.id]
    assert (listed.count, listed.overdue) == (3, 1)
    frozen_clock("2026-11-26T04:00:00")  # 12:00: the 11:00 one is overdue too
    overdue = tasks.overdue_tasks(so.office)
    assert [line.id for line in overdue.lines] == [yesterday.id, soon.id]
    assert [line.id for line in tasks.open_tasks(so.office, limit=1).lines] == [yesterday.id]
    tasks.complete_task(so.office, so.clerk, soon.id)
    open_list, done_today = tasks.tasks_book(so.office)
    assert [line.id for line in open_list.lines] == [yesterday.id, later.id]
    assert [line.id for line in done_today] == [soon.id]
    assert done_today[0].done_by == "李静" and done_today[0].done


def test_open_tasks_walk_the_index(so, desk_db):
    """The open ones are the range (office, done_at IS NULL) of the index of 0006."""
    query = (Task.select(Task.id).where((Task.office == so.office) & Task.done_at.is_null())
             .order_by(Task.due_at, Task.id))
    sql, params = query.sql()
    if isinstance(desk_db, SqliteDatabase):
        plan = " ".join(row[3] for row in desk_db.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                              params))
        assert "task_office_id_done_at_due_at" in plan and "TEMP B-TREE" not in plan, plan
    else:  # an empty table has no statistics: the planner may take either index
        with desk_db.atomic():
            desk_db.execute_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(row[0] for row in desk_db.execute_sql("EXPLAIN " + sql, params))
        assert "Index" in plan and "Seq Scan on task" not in plan, plan


def test_on_today_timeline_at_their_time_and_flagged_when_missed(so, frozen_clock):
    morning = note(so, title="上午的", due="10:30", assigned_to=so.technician)
    frozen_clock("2026-11-26T03:00:00")  # 11:00: past due, not done
    items = {item.key: item for item in day_timeline(so.office)}
    item = items[f"task:{morning.id}"]
    assert (item.local_time, item.state, item.note) == ("10:30", "missed", "for 张强")
    tasks.complete_task(so.office, so.clerk, morning.id)
    assert {item.key: item for item in day_timeline(so.office)}[
        f"task:{morning.id}"].state == "done"


def test_earlier_days_open_tasks_carried_onto_today(so, frozen_clock):
    now = frozen_clock(NOW)
    carried = [old_task(so, f"第{i}件", now - (40 - i) * H) for i in range(CARRIED_LIMIT + 2)]
    old_task(so, "做完的", now - 30 * H, done=now - 25 * H)
    items = day_timeline(so.office)
    first = items[:CARRIED_LIMIT + 1]
    assert [i.key for i in first[:CARRIED_LIMIT]] == [f"task:{t.id}" for t in
                                                       carried[:CARRIED_LIMIT]]
    assert all(i.state == "missed" and i.local_time == "11-24" for i in first[:2])
    assert first[-1].key == "task:more" and "2 more" in first[-1].label
    window = timeline_window(so.office, now=now)
    assert [i.key for i in window.items] == [i.key for i in items]
    assert window.missed == sum(1 for i in items if i.state == "missed")
    # another day's timeline has that day's tasks at their time, and carries nothing
    yesterday = [i for i in day_timeline(so.office, day=TODAY - dt.timedelta(days=1))
                 if i.kind == "task"]
    assert yesterday and all(":" in i.local_time for i in yesterday)
    assert "task:more" not in {i.key for i in yesterday}


def test_a_night_log_item_becomes_a_task_at_the_handover(so, frozen_clock):
    frozen_clock("2026-11-25T19:00:00")
    sun = night_staff(so)
    entry = write(so, sun, at="2:10")
    frozen_clock("2026-11-26T00:30:00")  # 08:30
    view = handover.handover_view(so.office)
    assert view.tasks.count == 0
    task = tasks.add_task(so.office, so.clerk, title=entry.what, due="11:00",
                          source="handover", assigned_to=so.technician)
    view = handover.handover_view(so.office)
    assert [line.id for line in view.tasks.lines] == [task.id]
    other = small_office("别的管理处")
    theirs = tasks.add_task(other.office, other.clerk, title="x", due="11:00",
                            source="handover")
    values = dict(night_staff=sun, night_pin=PIN, day_clerk=so.clerk, day_pin=PIN,
                  covers_until=view.covers_until)
    refused(lambda: handover.sign_handover(
        so.office, dispositions={entry.id: Disposition("task", task_id=theirs.id)},
        **values), "items")
    signed = handover.sign_handover(
        so.office, dispositions={entry.id: Disposition("task", task_id=task.id)}, **values)
    item = HandoverItem.get(HandoverItem.handover == signed)
    assert (item.disposition, item.task_id) == ("task", task.id)
    # carried into the next handover until done
    frozen_clock("2026-11-27T00:30:00")
    assert [line.id for line in handover.handover_view(so.office).tasks.lines] == [task.id]
    tasks.complete_task(so.office, so.clerk, task.id)
    assert handover.handover_view(so.office).tasks.count == 0


def test_the_work_record_counts_tasks_done_and_still_open(so, frozen_clock):
    mine = note(so, title="我的", assigned_to=so.clerk)
    note(so, title="没人的")
    note(so, title="技工的", assigned_to=so.technician)
    done = note(so, title="做完的", assigned_to=so.clerk)
    frozen_clock("2026-11-26T03:00:00")
    tasks.complete_task(so.office, so.clerk, done.id)
    figures = day_figures(so.office, so.clerk, TODAY)
    assert (figures["tasks_done"], figures["tasks_open"]) == (1, 2)
    listed = tasks.open_tasks_of(so.office, so.clerk.id)
    assert {line.title for line in listed.lines} == {"我的", "没人的"}
    # yesterday's record: nothing was noted yet
    assert day_figures(so.office, so.clerk, TODAY - dt.timedelta(days=1))["tasks_open"] == 0
    tasks.complete_task(so.office, so.clerk, mine.id)
    assert day_figures(so.office, so.clerk, TODAY)["tasks_open"] == 1


def test_people_the_desk_first(so):
    people = tasks.task_people(so.office)
    assert [role for _id, _name, role in people] == ["clerk", "supervisor", "technician"]
