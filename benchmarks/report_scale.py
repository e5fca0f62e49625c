"""The monthly fee summary and its export at 1,000,000 payments (SQLite): the fee summary
(``fee_summary.fee_summary``) and the fee-collection report (``reports.report_table``) of
a month with about 42,000 payments, and that report written to XLSX and CSV
(``export.export_table``); as a stress figure, every payment line of that month (about
63,000 rows) written to XLSX and CSV.

    python benchmarks/report_scale.py [--payments 1M] [--runs 7] [--stress-runs 3]
                                      [--rebuild] [--json FILE]

The office is the small demo (2,400 homes) with synthetic payments added until it holds
``--payments``, built once a month into the cache (``report_scale_data.py`` says how and
what is checked). The month timed is the one before the build's, so it is complete.

Each figure is the median of ``--runs`` after a warm-up, each run on its own connection
(``database.connection_context()``), as the report screen's thread worker does; the
exports write into a temporary folder (files removed after each run). "report + XLSX"
is what the clerk waits for from the key to the file: the report built and written.
Targets: the summary under 1 s, the export to XLSX under 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from common import CACHE, label, median, sizes_arg, spread, table, write_json
from report_scale_data import ensure_office, month_sums

SUMMARY_MS = 1000.0
EXPORT_MS = 5000.0
WARMUP = 1


def _time(call, runs: int, *, connection: bool = True) -> tuple[list[float], object]:
    import contextlib

    from deskterm.db.models import database

    context = database.connection_context if connection else contextlib.nullcontext
    result = None
    for _ in range(WARMUP):
        with context():
            result = call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with context():
            call()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def lines_table(office, period):
    """Every payment line of the month, one row each, as a report table of its own:
    taken at, receipt, unit, payer, fee item, period, method, clerk, amount."""
    from deskterm.clock import local
    from deskterm.db.models import database
    from deskterm.duties.cashdesk.receipts import receipt_number
    from deskterm.duties.reporting.report_table import Column, ReportTable

    rows = []
    for at, prefix, number, unit, payer, item, month, method, clerk, amount in \
            database.obj.execute_sql(
                "SELECT p.taken_at, b.prefix, r.number, u.code, p.payer_name, f.name, "
                "c.period, p.method, s.name, l.amount FROM payment_line l "
                "JOIN payment p ON l.payment_id = p.id JOIN charge c ON l.charge_id = c.id "
                "JOIN fee_item f ON c.fee_item_id = f.id JOIN unit u ON p.unit_id = u.id "
                "JOIN staff s ON p.clerk_id = s.id "
                "LEFT JOIN receipt r ON r.payment_id = p.id "
                "LEFT JOIN receipt_book b ON r.book_id = b.id "
                "WHERE p.office_id = ? AND p.taken_at >= ? AND p.taken_at < ? "
                "ORDER BY p.taken_at, l.id", (office.id, period.start, period.end)):
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        rows.append((local(at, office.timezone).naive, None if number is None else
                     receipt_number(prefix, number), unit, payer, item, month, method, clerk,
                     amount))
    columns = tuple(Column(title, kind) for title, kind in (
        ("收款时间", "datetime"), ("票据号", "text"), ("房号", "text"), ("交款人", "text"),
        ("收费项目", "text"), ("所属月份", "text"), ("方式", "text"), ("收款员", "text"),
        ("金额", "money")))
    total = sum(row[-1] for row in rows)
    return ReportTable("payment-lines", "收款明细", period, columns, tuple(rows),
                       ("合计", None, None, None, None, None, None, None, total))


def measure(path: Path, runs: int, stress_runs: int) -> tuple[dict, dict]:
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import database
    from deskterm.duties.cashdesk.fee_summary import fee_summary
    from deskterm.duties.desk import desk_office
    from deskterm.duties.reporting.report_period import report_period
    from deskterm.duties.reporting.reports import report_table
    from deskterm.export import export_table

    open_database(str(path))
    results: dict[str, dict] = {}
    try:
        office = desk_office(None)
        with database.connection_context():
            from report_scale_data import Demo, _month_before

            period = _month_before(Demo())
            sums = month_sums(office, period)
        month = period.label
        with tempfile.TemporaryDirectory(prefix="deskterm-report-scale-") as folder:
            def exported(tbl, fmt: str) -> int:
                target = export_table(tbl, fmt, path=Path(folder) / f"out.{fmt}")
                size = target.stat().st_size
                os.unlink(target)
                return size

            def add(name, times, rows, target=None, size=None):
                low, high = spread(times)
                results[name] = {"rows": rows, "median_ms": median(times), "min_ms": low,
                                 "max_ms": high, "target_ms": target, "bytes": size}

            took, summary = _time(lambda: fee_summary(office, period), runs)
            add("fee_summary", took, summary.payments, SUMMARY_MS)
            took, report = _time(lambda: report_table(office, "fee-collection", month), runs)
            add("report_table fee-collection", took, len(report.rows), SUMMARY_MS)
            for fmt in ("xlsx", "csv"):
                took, size = _time(lambda fmt=fmt: exported(report, fmt), runs,
                                   connection=False)
                add(f"export {fmt} (report built)", took, len(report.rows), None, size)
            took, size = _time(lambda: exported(report_table(office, "fee-collection", month),
                                                "xlsx"), runs)
            add("report + XLSX", took, len(report.rows), EXPORT_MS, size)
            if stress_runs:
                took, lines = _time(lambda: lines_table(office, report_period(office, month)),
                                    stress_runs)
                add("stress: payment lines table", took, len(lines.rows))
                for fmt in ("xlsx", "csv"):
                    took, size = _time(lambda fmt=fmt: exported(lines, fmt), stress_runs,
                                       connection=False)
                    add(f"stress: export {fmt}", took, len(lines.rows), None, size)
    finally:
        close_database()
    return results, {"month": month, **sums}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--payments", type=sizes_arg, default=[1_000_000],
                   help="payments in the office (default 1M)")
    p.add_argument("--runs", type=int, default=7, help="repetitions (default 7)")
    p.add_argument("--stress-runs", type=int, default=3,
                   help="repetitions of the stress export (default 3; 0 leaves it out)")
    p.add_argument("--rebuild", action="store_true", help="build the office again")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--cache", type=Path, default=CACHE,
                   help=f"where the databases are kept (default {CACHE})")
    args = p.parse_args()
    payload, verdicts = {}, []
    for payments in args.payments:
        path, built = ensure_office(args.cache, payments, rebuild=args.rebuild)
        figures, month = measure(path, args.runs, args.stress_runs)
        size = label(payments)
        payload[size] = {"database": str(path), "build": built, "month": month,
                         "figures": figures}
        print(f"\nFee summary and export at {built['payments']:,} payments ({size}; "
              f"{path.stat().st_size / 2**20:,.0f} MB, built {built['built']} in "
              f"{built['seconds']:.0f} s), month {month['month']}: {month['payments']:,} "
              f"payments, {month['reversals']} reversals, {month['lines']:,} lines; "
              f"own connection per run, median of {args.runs} ({args.stress_runs} for the "
              f"stress), ms")
        rows = []
        for name, r in figures.items():
            target = r["target_ms"]
            verdict = "" if target is None else "met" if r["median_ms"] < target else "MISSED"
            rows.append((name, r["rows"], r["median_ms"], r["min_ms"], r["max_ms"],
                         "" if r["bytes"] is None else f"{r['bytes'] / 1024:,.0f} KB",
                         "" if target is None else f"< {target:.0f}", verdict))
            if target is not None:
                verdicts.append({"what": f"{name} at {size} payments (ms)",
                                 "figure": r["median_ms"], "target": f"< {target:.0f}",
                                 "met": r["median_ms"] < target})
        print(table(("what", "rows", "median", "min", "max", "file", "target", ""), rows))
    write_json(args.json, {"runs": args.runs, "stress_runs": args.stress_runs,
                           "sizes": payload, "verdicts": verdicts})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
