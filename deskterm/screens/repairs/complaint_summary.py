"""The monthly complaint summary (客户投诉汇总及处理情况表) in the app [6.7][7.4.16]: what
``complaints.complaint_summary`` returns for one office-local month, as it returns it:
one row per complaint received that month (number, day received, unit, complainant,
category, handler, hours to the handling, the callback, state), the highlighted row's
description, handling and result under the table, then the month's figures: received,
handled (within 24/48/72 h), closed, handling hours (average, longest), callbacks (done,
on time, overdue, the on-time rate), and the counts by state and by category.

The month field starts at this month (``2026-11``); Enter reads the month typed, and
``[`` / ``]`` (or PgUp / PgDn) go to the month before / after. A month that is not one is
refused under the field. ``h`` (on the table) records the month's summary handed to the
manager, which the calendar's month-end deadline reads. The month is read, and ``h``
recorded, through the kit (``kit.periods.MonthSteps`` on a ``TableBook``): database
trouble is said on the message line, the month shown stays. Esc closes.
``open_complaint_summary(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from deskterm.clock import local, now_utc
from deskterm.display import fit, percent, plain
from deskterm.duties.months import this_month
from deskterm.duties.repairs.complaint_summary_hand import hand_complaint_summary, handed
from deskterm.duties.repairs.complaints import (
    CATEGORIES,
    HANDLED_WITHIN_HOURS,
    STATE_LABELS,
    ComplaintSummary,
    SummaryRow,
    complaint_summary,
)
from deskterm.duties.repairs.order_words import word
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field, field_box, widget_for
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.periods import MONTH_BINDINGS, MonthSteps
from deskterm.screens.kit.tables import book_table, cells_of, lines_text, refill
from deskterm.screens.repairs.parts import TableBook

#: Column widths in cells (75: the table's 76 less the scrollbar), one cell of gap each.
WIDTHS = {"number": 13, "received": 5, "unit": 9, "complainant": 6, "category": 8,
          "handler": 6, "hours": 4, "callback": 6, "state": 9}
#: The figures' lines are at most this wide.
TEXT_WIDTH = 76
COLUMNS = tuple(zip((N_("Number"), N_("Day"), N_("Unit"), N_("Who"), N_("Category"),
                     N_("Handler"), N_("Took"), N_("Callbk"), N_("State")),
                    WIDTHS.values(), strict=True))


def hours_text(hours: float | None) -> str:
    """At most four cells: ``7.5h``, ``30h`` from ten up, ``42d`` from a thousand hours
    up; ``—`` for none."""
    if hours is None:
        return "—"
    if hours < 9.95:
        return f"{hours:.1f}h"
    return f"{hours:.0f}h" if hours < 999.5 else f"{hours / 24:.0f}d"


def callback_text(row: SummaryRow, tz: str, now) -> str:
    """``✓11-05`` called back in time, ``✗11-05`` late, ``!11-04`` past its window and
    not called back, ``…11-06`` due then, ``—`` not handled yet (a symbol, never colour
    alone)."""
    if row.callback_date is not None:
        return ("✓" if row.callback_on_time else "✗") + row.callback_date.strftime("%m-%d")
    if row.callback_due_at is not None and row.state == "handled":
        mark = "!" if row.callback_due_at < now else "…"
        return mark + local(row.callback_due_at, tz).format("MM-DD")
    return "—"


def row_cells(row: SummaryRow, tz: str, now) -> tuple[Text, ...]:
    cells = (row.number, row.received_date.strftime("%m-%d"), row.unit or "—",
             row.complainant or "—", word(CATEGORIES, row.category), row.handler or "—",
             hours_text(row.handling_hours), callback_text(row, tz, now),
             word(STATE_LABELS, row.state))
    return tuple(cells_of(cells, COLUMNS))


def detail_text(row: SummaryRow | None) -> str:
    """The highlighted row's texts: what, how it was handled, the result (two lines)."""
    if row is None:
        return _("No complaints were received this month.")
    parts = [f"{row.number}: {row.description}"]
    if row.handling:
        parts.append(_("handling: {text}").format(text=row.handling))
    if row.result:
        parts.append(_("result: {text}").format(text=row.result))
    return fit(" → ".join(parts), 2 * TEXT_WIDTH)


def packed(head: str, items: list[str], width: int = TEXT_WIDTH) -> list[str]:
    """``head`` then the items joined by `` · ``, wrapped between items (never inside
    one) into lines at most ``width`` cells wide."""
    lines, line = [], head
    for item in items:
        candidate = f"{line} · {item}" if line != head else f"{line} {item}"
        if cell_len(candidate) > width and line != head:
            lines.append(line)
            line = "  " + item
        else:
            line = candidate
    lines.append(line)
    return [fit(text, width) for text in lines]


