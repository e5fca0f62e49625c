"""The repair desk's input parsers: phones, unit codes, free text, appointment times.

Examples for every accepted and refused form, then properties over any text at all (Rich
markup, ANSI escapes, control characters, 10,000-character pastes, full-width IME text):
each parser returns a valid value or raises ``DutyError`` naming the field, never anything
else, and what it returns survives a round trip through its display form.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from deskterm.clock import local, to_utc
from deskterm.duties.parsing import (
    UnitCode,
    clean_free_text,
    format_phone,
    looks_like_unit_code,
    parse_local_datetime,
    parse_phone,
    parse_unit_code,
    phone_digits_query,
    unit_code_query,
)
from deskterm.errors import DutyError

SHANGHAI = "Asia/Shanghai"
# 2026-11-26 15:30 UTC is 23:30 in Shanghai: half an hour before the office's midnight,
# while a UTC host still thinks it is the afternoon of the 26th.
NIGHT = dt.datetime(2026, 11, 26, 15, 30)
# 2026-11-26 02:00 UTC is 10:00 in Shanghai: a working morning.
MORNING = dt.datetime(2026, 11, 26, 2, 0)

# Pieces of hostile or half-right input, so that the interesting paths are hit often.
NASTY = ["[red]", "[/red]", "[b]x[/b]", "\x1b[31m", "\x1b[0m", "\x1b]0;title\x07", "\x1b]52;c;",
         "\x00", "\x07", "\x7f", "\x9b31m", "\n", "\r\n", "\t", "\u3000", "\u202e", "\ufeff",
         "٣", "²", "①", "\ud800", "ß", "İ", "ﷺ"]
PHONE_PIECES = st.sampled_from(
    ["1", "3", "8", "0", "2", "7", "5", "9", "138", "1234", "5678", "027", "0755", "010",
     "8765", "4321", "-", " ", "+86", "0086", "86", "(", ")", "+", ".", "转", "分机", "ext",
     "x", "#", "１", "３", "８", "０", "－", "（", "）", "＋", *NASTY])
UNIT_PIECES = st.sampled_from(
    ["3", "2", "501", "1203", "0", "A", "b", "-", "/", " ", "栋", "号楼", "幢", "座", "号", "#",
     "单元", "室", "房", "楼", "３", "－", "／", *NASTY])
TIME_PIECES = st.sampled_from(
    ["1", "4", "9", "0", "2", "3", "5", ":", ".", "-", "/", " ", "14", "30", "11", "27", "2026",
     "点", "时", "半", "分", "钟", "整", "今天", "明天", "后天", "大后天", "上午", "下午", "晚上",
     "凌晨", "中午", "am", "pm", "T", "月", "日", "号", "年", "１", "：", "tomorrow", *NASTY])


def joined(pieces):
    return st.lists(pieces, max_size=14).map("".join)


ANY_TEXT = st.one_of(st.text(), st.text(max_size=10_000).map(lambda s: s * 3),
                     st.text(alphabet=st.characters(codec="utf-8"), max_size=40))

MOBILES = st.builds(lambda second, rest: f"1{second}{rest:09d}",
                    st.sampled_from("3456789"), st.integers(0, 999_999_999))
LANDLINES = st.one_of(
    st.builds(lambda area, first, rest: f"{area}{first}{rest:07d}",
              st.sampled_from(["010"] + [f"02{d}" for d in range(10)]),
              st.sampled_from("23456789"), st.integers(0, 9_999_999)),
    st.builds(lambda area, first, rest, eight: f"0{area:03d}{first}"
              + (f"{rest:07d}" if eight else f"{rest % 1_000_000:06d}"),
              st.integers(300, 999), st.sampled_from("23456789"), st.integers(0, 9_999_999),
              st.booleans()),
)
EXTENDED = st.builds(lambda number, ext: f"{number}-{ext}", LANDLINES,
                     st.integers(0, 999_999).map(str))
PHONES = st.one_of(MOBILES, LANDLINES, EXTENDED)


# ---------------------------------------------------------------------------------------
# Phones


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("  138.1234.5678 ", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("(+86) 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８ １２３４ ５６７８", "13812345678"),  # full-width, as a Chinese IME types it
        ("＋８６　１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("027-87654321", "02787654321"),
        ("02787654321", "02787654321"),
        ("027 8765 4321", "02787654321"),
        ("(027)87654321", "02787654321"),
        ("(027) 8765-4321", "02787654321"),
        ("（０２７）８７６５４３２１", "02787654321"),
        ("010-62345678", "01062345678"),
        ("0755 2345 6789", "075523456789"),
        ("0755-2345678", "07552345678"),
        ("0311-8765432", "03118765432"),
        ("+86 27 8765 4321", "02787654321"),  # the area code's 0 is dropped after +86
        ("027-87654321转123", "02787654321-123"),
        ("027-87654321 转 123", "02787654321-123"),
        ("027-87654321 分机 8", "02787654321-8"),
        ("027-87654321 ext 123", "02787654321-123"),
        ("027-87654321 EXT.123", "02787654321-123"),
        ("027-87654321x123", "02787654321-123"),
        ("027-87654321 #123", "02787654321-123"),
        ("027-87654321-123", "02787654321-123"),  # -123 after a whole landline
        ("0755-2345678-123", "07552345678-123"),
        ("０２７－８７６５４３２１转１２３", "02787654321-123"),
        ("027-8765 4321 转 123", "02787654321-123"),  # what format_phone shows
    ],
)
def test_phones_accepted(typed, stored):
    assert parse_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Enter a phone number"),
        ("   ", "Enter a phone number"),
        (None, "Enter a phone number"),
        ("87654321", "Add the area code"),
        ("8765 4321", "Add the area code"),
        ("2345678", "Add the area code"),
        ("1381234567", "11 digits; this has 10"),
        ("138123456789", "11 digits; this has 12"),
        ("12812345678", "mobiles start 13 to 19"),
        ("0278765432", "area code and 7 or 8 digits"),
        ("027876543210", "area code and 7 or 8 digits"),
        ("010-12345678", "area code and 7 or 8 digits"),  # a local number never starts 1
        ("0027-87654321", "area code and 7 or 8 digits"),
        ("27-87654321", "Not a phone number"),
        ("12345", "11 digits"),
        ("5", "Not a phone number"),
        ("abc", "digits only"),
        ("138l2345678", "digits only"),  # a letter l for a 1
        ("138 1234 5678 张三", "digits only"),
        ("[red]13812345678[/red]", "digits only"),
        ("\x1b[31m13812345678", "digits only"),
        ("13812345678\x00", "digits only"),
        ("٣٨١٢٣٤٥٦٧٨١", "digits only"),  # other scripts' digits are not digits here
        ("(027-87654321", "digits only"),
        ("+1 415 555 0100", "mainland China"),
        ("+44 20 7946 0000", "mainland China"),
        ("13812345678转1", "no extension"),
        ("13812345678-123", "11 digits"),
        ("027-87654321 转 1234567", "at most 6 digits"),
        ("0755-2345678-9", "after 转"),  # 0755 2345 6789, or extension 9? ask
        ("1" * 10_000, "Not a phone number"),
    ],
)
def test_phones_refused(typed, words):
    with pytest.raises(DutyError, match=words) as caught:
        parse_phone(typed, field="caller_phone")
    assert caught.value.field == "caller_phone"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("13812345678", "138 1234 5678"),
        ("02787654321", "027-8765 4321"),
        ("02787654321-123", "027-8765 4321 转 123"),
        ("075523456789", "0755-2345 6789"),
        ("07552345678", "0755-234 5678"),
        ("01062345678", "010-6234 5678"),
        # Not a stored phone: shown as it is, never an error while drawing a row.
        ("", ""),
        (None, ""),
        ("12345", "12345"),
        ("13812345678-1", "13812345678-1"),
        ("02787654321-", "02787654321-"),
        ("02787654321-²", "02787654321-²"),
        ("[red]x", "[red]x"),
    ],
)
def test_format_phone(stored, shown):
    assert format_phone(stored) == shown


@given(PHONES)
def test_formatted_phones_read_back(phone):
    assert parse_phone(format_phone(phone)) == phone
    if "-" not in phone:
        assert parse_phone(phone) == phone


@given(st.one_of(ANY_TEXT, joined(PHONE_PIECES)))
@example("1" * 10_000)
@example("+86" * 3000)
@example("转" * 5000 + "1")
@example("\x1b[31m138\x1b[0m 1234 5678")
@example("１３８" + "\u3000" * 5000)
def test_parse_phone_only_ever_raises_duty_error(text):
    try:
        phone = parse_phone(text, field="phone2")
    except DutyError as exc:
        assert exc.field == "phone2"
        assert exc.message
        return
    assert set(phone) <= set("0123456789-")
    assert parse_phone(format_phone(phone)) == phone


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("8765", "8765"),
        ("138 1234", "1381234"),
        ("138-1234-5678", "13812345678"),
        ("１３８１", "1381"),
        ("(027) 8765", "0278765"),
        ("+86 138 1234", "1381234"),
        ("027-87654321 转 123", "02787654321"),  # the stored form starts with these
        ("138", None),  # fewer than 4 digits finds too much
        ("", None),
        (None, None),
        ("张三", None),
        ("zs", None),
        ("3栋2单元501", None),
        ("138 1234 zs", None),
        ("[red]1381", None),
        ("1" * 13, None),
    ],
)
def test_phone_digits_query(typed, digits):
    assert phone_digits_query(typed) == digits


@given(st.one_of(ANY_TEXT, joined(PHONE_PIECES)))
def test_phone_digits_query_is_digits_or_none(text):
    digits = phone_digits_query(text)
    assert digits is None or (digits.isascii() and digits.isdigit() and 4 <= len(digits) <= 12)


# ---------------------------------------------------------------------------------------
# Unit codes


@pytest.mark.parametrize(
    "typed",
    ["3-2-501", "3/2/501", "3 2 501", " 3 - 2 - 501 ", "3栋2单元501", "3号楼2单元501室",
     "3幢2单元501", "3栋2单元501室", "3栋2单元501号", "3号2单元501", "3#2-501", "3栋2-501",
     "3栋 2单元 501", "３－２－５０１", "３栋２单元５０１", "３／２／５０１", "03-02-0501"],
)
def test_unit_codes_accepted(typed):
    unit = parse_unit_code(typed)
    assert unit == UnitCode("3", "2", "501")
    assert unit.code == "3-2-501"
    assert str(unit) == "3-2-501"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("A3-2-501", "A3-2-501"), ("a3-2-501", "A3-2-501"), ("3A-2-501", "3A-2-501"),
     ("Ａ３栋２单元１２０３", "A3-2-1203"), ("12-1-2001", "12-1-2001"), ("115-12-101", "115-12-101")],
)
def test_unit_codes_with_letters_and_long_parts(typed, code):
    assert parse_unit_code(typed).code == code


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Enter a unit, like 3-2-501"),
        (None, "Enter a unit"),
        ("32501", "like 3-2-501"),
        ("3-2", "like 3-2-501"),
        ("3栋501", "like 3-2-501"),  # no entrance
        ("3-2-50", "like 3-2-501"),
        ("3-2-12345", "like 3-2-501"),
        ("3-2-501-1", "like 3-2-501"),
        ("3-123-501", "like 3-2-501"),
        ("1234-2-501", "like 3-2-501"),
        ("AB3-2-501", "like 3-2-501"),
        ("A3B-2-501", "like 3-2-501"),
        ("A-2-501", "like 3-2-501"),
        ("0-2-501", "like 3-2-501"),
        ("3-0-501", "like 3-2-501"),
        ("3-2-500", "floor and a number"),
        ("3-2-0050", "floor and a number"),
        ("3.2.501", "like 3-2-501"),
        ("[red]3-2-501", "like 3-2-501"),
        ("\x1b[31m3-2-501", "like 3-2-501"),
        ("3-2-501\x00", "like 3-2-501"),
        ("٣-٢-٥٠١", "like 3-2-501"),
        ("3-2-501" * 2000, "like 3-2-501"),
    ],
)
def test_unit_codes_refused(typed, words):
    with pytest.raises(DutyError, match=words) as caught:
        parse_unit_code(typed, field="caller_unit")
    assert caught.value.field == "caller_unit"


UNITS = st.builds(
    UnitCode,
    st.builds(lambda n, letter, before: (letter + str(n)) if before else (str(n) + letter),
              st.integers(1, 999), st.sampled_from(["", "A", "B", "Z"]), st.booleans()),
    st.integers(1, 99).map(str),
    st.builds(lambda floor, n: f"{floor}{n:02d}", st.integers(1, 99), st.integers(1, 99)),
)
FULL_WIDTH = str.maketrans("0123456789-ABZ", "０１２３４５６７８９－ＡＢＺ")


@given(UNITS)
def test_unit_codes_read_back(unit):
    assert parse_unit_code(unit.code) == unit
    assert parse_unit_code(f"{unit.building}栋{unit.entrance}单元{unit.room}室") == unit
    assert parse_unit_code(unit.code.translate(FULL_WIDTH)) == unit
    assert parse_unit_code(unit.code.lower()) == unit
    assert unit_code_query(unit.code) == unit.code


@given(st.one_of(ANY_TEXT, joined(UNIT_PIECES)))
@example("3-2-501" * 2000)
@example("3栋" * 5000)
def test_parse_unit_code_only_ever_raises_duty_error(text):
    try:
        unit = parse_unit_code(text, field="unit2")
    except DutyError as exc:
        assert exc.field == "unit2"
        assert exc.message
        return
    assert parse_unit_code(unit.code) == unit
    assert unit.code.count("-") == 2
    assert unit.code.isascii()


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("3-2-501", "3-2-501"),
        ("3栋2单元501", "3-2-501"),
        ("3栋", "3-"),
        ("3号楼", "3-"),
        ("3栋2", "3-2"),
        ("3栋2单元", "3-2-"),
        ("3栋2单元5", "3-2-5"),
        ("3-2-", "3-2-"),
        ("3-2-5", "3-2-5"),
        ("3 2 5", "3-2-5"),
        ("3/2", "3-2"),
        ("３栋２单元", "3-2-"),
        # Not unit-like: could be the start of a phone, or a name.
        ("3-2", None),
        ("13-21", None),
        ("3", None),
        ("138 1234 5", None),
        ("138-1234-5678", None),
        ("027-8765-4321", None),
        ("张三", None),
        ("zs", None),
        ("", None),
        (None, None),
        ("[red]3栋", None),
    ],
)
def test_unit_code_query(typed, query):
    assert unit_code_query(typed) == query
    assert looks_like_unit_code(typed) is (query is not None)


@given(st.one_of(ANY_TEXT, joined(UNIT_PIECES)))
def test_unit_code_query_is_a_code_start_or_none(text):
    query = unit_code_query(text)
    if query is not None:
        assert query.isascii()
        assert query[0].isalnum()
        assert query.count("-") <= 2
        assert looks_like_unit_code(text)


# ---------------------------------------------------------------------------------------
# Free text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("厨房水管漏水", "厨房水管漏水"),
        ("  厨房水管漏水\u3000", "厨房水管漏水"),
        ("[red]urgent[/red] 门锁坏了", "[red]urgent[/red] 门锁坏了"),  # markup kept as typed
        ("[bold]", "[bold]"),
        ("１２３ＡＢＣ", "１２３ＡＢＣ"),  # free text is not NFKC-normalised
        ("\x1b[31m水管\x1b[0m漏水", "水管漏水"),
        ("\x1b]0;pwned\x07标题", "标题"),
        ("\x1b]8;;http://x\x1b\\链接\x1b]8;;\x1b\\", "链接"),
        ("\x1bP1$r\x1b\\x", "x"),
        ("\x9b2J清屏", "清屏"),
        ("\x1b(B字符集", "字符集"),
        ("\x1b]52;c;broken paste", "52;c;broken paste"),  # unterminated: the text stays
        ("a\x00b\x07c\x7fd\x85e", "abcd e"),  # NEL is a line break
        ("first\nsecond", "first second"),
        ("first\r\nsecond\rthird", "first second third"),
        ("tab\there", "tab here"),
        ("\u202egnp.exe", "gnp.exe"),
        ("\ufeff开头", "开头"),
        ("a\ud800b", "ab"),
        ("👍🏽 好", "👍🏽 好"),
    ],
)
def test_free_text_single_line(typed, stored):
    assert clean_free_text(typed, "request") == stored


def test_free_text_multiline_keeps_newlines_only():
    typed = "  第一行\r\n\x1b[1m第二行\x1b[0m\u2028第三行\t\x00\n\n "
    assert clean_free_text(typed, "note", multiline=True) == "第一行\n第二行\n第三行"


@pytest.mark.parametrize("typed", ["", "   ", None, "\x1b[31m\x1b[0m", "\x00\x07", "\n\r\n", "\u3000"])
def test_free_text_required(typed):
    with pytest.raises(DutyError, match="Enter some text") as caught:
        clean_free_text(typed, "request")
    assert caught.value.field == "request"
    assert clean_free_text(typed, "request", required=False) == ""
    with pytest.raises(DutyError, match="Describe the repair"):
        clean_free_text(typed, "request", empty_message="Describe the repair.")


def test_free_text_too_long_says_how_long():
    with pytest.raises(DutyError) as caught:
        clean_free_text("水" * 10_000, "request")
    assert caught.value.message == "At most 2,000 characters; this is 10,000."
    assert caught.value.field == "request"
    assert clean_free_text("水" * 2000, "request") == "水" * 2000
    # Counted after cleaning: escapes and surrounding spaces do not count.
    assert clean_free_text("\x1b[31m" + "水" * 2000 + "   ", "request") == "水" * 2000
    with pytest.raises(DutyError, match="At most 20 characters; this is 21"):
        clean_free_text("x" * 21, "name", max_length=20)


@given(st.one_of(ANY_TEXT, joined(st.sampled_from([*NASTY, "a", "水", " ", "\x1b[", "m"]))),
       st.booleans(), st.booleans(), st.integers(1, 3000))
@example("x" * 10_000, False, True, 2000)
@example("[red]x[/red]", False, True, 2000)
def test_clean_free_text_returns_safe_text(text, multiline, required, max_length):
    try:
        cleaned = clean_free_text(text, "note2", multiline=multiline, required=required,
                                  max_length=max_length)
    except DutyError as exc:
        assert exc.field == "note2"
        assert exc.message
        return
    assert len(cleaned) <= max_length
    assert cleaned == cleaned.strip()
    assert not required or cleaned
    allowed_controls = {"\n"} if multiline else set()
    assert not [c for c in cleaned if (c < " " or "\x7f" <= c <= "\x9f")
                and c not in allowed_controls]
    assert not any("\ud800" <= c <= "\udfff" for c in cleaned)
    cleaned.encode("utf-8")  # storable
    # Cleaning twice changes nothing: what is stored is what a form shows again.
    assert clean_free_text(cleaned, "note2", multiline=multiline, required=False,
                           max_length=max_length) == cleaned


@given(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs", "Cf", "Zl", "Zp"]),
               max_size=50))
def test_printable_text_is_stored_as_typed(text):
    assert clean_free_text(text, "note", required=False) == text.strip()


# ---------------------------------------------------------------------------------------
# Appointment times


def utc(*args) -> dt.datetime:
    return dt.datetime(*args)


def at(text, now=MORNING, **kwargs):
    return parse_local_datetime(text, tz=SHANGHAI, now=now, **kwargs)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # Bare times are today in the office: 14:30 Shanghai is 06:30 UTC.
        ("14:30", utc(2026, 11, 26, 6, 30)),
        ("1430", utc(2026, 11, 26, 6, 30)),
        ("930 pm", utc(2026, 11, 26, 13, 30)),
        ("1130", utc(2026, 11, 26, 3, 30)),
        ("14.30", utc(2026, 11, 26, 6, 30)),
        ("１４：３０", utc(2026, 11, 26, 6, 30)),  # full-width from an IME
        ("14点30", utc(2026, 11, 26, 6, 30)),
        ("14点30分", utc(2026, 11, 26, 6, 30)),
        ("14时30分", utc(2026, 11, 26, 6, 30)),
        ("14点", utc(2026, 11, 26, 6, 0)),
        ("14点整", utc(2026, 11, 26, 6, 0)),
        ("11点半", utc(2026, 11, 26, 3, 30)),
        ("下午2点半", utc(2026, 11, 26, 6, 30)),
        ("下午 2:30", utc(2026, 11, 26, 6, 30)),
        ("晚上8点", utc(2026, 11, 26, 12, 0)),
        ("中午12点", utc(2026, 11, 26, 4, 0)),
        ("中午1点", utc(2026, 11, 26, 5, 0)),
        ("2:30 pm", utc(2026, 11, 26, 6, 30)),
        ("2pm", utc(2026, 11, 26, 6, 0)),
        ("12pm", utc(2026, 11, 26, 4, 0)),
        ("今天 15:00", utc(2026, 11, 26, 7, 0)),
        ("今天15点", utc(2026, 11, 26, 7, 0)),
        ("today 15:00", utc(2026, 11, 26, 7, 0)),
        ("明天 9:00", utc(2026, 11, 27, 1, 0)),
        ("明天9点", utc(2026, 11, 27, 1, 0)),
        ("明天上午9点", utc(2026, 11, 27, 1, 0)),
        ("明天 早上 8:30", utc(2026, 11, 27, 0, 30)),
        ("明天9点半", utc(2026, 11, 27, 1, 30)),
        ("tomorrow 9am", utc(2026, 11, 27, 1, 0)),
        ("后天 14:00", utc(2026, 11, 28, 6, 0)),
        ("大后天 8:00", utc(2026, 11, 29, 0, 0)),
        ("11-27 14:00", utc(2026, 11, 27, 6, 0)),
        ("11/27 14:00", utc(2026, 11, 27, 6, 0)),
        ("11月27日14点", utc(2026, 11, 27, 6, 0)),
        ("11月27日 下午2点", utc(2026, 11, 27, 6, 0)),
        ("11月27号 9:00", utc(2026, 11, 27, 1, 0)),
        ("2026-11-27 14:00", utc(2026, 11, 27, 6, 0)),
        ("2026/11/27 14:00", utc(2026, 11, 27, 6, 0)),
        ("2026-11-27T14:00", utc(2026, 11, 27, 6, 0)),
        ("2026年11月27日14:00", utc(2026, 11, 27, 6, 0)),
        ("２０２６－１１－２７　１４：００", utc(2026, 11, 27, 6, 0)),
        # Without a year: the nearest such date, here the coming new year.
        ("1-2 9:00", utc(2027, 1, 2, 1, 0)),
        ("1月1日 0:00", utc(2026, 12, 31, 16, 0)),
    ],
)
def test_times_accepted(typed, stored):
    assert at(typed) == stored


def test_current_minute_is_not_past():
    assert at("10:00", now=utc(2026, 11, 26, 2, 0, 59)) == utc(2026, 11, 26, 2, 0)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Enter a time"),
        (None, "Enter a time"),
        ("   ", "Enter a time"),
        ("9", "Add the minutes"),
        ("14", "Add the minutes"),
        ("明天", "Add a time"),
        ("11-27", "Add a time"),
        ("9:00", "has passed: it is 10:00 now"),  # earlier today: never moved to tomorrow
        ("今天 9点", "has passed"),
        ("11-25 14:00", "has passed: it is 11-26 10:00 now"),
        ("2025-11-20 14:00", "more than a year"),
        ("2027-11-28 14:00", "more than a year"),
        ("9999-12-31 23:59", "more than a year"),
        ("0000-01-01 00:00", "no such date"),
        ("2-30 9:00", "no such date"),
        ("13-01 9:00", "no such date"),
        ("2026-02-29 9:00", "no such date"),
        ("24:00", "hours go to 23"),
        ("14:60", "hours go to 23"),
        ("2460", "hours go to 23"),
        ("25点", "hours go to 23"),
        ("13pm", "1 to 12"),
        ("0am", "1 to 12"),
        ("上午14点", "before noon"),
        ("下午3pm", "Not a time"),
        ("14:3", "Not a time"),
        ("14:30:00", "Not a time"),
        ("14:30 明天", "Not a time"),
        ("12345", "Not a time"),
        ("yesterday 9:00", "Not a time"),
        ("[red]14:30", "Not a time"),
        ("\x1b[31m14:30", "Not a time"),
        ("14:30\x00", "Not a time"),
        ("١٤:٣٠", "Not a time"),
        ("明天 9:00" * 2000, "Not a time"),
    ],
)
def test_times_refused(typed, words):
    with pytest.raises(DutyError, match=words) as caught:
        at(typed, field="due")
    assert caught.value.field == "due"


def test_past_times_when_allowed():
    assert at("9:00", allow_past=True) == utc(2026, 11, 26, 1, 0)
    assert at("11-25 14:00", allow_past=True) == utc(2026, 11, 25, 6, 0)
    # 11-25 typed on 11-26 is yesterday, not next year.
    assert at("11-25 14:00", allow_past=True).year == 2026


def test_a_bare_time_goes_on_the_given_day():
    assert at("9:00", day=dt.date(2026, 11, 30)) == utc(2026, 11, 30, 1, 0)
    # Words and dates still count from now, not from that day.
    assert at("明天 9:00", day=dt.date(2026, 11, 30)) == utc(2026, 11, 27, 1, 0)
    with pytest.raises(DutyError, match="has passed"):
        at("9:00", day=dt.date(2026, 11, 20))


def test_aware_now_is_read_as_the_instant_it_is():
    aware = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert at("14:30", now=aware) == utc(2026, 11, 26, 6, 30)


@pytest.fixture
def host_in_utc(monkeypatch):
    """The host's own zone is UTC (an SSH host), whatever this machine's is."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # 23:30 in Shanghai on 11-26: "tomorrow" is the 27th there, though the host's
        # clock (15:30 UTC) still reads the afternoon of the 26th.
        ("明天 9:00", utc(2026, 11, 27, 1, 0)),
        ("明天9点", utc(2026, 11, 27, 1, 0)),
        ("tomorrow 9am", utc(2026, 11, 27, 1, 0)),
        ("后天 14:00", utc(2026, 11, 28, 6, 0)),
        ("23:45", utc(2026, 11, 26, 15, 45)),  # still today in Shanghai
        ("今天 23:59", utc(2026, 11, 26, 15, 59)),
        ("11-27 0:30", utc(2026, 11, 26, 16, 30)),  # just after the office's midnight
        ("11-27 8:00", utc(2026, 11, 27, 0, 0)),
    ],
)
def test_words_count_days_in_the_office_zone_not_the_host(host_in_utc, typed, stored):
    assert dt.datetime.now().utcoffset() is None and time.timezone == 0
    assert at(typed, now=NIGHT) == stored


