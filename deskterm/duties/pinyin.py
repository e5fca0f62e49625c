"""Pinyin initials of a Chinese name, for the roster lookup: 张三 → ``zs``.

Uses pypinyin (a dictionary of readings made for this job); each word of Latin letters
in a name gives its first letter, lower-cased (``Li Ming`` → ``lm``).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def initials(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    letters = []
    for part in lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default"):
        for word in part.lower().split():
            for char in word:
                if char.isascii() and char.isalnum():
                    letters.append(char)
                    break
    return "".join(letters)
