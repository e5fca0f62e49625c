"""Report tables written to CSV and XLSX (deskterm.export), read back with the csv module
and openpyxl: values, types, formats, names and free text kept literal."""

from __future__ import annotations

import csv
import datetime as dt
from types import SimpleNamespace

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskterm.duties.reporting.report_period import report_period
from deskterm.duties.reporting.reports import Column, ReportTable
from deskterm.errors import DutyError
from deskterm.export import _visible as visible
from deskterm.export import export_table, file_name, text_width

OFFICE = SimpleNamespace(timezone="Asia/Shanghai")
NOW = dt.datetime(2026, 11, 26, 2, 5)


def table(rows=None, totals=("合计", None, 3, 123450, 0.985, None, None)):
    period = report_period(OFFICE, "2026-11", now=NOW)
    columns = (Column("名称", "text"), Column("Day", "date"), Column("Count", "int"),
               Column("金额", "money"), Column("Rate", "percent"), Column("At", "datetime"),
               Column("Note", "text"))
    rows = rows if rows is not None else (
        ("物业服务费", dt.date(2026, 11, 2), 2, 123400, 1.0, dt.datetime(2026, 11, 2, 9, 30),
         "=HYPERLINK(\"x\")"),
        ("停车费", dt.date(2026, 11, 3), 1, 50, None, None, "[bold]x[/] \x1b[31mred"),
    )
    return ReportTable("fee-collection", "收费汇总", period, columns, rows, totals)


def test_the_file_is_named_after_the_report_and_period(tmp_path):
    assert file_name(table(), "xlsx") == "fee-collection_2026-11.xlsx"
    path = export_table(table(), "csv", tmp_path)
    assert path == tmp_path / "fee-collection_2026-11.csv"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left


def test_csv_is_utf8_with_bom_and_plain_values(tmp_path):
    path = export_table(table(), "csv", tmp_path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["名称", "Day", "Count", "金额", "Rate", "At", "Note"]
    assert rows[1] == ["物业服务费", "2026-11-02", "2", "1234.00", "100.00%",
                       "2026-11-02 09:30", "'=HYPERLINK(\"x\")"]
    assert rows[2] == ["停车费", "2026-11-03", "1", "0.50", "", "", "[bold]x[/] \\x1b[31mred"]
    assert rows[3] == ["合计", "", "3", "1234.50", "98.50%", "", ""]
    assert len(rows) == 4


def test_xlsx_has_real_numbers_dates_and_formats(tmp_path):
    path = export_table(table(), "xlsx", tmp_path)
    assert path.name == "fee-collection_2026-11.xlsx"
    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header == ["名称", "Day", "Count", "金额", "Rate", "At", "Note"]
    assert all(cell.font.bold for cell in sheet[1])
    name, day, count, money, rate, at, note = sheet[2]
    assert name.value == "物业服务费" and not name.font.bold
    assert day.value == dt.datetime(2026, 11, 2) and day.is_date
    assert day.number_format == "yyyy-mm-dd"
    assert count.value == 2 and isinstance(count.value, int)
    assert money.value == pytest.approx(1234.0) and money.number_format == "0.00"
    assert rate.value == 1.0 and rate.number_format == "0.00%"
    assert at.value == dt.datetime(2026, 11, 2, 9, 30)
    assert note.value == "=HYPERLINK(\"x\")" and note.data_type == "s"  # text, not a formula
    assert sheet["G3"].value == "[bold]x[/] \\x1b[31mred"
    assert sheet["D3"].value == pytest.approx(0.5)
    assert sheet["E3"].value is None
    totals = sheet[4]
    assert [c.value for c in totals][:5] == ["合计", None, 3, pytest.approx(1234.5), 0.985]
    assert all(cell.font.bold for cell in totals)
    assert sheet.max_row == 4
    # CJK counts double: "物业服务费" is 10 columns wide
    assert sheet.column_dimensions["A"].width >= 12
    assert sheet.column_dimensions["C"].width < sheet.column_dimensions["A"].width


def test_a_label_in_a_date_column_is_text(tmp_path):
    labelled = table(totals=("合计", "Total", None, 5, None, "—", None))
    rows = list(csv.reader(export_table(labelled, "csv", tmp_path).read_text(
        "utf-8-sig").splitlines()))
    assert rows[-1] == ["合计", "Total", "", "0.05", "", "—", ""]
    sheet = openpyxl.load_workbook(export_table(labelled, "xlsx", tmp_path)).active
    assert sheet["B4"].value == "Total" and sheet["F4"].value == "—"


def test_a_number_column_has_one_decimal(tmp_path):
    one = ReportTable("complaint-list", "x", table().period, (Column("Hours", "number"),),
                      ((2.25,), (None,)), None)
    rows = export_table(one, "csv", tmp_path).read_text("utf-8-sig").splitlines()
    assert rows == ["Hours", "2.2", "\"\""]  # one empty field, as csv writes it
    sheet = openpyxl.load_workbook(export_table(one, "xlsx", tmp_path)).active
    assert sheet["A2"].value == 2.25 and sheet["A2"].number_format == "0.0"


def test_files_are_private_whatever_the_umask(tmp_path):
    # owners' names and phones: this user only (tests/test_private_files.py has the rest)
    import os

    old = os.umask(0o022)
    try:
        path = export_table(table(), "csv", tmp_path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600


def test_no_totals_row_and_no_rows(tmp_path):
    path = export_table(table(rows=(), totals=None), "xlsx", tmp_path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.max_row == 1
    path = export_table(table(rows=(), totals=None), "csv", tmp_path)
    assert path.read_text("utf-8-sig").splitlines() == ["名称,Day,Count,金额,Rate,At,Note"]


def test_an_explicit_path_is_written_and_replaced(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old")
    assert export_table(table(), "csv", path=out) == out
    assert out.read_text("utf-8-sig").startswith("名称,")
    assert export_table(table(), "xlsx", path=tmp_path) == tmp_path / file_name(table(),
                                                                                "xlsx")


def test_bad_formats_and_folders_are_refused(tmp_path):
    with pytest.raises(DutyError) as refused:
        export_table(table(), "pdf", tmp_path)
    assert refused.value.field == "format"
    with pytest.raises(DutyError) as refused:
        export_table(table(), "csv", path=tmp_path / "missing" / "x.csv")
    assert refused.value.field == "export"
    assert not (tmp_path / "missing").exists()


def test_text_width_counts_cjk_twice():
    assert text_width("abc") == 3
    assert text_width("物业费") == 6
    assert text_width("３-2") == 4



@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=30))
def test_any_free_text_survives_both_formats(tmp_path, text):
    """Text comes back as written: control characters as \\xNN, a formula-like start
    behind an apostrophe in the CSV and as a plain string in the XLSX."""
    one = ReportTable("x", "x", table().period, (Column("Note", "text"),), ((text,),), None)
    expected = visible(text)
    with export_table(one, "csv", tmp_path).open(encoding="utf-8-sig", newline="") as handle:
        back = list(csv.reader(handle))
    assert back[0] == ["Note"] and len(back) == 2
    formula_like = expected.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert back[1][0] == ("'" + expected if formula_like else expected)
    cell = openpyxl.load_workbook(export_table(one, "xlsx", tmp_path)).active["A2"]
    assert (cell.value or "") == expected.replace("\r\n", "\n").replace("\r", "\n")
    assert cell.data_type != "f"
