"""Issue #14's Done-when: ``deskterm call 17830225795`` (a separate process, as a PBX runs
it) puts 王健 of 27-2-1802 with his open orders on a running desk's screen, on SQLite and
PostgreSQL, and F2 opens with him filled in and the call answered. That it takes under a
second is measured by ``benchmarks/ring_to_screen.py`` (a timed assert here would flake
on a loaded machine)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deskterm.db.models import IncomingCall
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from deskterm.widgets.ringing import RingingBanner
from tests.calls.calls_data import WANG_PHONE, wang_jian_office
from tests.desk_app import desk_app, desk_ready, wait_until

ROOT = Path(__file__).resolve().parents[2]


def run_call(url: str, office_id: int, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DESKTERM_LANG="en", DESKTERM_CONFIG=os.devnull,
               PYTHONPATH=str(ROOT))
    env.pop("DESKTERM_NOW", None)
    return subprocess.run(
        [sys.executable, "-m", "deskterm", "call", *args, "--db", url,
         "--office", str(office_id)], env=env, capture_output=True, text=True, timeout=60)


def banner_text(app) -> str:
    banner = app.dashboard.query_one(RingingBanner)
    return str(banner.render()) if banner.display else ""


@pytest.mark.both_databases
async def test_a_call_rings_on_the_desk_within_a_second_and_f2_takes_it(desk_db):
    so, owner, unit = wang_jian_office()
    app = desk_app(so, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        assert banner_text(app) == ""
        started = time.monotonic()
        done = run_call(desk_db.deskterm_url, so.office.id, WANG_PHONE, "--line", "front")
        written = time.monotonic()
        assert done.returncode == 0, done.stderr
        assert "王健 27-2-1802" in done.stdout
        waited = await wait_until(
            pilot, lambda: "王健" in banner_text(app) and "1 open order" in banner_text(app))
        shown = time.monotonic()
        text = banner_text(app)
        assert "178 3022 5795" in text and "27-2-1802" in text and "1 late" in text
        # "Within a second" is timed by benchmarks/ring_to_screen.py, in a terminal: a
        # timed assert flakes on a loaded machine (here 0.2-0.5 s at rest).
        print(f"command {written - started:.2f}s, then on screen in {waited:.2f}s "
              f"({shown - written:.2f}s after the write)")
        app.save_screenshot("/tmp/calls-ringing.svg")

        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CallIntakeScreen))
        form = app.screen
        await wait_until(pilot, lambda: form.value("name") == "王健")
        assert form.value("unit") == "27-2-1802"
        assert form.value("phone") == "178 3022 5795"
        await wait_until(pilot, lambda: form.focused is form.widget("request"))
        call = IncomingCall.get(IncomingCall.number == WANG_PHONE)
        await wait_until(pilot, lambda: IncomingCall.get_by_id(call.id).state == "answered")
        answered = IncomingCall.get_by_id(call.id)
        assert answered.answered_by_id == so.clerk.id and answered.line == "front"
        assert answered.owner_id == owner.id and answered.unit_id == unit.id
        assert answered.answered_at >= answered.rang_at
        app.save_screenshot("/tmp/calls-f2.svg")
        # answered: no desk shows it ringing any more
        await wait_until(pilot, lambda: not app.dashboard.query_one(RingingBanner).display)
