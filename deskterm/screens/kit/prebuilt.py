"""Forms built ahead (issue #15): the forms a clerk opens during a call (F2 call intake,
F3 payment, F7 complaint, F8 visit) composed and mounted in idle time, so that the key
only shows one.

Building a form is most of what its key cost: its module's import, ``compose`` of some
hundred widgets and matching the stylesheet against each (~100-140 ms of CPU at 80x24).
``Ahead`` does that while the desk is idle — after the dashboard's first frame, and again
after each form built ahead was taken — one form per idle moment (no key for ``QUIET``
seconds, and on top the dashboard or a form whose load has come: the next call's form is
built during this one; with a book, a detail or the morning view on top nothing is asked
until the screen changes, not every ``QUIET`` seconds), so that a key pressed meanwhile waits at most for one form's
build (the app's message loop waits for a build to end: a key, or closing the desk, comes
after it).

Each form built ahead is used once: ``take`` hands out a new instance that nobody has
seen (never a form a clerk typed in, so nothing from the last call can be left in it),
and builds the next one later. A form built ahead is mounted but not started:
``DeskForm.open_now`` (called by ``take``, just before the push) does what its mount
does for a form built on the key — the focus on its first field, what it opened with,
its load in the kit's worker, the draft offer after it — so the data is read as the form
opens, never minutes before; a form asked for while it is still being built opens itself
once mounted, as one built on the key does. ``take`` is asked only for a screen opened
without arguments (a ringing call's F2 builds its own). The desk's language is set before
it starts (``deskterm.cli``), so the words of a form built ahead stay right.

A form built ahead has no id (``BUILDING_AHEAD``): a form of its class opened meanwhile
with arguments (a ringing call's F2, a test's) is registered beside it, and ids must be
unique among the app's screens; the four forms' stylesheets name them by a class.
Textual has no public "mount without showing": the form is registered with the app as
``push_screen`` registers a screen (``App._register``, the stylesheet read first with
``App._load_screen_css``), as an installed screen stays registered while not on the
stack; it is not on the screen stack, so nothing draws it, and a query of the stack's
screens does not find it.
"""

from __future__ import annotations

import time
from importlib import import_module

from textual.widget import AwaitMount

from deskterm import heap
from deskterm.screens.kit.form import BUILDING_AHEAD

#: The forms built ahead: "module:class", imported in idle time too.
FORMS = (
    "deskterm.screens.repairs.call_intake:CallIntakeScreen",
    "deskterm.screens.cashdesk.payment:PaymentScreen",
    "deskterm.screens.repairs.complaint_form:ComplaintFormScreen",
    "deskterm.screens.repairs.visit_form:VisitFormScreen",
)
#: Books built ahead too (kit.book: started by ``open_now``; a ``KEPT`` one is handed
#: back when closed, ``give_back``, and shown again).
BOOKS = ("deskterm.screens.repairs.register_search:RegisterSearchScreen",
         "deskterm.screens.residents.owner_roster:OwnerRosterScreen",
         "deskterm.screens.repairs.complaint_list:ComplaintListScreen")
QUIET = 0.2  # seconds without a key before a form is built
STEP = 0.1  # seconds between two builds (the event loop answers keys between them)


