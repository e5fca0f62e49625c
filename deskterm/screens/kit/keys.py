"""Keys land where the clerk typed them, however fast they come.

Textual hands each key to the widget focused when the app takes the key from its queue,
and the widget handles it later, in its own task. A key that moves the focus (Tab in a
field, Enter that picks a caller) therefore moved it only after the keys behind it had
already been handed to the old field: a fast typist or a laggy SSH link (which delivers
a burst at once) saw "Zhao" Tab "12-1-302" land as the name "Zhao12-1-302". Typed slowly,
the same keys were right.

``KeyFence`` makes a burst land as slow typing does:

- ``route(app, event)`` hands a key on as Textual does and follows it up while it bubbles
  (``follow``: until a field takes it, or it passes the screen); a key that comes back
  up to the app for its bindings (Tab, Enter, the screen's keys) is handled at once, and
  what it set off among the focused widget and its containers settles (``settle``: their
  queues drained, leaf first, at most ``SETTLE_SECONDS``); only then is the next key
  taken. A character costs one hand-off (docs/PERFORMANCE.md, "Keys in a burst").
- what the key left for the app to do later (``Widget.focus()`` queues the move of the
  focus on the app, behind the rest of the burst: a ``Select`` opens and closes its list
  so) is done before the next key is taken (``_set_off``);
- a screen that cannot know yet where the next key belongs (the roster lookup asked to
  pick before its answer came) calls ``hold(screen)``: keys are kept, in order, until it
  calls ``release(screen)``, then handed on one by one as above (at most
  ``HOLD_SECONDS`` later in any case).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from textual import events
from textual.app import App
from textual.dom import DOMNode

SETTLE_SECONDS = 0.5
HOLD_SECONDS = 3.0
MAX_ROUNDS = 8


async def _drained(pump, left: float) -> bool:
    """Whether everything queued for ``pump`` before now was handled within ``left``
    seconds (a callback queued behind it has run)."""
    done = asyncio.get_running_loop().create_future()

    def mark() -> None:
        if not done.done():
            done.set_result(None)

    if not pump.call_later(mark):
        return True  # not running: nothing to wait for
    try:
        await asyncio.wait_for(done, left)
    except TimeoutError:
        return False
    return True


async def follow(event: events.Key, node: DOMNode, screen) -> None:
    """Wait while ``event`` goes up from ``node``: until a widget stops it (a field took
    the character) or it has passed the screen. Only the widgets it passes through are
    waited for: a character typed costs one hand-off, not a redraw of the screen."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while node is not None:
        if not await _drained(node, deadline - time.monotonic()):
            return
        if event._stop_propagation or node is screen:  # noqa: SLF001
            return
        node = node.parent


async def settle(node: DOMNode, screen) -> None:
    """Wait until ``node`` and its ancestors up to ``screen`` have handled what is queued
    for them, and what that set off among them (a message bubbling up, a message a
    container posts to itself), at most ``SETTLE_SECONDS``."""
    chain = []
    while node is not None:
        chain.append(node)
        if node is screen:
            break
        node = node.parent
    deadline = time.monotonic() + SETTLE_SECONDS
    for _round in range(MAX_ROUNDS):
        for pump in chain:
            if not await _drained(pump, deadline - time.monotonic()):
                return
        if all(pump._message_queue.empty() for pump in chain):  # noqa: SLF001
            return


def _callbacks(app: App) -> set[int]:
    """The callbacks waiting in the app's queue (``call_later``)."""
    return {id(m) for m in app._message_queue.values  # noqa: SLF001
            if isinstance(m, events.Callback)}


async def _set_off(app: App, before: set[int]) -> None:
    """Run the callbacks a key queued on the app (not in ``before``), ahead of the keys of
    the burst queued before them, and let what they set off settle."""
    for _round in range(MAX_ROUNDS):
        queue = app._message_queue  # noqa: SLF001
        later = [m for m in queue.values
                 if isinstance(m, events.Callback) and id(m) not in before]
        if not later:
            return
        for message in later:
            if _take_back(app, message):
                await app._dispatch_message(message)  # noqa: SLF001 - as the app's loop does
        await settle(app.focused or app.screen, app.screen)


