"""What the month-at-a-time books share (the attendance sheet and the complaint summary):
the month field, where ``[`` and ``]`` step the month instead of being typed, stepping
the month shown, and ``h`` recording the shown month's sheet handed over through the book's
own duty in a thread worker, then reading the month again.

A screen mixing in ``MonthSteps`` has ``month`` (the month shown), ``read(month)``,
``_set_error(field, message)``, a ``MonthInput`` whose id is ``MONTH_FIELD``, and says in
``_handable_month()`` which month ``h`` hands over (None: nothing shown yet) and in
``HAND_DUTY(office, staff_id, month)`` how.
"""

from __future__ import annotations

from textual import work
from textual.widgets import Input

from deskterm.db.models import database
from deskterm.duties.months import shift_month
from deskterm.errors import DeskError, DutyError


class MonthInput(Input):
    """The month field: ``[`` and ``]`` are never part of a month, so they step the
    month (the screen's keys) instead of being typed."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character not in ("[", "]") and super().check_consume_key(key, character)


class MonthSteps:
    MONTH_FIELD = ""  # the MonthInput's id

    def action_step(self, by: int) -> None:
        """The month before (-1) or after (1) the one shown."""
        try:
            month = shift_month(self.month, by)
        except DutyError as exc:
            self._set_error("month", exc.message)
            return
        self.query_one(f"#{self.MONTH_FIELD}", Input).value = month
        self.read(month)

    def action_hand(self) -> None:
        """Record the month shown handed over (the calendar's deadline waits for it)."""
        month = self._handable_month()
        if month is not None:
            self._hand(month)

    @work(thread=True, exclusive=True, group="month-hand")
    def _hand(self, month: str) -> None:
        staff = self.session.staff
        try:
            with database.connection_context():
                type(self).HAND_DUTY(self.session.office, staff.id if staff else None, month)
        except DeskError as exc:
            self.app.call_from_thread(self._set_error, "", exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - the screen says so
            self.app.call_from_thread(self._set_error, "", str(exc))
            return
        self.app.call_from_thread(self.read, month)
