"""``print_document``: the one way anything is printed (receipts, slips, lists).

The file is written first, always (``kept.keep``): the record of the printout, and what is
left to print when the printer does not answer. Then the document goes to this terminal's
printer (``PrinterSettings``, from ``config.toml``'s ``[printer]`` or ``DESKTERM_PRINTER``):

- ``file``: nothing more (the ``.txt``, UTF-8, as before);
- ``network``: ESC/POS bytes (``escpos_bytes``) to ``host:port``; the file is a ``.prn`` of
  the same bytes (``nc HOST 9100 < file`` prints it);
- ``terminal``: the same ESC/POS bytes, wrapped in ``ESC[5i … ESC[4i``, to the clerk's
  terminal, which hands them to the printer at the clerk's PC;
- ``queue``: the plain text (``document_text``) in the printer's encoding, through ``lp``.

A receipt printer (network, terminal) gets only what fits its width: a wider document (a
book's list) is kept as a file and the clerk is told so. Nothing here raises for a printer
that failed: ``Printed.sent`` is False and ``said`` tells the clerk why, and where the file
is. Runs in a worker (never on the UI thread): a printer has ``backends.TIMEOUT`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deskterm.i18n import _
from deskterm.printing import backends
from deskterm.printing.backends import PrinterFailed, TerminalWriter
from deskterm.printing.document import Document, document_text
from deskterm.printing.escpos_bytes import document_escpos
from deskterm.printing.kept import keep
from deskterm.printing.settings import PrinterSettings


@dataclass(frozen=True)
class Printed:
    """What was done: ``said`` in the clerk's words; ``path`` the file kept; ``sent``:
    the printer took it (always True for a file); ``printer`` the printer in words."""

    said: str
    path: Path
    sent: bool
    printer: str
    kind: str = "file"


def this_terminal_printer() -> PrinterSettings:
    """The printer of this terminal's settings (a file when the settings cannot be read)."""
    from deskterm.config import load_settings
    from deskterm.errors import SetupError
    from deskterm.printing.settings import FILE

    try:
        return load_settings().printer
    except SetupError:
        return FILE


def fits(document: Document, columns: int) -> bool:
    return document.width <= columns


def print_document(document: Document, settings: PrinterSettings | None = None, *,
                   terminal: TerminalWriter | None = None, folder=None, tz: str = "UTC",
                   what: str | None = None) -> Printed:
    """Keep ``document`` as a file in ``folder`` (default: the export folder), then send it
    to the printer of ``settings`` (default: this terminal's). ``terminal`` writes to the
    clerk's terminal (the kit passes the app's); ``what`` names the printout in messages
    ("Receipt A0000001"). DutyError "print" only when the file cannot be written."""
    settings = settings or this_terminal_printer()
    what = what or document.stem
    if settings.escpos and fits(document, settings.columns):
        data = document_escpos(document, settings.encoding)
        path = keep(data, document.stem, ".prn", folder, tz=tz)
    elif settings.kind == "queue":
        data = document_text(document).encode(settings.encoding, errors="replace")
        path = keep(data, document.stem, ".txt", folder, tz=tz)
    else:
        path = keep(document_text(document).encode("utf-8"), document.stem, ".txt", folder,
                    tz=tz)
        if settings.escpos:  # wider than the roll: a receipt printer would cut it up
            said = _("{what} is wider than the receipt printer ({columns} characters): "
                     "kept as {name}").format(what=what, columns=settings.columns,
                                              name=path.name)
            return Printed(said, path, False, settings.where(), settings.kind)
        return Printed(_("{what} written to {path}").format(what=what, path=path), path, True,
                       settings.where(), settings.kind)
    try:
        if settings.kind == "network":
            backends.send_network(data, settings.host, settings.port)
        elif settings.kind == "terminal":
            backends.send_terminal(data, terminal)
        else:
            backends.send_queue(path, settings.queue, what)
    except PrinterFailed as failed:
        said = _("{problem} {what} not printed; kept as {name}").format(
            problem=str(failed), what=what, name=path.name)
        return Printed(said, path, False, settings.where(), settings.kind)
    return Printed(_("{what} sent to {printer} (kept as {name})").format(
        what=what, printer=settings.where(), name=path.name), path, True, settings.where(),
        settings.kind)
