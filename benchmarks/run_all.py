"""Run every benchmark, print a summary against the targets, and write it into
docs/PERFORMANCE.md.

    python benchmarks/run_all.py [--sizes 1000,100k,1M] [--runs 7] [--seconds 60]
                                 [--out DIR] [--quick] [--no-doc] [--doc FILE]

Runs imports.py, pane_queries.py --verbose (at 10:00 and 16:30 office time), startup.py,
screen_keys.py (keys to screens drawn, and the register's search as typed, on the largest
size), idle.py (every screen a clerk leaves open, beside the bare app) and report_scale.py
one after another (each prints its own tables), keeps their JSON in ``--out``, then prints
one line per target: the figure, beside it the bare app's where the target is relative,
the target and whether it was met; and the load average around each script (the machine
is shared: the figures of a loaded machine are said to be so, not passed off as quiet).

The same table, with the date, the commit and the load, replaces what is between
``<!-- run_all:begin -->`` and ``<!-- run_all:end -->`` in docs/PERFORMANCE.md (``--no-doc``
leaves the document alone; ``--quick`` never writes it). A script that fails (a pane
check that finds the panes read something else than what is timed exits 1) is an error:
it is in the table and run_all exits 1. Missed targets are not errors: timings are read
by a person, not asserted.

With the 1M demo built (``/tmp/deskterm-bench/demo-1M.db``, by the first run) and this
month's office of 1,000,000 payments (``report_scale.py`` builds it in about two minutes
the first time), ``--sizes 1000,1M`` takes about ten minutes. ``--quick`` (1k and 100k
only, 3 runs, a 20 s idle window, 100,000 payments) is for trying the scripts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import CACHE, HERE, PYTHON, REPO, label, machine, median, sizes_arg, table

BEGIN, END = "<!-- run_all:begin -->", "<!-- run_all:end -->"
DOC = REPO / "docs" / "PERFORMANCE.md"
KEY_TARGET_MS = 150.0  # screen_keys.py: a key to its screen drawn
SEARCH_TARGET_MS = 100.0  # screen_keys.py: the last key typed to its rows drawn


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(script: str, args: list[str], out: Path) -> dict:
    target = out / f"{script.removesuffix('.py')}.json"
    command = [PYTHON, str(HERE / script), *args, "--json", str(target)]
    print(f"\n$ {' '.join(Path(c).name if i < 2 else c for i, c in enumerate(command))}",
          flush=True)
    load_before = _load()
    start = time.perf_counter()
    proc = subprocess.run(command)
    took = time.perf_counter() - start
    data = {}
    if target.exists():
        data = json.loads(target.read_text())
    data.update(benchmark=script, seconds=took, load=f"{load_before} → {_load()}")
    if proc.returncode != 0:
        print(f"!! {script} failed with status {proc.returncode}", flush=True)
        data["failed"] = proc.returncode
    return data


def screen_key_verdicts(data: dict) -> list[dict]:
    """screen_keys.py's JSON (by size: each key's runs, and the search's) as verdicts."""
    out = []
    for size, keys in data.items():
        if not isinstance(keys, dict) or size in ("machine", "benchmark", "load"):
            continue
        for name, figures in keys.items():
            if not isinstance(figures, dict) or not figures.get("runs_ms"):
                continue
            runs = figures["runs_ms"]
            mid = median(runs)
            if name == "search":
                out.append({"what": f"F10 r, '5625' typed: last key → rows drawn at {size} "
                                    "(ms, median)", "figure": mid,
                            "target": f"<= {SEARCH_TARGET_MS:.0f}",
                            "met": mid <= SEARCH_TARGET_MS,
                            "beside": f"max {max(runs):.0f}"})
                continue
            first = figures.get("first_ms")
            out.append({"what": f"{name}: key → screen drawn at {size} (ms, median)",
                        "figure": mid, "target": f"<= {KEY_TARGET_MS:.0f}",
                        "met": mid <= KEY_TARGET_MS,
                        "beside": f"max {max(runs):.0f}"
                                  + (f", first {first:.0f}" if first is not None else "")})
    return out


def startup_beside(data: dict) -> None:
    """The desk's and the bare app's times beside startup.py's ratios."""
    summaries = {label(s["size"]): s for s in data.get("summary", []) if "size" in s}
    for v in data.get("verdicts", []):
        size = v["what"].rsplit(" at ", 1)[-1]
        s = summaries.get(size)
        if s and "desk/bare" in v["what"] and "desk_ms" in s:
            v["beside"] = (f"desk {s['desk_ms']:.0f} ms, bare {s['bare_ms']:.0f} ms"
                           + (f"; CPU ×{s['cpu_ratio']:.2f}" if "cpu_ratio" in s else ""))


def rows_of(results: list[dict]) -> list[dict]:
    rows = []
    for r in results:
        if r["benchmark"] == "screen_keys.py":
            verdicts = screen_key_verdicts(r)
        else:
            if r["benchmark"] == "startup.py":
                startup_beside(r)
            verdicts = r.get("verdicts", [])
        for v in verdicts:
            rows.append({**v, "script": r["benchmark"], "load": r["load"]})
        if "failed" in r:
            drift = "; ".join(r.get("fetch_drift", [])) or "see its output"
            rows.append({"what": f"{r['benchmark']} did not finish (status {r['failed']})",
                         "figure": float("nan"), "target": "runs", "met": False,
                         "error": True, "beside": drift, "script": r["benchmark"],
                         "load": r["load"]})
    return rows


def _figure(value) -> str:
    if not isinstance(value, (int, float)) or value != value:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True,
                              text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{commit} (working tree with uncommitted changes)" if dirty else commit


