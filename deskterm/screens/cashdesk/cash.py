"""F6: the clerk's cash drawer and the bank [5.3][7.4.13].

Shows the clerk's drawer of today (or of an earlier day, when it was left open): float,
cash taken, refunds, reversals, deposits, and, once counted, expected, counted and the
difference; while the drawer is open the expected figure is not shown (the count at close
is blind). Below it, the office's cash waiting for the bank, since when, and what is late
after 17:00. Keys: ``o`` count the float in (the form opens by itself when there is no
drawer today), ``d`` deposit at the bank, ``c`` close the drawer with a blind count; Esc
back to the dashboard. The screen is a ``BookScreen`` (read in the kit's worker, trouble
said on its line); the forms are in ``cash_forms.py``.

``open_cash(app)`` is what F6 calls.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from rich.cells import cell_len
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import SYMBOLS, day_label, when
from deskterm.duties.cashdesk.cash_view import CashView, cash_view
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.cash_forms import (
    CloseDrawerForm,
    DepositForm,
    OpenDrawerForm,
    signed,
)
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import hint_line, lines_text, text_line, title_line

STATE_WORDS = {"open": N_("open"), "closed": N_("closed"), "banked": N_("banked")}
LABEL_WIDTH = 16


def open_cash(app) -> CashScreen | None:
    """Open the cash screen for whoever is signed in at the desk (None before sign-in)."""
    return open_screen(app, CashScreen)


def _line(label: str, value: str) -> str:
    return label + " " * max(1, LABEL_WIDTH - cell_len(label)) + value


def drawer_lines(view: CashView, tz: str, now: dt.datetime) -> list[str]:
    """The drawer as lines of plain text."""
    drawer = view.drawer
    if drawer is None:
        return [_("Your drawer is not open today."),
                _("Press o to count the float in; a cash payment needs an open drawer.")]
    state = _(STATE_WORDS.get(drawer.state, drawer.state))
    head = _("Drawer of {day} · {state} · opened {time}").format(
        day=day_label(drawer.day), state=state, time=when(drawer.opened_at, tz, now))
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


class CashScreen(BookScreen[None]):
    """The clerk's drawer and the bank; reads itself again after each form."""

    CSS_PATH = str(files("deskterm.styles") / "cash.tcss")
    PREFIX = "cash"
    BINDINGS = [
        Binding("o", "open_drawer", show=False),
        Binding("d", "deposit", show=False),
        Binding("c", "close_drawer", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="cash")
        self.view: CashView | None = None
        self.offered = False  # the float form opened by itself once

    def compose(self):
        with Vertical(id="cash-form", classes="form"):
            yield title_line(_("Cash drawer · {name}").format(name=self.session.staff.name))
            yield text_line("…", id="cash-drawer")
            yield text_line(id="cash-bank")
            yield self.message_line()
            yield hint_line(_("o open (count the float) · d deposit · c close (blind count) · "
                              "Esc back"))

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.read()

    def fetch(self) -> CashView:
        return cash_view(self.office, self.session.staff)

    def show(self, view: CashView) -> None:
        self.view = view
        now = now_utc()
        tz = self.session.tz
        self.query_one("#cash-drawer", Static).update(
            lines_text(drawer_lines(view, tz, now)))
        lines, late = bank_lines(view, tz, now)
        bank = self.query_one("#cash-bank", Static)
        bank.update(lines_text(lines))
        bank.set_class(late, "-alert")
        if view.drawer is None and not self.offered and self.app.screen is self:
            self.offered = True
            self.action_open_drawer()

    # --- the keys -------------------------------------------------------------------------
    def _after(self, saved) -> None:
        if saved:
            self.reload()

    def _form(self, form_class) -> None:
        self.say("")
        self.app.push_screen(form_class(self.session, self.view), callback=self._after)

    def action_open_drawer(self) -> None:
        view = self.view
        if view is None:
            return
        if view.stale:
            self.say(_("Your drawer of {day} is still open: close it first (c).")
                     .format(day=day_label(view.drawer.day)))
        elif view.drawer is not None:
            self.say(_("Your drawer is already open today.") if view.drawer.state == "open"
                     else _("You have closed your drawer today: it opens once a day."))
        else:
            self._form(OpenDrawerForm)

    def action_deposit(self) -> None:
        view = self.view
        if view is None:
            return
        if not view.waiting.total:
            self.say(_("No cash is waiting for the bank."))
        else:
            self._form(DepositForm)

    def action_close_drawer(self) -> None:
        view = self.view
        if view is None:
            return
        if view.drawer is None or view.drawer.state != "open":
            self.say(_("You have no open cash drawer to close."))
        else:
            self._form(CloseDrawerForm)
