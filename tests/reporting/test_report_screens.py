"""F9: the reports list and a report shown, driven by keys at 80×24: the table is the
report's (``report_table``), the period keys and a typed period, a refusal at the field,
the chart, and CSV / XLSX written to the export folder with the path shown."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from deskterm.duties.reporting.reports import report_table
from deskterm.i18n import set_language
from deskterm.screens.reporting.report_view import ReportView
from deskterm.screens.reporting.reports import ReportsScreen
from deskterm.widgets.report_chart import ReportChart
from tests.cashdesk.test_fee_summary import a_few_months
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING
from tests.fee_rows import fee_office


@pytest.fixture
def fo(sqlite_db, frozen_clock, tmp_path, monkeypatch):
    frozen_clock(MORNING)  # Thursday 26 November 2026, 10:05 in Shanghai
    monkeypatch.setenv("DESKTERM_EXPORT_DIR", str(tmp_path / "exports"))
    office = fee_office()
    a_few_months(office)
    return office


def shown_rows(app) -> list[list[str]]:
    grid = app.screen.query_one("#rv-table", DataTable)
    return [[str(cell) for cell in grid.get_row_at(i)] for i in range(grid.row_count)]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_report(pilot, app, name: str) -> ReportView:
    await pilot.press("f9")
    await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
    listing = app.screen.query_one("#rp-list", OptionList)
    listing.highlighted = listing.get_option_index(name)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ReportView)
                     and app.screen.loads >= 1)
    return app.screen


async def read_again(pilot, view: ReportView, *keys: str) -> None:
    loads = view.loads
    await pilot.press(*keys)
    await wait_until(pilot, lambda: view.loads > loads)


async def test_a_report_shows_its_table_and_chart_and_steps_its_period(fo):
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        view = await open_report(pilot, app, "fee-collection")
        expected = report_table(fo.office, "fee-collection")  # its own: last month
        assert view.table.period.label == "2026-10" == expected.period.label
        rows = shown_rows(app)
        assert len(rows) == len(expected.rows) + 1  # and the totals
        assert rows[-1][0] == "Total" and rows[-1][4] == "¥" + f"{expected.totals[4] / 100:,.2f}"
        chart = view.query_one("#rv-chart", ReportChart)
        assert chart.display and chart.chart.labels[0] == "10-01"
        assert "2026-10" in text_of(app, "#rv-title")

        await read_again(pilot, view, "3")  # this month
        november = report_table(fo.office, "fee-collection", "2026-11")
        assert view.table.period.label == "2026-11"
        assert shown_rows(app)[-1][2] == f"{november.totals[2]:,}"
        await read_again(pilot, view, "left_square_bracket")
        assert view.table.period.label == "2026-10"
        await read_again(pilot, view, "1")  # this week
        assert view.table.period.label == "2026-11-23..2026-11-29"
        await read_again(pilot, view, "right_square_bracket")
        assert view.table.period.label == "2026-11-30..2026-12-06"
        await pilot.press("g")  # the chart hides for more rows, and comes back
        assert not chart.display
        await pilot.press("g")
        assert chart.display

        await pilot.press("escape")  # the list offers the period last chosen
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        assert app.screen.words == "2026-11-30..2026-12-06"


async def test_a_typed_period_is_read_and_a_wrong_one_refused_at_the_field(fo):
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        view = await open_report(pilot, app, "complaint-summary")
        before = view.table
        await read_again(pilot, view, "1")  # a week: the summary is a month's
        field = view.query_one("#rv-period", Input)
        assert field.display and field.has_focus
        assert "made for: a month" in text_of(app, "#rv-error-period")
        assert view.table is before  # the report shown stays
        field.value = ""
        await pilot.press(*"2026-09")
        assert field.value == "2026-09"  # digits typed, not period keys
        await read_again(pilot, view, "enter")
        assert view.table.period.label == "2026-09"
        assert not field.display
        assert not view.query_one("#rv-error-period", Static).display
        await pilot.press("p")  # typed again, then left with Esc: nothing read
        assert field.has_focus and field.value == "2026-09"
        await pilot.press("escape")
        assert not field.display and isinstance(app.screen, ReportView)
        await read_again(pilot, view, "p", "ctrl+u", *"junk", "enter")
        assert "Enter a period" in text_of(app, "#rv-error-period")
        assert view.table.period.label == "2026-09"


async def test_export_writes_csv_and_xlsx_and_shows_the_path(fo, tmp_path):
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        view = await open_report(pilot, app, "fee-collection")
        await pilot.press("c")
        await wait_until(pilot, lambda: view.exported is not None)
        path = tmp_path / "exports" / "fee-collection_2026-10.csv"
        assert view.exported == str(path)
        assert str(path) in text_of(app, "#rv-result").replace("\n", "")
        with path.open(encoding="utf-8-sig") as handle:
            lines = list(csv.reader(handle))
        assert lines[0][:2] == ["Grouped by", "Entry"] and lines[-1][0] == "Total"
        view.exported = None
        await pilot.press("x")
        await wait_until(pilot, lambda: view.exported is not None)
        sheet = openpyxl.load_workbook(view.exported).active
        assert sheet.max_row == len(view.table.rows) + 2


async def test_the_reports_in_chinese_fit_80_columns(fo):
    set_language("zh_CN")
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        view = await open_report(pilot, app, "callback-weeks")
        titles = [column.title for column in view.table.columns]
        # the callback words, not the cash desk's 点钞 ("Counted") or 收费标准 ("Rate")
        assert titles[2:5] == ["应回访单数", "按时", "回访率"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.press("4")
        assert "上月" in text_of(app, "#rp-title")


async def test_the_text_a_table_cuts_shows_whole_under_it(fo):
    from deskterm.duties.repairs import complaints

    long = "楼上装修太吵，" * 10 + "[red]不是标记[/red]"
    complaints.record_complaint(fo.office, fo.so.clerk, complainant_name="王芳",
                                phone="13987654321", description=long, unit=fo.so.unit,
                                category="noise")
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        view = await open_report(pilot, app, "complaint-list")
        await read_again(pilot, view, "3")  # this month's
        await pilot.pause()
        row = view.query_one("#rv-row", Static)
        assert row.display
        assert long in text_of(app, "#rv-row").replace("\n", "")  # literal, markup and all
        assert shown_rows(app)[0][6].endswith("…")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_snapshot_of_a_report_with_its_chart(snap_compare, fo, language):
    set_language(language)
    app = desk_app(fo.so, watch=False, theme="ansi-dark")

    async def shown(pilot):
        await panes_loaded(pilot)
        await open_report(pilot, app, "fee-collection")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)
