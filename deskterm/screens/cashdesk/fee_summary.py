"""The fee-collection summary (收费汇总) in the app: weekly for the weekend report [5.1],
monthly for the manager and finance by the 26th [5.6]
(``deskterm.duties.cashdesk.fee_summary``, read in a thread worker).

Three lines of figures (collected, payments and reversals; receipts issued and voided;
arrears at the period's end and the units owing), then the tables side by side: by fee
item, by method and by clerk on the left; by day and the arrears by fee item on the right.
Amounts are net of reversals: a voided receipt counts back where it was voided.

``w`` / ``m`` (or ``t`` to toggle) show the week (Monday to Sunday) or the month; ``[`` /
``]`` (or PgUp / PgDn) step to the one before / after. Tab moves between the tables to
scroll them. Esc closes. ``open_fee_summary(app)`` opens it at this month.
"""

from __future__ import annotations

from importlib.resources import files

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.clock import local, today_local
from deskterm.db.models import database
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
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.unit_account import heading, money_cell, word

WIDTH = 76
#: Column widths in cells (each column one wider: no cell padding), a cell left for the
#: scrollbar: the left tables 40 wide, the right ones 35.
LEFT = {"label": 17, "count": 5, "amount": 14}
#: A day's label is ``11-24 周二 ↺1`` at most (13 cells); a day's amount stays under ¥10M.
DAY = {"label": 13, "count": 5, "amount": 13}
ARREARS = {"label": 12, "units": 5, "amount": 14}
TABLES = ("fs-items", "fs-methods", "fs-clerks", "fs-days", "fs-arrears")


def count_cell(n: int, width: int) -> Text:
    return Text(fit(f"{n:,}", width) + " ", justify="right")


def bucket_cells(bucket: Bucket, label: str, widths: dict) -> tuple:
    name = label + (f" ↺{bucket.reversals}" if bucket.reversals else "")
    return (plain(fit(name, widths["label"])), count_cell(bucket.count, widths["count"]),
            money_cell(bucket.amount, widths["amount"]))


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
    lines = [
        _("Collected {total} · payments {n:,} · reversals {r:,} ({reversed})").format(
            total=format_fen(summary.collected), n=summary.payments, r=summary.reversals,
            reversed=format_fen(summary.reversed)),
        _("Receipts issued {n:,} ({total}) · voided {v:,} ({voided})").format(
            n=summary.receipts_issued, total=format_fen(summary.receipts_total),
            v=summary.receipts_voided, voided=format_fen(summary.voided_total)),
        (_("Arrears at the end: {total} · {n:,} units owe")
         if summary.as_of == summary.period.end
         else _("Arrears now: {total} · {n:,} units owe")).format(
            total=format_fen(summary.arrears_total), n=summary.arrears_units),
    ]
    return [fit(line, WIDTH) for line in lines]


def open_fee_summary(app, kind: str = "month") -> FeeSummaryScreen | None:
    """Open the fee summary at this month (or this week); a signed-in desk only."""
    if app.session.staff is None:
        return None
    screen = FeeSummaryScreen(app.session, kind)
    app.push_screen(screen)
    return screen


