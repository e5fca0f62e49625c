"""What the key fence costs a key: a burst typed into a field of the desk against the same
burst into a bare Textual app's Input, in the same run.

    python benchmarks/key_fence.py [--keys 200] [--runs 5] [--json FILE]

Both apps run under Pilot at 80x24 on this machine; the burst is handed to the driver all
at once (``tests/pilot_keys.burst``: every key queued before the first is handled) and the
clock stops when the field holds every character. The desk's field is F2's request (a
``TextInput`` in a ``DeskForm``, its draft written at every change, the phone scripts
following each key): the fence there waits for each key to be handled to the end before
taking the next. Printed: milliseconds per key (median of the runs) for both, the ratio,
and the desk's slowest run. No target is asserted: the figure goes to PERFORMANCE.md; a
key's answer must stay far under the ~100 ms a clerk would feel.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DESKTERM_LANG", "en")


async def bare(keys: str) -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    from tests.pilot_keys import burst

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="box")

    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.query_one("#box", Input)
        box.focus()
        await pilot.pause()
        start = time.perf_counter()
        await burst(pilot, *keys)
        while box.value != keys:
            await asyncio.sleep(0.001)
        return time.perf_counter() - start


async def desk(keys: str, folder: Path) -> float:
    from textual.widgets import Input

    from deskterm import clock
    from deskterm.db import schema
    from deskterm.db.connection import close_database, open_database
    from deskterm.screens.repairs.call_intake import CallIntakeScreen
    from tests.desk_app import desk_app, desk_ready, wait_until
    from tests.factories import MORNING, small_office
    from tests.pilot_keys import burst

    os.environ["DESKTERM_DRAFTS_DIR"] = str(folder / "drafts")
    db = open_database(str(folder / "desk.db"))
    schema.migrate(db)
    clock.freeze(MORNING)
    app = desk_app(small_office(), watch=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await desk_ready(pilot)
            form = CallIntakeScreen(app.session)
            app.push_screen(form)
            await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
            box = form.query_one("#ci-request", Input)
            form.set_focus(box)
            await pilot.pause()
            start = time.perf_counter()
            await burst(pilot, *keys)
            while box.value != keys:
                await asyncio.sleep(0.001)
            return time.perf_counter() - start
    finally:
        close_database()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    keys = ("abcdefghij" * (args.keys // 10 + 1))[:args.keys]
    bare_runs, desk_runs = [], []
    for run in range(args.runs):
        bare_runs.append(asyncio.run(bare(keys)))
        with tempfile.TemporaryDirectory() as folder:
            desk_runs.append(asyncio.run(desk(keys, Path(folder) / str(run))))
    per = {name: statistics.median(runs) / args.keys * 1000
           for name, runs in (("bare", bare_runs), ("desk", desk_runs))}
    result = {"keys": args.keys, "runs": args.runs, "bare_ms_per_key": round(per["bare"], 3),
              "desk_ms_per_key": round(per["desk"], 3),
              "ratio": round(per["desk"] / per["bare"], 2),
              "desk_slowest_ms_per_key": round(max(desk_runs) / args.keys * 1000, 3)}
    print(f"{args.keys} keys in a burst, median of {args.runs}: bare Input "
          f"{result['bare_ms_per_key']} ms/key, F2 request {result['desk_ms_per_key']} ms/key "
          f"({result['ratio']}x; slowest run {result['desk_slowest_ms_per_key']} ms/key)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
