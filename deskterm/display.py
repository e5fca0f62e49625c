"""Turning records into text a clerk reads: times in the office's zone, money, widths.

Everything here returns plain ``rich.text.Text`` or ``str`` that is never parsed as markup:
a description typed as ``[red]`` shows as ``[red]``. Widths are terminal cells, so CJK
characters count two.
"""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from deskterm.clock import local
from deskterm.i18n import _
from deskterm.money import format_fen

# State is never shown by colour alone: each has a symbol (and a word where room allows).
SYMBOLS = {
    "done": "✓",
    "missed": "✗",
    "now": "▶",
    "upcoming": "·",
    "overdue": "!",
    "due": "…",
}


def plain(value: object) -> Text:
    """Any value as literal text (no markup, control characters shown as spaces)."""
    text = "" if value is None else str(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return Text(text)


def fit(value: object, width: int) -> str:
    """Cut ``value`` to at most ``width`` cells, with an ellipsis when cut (CJK-aware)."""
    text = "" if value is None else str(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"


def hhmm(moment: dt.datetime | None, tz: str) -> str:
    return local(moment, tz).format("HH:mm") if moment else ""


def when(moment: dt.datetime | None, tz: str, now: dt.datetime) -> str:
    """``14:00`` today, ``11-25 14:00`` another day, office-local."""
    if moment is None:
        return "—"
    shown = local(moment, tz)
    if shown.date() == local(now, tz).date():
        return shown.format("HH:mm")
    return shown.format("MM-DD HH:mm")


def age(since: dt.datetime, now: dt.datetime) -> str:
    """A compact age: ``35m``, ``5h``, ``3d``."""
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 3600:
        return _("{n}m").format(n=seconds // 60)
    if seconds < 86400 * 2:
        return _("{n}h").format(n=seconds // 3600)
    return _("{n}d").format(n=seconds // 86400)


def late_by(due: dt.datetime, now: dt.datetime) -> str:
    """``+2h`` past due, ``in 35m`` before it."""
    if now >= due:
        return "+" + age(due, now)
    return _("in {age}").format(age=age(now, due))


def money(fen: int | None) -> str:
    return "" if fen is None else format_fen(fen)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
