"""One report in the app (F9, then Enter on it): its table for the period chosen, a chart
where a trend is the point, and export to CSV and XLSX [5.1][5.6][6.4][7.4.16].

A ``BookScreen``: the table is ``duties.reports.report_table`` read in the kit's worker
(database trouble is said on the message line, the table shown stays): one column per
report column, numbers right-aligned, amounts in yuan, the totals row last and bold. Over
it the chart (``duties.report_charts``; ``g`` hides or shows it, for more rows).

The period: ``1`` this week, ``2`` last week, ``3`` this month, ``4`` last month, ``[`` /
``]`` (or PgUp / PgDn) the one before / after, ``p`` types one (a month ``2026-10`` or days
``2026-11-01..2026-11-15``; Enter reads it, Esc leaves the field). A period the report is
not made for is refused at the field, and the report shown stays; while the field has
the cursor the hint names its own keys (the period keys are typed there).

``c`` writes the table shown as CSV, ``x`` as XLSX, into the export folder (``export_dir``
in the settings), named after the report and period; the path is shown. Esc closes and
hands the last period chosen back to the list, which offers it to the next report.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from deskterm.display import fit, plain
from deskterm.duties.reporting.report_charts import Chart, chart_of
from deskterm.duties.reporting.report_period import shifted_words
from deskterm.duties.reporting.reports import REPORTS, ReportTable, report_table
from deskterm.export import export_table
from deskterm.i18n import N_, _, ngettext
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.fields import error_line
from deskterm.screens.kit.inputs import TextInput
from deskterm.widgets.report_chart import ReportChart, value_text

WIDTH = 76
TEXT_CELLS = 28  # the widest a text cell is shown (the export has it whole)
QUICK = {"1": "this-week", "2": "last-week", "3": "this-month", "4": "last-month"}
NUMERIC = ("int", "number", "money", "percent")


def cell_text(value: object, kind: str) -> str:
    """A cell as shown: amounts in yuan, shares as percent, dates ISO, nothing as blank."""
    if value is None:
        return ""
    if kind in ("money", "int", "percent"):
        return value_text(value, kind)
    if kind == "number":
        return f"{float(value):,.1f}"
    if kind == "datetime" and isinstance(value, dt.datetime):
        return value.strftime("%m-%d %H:%M")
    if kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return fit(value, TEXT_CELLS)


def row_cells(row: tuple, table: ReportTable, bold: bool = False) -> list[Text]:
    cells = []
    for value, column in zip(row, table.columns, strict=False):
        text = plain(cell_text(value, column.type))
        if column.type in NUMERIC:
            text.justify = "right"
        if bold:
            text.stylize("bold")
        cells.append(text)
    return cells


def cut_text(row: tuple, table: ReportTable) -> str:
    """The text cells of ``row`` the table had to cut, whole: ``Complaint: …``."""
    return " · ".join(f"{column.title}: {' '.join(value.split())}"
                      for value, column in zip(row, table.columns, strict=False)
                      if isinstance(value, str) and cell_len(value) > TEXT_CELLS)


def title_text(table: ReportTable | None, name: str) -> str:
    title = _(REPORTS[name].title)
    if table is None:
        return fit(f"{title} · …", WIDTH)
    rows = ngettext("{n:,} row", "{n:,} rows", len(table.rows)).format(n=len(table.rows))
    return fit(f"{title} · {table.period_label} · {rows}", WIDTH)


PERIOD_KEYS = N_("1 this week · 2 last week · 3 this month · 4 last month · p type · [ ] step")
TABLE_KEYS = N_("c CSV · x Excel · g chart · ↑↓←→ scroll · Esc close")
FIELD_KEYS = N_("Enter read this period · Esc leave the field")


class ReportView(BookScreen[str | None]):
    """Dismisses with the period words last chosen (None when none was)."""

    CSS_PATH = str(files("deskterm.styles") / "reports.tcss")
    PREFIX = "rv"
    COVERS = True
    BINDINGS = [
        *(Binding(key, f"period('{words}')", show=False) for key, words in QUICK.items()),
        Binding("p", "type_period", show=False),
        Binding("left_square_bracket,pageup", "step(-1)", show=False),
        Binding("right_square_bracket,pagedown", "step(1)", show=False),
        Binding("c", "export('csv')", show=False),
        Binding("x", "export('xlsx')", show=False),
        Binding("g", "chart", show=False),
    ]

    def __init__(self, session, name: str, words: str | None = None) -> None:
        super().__init__(session, id="report-view")
        self.report = name
        self.words = words  # the period asked for (None: the report's own default)
        self.chosen: str | None = None  # a period the clerk chose here
        self.table: ReportTable | None = None
        self.chart: Chart | None = None
        self.chart_hidden = False
        self.exported: str | None = None  # the last path written, for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="rv-form", classes="form"):
            yield Static(plain(title_text(None, self.report)), id="rv-title",
                         classes="form-title", markup=False)
            yield TextInput(placeholder=_("this-week · last-month · 2026-10 · "
                                          "2026-11-01..2026-11-15"), id="rv-period",
                            max_length=40)
            yield error_line(self.PREFIX, "period")
            yield ReportChart(width=WIDTH, id="rv-chart")
            yield DataTable(id="rv-table", cursor_type="row", zebra_stripes=False)
            yield Static(plain(""), id="rv-row", markup=False)
            yield Static(plain(""), id="rv-result", markup=False)
            yield self.message_line()
            yield Static(plain(_(PERIOD_KEYS)), id="rv-keys", classes="form-hint",
                         markup=False)
            yield Static(plain(_(TABLE_KEYS)), id="rv-hint", classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        self.period_field.display = False
        self._result("")
        self.query_one("#rv-row", Static).display = False
        self.set_focus(self.grid)
        self.read(self.words)

    @property
    def period_field(self) -> Input:
        return self.query_one("#rv-period", Input)

    @property
    def grid(self) -> DataTable:
        return self.query_one("#rv-table", DataTable)

    # --- reading ----------------------------------------------------------------------------
    def fetch(self, words: str | None):
        table = report_table(self.office, self.report, words)
        return table, chart_of(table)

    def _refused(self, asked: int, field: str, message: str) -> None:
        # BookScreen's: a read refused or in trouble counts here too (for tests).
        if asked == self._asked:
            self.loads += 1
        super()._refused(asked, field, message)

    def say(self, message: str, field: str = "") -> None:
        """A period the report is not made for is refused at the field, which opens with
        what was asked; anything else goes to the message line."""
        if field == "period" and message:
            self._show_field(self._last_key[0] if self._last_key else "")
        if message:
            self._result("")
        super().say(message, field)

    def show(self, data, words: str | None) -> None:
        table, chart = data
        self.table, self.chart = table, chart
        if words is not None:
            self.words = words
        self.query_one("#rv-title", Static).update(plain(title_text(table, self.report)))
        self.query_one("#rv-chart", ReportChart).show(None if self.chart_hidden else chart)
        grid = self.grid
        grid.clear(columns=True)
        for column in table.columns:
            heading = plain(fit(column.title, TEXT_CELLS))
            if column.type in NUMERIC:
                heading.justify = "right"
            grid.add_column(heading)
        for index, row in enumerate(table.rows):
            grid.add_row(*row_cells(row, table), key=str(index))
        if table.totals is not None:
            grid.add_row(*row_cells(table.totals, table, bold=True), key="totals")
        self._result("" if table.rows else _("Nothing in this period."))

    @on(DataTable.RowHighlighted, "#rv-table")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        """What the table cut of the highlighted row (a complaint's text), under it."""
        key = event.row_key.value if event.row_key is not None else None
        text = ""
        if self.table is not None and key is not None and key.isdigit():
            text = cut_text(self.table.rows[int(key)], self.table)
        line = self.query_one("#rv-row", Static)
        line.update(plain(text))
        line.display = bool(text)

    def _result(self, message: str) -> None:
        """What the screen did (a path written), whole: a path wraps rather than being cut."""
        line = self.query_one("#rv-result", Static)
        line.update(plain(message))
        line.display = bool(message)

    # --- the period -------------------------------------------------------------------------
    def _show_field(self, value: str) -> None:
        field = self.period_field
        field.display = True
        field.value = value or ""
        self.set_focus(field)

    def _hide_field(self) -> None:
        self.period_field.display = False
        super().say("", "period")
        self.set_focus(self.grid)

    def on_descendant_focus(self, _event) -> None:
        """In the period field the period keys are typed: the hint says the field's keys."""
        typing = self.focused is self.period_field
        keys = self.query("#rv-keys")
        if keys:
            keys.first().display = not typing
            self.query_one("#rv-hint", Static).update(plain(_(FIELD_KEYS if typing
                                                              else TABLE_KEYS)))

    def action_period(self, words: str) -> None:
        self.chosen = words
        self._hide_field()
        self.read(words)

    def action_type_period(self) -> None:
        self._show_field(self.table.period.label if self.table else (self.words or ""))

    @on(Input.Submitted, "#rv-period")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        words = event.value.strip()
        self.chosen = words
        self.read(words)
        # the field stays until the period is read; a refusal opens it again
        if words:
            self._hide_field()
        else:
            self.set_focus(self.grid)

    def action_step(self, by: int) -> None:
        if self.table is None:
            return
        self.action_period(shifted_words(self.table.period, by))

    # --- export and chart -------------------------------------------------------------------
    def action_export(self, fmt: str) -> None:
        if self.table is None:
            return
        table = self.table
        self._result(_("Writing {fmt} …").format(fmt=fmt.upper()))
        self.act(lambda: str(export_table(table, fmt)), self._exported, group="export")

    def _exported(self, path: str) -> None:
        self.exported = path
        self._result(_("Saved: {path}").format(path=path))

    def action_chart(self) -> None:
        self.chart_hidden = not self.chart_hidden
        self.query_one("#rv-chart", ReportChart).show(None if self.chart_hidden
                                                      else self.chart)

    def action_close(self) -> None:
        if self.period_field.has_focus:
            self._hide_field()
            return
        self.dismiss(self.chosen)
