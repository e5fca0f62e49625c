"""Realistic Chinese names and mainland phone numbers for the demo roster.

Surnames are weighted roughly as they occur in the population (王, 李 and 张 alone are
about a fifth of everyone); given names are one or two characters, a generation's
common names (建国, 秀英, 子涵...) mixed with free combinations. Surnames whose reading
changes in a name (曾 zēng, 单 shàn, 仇 qiú, 区 ōu, 覃 qín, 解 xiè) are left out: the
pinyin-initials lookup reads them with their everyday reading and would miss them.

Everything takes a ``random.Random`` so that a seed gives the same people every time.
"""

from __future__ import annotations

import random
from itertools import accumulate

# (surname, weight in tenths of a per cent)
_SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 71), ("李", 70), ("张", 68), ("刘", 54), ("陈", 46), ("杨", 31), ("黄", 24),
    ("赵", 23), ("吴", 20), ("周", 19), ("徐", 15), ("孙", 15), ("马", 14), ("朱", 13),
    ("胡", 13), ("郭", 11), ("何", 11), ("高", 10), ("林", 10), ("罗", 9), ("郑", 9),
    ("梁", 9), ("谢", 8), ("宋", 8), ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7),
    ("曹", 7), ("彭", 6), ("肖", 6), ("田", 6), ("董", 6), ("袁", 5), ("潘", 5), ("于", 5),
    ("蒋", 5), ("蔡", 5), ("余", 5), ("杜", 5), ("叶", 5), ("程", 5), ("苏", 4), ("魏", 4),
    ("吕", 4), ("丁", 4), ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 4), ("崔", 3),
    ("钟", 3), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3),
    ("贾", 3), ("夏", 3), ("韦", 3), ("付", 3), ("方", 3), ("白", 3), ("邹", 3), ("孟", 3),
    ("熊", 3), ("秦", 3), ("邱", 3), ("江", 3), ("尹", 3), ("薛", 2), ("闫", 2), ("段", 2),
    ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2), ("顾", 2),
    ("毛", 2), ("郝", 2), ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("武", 2),
    ("戴", 2), ("莫", 2), ("孔", 2), ("向", 2), ("汤", 2), ("欧阳", 1), ("上官", 1),
    ("司马", 1), ("诸葛", 1),
)
_SURNAME_LIST = tuple(s for s, _ in _SURNAMES)
_SURNAME_CUM = tuple(accumulate(w for _, w in _SURNAMES))

# Whole given names common in one generation or another.
_GIVEN_MALE = (
    "建国", "建华", "建军", "国强", "志强", "志明", "国庆", "卫东", "海涛", "晓东", "文斌",
    "永红", "德明", "振华", "俊杰", "浩然", "子轩", "梓轩", "宇航", "思远", "一鸣", "家豪",
    "天佑", "明轩", "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平",
    "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁",
)
_GIVEN_FEMALE = (
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "丽华", "海燕", "晓燕", "红梅", "玉梅", "淑珍",
    "丽娟", "雪梅", "美玲", "静怡", "欣怡", "子涵", "雨桐", "一诺", "诗涵", "梓涵", "佳怡",
    "思琪", "雨欣", "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "玲", "萍",
    "红", "燕", "婷", "雪", "琳", "慧", "颖", "倩", "洁", "梅", "琴", "云", "莉", "丹",
)
# Characters for free two-character combinations (no characters with two readings).
_CHARS_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁林洋峰建国文海东亮成志晨博天嘉豪铭宏家振永德瑞泽睿"
_CHARS_FEMALE = "芳娜敏静丽艳娟霞秀英玲兰萍红燕婷雪琳慧颖倩洁梅琴云莉丹蓉欣怡佳雨诗涵思梦瑶晓月馨悦琪婉若"

# Mobile prefixes in use on the mainland (China Mobile, Unicom, Telecom, Broadnet).
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "170", "171", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
    "191", "193", "195", "196", "197", "198", "199",
)
#: The area code of the demo city (翠湖花园 is set in Wuhan): landlines are 027 + 8 digits.
AREA_CODE = "027"


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]


def given_name(rng: random.Random, female: bool) -> str:
    """A one- or two-character given name (about 30 % / 70 %)."""
    if rng.random() < 0.5:
        return rng.choice(_GIVEN_FEMALE if female else _GIVEN_MALE)
    chars = _CHARS_FEMALE if female else _CHARS_MALE
    if rng.random() < 0.3:
        return rng.choice(chars)
    first = rng.choice(chars)
    second = rng.choice(chars)
    while second == first:
        second = rng.choice(chars)
    return first + second


def person_name(rng: random.Random, female: bool | None = None) -> str:
    if female is None:
        female = rng.random() < 0.5
    return surname(rng) + given_name(rng, female)


class PhoneBook:
    """Hands out unique phone numbers: mobiles (11 digits) and local landlines."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            number = make()
            if number not in self._used:
                self._used.add(number)
                return number

    def mobile(self) -> str:
        rng = self._rng
        return self._unique(
            lambda: rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}")

    def landline(self) -> str:
        rng = self._rng
        # Wuhan numbers are 8 digits starting 8, 5 or 6: 027 8765 4321.
        return self._unique(
            lambda: AREA_CODE + rng.choice("856") + f"{rng.randrange(10_000_000):07d}")
