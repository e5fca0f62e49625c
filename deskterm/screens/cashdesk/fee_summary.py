"""The fee-collection summary (收费汇总) in the app: weekly for the weekend report [5.1],
monthly for the manager and finance by the 26th [5.6]
(``deskterm.duties.cashdesk.fee_summary``, read in the kit's worker: a ``BookScreen``).

Three lines of figures (payments, net of voids, with how many were taken and their sum
before the voids; the voids and the receipts issued and voided; arrears at the period's
end and the units owing), then the tables side by side: by fee
item, by method and by clerk on the left; by day and the arrears by fee item on the right.
Amounts are net of voids: a voided receipt counts back where it was voided (the takings
of ``duties/cashdesk/takings.py``, the same figures the work record and the cash pane show).

``w`` / ``m`` (or ``t`` to toggle) show the week (Monday to Sunday) or the month; ``[`` /
``]`` (or PgUp / PgDn) step to the one before / after; ``h`` records the period shown
handed over (``BookScreen.act``). Tab moves between the tables to scroll them. Esc closes.
``open_fee_summary(app)`` opens it at this month.
"""

from __future__ import annotations

from importlib.resources import files

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from deskterm.clock import local, today_local
from deskterm.display import day_label, fit, plain
from deskterm.duties.cashdesk.fee_summary import (
    Bucket,
    FeeSummary,
    SummaryPeriod,
    fee_summary,
    shift_period,
    summary_period,
)
from deskterm.duties.cashdesk.fee_summary_hand import hand_summary, handed
from deskterm.duties.cashdesk.payments import METHOD_WORDS
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.figure_table import FigureTable
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.periods import MONTH_BINDINGS
from deskterm.screens.kit.tables import (
    hint_line,
    lines_text,
    text_line,
    title_line,
    word,
)

WIDTH = 76
#: Column widths in cells (each column one wider: no cell padding), a cell left for the
#: scrollbar: the left tables 40 wide, the right ones 35.
LEFT = {"label": 17, "count": 5, "amount": 14}
#: A day's label is ``11-24 周二 ↺1`` at most (13 cells); a day's amount stays under ¥10M.
DAY = {"label": 13, "count": 5, "amount": 13}
ARREARS = {"label": 12, "units": 5, "amount": 14}
#: Each table: its first column's heading, its count's, and the widths.
TABLES = {"fs-items": (N_("Fee item"), N_("Lines"), LEFT),
          "fs-methods": (N_("Method"), N_("Paid"), LEFT),
          "fs-clerks": (N_("Clerk"), N_("Paid"), LEFT),
          "fs-days": (N_("Day"), N_("Paid"), DAY),
          "fs-arrears": (N_("Arrears"), N_("Units"), ARREARS)}


def bucket_cells(bucket: Bucket, label: str) -> tuple:
    name = label + (f" ↺{bucket.reversals}" if bucket.reversals else "")
    return (name, f"{bucket.count:,}", format_fen(bucket.amount))


def table_columns(table_id: str) -> list[tuple[str, int, bool]]:
    """A table's columns: heading (translated), width, at the right."""
    label, counted, widths = TABLES[table_id]
    first, count = list(widths)[:2]
    return [(_(label), widths[first], False), (_(counted), widths[count], True),
            (_("Amount") if table_id == "fs-arrears" else _("Net of voids"),
             widths["amount"], True)]


def day_row_label(bucket: Bucket, period: SummaryPeriod) -> str:
    """``Mon 11-23`` / ``11-23 周一``: the day with its weekday, in the desk's language."""
    day = next(d for d in period.days if d.isoformat() == bucket.key)
    return day_label(day)


def title_text(summary: FeeSummary, handed: tuple | None = None, tz: str = "UTC") -> str:
    """``Fee collection · week 2026-11-23–11-29 · so far``, and ``· handed over 11-29 by
    王芳`` once handed over."""
    period = summary.period
    kind = _("week") if period.kind == "week" else _("month")
    text = _("Fee collection · {kind} {label}").format(kind=kind, label=period.label)
    if summary.as_of < period.end:
        text += " · " + _("so far")
    if handed is not None:
        text += " · " + _("handed over {day} by {name}").format(
            day=local(handed[0], tz).format("MM-DD"), name=handed[1])
    return fit(text, WIDTH)


def figures_lines(summary: FeeSummary) -> list[str]:
    """The period's takings (payments, net of voids; taken before them; voided), the
    receipts as paper (✗ when they do not match the payments and voids), the arrears."""
    paper = _("Voided {v:,} ({voided}) · receipts issued {r:,}, voided {rv:,}").format(
        v=summary.reversals, voided=format_fen(summary.reversed), r=summary.receipts_issued,
        rv=summary.receipts_voided)
    if (summary.receipts_issued, summary.receipts_voided) != (summary.payments,
                                                              summary.reversals):
        paper += " ✗"
    lines = [
        _("Payments, net of voids {net} · {n:,} taken ({gross})").format(
            net=format_fen(summary.collected), n=summary.payments,
            gross=format_fen(summary.gross)),
        paper,
        (_("Arrears at the end: {total} · {n:,} units owe")
         if summary.as_of == summary.period.end
         else _("Arrears now: {total} · {n:,} units owe")).format(
            total=format_fen(summary.arrears_total), n=summary.arrears_units),
    ]
    return [fit(line, WIDTH) for line in lines]


