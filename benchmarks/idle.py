"""Idle: what the desk costs while nobody touches it, against a bare Textual app.

    python benchmarks/idle.py [--sizes 1000[,1M]] [--seconds 60] [--json FILE]

The bare app and the desk on each demo database run side by side, each in its own pty
of 80x24. Once all are ready, and after ``--settle`` seconds more (the demo sign-in and
the reloads it causes), a window of ``--seconds`` is measured for each process:

* CPU: utime + stime of the whole process from ``/proc/PID/stat`` (all threads), as a
  percentage of one core; split into the main thread (Textual's event loop, layout and
  rendering) and the other threads (the desk's change-log poll every 0.4 s, Textual's
  input thread, pane workers);
* output: every byte the app wrote to the terminal (read from the pty master).

The desk's status-line clock shows HH:MM and repaints once a minute (the timeline and
the next deadline reload then too), so a 60 s window holds exactly one minute tick:
the bytes written within 3 s after the minute boundary are shown apart. Between ticks
the desk should write nothing at all.

Targets: idle CPU under 0.5 % and idle output under 100 bytes/s.
"""

from __future__ import annotations

import math
import os
import sys
import time

from common import (
    PtyApp,
    bare_argv,
    desk_argv,
    ensure_demo,
    label,
    parser,
    table,
    write_json,
)

CPU_TARGET = 0.5  # % of one core
BYTES_TARGET = 100.0  # bytes per second
_TICKS = os.sysconf("SC_CLK_TCK")


def thread_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of each thread of ``pid``."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as handle:
                text = handle.read()
        except FileNotFoundError:  # the thread ended
            continue
        fields = text[text.rindex(")") + 2:].split()
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / _TICKS
    return out


def measure(apps: list[PtyApp], seconds: float, settle: float) -> list[dict]:
    for app in apps:
        app.wait_ready()
    time.sleep(settle)
    before = {app.name: (app.cpu_seconds(), thread_cpu(app.proc.pid)) for app in apps}
    start = time.time()
    time.sleep(seconds)
    end = time.time()
    results = []
    tick = math.ceil(start / 60) * 60  # the first minute boundary at or after the start
    for app in apps:
        cpu0, threads0 = before[app.name]
        cpu1, threads1 = app.cpu_seconds(), thread_cpu(app.proc.pid)
        wall = end - start
        pid = app.proc.pid
        main = threads1.get(pid, 0.0) - threads0.get(pid, 0.0)
        total_bytes = app.bytes_between(start, end)
        tick_bytes = app.bytes_between(tick, tick + 3.0) if start <= tick < end else 0
        writes = app.chunks_between(start, end)
        results.append({
            "name": app.name,
            "seconds": wall,
            "minute_ticks": sum(1 for m in range(int(start // 60) + 1, int(end // 60) + 1)
                                if start <= m * 60 < end),
            "cpu_seconds": cpu1 - cpu0,
            "cpu_percent": (cpu1 - cpu0) / wall * 100,
            "main_thread_percent": main / wall * 100,
            "other_threads_percent": ((cpu1 - cpu0) - main) / wall * 100,
            "threads": len(threads1),
            "bytes": total_bytes,
            "bytes_per_second": total_bytes / wall,
            "reads": len(writes),
            "minute_tick_bytes": tick_bytes,
            "bytes_outside_tick": total_bytes - tick_bytes,
            "ready_seconds": app.ready_at - app.spawned if app.ready_at else None,
        })
    return results


def verdicts(results: list[dict]) -> list[dict]:
    out = []
    for r in results:
        if r["name"] == "bare":
            continue
        out.append({"what": f"idle CPU, {r['name']} (%)", "figure": r["cpu_percent"],
                    "target": f"< {CPU_TARGET}", "met": r["cpu_percent"] < CPU_TARGET})
        out.append({"what": f"idle output, {r['name']} (B/s)", "figure": r["bytes_per_second"],
                    "target": f"< {BYTES_TARGET:.0f}",
                    "met": r["bytes_per_second"] < BYTES_TARGET})
    return out


def print_report(results: list[dict]) -> None:
    seconds = results[0]["seconds"] if results else 0
    ticks = results[0]["minute_ticks"] if results else 0
    print(f"Idle over {seconds:.0f} s ({ticks} minute tick{'' if ticks == 1 else 's'} "
          "inside), 80x24 pty")
    print(table(
        ["app", "CPU %", "main thr %", "other thr %", "threads", "bytes", "B/s",
         "tick bytes", "other bytes"],
        [[r["name"], r["cpu_percent"], r["main_thread_percent"], r["other_threads_percent"],
          r["threads"], r["bytes"], r["bytes_per_second"], r["minute_tick_bytes"],
          r["bytes_outside_tick"]] for r in results]))
    print(f"(CPU resolution: 1/{_TICKS} s, i.e. {100 / _TICKS / max(seconds, 1):.3f} % "
          "over this window)")
    print()
    for v in verdicts(results):
        print(f"{'met ' if v['met'] else 'MISSED'}  {v['what']}: {v['figure']:.2f} "
              f"(target {v['target']})")


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], sizes=(1_000,))
    p.add_argument("--seconds", type=float, default=60.0, help="measured window (default 60)")
    p.add_argument("--settle", type=float, default=3.0,
                   help="seconds after ready before the window (default 3)")
    args = p.parse_args(argv)
    apps = [PtyApp(bare_argv(), name="bare")]
    for size in args.sizes:
        path, _took = ensure_demo(size, args.cache)
        apps.append(PtyApp(desk_argv(path), name=f"desk {label(size)}"))
    print(f"  measuring {len(apps)} apps side by side for {args.seconds:.0f} s ...",
          file=sys.stderr)
    try:
        for app in apps:
            app.start()
        results = measure(apps, args.seconds, args.settle)
    finally:
        for app in apps:
            app.stop()
    print_report(results)
    write_json(args.json, {"benchmark": "idle", "seconds": args.seconds, "settle": args.settle,
                           "results": results, "verdicts": verdicts(results)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
