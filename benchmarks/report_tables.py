"""Every report of F9 and ``deskterm report`` (``duties.reports.REPORTS``) built on the
demo office of N orders, as the report screen's thread worker builds it: each report for
last month (or last week when it takes only weeks), on its own connection.

    python benchmarks/report_tables.py [--sizes 1M] [--runs 3] [--json FILE]

No target of its own: the screen reads in a thread and stays responsive; the figures say
how long a clerk waits for each table at the office's real volume (the 1M demo takes
~1,370 orders a day, so its month-end handover lists ~7,900 orders).
"""

from __future__ import annotations

import time

from common import ensure_demo, label, median, parser, table, write_json


def measure(path, runs: int) -> dict:
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import database
    from deskterm.duties.desk import desk_office
    from deskterm.duties.reporting.reports import REPORTS, report_table

    open_database(str(path))
    results = {}
    try:
        office = desk_office(None)
        for name, report in REPORTS.items():
            words = "last-month" if "month" in report.kinds else report.default_period
            took, rows = [], 0
            for _ in range(runs + 1):  # the first is a warm-up
                start = time.perf_counter()
                with database.connection_context():
                    rows = len(report_table(office, name, words).rows)
                took.append((time.perf_counter() - start) * 1000)
            results[name] = {"period": words, "rows": rows, "median_ms": median(took[1:]),
                             "max_ms": max(took[1:])}
    finally:
        close_database()
    return results


def main() -> int:
    p = parser(__doc__.splitlines()[0], sizes=(1_000_000,), runs=3)
    args = p.parse_args()
    payload = {}
    for size in args.sizes:
        path, _took = ensure_demo(size, args.cache)
        figures = measure(path, args.runs)
        payload[label(size)] = figures
        print(f"\nReports on the {label(size)} demo, own connection, median of {args.runs} "
              "runs, ms")
        print(table(("report", "period", "rows", "median", "max"),
                    [(name, r["period"], r["rows"], r["median_ms"], r["max_ms"])
                     for name, r in figures.items()]))
    write_json(args.json, {"runs": args.runs, "sizes": payload})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
