"""Imports: what the desk's launch spends before Textual draws anything, by package.

    python benchmarks/imports.py [--runs 5] [--top 15] [--json FILE]

Runs ``python -X importtime`` on what ``deskterm demo --db PATH`` imports before it
calls ``App.run()`` (the command line, settings, the demo sandbox, the database layer
and ``deskterm.app`` with its screens and widgets), ``--runs`` times in fresh
interpreters, and prints the median wall time of that import next to ``import
textual.app`` alone (what the bare app imports) and an empty interpreter; then the
packages that cost most, by the sum of their modules' own ("self") import time, and
the slowest single modules.
"""

from __future__ import annotations

import collections
import re
import resource
import subprocess
import sys
import time

from common import PYTHON, REPO, app_env, median, parser, table, write_json

DESK_IMPORTS = ("deskterm.cli", "deskterm.config", "deskterm.i18n", "deskterm.demo.sandbox",
                "deskterm.db.schema", "deskterm.db.connection", "deskterm.duties.desk",
                "deskterm.app", "deskterm.session")
#: Peewee imports psycopg (and psycopg2) at import time whenever it is installed, as it
#: is in a dev environment (deskterm[dev] or [postgres]); a SQLite-only install has none.
NO_PSYCOPG = "import sys; sys.modules['psycopg'] = sys.modules['psycopg2'] = None; "
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def wall(code: str, runs: int) -> tuple[float, float]:
    """Median ms of a fresh interpreter running ``code``: wall time, and CPU time (user +
    system; less disturbed than wall time when other work shares the cores)."""
    times, cpus = [], []
    for _ in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([PYTHON, "-c", code], check=True, cwd=REPO, env=app_env(None))
        times.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return median(times[1:]), median(cpus[1:])  # the first run fills the file cache


def importtime(code: str, runs: int) -> dict[str, dict[str, float]]:
    """module -> median self and cumulative µs, and whether it is imported at top level."""
    samples: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
    depth: dict[str, int] = {}
    for _ in range(runs):
        proc = subprocess.run([PYTHON, "-X", "importtime", "-c", code], check=True, cwd=REPO,
                              capture_output=True, text=True, env=app_env(None))
        for line in proc.stderr.splitlines():
            found = _LINE.match(line)
            if found:
                own, cumulative, indent, name = found.groups()
                samples[name].append((int(own), int(cumulative)))
                depth[name] = len(indent) // 2
    return {
        name: {"self_us": median([s for s, _ in values]),
               "cumulative_us": median([c for _, c in values]),
               "depth": depth[name]}
        for name, values in samples.items()
    }


def by_package(modules: dict[str, dict[str, float]]) -> list[tuple[str, float, int]]:
    """(package, ms, modules) by own time; the standard library counts as one."""
    totals: dict[str, float] = collections.Counter()
    counts: dict[str, int] = collections.Counter()
    for name, m in modules.items():
        root = name.split(".")[0]
        if root in sys.stdlib_module_names or root.startswith(("_frozen", "encodings")):
            root = "(standard library)"
        elif root.startswith("__editable__"):
            root = "(editable-install finder)"
        totals[root] += m["self_us"]
        counts[root] += 1
    return sorted(((r, totals[r] / 1000, counts[r]) for r in totals), key=lambda x: -x[1])


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], runs=5)
    p.add_argument("--top", type=int, default=15, help="rows of each table (default 15)")
    args = p.parse_args(argv)
    desk_code = "import " + ", ".join(DESK_IMPORTS)
    walls = {
        "python -c pass": wall("pass", args.runs),
        "import textual.app (the bare app)": wall("import textual.app", args.runs),
        "the desk's imports before App.run()": wall(desk_code, args.runs),
        "the same, psycopg not installed": wall(NO_PSYCOPG + desk_code, args.runs),
    }
    print(f"Fresh interpreter, median of {args.runs} runs (ms)")
    print(table(["what", "wall ms", "CPU ms"], [[k, w, c] for k, (w, c) in walls.items()]))
    print()
    modules = importtime(desk_code, args.runs)
    packages = by_package(modules)
    total = sum(ms for _, ms, _ in packages)
    print(f"-X importtime of the desk's imports: {total:.0f} ms of module code in all, "
          "by top-level package (self time summed)")
    print(table(["package", "ms", "share %", "modules"],
                [[r, ms, ms / total * 100, n] for r, ms, n in packages[:args.top]]))
    print()
    slowest = sorted(modules.items(), key=lambda kv: -kv[1]["self_us"])[:args.top]
    print("Slowest single modules (self time)")
    print(table(["module", "self ms", "cumulative ms"],
                [[n, m["self_us"] / 1000, m["cumulative_us"] / 1000] for n, m in slowest]))
    top_level = sorted(((n, m) for n, m in modules.items() if m["depth"] == 0),
                       key=lambda kv: -kv[1]["cumulative_us"])[:args.top]
    print()
    print("What the desk imports directly, cumulative (each counts what it pulled in first)")
    print(table(["module", "cumulative ms"],
                [[n, m["cumulative_us"] / 1000] for n, m in top_level]))
    write_json(args.json, {"benchmark": "imports", "runs": args.runs, "wall_ms": walls,
                           "packages_ms": packages, "modules": modules})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