@pytest.mark.parametrize("typed", ["16:00", "9:00", "今天 16:00", "明天 9:00"])
def test_past_means_past_in_the_office_zone(host_in_utc, typed):
    # 16:00 on 11-26 is future for the UTC host (15:30) but past in Shanghai (23:30).
    if typed == "明天 9:00":
        assert at(typed, now=NIGHT) == utc(2026, 11, 27, 1, 0)
        return
    with pytest.raises(DutyError, match="has passed: it is 23:30 now"):
        at(typed, now=NIGHT)


def test_other_office_zones():
    # New York at 10:30 on 11-26 (UTC-5): "tomorrow 9:00" is 11-27 14:00 UTC.
    now = utc(2026, 11, 26, 15, 30)
    assert parse_local_datetime("明天 9:00", tz="America/New_York", now=now) == \
        utc(2026, 11, 27, 14, 0)
    # 2:30 on 2027-03-14 does not exist in New York: the clocks go from 2:00 to 3:00.
    with pytest.raises(DutyError, match="does not exist"):
        parse_local_datetime("2027-03-14 2:30", tz="America/New_York", now=now)


NOWS = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 12, 31))


@given(st.one_of(ANY_TEXT, joined(TIME_PIECES)), NOWS, st.booleans())
@example("明天 9:00" * 2000, NIGHT, False)
@example("9" * 10_000, NIGHT, False)
@example("12-31 23:59", dt.datetime(2090, 12, 31), False)
@example("1-1 0:00", dt.datetime(2000, 1, 1), True)
def test_parse_local_datetime_only_ever_raises_duty_error(text, now, allow_past):
    try:
        moment = parse_local_datetime(text, tz=SHANGHAI, now=now, field="when",
                                      allow_past=allow_past)
    except DutyError as exc:
        assert exc.field == "when"
        assert exc.message
        return
    assert moment.tzinfo is None
    assert moment.second == 0 and moment.microsecond == 0
    assert abs(moment - now) <= dt.timedelta(days=368)
    if not allow_past:
        assert moment >= now.replace(second=0, microsecond=0)


@given(NOWS, st.integers(-366, 366), st.integers(0, 23), st.integers(0, 59))
def test_typed_dates_read_back(now, days, hour, minute):
    today = local(now, SHANGHAI).date()
    day = today + dt.timedelta(days=days)
    moment = dt.datetime.combine(day, dt.time(hour, minute))
    stored = to_utc(moment, SHANGHAI)
    assert at(f"{day:%Y-%m-%d} {hour}:{minute:02d}", now=now, allow_past=True) == stored
    assert at(f"{day.year}年{day.month}月{day.day}日{hour}点{minute}分", now=now,
              allow_past=True) == stored
    if abs(days) < 180:  # the nearest such date is this one
        assert at(f"{day:%m-%d} {hour:02d}{minute:02d}", now=now, allow_past=True) == stored
