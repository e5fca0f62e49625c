"""The manager's books at a million orders: what F10 ``x`` (the staff book) and its ``e``
(the estate book) read before they show anything.

    python benchmarks/admin_reads.py [--sizes 1000,1M] [--runs 20] [--verbose] [--json FILE]

Each demo office (``common.ensure_demo``) gets three public places, one of them with a
few orders, in a copy of the cached demo (the cache stays as built). Each read is timed
``--runs`` times after a warm-up on a connection kept open, as the desk's worker holds
one. ``--verbose`` prints ``EXPLAIN QUERY PLAN`` of each statement.

Target: each under 20 ms (median) at 1,000,000 orders, so the books open within the
desk's ~150 ms per key with room for Textual's drawing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ensure_demo, label, median, parser, table, write_json
from pane_queries import captured_sql

TARGET_MS = 20.0
WARMUP = 3


def _with_places(office) -> None:
    """Three public places; the gate with five orders (as a month of patrols would)."""
    from deskterm.db.models import RepairOrder, Staff
    from deskterm.duties.orders import register_call
    from deskterm.duties.residents.estate_admin import active_places, add_place

    if active_places(office):
        return
    gate = add_place(office, None, "东门道闸", "A")
    add_place(office, None, "会所", "A")
    add_place(office, None, "3号路", "B")
    clerk = Staff.get((Staff.office == office) & (Staff.role == "clerk"))
    for _ in range(5):
        register_call(office, clerk, channel="patrol", kind="repair", caller_name="保安",
                      phone="", request="抬杆故障", place=gate.id, category="public_area")
    assert RepairOrder.select().where(RepairOrder.place == gate.id).count() == 5


def measure(path: Path, runs: int, verbose: bool) -> list[tuple[str, float, float]]:
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import Office
    from deskterm.duties.residents.estate_admin import estate_rows
    from deskterm.duties.staff_admin import staff_lines

    open_database(str(path))
    try:
        office = Office.get_by_id(1)
        _with_places(office)
        results = []
        for name, call in (("estate_rows", lambda: estate_rows(office)),
                           ("staff_lines", lambda: staff_lines(office))):
            for _ in range(WARMUP):
                call()
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                call()
                times.append((time.perf_counter() - began) * 1000)
            if verbose:
                from deskterm.db.models import database

                for sql, params in captured_sql(call):
                    plan = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                    print(name, sql, [row[-1] for row in plan], file=sys.stderr)
            results.append((name, median(times), max(times)))
        return results
    finally:
        close_database()


def main() -> int:
    args_parser = parser(__doc__.splitlines()[0], sizes=(1_000, 1_000_000), runs=20)
    args_parser.add_argument("--verbose", action="store_true")
    args = args_parser.parse_args()
    rows, payload = [], {}
    for size in args.sizes:
        built, _seconds = ensure_demo(size, args.cache, quiet=True)
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "admin.db"
            shutil.copyfile(built, copy)
            copy.chmod(0o600)  # private, as the desk wants its database
            for name, med, worst in measure(copy, args.runs, args.verbose):
                met = "met" if med < TARGET_MS else "MISSED"
                rows.append((label(size), name, f"{med:.1f}", f"{worst:.1f}", met))
                payload[f"{label(size)}/{name}"] = {"median_ms": med, "max_ms": worst}
    print(table(("orders", "read", "median ms", "max ms", f"< {TARGET_MS:.0f} ms"), rows))
    write_json(args.json, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
