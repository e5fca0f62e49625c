"""What the month-at-a-time books share (the attendance sheet, the complaint summary):
the month field (a ``MonthInput``: ``[`` and ``]`` step the month instead of being
typed), stepping the month shown, and ``h`` recording the shown month's sheet handed over
through the book's own duty (``BookScreen.act``), then reading the month again.

A ``BookScreen`` mixing in ``MonthSteps`` has ``month`` (the month shown), reads a month
with ``read(month)``, has a ``MonthInput`` whose id is ``MONTH_FIELD``, and says in
``handable_month()`` which month ``h`` hands over (None: nothing shown yet) and in
``HAND_DUTY(office, staff_id, month)`` how.

``MONTH_BINDINGS`` are the month keys of every book that steps a period: ``[`` ``]``
and PgUp / PgDn call ``action_step(-1 / 1)``, with priority (a focused field or the
table would take PgUp / PgDn, and a ``MonthInput`` lets ``[`` ``]`` by);
``STEP_BINDINGS`` the brackets alone (where PgUp / PgDn keep their own use).
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

from deskterm.duties.months import shift_month
from deskterm.errors import DutyError
from deskterm.screens.kit.inputs import MonthInput

__all__ = ["MONTH_BINDINGS", "STEP_BINDINGS", "MonthInput", "MonthSteps"]

STEP_BINDINGS = [
    Binding("left_square_bracket", "step(-1)", show=False, priority=True),
    Binding("right_square_bracket", "step(1)", show=False, priority=True),
]
MONTH_BINDINGS = [
    *STEP_BINDINGS,
    Binding("pageup", "step(-1)", show=False, priority=True),
    Binding("pagedown", "step(1)", show=False, priority=True),
]


class MonthSteps:
    MONTH_FIELD = ""  # the MonthInput's id

    def action_step(self, by: int) -> None:
        """The month before (-1) or after (1) the one shown."""
        try:
            month = shift_month(self.month, by)
        except DutyError as exc:
            self.say(exc.message, "month")
            return
        self.query_one(f"#{self.MONTH_FIELD}", Input).value = month
        self.read(month)

    def action_hand(self) -> None:
        """Record the month shown handed over (the calendar's deadline waits for it)."""
        month = self.handable_month()
        if month is None:
            return
        staff = self.session.staff
        self.act(lambda: type(self).HAND_DUTY(self.session.office,
                                              staff.id if staff else None, month),
                 lambda _result: self.read(month), group="hand")

    def handable_month(self) -> str | None:
        raise NotImplementedError
