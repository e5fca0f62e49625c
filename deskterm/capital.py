"""An amount in Chinese capital numerals (大写金额), as a receipt must carry it.

``capital_amount(fen)`` follows the usual rules for bills and receipts (中国人民银行
《正确填写票据和结算凭证的基本规定》):

- the anti-forgery digits 零壹贰叁肆伍陆柒捌玖 and places 拾佰仟, sections 万 and 亿
  (``10`` is 壹拾, never bare 拾);
- zeros between figures are written as one 零, however many there are
  (``1005`` → 壹仟零伍元; ``100010`` → 壹拾万零壹拾元; ``100000001`` → 壹亿零壹元), zeros
  at the end of a section are not written (``107000`` → 壹拾万柒仟元);
- 元 is followed by 整 when there are no jiao and fen (``100`` → 壹佰元整); after 角 and
  after 分 no 整 is written (``1005.20`` → 壹仟零伍元贰角);
- no jiao but fen: 零 after 元 (``325.04`` → 叁佰贰拾伍元零肆分); of the zeros the rules
  leave optional (元 place zero before jiao, 万 place zero before the thousands) none is
  written (``1680.32`` → 壹仟陆佰捌拾元叁角贰分);
- less than a yuan is written without 元 (``0.50`` → 伍角, ``0.05`` → 伍分); nothing is
  零元整; a negative amount (a reversal) starts with 负.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿")
#: Above 9999亿9999万9999 yuan there is no section word here (万亿 is not used on receipts).
LIMIT_YUAN = 10 ** (4 * len(SECTIONS))


def capital_yuan(yuan: int) -> str:
    """Whole yuan ``yuan`` (≥ 1) in capital numerals, without 元."""
    text = str(yuan)
    out: list[str] = []
    zero = False  # a zero seen since the last figure written: 零 before the next one
    count = len(text)
    for index, char in enumerate(text):
        position = count - 1 - index
        digit = int(char)
        if digit == 0:
            zero = bool(out)
        else:
            if zero:
                out.append("零")
                zero = False
            out.append(DIGITS[digit] + PLACES[position % 4])
        if position % 4 == 0 and position > 0:
            section = text[max(0, index - 3):index + 1]
            if int(section):  # a section of only zeros has no 万 (壹亿零壹元)
                out.append(SECTIONS[position // 4])
                zero = False  # the next section's leading zeros set it again
    return "".join(out)


def capital_amount(fen: int) -> str:
    """``1234567`` (fen) → ``壹万贰仟叁佰肆拾伍元陆角柒分``; see the module for the rules."""
    fen = int(fen)
    sign = "负" if fen < 0 else ""
    fen = abs(fen)
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    if yuan >= LIMIT_YUAN:
        raise ValueError(f"{fen} fen is too large for capital numerals")
    if fen == 0:
        return "零元整"
    parts = [sign]
    if yuan:
        parts.append(capital_yuan(yuan) + "元")
    if not jiao and not cents:
        parts.append("整")
    elif jiao:
        parts.append(DIGITS[jiao] + "角")
        if cents:
            parts.append(DIGITS[cents] + "分")
    else:
        parts.append(("零" if yuan else "") + DIGITS[cents] + "分")
    return "".join(parts)
