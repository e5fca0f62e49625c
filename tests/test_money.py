"""Money at the edge: what a clerk types becomes exact integer fen, or a DutyError.

Whatever reaches ``parse_amount`` (Rich markup, ANSI escapes, control characters, a
10,000-character paste, full-width digits from a Chinese IME) it either returns an int
within the desk's range or raises ``DutyError`` naming the field: never anything else.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from deskterm.errors import DutyError
from deskterm.money import MAX_FEN, fen_to_decimal, format_fen, parse_amount

FEN = st.integers(min_value=-MAX_FEN, max_value=MAX_FEN)

# Text a form can receive: anything at all, plus pieces that look like amounts so that the
# interesting paths (commas, decimals, signs, currency marks) are hit often.
AMOUNT_PIECES = st.sampled_from(
    ["1", "23", "456", "0", "9", ",", ".", "-", "¥", "￥", "元", "RMB", " ", "，", "。",
     "１", "２", "．", "，", "\u3000", "٣", "²", "[red]", "[/red]", "\x1b[31m", "\x1b[0m",
     "\x00", "\n", "\t", "e", "E", "+", "_", "NaN", "Infinity"]
)
AMOUNT_LIKE = st.lists(AMOUNT_PIECES, max_size=12).map("".join)
ANY_TEXT = st.one_of(st.text(), AMOUNT_LIKE, st.text(alphabet="0123456789,.-¥ ", max_size=30))


@given(ANY_TEXT, st.booleans())
@example("[red]1[/red]", False)
@example("\x1b[31m100\x1b[0m", False)
@example("1\x00", False)
@example("9" * 10_000, False)
@example("1," + "000," * 3000 + "000", False)
@example("0" * 10_000 + "1", False)
@example("NaN", True)
@example("Infinity", True)
@example("1e3", False)
@example("1_000", False)
@example("٣٤", False)
def test_parse_amount_only_ever_raises_duty_error(text, allow_negative):
    try:
        fen = parse_amount(text, field="paid", allow_negative=allow_negative)
    except DutyError as exc:
        assert exc.field == "paid"
        assert exc.message
        return
    assert type(fen) is int
    assert abs(fen) <= MAX_FEN
    if not allow_negative:
        assert fen >= 0


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("1234.5", 123450),
        ("1,234.50", 123450),
        ("¥1234.50", 123450),
        ("￥1,234.5", 123450),
        ("１２３４．５０", 123450),  # full-width, as a Chinese IME types it
        ("１，２３４．５", 123450),
        ("１２３４。５０", 123450),  # the IME's full stop
        ("  12  ", 1200),
        ("\u300012\u3000", 1200),  # ideographic spaces around it
        ("12.", 1200),
        ("0.01", 1),
        ("0.1", 10),
        ("1234元", 123400),
        ("RMB 50", 5000),
        ("cny50", 5000),
        ("007", 700),
        ("100,000,000.00", MAX_FEN),
        ("0", 0),
    ],
)
def test_accepted_forms(typed, fen):
    assert parse_amount(typed) == fen


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("-5", -500), ("-¥0.05", -5), ("¥-1,234.50", -123450), ("－１２", -1200)],
)
def test_negative_amounts_only_when_allowed(typed, fen):
    assert parse_amount(typed, allow_negative=True) == fen
    with pytest.raises(DutyError, match="negative") as caught:
        parse_amount(typed, field="refund")
    assert caught.value.field == "refund"


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Enter an amount"),
        ("   ", "Enter an amount"),
        (None, "Enter an amount"),
        ("¥", "Enter an amount"),
        ("1.234", "two decimals"),
        ("1,234.567", "two decimals"),
        ("0.001", "two decimals"),
        ("1,23.4", "Not an amount"),
        ("1234,567", "Not an amount"),
        (",123", "Not an amount"),
        ("1,,234", "Not an amount"),
        (".5", "Not an amount"),
        ("1.2.3", "Not an amount"),
        ("1e3", "Not an amount"),
        ("NaN", "Not an amount"),
        ("Infinity", "Not an amount"),
        ("1_000", "Not an amount"),
        ("[red]1[/red]", "Not an amount"),
        ("\x1b[31m1\x1b[0m", "Not an amount"),
        ("1\x00", "Not an amount"),
        ("--5", "Not an amount"),
        ("-¥-5", "Not an amount"),
        ("+5", "Not an amount"),
        ("٣٤", "Not an amount"),  # Arabic-Indic digits are not what the desk means
        # A currency mark belongs before or after the number, never inside it:
        ("1元2", "Not an amount"),
        ("1¥2", "Not an amount"),
        ("12RMB34", "Not an amount"),
        ("100,000,000.01", "too large"),
        ("1000000000", "too large"),
        ("9" * 10_000, "too large"),
        ("9" * 10_000 + ".99", "too large"),
    ],
)
def test_refused_forms_say_why_and_name_the_field(typed, words):
    with pytest.raises(DutyError, match=words) as caught:
        parse_amount(typed, field="cash_counted", allow_negative=True)
    assert caught.value.field == "cash_counted"


def test_the_default_field_is_amount():
    with pytest.raises(DutyError) as caught:
        parse_amount("abc")
    assert caught.value.field == "amount"


def test_a_huge_paste_is_refused_quickly():
    import time

    start = time.perf_counter()
    for text in ("9" * 10_000, "1," + "000," * 3000 + "000", "0" * 10_000 + "1.5"):
        try:
            parse_amount(text)
        except DutyError:
            pass
    assert time.perf_counter() - start < 5  # generous: guards against quadratic blow-ups, not speed


@given(FEN)
@example(0)
@example(MAX_FEN)
@example(-MAX_FEN)
@example(1)
@example(-1)
def test_format_then_parse_is_the_same_fen(fen):
    for symbol in (True, False):
        assert parse_amount(format_fen(fen, symbol=symbol), allow_negative=True) == fen


@given(FEN)
def test_parse_of_a_plain_decimal_is_the_same_fen(fen):
    assert parse_amount(str(fen_to_decimal(fen)), allow_negative=True) == fen


@given(FEN)
def test_fen_to_decimal_is_exact(fen):
    value = fen_to_decimal(fen)
    assert value * 100 == fen
    assert value.as_tuple().exponent == -2
    assert value == Decimal(fen) / Decimal(100)


@given(st.lists(FEN, max_size=50))
def test_sums_of_fen_are_exact(amounts):
    assert fen_to_decimal(sum(amounts)) == sum((fen_to_decimal(f) for f in amounts), Decimal(0))


def test_ten_dimes_make_exactly_one_yuan():
    dimes = [parse_amount("0.10") for _ in range(10)]
    assert sum(dimes) == 100
    assert fen_to_decimal(sum(dimes)) == Decimal("1.00")
    assert format_fen(sum(dimes)) == "¥1.00"


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "¥0.00"), (5, "¥0.05"), (123456, "¥1,234.56"), (-123456, "-¥1,234.56"),
     (MAX_FEN, "¥100,000,000.00")],
)
def test_format_fen(fen, text):
    assert format_fen(fen) == text
    assert format_fen(fen, symbol=False) == text.replace("¥", "")
