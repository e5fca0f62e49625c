"""Pinyin initials of a Chinese name, for the roster lookup: 张三 → ``zs``; and of a
thing's name, for the stock lookup (``surname=False``: 单联开关 → ``dlkg``, not ``slkg``).

Uses pypinyin (a dictionary of readings made for this job); each word of Latin letters
in a name gives its first letter, lower-cased (``Li Ming`` → ``lm``).
"""

from __future__ import annotations

from functools import lru_cache

#: Surnames whose reading as a surname differs from the character's common reading
#: (曾 zēng, not céng; 单 shàn, not dān ...). Only the first character of a name is a
#: surname here; 欧阳, 司马 and other two-character surnames read as usual.
SURNAME_INITIALS = {
    "曾": "z", "单": "s", "仇": "q", "区": "o", "覃": "q", "解": "x", "查": "z", "朴": "p",
    "盖": "g", "乐": "y", "翟": "z", "缪": "m", "尉": "y", "召": "s", "华": "h", "任": "r",
    "柏": "b", "秘": "b", "繁": "p", "种": "c", "员": "y", "黑": "h", "藏": "z", "沈": "s",
    "都": "d", "蕃": "p", "重": "c", "长": "c", "句": "g", "车": "c", "阚": "k",
}


@lru_cache(maxsize=16384)
def initials(name: str, *, surname: bool = True) -> str:
    """``surname``: the first character is read as a surname (a person's name)."""
    from pypinyin import Style, lazy_pinyin

    name = (name or "").strip()
    letters = []
    if surname and len(name) >= 2 and name[0] in SURNAME_INITIALS:
        letters.append(SURNAME_INITIALS[name[0]])
        name = name[1:]
    for part in lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default"):
        for word in part.lower().split():
            for char in word:
                if char.isascii() and char.isalnum():
                    letters.append(char)
                    break
    return "".join(letters)
