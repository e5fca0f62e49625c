"""The month's stocktake (盘存, by the 24th [5.4][6.6]): a line per stock item with the book
quantity at the start, the count typed in place, the variance shown as the count is typed,
and the reason for a variance.

Not started yet: ``s`` starts it. Tab and Enter move from count to reason to the next
count; ↑/↓ move between lines. ctrl+s (and Esc, before leaving) saves every count and
reason typed; ``c`` (from a count field: a reason field types it) saves and closes the
stocktake after a confirmation, which adjusts the book. A closed stocktake is shown
read-only. The "book matches count" figure is on the line under the title. ``[`` and
``]`` show the month before and after (past stocktakes, read-only once closed).

A ``BookScreen``: the month is read and written in the kit's worker; a refusal (a bad
count names its line: ``count:<id>``) or database trouble is said on the message line,
the cursor goes to the line's field, and every count typed stays.
``open_stocktake(app)`` opens it.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from deskterm.clock import local
from deskterm.display import fit, plain
from deskterm.duties.backoffice import stocktake
from deskterm.duties.backoffice.stock import REASON_LIMIT
from deskterm.duties.backoffice.stocktake import TakeLine, TakeView
from deskterm.duties.months import shift_month
from deskterm.i18n import _
from deskterm.screens.backoffice.backoffice_book import STOCK_CSS
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.inputs import TextInput
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.periods import STEP_BINDINGS

ITEM_W, BOOK_W, COUNT_W, VAR_W = 30, 6, 7, 6
REASON_W = 76 - ITEM_W - BOOK_W - COUNT_W - VAR_W - 4


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` cut or padded to ``width`` cells (CJK-aware)."""
    text = fit(text, width - 1)
    space = " " * (width - 1 - cell_len(text))
    return (space + text + " ") if right else (text + space + " ")


class CountInput(TextInput):
    """A count: digits only; any other key (``c``, ``s``) is the screen's."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and (character.isdigit() or character in "０１２３４５６７８９")


def match_text(view: TakeView) -> str:
    m = view.match
    if not m.counted:
        return _("book matches count: nothing counted yet")
    return _("book matches count: {matched} of {counted} ({percent}%)").format(
        matched=m.matched, counted=m.counted, percent=m.percent)


def variance_text(book: int, count: str) -> str:
    count = count.strip()
    if not count.isdigit():
        return ""
    variance = int(count) - book
    return "=" if variance == 0 else f"{variance:+d}"


class ConfirmClose(ModalScreen[bool]):
    """y or Enter closes the stocktake; n or Esc goes back."""

    CSS_PATH = STOCK_CSS
    BINDINGS = [Binding("y,enter", "answer(True)", show=False),
                Binding("n,escape", "answer(False)", show=False)]

    def __init__(self, text: str) -> None:
        super().__init__(id="stocktake-confirm")
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="form stock-form"):
            yield Static(plain(_("Close the stocktake?")), classes="form-title", markup=False)
            yield Static(plain(self.text), markup=False)
            yield Static(plain(_("y close · n back")), classes="form-hint", markup=False)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


def open_stocktake(app) -> StocktakeScreen | None:
    """Open this month's stocktake (a signed-in desk only); the pushed screen, or None."""
    return open_screen(app, StocktakeScreen)


def line_widgets(line: TakeLine, closed: bool) -> Horizontal:
    """One stocktake line: item, book, then the count, variance and reason (fields to
    type into while the stocktake is open)."""
    count = "" if line.counted is None else str(line.counted)
    parts = [Static(plain(pad(f"{line.code} {line.name}", ITEM_W + 1)), classes="tk-item",
                    markup=False),
             Static(plain(str(line.book)), classes="tk-book", markup=False)]
    if closed:
        parts += [Static(plain(count), classes="tk-count-ro", markup=False),
                  Static(plain(variance_text(line.book, count)), classes="tk-var",
                         markup=False),
                  Static(plain(fit(line.reason, REASON_W)), classes="tk-reason-ro",
                         markup=False)]
    else:
        parts += [CountInput(count, id=f"tk-count-{line.id}", compact=True, max_length=6,
                             restrict=r"[0-9０-９]*", classes="tk-count", placeholder="?"),
                  Static(plain(variance_text(line.book, count)), id=f"tk-var-{line.id}",
                         classes="tk-var", markup=False),
                  TextInput(line.reason, id=f"tk-reason-{line.id}", compact=True,
                            max_length=REASON_LIMIT, classes="tk-reason")]
    return Horizontal(*parts, classes="tk-line", id=f"tk-line-{line.id}")


