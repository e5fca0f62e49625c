"""The desk application: wires the screens, the keys and the live refresh. Nothing else.

Live refresh: one thread worker polls the change log's newest id (a microsecond query)
and, when it moves, asks which topics changed (``changes.ChangeWatch``, which also asks
again for ids that committed after a larger one on PostgreSQL) and tells the dashboard,
which reloads only the panes showing them. It starts from the id taken before the panes'
first data was read (``FirstLoad``), so nothing committed meanwhile is lost. A change
committed by another clerk's process shows within ``POLL_SECONDS``. The clock and the
timeline move at minute boundaries.

Database trouble is a state, not a crash: every duty run through the screen kit and every
poll of the watcher tells ``db_health`` (``deskterm.db.trouble.DatabaseHealth``) whether
the database answered; the dashboard shows the trouble on the status line and marks the
panes' rows stale, and when the database answers again (the watcher keeps polling: that
is the retry) every pane reloads.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from importlib import import_module

from textual import events
from textual.app import App, SystemCommand
from textual.worker import get_current_worker

from deskterm import heap, stylesheets
from deskterm.clock import now_utc, today_local
from deskterm.db import changes
from deskterm.db.models import database
from deskterm.db.trouble import DatabaseHealth, probe, trouble_of
from deskterm.i18n import _
from deskterm.keys import BOOKS, DESK_KEYS, OPENERS, desk_bindings, install_bindings
from deskterm.screens.desk.dashboard import DashboardScreen
from deskterm.screens.kit.keys import KeyFence
from deskterm.screens.kit.opening import open_screen
from deskterm.session import DeskSession
from deskterm.widgets.pane_data import Background, FirstLoad

POLL_SECONDS = 0.4


def _write_ready(path: str) -> None:
    with open(path, "w") as handle:
        handle.write(f"{time.time():.6f}\n")



class DeskApp(App[None]):
    TITLE = "deskterm"
    CSS_PATH = stylesheets.FIRST_FRAME  # the rest when another screen opens (stylesheets)
    ahead = None  # kit.prebuilt.Ahead: the forms of a call, built in idle time

    def __init__(self, session: DeskSession, *, keymap: dict[str, str] | None = None,
                 theme: str | None = None, demo_pin: str | None = None,
                 demo_staff_id: int | None = None, watch: bool = True,
                 idle_lock_minutes: float | None = None,
                 first_load: FirstLoad | None = None,
                 demo_sign_in: Background | None = None, build_ahead: bool = True) -> None:
        super().__init__()
        self.stylesheet = stylesheets.DeskStylesheet(variables=self.get_css_variables())
        self._later_css = stylesheets.LATER
        self._build_forms_ahead = build_ahead  # off in most tests: their CPU, not the path
        install_bindings(self, desk_bindings())
        self.session = session
        self.desk_keymap = dict(keymap or {})
        self._theme_name = theme
        self._demo = (demo_staff_id, demo_pin) if demo_staff_id and demo_pin else None
        self._watch = watch
        self._stop = threading.Event()
        self.dashboard: DashboardScreen | None = None
        self._morning_shown: set[tuple] = set()
        # The idle lock: minutes without a key or a click (None: the office's setting, read
        # at mount; 0: never); the time of the last one.
        self._idle_minutes = idle_lock_minutes
        self._last_input = time.monotonic()
        # The panes' first data and the demo's sign-in, being read since before Textual.
        self._first_load = first_load
        self._early_sign_in = demo_sign_in
        self._ready_noted = False
        self.key_fence = KeyFence(self, lambda event: App.on_event(self, event))
        self.db_health = DatabaseHealth()
        self.db_health.listen(self._health_heard)

    # --- start -----------------------------------------------------------------------------
    def on_mount(self) -> None:
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._hung_up)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            pass
        if self._theme_name:
            self.theme = self._theme_name
        if self.desk_keymap:
            self.set_keymap(self.desk_keymap)
        # After the app's own mount: Textual draws nothing while it mounts (a batch) but
        # forgets what it drew meanwhile, so a dashboard pushed here showed its panes' data
        # first and their borders, titles and status line one frame later (issue #15).
        self.call_later(self._open_desk)

    def _open_desk(self) -> None:
        self.dashboard = DashboardScreen(self.session, self._first_load)
        self.push_screen(self.dashboard)
        self.dashboard.after_first_frame(lambda: self._note_ready(painted=True))
        self.dashboard.after_first_frame(heap.freeze)  # off full collections (deskterm.heap)
        self.dashboard.after_first_frame(self._build_ahead)  # F2, F3, F7, F8 when idle
        start_id = changes.latest_id()
        first = getattr(self._first_load, "start_id", None)
        if first is not None:  # the panes show data read since then
            start_id = min(start_id, first)
        if self._demo:
            self._demo_sign_in()
        else:
            self.ask_sign_in()
        if self._watch:
            self.run_worker(lambda: self._watch_changes(start_id), thread=True,
                            exclusive=True, group="watch", name="change watcher")
            self.dashboard.after_first_frame(self._start_sender)
        self._arm_minute()
        if self._idle_minutes is None:
            self._idle_minutes = self.session.office.idle_lock_minutes
        if self._idle_minutes and self._idle_minutes > 0:
            every = min(15.0, self._idle_minutes * 60 / 4)
            self.set_interval(every, self._check_idle, name="idle lock")

    def _load_screen_css(self, screen) -> None:
        """Textual's, and the forms' and kit's stylesheets with the first screen other
        than the dashboard (a form built ahead in idle time, or one opened on a key):
        not parsed before the first frame (deskterm/stylesheets.py)."""
        later = self._later_css
        if later and screen is not self.dashboard and self.dashboard is not None:
            self._later_css = ()
            for path in later:
                self.stylesheet.read(path)
            self.stylesheet.reparse()
            self.stylesheet.update(self)
        super()._load_screen_css(screen)

    def on_descendant_focus(self, event) -> None:
        """A steady cursor in every field: a blinking one redraws its line twice a second
        (~2 KB/s to the terminal while a form waits untouched; benchmarks/idle.py)."""
        if getattr(event.widget, "cursor_blink", False):
            event.widget.cursor_blink = False

    def _build_ahead(self) -> None:
        """The forms of a call built in idle time (kit.prebuilt), imported after the
        first frame: its import (kit.form) is not that frame's (issue #15)."""
        if not self._build_forms_ahead:
            return
        from deskterm.screens.kit.prebuilt import Ahead

        self.ahead = Ahead(self)
        self.ahead.soon()

    def _start_sender(self) -> None:
        """The messages to technicians, sent in a thread (after the first frame: not
        needed to draw it)."""
        if self._stop.is_set():
            return
        from deskterm.messaging.sender import start_background

        self.sender = start_background(self.session.office.id, self._stop)

    def on_unmount(self) -> None:
        self._stop.set()
        if self.ahead is not None:
            self.ahead.stop()
        self.flush_drafts()
        try:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        except (NotImplementedError, RuntimeError, ValueError):
            pass

    def flush_drafts(self) -> None:
        """Every open form's draft on disk now (the desk is closing)."""
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_draft", None)
            if flush is not None:
                flush()

    def _hung_up(self) -> None:
        """The terminal went away (SSH dropped): keep the drafts, then close."""
        self.flush_drafts()
        self.exit()

    def ask_sign_in(self, reason: str = "") -> None:
        from deskterm.screens.desk.sign_in import SignInScreen  # not needed by a demo's start

        self.push_screen(SignInScreen(self.session, reason=reason), callback=self._signed_in)

    def _signed_in(self, staff) -> None:
        self.session.staff = staff
        if self.dashboard is not None:
            self.dashboard.show_staff()
            self.dashboard.reload({"attendance_event"})
        self._note_ready()
        # [7.4.1] first thing after sign-in: yesterday's unfinished work, once a day per
        # person: remembered in the database (the change log), so neither signing in again
        # over lunch nor a restart brings it back; this set spares asking again here.
        day = (staff.id, today_local(self.session.tz)) if staff is not None else None
        if day is not None and day not in self._morning_shown:
            self._morning_shown.add(day)
            # After the panes' first frame: its import, query and layout would delay it.
            if self.dashboard is not None:
                self.dashboard.after_first_frame(self._open_morning_view)
            else:
                self._open_morning_view()

    def _open_morning_view(self) -> None:
        from deskterm.screens.repairs.morning_view import open_morning_view

        open_morning_view(self)

    def _demo_sign_in(self) -> None:
        staff_id, pin = self._demo
        early = self._early_sign_in

        def work() -> None:
            from deskterm.duties.desk import sign_in

            if early is not None:  # started by deskterm.cli before Textual
                early.wait()
                if early.error is not None:
                    raise early.error
                self.call_from_thread(self.take_early_sign_in)
                return
            else:
                with database.connection_context():
                    staff = sign_in(self.session.office, staff_id, pin)
            self.call_from_thread(self._signed_in, staff)

        self.run_worker(work, thread=True, exclusive=True, group="sign-in", name="demo sign-in")

    def take_early_sign_in(self) -> None:
        """The demo's sign-in, started before Textual (``deskterm.cli``), applied once it
        has ended: by the dashboard just before its first frame (which then names the
        clerk, not "nobody signed in" for a frame), else by the sign-in worker."""
        early = self._early_sign_in
        if early is None or not early.done() or early.error is not None:
            return
        self._early_sign_in = None
        self._signed_in(early.result)

    # --- the idle lock ------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self._last_input = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.key_fence.take(event)  # a burst lands as slow typing does
            return
        await super().on_event(event)

    def _check_idle(self) -> None:
        from deskterm.screens.desk.sign_in import SignInScreen

        if self.session.staff is None or any(
                isinstance(screen, SignInScreen) for screen in self.screen_stack):
            return
        if time.monotonic() - self._last_input >= self._idle_minutes * 60:
            self.lock_desk()

    def lock_desk(self) -> None:
        """Cover the desk until a PIN is typed; whatever form was open waits underneath."""
        from deskterm.screens.desk.sign_in import LockScreen

        self.push_screen(LockScreen(self.session, minutes=self._idle_minutes),
                         callback=self._unlocked)

    def _unlocked(self, staff) -> None:
        self._last_input = time.monotonic()
        if staff is None or (self.session.staff is not None
                             and staff.id == self.session.staff.id):
            return
        self._signed_in(staff)  # another person: they are at the desk now

    # --- live refresh ----------------------------------------------------------------------
    def _watch_changes(self, last: int) -> None:
        # One connection for the watcher's life (a connect per poll would redo the
        # pragmas 2.5 times a second); after an error it reconnects on the next poll.
        # The ChangeWatch also asks again for ids that committed after a larger one
        # (PostgreSQL); see deskterm/db/changes.py.
        worker = get_current_worker()
        office_id = self.session.office.id
        watch = None
        while not worker.is_cancelled and not self._stop.is_set():
            try:
                if database.is_closed():
                    database.connect()
                if watch is None:
                    watch = changes.ChangeWatch.since(last, office_id)
                topics = watch.poll()
                self._recovered()
                if "outbox_message" in topics and getattr(self, "sender", None) is not None:
                    self.sender.sender.wake()  # it sleeps until told (messaging/sender.py)
                if topics:
                    self.call_from_thread(self._changed, topics)
            except Exception as exc:  # noqa: BLE001 - a busy or lost database: try again
                try:
                    database.close()
                except Exception:  # noqa: BLE001 - a dead connection may not close cleanly
                    pass
                trouble = trouble_of(exc)
                if trouble is not None:
                    self.db_health.failed(trouble)
                self.call_from_thread(self.log.warning, f"change watch: {exc!r}")
            self._stop.wait(POLL_SECONDS)
        if not database.is_closed():
            database.close()

    def _recovered(self) -> None:
        """In the watcher, after a poll answered: the database is reachable; a lock, a
        full disk or a read-only file is asked about (``trouble.probe``) while it lasts."""
        health = self.db_health
        kind = health.kind
        if kind in (None, "unreachable"):
            health.ok()
        elif kind != "forked" and probe(kind, health.lasted):
            health.ok(wrote=True)

    def _health_heard(self, health: DatabaseHealth) -> None:
        """From whichever thread reported it: the news to the UI thread."""
        if threading.get_ident() == self._thread_id:
            self._health_changed()
            return
        try:
            self.call_from_thread(self._health_changed)
        except RuntimeError:  # the app is closing
            pass

    def _health_changed(self) -> None:
        if self.dashboard is None:
            return
        self.dashboard.show_health(self.db_health)
        if not self.db_health.troubled:
            self.dashboard.reload(None, covered_too=True)  # the stale rows, read again
            for screen in self.screen_stack:  # forms and books that could not read
                again = getattr(screen, "after_trouble", None)
                if again is not None:
                    again()

    def _note_ready(self, painted: bool = False) -> None:
        """For benchmarks/startup.py: once a frame shows every pane's first data and (in
        the demo) its clerk signed in, the time into ``$DESKTERM_READY_FILE``: now when
        ``painted`` (called just after that frame's refresh), else after the next one."""
        if self._ready_noted or self.dashboard is None or not self.dashboard.first_frame_done:
            return
        if self._demo and self.session.staff is None:
            return
        self._ready_noted = True
        ready_file = os.environ.get("DESKTERM_READY_FILE")
        if ready_file and painted:
            _write_ready(ready_file)
        elif ready_file:
            self.call_after_refresh(_write_ready, ready_file)

    def _changed(self, topics: set[str]) -> None:
        if self.dashboard is not None:
            self.dashboard.reload(topics)
        for screen in self.screen_stack[1:]:  # an order detail: its message's state
            getattr(screen, "topics_changed", lambda _topics: None)(topics)

    def _arm_minute(self) -> None:
        now = now_utc()
        delay = 60 - now.second - now.microsecond / 1_000_000 + 0.05
        self.set_timer(delay, self._on_minute, name="minute")

    def _on_minute(self) -> None:
        if self.dashboard is not None:
            self.dashboard.minute()
        self._arm_minute()

    # --- actions -----------------------------------------------------------------------------
    def action_help(self) -> None:
        from deskterm.screens.desk.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_maximize(self) -> None:
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
        elif screen.focused is not None:
            screen.maximize(screen.focused)

    def action_sign_out(self) -> None:
        from deskterm.screens.desk.sign_in import SignInScreen

        if self.session.staff is None or isinstance(self.screen, SignInScreen):
            return
        name = self.session.staff.name
        self.session.staff = None
        if self.dashboard is not None:
            self.dashboard.show_staff()
        self.ask_sign_in(_("{name} signed out.").format(name=name))

    def action_new_call(self) -> None:
        """F2: the call-intake form, from the dashboard, for whoever is at the desk."""
        from deskterm.screens.calls.taking import take_ringing
        from deskterm.screens.repairs.call_intake import CallIntakeScreen

        if not take_ringing(self):  # a call ringing: taken, its caller filled in
            self._open_form(CallIntakeScreen)

    def action_complaint(self) -> None:
        """F7: record a complaint."""
        from deskterm.screens.repairs.complaint_form import ComplaintFormScreen

        self._open_form(ComplaintFormScreen)

    def action_visitor(self) -> None:
        """F8: record a walk-in visitor (who may become an order or a complaint)."""
        from deskterm.screens.repairs.visit_form import VisitFormScreen

        self._open_form(VisitFormScreen)

    def _open_form(self, form) -> None:
        if self.screen is self.dashboard:
            open_screen(self, form)

    # --- the books (F10) ---------------------------------------------------------------------
    def _at_dashboard(self) -> bool:
        return self.screen is self.dashboard and self.session.staff is not None

    def action_books(self) -> None:
        """F10: the books menu; the chosen book opens over the dashboard."""
        if not self._at_dashboard():
            return
        from deskterm.screens.desk.books import BooksScreen

        self.push_screen(BooksScreen(), callback=self._book_chosen)

    def _book_chosen(self, name: str | None) -> None:
        if name:
            self.action_open(name)

    def action_open(self, name: str) -> None:
        """Open the screen ``name`` of ``keys.OPENERS`` over the dashboard (F3, F5, F6, the
        books); each screen's ``open_*`` function refuses before sign-in too."""
        if not self._at_dashboard() or name not in OPENERS:
            return
        from deskterm.screens.calls.taking import add_ringing_to_owner, pay_ringing
        if (name == "payment" and pay_ringing(self)) or (  # F3, F10 o while a call rings
                name == "owners" and add_ringing_to_owner(self)):
            return
        module, function = OPENERS[name].split(":")
        getattr(import_module(module), function)(self)

    def action_callback(self) -> None:
        """F4: the callback form for the row highlighted in Overdue callbacks."""
        from deskterm.screens.repairs.callback_form import open_callback_form

        open_callback_form(self)

    def get_system_commands(self, screen):
        """Every desk action in the ctrl+p palette, with its key."""
        for key in DESK_KEYS:
            if key.id == "quit":
                continue
            shown = self.desk_keymap.get(key.id, key.key)
            yield SystemCommand(
                f"{_(key.label)} ({shown})", _(key.description),
                lambda action=key.action: self.run_action(action),
            )
        books = self.desk_keymap.get("books", "f10")
        for book in BOOKS:
            yield SystemCommand(
                f"{_(book.label)} ({books} {book.letter})", _(book.description),
                lambda action=book.action: self.run_action(action),
            )
        yield from super().get_system_commands(screen)
