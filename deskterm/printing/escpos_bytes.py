"""A ``Document`` as the bytes an ESC/POS receipt printer reads, built with python-escpos.

The commands (initialise, alignment, bold, feed and cut) are python-escpos's own, through
its ``Dummy`` printer, which collects what would be sent; the same bytes then go to a
network printer, to the clerk's terminal (passthrough) or into the ``.prn`` file kept.

The text is NOT written with python-escpos's ``text()``: its ``MagicEncode`` sends a line
holding a Han character as GB18030 whatever the printer reads, and any other line through
the Western code pages of its printer profiles (``ESC t n`` switches, which a Chinese
printer in its double-byte mode prints as garbage, and a full-width ￥ it cannot encode
becomes "?"); none of its code pages is GB18030, GBK or UTF-8 (its issue #678). So each
line is encoded here in the printer's setting and handed to ``_raw``, with the command
that puts the printer in that mode first: ``FS &`` (Chinese characters on) for GB18030
and GBK, ``FS ( C`` with UTF-8 (``1C 28 43 02 00 30 02``) for a printer that reads UTF-8.
"""

from __future__ import annotations

from escpos.printer import Dummy

from deskterm.printing.document import Document

#: FS &: the printer's Chinese (double-byte) character mode, GB2312/GBK/GB18030.
CHINESE_MODE = b"\x1c&"
#: FS ( C pL pH fn=48 m=2: the character encoding is UTF-8 (printers that have it).
UTF8_MODE = b"\x1c(C\x02\x000\x02"
#: GS V: the cut python-escpos sends (full cut; partial when the profile lacks it).
CUT = b"\x1dV"


def encoded(text: str, encoding: str) -> bytes:
    """``text`` in the printer's encoding; a character it has no code for prints as ?."""
    return text.encode(encoding, errors="replace")


def document_escpos(document: Document, encoding: str = "gb18030") -> bytes:
    """The document for an ESC/POS printer: each part's lines, then a feed and a cut."""
    printer = Dummy()
    printer.hw("INIT")
    printer._raw(UTF8_MODE if encoding == "utf-8" else CHINESE_MODE)
    for part in document.parts:
        for style, text in part:
            if style == "title":
                printer.set(align="center", bold=True)
            elif style == "center":
                printer.set(align="center")
            printer._raw(encoded(text.strip() if style else text.rstrip(), encoding) + b"\n")
            if style:
                printer.set(align="left", bold=False)
        printer.cut()
    output = printer.output
    printer.close()
    return output
