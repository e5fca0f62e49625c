"""Pane queries: each dashboard pane's query function called directly, in-process, on
demo offices of 1k, 100k and 1M orders.

    python benchmarks/pane_queries.py [--sizes 1000,100k,1M] [--runs 50] [--verbose]

Each function is called as the desk calls it (the same arguments as the pane's
``fetch``), ``--runs`` times after a warm-up, in two ways:

* "own conn": inside ``database.connection_context()``, a new SQLite connection per
  call, exactly as the desk's thread workers do (so SQLite's page cache starts cold each
  time; the OS file cache is warm). The target applies to this column.
* "warm conn": one connection kept open, the lower bound.

``--verbose`` also prints ``EXPLAIN QUERY PLAN`` of every SQL statement each function
runs (captured from Peewee's query log, with its real parameters), and flags full scans
and temporary sorts, to show that the composite indexes are used.

Target: every pane query under 5 ms (median) at 1M orders.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import time
from collections.abc import Callable

from common import ensure_demo, label, median, parser, table, write_json

TARGET_MS = 5.0
SLOW_STATEMENT_MS = 1.0  # --verbose names every statement slower than this
WARMUP = 5


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def pane_calls(office, clerk) -> dict[str, Callable[[], object]]:
    """name -> a call made the way the desk's pane makes it."""
    from deskterm.clock import now_utc, today_local
    from deskterm.db import changes
    from deskterm.duties import panes
    from deskterm.duties.agenda.deadlines import next_deadline
    from deskterm.duties.agenda.timeline import day_timeline
    from deskterm.duties.schedule import end_of_day_utc

    try:
        from deskterm.widgets.panes import LIMIT
    except Exception:  # noqa: BLE001 - the widget module may move; 50 is its value
        LIMIT = 50

    def due_callbacks():
        shift_end = end_of_day_utc(office, today_local(office.timezone))
        return panes.due_callbacks(office, shift_end=shift_end, limit=LIMIT)

    calls = {
        "open_orders": lambda: panes.open_orders(office, limit=LIMIT),
        "due_callbacks (+rate)": due_callbacks,
        "callback_rate": lambda: panes.callback_rate(office),
        "cash_state": lambda: panes.cash_state(office),
    }
    try:  # the Today pane's query since bd026e4: the items near now and the day's counts
        from deskterm.duties.agenda.timeline_window import timeline_window

        calls["timeline_window"] = lambda: timeline_window(office, now=now_utc(), staff=clerk)
    except ImportError:
        pass
    calls.update({
        "day_timeline (whole day)": lambda: day_timeline(office, now=now_utc(), staff=clerk),
        "next_deadline": lambda: next_deadline(office, now_utc()),
        "latest_id": changes.latest_id,
    })
    return calls


#: The functions the dashboard's panes call (the target applies to them); latest_id is
#: the change watcher's poll, day_timeline the whole day (the Today pane's query before
#: timeline_window; the deadline calendar and reports still build it).
PANE_QUERIES = ("open_orders", "due_callbacks (+rate)", "cash_state", "timeline_window",
                "next_deadline")

#: Which function each pane's ``fetch`` must name for these figures to be the desk's.
_FETCHES = (("deskterm.widgets.panes", "OpenOrdersPane", "open_orders"),
            ("deskterm.widgets.panes", "CallbacksPane", "due_callbacks"),
            ("deskterm.widgets.panes", "CashPane", "cash_state"),
            ("deskterm.widgets.timeline_pane", "TimelinePane", "timeline_window"),
            ("deskterm.screens.desk.dashboard", "DashboardScreen", "next_deadline"))


def check_fetches() -> list[str]:
    """Say so when a pane no longer calls the function timed here for it."""
    import importlib
    import inspect

    problems = []
    for module_name, class_name, function in _FETCHES:
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
            source = inspect.getsource(cls)
        except (ImportError, AttributeError, OSError) as exc:
            problems.append(f"{module_name}.{class_name}: cannot read it ({exc})")
            continue
        if function not in source:
            problems.append(f"{class_name} no longer calls {function}(): update "
                            "benchmarks/pane_queries.py pane_calls()")
    return problems


