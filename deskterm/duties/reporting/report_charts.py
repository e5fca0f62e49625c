"""The charts of the reports where a trend is the point [5.1][6.4][7.4.16]: the series a
report's table already holds, picked out for the terminal to draw (no Textual here).

- fee collection: the payments, net of voids, of each day of the period (a line over the
  days);
- callback rate by day: the orders called back in time, by the day they were returned;
- callback rate by week: each week's rate against the 98 % standard (bars and a mark);
- complaint summary: the complaints received by category (bars).

``chart_of(table)`` gives the ``Chart`` of a ``ReportTable`` or None. It reads the table as
built (its translated group words included), so it is called in the language the table
was made in.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.duties.reporting.reports import ReportTable
from deskterm.i18n import _

SERIES_KINDS = ("line", "bars")
VALUE_KINDS = ("money", "int", "percent")


@dataclass(frozen=True)
class Chart:
    kind: str  # "line": one value per day, left to right; "bars": one bar per label
    title: str  # translated
    labels: tuple[str, ...]  # one per value: "11-23", a week "11-16–11-22", a category
    values: tuple[float, ...]  # fen for money, a count, or a share (0.98)
    value_kind: str  # one of VALUE_KINDS
    standard: float | None = None  # a share the bars are held against (0.98)

    @property
    def peak(self) -> tuple[str, float] | None:
        """The label and value of the highest point (the first of equals)."""
        if not self.values:
            return None
        index = max(range(len(self.values)), key=lambda i: (self.values[i], -i))
        return self.labels[index], self.values[index]


def _fee_days(table: ReportTable) -> Chart:
    day = _("Day")
    rows = [row for row in table.rows if row[0] == day]
    return Chart("line", _("Payments each day, net of voids"), tuple(row[1] for row in rows),
                 tuple(float(row[4]) for row in rows), "money")


def _callback_days(table: ReportTable) -> Chart:
    return Chart("line", _("Called back in time, by day of return"),
                 tuple(f"{row[0]:%m-%d}" for row in table.rows),
                 tuple(float(row[2]) for row in table.rows), "int")


def _callback_weeks(table: ReportTable) -> Chart:
    rows = [row for row in table.rows if row[4] is not None]
    return Chart("bars", _("Callback rate each week against {standard}").format(
                     standard=f"{rows[0][5] * 100:g} %" if rows else "98 %"),
                 tuple(f"{row[0]:%m-%d}–{row[1]:%m-%d}" for row in rows),
                 tuple(float(row[4]) for row in rows), "percent",
                 standard=float(rows[0][5]) if rows else None)


def _complaint_categories(table: ReportTable) -> Chart:
    rows = [row for row in table.rows if row[1]]
    return Chart("bars", _("Complaints received by category"),
                 tuple(str(row[0]) for row in rows), tuple(float(row[1]) for row in rows),
                 "int")


CHARTS = {
    "fee-collection": _fee_days,
    "callback-rate": _callback_days,
    "callback-weeks": _callback_weeks,
    "complaint-summary": _complaint_categories,
}


def chart_of(table: ReportTable) -> Chart | None:
    """The chart of ``table``'s report, or None when it has none (or nothing to draw)."""
    build = CHARTS.get(table.name)
    return None if build is None else build(table)