class StocktakeScreen(BookScreen):
    """The month's stocktake lines, counted in place."""

    SHOWS_LATER = True  # _fill counts loads once the lines are mounted
    CSS_PATH = STOCK_CSS
    PREFIX = "tk"
    BINDINGS = [
        Binding("ctrl+s", "save", show=False, priority=True),
        # priority: a count field does not type letters (CountInput), a reason field does
        # (Textual leaves a key a focused Input consumes out of the binding chain)
        Binding("c", "close_take", show=False, priority=True),
        Binding("s", "start", show=False, priority=True),
        *STEP_BINDINGS,
        Binding("up", "line(-1)", show=False),
        Binding("down", "line(1)", show=False),
    ]

    def __init__(self, session, period: str | None = None) -> None:
        super().__init__(session, id="stocktake")
        self.period = period
        self.view: TakeView | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="tk-form", classes="form"):
            yield Static(plain(_("Stocktake")), id="tk-title", classes="form-title",
                         markup=False)
            yield Static(plain(""), id="tk-match", markup=False)
            yield Static(plain(""), id="tk-head", markup=False)
            yield VerticalScroll(id="tk-lines")
            yield self.message_line()
            yield Static(plain(""), id="tk-hint", classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.read(self.period)

    def _line(self, name: str, text: str) -> None:
        self.query_one(f"#tk-{name}", Static).update(plain(text))

    # --- reading ---------------------------------------------------------------------
    def fetch(self, period: str | None):
        period = period or stocktake.current_period(self.office)
        return period, stocktake.stocktake_view(self.office, period)

    def show(self, data, _period) -> None:
        # The lines are mounted after the old ones are gone: on the next turn.
        self.call_later(self._fill, *data)

    async def _fill(self, period: str, view: TakeView | None) -> None:
        focused = self.focused.id if isinstance(self.focused, Input) else None
        self.period, self.view = period, view
        box = self.query_one("#tk-lines", VerticalScroll)
        await box.remove_children()
        if view is None:
            self._line("title", _("Stocktake {period} · not started").format(period=period))
            self._line("match", "")
            if period == stocktake.current_period(self.office):
                self._line("head", _("Press s to start: a line per stock item with its book "
                                     "quantity now."))
                self._line("hint", _("s start · [ ] month · Esc close"))
            else:
                self._line("head", _("No stocktake was made this month."))
                self._line("hint", _("[ ] month · Esc close"))
            self.loads += 1
            return
        state = (_("closed {when} by {who}").format(
            when=local(view.closed_at, self.session.tz).format("MM-DD HH:mm"),
            who=view.closed_by or "") if view.closed else _("open"))
        self._line("title", fit(_("Stocktake {period} · {state}").format(
            period=view.period, state=state), 76))
        self._line("match", fit(match_text(view), 76))
        self._line("head", pad(_("Item"), ITEM_W + 1) + pad(_("Book"), BOOK_W + 1, right=True)
                   + pad(_("Count"), COUNT_W + 1) + pad(_("Var."), VAR_W + 1) + _("Reason"))
        await box.mount_all([line_widgets(line, view.closed) for line in view.lines])
        if view.closed:
            self._line("hint", _("Closed: it can no longer change · [ ] month · Esc close"))
            self.set_focus(box)
        else:
            self._line("hint", _("Tab/Enter next · ctrl+s save · c (in a count) close the "
                                 "stocktake · Esc save and leave"))
            self._focus_after_fill(view, focused)
        self.loads += 1

    def _focus_after_fill(self, view: TakeView, focused: str | None) -> None:
        """The field the cursor was in before the month was read again, else the first
        count still empty."""
        again = self.query(f"#{focused}") if focused else None
        if again:
            self.set_focus(again.first())
            return
        first = next((line for line in view.lines if line.counted is None), None)
        target = first or (view.lines[0] if view.lines else None)
        if target is not None:
            self.set_focus(self.query_one(f"#tk-count-{target.id}", Input))

    # --- typing ------------------------------------------------------------------------
    @on(Input.Changed, ".tk-count")
    def _count_changed(self, event: Input.Changed) -> None:
        line_id = int(event.input.id.rsplit("-", 1)[1])
        book = next(line.book for line in self.view.lines if line.id == line_id)
        self.query_one(f"#tk-var-{line_id}", Static).update(
            plain(variance_text(book, event.value)))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_line(self, step: int) -> None:
        """↑/↓: the same field of the line above or below."""
        focused = self.focused
        if self.view is None or not isinstance(focused, Input) or not self.view.lines:
            return
        kind, line_id = focused.id.rsplit("-", 1)
        ids = [line.id for line in self.view.lines]
        index = ids.index(int(line_id)) + step
        if 0 <= index < len(ids):
            self.set_focus(self.query_one(f"#{kind}-{ids[index]}", Input))

    def typed(self) -> dict[int, tuple[str, str]]:
        if self.view is None or self.view.closed:
            return {}
        return {line.id: (self.query_one(f"#tk-count-{line.id}", Input).value,
                          self.query_one(f"#tk-reason-{line.id}", Input).value)
                for line in self.view.lines}

    def changed(self) -> dict[int, tuple[str, str]]:
        """The lines whose count or reason differ from what is stored."""
        stored = {line.id: ("" if line.counted is None else str(line.counted), line.reason)
                  for line in (self.view.lines if self.view else ())}
        return {line_id: (count, reason) for line_id, (count, reason) in self.typed().items()
                if (count.strip(), reason.strip()) != stored.get(line_id)}

    # --- writing -----------------------------------------------------------------------
    def action_step(self, by: int) -> None:
        """``[``/``]``: the month before or after, to see past stocktakes and their
        figures. Counts typed and not saved keep the screen where it is."""
        if self.busy or self.period is None:
            return
        if self.changed():
            self.say(_("Save the counts first (ctrl+s)."))
            return
        self.say("")
        self.period = shift_month(self.period, by)
        self.read(self.period)

    def action_start(self) -> None:
        if (self.view is None and not self.busy and self.period is not None
                and self.period == stocktake.current_period(self.office)):
            self._write("start", {})

    def action_save(self) -> None:
        if self.view is not None and not self.view.closed and not self.busy:
            self._write("save", self.typed())

    def action_close_take(self) -> None:
        if self.view is None or self.view.closed or self.busy:
            return
        counts = self.typed()
        blank = sum(1 for count, _reason in counts.values() if not count.strip())
        text = (_("{n} lines are not counted yet: closing will be refused.").format(n=blank)
                if blank else _("Every variance becomes a stock move and the book follows. "
                                "The stocktake can no longer change afterwards."))

        def answered(yes: bool | None) -> None:
            if yes and not self.busy:
                self._write("close", counts)

        self.app.push_screen(ConfirmClose(text), answered)

    def action_close(self) -> None:
        """Esc: leave; counts typed and not saved yet are saved first (a refusal keeps the
        screen open and says why)."""
        if self.busy:
            return
        changed = self.changed()
        if not changed:
            self.dismiss(None)
            return
        self._write("leave", changed)

    def _write(self, what: str, counts: dict) -> None:
        office, staff, view = self.office, self.session.staff, self.view
        self.busy = True

        def write() -> None:
            if what == "start":
                stocktake.start_stocktake(office, staff)
            else:
                stocktake.save_counts(office, staff, view.id, counts)
                if what == "close":
                    stocktake.close_stocktake(office, staff, view.id)

        run_duty(self, write, done=lambda _written: self._written(what),
                 refused=self._write_refused, group="tk-write")

    def _written(self, what: str) -> None:
        self.busy = False
        if what == "leave":
            self.app.notify(_("Counts saved."), title=_("Stocktake"), markup=False, timeout=3)
            self.dismiss(None)
            return
        self.say("")
        words = {"start": _("Stocktake started."), "save": _("Counts saved."),
                 "close": _("Stocktake closed; the book is adjusted.")}
        self.app.notify(words[what], title=_("Stocktake"), markup=False, timeout=3)
        self.read(self.period)

    def _write_refused(self, field: str, message: str) -> None:
        self.busy = False
        self.say(message, field)

    def say(self, message: str, field: str = "") -> None:
        """The message line (one for the whole stocktake); a refused line's field gets
        the cursor."""
        super().say(message)
        if ":" in field:
            kind, line_id = field.split(":", 1)
            target = self.query(f"#tk-{kind}-{line_id}") if line_id.isdigit() else None
            if target:
                self.set_focus(target.first())
