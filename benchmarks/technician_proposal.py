"""What call intake (F2) asks the database while the clerk is on the phone, at a million
orders: the technician proposed for a category, the answer to a busy time, the lists the
form reads when it opens (technicians, buildings, places).

    python benchmarks/technician_proposal.py --db /tmp/copy-of-demo-1M.db [--runs 20]
                                             [--verbose] [--json FILE]

Give it a COPY of a demo database (it writes to it: the demo technicians' skills, as
``deskterm demo`` sets them today, when the copy has none). Each read is timed ``--runs``
times after a warm-up on one connection, as the form's worker holds one; ``--verbose``
prints each statement's ``EXPLAIN QUERY PLAN`` (no full scan of repair_order allowed).

Target: each under 20 ms (median), far inside the ~150 ms a key may take.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_MS = 20.0
WARMUP = 3
SKILLS = {"张强": "water,gas", "王建军": "electricity,lift", "周海": "doors_locks,walls_roof"}


def _skills(office) -> None:
    from deskterm.db import changes
    from deskterm.db.models import Staff

    with changes.write():
        for name, skills in SKILLS.items():
            Staff.update(skills=skills).where(
                (Staff.office == office) & (Staff.name == name) & (Staff.skills == "")).execute()


def main() -> int:
    args_parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args_parser.add_argument("--db", required=True, help="a copy of a demo database")
    args_parser.add_argument("--runs", type=int, default=20)
    args_parser.add_argument("--verbose", action="store_true")
    args_parser.add_argument("--json")
    args = args_parser.parse_args()

    from pane_queries import captured_sql

    from deskterm.clock import now_utc
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import Office, RepairOrder, Staff, database
    from deskterm.duties.repairs.intake_words import suggest_category
    from deskterm.duties.repairs.proposal import busy_offer, propose
    from deskterm.duties.residents.estate_admin import active_places
    from deskterm.duties.residents.roster import active_technicians, office_buildings

    open_database(args.db)
    try:
        office = Office.get_by_id(1)
        _skills(office)
        now = now_utc()
        busy = (RepairOrder.select(RepairOrder.technician, RepairOrder.appointment_at).where(
            (RepairOrder.office == office) & RepairOrder.state.in_(RepairOrder.OPEN_STATES)
            & (RepairOrder.appointment_at > now) & RepairOrder.technician.is_null(False))
            .order_by(RepairOrder.appointment_at).tuples().first())
        tech, at = busy or (Staff.get((Staff.office == office)
                                      & (Staff.role == "technician")).id, now)
        reads = [
            ("open: technicians, buildings, places", lambda: (
                active_technicians(office), office_buildings(office), active_places(office))),
            ("propose water", lambda: propose(office, "water", now)),
            ("propose other (any)", lambda: propose(office, "other", now)),
            ("propose for a chosen technician", lambda: propose(office, "water", now,
                                                                technician=tech)),
            ("busy_offer at a booked time", lambda: busy_offer(office, "water", tech, at)),
            ("suggest_category (no query)", lambda: suggest_category("卫生间天花板漏水")),
        ]
        rows = {}
        for name, call in reads:
            for _ in range(WARMUP):
                call()
            times = []
            for _ in range(args.runs):
                began = time.perf_counter()
                call()
                times.append((time.perf_counter() - began) * 1000)
            rows[name] = {"median_ms": statistics.median(times), "max_ms": max(times)}
            if args.verbose:
                for sql, params in captured_sql(call):
                    plan = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                    print(f"{name}: {sql[:90]}…\n    {[row[-1] for row in plan]}",
                          file=sys.stderr)
        orders = RepairOrder.select(RepairOrder.id).count()
    finally:
        close_database()
    print(f"{orders:,} orders; busy time asked: {at} for technician {tech}")
    width = max(len(n) for n in rows)
    for name, row in rows.items():
        met = "met" if row["median_ms"] < TARGET_MS else "MISSED"
        print(f"  {name:<{width}}  median {row['median_ms']:6.2f} ms  "
              f"max {row['max_ms']:6.2f} ms  {met}")
    if args.json:
        import json

        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
