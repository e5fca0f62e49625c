"""What a clerk types into the repair desk's forms, checked and normalised.

Pure functions, no database and no Textual: each takes the text of one field and returns
the value to store, or raises ``DutyError(message, field)`` with a short message the form
shows beside that field. Whatever the text (Rich markup, ANSI escapes, control characters,
a 10,000-character paste, full-width digits from a Chinese IME) nothing else is raised.

- ``parse_phone``: mainland mobiles and landlines (with extension) → digits only,
  ``13812345678``, ``02787654321``, ``02787654321-123``; ``format_phone`` shows them
  as ``138 1234 5678``, ``027-8765 4321 转 123``; ``phone_digits_query`` for lookups.
- ``parse_unit_code``: ``3-2-501``, ``3栋2单元501``, ``3号楼2单元501室``... → ``UnitCode``;
  ``unit_code_query``/``looks_like_unit_code`` for the lookup box.
- ``clean_free_text``: a request or a note, kept as typed but without escape sequences.
- ``parse_local_datetime`` (in ``parsing_time``): ``14:30``, ``明天 9点``, ``11-27 14:00``...
  in the office's zone → naive UTC.

Codes (phones, units) are NFKC-normalised, so full-width ``１３８`` and ``－`` read as
``138`` and ``-``; only ASCII digits count as digits after that (``٣`` is refused).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from deskterm.duties.parsing_time import parse_local_datetime
from deskterm.errors import DutyError
from deskterm.i18n import _

__all__ = [
    "UnitCode",
    "clean_free_text",
    "format_phone",
    "looks_like_unit_code",
    "parse_local_datetime",
    "parse_phone",
    "parse_unit_code",
    "phone_digits_query",
    "unit_code_query",
]

#: Longer than this is not a phone number or a unit code, whatever it holds (checked before
#: any pattern runs, so a 10,000-character paste costs nothing).
_MAX_CODE_LENGTH = 60


def _normalised(text: object) -> str:
    """NFKC, stripped; ``None`` is empty. NFKC turns an IME's full-width forms into ASCII."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


# ---------------------------------------------------------------------------------------
# Phones

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# 010 and 02x are followed by 8 digits, other area codes (0311, 0755 ...) by 7 or 8; a
# local number never starts with 0 or 1.
_LANDLINE = re.compile(r"0(?:10|2[0-9])[2-9][0-9]{7}|0[3-9][0-9]{2}[2-9][0-9]{6,7}")
_EXTENSION = re.compile(r"(?P<main>.*?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<ext>[0-9]+)", re.IGNORECASE)
_COUNTRY = re.compile(r"(?:\+\s*86|0086|\(\s*\+?\s*86\s*\))[\s\-.]*")
_AREA_IN_BRACKETS = re.compile(r"\(\s*(0[0-9]{2,3})\s*\)\s*-?\s*(.*)")
_PHONE_CHARS = re.compile(r"[0-9\s\-.]*")
_DASH_EXTENSION = re.compile(r"(?P<main>.*[0-9])\s*-\s*(?P<ext>[0-9]{1,6})")
_MAX_EXTENSION = 6
_EXTENSION_DIGITS = re.compile(r"[0-9]{1,6}")


def _not_a_phone(field: str) -> DutyError:
    return DutyError(_("Not a phone number: write it like 138 1234 5678 or 027-8765 4321."),
                     field)


