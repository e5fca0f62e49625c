"""The office of ``report_scale.py``: the small demo office (``deskterm demo --orders 1000``,
2,400 homes) with payments added until it holds ``--payments`` (1,000,000), over its two
years, built once into ``CACHE/payments-<N>-v<VERSION>-<YYYY-MM>.db`` and reused for the
rest of that month (office-local): the benchmark times the month before, which is then
complete. A new month, or a new ``VERSION`` of this file, builds it again (the older
files are removed). The build takes about 40 s on this 2-core machine (see
``docs/PERFORMANCE.md``); ``--rebuild`` forces it.

The added payments are what ``payments.take_payment`` writes, in bulk (``demo.common.Bulk``,
executemany, one transaction a month): each a visit to the counter between 08:35 and
16:05 on a day of the history (weekends at half the weekday's rate), by a clerk or the
supervisor on the desk that day (their cash drawer of that day), of one to three metered
water or electricity bills (``Charge`` rows made minutes before, settled in full, so the
arrears stay the demo's), with its ``PaymentLine`` rows, a ``Receipt`` from closed books
of their own prefix (``X`` + the clerk's), and for cash (a fifth) the drawer's
``CashEntry``; each day's extra cash has its own ``BankDeposit`` and deposit entry, and
the session's count grows by it, so every drawer still balances and nothing waits for
the bank. One in 500 receipts is voided: a reversal with negative lines and a
``ReceiptVoid``, then paid again on a new receipt. One change-log row per table (action
``seed``) like the demo's.

``check()`` reads the built office back through the duties (see its docstring).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from common import ensure_demo, label

VERSION = 2  # 2: charge.paid stored (migration 0009), checked against the lines
BASE_ORDERS = 1_000
BOOK_SIZE = 1_000
VOID_EVERY = 500  # about one receipt in this many is voided
METHODS = (("cash", 0.20), ("card", 0.14), ("transfer", 0.08), ("wechat", 0.35),
           ("alipay", 0.23))
LINES = ((1, 0.6), (2, 0.3), (3, 0.1))  # bills settled per visit
METERED = {"water": (410, 3, 40), "electricity": (57, 50, 800)}  # fen/unit, usage range


def cache_path(cache: Path, payments: int, month: str) -> Path:
    return cache / f"payments-{label(payments)}-v{VERSION}-{month}.db"


def _choose(rng: random.Random, table) -> object:
    roll, total = rng.random(), 0.0
    for value, share in table:
        total += share
        if roll < total:
            return value
    return table[-1][0]


def _minutes(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=round(value * 60))


class Demo:
    """What the added rows need to know of the demo office, read once."""

    def __init__(self) -> None:
        from deskterm.clock import day_bounds_utc, local, today_local
        from deskterm.db.models import CashSession, FeeItem, Owner, Payment, Staff, Unit
        from deskterm.duties.cashdesk.cash_bank import as_date
        from deskterm.duties.cashdesk.receipts import BOOK_HOLDERS
        from deskterm.duties.desk import desk_office

        self.office = desk_office(None)
        self.id = self.office.id
        self.tz = self.office.timezone
        self.today = today_local(self.tz)
        self.units = [u for (u,) in Unit.select(Unit.id).where(Unit.office == self.id)
                      .order_by(Unit.id).tuples()]
        self.payer = {}
        for unit, name in (Owner.select(Owner.unit, Owner.name)
                           .where((Owner.office == self.id) & (Owner.kind == "owner"))
                           .order_by(Owner.id.desc()).tuples()):
            self.payer[unit] = name  # the first owner of each home wins
        staff = list(Staff.select(Staff.id, Staff.role).where(
            (Staff.office == self.id) & Staff.role.in_(BOOK_HOLDERS) & Staff.active)
            .order_by(Staff.id).tuples())
        self.holders = [s for s, _role in staff]
        self.supervisor = next(s for s, role in staff if role == "supervisor")
        self.items = {kind: i for i, kind in FeeItem.select(FeeItem.id, FeeItem.kind).where(
            (FeeItem.office == self.id) & FeeItem.kind.in_(list(METERED))).tuples()}
        self.sessions: dict[tuple[int, dt.date], int] = {}
        self.on_desk: dict[dt.date, list[int]] = defaultdict(list)
        for sid, clerk, day in CashSession.select(CashSession.id, CashSession.clerk,
                                                  CashSession.day).where(
                CashSession.office == self.id).tuples():
            day = as_date(day)
            if day < self.today:
                self.sessions[clerk, day] = sid
                self.on_desk[day].append(clerk)
        first = Payment.select(Payment.taken_at).where(Payment.office == self.id) \
            .order_by(Payment.taken_at).first().taken_at
        self.first_day = local(first, self.tz).date()
        self.existing = Payment.select().where(Payment.office == self.id).count()
        self.start = lambda day: day_bounds_utc(day, self.tz)[0]


def _day_counts(office: Demo, total: int, rng: random.Random) -> list[tuple[dt.date, int]]:
    """``total`` visits' slots over the days before today, weekends at half weight."""
    days = [office.first_day + dt.timedelta(days=n)
            for n in range((office.today - office.first_day).days)]
    weights = [0.5 if day.weekday() >= 5 else 1.0 for day in days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for n in rng.sample(range(len(days)), total - sum(counts)):
        counts[n] += 1
    return list(zip(days, counts, strict=True))


class Writer:
    """Makes one day's rows at a time; ``flush`` writes what was made."""

    def __init__(self, office: Demo, bulk, rng: random.Random) -> None:
        self.o, self.bulk, self.rng = office, bulk, rng
        self.rows: dict[str, list] = defaultdict(list)
        self.number: dict[int, int] = {}  # clerk -> the last receipt number used
        self.book: dict[int, list] = {}  # clerk -> [book id, first, last, last issued at]
        self.closed: list[tuple] = []  # (closed_at, next_number, book id)
        self.counted: dict[int, int] = defaultdict(int)  # session -> extra cash
        self.slips = 0
        self.made = defaultdict(int)

    def _id(self, model) -> int:
        return self.bulk.next_id(model)

    def _receipt(self, payment: int, clerk: int, at: dt.datetime, total: int) -> int:
        from deskterm.db.models import Receipt, ReceiptBook

        number = self.number.get(clerk, 0) + 1
        self.number[clerk] = number
        book = self.book.get(clerk)
        if book is None or number > book[2]:
            if book is not None:
                self.closed.append((book[3], book[2] + 1, book[0]))
            prefix = "X" + "ABCDEFGH"[self.o.holders.index(clerk)]
            book = [self._id(ReceiptBook), number, number + BOOK_SIZE - 1, at]
            self.book[clerk] = book
            self.rows["receipt_book"].append((book[0], self.o.id, clerk, prefix, number,
                                              book[2], book[2] + 1,
                                              at - _minutes(self.rng.uniform(10, 60)),
                                              self.o.supervisor, None))
        book[3] = at
        receipt = self._id(Receipt)
        self.rows["receipt"].append((receipt, self.o.id, book[0], number, payment, at, clerk,
                                     total))
        return receipt

    def day(self, day: dt.date, slots: int) -> None:
        from deskterm.db.models import BankDeposit, CashEntry, Charge, Payment
        from deskterm.demo.money import BANK, VOID_REASONS

        o, rng = self.o, self.rng
        start = o.start(day)
        clerks = o.on_desk.get(day) or o.holders
        visits = []
        while slots > 0:
            voided = slots >= 3 and rng.randrange(VOID_EVERY) == 0
            slots -= 3 if voided else 1
            at = start + _minutes(rng.uniform(8 * 60 + 35, 16 * 60 + 5))
            clerk = rng.choice(clerks)
            method = _choose(rng, METHODS)
            if method == "cash" and (clerk, day) not in o.sessions:
                method = "wechat"
            visits.append((at, rng.choice(o.units), clerk, method, voided))
        visits.sort()
        events = []
        for seq, (at, unit, clerk, method, voided) in enumerate(visits):
            bills = []
            for _ in range(_choose(rng, LINES)):
                kind = rng.choice(tuple(METERED))
                rate, low, high = METERED[kind]
                charge = self._id(Charge)
                made = at - _minutes(rng.uniform(5, 60))
                self.rows["charge"].append((charge, o.id, unit, o.items[kind],
                                            f"{day:%Y-%m}", rate * rng.randint(low, high),
                                            None, made))
                bills.append((charge, self.rows["charge"][-1][5]))
            visit = {"unit": unit, "clerk": clerk, "method": method, "bills": bills}
            events.append((at, seq, 0, visit))
            if voided:
                undo = at + _minutes(rng.uniform(3, 15))
                events.append((undo, seq, 1, visit))
                events.append((undo + _minutes(rng.uniform(1, 3)), seq, 2, visit))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        for at, _seq, step, visit in events:
            clerk, method, unit = visit["clerk"], visit["method"], visit["unit"]
            total = sum(amount for _c, amount in visit["bills"])
            session = o.sessions.get((clerk, day)) if method == "cash" else None
            payment = self._id(Payment)
            name = o.payer.get(unit, "")
            if step == 1:  # the void: a reversal of the whole payment
                reason = rng.choice(VOID_REASONS)
                self.rows["payment"].append((payment, o.id, unit, name, method, -total, None,
                                             None, at, clerk, session, visit["payment"],
                                             reason))
                self.rows["payment_line"].extend((payment, c, -a) for c, a in visit["bills"])
                self.rows["receipt_void"].append((o.id, visit["receipt"], payment, reason, at,
                                                  clerk, o.supervisor))
                if session:
                    self.rows["cash_entry"].append((self._id(CashEntry), o.id, session, at,
                                                    "reversal", -total, payment, None,
                                                    visit["entry"], clerk))
                    self.counted[session] -= total
                continue
            tendered = change = None
            if method == "cash":
                tendered = total if rng.random() < 0.5 else (total // 10000 + 1) * 10000
                change = tendered - total
            self.rows["payment"].append((payment, o.id, unit, name, method, total, tendered,
                                         change, at, clerk, session, None, ""))
            self.rows["payment_line"].extend((payment, c, a) for c, a in visit["bills"])
            receipt = self._receipt(payment, clerk, at, total)
            if step == 0:
                visit["payment"], visit["receipt"] = payment, receipt
            if session:
                entry = self._id(CashEntry)
                self.rows["cash_entry"].append((entry, o.id, session, at, "payment", total,
                                                payment, None, None, clerk))
                visit["entry"] = entry
                self.counted[session] += total
        for clerk in clerks:  # the day's extra cash goes to the bank with the rest
            session = o.sessions.get((clerk, day))
            extra = self.counted.get(session, 0) if session else 0
            if extra <= 0:
                continue
            self.slips += 1
            deposit = self._id(BankDeposit)
            at = start + _minutes(rng.uniform(16 * 60 + 42, 16 * 60 + 58))
            self.rows["bank_deposit"].append((deposit, o.id, at, extra,
                                              f"X{day:%Y%m%d}{self.slips:06d}", BANK, clerk))
            self.rows["cash_entry"].append((self._id(CashEntry), o.id, session, at, "deposit",
                                            -extra, None, deposit, None, clerk))

    FIELDS = {
        "charge": ("id", "office", "unit", "fee_item", "period", "amount", "key",
                   "created_at"),
        "receipt_book": ("id", "office", "clerk", "prefix", "first_number", "last_number",
                         "next_number", "issued_at", "issued_by", "closed_at"),
        "payment": ("id", "office", "unit", "payer_name", "method", "amount", "tendered",
                    "change_given", "taken_at", "clerk", "cash_session", "reverses",
                    "reason"),
        "payment_line": ("payment", "charge", "amount"),
        "receipt": ("id", "office", "book", "number", "payment", "issued_at", "clerk",
                    "total"),
        "receipt_void": ("office", "receipt", "reversal", "reason", "voided_at",
                         "voided_by", "approved_by"),
        "bank_deposit": ("id", "office", "at", "amount", "slip_number", "bank",
                         "deposited_by"),
        "cash_entry": ("id", "office", "session", "at", "kind", "amount", "payment",
                       "deposit", "reverses", "clerk"),
    }

    def flush(self) -> None:
        """Write what was made, parents first; the caller holds the transaction."""
        from deskterm.db import models

        by_table = {m._meta.table_name: m for m in vars(models).values()
                    if isinstance(m, type) and issubclass(m, models.BaseModel)}
        for table, fields in self.FIELDS.items():
            rows = self.rows.pop(table, [])
            if rows:
                self.made[table] += self.bulk.insert(by_table[table], fields, rows)

    def finish(self) -> None:
        """Close every book (the last of each clerk after its last receipt) and add each
        session's extra cash to its count."""
        from deskterm.db.models import database

        for book_id, _first, _last, last_at in self.book.values():
            self.closed.append((last_at, None, book_id))
        db = database.obj
        for closed_at, after, book_id in self.closed:
            if after is None:
                db.execute_sql("UPDATE receipt_book SET closed_at = ?, next_number = ? "
                               "WHERE id = ?", (closed_at, self.number_of(book_id), book_id))
            else:
                db.execute_sql("UPDATE receipt_book SET closed_at = ? WHERE id = ?",
                               (closed_at, book_id))
        db.cursor().executemany(
            "UPDATE cash_session SET counted = counted + ? WHERE id = ?",
            [(extra, session) for session, extra in self.counted.items() if extra])

    def number_of(self, book_id: int) -> int:
        clerk = next(c for c, book in self.book.items() if book[0] == book_id)
        return self.number[clerk] + 1


# --- building and checking ----------------------------------------------------------------

def this_month() -> str:
    """The office-local month now (the demo's zone), which names the cache file."""
    from deskterm.clock import today_local
    from deskterm.demo.build import TIMEZONE

    return f"{today_local(TIMEZONE):%Y-%m}"


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (its WAL included), by the backup API."""
    import sqlite3

    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def ensure_office(cache: Path, payments: int, *, rebuild: bool = False,
                  seed: int = 2026) -> tuple[Path, dict]:
    """The office with ``payments`` payments for this month, built when missing or stale;
    its path and what the build recorded (counts, seconds, the checks)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache_path(cache, payments, this_month())
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and not rebuild:
        return path, json.loads(meta.read_text())
    for old in cache.glob(f"payments-{label(payments)}-v*"):
        old.unlink()
    base, _took = ensure_demo(BASE_ORDERS, cache)
    building = path.with_name(path.name + ".building")
    started = time.perf_counter()
    _copy(base, building)
    info = _build(building, payments, seed)
    info["seconds"] = round(time.perf_counter() - started, 1)
    info["checks"] = check(building, info["before"])
    building.replace(path)
    meta.write_text(json.dumps(info, indent=2, default=str) + "\n")
    print(f"  built {path} in {info['seconds']:.0f} s: {info['payments']:,} payments "
          f"({info['made']})", file=sys.stderr)
    return path, info


def _month_before(office: Demo):
    from deskterm.duties.cashdesk.fee_summary import shift_period, summary_period

    return shift_period(office.office, summary_period(office.office, "month",
                                                      office.today), -1)


def _build(path: Path, payments: int, seed: int) -> dict:
    from deskterm.db import changes
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import ChangeLog, database
    from deskterm.demo.common import Bulk
    from deskterm.duties.cashdesk.cash_bank import undeposited
    from deskterm.duties.cashdesk.fee_summary import fee_summary

    db = open_database(str(path))
    try:
        db.execute_sql("PRAGMA cache_size = -262144")
        db.execute_sql("PRAGMA synchronous = OFF")  # a scratch file until it is complete
        office = Demo()
        period = _month_before(office)
        summary = fee_summary(office.office, period)
        before = {"month": period.label, "arrears_total": summary.arrears_total,
                  "arrears_units": summary.arrears_units,
                  "undeposited": undeposited(office.office).total}
        added = payments - office.existing
        if added <= 0:
            raise SystemExit(f"the demo already holds {office.existing:,} payments")
        rng = random.Random(f"deskterm-report-scale/{seed}")
        writer = Writer(office, Bulk(database.obj), rng)
        days = _day_counts(office, added, rng)
        months = defaultdict(list)
        for day, slots in days:
            months[f"{day:%Y-%m}"].append((day, slots))
        for month, its_days in sorted(months.items()):
            with changes.write():
                for day, slots in its_days:
                    writer.day(day, slots)
                    writer.flush()
            print(f"  {month}: {writer.made['payment']:,} payments added", file=sys.stderr)
        with changes.write():
            writer.finish()
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
            writer.bulk.insert(ChangeLog, ("office", "at", "staff", "topic", "row_id",
                                           "action", "detail"),
                               [(office.id, now, None, table, None, "seed",
                                 json.dumps({"rows": n, "by": "benchmarks/report_scale.py"}))
                                for table, n in sorted(writer.made.items())])
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        total = office.existing + writer.made["payment"]
    finally:
        close_database()
    return {"version": VERSION, "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "payments": total, "demo_payments": office.existing, "made": dict(writer.made),
            "before": before}


def month_sums(office, period) -> dict:
    """The month's payments summed by plain SQL, apart from the duties."""
    from deskterm.db.models import database

    where = "p.office_id = ? AND p.taken_at >= ? AND p.taken_at < ?"
    args = (office.id, period.start, period.end)
    db = database.obj
    amount, taken, reversals = db.execute_sql(
        f"SELECT SUM(p.amount), SUM(p.reverses_id IS NULL), SUM(p.reverses_id IS NOT NULL) "
        f"FROM payment p WHERE {where}", args).fetchone()
    lines, line_total = db.execute_sql(
        f"SELECT COUNT(*), SUM(l.amount) FROM payment_line l JOIN payment p "
        f"ON l.payment_id = p.id WHERE {where}", args).fetchone()
    return {"collected": int(amount or 0), "payments": int(taken or 0),
            "reversals": int(reversals or 0), "lines": int(lines), "lines_total":
            int(line_total or 0)}


def check(path: Path, before: dict) -> dict:
    """Read the office back through the duties: the month's ``fee_summary`` against plain
    SQL sums (collected, payments, reversals; by item, method, clerk and day each adding
    up), the fee-collection report's totals, the arrears and the cash waiting for the bank
    unchanged by the build, and no problem in the receipt books (``book_problems``).
    Raises ``SystemExit`` on the first difference."""
    from deskterm.db.connection import close_database, open_database
    from deskterm.db.models import database
    from deskterm.duties.cashdesk.cash_bank import undeposited
    from deskterm.duties.cashdesk.fee_summary import fee_summary
    from deskterm.duties.cashdesk.receipts import book_problems
    from deskterm.duties.reporting.reports import report_table

    open_database(str(path))
    try:
        office = Demo()
        period = _month_before(office)
        summary = fee_summary(office.office, period)
        sums = month_sums(office.office, period)
        table = report_table(office.office, "fee-collection", period.label)
        found = {
            "collected": (summary.collected, sums["collected"]),
            "lines": (sums["lines_total"], sums["collected"]),
            "payments": (summary.payments, sums["payments"]),
            "reversals": (summary.reversals, sums["reversals"]),
            "by item": (sum(b.amount for b in summary.by_item), sums["collected"]),
            "by method": (sum(b.amount for b in summary.by_method), sums["collected"]),
            "by clerk": (sum(b.amount for b in summary.by_clerk), sums["collected"]),
            "by day": (sum(b.amount for b in summary.by_day), sums["collected"]),
            "report total": (table.totals[-1], sums["collected"]),
            "arrears": (summary.arrears_total, before["arrears_total"]),
            "units in arrears": (summary.arrears_units, before["arrears_units"]),
            "undeposited": (undeposited(office.office).total, before["undeposited"]),
            "book problems": (len(book_problems(office.office)), 0),
            # charge.paid, kept by a trigger through the bulk inserts: each charge's lines
            "charges paid as their lines": (database.obj.execute_sql(
                "SELECT COUNT(*) FROM charge c WHERE paid <> COALESCE((SELECT SUM(amount) "
                "FROM payment_line l WHERE l.charge_id = c.id), 0)").fetchone()[0], 0),
        }
    finally:
        close_database()
    wrong = {name: pair for name, pair in found.items() if pair[0] != pair[1]}
    if wrong:
        raise SystemExit(f"{path}: the duties do not read the payments back: {wrong}")
    return {"month": period.label, **sums, "receipts_issued": summary.receipts_issued,
            "ok": sorted(found)}
