"""The month's charges for every unit (``fees.generate_monthly_charges``), as the charge
generation screen runs them, on the demo office of N orders (SQLite, 2,400 units).

    python benchmarks/charge_generation.py [--sizes 1M] [--runs 3] [--json FILE]

Each run works on a fresh copy of the demo database (generation writes): the preview of
next month, next month generated (some 2,900 property-fee and parking charges with their
change-log rows, one transaction), then the same month again (nothing new). Target: the
generation under 1 s, so the clerk waits on nothing.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from common import ensure_demo, label, median, parser, table, write_json

TARGET_MS = 1000.0


def one_run(path: Path) -> dict:
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import Staff, database
    from deskterm.duties.cashdesk.fees import generate_monthly_charges, preview_monthly_charges
    from deskterm.duties.desk import desk_office
    from deskterm.duties.months import shift_month, this_month

    with tempfile.TemporaryDirectory(prefix="deskterm-charges-") as folder:
        copy = Path(folder) / "demo.db"
        shutil.copyfile(path, copy)
        open_database(str(copy))
        try:
            office = desk_office(None)
            clerk = Staff.select().where((Staff.office == office)
                                         & (Staff.role == "clerk")).first()
            period = shift_month(this_month(office), 1)
            figures = {}
            for name, call in (
                    ("preview", lambda: preview_monthly_charges(office, period)),
                    ("generate", lambda: generate_monthly_charges(office, clerk, period)),
                    ("again", lambda: generate_monthly_charges(office, clerk, period))):
                start = time.perf_counter()
                with database.connection_context():
                    result = call()
                figures[name] = ((time.perf_counter() - start) * 1000, result.created)
        finally:
            close_database()
    return figures


def main() -> int:
    p = parser(__doc__.splitlines()[0], sizes=(1_000_000,), runs=3)
    args = p.parse_args()
    verdicts, payload = [], {}
    for size in args.sizes:
        path, _took = ensure_demo(size, args.cache)
        runs = [one_run(path) for _ in range(args.runs)]
        rows = []
        for name in ("preview", "generate", "again"):
            took = [r[name][0] for r in runs]
            rows.append((name, runs[0][name][1], median(took), max(took)))
        payload[label(size)] = {name: {"charges": c, "median_ms": m, "max_ms": x}
                                for name, c, m, x in rows}
        print(f"\nMonthly charges on the {label(size)} demo, fresh copy per run, "
              f"median of {args.runs} runs, ms")
        print(table(("step", "charges", "median", "max"), rows))
        figure = payload[label(size)]["generate"]["median_ms"]
        met = figure < TARGET_MS
        print(f"generation {figure:.0f} ms; target < {TARGET_MS:.0f} ms: "
              f"{'met' if met else 'MISSED'}")
        verdicts.append({"what": f"monthly charge generation at {label(size)} (ms)",
                         "figure": figure, "target": f"< {TARGET_MS:.0f}", "met": met})
    write_json(args.json, {"runs": args.runs, "sizes": payload, "verdicts": verdicts})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
