"""What the clerk's words at call intake point to, in both languages the desk speaks:

- ``suggest_category(request)``: the repair category the request's words name (漏水 → water,
  跳闸 → electricity, 道闸 → public area), or None;
- ``place_named(text, places)``: the public place a text names (``东门`` → 东门道闸, or a
  night-log line that mentions it), or None.

Pure: no database, no Textual. The call-intake form suggests what these find; the clerk
accepts it by going on, or changes it.

A request may hold words of several categories ("楼道灯不亮": 楼道 and 灯); the longest
word found wins (楼道, two characters, over 灯), then the one said first ("屋顶漏水":
屋顶), then the table's order. Chinese words are found anywhere in the text; English words
as words, with their usual endings ("leaking" is "leak"; "investigate" has no "gate").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from deskterm.duties.parsing import phone_digits_query, unit_code_query

#: The words of each category, as callers and clerks say them. 电 alone is no word here
#: (来电 is "called"); nor is 门 (东门 is a gate).
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "water": (
        "漏水", "水管", "下水", "马桶", "水龙头", "龙头", "地漏", "堵塞", "停水", "水表",
        "阀门", "水压", "水",
        "leak", "pipe", "drain", "toilet", "tap", "faucet", "blocked", "water",
    ),
    "electricity": (
        "跳闸", "停电", "没电", "断电", "漏电", "插座", "开关", "空开", "电闸", "电线",
        "电路", "对讲", "灯",
        "power", "trip", "socket", "outlet", "switch", "fuse", "wiring", "light", "lamp",
        "bulb",
    ),
    "doors_locks": (
        "门锁", "钥匙", "防盗门", "开锁", "门把手", "猫眼", "锁",
        "lock", "key", "door",
    ),
    "lift": ("电梯", "困人", "关人", "lift", "elevator", "trapped"),
    "gas": ("燃气", "煤气", "天然气", "gas"),
    "walls_roof": (
        "渗水", "屋顶", "天花板", "墙面", "墙皮", "顶棚", "屋面", "裂缝", "发霉", "墙",
        "seep", "roof", "ceiling", "wall", "crack", "mould", "mold",
    ),
    "public_area": (
        "楼道", "路灯", "道闸", "车库", "楼梯", "扶手", "单元门", "大门", "岗亭", "会所",
        "绿化", "地下室", "配电间", "化粪池",
        "corridor", "stairwell", "stairs", "street light", "street lamp", "barrier", "gate",
        "garage", "car park", "road", "clubhouse",
    ),
}

#: What an English word may end with and still be that word (leaks, leaking, tripped).
_ENDINGS = r"(?:s|es|d|ed|ing|ped|ping|age|y)?"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTERS = re.compile(r"[A-Za-z]")


def _said(text: str) -> str:
    """The text as words are looked for in it: NFKC (full-width letters from an IME),
    lower case, runs of spaces one."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def _patterns() -> list[tuple[str, int, re.Pattern[str]]]:
    found = []
    for category, words in CATEGORY_WORDS.items():
        for word in words:
            pattern = (rf"(?<![a-z]){re.escape(word)}{_ENDINGS}(?![a-z])" if word.isascii()
                       else re.escape(word))
            found.append((category, len(word), re.compile(pattern)))
    return found


_PATTERNS = _patterns()
_ORDER = {category: i for i, category in enumerate(CATEGORY_WORDS)}


def suggest_category(request: str | None) -> str | None:
    """The category the request's words name (a key of ``RepairOrder.CATEGORIES``), or
    None when no word of the table is in it."""
    text = _said(request)
    if not text:
        return None
    best: tuple[int, int, int] | None = None
    chosen = None
    for category, length, pattern in _PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        rank = (-length, match.start(), _ORDER[category])
        if best is None or rank < best:
            best, chosen = rank, category
    return chosen


def _key(text: str) -> str:
    """How a place is matched: NFKC, no spaces, case folded."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def place_named(text: str | None, places: Iterable[tuple[int, str]]) -> int | None:
    """The id of the one place of ``places`` (``(id, name)``) that ``text`` names: its
    name itself, else the one place whose name holds the text (``东门`` → 东门道闸), else
    the one place named inside the text (``东门道闸抬杆故障``). None when the text is a
    unit code or a phone number being typed, has no Chinese character and fewer than two
    letters, or names no place or several."""
    key = _key(text or "")
    if not key or unit_code_query(text) or phone_digits_query(text):
        return None
    if not _CJK.search(key) and len(_LETTERS.findall(key)) < 2:
        return None
    named = [(place_id, _key(name)) for place_id, name in places]
    for test in (lambda name: name == key, lambda name: key in name,
                 lambda name: bool(name) and name in key):
        found = [place_id for place_id, name in named if test(name)]
        if len(found) == 1:
            return found[0]
        if found:
            return None  # several: the clerk types on, or picks one
    return None
