"""F6: the clerk's cash drawer and the bank [5.3][7.4.13].

Shows the clerk's drawer of today (or of an earlier day, when it was left open): float,
cash taken, refunds, reversals, deposits, and, once counted, expected, counted and the
difference; while the drawer is open the expected figure is not shown (the count at close
is blind). Below it, the office's cash waiting for the bank, since when, and what is late
after 17:00. Keys: ``o`` count the float in (the form opens by itself when there is no
drawer today), ``d`` deposit at the bank, ``c`` close the drawer with a blind count; Esc
back to the dashboard. The forms are in ``cash_forms.py``.

``open_cash(app)`` is what F6 calls.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.db.models import database
from deskterm.display import SYMBOLS, day_label, hhmm, plain, when
from deskterm.duties.cashdesk.cash_view import CashView, cash_view
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.cash_forms import (
    CloseDrawerForm,
    DepositForm,
    OpenDrawerForm,
    signed,
)

STATE_WORDS = {"open": N_("open"), "closed": N_("closed"), "banked": N_("banked")}
LABEL_WIDTH = 16


def open_cash(app) -> CashScreen | None:
    """Open the cash screen for whoever is signed in at the desk (None before sign-in)."""
    if app.session.staff is None:
        return None
    screen = CashScreen(app.session)
    app.push_screen(screen)
    return screen


def _line(label: str, value: str) -> str:
    from rich.cells import cell_len

    return label + " " * max(1, LABEL_WIDTH - cell_len(label)) + value


def drawer_lines(view: CashView, tz: str, now: dt.datetime) -> list[str]:
    """The drawer as lines of plain text."""
    drawer = view.drawer
    if drawer is None:
        return [_("Your drawer is not open today."),
                _("Press o to count the float in; a cash payment needs an open drawer.")]
    state = _(STATE_WORDS.get(drawer.state, drawer.state))
    head = _("Drawer of {day} · {state} · opened {time}").format(
        day=day_label(drawer.day), state=state, time=hhmm(drawer.opened_at, tz))
    if drawer.closed_at:
        head += " · " + _("closed {time}").format(time=when(drawer.closed_at, tz, now))
    lines = [head]
    if view.stale:
        lines.append(SYMBOLS["overdue"] + " " + _("Left open on an earlier day: count it and "
                                                  "close it (c) before today's."))
    lines += [
        _line(_("Float"), format_fen(drawer.opening_float)),
        _line(_("Cash taken"), format_fen(drawer.taken) + "  " + _("({n} payments)").format(
            n=drawer.payments)),
        _line(_("Refunds"), format_fen(drawer.refunds)),
        _line(_("Reversals"), format_fen(drawer.reversals)),
        _line(_("Deposited"), format_fen(drawer.deposited)),
    ]
    if drawer.counted is None:
        lines.append(_line(_("Expected"), _("shown after your count at close (blind)")))
    else:
        lines.append(_line(_("Expected"), format_fen(drawer.counted - drawer.difference)))
        lines.append(_line(_("Counted"), format_fen(drawer.counted)))
        diff = _line(_("Difference"), signed(drawer.difference))
        if drawer.difference_reason:
            diff += " · " + drawer.difference_reason
        if drawer.approved_by:
            diff += " · " + _("approved by {name}").format(name=drawer.approved_by)
        lines.append(diff)
    return lines


def bank_lines(view: CashView, tz: str, now: dt.datetime) -> tuple[list[str], bool]:
    """The office's cash waiting for the bank; True when some of it is late."""
    waiting = view.waiting
    if not waiting.total:
        return ["✓ " + _("All cash taken is in the bank.")], False
    lines = [_("For the bank: {amount} since {since}").format(
        amount=format_fen(waiting.total), since=when(waiting.since, tz, now))]
    if waiting.late:
        lines.append(SYMBOLS["overdue"] + " " + _("{amount} late: not banked by its "
                                                  "day's deposit time").format(
            amount=format_fen(waiting.late)))
    for part in waiting.parts[:3]:
        mark = SYMBOLS["overdue"] if part.late else " "
        lines.append(f"{mark} {part.day:%m-%d} {part.clerk} {format_fen(part.amount)}")
    if len(waiting.parts) > 3:
        lines.append("  " + _("and {n} more").format(n=len(waiting.parts) - 3))
    return lines, bool(waiting.late)


class CashScreen(ModalScreen[None]):
    """The clerk's drawer and the bank; reads itself again after each form."""

    CSS_PATH = str(files("deskterm.styles") / "cash.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("o", "open_drawer", show=False),
        Binding("d", "deposit", show=False),
        Binding("c", "close_drawer", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="cash")
        self.session = session
        self.view: CashView | None = None
        self.loads = 0  # how many reads have finished, for tests
        self.offered = False  # the float form opened by itself once

    def compose(self) -> ComposeResult:
        with Vertical(id="cash-form", classes="form"):
            yield Static(plain(_("Cash drawer · {name}").format(name=self.session.staff.name)),
                         classes="form-title", markup=False)
            yield Static(plain("…"), id="cash-drawer", markup=False)
            yield Static(plain(""), id="cash-bank", markup=False)
            yield Static(plain(""), id="cash-error", classes="field-error", markup=False)
            yield Static(plain(_("o open (count the float) · d deposit · c close (blind "
                                 "count) · Esc back")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#cash-error").display = False
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="cash-view")
    def _load(self) -> None:
        try:
            with database.connection_context():
                view = cash_view(self.session.office, self.session.staff)
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, view)

    def _failed(self, message: str) -> None:
        self.loads += 1
        self._set_error(message)

    def _show(self, view: CashView) -> None:
        self.view = view
        self.loads += 1
        now = now_utc()
        tz = self.session.tz
        self.query_one("#cash-drawer", Static).update(
            Text("\n").join(plain(line) for line in drawer_lines(view, tz, now)))
        lines, late = bank_lines(view, tz, now)
        bank = self.query_one("#cash-bank", Static)
        bank.update(Text("\n").join(plain(line) for line in lines))
        bank.set_class(late, "-alert")
        if view.drawer is None and not self.offered and self.app.screen is self:
            self.offered = True
            self.action_open_drawer()

    def _set_error(self, message: str) -> None:
        line = self.query_one("#cash-error", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    # --- the keys -------------------------------------------------------------------------
    def _after(self, saved) -> None:
        if saved:
            self.reload()

    def action_open_drawer(self) -> None:
        view = self.view
        if view is None:
            return
        if view.stale:
            self._set_error(_("Your drawer of {day} is still open: close it first (c).")
                            .format(day=day_label(view.drawer.day)))
            return
        if view.drawer is not None:
            self._set_error(_("Your drawer is already open today.")
                            if view.drawer.state == "open"
                            else _("You have closed your drawer today: it opens once a day."))
            return
        self._set_error("")
        self.app.push_screen(OpenDrawerForm(self.session, view), callback=self._after)

    def action_deposit(self) -> None:
        view = self.view
        if view is None:
            return
        if not view.waiting.total:
            self._set_error(_("No cash is waiting for the bank."))
            return
        self._set_error("")
        self.app.push_screen(DepositForm(self.session, view), callback=self._after)

    def action_close_drawer(self) -> None:
        view = self.view
        if view is None:
            return
        if view.drawer is None or view.drawer.state != "open":
            self._set_error(_("You have no open cash drawer to close."))
            return
        self._set_error("")
        self.app.push_screen(CloseDrawerForm(self.session, view), callback=self._after)

    def action_close(self) -> None:
        self.dismiss(None)
