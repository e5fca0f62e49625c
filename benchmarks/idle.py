"""Idle: what the desk costs while nobody touches it, on every screen a clerk leaves open,
against a bare Textual app.

    python benchmarks/idle.py [--sizes 1000[,1M]] [--screens all] [--seconds 60]
                              [--show] [--json FILE]

For each demo size, one desk per screen a clerk leaves open runs in its own pty of 80x24,
beside the bare app, all at the same time: the dashboard; the morning view (F10 y: it
opens by itself after the day's first sign-in); F2, the call intake, open and untouched;
a book (F10 r, the service register, its search field focused); an order's detail (F10 y
then Enter on its first row). The desks share a copy of the demo of their own (nobody
else's desk writes to it: each write is read by every desk's change watcher). Each desk's output goes to a terminal emulator (pyte), and
the script waits until that screen is drawn (its words on the emulated screen) before it
measures. Once all are there, and after ``--settle`` seconds more, a window of
``--seconds`` is measured for each process:

* CPU: utime + stime of the whole process from ``/proc/PID/stat`` (all threads), as a
  percentage of one core; split into the main thread (Textual's event loop, layout and
  rendering) and the other threads (the desk's change-log poll every 0.4 s, Textual's
  input thread, pane workers);
* output: every byte the app wrote to the terminal (read from the pty master).

The desk's status-line clock shows HH:MM and repaints once a minute (the timeline and
the next deadline reload then too), so a 60 s window holds exactly one minute tick:
the bytes written within 3 s after the minute boundary are shown apart. Between ticks
the desk should write nothing at all. ``--show`` prints what each app wrote outside the
tick (escape codes made visible): what writes when nothing should (a blinking cursor, a
timer, a spinner, a line drawn again unchanged).

Targets: idle CPU under 0.5 % and idle output under 100 bytes/s, on every screen.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from common import PtyApp, bare_argv, desk_argv, ensure_demo, label, parser, table, write_json
from terminal import ESC, Screen, Terminal

CPU_TARGET = 0.5  # % of one core
BYTES_TARGET = 100.0  # bytes per second
_TICKS = os.sysconf("SC_CLK_TCK")
F2, F10 = "\x1bOQ", "\x1b[21~"
DASHBOARD = ("Open orders", "Today")
MORNING = ("Enter open · d done",)  # the morning view's key line


@dataclass(frozen=True)
class Place:
    """A screen a clerk leaves open: the keys from the dashboard to it, and the words that
    show it drawn."""

    name: str
    keys: tuple[str, ...]
    shows: tuple[str, ...]


PLACES = (
    Place("dashboard", (), DASHBOARD),
    Place("morning view", (F10, "y"), MORNING),
    Place("F2 untouched", (F2,), ("Call intake —", "ctrl+s save")),
    Place("F10 r register", (F10, "r"), ("Service register ", " lines")),
    Place("order detail", (F10, "y", "\r"), ("Repair order ", "Esc close")),
)


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


def private_copy(path: Path) -> Path:
    """The demo copied for this run's desks alone: the cached one is shared with other
    benchmarks (and people), whose desks' writes would make these reload and draw."""
    import sqlite3

    copy = path.with_name(f"idle-{path.name}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return copy


def go_to(term: Terminal, place: Place) -> None:
    """From the desk just ready to ``place``, drawn."""
    screen = Screen(term)
    deadline = time.monotonic() + 10.0
    while not (all(word in screen.text() for word in DASHBOARD)
               or MORNING[0] in screen.text()):  # it may have covered the dashboard already
        if time.monotonic() > deadline:
            screen.wait_for(DASHBOARD, time.time())  # says what is on screen
        time.sleep(0.01)
    time.sleep(2.0)  # the morning view, once a person a day, opens by itself
    if MORNING[0] in screen.text():
        if place.keys[:2] == (F10, "y"):  # it is the screen wanted: as it opened
            for key in place.keys[2:]:
                term.send(key)
                time.sleep(0.3)
            screen.wait_for(place.shows, time.time())
            return
        term.send(ESC)
        screen.wait_gone(MORNING[0])
    for key in place.keys:
        term.send(key)
        time.sleep(0.6)  # each screen opened before the next key
    screen.wait_for(place.shows, time.time())


def visible(data: bytes, limit: int = 400) -> str:
    text = data[:limit].decode("utf-8", "replace")
    return text.replace("\x1b", "⎋").replace("\r", "\\r").replace("\n", "\\n")


def measure(apps: list[PtyApp], seconds: float, settle: float) -> list[dict]:
    time.sleep(settle)
    before = {app.name: (app.cpu_seconds(), thread_cpu(app.proc.pid)) for app in apps}
    raw_before = {app.name: len(getattr(app, "raw", b"")) for app in apps}
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
        with app._lock:
            written = bytes(getattr(app, "raw", b"")[raw_before[app.name]:])
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
            "writes_outside_tick": sum(1 for t, _n in writes if not tick <= t < tick + 3.0),
            "sample": visible(written),
            "ready_seconds": app.ready_at - app.spawned if app.ready_at else None,
        })
    return results


