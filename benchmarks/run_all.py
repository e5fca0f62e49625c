"""Run every benchmark and print a summary against the targets.

    python benchmarks/run_all.py [--sizes 1000,100k,1M] [--runs 7] [--seconds 60]
                                 [--out DIR] [--quick]

Runs imports.py, pane_queries.py --verbose, startup.py, idle.py and report_scale.py one
after another (each prints its own tables), keeps their JSON in ``--out``, then prints one
line per target: the figure, the target and whether it was met. With the 1M demo database
already built (``deskterm demo --no-open --orders 1000000 --db
/tmp/deskterm-bench/demo-1M.db``, done by the first run) and this month's office of
1,000,000 payments (``report_scale.py`` builds it in under a minute the first time), the
whole run takes about seven minutes. ``--quick`` (1k and 100k only, 3 runs, a 20 s idle
window, 100,000 payments) is for trying the scripts, not for figures. Nothing here fails on a missed target: timings are read
by a person, not asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

from common import CACHE, HERE, PYTHON, label, machine, sizes_arg, table


def run(script: str, args: list[str], out: Path) -> dict:
    target = out / f"{script.removesuffix('.py')}.json"
    command = [PYTHON, str(HERE / script), *args, "--json", str(target)]
    print(f"\n$ {' '.join(Path(c).name if i < 2 else c for i, c in enumerate(command))}",
          flush=True)
    start = time.perf_counter()
    proc = subprocess.run(command)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        print(f"!! {script} failed with status {proc.returncode}", flush=True)
        return {"benchmark": script, "failed": proc.returncode, "seconds": took}
    data = json.loads(target.read_text())
    data["seconds"] = took
    return data


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=sizes_arg, default=None,
                   help="demo sizes for startup and pane queries (default 1000,100k,1M)")
    p.add_argument("--idle-sizes", type=sizes_arg, default=None,
                   help="desks measured idle (default the smallest and largest size)")
    p.add_argument("--runs", type=int, default=None, help="startup launches of each (7)")
    p.add_argument("--query-runs", type=int, default=50, help="calls per pane query (50)")
    p.add_argument("--seconds", type=float, default=None, help="idle window (60)")
    p.add_argument("--cache", type=Path, default=CACHE)
    p.add_argument("--out", type=Path, default=None,
                   help="where the JSON goes (default CACHE/results-<time>)")
    p.add_argument("--quick", action="store_true", help="small and short: to try the scripts")
    args = p.parse_args(argv)
    sizes = args.sizes or ([1_000, 100_000] if args.quick else [1_000, 100_000, 1_000_000])
    idle_sizes = args.idle_sizes or sorted({min(sizes), max(sizes)})
    runs = args.runs or (3 if args.quick else 7)
    seconds = args.seconds or (20.0 if args.quick else 60.0)
    query_runs = 10 if args.quick and args.query_runs == 50 else args.query_runs
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or args.cache / f"results-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    sizes_text = ",".join(str(s) for s in sizes)
    common = ["--cache", str(args.cache)]

    started = time.perf_counter()
    results = [
        run("imports.py", ["--runs", "3" if args.quick else "5"], out),
        run("pane_queries.py", ["--sizes", sizes_text, "--runs", str(query_runs), "--verbose",
                                *common], out),
        run("startup.py", ["--sizes", sizes_text, "--runs", str(runs), *common], out),
        run("idle.py", ["--sizes", ",".join(str(s) for s in idle_sizes),
                        "--seconds", str(seconds), *common], out),
        run("report_scale.py", ["--payments", "100k" if args.quick else "1M",
                                "--runs", str(runs), "--stress-runs",
                                "1" if args.quick else "3", *common], out),
    ]
    verdicts = [v for r in results for v in r.get("verdicts", [])]
    failed = [r["benchmark"] for r in results if "failed" in r]

    print("\n" + "=" * 78)
    m = machine()
    print(f"Summary  ({m['nproc']} cores, Python {m['python']}, Textual {m['textual']}, "
          f"load {m['loadavg']}, sizes {', '.join(label(s) for s in sizes)}, "
          f"{time.perf_counter() - started:.0f} s)")
    print(table(["target", "figure", "wanted", ""],
                [[v["what"], round(v["figure"], 2), v["target"], "met" if v["met"] else "MISSED"]
                 for v in verdicts]))
    met = sum(v["met"] for v in verdicts)
    print(f"\n{met} of {len(verdicts)} targets met; JSON in {out}")
    if failed:
        print(f"benchmarks that did not finish: {', '.join(failed)}")
    (out / "summary.json").write_text(json.dumps(
        {"machine": m, "sizes": sizes, "verdicts": verdicts, "failed": failed}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
