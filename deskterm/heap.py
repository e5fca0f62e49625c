"""Python's garbage collector kept off the clerk's keys (issue #15).

A full collection walks every object the desk holds: ~150,000 once the dashboard is drawn
(the modules, Textual's and the desk's classes and caches), more with each form and book
built ahead. Measured through ``benchmarks/screen_keys.py`` at 1M orders: full
collections of 18 ms just after start, growing to 200 ms by the tenth screen, landing in
about one key in three (Textual's frames leave cyclic garbage, so they come often).

So what is alive once the dashboard is drawn is frozen (``gc.freeze``: full collections
walk only what came after), and when the desk has built its forms and books ahead, in idle
time, the heap is collected and frozen again (``tidy``): what the builds left is walked
once, then, and not at a key. A form frozen while built ahead and later closed is garbage
in the frozen part until the next tidy-up collects it (at most ``EVERY`` seconds later,
when the desk next builds ahead).
"""

from __future__ import annotations

import gc
import time

EVERY = 30.0  # seconds: the least time between two tidy-ups

_last = 0.0


def freeze() -> None:
    """What is alive now is left out of full collections (a list splice: no time)."""
    gc.freeze()


def tidy() -> bool:
    """The whole heap collected once, then frozen (~100-200 ms; call it in idle time),
    unless the last tidy-up was less than ``EVERY`` seconds ago. True if it ran."""
    global _last
    now = time.monotonic()
    if _last and now - _last < EVERY:
        return False
    _last = now
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return True
