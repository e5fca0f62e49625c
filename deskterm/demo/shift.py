"""The shift's records: night logs and morning handovers, attendance, meeting tasks.

Every morning but today the day clerk took over the night log at 08:30 and signed the
handover; what needed action became a task, done that day. Last night's log (yesterday
18:00 to this morning 08:00) is still waiting: no handover has been signed today, so
"since the last handover" is exactly last night. Attendance is recorded for every past
working day of the clerks and the supervisor, none for today (the app records today's
sign-in). This morning's meeting left a few tasks due today; one from yesterday is not done.
"""

from __future__ import annotations

import datetime as dt
import random

from deskterm.db import changes
from deskterm.db.models import AttendanceEvent, Handover, HandoverItem, NightLogEntry, Task
from deskterm.demo import texts
from deskterm.demo.common import Bulk, Calendar, Roster, minutes
from deskterm.demo.org import World

DAY = dt.timedelta(days=1)
TASK_FIELDS = ("id", "office", "title", "source", "assigned_to", "due_at", "created_at",
               "created_by", "done_at", "done_by")


def _place(rng: random.Random, world: World) -> dict[str, str]:
    unit = rng.choice(world.units)
    building = world.buildings[unit.building]
    return {"b": building.code, "e": str(rng.randint(1, building.entrances)),
            "f": str(rng.randint(2, building.floors)), "unit": unit.code}


def build_night_and_handovers(bulk: Bulk, cal: Calendar, world: World, roster: Roster,
                              rng: random.Random) -> dict[str, int]:
    office, night = world.office_id, world.staff["孙大伟"]
    entries, handovers, items, tasks = [], [], [], []
    day = cal.first_day
    while day < cal.today:  # the night that starts on ``day``
        start, end = cal.hm(day, "18:00"), cal.hm(day + DAY, "08:00")
        last = day == cal.yesterday
        if last:
            end = min(end, cal.now - minutes(5))
            count = rng.randint(4, 6)
        else:
            count = rng.choices((1, 2, 3, 4, 5), (2, 4, 4, 2, 1))[0]
        night_entries = []
        for i in range(count):
            what, where, action = rng.choice(texts.NIGHT_LOG)
            if last and i < 2:  # last night surely left something for the day shift
                what, where, action = rng.choice([t for t in texts.NIGHT_LOG if t[2]])
            place = _place(rng, world)
            at = (start + (end - start) * rng.random()).replace(microsecond=0)
            written = min(at + minutes(rng.uniform(2, 20)), cal.now)
            night_entries.append((at, written, what.format(**place), where.format(**place),
                                  action))
        night_entries.sort()
        ids = []
        for at, written, what, where, action in night_entries:
            entry_id = bulk.next_id(NightLogEntry)
            ids.append(entry_id)
            entries.append((entry_id, office, at, written, night, what, where, action))
        if not last:
            morning = day + DAY
            clerk = (roster.clerks_on(morning) or world.clerks)[0]
            signed = cal.at(morning, rng.uniform(8 * 60 + 30, 8 * 60 + 38))
            handover_id = bulk.next_id(Handover)
            handovers.append((handover_id, office, signed, night, clerk, signed,
                              rng.randint(8, 30), rng.choice((0, 0, 0, 1, 2)), 0, ""))
            for entry_id, (_at, _w, what, _where, action) in zip(ids, night_entries,
                                                                 strict=True):
                task_id = None
                if action:
                    task_id = bulk.next_id(Task)
                    done = cal.at(morning, rng.uniform(9 * 60, 16 * 60 + 30))
                    tasks.append((task_id, office, texts.HANDOVER_TASK.format(what=what),
                                  "handover", clerk, cal.hm(morning, "17:00"), signed, clerk,
                                  done, clerk))
                items.append((handover_id, entry_id, "task" if action else "taken_over",
                              task_id, ""))
        day += DAY
    with changes.write():
        bulk.insert(NightLogEntry, ("id", "office", "at", "written_at", "written_by", "what",
                                    "where", "needs_action"), entries)
        bulk.insert(Task, TASK_FIELDS, tasks)
        bulk.insert(Handover, ("id", "office", "signed_at", "from_staff", "to_staff",
                               "covers_until", "open_orders", "overdue_callbacks", "undeposited",
                               "note"), handovers)
        bulk.insert(HandoverItem, ("handover", "entry", "disposition", "task", "note"), items)
    return {"night_log_entries": len(entries), "handovers": len(handovers)}


