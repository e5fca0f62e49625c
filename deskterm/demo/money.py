"""Two years of fees: a property-fee charge for every home every month (and parking for
those who rent a space), paid the way people pay, with receipts, cash drawers and deposits.

Most owners pay each month; some pay a quarter at once at the quarter's end, some a month
late, a few stopped paying months ago: so the latest months carry arrears. Payments are
spread over the two clerks (whoever is on the desk that day) and over cash, card, bank
transfer, WeChat and Alipay (cash falling from a third to a fifth over the two years).
Every past day's drawer was counted exactly and the day's cash taken to the bank; today
the demo clerk's drawer is open, with this morning's cash in it and nothing deposited.
A receipt is voided now and then, with its reversal and a fresh receipt.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from deskterm.db import changes
from deskterm.db.models import (
    BankDeposit,
    CashEntry,
    CashSession,
    Charge,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    ReceiptVoid,
)
from deskterm.demo.common import Bulk, Calendar, Progress, Roster, minutes
from deskterm.demo.org import PARKING_RATE, PROPERTY_RATE, World
from deskterm.i18n import _

MONTHS = 24
OPENING_FLOAT = 30000  # ¥300 of change in the drawer
BOOK_SIZE = 500
BANK = "中国工商银行武汉翠湖支行"
VOID_REASONS = ("金额录入错误", "收费项目选错", "票据打印错位", "业主要求分开开票")
DAY = dt.timedelta(days=1)


@dataclass
class Group:
    """One visit to the counter: a unit settling some charges."""

    day: dt.date
    unit: int  # unit index
    charges: list[tuple[int, int]]  # (charge id, amount)
    at: dt.datetime | None = None
    clerk: int = 0
    method: str = ""
    voided: bool = False
    payment_id: int = 0
    receipt_id: int = 0

    @property
    def amount(self) -> int:
        return sum(a for _, a in self.charges)


@dataclass
class MoneyStats:
    charges: int = 0
    payments: int = 0
    receipts: int = 0
    cash_sessions: int = 0
    bank_deposits: int = 0
    undeposited_today: int = 0


def _month_list(cal: Calendar, count: int) -> list[tuple[int, int]]:
    return cal.months()[-count:]


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year, month, 28) + 4 * DAY).replace(day=1) - DAY


class MoneyMaker:
    def __init__(self, bulk: Bulk, cal: Calendar, world: World, roster: Roster,
                 rng: random.Random, progress: Progress, months: int = MONTHS) -> None:
        self.bulk, self.cal, self.world, self.roster, self.rng = bulk, cal, world, roster, rng
        self.progress = progress
        self.months = _month_list(cal, months)
        self.supervisor = world.staff["刘芳"]
        self.stats = MoneyStats()
        #: payments taken per (clerk id, office day), for the daily work records
        self.payments_per_day: Counter[tuple[int, dt.date]] = Counter()

    def _pay_day(self, year: int, month: int) -> dt.date | None:
        """A day of that month before today (and not before the history starts)."""
        first = max(dt.date(year, month, 1), self.cal.first_day)
        last = min(_month_end(year, month), self.cal.yesterday)
        if last < first:
            return None
        return first + DAY * self.rng.randrange((last - first).days + 1)

    def run(self) -> MoneyStats:
        cal, rng, world = self.cal, self.rng, self.world
        office = world.office_id
        current = len(self.months) - 1
        progress_of_month = cal.today.day / _month_end(cal.today.year, cal.today.month).day
        charge_rows = []
        per_unit: list[list[list[tuple[int, int]]]] = []  # unit -> month -> charges
        for index, unit in enumerate(world.units):
            months = []
            for year, month in self.months:
                period = f"{year:04d}-{month:02d}"
                created = min(cal.at(max(dt.date(year, month, 1), cal.first_day), 30), cal.now)
                items = []
                charge_id = self.bulk.next_id(Charge)
                amount = (unit.area * PROPERTY_RATE + 50) // 100
                charge_rows.append((charge_id, office, unit.id, world.fee_items["property"],
                                    period, amount, f"property:{unit.id}:{period}", created))
                items.append((charge_id, amount))
                if world.parking[index]:
                    charge_id = self.bulk.next_id(Charge)
                    charge_rows.append((charge_id, office, unit.id, world.fee_items["parking"],
                                        period, PARKING_RATE, f"parking:{unit.id}:{period}",
                                        created))
                    items.append((charge_id, PARKING_RATE))
                months.append(items)
            per_unit.append(months)
        with changes.write():
            self.bulk.insert(Charge, ("id", "office", "unit", "fee_item", "period", "amount",
                                      "key", "created_at"), charge_rows)
        self.stats.charges = len(charge_rows)
        self.progress(_("Charges: {n:,}").format(n=len(charge_rows)))

        # Who pays when.
        groups: list[Group] = []
        unpaid_now: list[int] = []  # units that owe this month and usually pay monthly
        for index in range(len(world.units)):
            months = per_unit[index]
            roll = rng.random()
            habit = ("monthly" if roll < 0.66 else "quarterly" if roll < 0.86
                     else "late" if roll < 0.96 else "stopped")
            stop = current - rng.randint(3, 12) if habit == "stopped" else current + 1
            paid = [False] * len(months)
            for m, (year, month) in enumerate(self.months):
                if m >= stop:
                    break
                if habit in ("monthly", "stopped"):
                    if m == current and rng.random() > min(0.9, progress_of_month * 1.1):
                        continue
                    day = self._pay_day(year, month)
                    if day is not None:
                        groups.append(Group(day, index, list(months[m])))
                        paid[m] = True
                elif habit == "late":
                    if m + 1 <= current:
                        ny, nm = self.months[m + 1]
                        if m + 1 == current and rng.random() > progress_of_month:
                            continue
                        day = self._pay_day(ny, nm)
                        if day is not None:
                            groups.append(Group(day, index, list(months[m])))
                            paid[m] = True
            if habit == "quarterly":
                quarter: list[int] = []
                for m, (year, month) in enumerate(self.months):
                    quarter.append(m)
                    if month % 3 == 0:
                        if m == current and rng.random() > progress_of_month:
                            break
                        day = self._pay_day(year, month)
                        if day is not None:
                            items = [c for q in quarter for c in months[q]]
                            groups.append(Group(day, index, items))
                            for q in quarter:
                                paid[q] = True
                        quarter = []
            if habit == "monthly" and not paid[current]:
                unpaid_now.append(index)

        # Today at the counter: a few owners settle what they owe, cash first.
        today_groups = []
        for index in rng.sample(unpaid_now, min(len(unpaid_now), rng.randint(6, 9))):
            owed = [c for m, items in enumerate(per_unit[index]) for c in items
                    if m == current]
            today_groups.append(Group(cal.today, index, owed))
        lo, hi = self._today_window()
        cash_today = rng.randint(4, 6)
        times = sorted(lo + (hi - lo) * rng.random() for _ in today_groups)
        for i, (group, moment) in enumerate(zip(today_groups, times, strict=True)):
            group.at = moment.replace(microsecond=0)
            group.clerk = world.demo_clerk
            group.method = "cash" if i < cash_today else rng.choice(("wechat", "alipay", "card"))

        # When, by whom, how.
        total_days = (cal.today - cal.first_day).days or 1
        for group in groups:
            clerks = self.roster.clerks_on(group.day) or (world.demo_clerk,)
            group.clerk = rng.choice(clerks)
            group.at = cal.at(group.day, rng.uniform(8 * 60 + 35, 16 * 60 + 20))
            age = (group.day - cal.first_day).days / total_days
            cash = 0.34 - 0.14 * age
            roll = rng.random()
            if roll < cash:
                group.method = "cash"
            elif roll < cash + 0.14:
                group.method = "card"
            elif roll < cash + 0.22:
                group.method = "transfer"
            else:
                group.method = "wechat" if rng.random() < 0.6 else "alipay"
        groups.sort(key=lambda g: (g.at, g.unit))
        early = [g for g in groups if g.day <= cal.today - 2 * DAY
                 and cal.local_minute(g.at) <= 15 * 60 + 30]
        for group in rng.sample(early, min(len(early), len(self.months))):
            group.voided = True
        groups.extend(today_groups)
        self._write(groups)
        return self.stats

    def _today_window(self) -> tuple[dt.datetime, dt.datetime]:
        """This morning at the counter: from 08:30 up to now (never after 17:00)."""
        cal = self.cal
        start = cal.start(cal.today)
        lo, hi = cal.hm(cal.today, "08:30"), min(cal.now, cal.hm(cal.today, "17:00"))
        if hi - lo < minutes(30):
            hi = cal.now - minutes(1) if cal.now - start > minutes(2) else cal.now
            lo = max(start, hi - minutes(60))
        return lo, hi

    # -- rows -------------------------------------------------------------------------

    def _write(self, groups: list[Group]) -> None:
        cal, rng, world, bulk = self.cal, self.rng, self.world, self.bulk
        office = world.office_id
        supervisor = self.supervisor

        # Drawers: one per clerk per day on the desk, from the first month billed.
        sessions: dict[tuple[int, dt.date], list] = {}
        first = max(dt.date(*self.months[0], 1), cal.first_day)
        day = first
        while day <= cal.today:
            for clerk in self.roster.clerks_on(day):
                opened = cal.at(day, rng.uniform(8 * 60 + 22, 8 * 60 + 32))
                if day == cal.today:
                    opened = min(opened, self._today_window()[0] - minutes(5))
                    opened = max(opened, cal.start(day))
                sessions[(clerk, day)] = [bulk.next_id(CashSession), opened, []]
            day += DAY

        events = []
        for seq, group in enumerate(groups):
            events.append((group.at, seq, "pay", group))
            if group.voided:
                undo = group.at + minutes(rng.uniform(3, 15))
                events.append((undo, seq, "reverse", group))
                events.append((undo + minutes(rng.uniform(1, 3)), seq, "repay", group))
        events.sort(key=lambda e: (e[0], e[1], e[2] != "pay"))

        payments, lines, receipts, voids = [], [], [], []
        next_number: dict[int, int] = {}
        books: dict[int, list[list]] = {}  # clerk -> [[id, first, last, issued, closed]]
        prefixes = {world.clerks[0]: "A", world.clerks[1]: "B"}

        def receipt(payment_id: int, group: Group, moment: dt.datetime, amount: int) -> int:
            number = next_number.get(group.clerk, 0) + 1
            next_number[group.clerk] = number
            clerk_books = books.setdefault(group.clerk, [])
            if (number - 1) % BOOK_SIZE == 0:
                if clerk_books:
                    clerk_books[-1][4] = last_at[group.clerk]
                issued = moment - minutes(rng.uniform(10, 60))
                clerk_books.append([bulk.next_id(ReceiptBook), number, number + BOOK_SIZE - 1,
                                    issued, None])
            last_at[group.clerk] = moment
            receipt_id = bulk.next_id(Receipt)
            receipts.append((receipt_id, office, clerk_books[-1][0], number, payment_id, moment,
                             group.clerk, amount))
            return receipt_id

        last_at: dict[int, dt.datetime] = {}
        payer = world.main_owner
        for moment, _seq, kind, group in events:
            moment = moment.replace(microsecond=0)
            session = sessions.get((group.clerk, group.day)) if group.method == "cash" else None
            session_id = session[0] if session else None
            amount = group.amount
            payment_id = bulk.next_id(Payment)
            unit_id = world.units[group.unit].id
            name = payer[group.unit][1]
            if kind == "reverse":
                reason = rng.choice(VOID_REASONS)
                payments.append((payment_id, office, unit_id, name, group.method, -amount, None,
                                 None, moment, group.clerk, session_id, group.payment_id,
                                 reason))
                lines.extend((payment_id, c, -a) for c, a in group.charges)
                voids.append((office, group.receipt_id, payment_id, reason, moment, group.clerk,
                              supervisor))
                if session:
                    session[2].append((moment, "reversal", -amount, payment_id,
                                       group.payment_id))
                continue
            tendered = change = None
            if group.method == "cash":
                tendered = amount
                if rng.random() < 0.5 and amount % 10000:
                    tendered = (amount // 10000 + 1) * 10000
                change = tendered - amount
            payments.append((payment_id, office, unit_id, name, group.method, amount, tendered,
                             change, moment, group.clerk, session_id, None, ""))
            self.payments_per_day[group.clerk, group.day] += 1
            lines.extend((payment_id, c, a) for c, a in group.charges)
            receipt_id = receipt(payment_id, group, moment, amount)
            if kind == "pay":
                group.payment_id, group.receipt_id = payment_id, receipt_id
            if session:
                session[2].append((moment, "payment", amount, payment_id, None))

        book_rows = []
        for clerk, clerk_books in sorted(books.items()):
            for i, (book_id, first_no, last_no, issued, closed) in enumerate(clerk_books):
                current = i == len(clerk_books) - 1
                book_rows.append((book_id, office, clerk, prefixes.get(clerk, "C"), first_no,
                                  last_no, next_number[clerk] + 1 if current else last_no + 1,
                                  issued, supervisor, None if current else closed))

        session_rows, entry_rows, deposits = [], [], []
        slips = 0
        entry_of_payment: dict[int, int] = {}
        for (clerk, day), (session_id, opened, moves) in sorted(
                sessions.items(), key=lambda item: item[1][0]):
            entry_rows.append((bulk.next_id(CashEntry), office, session_id, opened, "float",
                               OPENING_FLOAT, None, None, None, clerk))
            takings = 0
            for moment, kind, amount, payment_id, reverses in sorted(moves, key=lambda m: m[0]):
                entry_id = bulk.next_id(CashEntry)
                entry_of_payment[payment_id] = entry_id
                entry_rows.append((entry_id, office, session_id, moment, kind, amount,
                                   payment_id, None,
                                   entry_of_payment[reverses] if reverses else None, clerk))
                takings += amount
            if day == cal.today:
                session_rows.append((session_id, office, clerk, day, opened, OPENING_FLOAT,
                                     None, None, None, "open"))
                self.stats.undeposited_today += takings
                continue
            closed = cal.at(day, rng.uniform(16 * 60 + 30, 16 * 60 + 40))
            state = "closed"
            if takings:
                slips += 1
                deposit_id = bulk.next_id(BankDeposit)
                at = cal.at(day, rng.uniform(16 * 60 + 42, 16 * 60 + 58))
                deposits.append((deposit_id, office, at, takings,
                                 f"{day:%Y%m%d}{slips % 100000:05d}", BANK, clerk))
                entry_rows.append((bulk.next_id(CashEntry), office, session_id, at, "deposit",
                                   -takings, None, deposit_id, None, clerk))
                state = "banked"
            session_rows.append((session_id, office, clerk, day, opened, OPENING_FLOAT, closed,
                                 OPENING_FLOAT + takings, 0, state))

        with changes.write():
            bulk.insert(CashSession, ("id", "office", "clerk", "day", "opened_at", "opening_float",
                                      "closed_at", "counted", "difference", "state"),
                        session_rows)
            bulk.insert(Payment, ("id", "office", "unit", "payer_name", "method", "amount",
                                  "tendered", "change_given", "taken_at", "clerk", "cash_session",
                                  "reverses", "reason"), payments)
            bulk.insert(PaymentLine, ("payment", "charge", "amount"), lines)
            bulk.insert(ReceiptBook, ("id", "office", "clerk", "prefix", "first_number",
                                      "last_number", "next_number", "issued_at", "issued_by",
                                      "closed_at"), sorted(book_rows))
            bulk.insert(Receipt, ("id", "office", "book", "number", "payment", "issued_at",
                                  "clerk", "total"), receipts)
            bulk.insert(ReceiptVoid, ("office", "receipt", "reversal", "reason", "voided_at",
                                      "voided_by", "approved_by"), voids)
            bulk.insert(BankDeposit, ("id", "office", "at", "amount", "slip_number", "bank",
                                      "deposited_by"), deposits)
            bulk.insert(CashEntry, ("id", "office", "session", "at", "kind", "amount", "payment",
                                    "deposit", "reverses", "clerk"), sorted(entry_rows))
        self.stats.payments = len(payments)
        self.stats.receipts = len(receipts)
        self.stats.cash_sessions = len(session_rows)
        self.stats.bank_deposits = len(deposits)
        self.progress(_("Payments: {payments:,}, receipts: {receipts:,}").format(
            payments=len(payments), receipts=len(receipts)))
