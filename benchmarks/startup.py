"""Startup: from launch to the terminal holding the desk's whole first frame, against the
bare four-pane app launched the same way, on demo offices of 1k, 100k and 1M orders.

    python benchmarks/startup.py [--sizes 1000,1M] [--runs 7] [--json FILE]

For each size the demo database is built once into the cache (``deskterm demo
--no-open``; reused while it is from today), then the desk (``deskterm demo --db
PATH``, signed in as the demo clerk) and ``benchmarks/bare_app.py`` (the least Textual
app showing the same picture: a status line, four titled bordered panes with a summary
line and rows, the keys' line) are launched alternately ``--runs`` times each (after one
discarded warm-up of each, which fills the OS file cache), in a pty of 80x24 whose output
is fed to a terminal emulator (``terminal.py``, pyte).

What is timed is what the clerk sees (issue #15): the emulated terminal says it draws a
frame at once (synchronized output, as most terminals of today), so Textual brackets each
frame; every frame the app wrote is replayed into the emulated screen, and the figures are
the moments (from the spawn) at which

- ``first byte``: the app first wrote to the terminal (before it: the interpreter, the
  imports, for the desk the command line, the database, the demo's freshness check);
- ``frame``: a frame of the app first held the **whole** picture (``whole()``): the status
  line (who is at the desk, the clock), the four panes' titles in their borders, each
  pane's data (its summary line), the keys' line. The clock stops at the chunk that
  brought that frame's end;
- ``stamp``: the app's own ready stamp (``DESKTERM_READY_FILE``), kept for comparison:
  it was the figure before issue #15, and it came ~120 ms before the frame;
- ``torn``: a frame showed a pane's data before its title, borders and the status line
  (the first frame was not whole), the rest coming at least one refresh (1/60 s) later:
  counted over the runs, it must be 0. A write the reader saw in two parts a few
  milliseconds apart (a loaded machine, before Textual uses synchronized output) is one
  frame, not a torn one; ``untitled_ms`` in the JSON keeps how long any such part showed.

CPU is the process's user+system time read as soon as the whole frame was seen.

Targets: desk/bare at most 1.5x (whole frame); the desk as fast at 1M orders as at 1k
(here: the 1M median within 10 % of the 1k median).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import time

from common import (
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
from terminal import Screen, Terminal

RATIO_TARGET = 1.5
SAME_TARGET = 1.10  # "the same at 1M as at 1k": the 1M median within 10 % of 1k's
TITLES = ("Today", "Open orders", "Overdue callbacks", "Unbalanced cash")
#: Each pane's summary line (its data), in the forms the desk writes at 80x24 (the bare
#: app writes the same); any one match per pane.
DATA = (
    re.compile(r"\d+ of \d+ done"),  # Today
    re.compile(r"│ [!✗ ]*\d+ open"),  # Open orders
    re.compile(r"\d+ due"),  # Overdue callbacks
    re.compile(r"banked|late since"),  # Unbalanced cash
)
STATUS = (re.compile(r"at the desk: \S"), re.compile(r"\b\d\d:\d\d\s*$"))
FOOTER = "f10Books"
SYNC_QUERY, SYNC_ANSWER = b"\x1b[?2026$p", b"\x1b[?2026;2$y"  # DECRQM: supported, off
SYNC_START, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"  # a frame begun, drawn
SAME_WRITE = 0.004  # seconds: chunks closer than this are one write of the app
PTY_READ = 4095  # bytes: the most one read of the pty returns (its line discipline's buffer)
TORN_GAP = 1 / 60  # seconds: Textual draws at most one frame per refresh (60 Hz)


def titles_shown(text: str) -> bool:
    """Every pane's title in its top border, the four bottom borders and the status line
    (someone at the desk, the clock)."""
    first = text.split("\n")[0]
    return (all(f"╭─ {title} " in text for title in TITLES) and text.count("╰") >= 4
            and all(pattern.search(first) for pattern in STATUS))


def data_shown(text: str) -> list[bool]:
    return [bool(pattern.search(text)) for pattern in DATA]


def whole(text: str) -> bool:
    """The whole first frame: titles, borders, status line, every pane's data, the keys."""
    return (titles_shown(text) and all(data_shown(text))
            and FOOTER in text.split("\n")[-1])


