"""Printing a book's list: ``PrintsLists``, mixed into a ``BookScreen`` before it.

``print_list(printout)`` turns a ``Printout`` (title, rows, the file name's start, who
signs) into plain text with its ``layout`` (the repair orders' list of
``approval_lists.printable_list`` unless it says otherwise: any book gives its own with
the same arguments), writes it to the printout folder (``approval_lists.write_printout``:
the export folder unless the screen's ``folder`` says where) through the book's ``act``,
and the book's result line (``result_line()``, ``#{PREFIX}-result``) says where it went.
A folder that cannot be written is refused there in the clerk's words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import plain
from deskterm.duties.repairs.approval_lists import printable_list, write_printout
from deskterm.i18n import _


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


def write_list(printout: Printout, session, folder=None) -> str:
    """The printout written for the person at ``session``'s desk; its path (in a worker)."""
    staff, tz = session.staff, session.tz
    text = printout.layout(printout.title, printout.rows, tz, office_name=session.office.name,
                           printed_by=staff.name if staff else "", now=now_utc(),
                           signatures=printout.signatures)
    return str(write_printout(text, printout.stem, folder, tz=tz))


class PrintsLists:
    """Mixed into a ``BookScreen`` (see the module's docstring); ``folder``: where the
    lists go (None: the export folder)."""

    folder = None

    def result_line(self) -> Static:
        return Static(plain(""), id=f"{self.PREFIX}-result", markup=False)

    def show_result(self, message: str) -> None:
        self.query_one(f"#{self.PREFIX}-result", Static).update(plain(message))

    def print_list(self, printout: Printout) -> None:
        session, folder = self.session, self.folder
        self.act(lambda: write_list(printout, session, folder), self.printed, group="print")

    def printed(self, path: str) -> None:
        self.show_result(_("Printable list written: {path}").format(path=path))
