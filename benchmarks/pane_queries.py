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

The clock is frozen at the busy hours of the office's day (``--at``, default 10:00 and
16:30 office time: the day full of appointments and callbacks), not at whatever time the
script happens to run; the figures are given for each.

Before timing, each pane's own read (its ``fetch``, the dashboard's ``_deadlines``) is
called with the demo's session under a trace, and must reach the functions timed here for
it (``_FETCHES``); if one does not, the script says which and exits with status 1: its
figures would not be the desk's.

Target: every pane query under 5 ms (median) at 1M orders, at every hour timed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import sys
import time
from collections.abc import Callable

from common import ensure_demo, label, median, parser, table, write_json

TARGET_MS = 5.0
BUSY_HOURS = ("10:00", "16:30")  # office time: the day full of appointments, callbacks
SLOW_STATEMENT_MS = 1.0  # --verbose names every statement slower than this
WARMUP = 5


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def pane_calls(office, clerk) -> dict[str, Callable[[], object]]:
    """name -> the very function the dashboard calls for that pane
    (``deskterm.widgets.pane_data``, which the panes' ``fetch`` and the first load call),
    with the session the desk would pass; ``check_fetches`` proves it is still so."""
    from types import SimpleNamespace

    from deskterm.clock import now_utc
    from deskterm.db import changes
    from deskterm.duties import panes
    from deskterm.duties.agenda.timeline import day_timeline
    from deskterm.widgets import pane_data

    session = SimpleNamespace(office=office, staff=clerk)
    return {
        "open_orders": lambda: pane_data.open_orders(session),
        "due_callbacks (+rate)": lambda: pane_data.callbacks(session),
        "callback_rate": lambda: panes.callback_rate(office),
        "cash_state": lambda: pane_data.cash(session),
        "timeline_window": lambda: pane_data.timeline(session),
        "day_timeline (whole day)": lambda: day_timeline(office, now=now_utc(), staff=clerk),
        "next_deadline": lambda: pane_data.deadlines(session),
        "latest_id": changes.latest_id,
    }


#: The functions the dashboard's panes call (the target applies to them); latest_id is
#: the change watcher's poll, day_timeline the whole day (the Today pane's query before
#: timeline_window; the deadline calendar and reports still build it).
PANE_QUERIES = ("open_orders", "due_callbacks (+rate)", "cash_state", "timeline_window",
                "next_deadline")

#: What each pane does to read its data -- (module, class, method) -- and the functions
#: that call must reach for the figure timed under that name to be the desk's: the
#: ``pane_data`` function timed here and the duty under it.
_FETCHES = {
    "open_orders": ("deskterm.widgets.panes", "OpenOrdersPane", "fetch",
                    ("deskterm.widgets.pane_data:open_orders", "deskterm.duties.panes:open_orders")),
    "due_callbacks (+rate)": ("deskterm.widgets.panes", "CallbacksPane", "fetch",
                              ("deskterm.widgets.pane_data:callbacks",
                               "deskterm.duties.panes:due_callbacks")),
    "cash_state": ("deskterm.widgets.panes", "CashPane", "fetch",
                   ("deskterm.widgets.pane_data:cash", "deskterm.duties.panes:cash_state")),
    "timeline_window": ("deskterm.widgets.timeline_pane", "TimelinePane", "fetch",
                        ("deskterm.widgets.pane_data:timeline",
                         "deskterm.duties.agenda.timeline_window:timeline_window")),
    "next_deadline": ("deskterm.screens.desk.dashboard", "DashboardScreen", "_deadlines",
                      ("deskterm.widgets.pane_data:deadlines",
                       "deskterm.duties.agenda.deadlines:next_deadline")),
}


def _code(path: str):
    """The code object of ``module:function`` (under any decorator)."""
    import importlib
    import inspect

    module_name, _, name = path.partition(":")
    return inspect.unwrap(getattr(importlib.import_module(module_name), name)).__code__


