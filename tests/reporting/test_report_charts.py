"""The reports' charts: the series picked from a report's table
(deskterm.duties.reporting.report_charts) and how the terminal draws them
(deskterm.widgets.report_chart), CJK labels included, never wider than the screen."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len

from deskterm.duties.reporting.report_charts import Chart, chart_of
from deskterm.duties.reporting.report_period import report_period
from deskterm.duties.reporting.reports import Column, ReportTable
from deskterm.widgets.report_chart import axis_line, bar_lines, column_lines, title_line

OFFICE = type("Office", (), {"timezone": "Asia/Shanghai"})()
NOW = dt.datetime(2026, 11, 26, 2, 5)


def table(name, rows, columns=("a",), words="2026-11"):
    period = report_period(OFFICE, words, now=NOW)
    return ReportTable(name, name, period, tuple(Column(c, "int") for c in columns),
                       tuple(rows))


def test_fee_collection_charts_its_day_rows_only():
    rows = [("Fee item", "物业服务费", 3, 0, 90000), ("Method", "cash", 2, 0, 50000),
            ("Day", "11-01", 1, 0, 30000), ("Day", "11-02", 0, 0, 0),
            ("Day", "11-03", 2, 0, 60000)]
    chart = chart_of(table("fee-collection", rows))
    assert chart.kind == "line" and chart.value_kind == "money"
    assert chart.labels == ("11-01", "11-02", "11-03")
    assert chart.values == (30000, 0, 60000)
    assert chart.peak == ("11-03", 60000)


def test_callback_days_chart_the_orders_called_back_in_time():
    rows = [(dt.date(2026, 11, 1), 5, 4, 1, 0.8), (dt.date(2026, 11, 2), 0, 0, 0, None)]
    chart = chart_of(table("callback-rate", rows))
    assert chart.labels == ("11-01", "11-02") and chart.values == (4, 0)


def test_callback_weeks_are_bars_against_the_standard():
    rows = [(dt.date(2026, 11, 2), dt.date(2026, 11, 8), 50, 49, 0.98, 0.98, "yes"),
            (dt.date(2026, 11, 9), dt.date(2026, 11, 15), 0, 0, None, 0.98, None),
            (dt.date(2026, 11, 16), dt.date(2026, 11, 22), 40, 36, 0.9, 0.98, "no")]
    chart = chart_of(table("callback-weeks", rows))
    assert chart.kind == "bars" and chart.standard == 0.98
    assert chart.labels == ("11-02–11-08", "11-16–11-22")  # a week with none is no bar
    text = bar_lines(chart, 76).plain.splitlines()
    assert "✗" not in text[0] and text[1].rstrip().endswith("✗")  # 90 % is short of 98 %
    assert all("│" in line for line in text[:2])
    assert "98.0 %" in text[-1]


def test_complaints_by_category_skip_empty_categories():
    rows = [("噪音", 3, 3, 2, 2, 2), ("停车", 0, 0, 0, 0, 0), ("卫生", 1, 1, 1, 1, 0)]
    chart = chart_of(table("complaint-summary", rows))
    assert chart.labels == ("噪音", "卫生") and chart.values == (3, 1)


def test_reports_without_a_chart_have_none():
    assert chart_of(table("callback-misses", [])) is None


def test_columns_rise_from_zero_to_the_highest_value():
    lines = column_lines((0, 4, 8), per_day=3).plain.split("\n")
    assert len(lines) == 3
    assert lines[0] == "      ██"  # only the highest reaches the top line
    assert lines[2].startswith("   ██ ██")  # zero draws nothing, not the lowest bar
    tiny = column_lines((1, 1000), per_day=1).plain.split("\n")
    assert tiny[2][0] == "▁"  # any value above zero shows


@pytest.mark.parametrize("days", [7, 30, 31])
def test_axis_labels_sit_under_their_columns_and_fit(days):
    labels = tuple(f"11-{d:02d}" for d in range(1, days + 1))
    per_day = max(1, 76 // days)
    line = axis_line(Chart("line", "t", labels, (1.0,) * days, "int"), per_day)
    assert line.startswith("11-01") and line.endswith(labels[-1])
    assert cell_len(line) <= 76
    for label in labels:
        if label in line:
            assert line.index(label) == labels.index(label) * per_day
    if days == 7:
        assert all(label in line for label in labels)


@pytest.mark.parametrize("label", ["Parking", "停车管理与车位纠纷投诉", "x" * 40])
def test_bars_fit_76_cells_with_any_label(label):
    chart = Chart("bars", "标题", (label, "卫生"), (5.0, 2.0), "int")
    for line in bar_lines(chart, 76).plain.splitlines():
        assert cell_len(line) <= 76
    peak = Chart("line", "每日收款" * 10, ("11-01",), (123456.0,), "money")
    assert cell_len(title_line(peak, 76)) <= 76
