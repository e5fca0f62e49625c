"""The baseline for the startup and idle benchmarks: the least a Textual app can be.

A Static saying "ready"; after it is mounted, ``call_after_refresh`` writes
``time.time()`` into ``$DESKTERM_READY_FILE``, the same signal (and the same moment:
the refresh after the content is in place) that the desk gives when its four panes
show their data. Launched by the same interpreter, in the same pty, as the desk.

    python benchmarks/bare_app.py        # q or ctrl+q quits
"""

from __future__ import annotations

import os
import time

from textual.app import App, ComposeResult
from textual.widgets import Static


def _write_ready(path: str) -> None:
    with open(path, "w") as handle:
        handle.write(f"{time.time():.6f}\n")


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("ready")

    def on_mount(self) -> None:
        ready_file = os.environ.get("DESKTERM_READY_FILE")
        if ready_file:
            self.call_after_refresh(_write_ready, ready_file)


if __name__ == "__main__":
    BareApp().run()