def build_attendance(bulk: Bulk, cal: Calendar, world: World, roster: Roster,
                     rng: random.Random) -> int:
    office = world.office_id
    people = (*world.clerks, world.staff["刘芳"])
    rows = []
    day = cal.first_day
    while day < cal.today:
        evening = "18:00" if cal.summer(day) else "17:30"
        for person in people:
            if not roster.scheduled(day, person):
                continue
            if (person, day) in roster.leave:
                rows.append((office, person, cal.hm(day, "08:00"), "leave", "desk", 0,
                             rng.choice(("年假", "病假", "事假", "调休")), person))
                continue
            late = 0
            if rng.random() < 0.03:
                arrive = rng.uniform(8 * 60 + 21, 8 * 60 + 45)
                late = int(arrive - (8 * 60 + 20)) + 1
            else:
                arrive = rng.uniform(8 * 60 + 2, 8 * 60 + 19.9)
            rows.append((office, person, cal.at(day, arrive), "sign_in", "morning_in", late, "",
                         person))
            rows.append((office, person, cal.at(day, rng.uniform(12 * 60, 12 * 60 + 8)),
                         "sign_out", "lunch_out", 0, "", person))
            back = rng.uniform(13 * 60 + 14, 13 * 60 + 29.9)
            rows.append((office, person, cal.at(day, back), "sign_in", "afternoon_in", 0, "",
                         person))
            out = cal.hm(day, evening) + minutes(rng.uniform(0, 12))
            rows.append((office, person, out, "sign_out", "evening_out", 0, "", person))
        day += DAY
    with changes.write():
        bulk.insert(AttendanceEvent, ("office", "staff", "at", "kind", "slot", "minutes_late",
                                      "reason", "recorded_by"), rows)
    return len(rows)


def build_tasks(bulk: Bulk, cal: Calendar, world: World, roster: Roster,
                rng: random.Random) -> int:
    """Meeting tasks: the last two months' (done), yesterday's one left undone, today's."""
    office, supervisor = world.office_id, world.staff["刘芳"]
    rows = []

    def task(title: str, assigned: int, due: dt.datetime, created: dt.datetime,
             done: dt.datetime | None) -> None:
        rows.append((bulk.next_id(Task), office, title, "meeting", assigned, due, created,
                     supervisor, done, assigned if done else None))

    for back in range(60, 1, -1):
        day = cal.today - DAY * back
        clerks = roster.clerks_on(day)
        if day.weekday() >= 5 or not clerks:
            continue
        for _ in range(rng.randint(1, 3)):
            title = rng.choice(texts.MEETING_TASKS).format(**_place(rng, world))
            due = cal.hm(day, rng.choice(("11:00", "15:00", "17:00")))
            created = cal.at(day, rng.uniform(8 * 60 + 21, 8 * 60 + 29))
            if rng.random() < 0.95:
                done = created + (due - created) * rng.uniform(0.2, 0.95)
            else:
                done = due + minutes(rng.uniform(30, 20 * 60))
            task(title, rng.choice(clerks), due, created, done.replace(microsecond=0))
    yesterday = cal.yesterday
    task(texts.YESTERDAY_TASK.format(**_place(rng, world)),
         (roster.clerks_on(yesterday) or world.clerks)[0], cal.hm(yesterday, "16:00"),
         cal.hm(yesterday, "08:26"), None)
    created = min(cal.hm(cal.today, "08:26"), cal.now)
    titles = rng.sample(texts.MEETING_TASKS, 4)
    for title, due, who in zip(titles, ("11:00", "15:00", "16:30", "17:00"),
                               (0, 0, 1, 0), strict=True):
        due_at = cal.hm(cal.today, due)
        done = due_at - minutes(30) if due_at - minutes(30) <= cal.now else None
        task(title.format(**_place(rng, world)), world.clerks[who], due_at, created, done)
    with changes.write():
        bulk.insert(Task, TASK_FIELDS, rows)
    return len(rows)
