"""Turning records into text a clerk reads: times in the office's zone, money, widths.

Everything here returns plain ``rich.text.Text`` or ``str`` that is never parsed as markup:
a description typed as ``[red]`` shows as ``[red]``. Widths are terminal cells, so CJK
characters count two. Days, weekdays and relative times (``day_label``, ``long_day``,
``ago``) follow the desk's language through arrow's ``en``/``zh`` locales.
"""

from __future__ import annotations

import datetime as dt

import arrow
from arrow.locales import get_locale
from rich.cells import cell_len, set_cell_size
from rich.text import Text

from deskterm.clock import local
from deskterm.i18n import _, current_language
from deskterm.money import format_fen

# State is never shown by colour alone: each has a symbol (and a word where room allows).
SYMBOLS = {
    "done": "✓",
    "missed": "✗",
    "now": "▶",
    "upcoming": "·",
    "overdue": "!",
    "due": "…",
    "chased": "⚑",  # the owner chased the order (催单)
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
    """``14:00`` today, ``11-25 14:00`` another day of this year, ``2025-11-25 14:00``
    another year's: office-local, never a time without its day."""
    if moment is None:
        return "—"
    shown, today = local(moment, tz), local(now, tz).date()
    if shown.date() == today:
        return shown.format("HH:mm")
    return shown.format("MM-DD HH:mm" if shown.year == today.year else "YYYY-MM-DD HH:mm")


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


def arrow_locale() -> str:
    """arrow's locale for the desk's current language: ``zh`` or ``en``."""
    return "zh" if current_language() == "zh_CN" else "en"


def day_label(day: dt.date) -> str:
    """A day with its weekday, short: ``Fri 11-27`` / ``11-27 周五`` (10 cells at most)."""
    locale = arrow_locale()
    weekday = get_locale(locale).day_abbreviation(day.isoweekday())
    if locale == "zh":
        return f"{day:%m-%d} 周{weekday}"
    return f"{weekday} {day:%m-%d}"


def long_day(day: dt.date) -> str:
    """A day in full: ``Friday 27 November 2026`` / ``2026年11月27日 星期五``."""
    locale = arrow_locale()
    names = get_locale(locale)
    weekday = names.day_name(day.isoweekday())
    if locale == "zh":
        return f"{day.year}年{day.month}月{day.day}日 {weekday}"
    return f"{weekday} {day.day} {names.month_name(day.month)} {day.year}"


def ago(moment: dt.datetime, now: dt.datetime) -> str:
    """How long ago ``moment`` was (naive UTC both): ``3 hours ago`` / ``3小时前``; a moment
    still to come reads ``in 3 hours`` / ``3小时后``."""
    return arrow.get(moment).humanize(arrow.get(now), locale=arrow_locale())


def history_label(history, now: dt.datetime, width: int) -> str:
    """``History · updated 35 minutes ago`` over a record's history lines (``.at``,
    ``.action``): the last change after the first record, just ``History`` while there is
    none."""
    changes = [line.at for line in history if line.action != "create"]
    if not changes:
        return _("History")
    return fit(_("History") + " · " + _("updated {ago}").format(ago=ago(changes[-1], now)),
               width)


def money(fen: int | None) -> str:
    return "" if fen is None else format_fen(fen)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def cut_at_word(value: object, width: int) -> str:
    """``value`` in at most ``width`` cells, whole words only (a run without spaces is one
    word, CJK too), with an ellipsis when words were left off; only a first word longer
    than the room is cut (``fit``)."""
    text = "" if value is None else str(value)
    if cell_len(text) <= width:
        return text
    kept = ""
    for word in text.split(" "):
        candidate = f"{kept} {word}" if kept else word
        if cell_len(candidate) + 1 > width:
            break
        kept = candidate
    return kept.rstrip(" ·") + "…" if kept.rstrip(" ·") else fit(text, width)


def fullest(forms, width: int) -> str:
    """The first of ``forms`` (fullest first) that fits ``width`` cells; else the last,
    cut at a word (``cut_at_word``). A plain string is its one form."""
    forms = [forms] if isinstance(forms, str) else [form for form in forms if form]
    for form in forms:
        if cell_len(form) <= width:
            return form
    return cut_at_word(forms[-1], width) if forms else ""
