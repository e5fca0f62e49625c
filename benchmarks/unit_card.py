"""The unit's card (issue #13) at a million orders: what F2, F3, F7 and F8 read the moment
the caller's unit is known, and the Open orders pane once an order has been chased.

    python benchmarks/unit_card.py [--sizes 1000,1M] [--runs 50] [--verbose] [--json FILE]
    python benchmarks/unit_card.py --db /tmp/copy-of-demo-1M.db     # a copy already made

Each demo office (``common.ensure_demo``) is copied (the cache stays as built) and migrated;
in the copy one open order is chased twice (``chases.chase_order``, as ctrl+o in F2 does)
so that the pane has a chased order to raise. Then, ``--runs`` times after a warm-up:

- ``unit_card`` of three units: the one with the most orders (years of history), the
  chased order's (open orders, late or not), and one with none at all; each on a new
  connection per call (as the desk's worker opens one) and on one kept open;
- ``open_orders`` (the pane's query, ``limit=50``) with the chased order in it.

``--verbose`` prints each statement's ``EXPLAIN QUERY PLAN`` and flags a walk of a big
table. Targets: the card under 20 ms (median) at 1,000,000 orders, well inside the desk's
~150 ms per key; the pane under 5 ms, as every pane (``pane_queries.py``).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ensure_demo, label, median, parser, table, write_json
from pane_queries import _big_tables, explain

CARD_MS = 20.0
PANE_MS = 5.0
WARMUP = 3


def _units(office):
    """(name, unit id) of the three units measured, and the chased order's id."""
    from peewee import fn

    from deskterm.db.models import RepairOrder, Unit

    busiest = (RepairOrder.select(RepairOrder.unit, fn.COUNT(RepairOrder.id).alias("n"))
               .where(RepairOrder.unit.is_null(False))
               .group_by(RepairOrder.unit).order_by(fn.COUNT(RepairOrder.id).desc())
               .limit(1).tuples().first())
    open_order = (RepairOrder.select(RepairOrder.id, RepairOrder.unit)
                  .where((RepairOrder.office == office)
                         & RepairOrder.state.in_(RepairOrder.OPEN_STATES)
                         & RepairOrder.unit.is_null(False))
                  .order_by(RepairOrder.appointment_at.desc(nulls="LAST"))
                  .tuples().first())
    quiet = (Unit.select(Unit.id)
             .where((Unit.office == office) & ~fn.EXISTS(
                 RepairOrder.select(RepairOrder.id).where(RepairOrder.unit == Unit.id)))
             .tuples().first())
    units = [("most orders", busiest[0]), ("open, chased", open_order[1])]
    if quiet is not None:
        units.append(("no orders", quiet[0]))
    return units, open_order[0]


def _chase(office, order_id: int) -> None:
    from deskterm.db.models import RepairOrder, Staff
    from deskterm.duties.repairs.chases import chase_order

    if RepairOrder.get_by_id(order_id).chases >= 2:
        return
    clerk = Staff.get((Staff.office == office) & (Staff.role == "clerk"))
    for _ in range(2):
        chase_order(office, clerk, order_id, caller_name="业主", request="师傅还没到")


def _timed(call, runs: int, *, own_connection: bool) -> tuple[float, float, float]:
    """Median and max wall milliseconds, and the median CPU milliseconds of this thread
    (what a loaded machine's other work does not add)."""
    from deskterm.db.models import database

    for _ in range(WARMUP):
        call()
    times, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.thread_time()
        if own_connection:
            with database.connection_context():
                call()
        else:
            call()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - began_cpu) * 1000)
    return median(times), max(times), median(cpu)


def measure(path: Path, runs: int, verbose: bool) -> list[tuple]:
    from deskterm.db import schema
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import Office, RepairOrder, Unit, database
    from deskterm.duties.panes import open_orders
    from deskterm.duties.repairs.unit_card import unit_card

    db = open_database(str(path))
    try:
        schema.migrate(db)  # the copy: the card's columns (0005) if the cache predates them
        office = Office.get_by_id(1)
        units, chased = _units(office)
        _chase(office, chased)
        results = []
        for name, unit_id in units:
            code = Unit.get_by_id(unit_id).code
            orders = RepairOrder.select().where(RepairOrder.unit == unit_id).count()
            card = unit_card(office, unit_id)
            shown = f"{code} ({orders} orders, {card.open_orders} open)"
            for connection, own in (("own", True), ("warm", False)):
                med, worst, cpu = _timed(lambda u=unit_id: unit_card(office, u), runs,
                                         own_connection=own)
                results.append(("unit_card", f"{name}: {shown}", connection, med, worst,
                                cpu, CARD_MS))
        pane = open_orders(office)
        assert pane.rows[0].id == chased and pane.chased >= 1, "the chased order is not first"
        for connection, own in (("own", True), ("warm", False)):
            med, worst, cpu = _timed(lambda: open_orders(office), runs, own_connection=own)
            results.append(("open_orders", f"{pane.count} open, {pane.chased} chased",
                            connection, med, worst, cpu, PANE_MS))
        if verbose:
            big = _big_tables(database)
            warnings = []
            for name, unit_id in units:
                warnings += explain(database, f"unit_card {name}",
                                    lambda u=unit_id: unit_card(office, u), big)
            warnings += explain(database, "open_orders", lambda: open_orders(office), big)
            for warning in warnings:
                print("  WARNING", warning, file=sys.stderr)
        return results
    finally:
        close_database()


def main() -> int:
    args_parser = parser(__doc__.splitlines()[0], sizes=(1_000, 1_000_000), runs=50)
    args_parser.add_argument("--verbose", action="store_true")
    args_parser.add_argument("--db", type=Path, help="measure this database (a copy you "
                             "made) instead of the demo cache; it is migrated and written")
    args = args_parser.parse_args()
    rows, payload = [], {}
    targets = [(args.db.name, args.db)] if args.db else []
    folder = tempfile.TemporaryDirectory()
    if not args.db:
        for size in args.sizes:
            built, _seconds = ensure_demo(size, args.cache, quiet=True)
            copy = Path(folder.name) / f"card-{label(size)}.db"
            shutil.copyfile(built, copy)
            copy.chmod(0o600)  # private, as the desk wants its database
            targets.append((label(size), copy))
    with folder:
        for size_label, path in targets:
            for read, what, connection, med, worst, cpu, target in measure(
                    path, args.runs, args.verbose):
                met = "met" if med < target else "MISSED"
                rows.append((size_label, read, what, connection, f"{med:.2f}",
                             f"{worst:.2f}", f"{cpu:.2f}", f"< {target:.0f} ms", met,
                             f"{target / med:.1f}×" if med else "—"))
                payload[f"{size_label}/{read}/{what}/{connection}"] = {
                    "median_ms": med, "max_ms": worst, "cpu_ms": cpu, "target_ms": target}
            if not args.db:
                path.unlink()
    print(table(("orders", "read", "unit / pane", "connection", "median ms", "max ms",
                 "CPU ms", "target", "", "target/median"), rows))
    write_json(args.json, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
