"""Today's timeline (今日时间线): the fixed day, appointments, callbacks, tasks and
deadlines, with a "now" marker; done and missed items carry a symbol and a word. It shows
the items near now (``timeline_window``) and counts the whole day."""

from __future__ import annotations

import re

from deskterm.clock import now_utc
from deskterm.display import SYMBOLS, fit, fullest, hhmm
from deskterm.i18n import N_, _
from deskterm.widgets import pane_data
from deskterm.widgets.pane import Pane

STATE_WORDS = {
    "done": N_("done"),
    "missed": N_("missed"),
    "now": N_("now"),
    "upcoming": "",
}


#: An order's or complaint's number in a label: WX-202611-0042 → WX-0042, as the narrow
#: callbacks pane writes it.
_NUMBER = re.compile(r"\b([A-Z]{2})-[0-9A-Z]+-(\d+)\b")


def short_numbers(label: str) -> str:
    """``label`` with its numbers in their short form: the rest of the words have room."""
    return _NUMBER.sub(r"\1-\2", label)


class TimelinePane(Pane):
    TOPICS = frozenset({
        "repair_order", "task", "complaint", "attendance_event", "handover", "bank_deposit",
        "cash_entry", "cash_session", "daily_work_record", "deadline_done", "stocktake",
        "canteen_purchase", "callback", "office", "assessment", "work_summary",
    })

    def title(self) -> str:
        return _("Today")

    def columns(self, wide):
        if wide:
            return [("time", _("Time")), ("mark", " "), ("what", _("What")),
                    ("state", _("State"))]
        return [("time", _("Time")), ("mark", " "), ("what", _("What"))]

    def fetch(self):
        return pane_data.timeline(self.context)

    def summary(self, data, wide) -> str:
        text = _("{done} of {total} done").format(done=data.done, total=data.total)
        if data.missed:
            text += " · " + SYMBOLS["missed"] + " " + _("{n} missed").format(n=data.missed)
        return text

    def _paint(self) -> None:
        super()._paint()
        # Keep "now" in view: the cursor follows the now marker unless the clerk has moved
        # it elsewhere to read the day.
        table = self.table
        if "now-marker" not in table.rows:
            return
        index = table.get_row_index("now-marker")
        if self._follow_now or table.cursor_row in (self._now_index, -1):
            self._follow_now = False
            self._now_index = index
            table.move_cursor(row=index, scroll=False)
            table.scroll_row_to_top(index - 2)

    _follow_now = True
    _now_index = 0

    def follow_now(self) -> None:
        """Scroll the now marker into view on the next paint (and now, if shown)."""
        self._follow_now = True
        if self.data is not None:
            self._paint()

    def summary_is_alert(self, data) -> bool:
        return data.missed > 0

    def rows(self, data, wide, width):
        now = now_utc()
        tz = self.context.tz
        what_width = self.free_width(width, [5, 1] + ([7] if wide else []))
        out = []
        marker_done = False
        for item in data.items:
            if not marker_done and item.at is not None and item.at > now:
                out.append(self._now_row(hhmm(now, tz), wide, what_width))
                marker_done = True
            cells = [item.local_time, SYMBOLS.get(item.state, " "),
                     fullest((item.label, short_numbers(item.label)), what_width)]
            if wide:
                cells.append(_(STATE_WORDS[item.state]) if STATE_WORDS.get(item.state) else "")
            out.append((item.key, cells))
        if not marker_done:
            out.append(self._now_row(hhmm(now, tz), wide, what_width))
        return out

    @staticmethod
    def _now_row(time_text: str, wide: bool, width: int):
        cells = [time_text, SYMBOLS["now"], fit("── " + _("now") + " " + "─" * width, width)]
        if wide:
            cells.append("")
        return ("now-marker", cells)