class SyncTerminal(Terminal):
    """The emulated terminal answering Textual's question whether it draws a frame at once
    (synchronized output, mode 2026, as kitty, WezTerm, iTerm2, Windows Terminal and foot
    do): then every frame comes between ``SYNC_START`` and ``SYNC_END`` and the replay
    can tell frames apart, however the pty splits the bytes."""

    asked = False

    def received(self) -> None:
        if not self.asked and SYNC_QUERY in self.raw:
            self.asked = True
            os.write(self._master, SYNC_ANSWER)


def replay(term: Terminal) -> dict[str, float | bool]:
    """The app's output fed to a fresh emulated screen frame by frame (each ending at
    ``SYNC_END``; the pty's chunks hold no frame boundary): when the data first showed,
    when the frame was first whole, and whether data showed before the titles."""
    import pyte

    screen = pyte.Screen(term.columns, term.rows)
    stream = pyte.ByteStream(screen)
    with term._lock:
        raw, chunks = bytes(term.raw), list(term.chunks)
    ends, offset = [], 0
    for moment, size in chunks:
        offset += size
        ends.append((offset, moment))
    # Frame ends: each SYNC_END; before Textual has heard that the terminal draws frames
    # at once (its first SYNC_START, which may come after the first frame), the end of
    # each write, taken as the last chunk before a pause of ``SAME_WRITE`` (the pty hands
    # a write over in 4 KB reads a few microseconds apart when the reader keeps up) that
    # did not fill the pty's read (a full one, ``PTY_READ`` bytes, has more of its write
    # behind it, however long a loaded machine kept this reader from reading it).
    synced = raw.find(SYNC_START)
    sizes = dict(zip((end for end, _at in ends), (size for _at, size in chunks), strict=True))
    writes = {end for (end, at), (_next, later) in zip(ends, ends[1:], strict=False)
              if later - at >= SAME_WRITE and sizes[end] < PTY_READ} | {ends[-1][0]}
    cuts = sorted({end for end in writes if synced < 0 or end <= synced}
                  | {m.end() for m in re.finditer(re.escape(SYNC_END), raw)})
    data_at = frame_at = None
    untitled = False
    fed = 0
    for cut in cuts:
        stream.feed(raw[fed:cut])
        fed = cut
        moment = next(at for end, at in ends if end >= cut)  # the chunk that brought it
        text = "\n".join("".join(screen.buffer[y][x].data for x in range(screen.columns))
                          for y in range(screen.lines))
        if data_at is None and any(data_shown(text)):
            data_at = moment
            untitled = not titles_shown(text)
        if whole(text):
            frame_at = moment
            break
    if frame_at is None:
        raise RuntimeError("the whole frame was never on the replayed screen")
    # Torn: the data on screen without its titles for a frame of its own. Before Textual
    # knows the terminal draws frames at once, a write is told from the next by a pause
    # between the pty's chunks, and a loaded machine can pause this reader mid-write: the
    # rest of that same frame then follows within milliseconds, where a frame of its own
    # comes at least one refresh (1/60 s) later.
    torn = untitled and frame_at - data_at >= TORN_GAP
    return {"data": (data_at or frame_at) - term.spawned, "frame": frame_at - term.spawned,
            "torn": torn, "untitled_ms": (frame_at - data_at) * 1000 if untitled else 0.0}


def launch(argv: list[str], name: str) -> dict[str, float]:
    term = SyncTerminal(argv, name=name)
    term.start()
    try:
        screen = Screen(term)
        deadline = time.monotonic() + 60
        while not whole(screen.text()):
            if term.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name}: no whole frame; its screen:\n{screen.text()}")
            time.sleep(0.002)
        cpu = term.cpu_seconds()  # as soon as the frame is seen (the morning view follows)
        stamp = term.wait_ready()
        first = (term.first_byte - term.spawned) if term.first_byte else float("nan")
        return {**replay(term), "stamp": stamp, "first_byte": first, "cpu": cpu}
    finally:
        term.stop()


def run_size(size: int, runs: int, cache, *, warmup: int = 1, say=print,
             desk_command: list[str] | None = None) -> dict:
    path, build_seconds = ensure_demo(size, cache)
    desk, bare = desk_argv(path), bare_argv()
    if desk_command:  # another build of the desk (a before/after comparison)
        desk = [*desk_command, *desk[1:]]
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
        say(f"  [{label(size)}] run {i + 1}/{runs}: desk {results['desk'][-1]['frame']*1000:.0f} ms,"
            f" bare {results['bare'][-1]['frame']*1000:.0f} ms", file=sys.stderr)
    return {"size": size, "db": str(path), "ensure_demo_seconds": build_seconds, **results}


