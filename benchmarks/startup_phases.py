"""Where the desk's start-up CPU goes, by phase, beside the bare app (issue #15).

    python benchmarks/startup_phases.py [--sizes 1000] [--runs 7]

Each launch runs in the same 80x24 pty as startup.py, without a profiler: the desk marks
the main thread's CPU time (``time.thread_time``) when ``App.run()`` starts, when the
dashboard composes, when its first data is shown and when the frame holding it has been
refreshed; the first-load thread's CPU and wall time are read as it ends; the process's
CPU (every thread, the demo sign-in's scrypt too) at the frame. The bare app marks the
process's CPU at ``App.run()`` and at its first frame. Medians over ``--runs``.

CPU time hardly moves with the load of other work on the cores, so the phases compare
across runs of a shared machine where wall times do not.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time

from common import PYTHON, PtyApp, ensure_demo, label, parser, table

MARKS = ("run", "compose", "first data shown", "frame")


def _stop(marks: dict[str, float], start: float, out: str) -> None:
    """At the first frame: the marks into ``out``, and the app gone at once."""
    marks["frame"] = time.thread_time()
    marks["process CPU"] = time.process_time() - start
    with open(out, "w") as handle:
        json.dump(marks, handle)
    os._exit(0)


def desk(db: str, out: str) -> None:
    """Runs inside the pty: the desk, marked, until its first frame."""
    start = time.process_time()
    marks: dict[str, float] = {}
    from deskterm.paths import skip_postgres_driver

    skip_postgres_driver()
    import textual.app

    run = textual.app.App.run

    def timed_run(self, *args, **kwargs):
        marks["run"] = time.thread_time()
        return run(self, *args, **kwargs)

    textual.app.App.run = timed_run
    from deskterm.screens.desk.dashboard import DashboardScreen
    from deskterm.widgets import pane_data

    read = pane_data.FirstLoad._read

    def timed_read(self) -> None:
        cpu, wall = time.thread_time(), time.perf_counter()
        read(self)
        marks["first load CPU"] = time.thread_time() - cpu
        marks["first load wall"] = time.perf_counter() - wall

    pane_data.FirstLoad._read = timed_read
    compose, show_first, first_frame = (DashboardScreen.compose, DashboardScreen._show_first,
                                        DashboardScreen._first_frame)

    def marked_compose(self):
        marks.setdefault("compose", time.thread_time())
        return compose(self)

    def marked_show_first(self, *args):
        marks.setdefault("first data shown", time.thread_time())
        return show_first(self, *args)

    def marked_first_frame(self) -> None:
        self.call_after_refresh(_stop, marks, start, out)  # before what waited for it
        first_frame(self)

    DashboardScreen.compose = marked_compose
    DashboardScreen._show_first = marked_show_first
    DashboardScreen._first_frame = marked_first_frame
    from deskterm.cli import main

    main(["demo", "--db", db])


def bare(out: str) -> None:
    """Runs inside the pty: the bare app, marked, until its first frame."""
    start = time.process_time()
    import bare_app

    marks = {"run": time.thread_time()}
    bare_app.BareApp.on_mount = lambda self: self.call_after_refresh(_stop, marks, start, out)
    bare_app.BareApp().run()


def launch(argv: list[str], out: str) -> dict[str, float]:
    if os.path.exists(out):
        os.unlink(out)
    app = PtyApp(argv, name=os.path.basename(argv[1])).start()
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(out):
            if app.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{argv}: no first frame")
            time.sleep(0.01)
        time.sleep(0.02)  # the file written whole
        with open(out) as handle:
            return json.load(handle)
    finally:
        if app.proc.poll() is None:
            app.proc.kill()
        app.proc.wait()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--desk"]:
        desk(argv[1], argv[2])
        return 0
    if argv[:1] == ["--bare"]:
        bare(argv[1])
        return 0
    p = parser(__doc__.splitlines()[0], sizes=[1000], runs=7)
    args = p.parse_args(argv)
    out = os.path.join(tempfile.mkdtemp(prefix="deskterm-phases-"), "marks.json")
    for size in args.sizes:
        path, _took = ensure_demo(size, args.cache)
        desks, bares = [], []
        for _ in range(args.runs):
            desks.append(launch([PYTHON, __file__, "--desk", str(path), out], out))
            bares.append(launch([PYTHON, __file__, "--bare", out], out))

        def ms(runs, key):
            return statistics.median(r[key] for r in runs) * 1000

        rows = [["desk: main thread CPU at " + mark, f"{ms(desks, mark):.0f}"] for mark in MARKS]
        rows += [["desk: first-load thread CPU", f"{ms(desks, 'first load CPU'):.0f}"],
                 ["desk: first-load thread wall", f"{ms(desks, 'first load wall'):.0f}"],
                 ["desk: process CPU at the frame", f"{ms(desks, 'process CPU'):.0f}"],
                 ["bare: main thread CPU at run", f"{ms(bares, 'run'):.0f}"],
                 ["bare: main thread CPU at the frame", f"{ms(bares, 'frame'):.0f}"],
                 ["bare: process CPU at the frame", f"{ms(bares, 'process CPU'):.0f}"]]
        print(f"\n{label(size)} orders, median of {args.runs} (ms of CPU; main thread "
              "figures count from the interpreter's start)")
        print(table(["what", "ms"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