class FeeSummaryScreen(ModalScreen[None]):
    """One week's or month's fee collection; w/m/t choose, [ ] step."""

    CSS_PATH = str(files("deskterm.styles") / "fees.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("w", "kind('week')", show=False),
        Binding("m", "kind('month')", show=False),
        Binding("t", "toggle", show=False),
        Binding("h", "hand", show=False),
        Binding("left_square_bracket", "step(-1)", show=False, priority=True),
        Binding("right_square_bracket", "step(1)", show=False, priority=True),
        Binding("pageup", "step(-1)", show=False, priority=True),
        Binding("pagedown", "step(1)", show=False, priority=True),
    ]

    def __init__(self, session, kind: str = "month") -> None:
        super().__init__(id="fee-summary")
        self.session = session
        self.period = summary_period(session.office, kind if kind in ("week", "month")
                                     else "month")
        self.summary: FeeSummary | None = None
        self.handed: tuple | None = None  # (done_at, name) once handed over
        self.asked = 0  # reads started; an answer to an older one is dropped
        self.loads = 0  # reads finished (shown or refused), for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="fs-form", classes="form"):
            yield Static(plain(_("Fee collection")), id="fs-title", classes="form-title",
                         markup=False)
            yield Static(plain("…"), id="fs-figures", markup=False)
            with Horizontal(id="fs-tables"):
                with Vertical(id="fs-left"):
                    for table_id in ("fs-items", "fs-methods", "fs-clerks"):
                        yield DataTable(id=table_id, cursor_type="row", cell_padding=0,
                                        show_cursor=False)
                with Vertical(id="fs-right"):
                    for table_id in ("fs-days", "fs-arrears"):
                        yield DataTable(id=table_id, cursor_type="row", cell_padding=0,
                                        show_cursor=False)
            yield Static(plain(""), id="fs-error", classes="field-error", markup=False)
            yield Static(plain(_("w week · m month · [ ] before/after · Tab tables · "
                                 "h handed over · Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        heads = {"fs-items": (_("Fee item"), _("Lines"), LEFT),
                 "fs-methods": (_("Method"), _("Paid"), LEFT),
                 "fs-clerks": (_("Clerk"), _("Paid"), LEFT),
                 "fs-days": (_("Day"), _("Paid"), DAY),
                 "fs-arrears": (_("Arrears"), _("Units"), ARREARS)}
        for table_id, (label, counted, widths) in heads.items():
            table = self.query_one(f"#{table_id}", DataTable)
            keys = list(widths)
            table.add_column(heading(label, widths[keys[0]]), width=widths[keys[0]] + 1)
            table.add_column(heading(counted, widths[keys[1]], True), width=widths[keys[1]] + 1)
            table.add_column(heading(_("Amount"), widths["amount"], True),
                             width=widths["amount"] + 1)
        self._set_error("")
        self.read(self.period)

    # --- reading a period -------------------------------------------------------------------
    def read(self, period: SummaryPeriod) -> None:
        self.period = period
        self.asked += 1
        self.query_one("#fs-title", Static).update(plain(
            _("Fee collection · {label} …").format(label=period.label)))
        self._load(period, self.asked)

    @work(thread=True, group="fee-summary")
    def _load(self, period: SummaryPeriod, asked: int) -> None:
        try:
            with database.connection_context():
                summary = fee_summary(self.session.office, period)
                was_handed = handed(self.session.office, period)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, asked, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - said on the screen; Esc still closes it
            self.app.call_from_thread(self._refused, asked, str(exc))
            return
        self.app.call_from_thread(self._show, asked, summary, was_handed)

    def _refused(self, asked: int, message: str) -> None:
        if asked == self.asked:
            self.loads += 1
            self._set_error(message)

    def _show(self, asked: int, summary: FeeSummary, was_handed: tuple | None = None) -> None:
        if asked != self.asked:
            return
        self.summary = summary
        self.handed = was_handed
        self._set_error("")
        self.query_one("#fs-title", Static).update(
            plain(title_text(summary, was_handed, self.session.tz)))
        self.query_one("#fs-figures", Static).update(
            Text("\n").join(plain(line) for line in figures_lines(summary)))
        self._fill("fs-items", [bucket_cells(b, b.label, LEFT) for b in summary.by_item])
        self._fill("fs-methods", [bucket_cells(b, word(METHOD_WORDS, b.key), LEFT)
                                  for b in summary.by_method])
        self._fill("fs-clerks", [bucket_cells(b, b.label, LEFT) for b in summary.by_clerk])
        self._fill("fs-days", [bucket_cells(b, day_row_label(b, summary.period), DAY)
                               for b in summary.by_day])
        self._fill("fs-arrears", [
            (plain(fit(a.label, ARREARS["label"])), count_cell(a.units, ARREARS["units"]),
             money_cell(a.amount, ARREARS["amount"])) for a in summary.arrears])
        self.loads += 1

    def _fill(self, table_id: str, rows: list[tuple]) -> None:
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear()
        for index, cells in enumerate(rows):
            table.add_row(*cells, key=f"{table_id}:{index}")

    def _set_error(self, message: str) -> None:
        error = self.query_one("#fs-error", Static)
        error.update(plain(("✗ " + message) if message else ""))
        error.display = bool(message)

    # --- the keys ---------------------------------------------------------------------------
    def action_kind(self, kind: str) -> None:
        """The week or month of today when the period shown holds it, else of its first
        day."""
        if kind == self.period.kind:
            return
        today = today_local(self.session.tz)
        anchor = today if self.period.first <= today <= self.period.last else self.period.first
        self.read(summary_period(self.session.office, kind, anchor))

    def action_toggle(self) -> None:
        self.action_kind("week" if self.period.kind == "month" else "month")

    def action_step(self, by: int) -> None:
        try:
            period = shift_period(self.session.office, self.period, by)
        except DutyError as exc:
            self._set_error(exc.message)
            return
        self.read(period)

    def action_hand(self) -> None:
        """Record the summary shown handed over (into the weekend report, or to the manager
        and finance): the calendar's fee-summary deadline of its period is then done."""
        if self.summary is None:
            return
        self._hand(self.period)

    @work(thread=True, exclusive=True, group="fee-summary-hand")
    def _hand(self, period: SummaryPeriod) -> None:
        staff = self.session.staff
        try:
            with database.connection_context():
                hand_summary(self.session.office, staff.id if staff else None, period)
        except DeskError as exc:
            self.app.call_from_thread(self._set_error, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - the screen says so
            self.app.call_from_thread(self._set_error, str(exc))
            return
        self.app.call_from_thread(self.read, period)

    def action_close(self) -> None:
        self.dismiss(None)
