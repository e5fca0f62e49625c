"""F9: the reports (``duties.reports.REPORTS``) in one list, grouped as the desk's books are
(repairs, fees and cash, shift and back office), each with the periods it is made for.

↑ ↓ choose a report, Enter shows it (``report_view.ReportView``) for the period chosen:
``1`` this week, ``2`` last week, ``3`` this month, ``4`` last month here or in the report;
until one is chosen, each report opens at its own usual period (last month, last week).
A period a report is not made for opens it at its own. Under the list, what the
highlighted report is for. Esc (or F9) closes. A ``BookScreen`` that reads nothing
itself: each report reads its own table. ``open_reports(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from deskterm.display import fit, plain
from deskterm.duties.reporting.report_period import report_period
from deskterm.duties.reporting.reports import REPORTS
from deskterm.errors import DeskError
from deskterm.i18n import N_, _
from deskterm.keys import BOOK_GROUPS
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.reporting.report_view import QUICK, ReportView

WIDTH = 76
KINDS_CELLS = 20
#: Each report's group in the list (a report not named here is listed last).
GROUPS = {
    "Repairs": ("callback-rate", "callback-weeks", "callback-misses", "complaint-summary",
                "complaint-list", "monday-approval", "month-end-handover"),
    "Fees and cash": ("fee-collection",),
    "Shift and back office": ("attendance-sheet", "on-duty", "attendance-ranking",
                              "work-daily", "work-weekly", "work-monthly",
                              "stocktake-variance", "canteen-meal-fees"),
}
KIND_SHORT = {"week": N_("week"), "month": N_("month"), "range": N_("days")}
QUICK_WORDS = {"this-week": N_("this week"), "last-week": N_("last week"),
               "this-month": N_("this month"), "last-month": N_("last month")}
#: What each report is for, said under the list (reports without one show their periods).
ABOUT = {
    "fee-collection": N_("By fee item, method, clerk and day, with a chart of each day [5.1][5.6]."),
    "callback-rate": N_("Each day's returned orders called back in time, with a chart [6.4]."),
    "callback-weeks": N_("Each week's callback rate against the 98 % standard, as bars [6.4]."),
    "callback-misses": N_("The returned orders not called back in their window [6.4]."),
    "complaint-summary": N_("The month's complaints by category, with a chart [7.4.16]."),
    "complaint-list": N_("客户投诉汇总及处理情况表: the month's complaints one by one [7.4.16]."),
    "monday-approval": N_("Called-back orders waiting for the manager's approval [7.4.10]."),
    "month-end-handover": N_("Approved orders to hand to each district's supervisor [7.4.10]."),
    "canteen-meal-fees": N_("The month's meals and meal fees per person [5.10]."),
    "stocktake-variance": N_("The month's stocktake, book against count [6.7]."),
    "attendance-sheet": N_("考勤表: each person's days of the month, as signed [7.4.14]."),
    "on-duty": N_("在岗情况表: days in, leave, absence, late and early per person [5.7]."),
    "attendance-ranking": N_("本部门排序表: attendance points with the month's assessments [5.7]."),
    "work-daily": N_("Each person's daily work records (日清记录表) of the period [7.4.23]."),
    "work-weekly": N_("Each person's week from the daily records, and the summary's state [7.4.23]."),
    "work-monthly": N_("Each person's month from the daily records, and the summary's state [7.4.23]."),
}


def grouped_names() -> list[tuple[str, list[str]]]:
    """The groups in order with their reports (those in ``REPORTS``), the rest last."""
    listed = {name for names in GROUPS.values() for name in names}
    out = [(group, [n for n in GROUPS.get(group, ()) if n in REPORTS]) for group in BOOK_GROUPS]
    rest = [name for name in REPORTS if name not in listed]
    if rest:
        out[-1][1].extend(rest)
    return [(group, names) for group, names in out if names]


def option_text(name: str) -> str:
    """``Fee collection ............ week · month``, CJK-aware."""
    report = REPORTS[name]
    kinds = " · ".join(_(KIND_SHORT[kind]) for kind in report.kinds)
    kinds = fit(kinds, KINDS_CELLS)
    title = fit(_(report.title), WIDTH - 4 - cell_len(kinds))
    return "  " + title + " " * (WIDTH - 4 - cell_len(title) - cell_len(kinds)) + kinds


def open_reports(app) -> ReportsScreen | None:
    """Open the reports list; a signed-in desk only."""
    return open_screen(app, ReportsScreen)


class ReportsScreen(BookScreen[None]):
    CSS_PATH = str(files("deskterm.styles") / "reports.tcss")
    PREFIX = "rp"
    COVERS = True
    BINDINGS = [
        Binding("f9", "close", show=False),
        *(Binding(key, f"period('{words}')", show=False) for key, words in QUICK.items()),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="reports")
        self.words: str | None = None  # the period chosen; None: each report's own

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        for group, names in grouped_names():
            options.append(Option(plain(_(group)), disabled=True))
            options.extend(Option(plain(option_text(name)), id=name) for name in names)
        with Vertical(id="rp-form", classes="form"):
            yield Static(plain(_("Reports")), id="rp-title", classes="form-title",
                         markup=False)
            yield OptionList(*options, id="rp-list")
            yield Static(plain(""), id="rp-about", markup=False)
            yield Static(plain(_("↑↓ Enter open · 1 2 this/last week · 3 4 this/last month · "
                                 "Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        listing = self.query_one("#rp-list", OptionList)
        self.set_focus(listing)
        listing.highlighted = next(i for i in range(listing.option_count)
                                   if not listing.get_option_at_index(i).disabled)
        self._show_period()

    @property
    def highlighted(self) -> str | None:
        listing = self.query_one("#rp-list", OptionList)
        if listing.highlighted is None:
            return None
        return listing.get_option_at_index(listing.highlighted).id

    @on(OptionList.OptionHighlighted, "#rp-list")
    def _about(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if name in REPORTS:
            report = REPORTS[name]
            text = _(ABOUT[name]) if name in ABOUT else _(report.title)
            self.query_one("#rp-about", Static).update(plain(fit(text, WIDTH)))
        self._show_period()

    def _show_period(self) -> None:
        name = self.highlighted
        report = REPORTS.get(name or "")
        words = self.words
        own = words is None or report is not None and not self._fits(report, words)
        if report is not None and own:
            words = report.default_period
        label = _(QUICK_WORDS[words]) if words in QUICK_WORDS else str(words or "")
        text = _("Reports · period: {label}").format(label=label)
        if own and self.words is not None:
            text += " · " + _("(its own: it is not made for {chosen})").format(
                chosen=_(QUICK_WORDS.get(self.words, self.words)))
        self.query_one("#rp-title", Static).update(plain(fit(text, WIDTH)))

    def _fits(self, report, words: str) -> bool:
        try:
            return report_period(self.session.office, words).kind in report.kinds
        except DeskError:
            return False

    def action_reread(self) -> None:
        """Nothing here is read from the database (each report reads its own)."""

    def action_period(self, words: str) -> None:
        self.words = words
        self._show_period()

    @on(OptionList.OptionSelected, "#rp-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id
        if name not in REPORTS:
            return
        report = REPORTS[name]
        words = self.words if self.words and self._fits(report, self.words) else None
        self.app.push_screen(ReportView(self.session, name, words), callback=self._back)

    def _back(self, chosen: str | None) -> None:
        if chosen:
            self.words = chosen
        self._show_period()
