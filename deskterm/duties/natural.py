"""Codes and names in the order people count them: 2栋 before 10栋, 3-2-501 before
3-2-1001, building 12 before building A.

``natural_key(text)`` is the one sort key for every list of districts, buildings and units
sorted in Python. A list paged by the database sorts its codes by length first, then as
text (``roster._NATURAL``): the same order for codes of digits.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")


def natural_key(text: str | None) -> tuple:
    """``text`` cut into runs of ASCII digits (compared as numbers, before any letters)
    and of other characters (compared as text); the text itself last, so that ``03`` and
    ``3`` still have an order."""
    text = text or ""
    parts: list[tuple[int, int, str]] = []
    start = 0
    for match in _DIGITS.finditer(text):
        if match.start() > start:
            parts.append((1, 0, text[start:match.start()]))
        parts.append((0, int(match.group()), ""))
        start = match.end()
    if start < len(text):
        parts.append((1, 0, text[start:]))
    return (tuple(parts), text)
