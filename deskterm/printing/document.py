"""A document to print: its parts (each ended by a cut on a receipt printer) of styled lines.

A line's style is ``"title"`` (centred and bold on a printer), ``"center"`` or ``""``; the
text is already laid out to ``width`` cells (CJK counts two). ``document_text`` is the plain
text of it, the parts divided by a scissors line, as a file or a system queue gets it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

Line = tuple[str, str]  # (style, text)
STYLES = ("title", "center", "")


@dataclass(frozen=True)
class Document:
    """``stem``: the start of a file name (``receipt-A0000001``, ``slip-WX-202612-0001``);
    ``parts``: the document's parts in print order, each a tuple of ``(style, text)``;
    ``width``: the cells a line was laid out to."""

    stem: str
    parts: tuple[tuple[Line, ...], ...]
    width: int = 40

    def __post_init__(self) -> None:
        for part in self.parts:
            for style, text in part:
                if style not in STYLES:
                    raise ValueError(f"unknown line style {style!r}")
                if "\n" in text:
                    raise ValueError("a document line holds no newline")

    @property
    def lines(self) -> list[Line]:
        return [line for part in self.parts for line in part]


def cut_line(width: int) -> str:
    """The scissors line between two parts of a plain-text document."""
    return ("- " * (width // 2))[:max(0, width - 2)] + "✂"


def document_text(document: Document) -> str:
    """The document as plain text, ending with a newline: titles centred, the parts divided
    by a scissors line."""
    out: list[str] = []
    for number, part in enumerate(document.parts):
        if number:
            out.append(cut_line(document.width))
        for style, text in part:
            if style in ("title", "center"):
                text = text.strip()
                text = " " * max(0, (document.width - cell_len(text)) // 2) + text
            out.append(text.rstrip())
    return "\n".join(out) + "\n"
