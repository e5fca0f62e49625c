"""The desk's one clock: naive UTC for storage, the office's zone for people.

Everything that asks "what time is it" asks here, so that tests, snapshots and the
benchmarks can freeze time with ``freeze()`` or ``DESKTERM_NOW`` (an ISO timestamp,
naive means UTC, e.g. ``2026-11-26T02:05:00``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import arrow

_frozen: dt.datetime | None = None
#: Called after the clock is frozen, moved or thawed: whatever sleeps until a moment (the
#: outbox sender) looks again.
_listeners: list[Callable[[], object]] = []


def listen(callback: Callable[[], object]) -> None:
    """Call ``callback`` (from the thread that moves it) whenever ``freeze`` is called."""
    _listeners.append(callback)


def unlisten(callback: Callable[[], object]) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


def _parse_env(value: str) -> dt.datetime:
    moment = arrow.get(value)
    return moment.to("UTC").naive


def freeze(moment: dt.datetime | str | None) -> None:
    """Freeze the clock at ``moment`` (naive UTC or ISO text); ``None`` thaws it."""
    global _frozen
    if isinstance(moment, str):
        moment = _parse_env(moment)
    _frozen = moment
    for callback in list(_listeners):
        callback()


def now_utc() -> dt.datetime:
    """The current instant as a naive UTC datetime (what the database stores)."""
    if _frozen is not None:
        return _frozen
    env = os.environ.get("DESKTERM_NOW")
    if env:
        return _parse_env(env)
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def local(moment: dt.datetime, tz: str) -> arrow.Arrow:
    """A stored naive-UTC datetime shown in the office's zone."""
    return arrow.get(moment, tzinfo="UTC").to(tz)


def to_utc(moment: arrow.Arrow | dt.datetime, tz: str | None = None) -> dt.datetime:
    """Office-local time (aware, or naive in ``tz``) to naive UTC for storage."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            if tz is None:
                raise ValueError("a naive datetime needs its zone")
            moment = arrow.get(moment, tzinfo=tz)
        else:
            moment = arrow.get(moment)
    return moment.to("UTC").naive


def today_local(tz: str) -> dt.date:
    """Today's date in the office's zone (not the host's: an SSH host is often UTC)."""
    return local(now_utc(), tz).date()


def day_bounds_utc(day: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """The office-local day ``day`` as a half-open [start, end) range in naive UTC."""
    start = arrow.get(dt.datetime.combine(day, dt.time()), tzinfo=tz)
    return start.to("UTC").naive, start.shift(days=1).to("UTC").naive
