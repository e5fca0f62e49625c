"""A report's chart in the terminal (``deskterm.duties.reporting.report_charts.Chart``).

A series over the days is drawn as columns, three lines high (24 steps of ▁▂▃▄▅▆▇█), a
whole number of cells per day wide, from zero to the highest value, with its title and
peak above and the first and last day under it. (Textual's ``Sparkline`` was tried first:
it scales from the lowest value, so a day of 11 callbacks showed as nothing next to 18,
and it spreads days over uneven widths.)
Bars are text: one line per label, the bar scaled to the largest value; a rate held
against a standard (98 %) is scaled from a little under the lowest rate to 100 %, the
standard marked ``│`` on every bar and a bar under it marked ``✗`` (so it reads in 16
colours and without colour at all).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from deskterm.display import fit, plain
from deskterm.duties.reporting.report_charts import Chart
from deskterm.i18n import _
from deskterm.money import format_fen

#: The chart's lines: a title, and three of sparkline and an axis, or at most six bars.
MAX_BARS = 6
LABEL = 13  # cells for a bar's label
VALUE = 10  # cells for a bar's value


def pad(value: object, width: int) -> str:
    """``value`` cut or filled with spaces to exactly ``width`` cells (CJK-aware)."""
    text = fit(value, width)
    return text + " " * (width - cell_len(text))


def value_text(value: float, kind: str) -> str:
    if kind == "money":
        return format_fen(int(value))
    if kind == "percent":
        return f"{value * 100:.1f} %"
    return f"{int(value):,}"


def title_line(chart: Chart, width: int) -> str:
    peak = chart.peak
    text = chart.title
    if chart.kind == "line" and peak is not None:
        text += " · " + _("highest {value} on {day}").format(
            value=value_text(peak[1], chart.value_kind), day=peak[0])
    return fit(text, width)


def axis_line(chart: Chart, per_day: int) -> str:
    """The days' labels under their columns, as many as fit with a cell between them
    (every day of a week, every fourth or so of a month), the last day always."""
    if not chart.labels:
        return ""
    line = ""
    last = len(chart.labels) - 1
    for index, label in enumerate(chart.labels):
        at = index * per_day
        room_after = index == last or last * per_day - (at + cell_len(label)) >= 1
        if at >= cell_len(line) + (1 if line else 0) and room_after:
            line += " " * (at - cell_len(line)) + label
    return line


STEPS = "▁▂▃▄▅▆▇█"
HEIGHT = 3


def column_lines(values: tuple[float, ...], per_day: int, height: int = HEIGHT) -> Text:
    """One column per value, ``per_day`` cells wide (a cell of gap when 3 or more), from
    zero to the highest value; a value above zero shows at least ▁."""
    top = max(values, default=0.0)
    levels = [0 if top <= 0 or v <= 0 else max(1, round(v / top * height * 8))
              for v in values]
    lines = []
    for row in reversed(range(height)):
        cells = []
        for level in levels:
            part = level - row * 8
            glyph = " " if part <= 0 else "█" if part >= 8 else STEPS[part - 1]
            wide = per_day - 1 if per_day >= 3 else per_day
            cells.append(glyph * wide + " " * (per_day - wide))
        lines.append("".join(cells).rstrip())
    return Text("\n".join(lines), style="bold")


def bar_lines(chart: Chart, width: int) -> Text:
    """One line per label: label, bar, value (and ✗ under the standard)."""
    room = max(4, width - LABEL - VALUE - 4)  # label, space, bar, space, value, ✗
    values = chart.values[:MAX_BARS]
    if chart.standard is not None:
        low = min([chart.standard - 0.05, *values])
        low = max(0.0, int(low * 20) / 20)  # down to a multiple of 5 %
        high = 1.0
    else:
        low, high = 0.0, max(values, default=0.0) or 1.0
    mark = None if chart.standard is None else round(
        (chart.standard - low) / (high - low) * room)
    text = Text()
    for index, (label, value) in enumerate(zip(chart.labels, values, strict=False)):
        filled = max(0, min(room, round((value - low) / (high - low) * room)))
        cells = ["█"] * filled + [" "] * (room - filled)
        if mark is not None and 0 <= mark < room:
            cells[mark] = "│"
        short = chart.standard is not None and value < chart.standard
        if index:
            text.append("\n")
        text.append(pad(label, LABEL) + " ")
        text.append("".join(cells), style="bold red" if short else "bold")
        text.append(" " + value_text(value, chart.value_kind).rjust(VALUE))
        text.append(" ✗" if short else "  ", style="bold red" if short else "")
    more = len(chart.values) - len(values)
    if more > 0:
        text.append("\n" + _("… and {n} more in the table").format(n=more))
    if chart.standard is not None:
        text.append("\n" + " " * (LABEL + 1) + fit(
            _("{low} to 100 % · │ the standard {standard}").format(
                low=value_text(low, "percent"),
                standard=value_text(chart.standard, "percent")), room + VALUE))
    return text


class ReportChart(Vertical):
    """Shows a ``Chart``, or hides itself when given None."""

    DEFAULT_CSS = """
    ReportChart { height: auto; display: none; }
    ReportChart.-shown { display: block; }
    ReportChart > #chart-title { height: 1; text-style: bold; }
    ReportChart > #chart-line { height: 3; }
    ReportChart > #chart-axis { height: 1; color: $text-muted; }
    ReportChart > #chart-bars { height: auto; }
    """

    def __init__(self, *, width: int = 76, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chart_width = width
        self.chart: Chart | None = None

    def compose(self) -> ComposeResult:
        yield Static(plain(""), id="chart-title", markup=False)
        yield Static(plain(""), id="chart-line", markup=False)
        yield Static(plain(""), id="chart-axis", markup=False)
        yield Static(plain(""), id="chart-bars", markup=False)

    def show(self, chart: Chart | None) -> None:
        self.chart = chart
        shown = chart is not None and bool(chart.values)
        self.set_class(shown, "-shown")
        if not shown:
            return
        line = chart.kind == "line"
        spark = self.query_one("#chart-line", Static)
        spark.display = line
        self.query_one("#chart-axis", Static).display = line
        self.query_one("#chart-bars", Static).display = not line
        self.query_one("#chart-title", Static).update(
            plain(title_line(chart, self.chart_width)))
        if line:
            per_day = max(1, self.chart_width // len(chart.values))
            spark.update(column_lines(chart.values, per_day))
            self.query_one("#chart-axis", Static).update(
                plain(axis_line(chart, per_day)))
        else:
            self.query_one("#chart-bars", Static).update(bar_lines(chart, self.chart_width))