def totals_lines(summary: ComplaintSummary) -> list[str]:
    """The month's figures, every one the summary has, as lines of plain text."""
    within = ", ".join(_("≤{hours}h {n}").format(hours=hours, n=summary.handled_within[hours])
                       for hours in HANDLED_WITHIN_HOURS)
    lines = [
        _("Received {total} · handled {handled} ({within}) · closed {closed}").format(
            total=summary.total, handled=summary.handled, within=within,
            closed=summary.closed),
        _("Handling took {average} on average, {longest} at most").format(
            average=hours_text(summary.average_handling_hours),
            longest=hours_text(summary.longest_handling_hours)),
        _("Called back {n}, on time {on_time} · callbacks overdue {overdue} · on-time rate "
          "{rate}").format(n=summary.called_back, on_time=summary.called_back_on_time,
                           overdue=summary.callback_overdue,
                           rate=percent(summary.callback_rate)),
    ]
    lines = [fit(line, TEXT_WIDTH) for line in lines]
    lines += packed(_("By state:"), [f"{word(STATE_LABELS, state)} {count}"
                                     for state, count in summary.by_state.items()])
    lines += packed(_("By category:"), [f"{word(CATEGORIES, key)} {count}"
                                        for key, count in summary.by_category.items()])
    return lines


def open_complaint_summary(app) -> ComplaintSummaryScreen | None:
    """Open the monthly summary at this month (a signed-in desk only); the pushed screen,
    or None."""
    return open_screen(app, ComplaintSummaryScreen)


class ComplaintSummaryScreen(MonthSteps, TableBook):
    """One month's complaint summary; the month is typed or stepped with [ ]."""

    CSS_PATH = str(files("deskterm.styles") / "complaints.tcss")
    PREFIX = "cs"
    MONTH_FIELD = "cs-month"
    FIELD_LINES = ("month",)
    HAND_DUTY = staticmethod(hand_complaint_summary)
    BINDINGS = [
        *MONTH_BINDINGS,
        Binding("h", "hand", show=False),
    ]

    def __init__(self, session, month: str | None = None) -> None:
        super().__init__(session, id="complaint-summary")
        self.month = month or this_month(session.office)
        self.summary: ComplaintSummary | None = None

    def compose(self) -> ComposeResult:
        month = Field("month", N_("Month"), kind="month", max_length=7, placeholder="2026-11",
                      initial=self.month)
        with Vertical(id="cs-form", classes="form"):
            yield Static(plain(_("Complaint summary")), id="cs-title", classes="form-title",
                         markup=False)
            with Horizontal(id="cs-month-row", classes="kit-row"):
                yield field_box(self.PREFIX, "month", _(month.label),
                                widget_for(self.PREFIX, month))
                yield Static(plain(_("Enter read · [ ] or PgUp/PgDn month before/after")),
                             id="cs-month-hint", markup=False)
            yield book_table("cs-table", COLUMNS)
            yield self.detail_line()
            yield Static(plain(""), id="cs-totals", markup=False)
            yield self.message_line()
            yield Static(plain(_("Tab rows/month · ↑↓ choose · h handed over · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#cs-month", Input))
        self.read(self.month)

    # --- reading a month --------------------------------------------------------------------
    def fetch(self, month: str):
        summary = complaint_summary(self.session.office, month)
        return summary, handed(self.session.office, summary.month)

    def show(self, data, asked: str = "") -> None:
        summary, was_handed = data
        self.summary = summary
        self.month = summary.month
        month_input = self.query_one("#cs-month", Input)
        if month_input.value == asked:  # "202610" → "2026-10"; never over newer typing
            month_input.value = summary.month
        title = _("Complaint summary {month} ({n})").format(month=summary.month,
                                                            n=summary.total)
        if was_handed is not None:
            title += " · " + _("handed over {day} by {name}").format(
                day=local(was_handed[0], self.session.tz).format("MM-DD"), name=was_handed[1])
        self.query_one("#cs-title", Static).update(plain(fit(title, TEXT_WIDTH)))
        self.rows = list(summary.rows)
        now, tz = now_utc(), self.session.tz
        refill(self.query_one("#cs-table", DataTable),
               ((f"c{row.id}", row_cells(row, tz, now)) for row in self.rows))
        self.query_one("#cs-totals", Static).update(
            lines_text(totals_lines(summary)))
        self.show_detail()

    def row_detail(self, row: SummaryRow | None) -> str:
        return detail_text(row)

    # --- the keys -------------------------------------------------------------------------------
    @on(Input.Submitted, "#cs-month")
    def _month_typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.read(event.value)

    def handable_month(self) -> str | None:
        return self.summary.month if self.summary is not None else None
