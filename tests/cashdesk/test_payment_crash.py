"""Crash safety of the cash desk on SQLite: a child process takes payments (and now and
then voids one) in a loop and is killed with SIGKILL at a random moment, 100 times over.
Afterwards every payment is whole (payment, lines, receipt, cash entry, change log) or
absent, every void is whole (reversal, negative lines, void, cash reversal, change log),
each book's receipt numbers run from its first number to just before its next number with
no hole (voided receipts keep theirs), and ``PRAGMA integrity_check`` says ok.

Each child starts, opens the database, says it is ready and works until it is killed
somewhere between 0 and KILL_WITHIN seconds later: most kills land inside a write
transaction, some during a commit's fsync, a few before the first payment.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from deskterm.db.models import (
    CashEntry,
    ChangeLog,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    ReceiptVoid,
    database,
)
from deskterm.duties.cashdesk.receipts import book_problems
from deskterm.money import MAX_FEN
from tests.factories import MORNING, PIN, small_office
from tests.payment_factories import book, charge, drawer

KILLS = 100
KILL_WITHIN = 0.12  # seconds after the child says it is ready
VOID_EVERY = 10  # every tenth kill comes after a void the child finished

SCRIPT = r"""
import os, random, sys
from deskterm.db.connection import open_database
from deskterm.db.models import Office
from deskterm.duties.cashdesk.payments import take_payment
from deskterm.duties.cashdesk.receipts import void_receipt

url, office_id, clerk_id, supervisor_id, pin, unit_id, charge_id, ready, seed = sys.argv[1:]
open_database(url)
office = Office.get_by_id(int(office_id))
rng = random.Random(int(seed))
open(ready, "w").close()
while True:
    result = take_payment(office, int(clerk_id), unit_id=int(unit_id),
                          lines=[(int(charge_id), rng.randint(1, 50000))],
                          method=rng.choice(("cash", "cash", "wechat", "card")),
                          payer_name="张三")
    if rng.random() < 0.15:
        void_receipt(office, int(clerk_id), result.receipt_id, reason="金额录入错误",
                     approver_id=int(supervisor_id), approver_pin=pin)
        print("void", flush=True)
"""


def logged(topic: str) -> set[int]:
    return {row_id for (row_id,) in ChangeLog.select(ChangeLog.row_id)
            .where((ChangeLog.topic == topic) & (ChangeLog.action == "create")).tuples()}


def test_killed_at_random_moments_leaves_whole_payments(sqlite_db, frozen_clock, tmp_path):
    frozen_clock(MORNING)
    so = small_office()
    book(so, first=1, last=9_999_999, prefix="A")
    drawer(so)
    due = charge(so, MAX_FEN)
    env = dict(os.environ, DESKTERM_NOW=MORNING, DESKTERM_LANG="en",
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    rng = random.Random(20261126)
    for attempt in range(KILLS):
        ready = tmp_path / f"ready.{attempt}"
        args = [sqlite_db.deskterm_url, str(so.office.id), str(so.clerk.id),
                str(so.supervisor.id), PIN, str(so.unit.id), str(due.id), str(ready),
                str(attempt)]
        child = subprocess.Popen([sys.executable, "-c", SCRIPT, *args], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.002)
        if attempt % VOID_EVERY == 0:
            # Now and then the kill waits for a whole void first: on a loaded machine a
            # void (a PIN's scrypt, two writes) may not fit in KILL_WITHIN at all.
            assert child.stdout.readline() == b"void\n", child.stderr.read().decode()
        time.sleep(rng.uniform(0, KILL_WITHIN))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        stderr = child.stderr.read().decode()
        child.stderr.close()
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL, stderr  # it never stopped on its own

    assert database.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []

    payments = list(Payment.select())
    assert len(payments) >= 2 * (KILLS // VOID_EVERY)  # the children did get work done
    lines = defaultdict(list)
    for line in PaymentLine.select():
        lines[line.payment_id].append(line)
    receipts = {r.payment_id: r for r in Receipt.select()}
    entries = {e.payment_id: e for e in CashEntry.select().where(CashEntry.payment.is_null(False))}
    voids = {v.reversal_id: v for v in ReceiptVoid.select()}
    logged_payments, logged_lines = logged("payment"), logged("payment_line")
    logged_receipts, logged_entries = logged("receipt"), logged("cash_entry")
    logged_voids = logged("receipt_void")
    by_id = {p.id: p for p in payments}
    for payment in payments:
        assert payment.id in logged_payments
        assert len(lines[payment.id]) == 1
        line = lines[payment.id][0]
        assert line.amount == payment.amount and line.id in logged_lines
        cash = payment.method == "cash"
        entry = entries.get(payment.id)
        assert (entry is not None) == cash
        if cash:
            assert entry.amount == payment.amount and entry.id in logged_entries
            assert entry.session_id == payment.cash_session_id
        if payment.reverses_id is None:
            receipt = receipts[payment.id]
            assert receipt.total == payment.amount and receipt.id in logged_receipts
            if cash:
                assert entry.kind == "payment" and payment.tendered == payment.amount
        else:
            original = by_id[payment.reverses_id]
            assert payment.amount == -original.amount and payment.id not in receipts
            void = voids[payment.id]
            assert void.receipt_id == receipts[original.id].id and void.id in logged_voids
            if cash:
                assert entry.kind == "reversal" and entry.reverses_id == entries[original.id].id
    assert len(voids) == sum(1 for p in payments if p.reverses_id is not None)
    assert len(voids) > 0

    # the numbers: first..next-1, every one there once, voided ones included
    row = ReceiptBook.get()
    numbers = sorted(r.number for r in receipts.values())
    assert numbers == list(range(row.first_number, row.next_number))
    uses = ChangeLog.select().where((ChangeLog.topic == "receipt_book")
                                    & (ChangeLog.action == "use")).count()
    assert uses == len(numbers)
    assert book_problems(so.office) == []
    print(f"\n{KILLS} kills: {len(payments)} payments and reversals, {len(voids)} voids, "
          f"{len(numbers)} receipts")
