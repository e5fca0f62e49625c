"""Owner roster import (业主名册一览表), CSV and XLSX, on SQLite: how long a whole office's
roster takes to check and to land.

    python benchmarks/roster_import.py [--owners 10000] [--runs 3] [--json FILE]

The office is the roster benchmark's demo (``roster_lookup.ensure_roster``, 100 buildings,
8,008 homes). The file names ``--owners`` people on the office's homes (one per home, then
a second person on the first homes: tenants), each with a new mobile number, so an import
adds owners and phones and updates units (the area). Each run copies the database first,
so every run imports into the same starting state. Timed: ``--dry-run`` (read and check
only) and the import itself (read, check, write, one transaction).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import CACHE, median, table, write_json
from roster_lookup import ensure_roster

HEADER = ["楼栋", "单元", "房号", "业主姓名", "联系电话", "面积(㎡)", "身份", "备注"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def roster_rows(db_path: Path, owners: int) -> list[list[str]]:
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import Building, Unit

    open_database(str(db_path))
    try:
        units = list(Unit.select(Unit.code).join(Building).order_by(Unit.id).tuples())
    finally:
        close_database()
    rows = []
    for n in range(owners):
        home = n % len(units)
        (code,) = units[home]
        building, entrance, room = code.split("-")
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 7) % len(GIVEN)] + GIVEN[n % 13]
        kind = "业主" if n < len(units) else "租户"
        rows.append([building, entrance, room, name, f"139{n:08d}",
                     f"{80 + home % 60}.{home % 100:02d}", kind, ""])
    return rows


def write_files(folder: Path, rows: list[list[str]]) -> dict[str, Path]:
    from openpyxl import Workbook

    csv_path = folder / "roster.csv"
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    book = Workbook(write_only=True)
    sheet = book.create_sheet("业主名册")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    xlsx_path = folder / "roster.xlsx"
    book.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


def one_import(base: Path, work: Path, roster: Path, *, dry_run: bool) -> tuple[float, object]:
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import Staff
    from deskterm.duties.desk import desk_office
    from deskterm.duties.residents.roster_import import import_roster

    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, work)
    open_database(str(work))
    try:
        office = desk_office(None)
        clerk = Staff.select().where((Staff.office == office) & (Staff.role == "clerk")).first()
        start = time.perf_counter()
        result = import_roster(office, clerk, roster, dry_run=dry_run)
        return (time.perf_counter() - start), result
    finally:
        close_database()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--owners", type=int, default=10_000, help="rows in the file (default 10,000)")
    p.add_argument("--runs", type=int, default=3, help="repetitions (default 3)")
    p.add_argument("--cache", type=Path, default=CACHE)
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = p.parse_args()

    base = ensure_roster(args.cache, 100)
    results = {}
    with tempfile.TemporaryDirectory(prefix="deskterm-roster-") as tmp:
        folder = Path(tmp)
        files = write_files(folder, roster_rows(base, args.owners))
        work = folder / "office.db"
        for kind, path in files.items():
            for dry_run in (True, False):
                took, result = [], None
                for _ in range(args.runs):
                    seconds, result = one_import(base, work, path, dry_run=dry_run)
                    took.append(seconds)
                name = f"{kind} {'check only (--dry-run)' if dry_run else 'import'}"
                results[name] = {"median_s": median(took), "max_s": max(took),
                                 "rows": result.rows, "owners_added": result.owners_added,
                                 "phones_added": result.phones_added,
                                 "units_updated": result.units_updated,
                                 "bytes": path.stat().st_size}
    print(f"\nRoster import of {args.owners:,} rows into the 100-building demo office "
          f"(SQLite), median of {args.runs} runs, s", file=sys.stdout)
    print(table(("file", "rows", "owners added", "phones added", "units updated", "median",
                 "max"),
                [(name, r["rows"], r["owners_added"], r["phones_added"], r["units_updated"],
                  r["median_s"], r["max_s"]) for name, r in results.items()]))
    write_json(args.json, {"owners": args.owners, "runs": args.runs, "results": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
