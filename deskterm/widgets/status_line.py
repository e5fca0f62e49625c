"""The status line: office, who is at the desk, the next deadline, and an HH:MM clock.

While the database is in trouble (``deskterm.db.trouble``) the deadline's place says so
("⚠ Database unreachable since 10:42 · retrying"), in the error colour and bold with a
sign that reads without colour, until the database answers again; who is at the desk
gives it room meanwhile (at 80 columns both did not fit).

The clock changes once a minute and keeps its width, so it updates with ``layout=False``:
measured in DESIGN.md, a re-laying-out seconds clock cost 1.7 % CPU and 3.5 KB/s over SSH.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from deskterm.display import fit, plain


class DeadlineText(Static):
    """The next deadline and, after `` · ``, the one due soon: fitted to the room it has
    (the first part at most half of it) whenever that room changes."""

    parts: tuple[str, str] = ("", "")
    _shown: str | None = None

    def show(self, first: str, second: str = "") -> None:
        self.parts = (first, second)
        self._refit()

    def on_resize(self, event: events.Resize) -> None:
        self._refit()

    def _refit(self) -> None:
        first, second = self.parts
        width = self.content_size.width
        if first and second and width > 0:
            first_width = min(cell_len(first), max((width - 3) // 2, 8))
            text = fit(first, first_width) + " · " + fit(second, max(width - 3 - first_width, 8))
        else:
            text = " · ".join(part for part in self.parts if part)
        if text != self._shown:
            self._shown = text
            self.update(plain(text))


class StatusLine(Horizontal):
    DEFAULT_CSS = """
    StatusLine { height: 1; }
    StatusLine > #status-office { width: auto; max-width: 40%; padding: 0 1; text-style: bold; }
    StatusLine > #status-staff { width: auto; padding: 0 1; }
    StatusLine > #status-deadline { width: 1fr; padding: 0 1; }
    StatusLine > #status-clock { width: 7; padding: 0 1; text-style: bold; }
    StatusLine > #status-trouble { width: 1fr; padding: 0 1; text-style: bold;
        background: $error; color: $text; display: none; }
    StatusLine.-trouble > #status-trouble { display: block; }
    StatusLine.-trouble > #status-deadline { display: none; }
    StatusLine.-trouble > #status-staff { display: none; }
    StatusLine.-trouble > #status-office { max-width: 20; }
    """

    def compose(self) -> ComposeResult:
        yield Static(plain(""), id="status-office", markup=False)
        yield Static(plain(""), id="status-staff", markup=False)
        yield DeadlineText(plain(""), id="status-deadline", markup=False)
        yield Static(plain(""), id="status-trouble", markup=False)
        yield Static(plain("--:--"), id="status-clock", markup=False)

    def set_office(self, name: str) -> None:
        self.query_one("#status-office", Static).update(plain(fit(name, 24)))

    def set_staff(self, text: str) -> None:
        self.query_one("#status-staff", Static).update(plain(text))

    def set_deadline(self, text: str, soon: str = "") -> None:
        """The next deadline's words, and (when one is due soon) that one's, each
        shortened as needed to share the line."""
        self.query_one("#status-deadline", DeadlineText).show(text, soon)

    def set_clock(self, text: str) -> None:
        self.query_one("#status-clock", Static).update(plain(text), layout=False)

    def set_trouble(self, text: str) -> None:
        """Database trouble in the deadline's place ("" when there is none)."""
        self.query_one("#status-trouble", Static).update(plain(("⚠ " + text) if text else ""))
        self.set_class(bool(text), "-trouble")

    @property
    def trouble(self) -> str:
        return str(self.query_one("#status-trouble", Static).content)
