"""The status line: office, who is at the desk, the next deadline, and an HH:MM clock.

While the database is in trouble (``deskterm.db.trouble``) the deadline's place says so
("⚠ Database unreachable since 10:42 · retrying"), in the error colour and bold with a
sign that reads without colour, until the database answers again; who is at the desk
gives it room meanwhile (at 80 columns both did not fit).

The clock changes once a minute and keeps its width, so it updates with ``layout=False``:
measured in DESIGN.md, a re-laying-out seconds clock cost 1.7 % CPU and 3.5 KB/s over SSH.
Seen through a form's dimmed surround (the dashboard covered by F2), a tick draws the
clock's cells alone (``ClockText``): the ordinary path made Textual draw the covered
screen whole and the form on top of it again, ~10 KB a minute (175 B/s idle, issue #15).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from deskterm.display import cut_at_word, fit, plain

Forms = str | tuple[str, ...]


def _forms(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(form for form in value if form)


def choose(firsts: tuple[str, ...], seconds: tuple[str, ...], width: int) -> str:
    """The fullest of the forms that fits ``width``: the first part (the next deadline) as
    full as it can be, then the second (the one due soon) as full as it can be beside it,
    or left off; only when even the shortest first form has no room, it loses whole
    words."""
    firsts = firsts or ("",)
    for first in firsts:
        for second in (*seconds, ""):
            text = " · ".join(part for part in (first, second) if part)
            if cell_len(text) <= width:
                return text
    return cut_at_word(firsts[-1], width)


class DeadlineText(Static):
    """The next deadline and, after `` · ``, the one due soon, each given as its forms
    from the fullest to the shortest (full label, short label, time only): the fullest
    pair that fits the room is shown whenever the room changes, never a word cut."""

    forms: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    _shown: str | None = None

    def show(self, first: Forms, second: Forms = ()) -> None:
        self.forms = (_forms(first), _forms(second))
        self._refit()

    def on_resize(self, event: events.Resize) -> None:
        self._refit()

    def _room(self) -> int:
        """The cells this part holds; before the first layout (the dashboard's first
        frame shows the deadline) the room the status line will leave it, from the words
        beside it: else that frame showed the whole text cut at the edge ("… · soon:")
        and the fitted one a frame later."""
        width = self.content_size.width
        if width > 0 or not self.is_attached or not isinstance(self.parent, StatusLine):
            return width
        total = self.app.size.width
        office = self.parent.query_one("#status-office", Static)
        staff = self.parent.query_one("#status-staff", Static)
        used = min(cell_len(str(office.content)) + 2, total * 40 // 100)
        used += cell_len(str(staff.content)) + 2
        return max(total - used - 7 - 1, 0)  # the clock (7), this part's right padding

    @property
    def parts(self) -> tuple[str, str]:
        """The fullest form of each part, as given."""
        first, second = self.forms
        return (first[0] if first else "", second[0] if second else "")

    def _refit(self) -> None:
        width = self._room()
        if width > 0:
            text = choose(*self.forms, width)
        else:
            text = " · ".join(part for part in self.parts if part)
        if text != self._shown:
            self._shown = text
            self.update(plain(text))


class ClockText(Static):
    """HH:MM, drawn again only when the text shown changes, and then only its cells.

    Textual draws a change on a covered screen (one seen through the translucent
    surround of a form on top) by marking that screen dirty as a whole, then the screen
    on top as a whole: every cell of F2 written again for a new minute. So while covered,
    the text is set, the clock's own Update (which would start that) is dropped, and the
    screen on top draws again the clock's region only; it renders the screen beneath from
    its widgets, so the new text is what shows there. ``tests/desk/test_clock_tick.py``
    counts the bytes of such a tick (and fails if a new Textual draws more again)."""

    def show(self, text: str) -> None:
        if str(self.content) == text:
            return
        app = self.app
        screen = self.screen
        if not self.is_mounted or app.screen is screen or screen not in app._background_screens:
            self.update(plain(text), layout=False)  # on top, or not seen at all
            return
        self.update(plain(text), layout=False)
        self._repaint_required = False  # noqa: SLF001 - the covered screen's whole repaint
        region = self.region
        if region:
            app.screen.refresh(region)


class StatusLine(Horizontal):
    DEFAULT_CSS = """
    StatusLine { height: 1; }
    StatusLine > #status-office { width: auto; max-width: 40%; padding: 0 1; text-style: bold; }
    StatusLine > #status-staff { width: auto; padding: 0 1; }
    StatusLine > #status-deadline { width: 1fr; padding: 0 1 0 0; }
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
        yield ClockText(plain("--:--"), id="status-clock", markup=False)

    def set_office(self, name: str) -> None:
        self.query_one("#status-office", Static).update(plain(fit(name, 24)))

    def set_staff(self, text: str) -> None:
        self.query_one("#status-staff", Static).update(plain(text))

    def set_deadline(self, text: Forms, soon: Forms = ()) -> None:
        """The next deadline's words, and (when one is due soon) that one's: each a
        string or its forms from the fullest to the shortest, the fullest pair that fits
        shown."""
        self.query_one("#status-deadline", DeadlineText).show(text, soon)

    def set_clock(self, text: str) -> None:
        self.query_one("#status-clock", ClockText).show(text)

    def set_trouble(self, text: str) -> None:
        """Database trouble in the deadline's place ("" when there is none)."""
        self.query_one("#status-trouble", Static).update(plain(("⚠ " + text) if text else ""))
        self.set_class(bool(text), "-trouble")

    @property
    def trouble(self) -> str:
        return str(self.query_one("#status-trouble", Static).content)