class Ahead:
    """The forms built ahead for one app (``app.ahead``)."""

    def __init__(self, app, forms: tuple[str, ...] = FORMS + BOOKS) -> None:
        self.app = app
        self.forms = forms
        self.ready: dict[str, object] = {}  # "module:class" -> a form mounted, not shown
        self._timer = None
        self.stopped = False
        self._listening = False

    # --- handing out ----------------------------------------------------------------------
    def take(self, cls: type):
        """A form of ``cls`` built ahead and now opened (None: build one on the key);
        the next one is built in idle time."""
        name = f"{cls.__module__}:{cls.__qualname__}"
        screen = self.ready.pop(name, None)
        if screen is None or not getattr(cls, "KEPT", False):  # a kept book comes back
            self.soon()
        if screen is None:
            return None
        if type(screen) is not cls or not screen.is_running or screen.parent is None:
            self._drop(screen)
            return None
        if screen.mounted:
            screen.open_now()
        else:  # still being built: it opens itself once mounted, as on the key
            screen.built_ahead = False
        return screen

    def give_back(self, screen) -> bool:
        """A book closed and made as new (``kit.book``, ``KEPT``): the next ``take`` of
        its class shows it again. False: not wanted (the desk closes, or one is ready)."""
        name = f"{type(screen).__module__}:{type(screen).__qualname__}"
        if self.stopped or name in self.ready or name not in self.forms:
            return False
        self.ready[name] = screen
        return True

    # --- building ---------------------------------------------------------------------------
    def soon(self, delay: float = QUIET) -> None:
        """Build what is missing once the desk is idle."""
        if self.stopped or self._timer is not None:
            return
        self._timer = self.app.set_timer(delay, self._step, name="forms ahead")

    def _idle(self) -> str:
        """"idle": no key for ``QUIET`` seconds, and on top the dashboard or a form that
        has read what it needs (the next call's form is built while the clerk talks);
        "typing" or "loading" (a form reading): to be asked again soon; "elsewhere" (a
        book, a detail, the morning view on top): to be asked when the screen changes."""
        app = self.app
        stack = app.screen_stack  # empty while the app closes (then app.screen raises)
        top = stack[-1] if stack else None
        if top is None:
            return "elsewhere"
        if not (top is getattr(app, "dashboard", None) or getattr(top, "is_loaded", False)):
            loading = hasattr(top, "is_loaded") and not getattr(top, "load_failed", False)
            return "loading" if loading else "elsewhere"
        if time.monotonic() - getattr(app, "_last_input", 0.0) < QUIET:
            return "typing"
        return "idle"

    def _screen_changed(self, _screen=None) -> None:
        if not self.stopped and any(name not in self.ready for name in self.forms):
            self.soon()

    def _step(self) -> None:
        self._timer = None
        if self.stopped or not self.app.is_running:
            return
        missing = [name for name in self.forms if name not in self.ready]
        if not missing:
            if self._idle() == "idle":  # what the builds left collected now, not at a key
                heap.tidy()
            return
        state = self._idle()
        if state == "elsewhere":
            # Not looked at again every QUIET seconds while a book stays open (the desk's
            # idle CPU, issue #15): the next screen change asks again.
            self._listen()
            return
        if state != "idle":
            self.soon()
            return
        # In the app's own message loop, awaited to the end: a form half built when the
        # app closes would run its mount without the widgets it composes.
        self.app.call_later(self._build, missing[0])
        self.soon(STEP)  # the next one, or the heap's tidy-up after the last

    def _listen(self) -> None:
        if not self._listening:
            self._listening = True
            self.app.screen_change_signal.subscribe(self.app, self._screen_changed)

    async def _build(self, name: str) -> None:
        if self.stopped or name in self.ready:
            return
        module, qualname = name.split(":")
        cls = getattr(import_module(module), qualname)
        token = BUILDING_AHEAD.set(True)
        try:
            screen = cls(self.app.session)
        finally:
            BUILDING_AHEAD.reset(token)
        app = self.app
        app._load_screen_css(screen)  # noqa: SLF001 - as push_screen does, before mounting
        app._register(app, screen)  # noqa: SLF001 - composed and mounted, not shown
        self.ready[name] = screen
        await AwaitMount(screen, [screen])
        if self.stopped or not screen.is_running:
            return
        screen.values()  # each field's widget found once (DeskForm.widget keeps them)
        # Laid out at the desk's size too (Textual draws only the current screen): shown,
        # it lays out again only if the terminal was resized meanwhile.
        screen._refresh_layout(app.size)  # noqa: SLF001

    def _drop(self, screen) -> None:
        if screen.is_running and screen.parent is not None:
            screen.remove()

    def stop(self) -> None:
        """Nothing more is built (the app closes, and closes what was built with the rest
        of its widgets)."""
        self.stopped = True
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.ready.clear()