def check_fetches(office, clerk) -> list[str]:
    """Call each pane's own read (its ``fetch``, the dashboard's ``_deadlines``) with the
    desk's session, trace every Python function it calls, and say so when it no longer
    reaches the functions timed here for it (then these figures are not the desk's).
    Also that the first load (``pane_data.FETCHERS``) reads through the same functions."""
    import importlib
    from types import SimpleNamespace

    from deskterm.db.models import database

    session = SimpleNamespace(office=office, staff=clerk, tz=office.timezone, demo=False)
    problems = []
    for name, (module_name, class_name, method, wanted) in _FETCHES.items():
        try:
            method_function = getattr(getattr(importlib.import_module(module_name),
                                              class_name), method)
            codes = {path: _code(path) for path in wanted}
        except (ImportError, AttributeError) as exc:
            problems.append(f"{name}: cannot find {module_name}.{class_name}.{method} or "
                            f"{', '.join(wanted)} ({exc}): update benchmarks/pane_queries.py")
            continue
        called: set = set()

        def trace(frame, event, _arg, called=called):
            if event == "call":
                called.add(frame.f_code)

        fake = SimpleNamespace(context=session, session=session, app=None)
        sys.setprofile(trace)
        try:
            with database.connection_context():
                method_function(fake)
        except Exception as exc:  # noqa: BLE001 - reported as a failed check
            problems.append(f"{class_name}.{method} failed when called as the desk calls it "
                            f"({type(exc).__name__}: {exc})")
            continue
        finally:
            sys.setprofile(None)
        for path, code in codes.items():
            if code not in called:
                problems.append(f"{class_name}.{method} no longer calls {path}(), timed "
                                f"here as {name!r}: update benchmarks/pane_queries.py")
    from deskterm.widgets import pane_data

    first = {f.__name__ for f in getattr(pane_data, "FETCHERS", {}).values()}
    for path in ("open_orders", "callbacks", "cash", "timeline"):
        if path not in first:
            problems.append(f"pane_data.FETCHERS (the first load) no longer reads {path}()")
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
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        with context():
            call()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    _time.cpu = cpu  # the CPU of the same calls: steadier than wall time on a busy machine
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


def office_moment(office, at: str):
    """Today's ``at`` (``HH:MM``, office time) as naive UTC: the clock the panes read."""
    from deskterm.clock import day_bounds_utc, today_local

    hours, minutes = (int(part) for part in at.split(":"))
    midnight = day_bounds_utc(today_local(office.timezone), office.timezone)[0]
    return midnight + dt.timedelta(hours=hours, minutes=minutes)


def run_size(size: int, runs: int, cache, *, at: tuple[str, ...] = BUSY_HOURS,
             verbose: bool = False) -> tuple[list[dict], list[str]]:
    """One result per office time in ``at``, the clock frozen there; and the problems the
    pane check found."""
    path, _took = ensure_demo(size, cache)
    from deskterm import clock
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import RepairOrder, Staff
    from deskterm.duties.desk import desk_office

    out = []
    db = open_database(str(path))
    try:
        office = desk_office(None)
        clerk = (Staff.select().where((Staff.office == office) & (Staff.role == "clerk"))
                 .order_by(Staff.id).first())
        orders = RepairOrder.select().count()
        calls = pane_calls(office, clerk)
        clock.freeze(office_moment(office, at[0]))
        problems = check_fetches(office, clerk)
        big = _big_tables(db) if verbose else set()
        for hour in at:
            clock.freeze(office_moment(office, hour))
            open_database(str(path))
            result = {"size": size, "at": hour, "now_utc": clock.now_utc().isoformat(),
                      "db": str(path), "orders_in_db": orders, "calls": {}}
            warnings: list[str] = []
            if verbose:
                print(f"\n=== EXPLAIN QUERY PLAN, {label(size)} orders at {hour} office time "
                      f"({path}) ===")
                stat = db.execute_sql("SELECT COUNT(*) FROM sqlite_master "
                                      "WHERE name = 'sqlite_stat1'").fetchone()[0]
                print(f"  (ANALYZE statistics {'present' if stat else 'absent'})")
                print(f"  (tables of 10,000 rows or more: {', '.join(sorted(big))})")
                for name, call in calls.items():
                    warnings += explain(db, name, call, big)
            for name, call in calls.items():
                warm = _time(call, runs, own_connection=False)
                result["calls"][name] = {"warm_ms": median(warm), "rows": _size(call())}
            close_database()  # from here each call opens its own connection, as a worker
            for name, call in calls.items():
                own = _time(call, runs, own_connection=True)
                result["calls"][name].update(own_ms=median(own), own_p90_ms=_p90(own),
                                             own_max_ms=max(own), own_cpu_ms=median(_time.cpu))
            result["plan_warnings"] = warnings
            out.append(result)
    finally:
        clock.freeze(None)
        close_database()
    out[0]["opening_ms"] = _opening_steps(path, runs)
    return out, problems