def _split_phone(text: str, field: str) -> tuple[str, str, bool]:
    """Typed phone → (main part as typed, extension digits, had a +86 prefix)."""
    extension = ""
    match = _EXTENSION.fullmatch(text)
    if match:
        text, extension = match["main"], match["ext"]
    country = _COUNTRY.match(text)
    if country:
        text = text[country.end():]
    elif text.startswith("+"):
        raise DutyError(_("Only phone numbers in mainland China (+86) can be recorded."), field)
    brackets = _AREA_IN_BRACKETS.fullmatch(text)
    if brackets:
        text = brackets[1] + " " + brackets[2]
    if not _PHONE_CHARS.fullmatch(text):
        raise DutyError(
            _("A phone number is digits only, like 138 1234 5678 or 027-8765 4321."), field)
    return text, extension, bool(country)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def _refuse_phone(digits: str, field: str) -> DutyError:
    """The most helpful message for digits that are neither a mobile nor a landline."""
    if digits.startswith("1") and len(digits) == 11:
        return DutyError(
            _("Not a mobile number: mobiles start 13 to 19, like 138 1234 5678."), field)
    if digits.startswith("1"):
        return DutyError(
            _("A mobile number has 11 digits; this has {count}.").format(count=len(digits)),
            field)
    if digits[:1] in "23456789" and len(digits) in (7, 8):
        return DutyError(_("Add the area code, like 027-8765 4321."), field)
    if digits.startswith("0"):
        return DutyError(
            _("A landline is the area code and 7 or 8 digits, like 027-8765 4321."), field)
    return _not_a_phone(field)


def parse_phone(text: str | None, field: str = "phone") -> str:
    """A typed mainland phone number → its digits, or ``DutyError``.

    ``138-1234-5678``, ``+86 138 1234 5678`` → ``13812345678``;
    ``(027)87654321``, ``027-8765 4321`` → ``02787654321``;
    ``027-87654321 转 123``, ``ext 123``, ``x123``, ``027-87654321-123`` → ``02787654321-123``.

    A trailing ``-123`` is read as an extension when the digits before it are a whole
    landline; when all the digits together are one too (``0755-2345678-9``: 0755 2345 6789,
    or extension 9?) the clerk is asked to write the extension after 转.
    """
    cleaned = _normalised(text)
    if not cleaned:
        raise DutyError(_("Enter a phone number."), field)
    if len(cleaned) > _MAX_CODE_LENGTH:
        raise _not_a_phone(field)
    main, extension, country = _split_phone(cleaned, field)
    digits = _digits(main)
    if country and digits[:1] not in ("0", "1"):
        digits = "0" + digits  # +86 27 8765 4321: the area code loses its 0 abroad
    elif not country and len(digits) == 13 and _MOBILE.fullmatch(digits[2:]) \
            and digits.startswith("86"):
        digits = digits[2:]  # 8613812345678, as some exports write it
    dashed = None if extension else _DASH_EXTENSION.fullmatch(main)
    if dashed and _LANDLINE.fullmatch(_digits(dashed["main"])):
        if _LANDLINE.fullmatch(digits):  # 0755-2345678-9: 0755 2345 6789, or extension 9?
            raise DutyError(_("Write the extension after 转, like 0755-234 5678 转 9."), field)
        digits, extension = _digits(dashed["main"]), dashed["ext"]
    if not digits:
        raise _not_a_phone(field)
    if _MOBILE.fullmatch(digits):
        if extension:
            raise DutyError(_("A mobile number has no extension."), field)
        return digits
    if not _LANDLINE.fullmatch(digits):
        raise _refuse_phone(digits, field)
    if len(extension) > _MAX_EXTENSION:
        raise DutyError(_("An extension has at most 6 digits."), field)
    return f"{digits}-{extension}" if extension else digits


def format_phone(phone: str | None) -> str:
    """Stored digits → how a person reads them: ``138 1234 5678``, ``027-8765 4321 转 123``.

    Anything that is not a stored phone (an old record, an empty field) is returned as it
    is, so that showing a row never fails. ``parse_phone(format_phone(p)) == p``.
    """
    phone = phone or ""
    main, _dash, extension = phone.partition("-")
    if _MOBILE.fullmatch(main) and not extension:
        return f"{main[:3]} {main[3:7]} {main[7:]}"
    if not _LANDLINE.fullmatch(main) or (_dash and not _EXTENSION_DIGITS.fullmatch(extension)):
        return phone
    area = 3 if main[1] in "12" else 4
    local = main[area:]
    split = len(local) - 4
    shown = f"{main[:area]}-{local[:split]} {local[split:]}"
    if extension:
        shown += f" 转 {extension}"
    return shown


