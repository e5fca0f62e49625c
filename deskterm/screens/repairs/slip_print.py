"""``p`` on an order's detail: its repair slip (维修任务单 with its 存根) printed [7.4.8].

``PrintsSlip`` is mixed into the order's detail (``order_detail.OrderDetailScreen``,
before the kit's ``DetailScreen``), which binds ``p`` to ``action_print_slip``. A desk
prints the slip when it hands the order to its technician: a dispatched order; a returned
(or later) one prints as the copy for the file, with what the return recorded filled in.
A registered order has no technician to carry it: the key says so (dispatch first, ``d``),
as it does for a cancelled one. A slip printed before prints again as 补打 with the time:
the hint says ``p reprint`` once the order's history shows a print.

The work is the duty's (``repair_slip.print_slip``: the file written and the print
recorded in one transaction) in the book's worker (``act``: the key waits while a print
is on its way); the line under the view says where it went, and the order is read again
so its history shows "slip printed". A folder that cannot be written, or database
trouble, is said on the view's message line, and nothing is recorded or left written.
"""

from __future__ import annotations

from deskterm.duties.repairs.repair_slip import PRINT_ACTIONS, print_slip, slip_refusal
from deskterm.i18n import _


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
        self.say("")
        self.act(lambda: print_slip(office, staff, order_id), self.slip_printed,
                 group="slip")

    def slip_printed(self, printed) -> None:
        number = printed.document.stem.removeprefix("slip-")
        if printed.copy_of is not None:
            said = _("Slip {number} reprinted (补打): {path}")
        else:
            said = _("Slip {number} printed: {path}")
        self.tell(said.format(number=number, path=printed.path))
        self.reload()
