"""The dashboard: four live panes and the status line, always on screen.

Panes reload in thread workers (one exclusive group per pane) when the change log says a
topic they show has changed, and the timeline and status line at each minute boundary.
Workers never touch widgets: they fetch, then hand the result to the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.message import Message
from textual.screen import Screen

from deskterm.clock import local, now_utc
from deskterm.display import when
from deskterm.i18n import _
from deskterm.keys import install_bindings
from deskterm.screens.kit.duty import run_duty
from deskterm.widgets.keys_line import KeysLine
from deskterm.widgets.pane import Pane
from deskterm.widgets.pane_data import FirstLoad, deadlines
from deskterm.widgets.panes import CallbacksPane, CashPane, OpenOrdersPane
from deskterm.widgets.ringing import RingingBanner
from deskterm.widgets.status_line import StatusLine
from deskterm.widgets.timeline_pane import TimelinePane

#: Seconds the dashboard's mount waits for the first load still being read, rather than
#: draw empty panes first (``_load_first``).
FIRST_WAIT = 0.3


class DashboardScreen(Screen):
    # What changed, and whether the minute ticked, while another screen covered this one.
    _covered_topics: frozenset[str] = frozenset()
    _minute_missed = False

    class Ready(Message):
        """Every pane has shown its first data."""

    def __init__(self, session, first_load: FirstLoad | None = None) -> None:
        super().__init__(id="dashboard")
        self.session = session
        self._first_load = first_load
        # Changes the watcher reports before the first data is asked for: read again once
        # it is (else the first load, asked later, would win over their newer data).
        self._first_asked = False
        self._early_topics: set[str] = set()
        self.first_frame_done = False
        self._after_first: list[Callable[[], object]] = []
        install_bindings(self, [
            Binding("1", "focus_pane('timeline')", _("Today"), show=False, id="pane_today"),
            Binding("2", "focus_pane('orders')", _("Orders"), show=False, id="pane_orders"),
            Binding("3", "focus_pane('callbacks')", _("Callbacks"), show=False,
                    id="pane_callbacks"),
            Binding("4", "focus_pane('cash')", _("Cash"), show=False, id="pane_cash"),
            Binding("d", "task_done", _("Done"), show=False, id="task_done"),
        ])

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield RingingBanner(id="ringing")  # who is calling (issue #14: screens/calls/)
        with Grid(id="panes"):
            yield TimelinePane(self.session, id="timeline")
            yield OpenOrdersPane(self.session, id="orders")
            yield CallbacksPane(self.session, id="callbacks")
            yield CashPane(self.session, id="cash")
        yield KeysLine()  # the keys, in the first frame (Textual's Footer came one later)

    def on_mount(self) -> None:
        self.action_focus_pane("timeline")
        status = self.query_one(StatusLine)
        status.set_office(self.session.office.name)
        self.show_staff()
        self.tick()
        health = getattr(self.app, "db_health", None)
        if health is not None and health.troubled:  # heard before this was composed
            self.show_health(health)
        self._load_first()

    # --- refreshing ----------------------------------------------------------------------
    @property
    def panes(self) -> list[Pane]:
        return list(self.query(Pane))

    def reload(self, topics: Iterable[str] | None, *, covered_too: bool = False) -> None:
        """Reload the panes that show any of ``topics`` (all panes for ``None``);
        ``covered_too``: now, even beneath another screen (the database is back: the
        stale marks go at once, a rare repaint)."""
        wanted = None if topics is None else set(topics)
        if not self._first_asked:
            self._early_topics |= {"*"} if wanted is None else wanted
            return
        if self.app.screen is not self and self.first_frame_done and not covered_too:
            # Covered by another screen: read when the dashboard shows again
            # (on_screen_resume); a pane redrawn beneath makes Textual draw the whole
            # screen on top again (benchmarks/idle.py). Who is calling is heard now.
            self._covered_topics |= {"*"} if wanted is None else wanted
            if wanted is None or "incoming_call" in wanted:
                self.on_ringing_banner_rung_out()
            return
        for pane in self.panes:
            if wanted is None or pane.TOPICS & wanted:
                self._load(pane)
        if wanted is None or "incoming_call" in wanted:
            self.on_ringing_banner_rung_out()
        if wanted is None or wanted & {"office", "deadline_done", "bank_deposit", "stocktake",
                                       "daily_work_record", "canteen_purchase", "repair_order"}:
            self._load_deadline()

    def _load_first(self) -> None:
        """Every pane's first data in one worker and one repaint: loading them one by
        one laid out and drew the screen once per pane (seen in the start-up profile).
        Read already by a ``FirstLoad`` started before Textual (``deskterm.cli``), it is
        shown now, so the first frame has it; still being read, a worker waits for it."""
        panes = [(pane, pane.ask()) for pane in self.panes]
        self._first_asked = True
        first, self._first_load = self._first_load, None
        if first is not None and not first.done():
            # Mostly a few tens of milliseconds from its end (4 launches in 6 at 1k): wait
            # here rather than lay out and draw a frame of empty panes meanwhile, which
            # would hold the one interpreter lock the read needs (issue #15). Keys typed
            # meanwhile wait in the driver's queue; a read slower than this (a locked
            # database) goes on in a worker, as before.
            first.wait(FIRST_WAIT)
        if first is not None and first.done() and first.error is None:
            self._show_first(self._first_results(first, panes), first.deadline)
        else:
            run_duty(self, lambda: self._fetch_first(panes, first),
                     done=lambda found: self._show_first(*found), refused=self._first_failed,
                     group="first-load", name="first load", load=True)
        # Who is calling: read once the first frame is drawn (its import and query are
        # not that frame's; the banner is hidden until a call rings).
        self.after_first_frame(lambda: self.call_after_refresh(self.on_ringing_banner_rung_out))
        early, self._early_topics = self._early_topics, set()
        if early:
            self.reload(None if "*" in early else early)

    @staticmethod
    def _first_results(first: FirstLoad, panes: list[tuple[Pane, int]]):
        return [(pane, ticket, first.data[pane.id]) for pane, ticket in panes]

    def _fetch_first(self, panes: list[tuple[Pane, int]], first: FirstLoad | None):
        """In a worker: the first load's results, read here when the early read failed."""
        if first is not None and first.wait() and first.error is None:
            return self._first_results(first, panes), first.deadline
        return [(pane, ticket, pane.fetch()) for pane, ticket in panes], self._deadlines()

    def _first_failed(self, _field: str, message: str) -> None:
        """The first load failed (the database is down at start-up): pane by pane, each
        marked stale until the database answers (the reload on recovery fills them)."""
        self.app.log.error(f"first load failed: {message}")
        self._first_frame()
        for pane in self.panes:
            self._load(pane)
        self._load_deadline()

    def _show_first(self, results, deadline) -> None:
        take_sign_in = getattr(self.app, "take_early_sign_in", None)
        if take_sign_in is not None:  # the demo's clerk named in this frame (FirstLoad.also)
            take_sign_in()
        with self.app.batch_update():
            for pane, ticket, data in results:
                pane.show(data, ticket)
            self._show_deadline(*deadline)
        self._first_frame()

    def on_ringing_banner_rung_out(self, _event=None) -> None:
        from deskterm.screens.calls.taking import load_ringing

        load_ringing(self)

    def tick(self) -> None:
        """Once a minute: the clock, and the timeline's now/missed marks."""
        status = self._status_line()
        if status is not None:
            status.set_clock(local(now_utc(), self.session.tz).format("HH:mm"))

    def minute(self) -> None:
        if self.app.screen is not self:
            # Covered by another screen: anything drawn beneath makes Textual draw the
            # whole screen on top again (~7-30 KB a minute on the morning view or F2;
            # benchmarks/idle.py). The clock still ticks where it shows (above a form);
            # the rest is read when the dashboard shows again (on_screen_resume).
            if self._clock_shows():
                self.tick()
            self._minute_missed = True
            return
        self.tick()
        self._minute_missed = False
        self._load(self.query_one(TimelinePane))
        self._load_deadline()

    def _clock_shows(self) -> bool:
        """Is the status line's clock seen through the screen on top (a form's dimmed
        surround), rather than hidden by it (a book filling the terminal)?"""
        try:
            clock = self.query_one("#status-clock")
            widget, _region = self.app.screen.get_widget_at(clock.region.x, clock.region.y)
        except Exception:  # noqa: BLE001 - not laid out, or nothing there: tick it
            return True
        return widget is self.app.screen

    def show_staff(self) -> None:
        staff = self.session.staff
        text = _("at the desk: {name}").format(name=staff.name) if staff else _("nobody signed in")
        if self.session.demo:
            text += " · " + _("demo")
        status = self._status_line()
        if status is not None:  # else on_mount shows it
            status.set_staff(text)

    def _status_line(self) -> StatusLine | None:
        """The status line, or None before the dashboard is composed: a sign-in (the
        demo's, in a worker) can be heard before that, and on_mount shows it then."""
        found = self.query(StatusLine)
        return found.first() if found else None

    def _load(self, pane: Pane) -> None:
        ticket = pane.ask()
        run_duty(self, pane.fetch, done=lambda data: self._show(pane, ticket, data),
                 refused=lambda _field, message: self._pane_failed(pane, message),
                 group=f"pane-{pane.id}", name=f"load {pane.id}", load=True)

    def _show(self, pane: Pane, ticket: int, data) -> None:
        first = not pane.loaded
        pane.show(data, ticket)
        if first and all(p.loaded for p in self.panes):
            self._first_frame()

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the panes' first data is on screen (now if it is): work
        that is not part of that frame (the morning view) must not delay it."""
        if self.first_frame_done:
            callback()
        else:
            self._after_first.append(callback)

    def _first_frame(self) -> None:
        if self.first_frame_done:
            return
        self.first_frame_done = True
        # After the refresh that draws the panes' data: what waited for it.
        waiting, self._after_first = self._after_first, []
        for callback in waiting:
            self.call_after_refresh(callback)
        self.post_message(self.Ready())

    def _pane_failed(self, pane: Pane, message: str) -> None:
        """The pane keeps its rows, marked stale; the status line says why when it is the
        database (``show_health``); anything else is said once in a notification."""
        pane.set_stale(self._since_text())
        health = getattr(self.app, "db_health", None)
        if health is None or not health.troubled:
            self.notify(_("{pane}: {error}").format(pane=pane.title(), error=message),
                        severity="error", timeout=8, markup=False)

    def _since_text(self) -> str:
        health = getattr(self.app, "db_health", None)
        moment = health.since if health is not None and health.since else now_utc()
        return when(moment, self.session.tz, now_utc())

    def show_health(self, health) -> None:
        """The database's state on the status line; the panes' rows marked stale while it
        is in trouble (each is fresh again once it reloads)."""
        from deskterm.db.trouble import STATUS_WORDS

        status = self._status_line()
        if status is None:
            return
        if health.troubled:
            since = self._since_text()
            status.set_trouble(_(STATUS_WORDS[health.kind]).format(since=since))
            for pane in self.panes:
                pane.set_stale(since)
        else:
            status.set_trouble("")

    def _load_deadline(self) -> None:
        run_duty(self, self._deadlines, done=lambda deadline: self._show_deadline(*deadline),
                 group="deadline", name="next deadline", load=True)

    def _deadlines(self) -> tuple:
        """The next deadline, and the calendar's weekly and monthly ones due soon."""
        return deadlines(self.session)

    def _stamp(self, deadline) -> str:
        shown = local(deadline.due_at, self.session.tz)
        today = local(now_utc(), self.session.tz).date()
        return shown.format("HH:mm") if shown.date() == today else shown.format("MM-DD")

    def _show_deadline(self, deadline, soon=()) -> None:
        """``next: 17:00 Deposit the day's cash at the bank``; in the days before a weekly
        or monthly deadline (the first of them) ``17:00 Deposit · soon: 11-24 Stocktake``.
        Each part goes with its shorter forms (short name, time only): the status line
        shows the fullest that fits its room."""
        from deskterm.duties.agenda.deadlines import short_label

        first = next((d for d in soon if deadline is None
                      or (d.key, d.period) != (deadline.key, deadline.period)), None)
        forms: list[str] = []
        if deadline is not None:
            stamp, short = self._stamp(deadline), short_label(deadline.key)
            if first is None:
                forms += [_("next: {when} {what}").format(when=stamp, what=words)
                          for words in (deadline.label, short)]
            forms += [f"{stamp} {short}", stamp]
        later: list[str] = []
        if first is not None:
            stamp, short = self._stamp(first), short_label(first.key)
            later = [_("soon: {when} {what}").format(when=stamp, what=short),
                     f"{stamp} {short}", _("soon: {when} {what}").format(when=stamp, what="")
                     .strip()]
        self.query_one(StatusLine).set_deadline(tuple(forms), tuple(later))

    def on_row_list_row_selected(self, event) -> None:
        """Enter on an order's row, in any pane: the order's detail view."""
        event.stop()
        from deskterm.screens.repairs.order_detail import open_order_detail, order_target

        order_id = order_target(self)
        if order_id is not None:
            open_order_detail(self.app, order_id)

    def on_screen_resume(self) -> None:
        # Back from a form: bring "now" into view again (scrolls queued while the screen
        # was covered may not have run).
        covered, self._covered_topics = self._covered_topics, frozenset()
        if covered:
            self.reload(None if "*" in covered else covered)
        if self._minute_missed:
            self.minute()
        self.query_one(TimelinePane).follow_now()

    # --- actions ---------------------------------------------------------------------------
    def action_focus_pane(self, pane_id: str) -> None:
        self.query_one(f"#{pane_id}").query_one("RowList").focus()

    def action_task_done(self) -> None:
        """d on a task's line of Today: the task done now (``tasks.complete_task``: by
        the person it was given to); the pane reads again on its change-log row."""
        from deskterm.duties.shift.tasks import complete_task
        from deskterm.screens.repairs.parts import pane_row_key

        key = pane_row_key(self, TimelinePane) or ""
        task_id = key.removeprefix("task:")
        if not key.startswith("task:") or not task_id.isdigit():
            self.notify(_("d marks a task done: choose a task's line on Today (1)."),
                        markup=False, timeout=4)
            return
        office, staff = self.session.office, self.session.staff
        if staff is None:
            return
        run_duty(self, lambda: complete_task(office, staff, int(task_id)),
                 done=lambda task: self.notify(
                     _("Task done: {what} (F10 j opens it again).").format(what=task.title),
                     markup=False, timeout=5),
                 refused=lambda _field, message: self.notify(
                     message, severity="warning", markup=False, timeout=5),
                 group="task-done", name="task done")