def verdicts(results: list[dict]) -> list[dict]:
    out = []
    bare = next((r for r in results if r["name"] == "bare"), None)
    beside = f"; bare {bare['bytes_per_second']:.1f}" if bare else ""
    for r in results:
        if r["name"] == "bare":
            continue
        out.append({"what": f"idle CPU, {r['name']} (%)", "figure": r["cpu_percent"],
                    "target": f"< {CPU_TARGET}", "met": r["cpu_percent"] < CPU_TARGET,
                    "beside": f"bare {bare['cpu_percent']:.2f}" if bare else ""})
        out.append({"what": f"idle output, {r['name']} (B/s)", "figure": r["bytes_per_second"],
                    "target": f"< {BYTES_TARGET:.0f}",
                    "met": r["bytes_per_second"] < BYTES_TARGET, "beside": beside[2:]})
    return out


def print_report(results: list[dict], show: bool = False) -> None:
    seconds = results[0]["seconds"] if results else 0
    ticks = results[0]["minute_ticks"] if results else 0
    print(f"Idle over {seconds:.0f} s ({ticks} minute tick{'' if ticks == 1 else 's'} "
          "inside), 80x24 pty, all side by side")
    print(table(
        ["app", "CPU %", "main thr %", "other thr %", "threads", "bytes", "B/s",
         "tick bytes", "other bytes", "other writes"],
        [[r["name"], r["cpu_percent"], r["main_thread_percent"], r["other_threads_percent"],
          r["threads"], r["bytes"], r["bytes_per_second"], r["minute_tick_bytes"],
          r["bytes_outside_tick"], r["writes_outside_tick"]] for r in results]))
    print(f"(CPU resolution: 1/{_TICKS} s, i.e. {100 / _TICKS / max(seconds, 1):.3f} % "
          "over this window)")
    print()
    if show:
        for r in results:
            if r["bytes"]:
                print(f"{r['name']} wrote (first 400 bytes of the window): {r['sample']}\n")
    for v in verdicts(results):
        print(f"{'met ' if v['met'] else 'MISSED'}  {v['what']}: {v['figure']:.2f} "
              f"(target {v['target']})")


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], sizes=(1_000,))
    p.add_argument("--seconds", type=float, default=60.0, help="measured window (default 60)")
    p.add_argument("--settle", type=float, default=3.0,
                   help="seconds after every screen is drawn before the window (default 3)")
    p.add_argument("--screens", default="all",
                   help="comma-separated screen names (default all: "
                        + ", ".join(place.name for place in PLACES) + ")")
    p.add_argument("--show", action="store_true", help="print what each app wrote")
    args = p.parse_args(argv)
    places = [place for place in PLACES
              if args.screens == "all" or place.name in args.screens.split(",")]
    apps: list[PtyApp] = [PtyApp(bare_argv(), name="bare")]
    routes, copies = [], []
    for size in args.sizes:
        path = private_copy(ensure_demo(size, args.cache)[0])
        copies.append(path)
        for place in places:
            term = Terminal(desk_argv(path), name=f"{place.name} {label(size)}")
            apps.append(term)
            routes.append((term, place))
    print(f"  measuring {len(apps)} apps side by side for {args.seconds:.0f} s ...",
          file=sys.stderr)
    try:
        for app in apps:
            app.start()
            app.wait_ready()
        for term, place in routes:
            go_to(term, place)
        results = measure(apps, args.seconds, args.settle)
    finally:
        for app in apps:
            app.stop()
        for copy in copies:  # the 1M demo's copy is 750 MB
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
    print_report(results, args.show)
    write_json(args.json, {"benchmark": "idle", "seconds": args.seconds, "settle": args.settle,
                           "results": results, "verdicts": verdicts(results)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
