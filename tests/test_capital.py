"""Chinese capital numerals (大写金额): the examples of the rules, and a decoder written
here (independently of the module) that reads every amount back to the same fen."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskterm.capital import capital_amount
from deskterm.money import MAX_FEN

DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
PLACE = {"拾": 10, "佰": 100, "仟": 1000}


def decode_section(text: str) -> int:
    """``壹仟零伍`` → 1005: figures followed by an optional place; 零 is only a gap."""
    value, pending = 0, None
    for char in text:
        if char in DIGIT:
            assert pending is None, f"two figures in a row in {text!r}"
            if char != "零":
                pending = DIGIT[char]
        elif char in PLACE:
            assert pending is not None, f"a place without its figure in {text!r}"
            value += pending * PLACE[char]
            pending = None
        else:
            raise AssertionError(f"unexpected {char!r} in {text!r}")
    return value + (pending or 0)


def decode_yuan(text: str) -> int:
    total = 0
    if "亿" in text:
        high, text = text.split("亿")
        total += decode_section(high) * 10**8
    if "万" in text:
        high, text = text.split("万")
        total += decode_section(high) * 10**4
    return total + decode_section(text)


def decode(text: str) -> int:
    """A capital amount back to fen."""
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负")
    if text == "零元整":
        return 0
    yuan = 0
    if "元" in text:
        head, text = text.split("元")
        yuan = decode_yuan(head)
    if text == "整":
        return sign * yuan * 100
    match = re.fullmatch(r"(?:(.)角)?零?(?:(.)分)?", text)
    assert match and (match[1] or match[2]), f"bad jiao/fen {text!r}"
    jiao = DIGIT[match[1]] if match[1] else 0
    fen = DIGIT[match[2]] if match[2] else 0
    return sign * (yuan * 100 + jiao * 10 + fen)


@pytest.mark.parametrize(("fen", "text"), [
    (1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"),
    (10000, "壹佰元整"),
    (100520, "壹仟零伍元贰角"),
    (0, "零元整"),
    (1000, "壹拾元整"),
    (1100, "壹拾壹元整"),
    (140950, "壹仟肆佰零玖元伍角"),  # the rules' own examples from here on
    (600700, "陆仟零柒元整"),
    (1640902, "壹万陆仟肆佰零玖元零贰分"),
    (32504, "叁佰贰拾伍元零肆分"),
    (168032, "壹仟陆佰捌拾元叁角贰分"),
    (10700053, "壹拾万柒仟元伍角叁分"),
    (10001000, "壹拾万零壹拾元整"),
    (100000100, "壹佰万零壹元整"),
    (10000000000, "壹亿元整"),
    (10000000100, "壹亿零壹元整"),
    (10010000000, "壹亿零壹拾万元整"),
    (10100000000, "壹亿零壹佰万元整"),
    (50, "伍角"),
    (5, "伍分"),
    (55, "伍角伍分"),
    (-26868, "负贰佰陆拾捌元陆角捌分"),
])
def test_examples(fen, text):
    assert capital_amount(fen) == text
    assert decode(text) == fen


def test_every_small_amount_reads_back():
    for fen in range(0, 200_000):
        assert decode(capital_amount(fen)) == fen


@settings(max_examples=3000)
@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_reads_back_to_the_same_fen(fen):
    text = capital_amount(fen)
    assert decode(text) == fen
    assert "零零" not in text and "零元" not in text[1:] and "零万" not in text
    assert "零亿" not in text
    assert not text.startswith("零") or fen == 0
    assert text.endswith(("整", "角", "分"))
    assert text.endswith("整") == (fen % 100 == 0)


@given(st.integers(min_value=-MAX_FEN, max_value=-1))
def test_negative_amounts(fen):
    assert capital_amount(fen) == "负" + capital_amount(-fen)
    assert decode(capital_amount(fen)) == fen


def test_too_large():
    with pytest.raises(ValueError):
        capital_amount(10**12 * 100)
