"""PINs: 4-8 digits, hashed with scrypt; checking one never raises, whatever is stored.

Each hash costs ~50-90 ms, so the property tests that hash keep to a few examples, and
those over damaged stored hashes use cheap parameters or are refused before hashing.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deskterm.duties.pins import hash_pin, normalise_pin, pin_matches
from deskterm.errors import DutyError

SLOW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def stored_1234() -> str:
    return hash_pin("1234")


def test_hash_then_verify(stored_1234):
    assert stored_1234.startswith("scrypt$")
    assert pin_matches("1234", stored_1234)
    assert not pin_matches("1235", stored_1234)
    assert not pin_matches("12345", stored_1234)
    assert not pin_matches("4321", stored_1234)


def test_the_same_pin_hashes_differently_each_time():
    first, second = hash_pin("2468"), hash_pin("2468")
    assert first != second  # a fresh salt each time
    assert pin_matches("2468", first) and pin_matches("2468", second)


def test_a_given_salt_gives_the_same_hash():
    assert hash_pin("2468", salt=b"\x00" * 16) == hash_pin("2468", salt=b"\x00" * 16)


def test_full_width_digits_are_the_same_pin(stored_1234):
    assert normalise_pin("１２３４") == "1234"
    assert pin_matches("１２３４", stored_1234)
    assert pin_matches(" 1234 ", stored_1234)
    assert pin_matches("1234", hash_pin("１２３４"))


@pytest.mark.parametrize("pin", ["1234", "12345678", "0000", "００００"])
def test_four_to_eight_digits_are_a_pin(pin):
    assert normalise_pin(pin).isdigit()


@pytest.mark.parametrize(
    ("pin", "words"),
    [
        ("", "Enter your PIN"),
        ("   ", "Enter your PIN"),
        (None, "Enter your PIN"),
        ("123", "4 to 8 digits"),
        ("123456789", "4 to 8 digits"),
        ("12a4", "4 to 8 digits"),
        ("12 34", "4 to 8 digits"),
        ("-1234", "4 to 8 digits"),
        ("١٢٣٤", "4 to 8 digits"),  # Arabic-Indic digits: isdigit() but not ASCII
        ("[red]1234", "4 to 8 digits"),
        ("\x1b[31m1234", "4 to 8 digits"),
    ],
)
def test_anything_else_is_refused(pin, words):
    with pytest.raises(DutyError, match=words) as caught:
        normalise_pin(pin, field="new_pin")
    assert caught.value.field == "new_pin"
    with pytest.raises(DutyError):
        hash_pin(pin)


def test_wrong_shape_pins_do_not_match(stored_1234):
    for pin in ("", "123", "123456789", "abcd", "1234\x00"):
        assert not pin_matches(pin, stored_1234)


@pytest.mark.parametrize(
    "stored",
    [
        "",  # no PIN set: cannot sign in
        None,
        "1234",
        "scrypt",
        "bcrypt$16384$8$1$00$00",
        "scrypt$16384$8$1$zz$" + "00" * 32,  # salt not hex
        "scrypt$16384$8$1$00$é",  # digest with non-ASCII text
        "scrypt$16384$8$1$00$" + "00" * 31,  # digest too short
        "scrypt$x$8$1$00$" + "00" * 32,
        "scrypt$3$8$1$00$" + "00" * 32,  # n not a power of two
        "scrypt$0$8$1$00$" + "00" * 32,
        "scrypt$-16384$8$1$00$" + "00" * 32,
        "scrypt$16384$0$1$00$" + "00" * 32,
        "scrypt$1073741824$8$1$00$" + "00" * 32,  # 128 GiB of memory
        "scrypt$16384$8$100000$00$" + "00" * 32,  # minutes of work
        "scrypt$524288$1$1$00$" + "00" * 32,  # a combination OpenSSL refuses
        "scrypt$16384$8$1$00$" + "00" * 32 + "$extra",
        pytest.param("scrypt$" + "9" * 5000 + "$8$1$00$" + "00" * 32, id="5000-digit-n"),
    ],
)
def test_a_damaged_stored_hash_is_false_not_a_crash(stored):
    assert pin_matches("1234", stored) is False


def test_a_damaged_stored_hash_is_refused_quickly():
    import time

    start = time.perf_counter()
    for stored in ("scrypt$1073741824$8$1$00$" + "00" * 32, "scrypt$16384$8$100000$00$" + "00" * 32):
        assert not pin_matches("1234", stored)
    assert time.perf_counter() - start < 2  # a capped cost is milliseconds; uncapped, minutes


@SLOW
@given(st.text(max_size=30))
@example("１２３４")
@example("[red]1234[/red]")
def test_pin_matches_never_raises_on_any_pin(stored_1234, pin):
    assert pin_matches(pin, stored_1234) == (unicodedata.normalize("NFKC", pin).strip() == "1234")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.text(max_size=10))
@example("scrypt$2$1$1$00$" + "00" * 32, "1234")
@example("scrypt$$$$$", "1234")
def test_pin_matches_never_raises_on_any_stored_text(stored, pin):
    assert pin_matches(pin, stored) in (True, False)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=-4, max_value=2**12),
    r=st.integers(min_value=-1, max_value=4),
    p=st.integers(min_value=-1, max_value=5),
    salt=st.binary(max_size=8),
    digest=st.binary(max_size=40),
)
def test_pin_matches_never_raises_on_cheap_scrypt_parameters(n, r, p, salt, digest):
    stored = f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"
    assert pin_matches("1234", stored) is False


@SLOW
@given(st.from_regex(r"[0-9]{4,8}", fullmatch=True))
def test_any_valid_pin_round_trips(pin):
    stored = hash_pin(pin)
    assert pin_matches(pin, stored)
    assert not pin_matches(pin[::-1] + "0" if len(pin) < 8 else pin[:-1], stored)


def test_pinyin_initials_read_surnames_as_surnames():
    from deskterm.duties.pinyin import initials

    assert initials("张三") == "zs"
    assert initials("曾小明") == "zxm"  # 曾 as a surname is zēng, not céng
    assert initials("单田芳") == "stf"  # 单 as a surname is shàn
    assert initials("欧阳娜娜") == "oynn"
    assert initials("Li Ming") == "lm"
