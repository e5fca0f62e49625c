"""A report's table (``deskterm.duties.reporting.reports.ReportTable``) written to a file [5.6][7.4.16].

- CSV: UTF-8 with a BOM (so Excel opens Chinese correctly), a header row, the rows and the
  totals row; money as plain decimal yuan (``1234.50``), dates ISO (``2026-11-05``,
  ``2026-11-05 09:30``), percents as ``98.50%``.
- XLSX (openpyxl): real numbers and dates, money with a ``0.00`` format, percents with a
  ``0.00%`` format, a bold header row frozen at the top, a bold totals row, column widths
  that fit CJK text (a CJK character counts as 2).

Both are named after the report and period (``fee-collection_2026-11.xlsx``) in the given
folder (else the export folder, ``export_dir``), or written to the path given; the file is
written beside its final name and then moved over it, so a reader never sees half of one,
and it is private (``deskterm.private_files``: 0600, 0660 in a group folder): a report
lists owners' names and phone numbers.
Free text is written as text: a cell that starts like a formula (``=``, ``+``, ``-``,
``@``) stays text in both formats, and control characters (an ANSI escape) are written
as ``\\x1b`` rather than refused.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from deskterm.duties.repairs.approval_lists import printout_folder
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import fen_to_decimal
from deskterm.private_files import replacing_private

FORMATS = ("csv", "xlsx")
#: The widest column the XLSX gets, in characters.
MAX_WIDTH = 60
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def file_name(table, fmt: str) -> str:
    """``fee-collection_2026-11.xlsx``."""
    return f"{table.name}_{table.period.slug}.{fmt}"


def text_width(text: str) -> int:
    """How many columns ``text`` takes: a wide (CJK) character counts as 2."""
    if text.isascii():  # most cells (numbers, dates, codes): no character is wide
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def csv_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):  # a label in a number's column: "Total"
        kind = "text"
    if kind == "money":
        return str(fen_to_decimal(value))
    if kind == "percent":
        return f"{value * 100:.2f}%"
    if kind == "datetime":
        return value.isoformat(sep=" ", timespec="minutes")
    if kind == "date":
        return value.isoformat()
    if kind == "int":
        return str(int(value))
    if kind == "number":
        return f"{value:.1f}"
    text = _visible(str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def _all_rows(table) -> list[tuple]:
    return [*table.rows, *([table.totals] if table.totals is not None else [])]


def _write_csv(table, handle) -> None:
    writer = csv.writer(handle)
    writer.writerow([column.title for column in table.columns])
    for row in _all_rows(table):
        writer.writerow([csv_cell(value, column.type)
                         for value, column in zip(row, table.columns, strict=True)])


_NUMBER_FORMATS = {"money": "0.00", "percent": "0.00%", "date": "yyyy-mm-dd",
                   "datetime": "yyyy-mm-dd hh:mm", "int": "0", "number": "0.0"}


def _xlsx_value(value, kind: str):
    if value is None:
        return None
    if isinstance(value, str):
        return _visible(value)
    if kind == "money":
        return fen_to_decimal(value)
    if kind in ("percent", "number"):
        return float(value)
    if kind == "int":
        return int(value)
    if kind in ("date", "datetime"):
        return value
    return _visible(str(value))


def _write_xlsx(table, out) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "_", table.name)[:31] or "report"
    bold = Font(bold=True)
    widths = [text_width(column.title) for column in table.columns]
    sheet.append([column.title for column in table.columns])
    for cell in sheet[1]:
        cell.font = bold
        cell.data_type = "s"
    rows = _all_rows(table)
    for number, row in enumerate(rows, start=2):
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            cell = sheet.cell(row=number, column=index + 1, value=_xlsx_value(value,
                                                                             column.type))
            if column.type == "text" or (value is not None and isinstance(value, str)):
                cell.data_type = "s"  # never a formula, whatever it starts with
            elif value is not None:
                cell.number_format = _NUMBER_FORMATS[column.type]
            shown = "" if value is None else csv_cell(value, column.type)
            widths[index] = max(widths[index], text_width(shown))
        if table.totals is not None and number == len(rows) + 1:
            for cell in sheet[number]:
                cell.font = bold
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    book.save(out)


def export_table(table, fmt: str, folder: str | Path | None = None, *,
                 path: str | Path | None = None) -> Path:
    """Write ``table`` as ``fmt`` (csv or xlsx) to ``path``, else into ``folder`` (else the
    export folder) named by ``file_name``; returns the path written (replacing one there)."""
    if fmt not in FORMATS:
        raise DutyError(_("Choose a format: {choices}.").format(choices=", ".join(FORMATS)),
                        "format")
    if path is None:
        target = printout_folder(folder) / file_name(table, fmt)
    else:
        target = Path(path).expanduser()
        if target.is_dir():
            target = target / file_name(table, fmt)
    try:  # private (0600, 0660 in a group folder), whatever the umask
        with replacing_private(target) as out:
            if fmt == "csv":
                text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
                _write_csv(table, text)
                text.flush()
                text.detach()
            else:
                _write_xlsx(table, out)
    except OSError as exc:
        raise DutyError(_("Cannot write {path}: {error}").format(
            path=target, error=exc.strerror or exc), "export") from None
    return target

