"""Reading an owner roster file (业主名册一览表) into rows: CSV or XLSX, headers in Chinese
or English.

- CSV: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), else
  GB18030 (a superset of GBK, what Excel on a Chinese Windows writes); the delimiter is
  a comma, a tab or a semicolon, whichever the header line has most of.
- XLSX: the first sheet, read-only, cached values (``data_only``) rather than formulas.
- The header row is the one among the first ``HEADER_SEARCH_ROWS`` that names most known
  columns (a title row like "翠湖管理处业主名册一览表" above it is skipped). Headers are
  matched after NFKC, lower-casing, and dropping spaces, bracketed units ("面积(㎡)") and
  trailing digits ("电话2"); unknown columns are ignored. Several phone columns may be
  given (手机, 固话, 电话2...).
- Row numbers are those Excel shows: the first line of the file is row 1.

Nothing here touches the database. A file that cannot be read, or lacks a required
column, raises ``RosterRefused`` with its problems; each data row comes back as its
cells' text, checked later by ``roster_import.check_roster``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from deskterm.errors import DutyError
from deskterm.i18n import N_, _

#: Column keys and the headers each is known by (compared after ``header_key``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "district": ("辖区", "片区", "管区", "小区分区", "district", "zone"),
    "building": ("楼栋", "楼号", "楼栋号", "栋号", "栋", "幢", "幢号", "楼宇", "building",
                 "bldg", "block"),
    "entrance": ("单元", "单元号", "entrance", "stair"),
    "room": ("房号", "房间号", "室号", "门牌号", "户号", "房屋编号", "room", "roomno", "unit",
             "unitno", "flat"),
    "name": ("业主姓名", "姓名", "业主", "户主", "业主名称", "住户姓名", "客户姓名", "name",
             "ownername", "owner"),
    "phone": ("电话", "联系电话", "手机", "手机号", "手机号码", "电话号码", "联系方式", "固话",
              "固定电话", "座机", "宅电", "phone", "phones", "tel", "telephone", "mobile"),
    "area": ("面积", "建筑面积", "房屋面积", "套内面积", "area", "floorarea"),
    "kind": ("身份", "住户身份", "住户类型", "业主/租户", "kind", "owner/tenant"),
    "note": ("备注", "说明", "note", "notes", "remark", "remarks", "comment", "comments"),
}
#: What a header row must name; building and entrance may be left out when the room
#: column holds whole unit codes (3-2-501).
REQUIRED = ("room", "name")
#: The column names shown when one is missing (the office's words first).
COLUMN_WORDS: dict[str, str] = {
    "district": N_("辖区 (district)"),
    "building": N_("楼栋 (building)"), "entrance": N_("单元 (entrance)"),
    "room": N_("房号 (room)"), "name": N_("业主姓名 (name)"), "phone": N_("电话 (phone)"),
    "area": N_("面积 (area)"), "kind": N_("身份 (owner/tenant)"), "note": N_("备注 (note)"),
}
#: Headers of columns an office's roster keeps for itself (a row number): read past.
IGNORED = ("序号", "序", "编号", "no", "number", "#")
HEADER_SEARCH_ROWS = 10
#: More data rows than this is not an office's roster.
MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: the row as Excel numbers it (None: the whole file),
    the column's header as the file writes it (and its letter), and what is wrong."""

    row: int | None
    column: str
    message: str
    letter: str = ""

    def __str__(self) -> str:
        where = self.column + (f" ({self.letter})" if self.letter else "")
        if self.row is None:
            text = f"{where}: {self.message}" if where else self.message
        elif where:
            text = _("Row {row}, {column}: {message}").format(
                row=self.row, column=where, message=self.message)
        else:
            text = _("Row {row}: {message}").format(row=self.row, message=self.message)
        return printable(text)


def printable(text: str) -> str:
    """``text`` with control and format characters (escape sequences, bidi overrides) as
    spaces: a problem quotes the file's own cells, and is printed to a terminal."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


class RosterRefused(DutyError):
    """The roster cannot be imported; ``problems`` says where and why (nothing stored)."""

    def __init__(self, problems: list[Problem]) -> None:
        first = str(problems[0]) if problems else _("The roster cannot be imported.")
        message = first if len(problems) <= 1 else _(
            "{count} problems in the roster; nothing was imported. First: {first}").format(
                count=len(problems), first=first)
        super().__init__(message, "path")
        self.problems = list(problems)


@dataclass(frozen=True)
class Column:
    key: str  # district, building, entrance, room, name, phone (phone2…), area, kind, note
    header: str  # as the file writes it
    index: int  # 0-based

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class RosterFile:
    path: str
    header_row: int
    columns: dict[str, Column]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def column(self, key: str) -> Column | None:
        return self.columns.get(key)

    def phone_keys(self) -> list[str]:
        return [key for key in self.columns if key.startswith("phone")]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- headers ------------------------------------------------------------------------------

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_HEADER_NOISE = re.compile(r"[\s*:：_.\-#№]+")


def header_key(text: str) -> str:
    """A header as compared: ``联系电话 2``, ``面积（㎡）``, ``Room No.`` → ``联系电话``, ``面积``,
    ``roomno``."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _BRACKETED.sub("", text)
    text = _HEADER_NOISE.sub("", text)
    return text.rstrip("0123456789")