def phone_digits_query(text: str | None) -> str | None:
    """The digits of a partial phone for a lookup (``8765 43`` → ``876543``), or ``None``.

    ``None`` unless the text is only phone characters (digits, spaces, dashes, dots,
    brackets, a +86 prefix, an extension) with at least 4 digits. The extension is left out:
    the stored form has it after a dash, so the number's digits alone find it.
    """
    cleaned = _normalised(text)
    if not cleaned or len(cleaned) > _MAX_CODE_LENGTH:
        return None
    match = _EXTENSION.fullmatch(cleaned)
    if match:
        cleaned = match["main"]
    country = _COUNTRY.match(cleaned)
    if country:
        cleaned = cleaned[country.end():]
    if not re.fullmatch(r"[0-9\s\-.()]*", cleaned):
        return None
    digits = _digits(cleaned)
    if country and digits[:1] not in ("", "0", "1"):
        digits = "0" + digits
    return digits if 4 <= len(digits) <= 12 else None


# ---------------------------------------------------------------------------------------
# Unit codes

_BUILDING = r"(?P<b>[A-Z]?[0-9]{1,3}|[0-9]{1,3}[A-Z])"
_AFTER_BUILDING = r"(?P<sb>\s*(?:号楼|栋|幢|座|号|#)\s*[-/]?\s*|\s*[-/]\s*|\s+)"
_ENTRANCE = r"(?P<e>[0-9]{1,2})"
_AFTER_ENTRANCE = r"(?P<se>\s*单元\s*[-/]?\s*|\s*[-/]\s*|\s+)"
_ROOM_END = r"(?P<end>\s*(?:室|号|房))?"
_UNIT = re.compile(_BUILDING + _AFTER_BUILDING + _ENTRANCE + _AFTER_ENTRANCE
                   + r"(?P<r>[0-9]{3,4})" + _ROOM_END)
_UNIT_PREFIX = re.compile(_BUILDING + r"(?:" + _AFTER_BUILDING + r"(?:" + _ENTRANCE + r"(?:"
                          + _AFTER_ENTRANCE + r"(?P<r>[0-9]{0,4})" + _ROOM_END
                          + r")?)?)?")
_UNIT_WORDS = re.compile(r"号楼|栋|幢|座|号|#|单元|室|房|/")


@dataclass(frozen=True)
class UnitCode:
    """A home's address in the office: building, entrance (单元) and room (floor + number)."""

    building: str
    entrance: str
    room: str

    @property
    def code(self) -> str:
        """``3-2-501``: how units are stored and shown."""
        return f"{self.building}-{self.entrance}-{self.room}"

    def __str__(self) -> str:
        return self.code


def _unit_example() -> str:
    return _("Not a unit: write building-entrance-room, like 3-2-501 or 3栋2单元501.")


def _building(raw: str) -> str:
    """``03`` → ``3``, ``a3`` → ``A3``; empty when the number is zero."""
    letters = "".join(c for c in raw if not c.isdigit())
    number = raw.strip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").lstrip("0")
    if not number:
        return ""
    return letters + number if raw[:1].isalpha() else number + letters


def parse_unit_code(text: str | None, field: str = "unit") -> UnitCode:
    """A typed unit → ``UnitCode``, or ``DutyError``.

    ``3-2-501``, ``3/2/501``, ``3 2 501``, ``3栋2单元501``, ``3号楼2单元501室``, ``3幢2单元501``,
    ``A3-2-501`` and full-width ``３－２－５０１`` all give ``UnitCode("3", "2", "501")``
    (``A3`` for the last). A building is 1-3 digits with at most one letter before or after;
    an entrance 1-2 digits; a room 3-4 digits, floor then number (501, 1203). Leading zeros
    are dropped (``03-02-0501`` is ``3-2-501``).
    """
    cleaned = _normalised(text).upper()
    if not cleaned:
        raise DutyError(_("Enter a unit, like 3-2-501."), field)
    match = _UNIT.fullmatch(cleaned) if len(cleaned) <= _MAX_CODE_LENGTH else None
    if match is None:
        raise DutyError(_unit_example(), field)
    building = _building(match["b"])
    entrance = match["e"].lstrip("0")
    room = match["r"].lstrip("0")
    if not building or not entrance:
        raise DutyError(_unit_example(), field)
    if not 3 <= len(room) <= 4 or room.endswith("00"):
        raise DutyError(_("A room is the floor and a number, like 501 or 1203."), field)
    return UnitCode(building, entrance, room)


