"""Where the desk's startup goes: cProfile of the main thread from the first import to
the dashboard's first frame (the refresh after the panes' first data is shown), in the
same 80x24 pty as startup.py.

    python benchmarks/profile_startup.py [--sizes 1000] [--top 25] [--save FILE.prof]

The desk is run as ``deskterm demo --db PATH`` would run it, but inside a profiler
that starts before ``deskterm.cli`` is imported; after the refresh that draws the panes'
first data (the whole first frame, issue #15) the profile is saved and the process exits. The report groups the time spent in each
function's own code by where the code lives (Textual's CSS, layout, compositor,
widgets..., Rich, deskterm, Peewee, importing), then lists the heaviest calls.

Profiling slows Python code down (roughly 1.5-2x), unevenly: the shares matter, not
the totals. Only the main thread is profiled: the pane queries run in worker threads
(their cost is in pane_queries.py).
"""

from __future__ import annotations

import collections
import os
import pstats
import sys
import tempfile
import time

from common import PYTHON, PtyApp, ensure_demo, label, parser, table


def inner(db: str, out: str) -> None:
    """Runs inside the pty: profile the desk until it is ready, save, exit."""
    import cProfile

    profile = cProfile.Profile()
    profile.enable()
    from deskterm.paths import skip_postgres_driver

    skip_postgres_driver()  # as deskterm.cli does on a SQLite desk, before Peewee's import
    import deskterm.app
    from deskterm.cli import main

    write_ready = deskterm.app._write_ready

    def ready_then_stop(path: str) -> None:
        profile.disable()
        write_ready(path)
        profile.dump_stats(out)
        os._exit(0)

    deskterm.app._write_ready = ready_then_stop
    from deskterm.screens.desk.dashboard import DashboardScreen

    first_frame = DashboardScreen._first_frame

    def first_frame_then_stop(self) -> None:  # the refresh after the panes' data is shown
        first_frame(self)
        self.call_after_refresh(ready_then_stop, os.environ["DESKTERM_READY_FILE"])

    DashboardScreen._first_frame = first_frame_then_stop
    main(["demo", "--db", db])


def _group(filename: str, function: str) -> str:
    path = filename.replace("\\", "/")
    if filename == "~":
        if "method" in function and ("sqlite3" in function or "execute" in function):
            return "SQLite (C)"
        return "built-ins (C)"
    if "<frozen importlib" in path or "importlib" in path.split("/")[-2:][0]:
        return "importing (finding, loading, unmarshalling)"
    for marker, name in (
        ("/textual/css/", "textual: CSS (parse, match, apply styles)"),
        ("/textual/_compositor", "textual: compositor"),
        ("/textual/layouts/", "textual: layout"),
        ("/textual/_arrange", "textual: layout"),
        ("/textual/_layout", "textual: layout"),
        ("/textual/widgets/_data_table", "textual: DataTable"),
        ("/textual/widgets/", "textual: other widgets"),
        ("/textual/", "textual: app, DOM, messages"),
        ("/rich/", "rich"),
        ("/deskterm/", "deskterm"),
        ("/peewee", "peewee"),
        ("/playhouse/", "peewee"),
        ("/arrow/", "arrow"),
        ("/dateutil/", "arrow"),
        ("/asyncio/", "asyncio"),
    ):
        if marker in path:
            return name
    if "site-packages" in path:
        return "other packages: " + path.split("site-packages/")[1].split("/")[0]
    return "standard library"


def report(prof: str, top: int) -> dict:
    stats = pstats.Stats(prof)
    total = stats.total_tt
    groups: dict[str, float] = collections.Counter()
    for (filename, _line, function), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        groups[_group(filename, function)] += tt
    rows = sorted(groups.items(), key=lambda kv: -kv[1])
    print(f"Main thread until ready: {total * 1000:.0f} ms profiled (own time by where the code "
          "lives)")
    print(table(["where", "ms", "share %"],
                [[g, t * 1000, t / total * 100] for g, t in rows]))
    print()
    heavy = sorted(stats.stats.items(), key=lambda kv: -kv[1][3])
    shown = []
    for (filename, line, function), (_cc, nc, tt, ct, _callers) in heavy:
        name = f"{function} ({_short(filename)}:{line})"
        if function.startswith("<") and function not in ("<module>",):
            continue
        shown.append([name, nc, tt * 1000, ct * 1000])
        if len(shown) >= top:
            break
    print(f"Heaviest calls by cumulative time (top {top})")
    print(table(["function", "calls", "own ms", "cumulative ms"], shown))
    return {"total_ms": total * 1000, "groups_ms": {g: t * 1000 for g, t in rows}}


def _short(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1]
    if "/deskterm/" in filename:
        return "deskterm/" + filename.split("/deskterm/")[-1]
    return filename.rsplit("/", 2)[-1] if "/" in filename else filename


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--inner"]:
        inner(argv[1], argv[2])
        return 0
    p = parser(__doc__.splitlines()[0], sizes=(1_000,))
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--save", help="keep the .prof file here (for snakeviz, pstats...)")
    args = p.parse_args(argv)
    out = {}
    for size in args.sizes:
        path, _took = ensure_demo(size, args.cache)
        prof = args.save or tempfile.mktemp(prefix="deskterm-startup-", suffix=".prof")
        app = PtyApp([PYTHON, __file__, "--inner", str(path), prof], name="desk (profiled)")
        with app:
            ready = app.wait_ready()
            deadline = time.monotonic() + 30
            while app.proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
        print(f"\n=== {label(size)} orders: ready after {ready * 1000:.0f} ms under the "
              "profiler ===")
        out[size] = report(prof, args.top)
        if not args.save:
            os.unlink(prof)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