_KNOWN = {header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases}


def _columns_of(cells: list[str]) -> dict[str, Column]:
    columns: dict[str, Column] = {}
    phones = 0
    for index, text in enumerate(cells):
        key = _KNOWN.get(header_key(text))
        if key is None:
            continue
        if key == "phone":
            phones += 1
            key = "phone" if phones == 1 else f"phone{phones}"
        if key not in columns:
            columns[key] = Column(key, printable(text).strip(), index)
    return columns


def _unknown_columns(cells: list[str]) -> list[Column]:
    """The header's cells that name no roster column: an import would drop what they hold
    without a word, so the file is refused until they are renamed or removed."""
    ignored = {header_key(word) for word in IGNORED}
    return [Column("", printable(text).strip(), index) for index, text in enumerate(cells)
            if text.strip() and header_key(text) not in _KNOWN
            and header_key(text) not in ignored]


def _header_row(rows: list[list[str]]) -> int | None:
    """The index of the row among the first few that names most known columns."""
    best, best_count = None, 0
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = len(_columns_of(cells))
        if count > best_count:
            best, best_count = index, count
    return best


# --- cells ----------------------------------------------------------------------------------

def cell_text(value: object) -> str:
    """A spreadsheet value as the text a clerk sees in it: ``13812345678.0`` → ``13812345678``,
    ``89.56`` stays ``89.56``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.10f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# --- CSV ------------------------------------------------------------------------------------

def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise RosterRefused([Problem(None, "", _(
            "The file is neither UTF-8 nor GBK text: save it from Excel as "
            "\"CSV UTF-8\" or as .xlsx."))]) from exc


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    sample = "\n".join(lines)
    counts = {d: sample.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> list[list[str]]:
    text = decode_csv(data).replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for cells in reader:
            rows.append(cells)
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise RosterRefused([Problem(reader.line_num or None, "", _(
            "This line cannot be read as CSV: {error}").format(error=exc))]) from exc
    return rows


# --- XLSX -----------------------------------------------------------------------------------

def _xlsx_rows(path: Path) -> list[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise RosterRefused([Problem(None, "", _(
            "This is not an .xlsx workbook Excel can open: {error}").format(error=exc))]) \
            from exc
    try:
        if not book.worksheets:
            raise RosterRefused([Problem(None, "", _("The workbook has no sheet."))])
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong A1 dimension
        rows = []
        for values in sheet.iter_rows(min_row=1, values_only=True):
            rows.append([cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
        return rows
    except RosterRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet: say so, never a traceback
        raise RosterRefused([Problem(None, "", _(
            "The workbook cannot be read: {error}").format(error=exc))]) from exc
    finally:
        book.close()


# --- the file -------------------------------------------------------------------------------

def _file_rows(path: Path) -> list[list[str]]:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError(str(path))
    except OSError as exc:
        raise RosterRefused([Problem(None, "", _("There is no file {path}.").format(
            path=path))]) from exc
    if size > MAX_BYTES:
        raise RosterRefused([Problem(None, "", _("The file is too large for a roster."))])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if suffix == ".xls":
        raise RosterRefused([Problem(None, "", _(
            "Old .xls workbooks cannot be read: in Excel, save it as .xlsx or CSV."))])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterRefused([Problem(None, "", _("The file cannot be read: {error}").format(
            error=exc.strerror or exc))]) from exc
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path)  # a workbook without its .xlsx name
    return _csv_rows(data)


def read_roster(path: str | Path) -> RosterFile:
    """The roster's header and data rows (blank rows skipped), or ``RosterRefused``."""
    path = Path(path).expanduser()
    rows = _file_rows(path)
    header = _header_row(rows)
    if header is None:
        words = "、".join(_(COLUMN_WORDS[k]) for k in ("building", "entrance", "room", "name",
                                                       "phone"))
        raise RosterRefused([Problem(None, "", _(
            "No header row: one of the first rows must name the columns, like {words}.")
            .format(words=words))])
    columns = _columns_of(rows[header])
    missing = [k for k in REQUIRED if k not in columns]
    if missing:
        raise RosterRefused([Problem(header + 1, "", _("There is no column for {column}.")
                                     .format(column=_(COLUMN_WORDS[k]))) for k in missing])
    unknown = _unknown_columns(rows[header])
    if unknown:
        words = "、".join(_(COLUMN_WORDS[k]).split(" ")[0] for k in COLUMN_WORDS)
        raise RosterRefused([Problem(header + 1, col.header, _(
            "Not a roster column (the columns are {words}): rename it, or delete the column.")
            .format(words=words), col.letter) for col in unknown])
    roster = RosterFile(str(path), header + 1, columns)
    for index in range(header + 1, len(rows)):
        cells = rows[index]
        if not any(c.strip() for c in cells):
            continue
        values = {key: (cells[col.index] if col.index < len(cells) else "")
                  for key, col in columns.items()}
        roster.rows.append((index + 1, values))
    if len(roster.rows) > MAX_ROWS:
        raise RosterRefused([Problem(None, "", _(
            "More than {n} rows: this is not one office's roster.").format(n=f"{MAX_ROWS:,}"))])
    if not roster.rows:
        raise RosterRefused([Problem(header + 1, "", _(
            "There are no owners under the header row."))])
    return roster