def unit_code_query(text: str | None) -> str | None:
    """The start of a unit code for a lookup (``3栋2单元`` → ``3-2-``), or ``None``.

    A whole unit code gives its code (``3栋2单元501`` → ``3-2-501``). A part of one counts
    only when it cannot be a phone or a name: it has a unit word (栋, 单元, 室 ...) or a
    slash, or two separators (``3-2-``, ``3 2 5``). ``13-21`` is not taken for a unit.
    """
    cleaned = _normalised(text).upper()
    if not cleaned or len(cleaned) > _MAX_CODE_LENGTH:
        return None
    try:
        return parse_unit_code(cleaned).code
    except DutyError:
        pass
    match = _UNIT_PREFIX.fullmatch(cleaned)
    if match is None:
        return None
    separators = (match["sb"] is not None) + (match["se"] is not None)
    if separators < 2 and not _UNIT_WORDS.search(cleaned):
        return None
    building = _building(match["b"])
    if not building:
        return None
    query = building
    if match["sb"] is not None:
        query += "-"
        if match["e"] is not None:
            query += match["e"].lstrip("0") if match["se"] is not None else match["e"]
            if match["se"] is not None:
                query += "-" + (match["r"] or "")
    return query


def looks_like_unit_code(text: str | None) -> bool:
    """Whether the lookup box should search units for this text (see ``unit_code_query``)."""
    return unit_code_query(text) is not None


# ---------------------------------------------------------------------------------------
# Free text

# Escape sequences as terminals read them: CSI (colours, cursor moves), OSC (window title,
# hyperlinks, clipboard) ended by BEL or ST, DCS/SOS/PM/APC strings ended by ST, two-byte
# escapes, and the 8-bit CSI. An unterminated string loses only its introducer (``ESC ]``),
# so a broken paste never swallows the clerk's text after it.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
# C0 and C1 controls but \t and \n, lone surrogates (cannot be stored as UTF-8), bidi
# overrides and isolates (they reorder what the next reader sees), and the BOM.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
                       r"\ufeff]")


def clean_free_text(
    text: str | None,
    field: str,
    *,
    max_length: int = 2000,
    required: bool = True,
    multiline: bool = False,
    empty_message: str | None = None,
) -> str:
    """A request, a note, a name as typed → the text to store, or ``DutyError``.

    The text is stored verbatim: Rich markup like ``[red]`` and CJK stay as typed (it is
    the display's job to show markup literally, e.g. ``Text(value)`` or ``markup=False``),
    and it is not NFKC-normalised. Leading and trailing whitespace goes. ANSI escape
    sequences and other control characters are removed: a terminal app echoes stored text
    back to every clerk's terminal, and an escape sequence there would recolour the screen,
    move the cursor, retitle the window or write to the clipboard instead of showing text;
    NUL cannot be stored on PostgreSQL at all. Tabs become spaces; newlines are kept when
    ``multiline``, otherwise each line break becomes a space.

    Refuses empty text when ``required`` (``empty_message``, already translated, or
    "Enter some text."), and text longer than ``max_length`` characters after cleaning,
    with the count.
    """
    if text is None:
        text = ""
    text = _ANSI.sub("", str(text))
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text).replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    text = text.strip()
    if not text:
        if required:
            raise DutyError(empty_message or _("Enter some text."), field)
        return ""
    if len(text) > max_length:
        raise DutyError(
            _("At most {limit} characters; this is {count}.").format(
                limit=f"{max_length:,}", count=f"{len(text):,}"),
            field)
    return text
