"""The status line: office, who is at the desk, the next deadline, and an HH:MM clock.

The clock changes once a minute and keeps its width, so it updates with ``layout=False``:
measured in DESIGN.md, a re-laying-out seconds clock cost 1.7 % CPU and 3.5 KB/s over SSH.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from deskterm.display import fit, plain


class StatusLine(Horizontal):
    DEFAULT_CSS = """
    StatusLine { height: 1; }
    StatusLine > #status-office { width: auto; max-width: 40%; padding: 0 1; text-style: bold; }
    StatusLine > #status-staff { width: auto; padding: 0 1; }
    StatusLine > #status-deadline { width: 1fr; padding: 0 1; }
    StatusLine > #status-clock { width: 7; padding: 0 1; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Static(plain(""), id="status-office", markup=False)
        yield Static(plain(""), id="status-staff", markup=False)
        yield Static(plain(""), id="status-deadline", markup=False)
        yield Static(plain("--:--"), id="status-clock", markup=False)

    def set_office(self, name: str) -> None:
        self.query_one("#status-office", Static).update(plain(fit(name, 24)))

    def set_staff(self, text: str) -> None:
        self.query_one("#status-staff", Static).update(plain(text))

    def set_deadline(self, text: str) -> None:
        self.query_one("#status-deadline", Static).update(plain(text))

    def set_clock(self, text: str) -> None:
        self.query_one("#status-clock", Static).update(plain(text), layout=False)
