"""Tasks at a million orders: what the Today pane, the handover, the tasks book (F10 j)
and the daily work record read of them.

    python benchmarks/task_reads.py [--sizes 1M] [--runs 20] [--years 5] [--verbose]
                                    [--json FILE]

The demo office has a few hundred tasks; an office that has noted twenty a day for
``--years`` years has tens of thousands, nearly all done. A copy of the cached demo
(``common.ensure_demo``; the cache stays as built) gets that many done tasks, then each
read is timed ``--runs`` times after a warm-up, each call on a new connection as the
desk's workers do (``database.connection_context()``), twice: with the index of migration
0006, ``task (office, done_at, due_at)``, and with it dropped (what the open tasks cost
without it). ``--verbose`` prints ``EXPLAIN QUERY PLAN`` of each statement.

Targets (median, with the index): the Today pane's carried tasks and the whole
``timeline_window`` under 5 ms (the pane budget); the books' reads under 20 ms.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ensure_demo, label, median, parser, table, write_json
from pane_queries import captured_sql

PANE_MS, BOOK_MS = 5.0, 20.0
WARMUP = 3
PER_DAY = 20


def _add_done_tasks(years: int) -> int:
    """``PER_DAY`` done tasks a day for ``years`` years before the demo's first."""
    from deskterm.db import changes
    from deskterm.db.models import Office, Staff, Task, database

    office = Office.get_by_id(1)
    clerk = Staff.get((Staff.office == office) & (Staff.role == "clerk"))
    first = Task.select(Task.due_at).order_by(Task.due_at).limit(1).scalar()
    rows = []
    for day in range(years * 365):
        for n in range(PER_DAY):
            due = first - dt.timedelta(days=day + 1, minutes=n * 20)
            rows.append((office.id, "巡查记录", "patrol", clerk.id, due,
                         due - dt.timedelta(hours=3), clerk.id,
                         due - dt.timedelta(hours=1), clerk.id))
    fields = [Task.office, Task.title, Task.source, Task.assigned_to, Task.due_at,
              Task.created_at, Task.created_by, Task.done_at, Task.done_by]
    with changes.write():
        for start in range(0, len(rows), 5000):
            Task.insert_many(rows[start:start + 5000], fields=fields).execute()
    database.execute_sql("ANALYZE")
    return len(rows)


def _calls(office, clerk):
    from deskterm.clock import day_bounds_utc, local, now_utc
    from deskterm.duties.agenda import timeline as tl
    from deskterm.duties.agenda.timeline_window import timeline_window
    from deskterm.duties.schedule import office_zone
    from deskterm.duties.shift.tasks import day_task_figures, open_tasks, tasks_book

    tz = office_zone(office)
    now = now_utc()
    today = local(now, tz).date()
    start, _end = day_bounds_utc(today, tz)
    return (
        ("carried onto Today", PANE_MS, lambda: tl._carried_items(office, now, start, tz)),
        ("timeline_window", PANE_MS, lambda: timeline_window(office, now=now, staff=clerk)),
        ("open_tasks (handover)", BOOK_MS, lambda: open_tasks(office, now=now)),
        ("tasks_book (F10 j)", BOOK_MS, lambda: tasks_book(office, now=now)),
        ("day_task_figures", BOOK_MS, lambda: day_task_figures(office, clerk.id, today, now)),
    )


def measure(path: Path, runs: int, years: int, verbose: bool) -> tuple[int, list[tuple]]:
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import Office, Staff, database

    open_database(str(path))
    try:
        added = _add_done_tasks(years)
        office = Office.get_by_id(1)
        clerk = Staff.get((Staff.office == office) & (Staff.role == "clerk"))
        results = []
        for index in ("with", "without"):
            if index == "without":
                database.execute_sql("DROP INDEX task_office_id_done_at_due_at")
            for name, target, call in _calls(office, clerk):
                for _ in range(WARMUP):
                    with database.connection_context():
                        call()
                times = []
                for _ in range(runs):
                    began = time.perf_counter()
                    with database.connection_context():
                        call()
                    times.append((time.perf_counter() - began) * 1000)
                if verbose and index == "with":
                    for sql, params in captured_sql(call):
                        plan = database.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                    params).fetchall()
                        print(index, name, [row[-1] for row in plan], file=sys.stderr)
                results.append((index, name, target, median(times), max(times)))
        return added, results
    finally:
        close_database()


def main() -> int:
    args_parser = parser(__doc__.splitlines()[0], sizes=(1_000_000,), runs=20)
    args_parser.add_argument("--years", type=int, default=5,
                             help="years of done tasks added (default 5)")
    args_parser.add_argument("--verbose", action="store_true")
    args = args_parser.parse_args()
    rows, payload = [], {}
    for size in args.sizes:
        built, _seconds = ensure_demo(size, args.cache, quiet=True)
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "tasks.db"
            shutil.copyfile(built, copy)
            copy.chmod(0o600)  # private, as the desk wants its database
            added, results = measure(copy, args.runs, args.years, args.verbose)
            for index, name, target, med, worst in results:
                met = ("met" if med < target else "MISSED") if index == "with" else ""
                rows.append((label(size), f"+{added:,}", index, name, f"{med:.2f}",
                             f"{worst:.2f}", f"< {target:.0f}", met))
                payload[f"{label(size)}/{index}/{name}"] = {"median_ms": med, "max_ms": worst}
    print(table(("orders", "done tasks", "0006 index", "read", "median ms", "max ms",
                 "target", ""), rows))
    write_json(args.json, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
