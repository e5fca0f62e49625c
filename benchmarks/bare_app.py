"""The baseline for the startup and idle benchmarks: the least Textual app that shows what
the desk's first frame shows — a one-line status line and a 2×2 grid of four bordered,
titled panes, each a summary line and a few rows of text, and the keys' line — written as plainly as
Textual allows (one ``Static`` per pane, its text given at compose, one small stylesheet).

``benchmarks/startup.py`` reads the same words off the emulated terminal for both apps
(the titles, the status line, each pane's summary), so the two frames are alike. After
it is mounted, ``call_after_refresh`` writes ``time.time()`` into
``$DESKTERM_READY_FILE`` (the app's own stamp, the same signal the desk gives).
``--one`` shows a single Static "ready" instead (the baseline before issue #15).

    python benchmarks/bare_app.py [--one]       # q or ctrl+q quits
"""

from __future__ import annotations

import os
import sys
import time

from textual.app import App, ComposeResult
from textual.containers import Grid, Horizontal
from textual.widgets import Static

#: (title, summary line, rows): what the desk's demo shows at 80x24, in words alike.
PANES = (
    ("Today", "3 of 14 done · ✗ 1 missed",
     ["08:30 ✓ Open the desk", "09:00 ✓ Check the night log", "10:00 ✗ Callback WX-0042",
      "10:12 ▶ ── now ─────────────", "11:00 · Appointment 3-2-1101", "14:00 · Callback"]),
    ("Open orders", "27 open · ! 3 late · top 27 shown",
     ["!09:00 3-2-1101 leaking pipe  Wang", " 11:30 7-1-0602 door lock      Li",
      " 14:00 2-3-0301 no hot water   Zhao", " 15:30 5-1-1203 light          Wang",
      " 11-29 9-2-0402 window         Li", " 11-30 1-1-0101 drain          Zhao"]),
    ("Overdue callbacks", "! 2 late · 4 due · 7d 98.5%✓",
     ["!09:00 WX-0042 3-2-1101   1h", "!10:00 TS-0007 2-1-0503   12m",
      " 15:00 WX-0051 7-1-0602   -", " 16:00 WX-0053 5-1-1203   -"]),
    ("Unbalanced cash", "¥1,234.00 not banked since 09:12",
     ["rcpt 12/pay 12 · 1 open", " Chen   12-07  ¥1,234.00  open"]),
)
STATUS = ("Demo office", "at the desk: Chen · demo", "next: 17:00 Deposit", "12:34")
FOOTER = ("f2Call f3Pay f4Callback f5Handover f6Cash f7Complaint f8Visit f9Reports "
          "f10Books")

CSS = """
#status { height: 1; dock: top; background: $panel; }
#status > Static { width: auto; padding: 0 1; }
#footer { height: 1; dock: bottom; }
#panes { grid-size: 2 2; grid-columns: 1fr 1fr; grid-rows: 1fr 1fr; height: 1fr; }
.pane { border: round $primary 50%; border-title-align: left; height: 1fr; padding: 0 1; }
"""


def _write_ready(path: str) -> None:
    with open(path, "w") as handle:
        handle.write(f"{time.time():.6f}\n")


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]
    CSS = CSS

    def __init__(self, one: bool = False) -> None:
        super().__init__()
        self.one = one

    def compose(self) -> ComposeResult:
        if self.one:
            yield Static("ready")
            return
        with Horizontal(id="status"):
            for words in STATUS:
                yield Static(words, markup=False)
        with Grid(id="panes"):
            for title, summary, rows in PANES:
                pane = Static("\n".join([summary, *rows]), classes="pane", markup=False)
                pane.border_title = title
                yield pane
        yield Static(FOOTER, id="footer", markup=False)

    def on_mount(self) -> None:
        ready_file = os.environ.get("DESKTERM_READY_FILE")
        if ready_file:
            self.call_after_refresh(_write_ready, ready_file)


if __name__ == "__main__":
    BareApp(one="--one" in sys.argv[1:]).run()
