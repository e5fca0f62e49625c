"""Printing from a screen, to this terminal's printer (``deskterm.printing``).

- ``send_to_printer(screen, make)``: the one line a screen needs: ``make(printer)`` runs
  in the kit's worker (it may read and write the database) and returns the ``Document``
  to print, laid out to ``printer.columns``; the file is kept, the document goes to the
  printer, and the screen tells the clerk (``tell`` when printed, ``say`` when the printer
  did not take it: the file is kept and named).
- ``terminal_writer(app)``: how a worker reaches the printer at the clerk's PC: the bytes
  go to the terminal between two of Textual's frames (see ``write_between_frames``).
- ``PrintsLists``, mixed into a ``BookScreen`` before it: ``print_list(printout)`` turns a
  ``Printout`` (title, rows, the file name's start, who signs) into plain text with its
  ``layout`` (the repair orders' list of ``approval_lists.printable_list`` unless it says
  otherwise), keeps it in the printout folder (the export folder unless the screen's
  ``folder`` says where) and sends it to this terminal's printer: a queue or a file
  always; a receipt printer only when the list fits its width (a list is wider than a
  32- or 48-character roll nearly always: it is then kept and the clerk told so). The
  book's result line (``result_line()``, ``#{PREFIX}-result``) says where it went. A
  folder that cannot be written is refused there in the clerk's words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import plain
from deskterm.duties.repairs.approval_lists import printable_list
from deskterm.i18n import _
from deskterm.printing.backends import PrinterFailed, TerminalWriter
from deskterm.printing.document import Document
from deskterm.printing.send import Printed, print_document, this_terminal_printer
from deskterm.printing.settings import PrinterSettings
from deskterm.screens.kit.duty import run_duty


@dataclass(frozen=True)
class Printout:
    """A list to print: the title, the rows, the file name's start, who signs, and how
    it becomes text: ``layout(title, rows, tz, *, office_name, printed_by, now,
    signatures)``."""

    title: str
    rows: Sequence[Any]
    stem: str
    signatures: tuple[str, ...] = ()
    layout: Callable[..., str] = printable_list


def list_document(text: str, stem: str) -> Document:
    """A list's text as a one-part document as wide as its widest line."""
    lines = text.rstrip("\n").split("\n")
    width = max([cell_len(line) for line in lines] + [24])
    return Document(stem, (tuple(("", line) for line in lines),), width)


def write_list(printout: Printout, session, folder=None, *,
               printer: PrinterSettings | None = None,
               terminal: TerminalWriter | None = None) -> Printed:
    """The printout for the person at ``session``'s desk, kept and sent (in a worker)."""
    staff, tz = session.staff, session.tz
    text = printout.layout(printout.title, printout.rows, tz, office_name=session.office.name,
                           printed_by=staff.name if staff else "", now=now_utc(),
                           signatures=printout.signatures)
    return print_document(list_document(text, printout.stem), printer, terminal=terminal,
                          folder=folder, tz=tz, what=printout.title)


# --- the printer at the clerk's terminal --------------------------------------------------------

def write_between_frames(app, data: bytes) -> None:
    """On the app's thread: ``data`` to the terminal with no frame cut in two. Textual
    writes frames (as text) through its driver's writer thread; the printer's bytes are
    not text in the terminal's encoding (GB18030), so they go to the byte stream under it:
    the writer thread is stopped (``WriterThread.stop`` queues the end and joins: every
    frame queued is written and flushed), the bytes written and flushed, and a new writer
    thread started. No frame is made meanwhile: frames are made on this thread."""
    from textual.drivers._writer_thread import WriterThread

    driver = getattr(app, "_driver", None)
    writer = getattr(driver, "_writer_thread", None)
    out = getattr(driver, "_file", None)
    if writer is None or not hasattr(out, "buffer"):
        raise PrinterFailed(_("This terminal cannot pass a printout to a printer."))
    writer.stop()
    try:
        out.flush()
        out.buffer.write(data)
        out.buffer.flush()
    finally:
        driver._writer_thread = WriterThread(out)
        driver._writer_thread.start()


def terminal_writer(app) -> TerminalWriter:
    """Writes to the clerk's terminal from a worker (waits for the app's thread)."""

    def write(data: bytes) -> None:
        app.call_from_thread(write_between_frames, app, data)

    return write


def printed_said(screen, printed: Printed) -> None:
    """What a print did, on the screen: ``tell`` when printed, ``say`` when not."""
    if printed.sent:
        screen.tell(printed.said)
    else:
        screen.say(printed.said, "print")


def send_to_printer(screen, make: Callable[[PrinterSettings], Document], *,
                    done: Callable[[Printed], object] | None = None, folder=None) -> None:
    """Print what ``make(printer)`` gives (see the module's docstring). ``done``: what the
    screen does with the ``Printed`` (default ``printed_said``); ``folder``: where the
    file is kept (default: the export folder). A refusal or trouble in ``make`` is said on
    the screen's line; the printer's own failure is a ``Printed`` with ``sent`` False."""
    session, writer = screen.session, terminal_writer(screen.app)

    def work() -> Printed:
        printer = this_terminal_printer()
        return print_document(make(printer), printer, terminal=writer, folder=folder,
                              tz=session.tz)

    run_duty(screen, work, done=done or (lambda printed: printed_said(screen, printed)),
             refused=lambda field, message: screen.say(message, field), group="print")


class PrintsLists:
    """Mixed into a ``BookScreen`` (see the module's docstring); ``folder``: where the
    lists go (None: the export folder)."""

    folder = None

    def result_line(self) -> Static:
        return Static(plain(""), id=f"{self.PREFIX}-result", markup=False)

    def show_result(self, message: str) -> None:
        self.query_one(f"#{self.PREFIX}-result", Static).update(plain(message))

    def print_list(self, printout: Printout) -> None:
        session, folder, writer = self.session, self.folder, terminal_writer(self.app)
        self.act(lambda: write_list(printout, session, folder, terminal=writer),
                 self.printed, group="print")

    def printed(self, printed: Printed) -> None:
        if printed.kind == "file":
            self.show_result(_("Printable list written: {path}").format(path=printed.path))
        else:
            self.show_result(printed.said)
