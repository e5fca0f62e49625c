"""The fee-collection summary (``fee_summary.fee_summary``) as the F10 summary screen reads
it, and a unit's account (``account.unit_account``), on the demo office of N orders
(SQLite; the 1M demo has two years of charges and payments for 2,400 units).

    python benchmarks/fee_summary.py [--sizes 1M] [--runs 10] [--json FILE]

Each read is timed ``--runs`` times after a warm-up, on its own connection
(``database.connection_context()``), as the screen's thread worker does. Target: the
month's summary under 1 s (median) at 1,000,000 orders.
"""

from __future__ import annotations

import time

from common import ensure_demo, label, median, parser, table, write_json

TARGET_MS = 1000.0
WARMUP = 1


def _time(call, runs: int) -> list[float]:
    from deskterm.db.models import database

    for _ in range(WARMUP):
        with database.connection_context():
            call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with database.connection_context():
            call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure(path, runs: int) -> dict:
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import Unit
    from deskterm.duties.cashdesk.account import unit_account
    from deskterm.duties.cashdesk.fee_summary import fee_summary, shift_period, summary_period
    from deskterm.duties.desk import desk_office

    open_database(str(path))
    try:
        office = desk_office(None)
        results = {}
        for kind in ("month", "week"):
            this = summary_period(office, kind)
            for name, period in ((f"this {kind}", this),
                                 (f"last {kind}", shift_period(office, this, -1))):
                summary = fee_summary(office, period)
                took = _time(lambda period=period: fee_summary(office, period), runs)
                results[name] = {"period": period.label, "payments": summary.payments,
                                 "arrears_units": summary.arrears_units,
                                 "median_ms": median(took), "max_ms": max(took)}
        unit = Unit.select(Unit.id).where(Unit.office == office).order_by(Unit.id).first()
        account = unit_account(office, unit.id)
        took = _time(lambda: unit_account(office, unit.id), runs)
        results["unit account"] = {"period": account.code, "payments": len(account.history),
                                   "arrears_units": "-", "median_ms": median(took),
                                   "max_ms": max(took)}
    finally:
        close_database()
    return results


def main() -> int:
    p = parser(__doc__.splitlines()[0], sizes=(1_000_000,), runs=10)
    args = p.parse_args()
    verdicts, payload = [], {}
    for size in args.sizes:
        path, _took = ensure_demo(size, args.cache)
        figures = measure(path, args.runs)
        payload[label(size)] = figures
        rows = [(name, r["period"], r["payments"], r["arrears_units"], r["median_ms"],
                 r["max_ms"]) for name, r in figures.items()]
        print(f"\nFee summary on the {label(size)} demo, own connection per call, median of "
              f"{args.runs} runs, ms (the account's 'payments' are its history lines)")
        print(table(("read", "period", "payments", "in arrears", "median", "max"), rows))
        figure = figures["this month"]["median_ms"]
        met = figure < TARGET_MS
        print(f"this month's summary {figure:.0f} ms; target < {TARGET_MS:.0f} ms: "
              f"{'met' if met else 'MISSED'}")
        verdicts.append({"what": f"monthly fee summary at {label(size)} (ms)",
                         "figure": figure, "target": f"< {TARGET_MS:.0f}", "met": met})
    write_json(args.json, {"runs": args.runs, "sizes": payload, "verdicts": verdicts})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
