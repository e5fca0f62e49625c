"""Money is integer fen in the database; Decimal yuan only at the edges.

``parse_amount`` accepts what a clerk types (``1234.5``, ``1,234.50``, ``¥1234.50``,
full-width digits from a Chinese IME) and refuses anything that is not exactly a sum of
money, with a message for the field.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from deskterm.errors import DutyError
from deskterm.i18n import _

#: The largest amount the desk accepts in one field: ¥100,000,000.00.
MAX_FEN = 100_000_000_00

_AMOUNT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$")


def parse_amount(text: str, *, field: str = "amount", allow_negative: bool = False) -> int:
    """Parse a typed amount of yuan into integer fen, or raise ``DutyError``."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    cleaned = cleaned.replace(" ", "")
    for symbol in ("¥", "￥", "RMB", "CNY", "元"):
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.replace("，", ",").replace("。", ".")
    if not cleaned:
        raise DutyError(_("Enter an amount."), field)
    if not _AMOUNT.match(cleaned):
        raise DutyError(_("Not an amount: use digits like 1234.50."), field)
    whole, _dot, decimals = cleaned.replace(",", "").partition(".")
    if len(decimals) > 2:
        raise DutyError(_("At most two decimals (fen)."), field)
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex already refused it
        raise DutyError(_("Not an amount: use digits like 1234.50."), field) from exc
    fen = int(value * 100)
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