def summarise(result: dict) -> dict:
    def ms(who: str, key: str) -> list[float]:
        return [r[key] * 1000 for r in result[who]]

    desk, bare = ms("desk", "frame"), ms("bare", "frame")
    out = {
        "size": result["size"],
        "desk_ms": median(desk), "desk_min": spread(desk)[0], "desk_max": spread(desk)[1],
        "bare_ms": median(bare), "bare_min": spread(bare)[0], "bare_max": spread(bare)[1],
        "ratio": median(desk) / median(bare),
        "cpu_ratio": median(ms("desk", "cpu")) / median(ms("bare", "cpu")),
        "desk_torn": sum(r["torn"] for r in result["desk"]),
        "bare_torn": sum(r["torn"] for r in result["bare"]),
    }
    for who in ("desk", "bare"):
        for key in ("first_byte", "data", "stamp", "cpu"):
            out[f"{who}_{key}_ms"] = median(ms(who, key))
    return out


def verdicts(summaries: list[dict]) -> list[dict]:
    """One line per target: what, figure, target, met."""
    out = []
    for s in summaries:
        out.append({"what": f"whole first frame desk/bare at {label(s['size'])}",
                    "figure": s["ratio"], "target": f"<= {RATIO_TARGET}",
                    "met": s["ratio"] <= RATIO_TARGET})
        out.append({"what": f"first frames showing data without titles at {label(s['size'])}",
                    "figure": s["desk_torn"], "target": "0", "met": s["desk_torn"] == 0})
    by_size = {s["size"]: s for s in summaries}
    if len(by_size) > 1:
        small, large = by_size[min(by_size)], by_size[max(by_size)]
        same = large["desk_ms"] / small["desk_ms"]
        out.append({"what": f"startup {label(large['size'])} / {label(small['size'])}",
                    "figure": same, "target": f"<= {SAME_TARGET}", "met": same <= SAME_TARGET})
    return out


def print_report(summaries: list[dict], runs: int) -> None:
    rows = [
        [label(s["size"]), s["desk_first_byte_ms"], s["desk_ms"],
         f"{s['desk_min']:.0f}-{s['desk_max']:.0f}", s["desk_stamp_ms"], s["desk_cpu_ms"],
         s["bare_first_byte_ms"], s["bare_ms"], f"{s['bare_min']:.0f}-{s['bare_max']:.0f}",
         s["bare_cpu_ms"], s["ratio"], s["cpu_ratio"], f"{s['desk_torn']}/{runs}"]
        for s in summaries
    ]
    print(f"Startup to the whole first frame on the emulated 80x24 terminal, median of {runs} "
          "alternating runs (ms)")
    print(table(["orders", "desk 1st byte", "desk frame", "min-max", "desk stamp", "desk CPU",
                 "bare 1st byte", "bare frame", "min-max", "bare CPU", "frame ratio",
                 "CPU ratio", "torn"], rows))
    print("(frame: the first frame holding the status line, titles, borders and every "
          "pane's data on screen; stamp: the desk's own ready file; CPU: user+system time "
          "when the frame was seen, which hardly moves when other work shares the cores; "
          "torn: runs where data showed before its titles)")
    print()
    for v in verdicts(summaries):
        print(f"{'met ' if v['met'] else 'MISSED'}  {v['what']}: {v['figure']:.2f} "
              f"(target {v['target']})")


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], runs=7)
    p.add_argument("--warmup", type=int, default=1, help="discarded launches of each first")
    p.add_argument("--desk", help="the command that stands for `deskterm` (another build of "
                   "the desk, to compare before and after), e.g. 'python /tmp/old_desk.py'")
    args = p.parse_args(argv)
    started = time.perf_counter()
    command = shlex.split(args.desk) if args.desk else None
    results = [run_size(size, args.runs, args.cache, warmup=args.warmup, desk_command=command)
               for size in args.sizes]
    summaries = [summarise(r) for r in results]
    print_report(summaries, args.runs)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    write_json(args.json, {"benchmark": "startup", "runs": args.runs, "results": results,
                           "summary": summaries, "verdicts": verdicts(summaries)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