def _size(value) -> int | None:
    """How many rows a pane gets: a list's length, a result's ``rows``; None for one
    value (a deadline, an id)."""
    if isinstance(value, (list, tuple)):
        return len(value)
    for name in ("rows", "items"):
        rows = getattr(value, name, None)
        if isinstance(rows, (list, tuple)):
            return len(rows)
    return None


def _time(call: Callable[[], object], runs: int, own_connection: bool) -> list[float]:
    from deskterm.db.models import database

    context = database.connection_context if own_connection else contextlib.nullcontext
    for _ in range(WARMUP):
        with context():
            call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with context():
            call()
        times.append((time.perf_counter() - start) * 1000)
    return times


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[tuple[str, tuple]] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.msg
        if isinstance(msg, tuple) and len(msg) == 2 and isinstance(msg[0], str):
            self.queries.append((msg[0], tuple(msg[1] or ())))


def captured_sql(call: Callable[[], object]) -> list[tuple[str, tuple]]:
    """The SQL statements (with parameters) one call runs."""
    log = logging.getLogger("peewee")
    handler = _Capture()
    old_level, old_propagate = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    try:
        call()
    finally:
        log.removeHandler(handler)
        log.setLevel(old_level)
        log.propagate = old_propagate
    return handler.queries


_SCAN = re.compile(r"\bSCAN (\w+)\b( USING (COVERING )?INDEX \w+)?")
_ALIAS = re.compile(r'(?:FROM|JOIN) "(\w+)" AS "(\w+)"', re.IGNORECASE)


def explain(db, name: str, call: Callable[[], object], big_tables: set[str]) -> list[str]:
    """Print each statement's plan; return warnings (scans of big tables)."""
    warnings = []
    for n, (sql, params) in enumerate(captured_sql(call), 1):
        rows = db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        aliases = {alias.lower(): table.lower() for table, alias in _ALIAS.findall(sql)}
        short = sql if len(sql) < 160 else sql[:157] + "..."
        took = []
        for _ in range(7):
            start = time.perf_counter()
            db.execute_sql(sql, params).fetchall()
            took.append((time.perf_counter() - start) * 1000)
        print(f"  {name} #{n} ({median(took):.2f} ms): {short}")
        if median(took) > SLOW_STATEMENT_MS:
            warnings.append(f"{name} #{n} takes {median(took):.1f} ms: {rows[0][-1]}")
        for row in rows:
            detail = row[-1]
            mark = ""
            scanned = _SCAN.search(detail)
            table_name = aliases.get(scanned.group(1).lower(), scanned.group(1).lower()) \
                if scanned else ""
            if scanned and table_name in big_tables:
                what = "walks a whole index" if scanned.group(2) else "full scan"
                mark = f"   <-- {what} of {table_name} (big table)"
                warnings.append(f"{name} #{n}: {detail} ({what} of {table_name})")
            elif "TEMP B-TREE" in detail:
                mark = "   <-- sorts in a temporary b-tree"
            print(f"      {detail}{mark}")
    return warnings


def _big_tables(db, threshold: int = 10_000) -> set[str]:
    big = set()
    for table_name in db.get_tables():
        count = db.execute_sql(f'SELECT COUNT(*) FROM "{table_name}"').fetchone()[0]
        if count >= threshold:
            big.add(table_name.lower())
    return big


