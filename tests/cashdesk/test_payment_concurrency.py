"""Two processes taking payments at the same instant on one database, on SQLite and
PostgreSQL: two clerks each with their own book, and one clerk at two terminals sharing
a book. No duplicate or skipped receipt numbers, no lost payments, totals exact to the fen,
no error shown to anyone.

Each process opens the database itself, waits for a shared start signal (given once both
are connected) and calls ``take_payment`` EACH times as fast as it can, cash and WeChat in
turn, every payment settling a slice of one big due both processes pay into (so the two
also contend for the due's row: what is owed is read under its lock).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from peewee import fn

from deskterm.db.models import CashEntry, ChangeLog, Payment, PaymentLine, Receipt, ReceiptBook
from deskterm.duties.cashdesk.dues import unit_dues
from tests.factories import MORNING, small_office
from tests.payment_factories import book, charge, drawer

EACH = 300
PROCESSES = 2

SCRIPT = r"""
import json, os, sys, time
from deskterm.db.connection import open_database
from deskterm.db.models import Office
from deskterm.duties.cashdesk.payments import take_payment

url, office_id, clerk_id, unit_id, charge_id, count, go, seed = sys.argv[1:]
open_database(url)
office = Office.get_by_id(int(office_id))
open(f"{go}.ready.{os.getpid()}", "w").close()
while not os.path.exists(go):
    time.sleep(0.002)
numbers, totals, errors = [], [], []
began = time.time()
for i in range(int(count)):
    amount = 100 + (i * 37 + int(seed)) % 900
    try:
        result = take_payment(office, int(clerk_id), unit_id=int(unit_id),
                              lines=[(int(charge_id), amount)],
                              method="cash" if i % 2 else "wechat")
        numbers.append(result.receipt_number)
        totals.append(result.total)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
print(json.dumps({"numbers": numbers, "totals": totals, "errors": errors[:5],
                  "error_count": len(errors), "began": began, "ended": time.time()}))
"""


def amounts(seed: int) -> list[int]:
    return [100 + (i * 37 + seed) % 900 for i in range(EACH)]


@pytest.mark.parametrize("shared", [False, True], ids=["two-clerks", "one-clerk-two-desks"])
def test_two_processes_take_payments_at_once(desk_db, frozen_clock, tmp_path, shared):
    frozen_clock(MORNING)
    so = small_office()
    clerks = [so.clerk, so.clerk] if shared else [so.clerk, so.supervisor]
    book(so, clerk=so.clerk, first=1, last=9999, prefix="A")
    drawer(so, clerk=so.clerk)
    if not shared:
        book(so, clerk=so.supervisor, first=1, last=9999, prefix="B")
        drawer(so, clerk=so.supervisor)
    seeds = list(range(PROCESSES))
    expected = sum(sum(amounts(seed)) for seed in seeds)
    due = charge(so, expected)
    go = tmp_path / "go"
    env = dict(os.environ, DESKTERM_NOW=MORNING, DESKTERM_LANG="en",
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    procs = [subprocess.Popen(
        [sys.executable, "-c", SCRIPT, desk_db.deskterm_url, str(so.office.id),
         str(clerk.id), str(so.unit.id), str(due.id), str(EACH), str(go), str(seed)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for clerk, seed in zip(clerks, seeds, strict=True)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready.*"))) < PROCESSES:
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    go.touch()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    for report in reports:
        assert report["error_count"] == 0, report["errors"]
        assert len(report["numbers"]) == EACH
    total = PROCESSES * EACH
    numbers = [n for report in reports for n in report["numbers"]]
    assert len(set(numbers)) == total  # no duplicate receipt numbers
    if shared:
        assert sorted(numbers) == [f"A{i:07d}" for i in range(1, total + 1)]
        assert ReceiptBook.get().next_number == total + 1
    else:
        for prefix, report in zip("AB", reports, strict=True):
            assert report["numbers"] == [f"{prefix}{i:07d}" for i in range(1, EACH + 1)]
    # nothing lost, every fen accounted for
    assert Payment.select().count() == total and Receipt.select().count() == total
    assert PaymentLine.select().count() == total
    assert Payment.select(fn.SUM(Payment.amount)).scalar() == expected
    assert PaymentLine.select(fn.SUM(PaymentLine.amount)).scalar() == expected
    assert Receipt.select(fn.SUM(Receipt.total)).scalar() == expected
    assert sum(sum(r["totals"]) for r in reports) == expected
    cash = Payment.select(fn.SUM(Payment.amount)).where(Payment.method == "cash").scalar()
    assert CashEntry.select(fn.SUM(CashEntry.amount)).where(
        CashEntry.kind == "payment").scalar() == cash
    assert CashEntry.select().where(CashEntry.kind == "payment").count() == total // 2
    assert unit_dues(so.office, so.unit.id) == []  # the due is settled exactly
    assert ChangeLog.select().where(ChangeLog.topic == "payment").count() == total
    assert ChangeLog.select().where(ChangeLog.topic == "receipt").count() == total
    # both really ran at once
    assert max(r["began"] for r in reports) < min(r["ended"] for r in reports)
