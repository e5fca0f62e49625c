"""Keystrokes of a call intake: a known owner found by unit code, the proposed appointment
accepted (issue #3's target: at most 12 keys beyond the request text); and of a callback
from the dashboard: the overdue one, satisfied, the five inspection answers "yes" given by
one conscious key (issue #13's target: at most 5 keys).

    python benchmarks/keystrokes.py [--json FILE]

Drives the real form with Textual's Pilot on a fresh SQLite file (the tests' small office:
张三 of 3-2-501, technician 张强; clock frozen at 10:05 Shanghai) and counts every key
pressed, apart from the characters of the request itself. F2 opens the form on the
dashboard; until the app binds it, the script opens the form the way F2 will and counts
F2 as the one key it is. The run checks that the order was really saved with the
proposed appointment, prints the count and the keys, and exits 1 above the target.

The callback: the tests' busy morning (one order returned 25 h ago, its callback an hour
late); ``3`` (the Overdue callbacks pane), F4, ``1`` (satisfied), ``a`` (all five
inspection answers yes: they start unanswered), Enter. The run checks the callback stored
with the five answers and the order called back.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DESKTERM_LANG", "en")
# A draft left by someone at this machine would be offered over the form and wait for
# an answer the script never gives: the keys are counted with no drafts at all.
os.environ.setdefault("DESKTERM_DRAFTS_DIR", tempfile.mkdtemp(prefix="deskterm-keys-"))

TARGET = 12
CALLBACK_TARGET = 5
UNIT = "3-2-501"
REQUEST = "厨房水龙头漏水"


async def intake(folder: Path) -> tuple[list[str], str]:
    from deskterm import clock
    from deskterm.db import schema
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import RepairOrder
    from deskterm.screens.repairs.call_intake import CallIntakeScreen
    from tests.desk_app import desk_app, panes_loaded, wait_until
    from tests.factories import MORNING, small_office

    db = open_database(str(folder / "desk.db"))
    schema.migrate(db)
    clock.freeze(MORNING)
    app = desk_app(small_office(), watch=False)
    counted: list[str] = []
    results: list = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await panes_loaded(pilot)
            await wait_until(pilot, lambda: app.session.staff is not None)

            async def press(*keys: str) -> None:
                counted.extend(keys)
                await pilot.press(*keys)

            counted.append("f2")  # what opens the form (bound by the app)
            app.push_screen(CallIntakeScreen(app.session), callback=results.append)
            await wait_until(pilot, lambda: isinstance(app.screen, CallIntakeScreen)
                             and app.screen.query("#ci-appointment"))
            screen = app.screen
            proposed = ""

            def appointment() -> str:
                return screen.query_one("#ci-appointment").value

            await wait_until(pilot, lambda: appointment() != "")
            proposed = appointment()
            await press(*UNIT)  # the lookup has the cursor
            await press("enter")  # the best match: 张三, 3-2-501; the cursor moves on
            await wait_until(pilot, lambda: app.focused is not None
                             and app.focused.id == "ci-request")
            app.focused.insert_text_at_cursor(REQUEST)  # the request: not counted (IME)
            await press("ctrl+s")  # proposed appointment accepted as it stands
            await wait_until(pilot, lambda: results)
        entry, order = results[0]
        order = RepairOrder.get_by_id(order.id)
        assert order.description == REQUEST and order.unit.code == UNIT
        assert order.appointment_at is not None
        return counted, proposed
    finally:
        clock.freeze(None)
        close_database()


async def callback(folder: Path) -> list[str]:
    from deskterm import clock
    from deskterm.db import schema
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import Callback, RepairOrder
    from deskterm.duties.repairs.callbacks import INSPECTION_FIELDS
    from deskterm.screens.repairs.callback_form import CallbackFormScreen
    from tests.desk_app import desk_app, desk_ready, wait_until
    from tests.factories import MORNING, busy_morning

    db = open_database(str(folder / "callback.db"))
    schema.migrate(db)
    clock.freeze(MORNING)
    office = busy_morning("电梯异响")
    row = RepairOrder.get((RepairOrder.office == office.office)
                          & (RepairOrder.state == "returned"))
    app = desk_app(office, watch=False)
    counted: list[str] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await desk_ready(pilot)

            async def press(*keys: str) -> None:
                counted.extend(keys)
                await pilot.press(*keys)

            await press("3", "f4")  # the Overdue callbacks pane, its first row; the form
            await wait_until(pilot, lambda: isinstance(app.screen, CallbackFormScreen)
                             and app.screen.subject is not None)
            await press("1", "a", "enter")  # satisfied; all five answers yes; save
            await wait_until(pilot, lambda: app.screen is app.dashboard)
        [stored] = Callback.select().where(Callback.order == row.id)
        assert stored.outcome == "satisfied"
        assert all(getattr(stored, name) is True for name in INSPECTION_FIELDS)
        assert RepairOrder.get_by_id(row.id).state == "called_back"
        return counted
    finally:
        clock.freeze(None)
        close_database()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the result to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deskterm-keys-") as folder:
        keys, proposed = asyncio.run(intake(Path(folder)))
        called = asyncio.run(callback(Path(folder)))
    print(f"intake for a known owner by unit code, proposed appointment ({proposed}) accepted:")
    print(f"  {len(keys)} keys beyond the request text (target ≤ {TARGET}): {' '.join(keys)}")
    print("callback from the dashboard, satisfied, the inspection all yes by one key:")
    print(f"  {len(called)} keys (target ≤ {CALLBACK_TARGET}): {' '.join(called)}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"scenario": "call intake, known owner by unit code", "keys": keys,
              "count": len(keys), "target": TARGET},
             {"scenario": "callback from the dashboard, satisfied, all yes", "keys": called,
              "count": len(called), "target": CALLBACK_TARGET}],
            ensure_ascii=False, indent=2))
    return 0 if len(keys) <= TARGET and len(called) <= CALLBACK_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