def _take_back(app: App, event: events.Message) -> bool:
    """Remove ``event`` from the app's queue (Textual's own ``_queue.Queue``: a deque and
    an event saying it is not empty); whether it was there."""
    queue = app._message_queue  # noqa: SLF001
    values = queue.values
    for index, queued in enumerate(values):
        if queued is event:
            del values[index]
            if not values:
                queue.ready_event.clear()
            return True
    return False


@dataclass
class _Hold:
    since: float  # when the (last) hold began: a hold never outlives HOLD_SECONDS
    keys: list[events.Key] = field(default_factory=list)
    count: int = 0  # holds not yet released (a pick that then reads the dues: two)
    replaying: bool = False


class KeyFence:
    """The app's side (see the module's docstring): ``DeskApp.on_event`` hands every key
    from the terminal to ``take``; ``route_now`` is Textual's own handling of a key.

    Holds count: a screen may hold again before it releases (the payment form holds
    while the lookup picks a unit, and again while that unit's dues are read); the keys
    go on when every hold is released, and a key replayed that starts a new hold stops
    the replay there until that one is released too."""

    def __init__(self, app: App, route_now: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self.route_now = route_now
        self._held: dict[int, _Hold] = {}

    def holding(self, screen) -> bool:
        hold = self._held.get(id(screen))
        return hold is not None and hold.count > 0

    def hold(self, screen) -> None:
        """Keep the keys that come for ``screen`` until ``release`` (or HOLD_SECONDS)."""
        hold = self._held.get(id(screen))
        if hold is None:
            hold = self._held[id(screen)] = _Hold(time.monotonic())
        if hold.count == 0:
            hold.since = time.monotonic()
            self.app.set_timer(HOLD_SECONDS, lambda: self._expire(screen, hold),
                               name="key hold")
        hold.count += 1

    def release(self, screen) -> None:
        """One hold of ``screen`` released; with none left, the kept keys go on, in
        order, as the app's next piece of work."""
        hold = self._held.get(id(screen))
        if hold is None:
            return
        hold.count = max(0, hold.count - 1)
        if hold.count == 0 and not hold.replaying:
            self.app.call_later(self._replay, screen)

    def _expire(self, screen, hold: _Hold) -> None:
        if self._held.get(id(screen)) is hold and hold.count and \
                time.monotonic() - hold.since >= HOLD_SECONDS - 0.01:
            hold.count = 0
            if not hold.replaying:
                self.app.call_later(self._replay, screen)

    async def _replay(self, screen) -> None:
        hold = self._held.get(id(screen))
        if hold is None or hold.count or hold.replaying:
            return
        hold.replaying = True
        try:
            while hold.keys:
                await self.route(hold.keys.pop(0))
                if hold.count:  # that key started a hold: the rest wait for it
                    return
            del self._held[id(screen)]
        finally:
            hold.replaying = False

    async def take(self, event: events.Key) -> None:
        """A key from the terminal: kept for a screen that holds keys, else routed."""
        screen = self.app.screen
        hold = self._held.get(id(screen))
        if hold is not None:
            if hold.count and time.monotonic() - hold.since >= HOLD_SECONDS:
                hold.count = 0  # a hold never outlives its time
            if hold.count or hold.keys:
                hold.keys.append(event)
                if not hold.count and not hold.replaying:
                    await self._replay(screen)
                return
        await self.route(event)

    async def route(self, event: events.Key) -> None:
        target = self.app.focused or self.app.screen
        screen = self.app.screen
        waiting = _callbacks(self.app)
        await self.route_now(event)
        await follow(event, target, screen)
        # A key no widget took comes back up to the app, where Textual looks up the
        # bindings (Tab, Enter in a field, the screen's keys); it was queued behind the
        # rest of the burst: handle it now, in its turn, and let what it set off settle.
        if _take_back(self.app, event):
            await self.app._dispatch_message(event)  # noqa: SLF001 - as the app's loop does
            await settle(self.app.focused or self.app.screen, self.app.screen)
        await _set_off(self.app, waiting)