def markdown(rows: list[dict], meta: dict) -> str:
    met = sum(1 for r in rows if r["met"])
    lines = [
        BEGIN,
        "<!-- generated by benchmarks/run_all.py: rerun it rather than edit this table -->",
        "",
        f"Run of `python benchmarks/run_all.py {meta['argv']}` on {meta['when']} at commit "
        f"`{meta['commit']}`, {meta['minutes']:.0f} minutes; {meta['nproc']} cores, Python "
        f"{meta['python']}, Textual {meta['textual']}. **Load average (1, 5, 15 min) "
        f"{meta['load_start']} at the start, {meta['load_end']} at the end**: the machine is "
        "shared with other engineers measuring at the same time, so every figure below is "
        "of a loaded machine (the load during each script is in its row); relative targets "
        "are measured beside the bare app in the same run, and CPU figures are steadier "
        "than wall times. JSON of the run: `" + meta["out"] + "`.",
        "",
        f"**{met} of {len(rows)} targets met.**",
        "",
        "| target | figure | beside it | wanted | | script, load during it |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        verdict = "**ERROR**" if r.get("error") else "met" if r["met"] else "**missed**"
        lines.append(f"| {r['what']} | {_figure(r['figure'])} | {r.get('beside', '')} | "
                     f"{r['target']} | {verdict} | {r['script']}, {r['load']} |")
    lines += ["", END]
    return "\n".join(lines)


def write_doc(path: Path, text: str) -> None:
    doc = path.read_text()
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"{path} has no {BEGIN} … {END} markers: add them where the "
                         "generated table goes")
    head, rest = doc.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(head + text + tail)
    print(f"table written into {path}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=sizes_arg, default=None,
                   help="demo sizes for startup and pane queries (default 1000,100k,1M)")
    p.add_argument("--idle-sizes", type=sizes_arg, default=None,
                   help="desks measured idle (default the smallest and largest size)")
    p.add_argument("--runs", type=int, default=None, help="startup launches of each (7)")
    p.add_argument("--key-runs", type=int, default=None, help="presses of each key (5)")
    p.add_argument("--query-runs", type=int, default=50, help="calls per pane query (50)")
    p.add_argument("--seconds", type=float, default=None, help="idle window (60)")
    p.add_argument("--cache", type=Path, default=CACHE)
    p.add_argument("--out", type=Path, default=None,
                   help="where the JSON goes (default CACHE/results-<time>)")
    p.add_argument("--quick", action="store_true", help="small and short: to try the scripts")
    p.add_argument("--no-doc", action="store_true", help="leave docs/PERFORMANCE.md alone")
    p.add_argument("--doc", type=Path, default=DOC, help="the document to write into")
    args = p.parse_args(argv)
    sizes = args.sizes or ([1_000, 100_000] if args.quick else [1_000, 100_000, 1_000_000])
    idle_sizes = args.idle_sizes or sorted({min(sizes), max(sizes)})
    runs = args.runs or (3 if args.quick else 7)
    key_runs = args.key_runs or (2 if args.quick else 5)
    seconds = args.seconds or (20.0 if args.quick else 60.0)
    query_runs = 10 if args.quick and args.query_runs == 50 else args.query_runs
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or args.cache / f"results-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    sizes_text = ",".join(str(s) for s in sizes)
    common = ["--cache", str(args.cache)]

    started, load_start = time.perf_counter(), _load()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results = [
        run("imports.py", ["--runs", "3" if args.quick else "5"], out),
        run("pane_queries.py", ["--sizes", sizes_text, "--runs", str(query_runs), "--verbose",
                                *common], out),
        run("startup.py", ["--sizes", sizes_text, "--runs", str(runs), *common], out),
        run("screen_keys.py", ["--sizes", str(max(sizes)), "--runs", str(key_runs), *common],
            out),
        run("idle.py", ["--sizes", ",".join(str(s) for s in idle_sizes),
                        "--seconds", str(seconds), *common], out),
        run("report_scale.py", ["--payments", "100k" if args.quick else "1M",
                                "--runs", str(runs), "--stress-runs",
                                "1" if args.quick else "3", *common], out),
    ]
    rows = rows_of(results)
    failed = [r["benchmark"] for r in results if "failed" in r]
    m = machine()
    meta = {**m, "when": when, "commit": _commit(), "load_start": load_start,
            "load_end": _load(), "minutes": (time.perf_counter() - started) / 60,
            "out": str(out), "argv": " ".join(argv if argv is not None else sys.argv[1:])}

    print("\n" + "=" * 78)
    print(f"Summary  ({m['nproc']} cores, Python {m['python']}, Textual {m['textual']}, "
          f"load {meta['load_start']} → {meta['load_end']}, sizes "
          f"{', '.join(label(s) for s in sizes)}, {meta['minutes']:.0f} min)")
    print(table(["target", "figure", "beside", "wanted", ""],
                [[r["what"], _figure(r["figure"]), r.get("beside", ""), r["target"],
                  "ERROR" if r.get("error") else "met" if r["met"] else "MISSED"]
                 for r in rows]))
    met = sum(r["met"] for r in rows)
    print(f"\n{met} of {len(rows)} targets met; JSON in {out}")
    if failed:
        print(f"benchmarks that did not finish: {', '.join(failed)}")
    (out / "summary.json").write_text(json.dumps(
        {"machine": m, "meta": meta, "sizes": sizes, "rows": rows, "failed": failed},
        indent=2, default=str) + "\n")
    if not args.quick and not args.no_doc:
        write_doc(args.doc, markdown(rows, meta))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