def _opening_steps(path, runs: int) -> dict[str, float]:
    """What ``deskterm demo --db PATH`` does before Textual starts, besides imports:
    the demo's freshness check, then opening the database and checking the schema."""
    from pathlib import Path

    from deskterm.db import schema
    from deskterm.db.connection import close_database, describe, open_database
    from deskterm.duties.desk import desk_office

    steps: dict[str, Callable[[], object]] = {}
    try:
        from deskterm.demo.sandbox import _fresh

        steps["demo freshness check"] = lambda: _fresh(Path(path))
    except ImportError:
        pass

    def open_and_check():
        db = open_database(str(path))
        schema.check(db, describe(str(path)))
        desk_office(None)
        close_database()

    steps["open + schema check + office"] = open_and_check
    out = {}
    for name, call in steps.items():
        call()
        times = []
        for _ in range(max(5, runs // 5)):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        out[name] = median(times)
    return out


def run_size(size: int, runs: int, cache, *, verbose: bool = False) -> dict:
    path, _took = ensure_demo(size, cache)
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import RepairOrder, Staff
    from deskterm.duties.desk import desk_office

    db = open_database(str(path))
    try:
        office = desk_office(None)
        clerk = (Staff.select().where((Staff.office == office) & (Staff.role == "clerk"))
                 .order_by(Staff.id).first())
        orders = RepairOrder.select().count()
        calls = pane_calls(office, clerk)
        result = {"size": size, "db": str(path), "orders_in_db": orders, "calls": {}}
        warnings: list[str] = []
        if verbose:
            print(f"\n=== EXPLAIN QUERY PLAN, {label(size)} orders ({path}) ===")
            stat = db.execute_sql(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0]
            print(f"  (ANALYZE statistics {'present' if stat else 'absent'})")
            big = _big_tables(db)
            print(f"  (tables of 10,000 rows or more: {', '.join(sorted(big))})")
            for name, call in calls.items():
                warnings += explain(db, name, call, big)
        for name, call in calls.items():
            warm = _time(call, runs, own_connection=False)
            result["calls"][name] = {"warm_ms": median(warm), "rows": _size(call())}
        close_database()  # from here each call opens its own connection, as a worker does
        for name, call in calls.items():
            own = _time(call, runs, own_connection=True)
            result["calls"][name].update(own_ms=median(own), own_p90_ms=_p90(own),
                                         own_max_ms=max(own))
        result["plan_warnings"] = warnings
    finally:
        close_database()
    result["opening_ms"] = _opening_steps(path, runs)
    return result


def verdicts(results: list[dict]) -> list[dict]:
    if not results:
        return []
    largest = max(results, key=lambda r: r["size"])
    out = []
    for name in PANE_QUERIES:
        if name not in largest["calls"]:
            continue
        figure = largest["calls"][name]["own_ms"]
        out.append({"what": f"{name} at {label(largest['size'])} (ms, own connection)",
                    "figure": figure, "target": f"< {TARGET_MS}", "met": figure < TARGET_MS})
    return out


def print_report(results: list[dict], runs: int) -> None:
    names = list(results[0]["calls"])
    headers = ["query"]
    for r in results:
        headers += [f"{label(r['size'])} own", f"{label(r['size'])} p90",
                    f"{label(r['size'])} warm", f"{label(r['size'])} rows"]
    rows = []
    for name in names:
        row = [name]
        for r in results:
            c = r["calls"][name]
            row += [c["own_ms"], c["own_p90_ms"], c["warm_ms"],
                    "-" if c.get("rows") is None else c["rows"]]
        rows.append(row)
    total = ["the five panes' calls"]
    for r in results:
        total += [sum(r["calls"][n]["own_ms"] for n in PANE_QUERIES if n in r["calls"]),
                  float("nan"),
                  sum(r["calls"][n]["warm_ms"] for n in PANE_QUERIES if n in r["calls"]), ""]
    rows.append(total)
    print(f"Pane queries, median of {runs} calls after {WARMUP} warm-up (ms); "
          "own = a new connection per call (as the desk's workers), warm = one open connection")
    print(table(headers, rows))
    print()
    steps = list(results[0]["opening_ms"])
    if steps:
        print("Before Textual starts (ms, median)")
        print(table(["step"] + [label(r["size"]) for r in results],
                    [[s] + [r["opening_ms"].get(s, float("nan")) for r in results]
                     for s in steps]))
        print()
    for r in results:
        for w in r.get("plan_warnings", []):
            print(f"plan warning at {label(r['size'])}: {w}")
    for v in verdicts(results):
        print(f"{'met ' if v['met'] else 'MISSED'}  {v['what']}: {v['figure']:.2f} "
              f"(target {v['target']})")


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], runs=50)
    p.add_argument("--verbose", action="store_true", help="print EXPLAIN QUERY PLAN too")
    args = p.parse_args(argv)
    started = time.perf_counter()
    drift = check_fetches()
    for problem in drift:
        print(f"WARNING: {problem}", file=sys.stderr)
    results = []
    for size in args.sizes:
        results.append(run_size(size, args.runs, args.cache, verbose=args.verbose))
        print(f"  [{label(size)}] done", file=sys.stderr)
    print()
    print_report(results, args.runs)
    for problem in drift:
        print(f"WARNING: {problem}")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    write_json(args.json, {"benchmark": "pane_queries", "runs": args.runs, "results": results,
                           "verdicts": verdicts(results), "fetch_drift": drift})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
