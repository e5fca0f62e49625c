"""A desk killed mid-call (SIGKILL, or SIGHUP when the SSH connection drops) loses nothing
typed: the half-typed call is in the draft store, and the next F2 by the same clerk on the
same terminal offers it back.

The desk runs for real in a pseudo-terminal (a process of its own, keys sent as a terminal
sends them); the second desk is a Pilot one over the same database and draft folder."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import Input

from deskterm.screens.kit.asking import DraftOffer
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, PIN, small_office

LAUNCH = """
import sys
from deskterm.app import DeskApp
from deskterm.db.connection import open_database
from deskterm.db.models import Office, Staff
from deskterm.session import DeskSession

open_database(sys.argv[1])
office = Office.get()
clerk = Staff.get(Staff.name == "李静")
app = DeskApp(DeskSession(office=office, db_label="test"), demo_staff_id=clerk.id,
              demo_pin=sys.argv[2], watch=False)
app.run()
"""

F2 = "\x1bOQ"


class Terminal:
    """The desk in a pseudo-terminal; what it draws is drained (and kept) by a thread."""

    def __init__(self, tmp_path: Path, db: str, env: dict) -> None:
        script = tmp_path / "launch.py"
        script.write_text(LAUNCH)
        self.master, slave = pty.openpty()
        os.set_blocking(self.master, True)
        self.process = subprocess.Popen(
            [sys.executable, str(script), db, PIN], stdin=slave, stdout=slave, stderr=slave,
            env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.seen = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.seen.extend(chunk)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait(self, condition, what: str, timeout: float = 30.0) -> None:
        start = time.monotonic()
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"the desk ended before {what}")
            if time.monotonic() - start > timeout:
                raise AssertionError(f"not within {timeout}s: {what}")
            time.sleep(0.05)

    def kill(self, sig: int) -> None:
        os.killpg(self.process.pid, sig)
        self.process.wait(10)
        os.close(self.master)


def _draft(folder: Path) -> dict | None:
    for path in folder.glob("call_intake-*.json") if folder.exists() else ():
        try:
            return json.loads(path.read_text())
        except ValueError:
            return None
    return None


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP], ids=["SIGKILL", "SIGHUP"])
async def test_a_killed_desk_offers_the_half_typed_call_back(sqlite_db, frozen_clock,
                                                            tmp_path, sig):
    frozen_clock(MORNING)
    so = small_office()
    drafts = tmp_path / "drafts"
    env = dict(os.environ, DESKTERM_NOW=MORNING, DESKTERM_LANG="en", TERM="xterm-256color",
               COLUMNS="80", LINES="24", DESKTERM_DRAFTS_DIR=str(drafts),
               DESKTERM_TERMINAL="test-terminal", DESKTERM_READY_FILE=str(tmp_path / "ready"),
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    desk = Terminal(tmp_path, sqlite_db.deskterm_url, env)
    try:
        desk.wait(lambda: (tmp_path / "ready").exists(), "the desk is ready")
        desk.type(F2)
        desk.wait(lambda: b"Call intake" in desk.seen, "F2 opens")
        desk.type("Smith\r")  # not on the roster: the name, then the unit
        time.sleep(0.5)
        desk.type("3-2-501\t02787654321\tkitchen tap drips half-ty")
        desk.wait(lambda: "half-ty" in str((_draft(drafts) or {}).get("values")),
                  "the draft is written")
    finally:
        desk.kill(sig)
    assert _draft(drafts)["values"]["name"] == "Smith"

    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, DraftOffer))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallIntakeScreen))
        form = app.screen
        await wait_until(pilot, lambda: form.query_one("#ci-request", Input).value != "")
        assert form.values()["request"] == "kitchen tap drips half-ty"
        assert (form.value("name"), form.value("unit"), form.value("phone")) == (
            "Smith", "3-2-501", "02787654321")
