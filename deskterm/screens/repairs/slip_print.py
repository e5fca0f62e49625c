"""``p`` on an order's detail: its repair slip (维修任务单 with its 存根) printed [7.4.8].

``PrintsSlip`` is mixed into the order's detail (``order_detail.OrderDetailScreen``,
before the kit's ``DetailScreen``), which binds ``p`` to ``action_print_slip``. A desk
prints the slip when it hands the order to its technician: a dispatched order; a returned
(or later) one prints as the copy for the file, with what the return recorded filled in.
A registered order has no technician to carry it: the key says so (dispatch first, ``d``),
as it does for a cancelled one. A slip printed before prints again as 补打 with the time:
the hint says ``p reprint`` once the order's history shows a print.

The work runs in the book's worker (``act``: the key waits while a print is on its way):
``repair_slip.record_slip`` lays the slip out to this terminal's printer's width (40 for
a file or a queue, 32 or 48 for a receipt printer) and records the print in one
transaction; then ``printing.send.print_document`` keeps the file and sends it to the
printer (``kit.printing``: the terminal's own printer between two frames). The line under
the view says where it went, and the order is read again so its history shows "slip
printed". Database trouble, or a folder that cannot be written (checked before the
record), is said on the view's message line with nothing recorded; a printer that does
not answer is said there too, the file kept.
"""

from __future__ import annotations

from deskterm.duties.repairs.repair_slip import (
    PRINT_ACTIONS,
    record_slip,
    slip_refusal,
    writable_folder,
)
from deskterm.i18n import _
from deskterm.printing.send import print_document, this_terminal_printer
from deskterm.screens.kit.printing import terminal_writer


def printed_before(view) -> bool:
    return any(line.action in PRINT_ACTIONS for line in view.history)


def slip_hint(view) -> str:
    """The key's words in the hint, or "" when the order has no slip to print."""
    if view is None or slip_refusal(view.state, view.number):
        return ""
    return _("p reprint slip") if printed_before(view) else _("p print slip")


class PrintsSlip:
    """Mixed into the order's detail (see the module)."""

    def hint(self, view) -> str:
        """The detail's hint with ``p`` among the order's actions."""
        text, extra = super().hint(view), slip_hint(view)
        tail = _("↑↓ history")
        return text.replace(tail, f"{extra} · {tail}", 1) if extra else text

    def action_print_slip(self) -> None:
        view = self.view
        if view is None or self.busy:
            return  # not read yet, or a print on its way: the key waits for it
        refusal = slip_refusal(view.state, view.number)
        if refusal:
            self.say(refusal)
            return
        office, staff, order_id = self.session.office, self.session.staff, view.id
        tz, writer = self.session.tz, terminal_writer(self.app)

        def work():
            printer = this_terminal_printer()
            writable_folder()  # before the record: no print recorded without its file
            slip = record_slip(office, staff, order_id, width=printer.columns)
            number = slip.document.stem.removeprefix("slip-")
            what = (_("Slip {number} (补打)") if slip.copy_of is not None
                    else _("Slip {number}")).format(number=number)
            return print_document(slip.document, printer, terminal=writer, tz=tz, what=what)

        self.say("")
        self.act(work, self.slip_printed, group="slip")

    def slip_printed(self, printed) -> None:
        if printed.sent:
            self.tell(printed.said)
        else:
            self.say(printed.said, "print")
        self.reload()
