"""Printing a receipt [7.4.13]: the customer copy (客户联) and the stub (存根联), each ended by
a cut, to this terminal's printer (``deskterm.printing``), the file kept first.

A receipt printed before is a reprint: both copies say 补打 with the time of the reprint.
"Printed before" is a change-log row (topic ``receipt_print``, ``row_id`` the receipt, action
``printed`` or ``reprinted``) written once the printer took it (or the file was written,
for a terminal printing to a file); it is found through the change log's
``(topic, row_id)`` index. A printer that did not answer writes no row: the next print is
still the first. Printing never changes the payment or the receipt.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from deskterm.clock import local, now_utc
from deskterm.db import changes
from deskterm.db.models import ChangeLog, Office, Staff
from deskterm.db.trouble import trouble_of
from deskterm.duties.cashdesk.receipt_text import ReceiptView, receipt_lines, receipt_view
from deskterm.duties.records import desk_person
from deskterm.i18n import _
from deskterm.printing.backends import TerminalWriter
from deskterm.printing.document import Document, document_text
from deskterm.printing.escpos_bytes import document_escpos
from deskterm.printing.kept import keep
from deskterm.printing.send import Printed, print_document, this_terminal_printer
from deskterm.printing.settings import PrinterSettings

PRINT_TOPIC = "receipt_print"


def receipt_document(view: ReceiptView, width: int = 40, *, reprint_at: str | None = None,
                     yen: str = "¥") -> Document:
    """The receipt's two copies at ``width``; ``reprint_at`` (office-local time): 补打."""
    lines = receipt_lines(view, width, yen=yen)
    head, body = lines[:2], lines[2:]
    parts = []
    for label in (_("Customer copy"), _("Stub")):
        mark = [("center", label)]
        if reprint_at:
            mark.append(("title", _("Reprint {time}").format(time=reprint_at)))
        parts.append(tuple(head + mark + body))
    stem = f"receipt-{view.number}{'-void' if view.voided else ''}"
    return Document(stem, tuple(parts), width)


def printed_before(office: Office, receipt_id: int) -> bool:
    return ChangeLog.select(ChangeLog.id).where(
        (ChangeLog.topic == PRINT_TOPIC) & (ChangeLog.row_id == receipt_id)
        & (ChangeLog.office == office)).exists()


def print_receipt(office: Office, clerk: Staff | int | None, receipt_id: int, *,
                  printer: PrinterSettings | None = None,
                  terminal: TerminalWriter | None = None, folder=None) -> Printed:
    """Print the receipt's two copies (in a worker); a reprint says so. ``printer``:
    default this terminal's. The print is noted in the change log when it went out."""
    printer = printer or this_terminal_printer()
    view = receipt_view(office, receipt_id)
    reprint = printed_before(office, receipt_id)
    tz = office.timezone
    at = local(now_utc(), tz).format("YYYY-MM-DD HH:mm") if reprint else None
    document = receipt_document(view, printer.columns, reprint_at=at,
                                yen="￥" if printer.escpos else "¥")
    what = _("Receipt {number}").format(number=view.number)
    printed = print_document(document, printer, terminal=terminal, folder=folder, tz=tz,
                             what=what)
    if printed.sent:
        try:
            _note(office, clerk, receipt_id, printed, reprint)
        except Exception as exc:  # the paper is out: say so, and that it is not noted
            if trouble_of(exc) is None:
                raise
            return replace(printed, said=printed.said + " " + _(
                "Not noted as printed (the database is in trouble): printed again, it "
                "will not say reprint."))
    return printed


def _note(office: Office, clerk, receipt_id: int, printed: Printed, reprint: bool) -> None:
    with changes.write():
        person = desk_person(office, clerk) if clerk is not None else None
        changes.record(PRINT_TOPIC, receipt_id, "reprinted" if reprint else "printed",
                       office=office, staff=person,
                       after={"printer": printed.printer, "file": printed.path.name})


def write_receipt(view: ReceiptView, folder=None, kind: str = "text", *, tz: str = "UTC",
                  printer: PrinterSettings | None = None) -> Path:
    """Only the file, nothing sent and nothing noted: ``kind="text"``: the two copies as a
    UTF-8 ``.txt`` (40 wide); ``"escpos"``: a ``.prn`` for a receipt printer (the encoding
    and width of ``printer``, default GB18030 and 32). Returns its path."""
    if kind == "text":
        data = document_text(receipt_document(view, 40)).encode("utf-8")
        return keep(data, f"receipt-{view.number}{'-void' if view.voided else ''}", ".txt",
                    folder, tz=tz)
    printer = printer or PrinterSettings(kind="network", host="-")
    document = receipt_document(view, printer.columns, yen="￥")
    return keep(document_escpos(document, printer.encoding), document.stem, ".prn", folder,
                tz=tz)
