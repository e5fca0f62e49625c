"""The morning view's reads [7.4.1] as the desk runs them after a sign-in, on a demo office
(SQLite): "seen today?" (the change log's ``(topic, row_id)`` index), yesterday's
unfinished lines and complaints, the older ones still open counted apart, and the
writing of "seen".

    python benchmarks/morning_view.py [--db /tmp/morning-1M.db] [--runs 20]

Use a copy of the 1M demo: the first run adds two years of "seen" rows (one a day for
every desk person, as a desk in use would have) to its change log, so "seen today?" is
asked of a person with 730 rows; the "seen" timed after is rolled back. Each read is timed ``--runs`` times after a
warm-up, on its own connection as the screen's worker does; then every SQL statement is
shown with its ``EXPLAIN QUERY PLAN``, and a full scan of a big table is flagged.
Target: the whole of ``morning_view_due`` well under the pane budget, with no scan of
repair_order, service_entry or change_log.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pane_queries import captured_sql  # noqa: E402

BIG = ("repair_order", "service_entry", "change_log", "complaint")
WARMUP = 2


def _median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _time(call, runs: int) -> list[float]:
    from deskterm.db.models import database

    for _ in range(WARMUP):
        with database.connection_context():
            call()
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        with database.connection_context():
            call()
        took.append((time.perf_counter() - start) * 1000)
    return took


def _add_history(office) -> None:
    """Two years of "seen" rows, once: a day each for every desk person."""
    import datetime as dt
    import json

    from deskterm.clock import now_utc
    from deskterm.db.models import ChangeLog, Staff, database

    if ChangeLog.select().where(ChangeLog.topic == "morning_view").exists():
        return
    people = [s.id for s in Staff.select().where((Staff.office == office)
                                                 & Staff.role.in_(Staff.DESK_ROLES))]
    now = now_utc()
    rows = [(office.id, now - dt.timedelta(days=back), person, "morning_view", person, "seen",
             json.dumps({})) for back in range(730, 0, -1) for person in people]
    with database.atomic():
        for start in range(0, len(rows), 500):
            ChangeLog.insert_many(rows[start:start + 500], fields=[
                ChangeLog.office, ChangeLog.at, ChangeLog.staff, ChangeLog.topic,
                ChangeLog.row_id, ChangeLog.action, ChangeLog.detail]).execute()
    print(f"added {len(rows):,} past \"seen\" rows for {len(people)} desk people")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default="/tmp/morning-1M.db")
    p.add_argument("--runs", type=int, default=20)
    args = p.parse_args()

    from deskterm.db.connection import open_database
    from deskterm.db.models import ChangeLog, Office, RepairOrder, ServiceEntry, Staff, database
    from deskterm.duties.repairs import morning

    db = open_database(args.db)
    office = Office.select().order_by(Office.id).first()
    clerk = Staff.select().where((Staff.office == office) & (Staff.role == "clerk")).first()
    print(f"{args.db}: {RepairOrder.select().count():,} orders, "
          f"{ServiceEntry.select().count():,} register lines, "
          f"{ChangeLog.select().count():,} change-log rows")
    _add_history(office)
    view = morning.morning_view(office)
    print(f"yesterday {view.day}: {view.yesterday.count} unfinished; "
          f"{view.older.count} older still open (since {view.oldest})")

    def mark_and_check() -> None:  # "seen", then asked again, never kept
        with database.atomic() as txn:
            morning.mark_seen(office, clerk)
            assert morning.morning_view_due(office, clerk) is None
            txn.rollback()

    reads = (
        ("seen_today (not seen)", lambda: morning.seen_today(office, clerk)),
        ("morning_view", lambda: morning.morning_view(office)),
        ("morning_view_due (whole)", lambda: morning.morning_view_due(office, clerk)),
        ("mark_seen + due again (rolled back)", mark_and_check),
    )
    print(f"\n{'read':<40} {'median ms':>10} {'max ms':>8}")
    for name, call in reads:
        took = _time(call, args.runs)
        print(f"{name:<40} {_median(took):>10.2f} {max(took):>8.2f}")

    print("\nEXPLAIN QUERY PLAN of every statement of morning_view_due and mark_seen:")
    scans = []
    with database.connection_context():
        statements = captured_sql(lambda: morning.morning_view_due(office, clerk))
        statements += captured_sql(mark_and_check)
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            print(f"  {sql if len(sql) < 150 else sql[:147] + '...'}")
            for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall():
                detail = row[-1]
                flag = ""
                if detail.startswith("SCAN") and any(f" {t}" in detail or f"\"{t}\"" in detail
                                                     for t in BIG):
                    flag = "   <-- scan of a big table"
                    scans.append(detail)
                print(f"      {detail}{flag}")
    print(f"\n{len(scans)} scan(s) of a big table")
    return 1 if scans else 0


if __name__ == "__main__":
    raise SystemExit(main())