def open_fee_summary(app, kind: str = "month") -> FeeSummaryScreen | None:
    """Open the fee summary at this month (or this week); a signed-in desk only. The
    month's is opened without arguments, so one built ahead in idle time is shown
    (``kit.prebuilt``)."""
    if kind == "month":
        return open_screen(app, FeeSummaryScreen)
    return open_screen(app, FeeSummaryScreen, kind)


class FeeSummaryScreen(BookScreen[None]):
    """One week's or month's fee collection; w/m/t choose, [ ] step, h hand over."""

    CSS_PATH = str(files("deskterm.styles") / "fees.tcss")
    PREFIX = "fs"
    COVERS = True
    BINDINGS = [
        Binding("w", "kind('week')", show=False),
        Binding("m", "kind('month')", show=False),
        Binding("t", "toggle", show=False),
        Binding("h", "hand", show=False),
        *MONTH_BINDINGS,
    ]

    def __init__(self, session, kind: str = "month") -> None:
        # The stylesheet names it by its class: one built ahead has no id (kit.book).
        super().__init__(session, id="fee-summary", classes="fee-summary")
        self.kind = kind if kind in ("week", "month") else "month"
        # Today's week or month, taken as the book opens (``opening``): one built ahead
        # in idle time may open after midnight.
        self.period: SummaryPeriod | None = None
        self.summary: FeeSummary | None = None
        self.handed: tuple | None = None  # (done_at, name) once handed over

    def compose(self):
        with Vertical(id="fs-form", classes="form"):
            yield title_line(_("Fee collection"), id="fs-title")
            yield text_line("…", id="fs-figures")
            with Horizontal(id="fs-tables"):
                for side, tables in (("fs-left", ("fs-items", "fs-methods", "fs-clerks")),
                                     ("fs-right", ("fs-days", "fs-arrears"))):
                    with Vertical(id=side):
                        for table_id in tables:
                            yield FigureTable(table_columns(table_id), id=table_id)
            yield self.message_line()
            yield hint_line(_("w week · m month · [ ] before/after · Tab tables · "
                              "h handed over · Esc close"))

    def opening(self) -> None:
        """The book's frame (titles, headings) is drawn at once; its figures when the
        worker answers."""
        self.show_period(summary_period(self.office, self.kind))

    # --- reading a period -------------------------------------------------------------------
    def show_period(self, period: SummaryPeriod) -> None:
        self.period = period
        self.query_one("#fs-title", Static).update(plain(
            _("Fee collection · {label} …").format(label=period.label)))
        self.read(period)

    def fetch(self, period: SummaryPeriod):
        return fee_summary(self.office, period), handed(self.office, period)

    def show(self, data, period: SummaryPeriod) -> None:
        summary, was_handed = data
        self.summary = summary
        self.handed = was_handed
        self.query_one("#fs-title", Static).update(
            plain(title_text(summary, was_handed, self.session.tz)))
        self.query_one("#fs-figures", Static).update(lines_text(figures_lines(summary)))
        self._fill("fs-items", [bucket_cells(b, b.label) for b in summary.by_item])
        self._fill("fs-methods", [bucket_cells(b, word(METHOD_WORDS, b.key))
                                  for b in summary.by_method])
        self._fill("fs-clerks", [bucket_cells(b, b.label) for b in summary.by_clerk])
        self._fill("fs-days", [bucket_cells(b, day_row_label(b, summary.period))
                               for b in summary.by_day])
        self._fill("fs-arrears", [(a.label, f"{a.units:,}", format_fen(a.amount))
                                  for a in summary.arrears])

    def _fill(self, table_id: str, rows: list[tuple]) -> None:
        self.query_one(f"#{table_id}", FigureTable).show_rows(rows)

    # --- the keys ---------------------------------------------------------------------------
    def action_kind(self, kind: str) -> None:
        """The week or month of today when the period shown holds it, else of its first
        day."""
        if self.period is None:  # not opened yet
            return
        if kind == self.period.kind:
            return
        today = today_local(self.session.tz)
        anchor = today if self.period.first <= today <= self.period.last else self.period.first
        self.show_period(summary_period(self.office, kind, anchor))

    def action_toggle(self) -> None:
        if self.period is not None:
            self.action_kind("week" if self.period.kind == "month" else "month")

    def action_step(self, by: int) -> None:
        if self.period is None:  # not opened yet
            return
        try:
            period = shift_period(self.office, self.period, by)
        except DutyError as exc:
            self.say(exc.message)
            return
        self.show_period(period)

    def action_hand(self) -> None:
        """Record the summary shown handed over (into the weekend report, or to the manager
        and finance): the calendar's fee-summary deadline of its period is then done."""
        if self.summary is None:
            return
        period = self.period
        staff = self.session.staff
        self.act(lambda: hand_summary(self.office, staff.id if staff else None, period),
                 lambda _done: self.show_period(period), group="hand")
