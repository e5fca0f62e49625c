"""Money is integer fen in the database; Decimal yuan only at the edges.

``parse_amount`` accepts what a clerk types (``1234.5``, ``1,234.50``, ``¥1234.50``,
full-width digits from a Chinese IME) and refuses anything that is not exactly a sum of
money, with a message for the field.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from deskterm.errors import DutyError
from deskterm.i18n import _

#: The largest amount the desk accepts in one field: ¥100,000,000.00.
MAX_FEN = 100_000_000_00

# A sign, a currency mark before or after (not inside) the number, digits with optional
# thousands commas in groups of three, and a decimal part. ASCII digits only: NFKC has
# already turned full-width digits into ASCII ones, and other scripts' digits are refused.
_AMOUNT = re.compile(
    r"(?P<sign>-?)(?:¥|RMB|CNY)?(?P<sign2>-?)"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<decimals>\d*))?"
    r"(?:元|RMB|CNY)?",
    re.ASCII | re.IGNORECASE,
)
#: More digits than this before the point is too large whatever they are.
_MAX_WHOLE_DIGITS = len(str(MAX_FEN // 100))


def parse_amount(text: str, *, field: str = "amount", allow_negative: bool = False) -> int:
    """Parse a typed amount of yuan into integer fen, or raise ``DutyError``."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    cleaned = cleaned.replace(" ", "")
    cleaned = cleaned.replace("，", ",").replace("。", ".")
    if not cleaned or cleaned.upper() in ("¥", "RMB", "CNY", "元"):
        raise DutyError(_("Enter an amount."), field)
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or (match["sign"] and match["sign2"]):
        raise DutyError(_("Not an amount: use digits like 1234.50."), field)
    decimals = match["decimals"] or ""
    if len(decimals) > 2:
        raise DutyError(_("At most two decimals (fen)."), field)
    whole = match["whole"].replace(",", "").lstrip("0")
    negative = bool(match["sign"] or match["sign2"])
    if len(whole) > _MAX_WHOLE_DIGITS:  # before int(): 10,000 digits would be slow or refused
        raise DutyError(_("That amount is too large for the desk."), field)
    fen = int(whole or "0") * 100 + int(decimals.ljust(2, "0"))
    if negative:
        fen = -fen
    if fen < 0 and not allow_negative:
        raise DutyError(_("The amount cannot be negative."), field)
    if abs(fen) > MAX_FEN:
        raise DutyError(_("That amount is too large for the desk."), field)
    return fen


def fen_to_decimal(fen: int) -> Decimal:
    """Integer fen to Decimal yuan (exact)."""
    return (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def format_fen(fen: int, *, symbol: bool = True) -> str:
    """``123456`` → ``¥1,234.56``."""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    text = f"{abs(fen) // 100:,}.{abs(fen) % 100:02d}"
    return f"{sign}{'¥' if symbol else ''}{text}"