def _name(r: dict) -> str:
    return f"{label(r['size'])} {r['at']}"


def verdicts(results: list[dict]) -> list[dict]:
    if not results:
        return []
    largest = max(r["size"] for r in results)
    out = []
    for name in PANE_QUERIES:
        for r in results:
            if r["size"] != largest or name not in r["calls"]:
                continue
            figure = r["calls"][name]["own_ms"]
            out.append({"what": f"{name} at {label(largest)}, {r['at']} office time "
                                "(ms, own connection)",
                        "figure": figure, "target": f"< {TARGET_MS:.0f}",
                        "met": figure < TARGET_MS,
                        "beside": f"CPU {r['calls'][name].get('own_cpu_ms', float('nan')):.2f}, "
                                  f"warm conn {r['calls'][name]['warm_ms']:.2f}"})
    return out


def print_report(results: list[dict], runs: int) -> None:
    names = list(results[0]["calls"])
    headers = ["query"]
    for r in results:
        headers += [f"{_name(r)} own", "p90", "CPU", "warm", "rows"]
    rows = []
    for name in names:
        row = [name]
        for r in results:
            c = r["calls"][name]
            row += [c["own_ms"], c["own_p90_ms"], c.get("own_cpu_ms", float("nan")),
                    c["warm_ms"], "-" if c.get("rows") is None else c["rows"]]
        rows.append(row)
    total = ["the five panes' calls"]
    for r in results:
        total += [sum(r["calls"][n]["own_ms"] for n in PANE_QUERIES if n in r["calls"]),
                  float("nan"), float("nan"),
                  sum(r["calls"][n]["warm_ms"] for n in PANE_QUERIES if n in r["calls"]), ""]
    rows.append(total)
    print(f"Pane queries at office times {', '.join(sorted({r['at'] for r in results}))} "
          f"(the clock frozen there), median of {runs} calls after {WARMUP} warm-up (ms); "
          "own = a new connection per call (as the desk's workers; CPU: its process "
          "time), warm = one open connection")
    print(table(headers, rows))
    print()
    opened = [r for r in results if "opening_ms" in r]
    steps = list(opened[0]["opening_ms"]) if opened else []
    if steps:
        print("Before Textual starts (ms, median)")
        print(table(["step"] + [label(r["size"]) for r in opened],
                    [[s] + [r["opening_ms"].get(s, float("nan")) for r in opened]
                     for s in steps]))
        print()
    for r in results:
        for w in r.get("plan_warnings", []):
            print(f"plan warning at {_name(r)}: {w}")
    for v in verdicts(results):
        print(f"{'met ' if v['met'] else 'MISSED'}  {v['what']}: {v['figure']:.2f} "
              f"(target {v['target']})")


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], runs=50)
    p.add_argument("--verbose", action="store_true", help="print EXPLAIN QUERY PLAN too")
    p.add_argument("--at", default=",".join(BUSY_HOURS),
                   help="office times the clock is frozen at (default 10:00,16:30)")
    args = p.parse_args(argv)
    at = tuple(part.strip() for part in args.at.split(",") if part.strip())
    started = time.perf_counter()
    results, drift = [], []
    for size in args.sizes:
        found, problems = run_size(size, args.runs, args.cache, at=at, verbose=args.verbose)
        results += found
        drift += [f"{label(size)}: {problem}" for problem in problems]
        print(f"  [{label(size)}] done", file=sys.stderr)
    print()
    print_report(results, args.runs)
    for problem in drift:
        print(f"ERROR: {problem}")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    write_json(args.json, {"benchmark": "pane_queries", "runs": args.runs, "at": at,
                           "results": results, "verdicts": verdicts(results),
                           "fetch_drift": drift})
    if drift:
        print("ERROR: the panes no longer read what is timed here (above): these figures "
              "are not the desk's", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
