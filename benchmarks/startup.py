"""Startup: how long from launch until the desk shows all four panes' data, against a
bare Textual app launched the same way, on demo offices of 1k, 100k and 1M orders.

    python benchmarks/startup.py [--sizes 1000,100k,1M] [--runs 7] [--json FILE]

For each size the demo database is built once into the cache (``deskterm demo
--no-open``; reused while it is from today), then the desk (``deskterm demo --db
PATH``, signed in as the demo clerk) and ``benchmarks/bare_app.py`` are launched
alternately ``--runs`` times each (after one discarded warm-up of each, which fills the
OS file cache), in a pty of 80x24. A run is timed from the spawn to the timestamp the
app writes into ``DESKTERM_READY_FILE`` when its first full frame is on screen; then
the app is killed (SIGTERM, SIGKILL). "first byte" is when the app first wrote to the
terminal: for the desk, everything before Textual starts (imports, opening the
database, the demo's freshness check); "ready" minus "first byte" is Textual's mount
plus the pane queries plus the first paint.

Targets: desk/bare at most 1.5x; the desk as fast at 1M orders as at 1k (here: the
1M median within 10 % of the 1k median).
"""

from __future__ import annotations

import sys
import time

from common import (
    PtyApp,
    bare_argv,
    desk_argv,
    ensure_demo,
    label,
    median,
    parser,
    spread,
    table,
    write_json,
)

RATIO_TARGET = 1.5
SAME_TARGET = 1.10  # "the same at 1M as at 1k": the 1M median within 10 % of 1k's


def launch(argv: list[str], name: str) -> dict[str, float]:
    app = PtyApp(argv, name=name)
    app.start()
    try:
        ready = app.wait_ready()
        cpu = app.cpu_seconds()  # within a few ms of ready: the app is idle by then
        first = (app.first_byte - app.spawned) if app.first_byte else float("nan")
        return {"ready": ready, "first_byte": first, "cpu": cpu}
    finally:
        app.stop()


def run_size(size: int, runs: int, cache, *, warmup: int = 1, say=print) -> dict:
    path, build_seconds = ensure_demo(size, cache)
    desk, bare = desk_argv(path), bare_argv()
    for _ in range(warmup):
        launch(desk, "desk")
        launch(bare, "bare")
    results: dict[str, list[dict[str, float]]] = {"desk": [], "bare": []}
    for i in range(runs):
        # Alternate, and swap who goes first each round, so neither is always the one
        # that follows the other's exit.
        order = (("desk", desk), ("bare", bare)) if i % 2 == 0 else (("bare", bare), ("desk", desk))
        for name, argv in order:
            results[name].append(launch(argv, name))
        say(f"  [{label(size)}] run {i + 1}/{runs}: desk {results['desk'][-1]['ready']*1000:.0f} ms,"
            f" bare {results['bare'][-1]['ready']*1000:.0f} ms", file=sys.stderr)
    return {"size": size, "db": str(path), "ensure_demo_seconds": build_seconds, **results}


def summarise(result: dict) -> dict:
    desk = [r["ready"] * 1000 for r in result["desk"]]
    bare = [r["ready"] * 1000 for r in result["bare"]]
    desk_first = [r["first_byte"] * 1000 for r in result["desk"]]
    bare_first = [r["first_byte"] * 1000 for r in result["bare"]]
    desk_cpu = [r["cpu"] * 1000 for r in result["desk"]]
    bare_cpu = [r["cpu"] * 1000 for r in result["bare"]]
    return {
        "size": result["size"],
        "desk_ms": median(desk), "desk_min": spread(desk)[0], "desk_max": spread(desk)[1],
        "bare_ms": median(bare), "bare_min": spread(bare)[0], "bare_max": spread(bare)[1],
        "desk_first_byte_ms": median(desk_first), "bare_first_byte_ms": median(bare_first),
        "desk_cpu_ms": median(desk_cpu), "bare_cpu_ms": median(bare_cpu),
        "ratio": median(desk) / median(bare),
        "cpu_ratio": median(desk_cpu) / median(bare_cpu),
    }


def verdicts(summaries: list[dict]) -> list[dict]:
    """One line per target: what, figure, target, met."""
    out = []
    for s in summaries:
        out.append({"what": f"startup desk/bare at {label(s['size'])}", "figure": s["ratio"],
                    "target": f"<= {RATIO_TARGET}", "met": s["ratio"] <= RATIO_TARGET})
    by_size = {s["size"]: s for s in summaries}
    if len(by_size) > 1:
        small, large = by_size[min(by_size)], by_size[max(by_size)]
        same = large["desk_ms"] / small["desk_ms"]
        out.append({"what": f"startup {label(large['size'])} / {label(small['size'])}",
                    "figure": same, "target": f"<= {SAME_TARGET}", "met": same <= SAME_TARGET})
    return out


def print_report(summaries: list[dict], runs: int) -> None:
    rows = [
        [label(s["size"]), s["desk_ms"], f"{s['desk_min']:.0f}-{s['desk_max']:.0f}",
         s["bare_ms"], f"{s['bare_min']:.0f}-{s['bare_max']:.0f}", s["ratio"],
         s["desk_first_byte_ms"], s["bare_first_byte_ms"], s["desk_cpu_ms"], s["bare_cpu_ms"],
         s["cpu_ratio"]]
        for s in summaries
    ]
    print(f"Startup to first full frame, 80x24 pty, median of {runs} runs (ms)")
    print(table(["orders", "desk", "desk min-max", "bare", "bare min-max", "desk/bare",
                 "desk 1st byte", "bare 1st byte", "desk CPU", "bare CPU", "CPU ratio"],
                rows))
    print("(CPU: user+system time the process had used when it was ready; unlike wall "
          "time, it hardly moves when other work shares the cores)")
    print()
    for v in verdicts(summaries):
        print(f"{'met ' if v['met'] else 'MISSED'}  {v['what']}: {v['figure']:.2f} "
              f"(target {v['target']})")


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], runs=7)
    p.add_argument("--warmup", type=int, default=1, help="discarded launches of each first")
    args = p.parse_args(argv)
    started = time.perf_counter()
    results = [run_size(size, args.runs, args.cache, warmup=args.warmup) for size in args.sizes]
    summaries = [summarise(r) for r in results]
    print_report(summaries, args.runs)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    write_json(args.json, {"benchmark": "startup", "runs": args.runs, "results": results,
                           "summary": summaries, "verdicts": verdicts(summaries)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
