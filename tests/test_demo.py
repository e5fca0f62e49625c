"""The demo office: its size, its live state at a frozen "now", exact money, consistent
order lives, reproducibility, scaling, and refusing to build over an existing office.

One full default build (30 buildings, 2,400 homes, 8,760 orders; a few seconds) is shared
by the module; the other cases build small offices with the ``buildings`` knob.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter as Tally

import pytest
from peewee import fn

from deskterm import clock
from deskterm.db import schema
from deskterm.db.connection import close_database, open_database
from deskterm.db.models import (
    MODELS,
    AttendanceEvent,
    BankDeposit,
    Building,
    Callback,
    CashEntry,
    CashSession,
    ChangeLog,
    Charge,
    Complaint,
    Counter,
    DailyWorkRecord,
    District,
    Handover,
    HandoverItem,
    NightLogEntry,
    Office,
    Owner,
    OwnerPhone,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    ReceiptVoid,
    RepairOrder,
    ServiceEntry,
    Staff,
    StockItem,
    StockMove,
    Task,
    Unit,
    database,
)
from deskterm.demo.build import DEFAULT_ORDERS, DEMO_STAFF, build_demo
from deskterm.demo.orders import order_number
from deskterm.duties.pins import pin_matches
from deskterm.duties.pinyin import initials
from deskterm.errors import SetupError

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai
TZ = "Asia/Shanghai"
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MOBILE = re.compile(r"^1(3\d|5[0-35-9]|7[0135-8]|8\d|9[1356-9])\d{8}$")
LANDLINE = re.compile(r"^027[568]\d{7}$")


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    clock.freeze(NOW)
    db = open_database(str(path))
    schema.migrate(db)
    messages: list[str] = []
    summary = build_demo(progress=messages.append)
    clock.freeze(None)
    yield db, summary, messages
    if not db.is_closed():
        db.close()


@pytest.fixture
def demo(demo_database, frozen_clock):
    db, summary, _messages = demo_database
    database.initialize(db)
    frozen_clock(NOW)
    return summary


def _today_bounds() -> tuple[dt.datetime, dt.datetime]:
    return clock.day_bounds_utc(clock.today_local(TZ), TZ)


def _local(day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    start = clock.day_bounds_utc(day, TZ)[0]
    return start + dt.timedelta(hours=hours, minutes=minutes)


# -- size and people ---------------------------------------------------------------------


def test_default_office_has_the_size_of_the_issue(demo, demo_database):
    assert demo.offices == 1 and Office.select().count() == 1
    office = Office.get()
    assert office.name == "非凡物业翠湖花园管理处" and office.timezone == TZ
    assert office.created_at == clock.now_utc()  # the sandbox dates the build by it
    assert demo.districts == District.select().count() == 3
    assert demo.buildings == Building.select().count() == 30
    assert demo.units == Unit.select().count() == 2400
    assert demo.orders == RepairOrder.select().count() == DEFAULT_ORDERS == 8760
    assert 40_000 <= demo.payments == Payment.select().count() <= 60_000
    assert demo.charges == Charge.select().count()
    messages = demo_database[2]
    assert messages[-1] == "The demo office is ready"
    assert any(m.startswith("Repair orders: ") for m in messages)


def test_staff_pins_roles_and_district_supervisors(demo):
    assert DEMO_STAFF == (
        ("李静", "clerk", "1234"), ("陈晓燕", "clerk", "2345"), ("刘芳", "supervisor", "3456"),
        ("赵建国", "manager", "4567"), ("孙大伟", "night", "5678"),
        ("张强", "technician", "6001"), ("王建军", "technician", "6002"),
        ("周海", "technician", "6003"), ("吴刚", "technician", "6004"),
        ("黄敏", "cs_supervisor", "7001"), ("林涛", "cs_supervisor", "7002"),
        ("郑雪", "cs_supervisor", "7003"),
    )
    people = {s.name: s for s in Staff.select()}
    assert len(people) == len(DEMO_STAFF)
    for name, role, pin in DEMO_STAFF:
        assert people[name].role == role
        assert people[name].pinyin_initials == initials(name)
        assert pin_matches(pin, people[name].pin_hash), name
    assert demo.demo_clerk_id == people["李静"].id
    supervisors = {d.cs_supervisor.name for d in District.select()}
    assert supervisors == {"黄敏", "林涛", "郑雪"}


def test_units_and_owner_roster_look_real(demo):
    codes = [u.code for u in Unit.select(Unit.code)]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"\d{1,2}-\d-\d{3,4}", c) for c in codes)
    assert "3-2-501" in codes
    areas = [a for (a,) in Unit.select(Unit.area_centi_m2).tuples()]
    assert 6000 <= min(areas) and max(areas) <= 16000
    owners = list(Owner.select())
    assert len(owners) > 2400
    assert {o.kind for o in owners} == {"owner", "tenant"}
    assert sum(o.kind == "tenant" for o in owners) > 100
    assert all(o.pinyin_initials == initials(o.name) for o in owners)
    assert all(2 <= len(o.name) <= 4 for o in owners)
    lengths = Tally(len(o.name) for o in owners)
    assert lengths[2] > 300 and lengths[3] > 1000
    surnames = Tally(o.name[0] for o in owners)
    assert surnames.most_common(1)[0][0] in "王李张"
    phones = [p.phone for p in OwnerPhone.select()]
    assert len(set(phones)) == len(phones)
    assert all(MOBILE.match(p) or LANDLINE.match(p) for p in phones)
    assert sum(bool(LANDLINE.match(p)) for p in phones) > 50
    per_owner = Tally(p.owner_id for p in OwnerPhone.select(OwnerPhone.owner))
    assert max(per_owner.values()) >= 2


# -- the live state at 10:05 on a Thursday ---------------------------------------------


def test_open_orders_with_overdue_and_later_today_appointments(demo):
    now = clock.now_utc()
    _start, end = _today_bounds()
    open_orders = list(RepairOrder.select().where(RepairOrder.state.in_(RepairOrder.OPEN_STATES)))
    assert 15 <= len(open_orders) <= 40 and demo.open_orders == len(open_orders)
    assert sum(o.appointment_at is not None and o.appointment_at < now
               for o in open_orders) >= 3
    assert sum(o.appointment_at is not None and now < o.appointment_at < end
               for o in open_orders) >= 3
    for order in open_orders:
        assert order.returned_at is None and order.callback_due_at is None
        assert (order.state == "dispatched") == (order.dispatched_at is not None)
        assert (order.technician_id is not None) == (order.state == "dispatched")


def test_callbacks_overdue_and_falling_due_today(demo):
    now = clock.now_utc()
    _start, end = _today_bounds()
    waiting = RepairOrder.select().where(RepairOrder.state == "returned")
    assert all(o.called_back_at is None for o in waiting)
    assert sum(o.callback_due_at < now for o in waiting) >= 2
    assert sum(now < o.callback_due_at <= end for o in waiting) >= 3
    # last week's orders wait, called back, for the manager's Monday approval
    assert RepairOrder.select().where(RepairOrder.state == "called_back").count() > 0
    complaints = Complaint.select().where(Complaint.state != "closed")
    assert any(c.callback_due_at and c.callback_due_at < now for c in complaints)
    assert any(c.callback_due_at and now < c.callback_due_at < end for c in complaints)
    assert any(c.state in ("open", "assigned") for c in complaints)


def test_cash_taken_this_morning_is_not_yet_banked(demo):
    today = clock.today_local(TZ)
    start, _end = _today_bounds()
    session = CashSession.get(CashSession.day == today)
    assert session.clerk_id == demo.demo_clerk_id and session.state == "open"
    assert session.closed_at is None and session.opening_float > 0
    kinds = Tally()
    for entry in CashEntry.select().where(CashEntry.session == session):
        kinds[entry.kind] += entry.amount
    assert kinds["float"] == session.opening_float
    assert kinds["payment"] == demo.undeposited_today > 0
    assert kinds["deposit"] == 0
    assert BankDeposit.select().where(BankDeposit.at >= start).count() == 0
    cash_today = Payment.select().where((Payment.taken_at >= start) & (Payment.method == "cash"))
    assert cash_today.count() >= 3
    assert all(p.taken_at <= clock.now_utc() for p in cash_today)
    # yesterday everything went to the bank
    yesterday = CashSession.select().where(CashSession.day == today - DAY)
    assert yesterday.count() >= 1
    for past in yesterday:
        assert past.state in ("banked", "closed") and past.difference == 0
        total = (CashEntry.select(fn.SUM(CashEntry.amount))
                 .where(CashEntry.session == past).scalar())
        assert total == past.opening_float  # only the float is left in the drawer


def test_last_night_waits_for_the_handover(demo):
    today = clock.today_local(TZ)
    start, _end = _today_bounds()
    assert Handover.select().where(Handover.signed_at >= start).count() == 0
    last = Handover.select().order_by(Handover.signed_at.desc()).first()
    assert last.signed_at < start
    waiting = list(NightLogEntry.select().where(NightLogEntry.written_at > last.covers_until))
    assert len(waiting) >= 3 and any(e.needs_action for e in waiting)
    night_start, night_end = _local(today - DAY, "18:00"), _local(today, "08:00")
    assert all(night_start <= e.at <= night_end for e in waiting)
    covered = HandoverItem.select().where(HandoverItem.entry.in_([e.id for e in waiting]))
    assert covered.count() == 0
    # every earlier entry was taken over at a handover
    earlier = NightLogEntry.select().where(NightLogEntry.written_at <= last.covers_until).count()
    assert earlier == HandoverItem.select().count()


def test_attendance_and_tasks(demo):
    today = clock.today_local(TZ)
    start, end = _today_bounds()
    assert AttendanceEvent.select().where(AttendanceEvent.at >= start).count() == 0
    yesterday = AttendanceEvent.select().where(
        (AttendanceEvent.at >= start - DAY) & (AttendanceEvent.at < start))
    assert {e.slot for e in yesterday} == {"morning_in", "lunch_out", "afternoon_in",
                                            "evening_out"}
    due_today = Task.select().where((Task.due_at >= start) & (Task.due_at < end))
    assert due_today.count() >= 3 and all(t.source == "meeting" for t in due_today)
    missed = Task.select().where((Task.due_at < start) & Task.done_at.is_null())
    assert missed.count() == 1
    assert missed.get().due_at >= clock.day_bounds_utc(today - DAY, TZ)[0]


def test_past_deadlines_were_met_and_todays_are_open(demo):
    from deskterm.duties.agenda.deadlines import deadlines_on

    office, now = Office.get(), clock.now_utc()
    today = clock.today_local(TZ)
    for back in range(1, 60):
        for deadline in deadlines_on(office, today - back * DAY, now):
            assert deadline.state == "done", (deadline.key, deadline.period)
    todays = {d.key: d.state for d in deadlines_on(office, today, now)}
    assert todays["deposit"] == "due" and todays["work_record"] == "due"
    assert todays["canteen_check"] == "due"  # this morning's purchases are not checked yet
    yesterday = today - DAY
    records = DailyWorkRecord.select().where(DailyWorkRecord.day == yesterday)
    assert records.count() >= 1 and all(r.submitted_at for r in records)
    assert DailyWorkRecord.select().where(DailyWorkRecord.day == today).count() == 0


# -- consistency ------------------------------------------------------------------------


def test_order_timestamps_are_in_order_and_lifecycles_fit_their_age(demo):
    now = clock.now_utc()
    chain = ("registered_at", "dispatched_at", "returned_at", "called_back_at", "approved_at")
    supervisor_of = {d.id: d.cs_supervisor_id for d in District.select()}
    old = now - 45 * DAY
    on_time = late = 0
    for o in RepairOrder.select():
        moments = [getattr(o, name) for name in chain]
        moments.append(o.handed_over_at or o.filed_at)
        present = [m for m in moments if m is not None]
        assert present == sorted(present), o.number
        assert all(m <= now for m in present), o.number
        assert all(m.microsecond == 0 for m in present)
        if o.returned_at is not None:
            assert o.callback_due_at == o.returned_at + 24 * HOUR
        if o.called_back_at is not None:
            assert o.callback_on_time == (o.called_back_at <= o.callback_due_at)
            on_time += o.callback_on_time
            late += not o.callback_on_time
        else:
            assert o.callback_on_time is None
        if o.state == "handed_over":
            assert not o.is_public and o.handed_over_to_id == supervisor_of[o.district_id]
        if o.state == "filed":
            assert o.is_public
        if o.state in ("approved", "handed_over", "filed"):
            assert o.approved_by.role == "manager"
            assert o.approved_at.weekday() == 0  # a Monday afternoon in Shanghai (UTC too)
        if o.registered_at < old:
            assert o.state in ("handed_over", "filed", "cancelled"), o.number
        assert o.category in RepairOrder.CATEGORIES
    assert 0.98 <= on_time / (on_time + late) <= 0.99


def test_order_numbers_and_counters(demo):
    numbers = Tally()
    for (number,) in RepairOrder.select(RepairOrder.number).tuples():
        match = re.fullmatch(r"WX-(\d{6})-(\d{4,})", number)
        assert match, number
        numbers[match.group(1)] = max(numbers[match.group(1)], int(match.group(2)))
    counters = {c.period: c.value for c in Counter.select().where(Counter.name == "repair_order")}
    assert counters == dict(numbers)
    assert order_number("202611", 42, 800) == "WX-202611-0042"
    assert order_number("202611", 42, 12_345) == "WX-202611-00042"


def test_recent_orders_have_service_entries_and_callbacks(demo):
    recent = RepairOrder.select().where(RepairOrder.registered_at >= clock.now_utc() - 60 * DAY)
    assert recent.count() > 500
    for order in recent:
        assert order.service_entry_id is not None
        entry = order.service_entry
        assert entry.kind == "repair" and entry.at == order.registered_at
        if order.called_back_at is not None:
            assert Callback.select().where((Callback.order == order)
                                           & (Callback.outcome == "satisfied")).count() == 1
    assert ServiceEntry.select().where(ServiceEntry.kind == "enquiry").count() > 50
    inspected = Callback.select().where(Callback.arrived_on_time.is_null(False)).count()
    assert inspected > 500


def test_money_sums_are_exact(demo):
    mismatched = (Payment.select(Payment.id)
                  .join(PaymentLine, on=(PaymentLine.payment == Payment.id))
                  .group_by(Payment.id, Payment.amount)
                  .having(fn.SUM(PaymentLine.amount) != Payment.amount))
    assert mismatched.count() == 0
    assert (Receipt.select().join(Payment, on=(Receipt.payment == Payment.id))
            .where(Receipt.total != Payment.amount).count() == 0)
    assert Receipt.select().count() + ReceiptVoid.select().count() == Payment.select().count()
    for void in ReceiptVoid.select():
        assert void.reversal.amount == -void.receipt.payment.amount
        assert void.reversal.reverses_id == void.receipt.payment_id
    for book in ReceiptBook.select():
        numbers = [n for (n,) in Receipt.select(Receipt.number).where(Receipt.book == book)
                   .tuples()]
        assert all(book.first_number <= n <= book.last_number for n in numbers)
        assert (book.closed_at is None) == (book.next_number <= book.last_number)
    paid = dict(PaymentLine.select(PaymentLine.charge, fn.SUM(PaymentLine.amount))
                .group_by(PaymentLine.charge).tuples())
    area = dict(Unit.select(Unit.id, Unit.area_centi_m2).tuples())
    arrears = Tally()
    for charge in Charge.select().where(Charge.key.startswith("property:")):
        assert charge.amount == (area[charge.unit_id] * 180 + 50) // 100
        assert charge.key == f"property:{charge.unit_id}:{charge.period}"
        assert paid.get(charge.id, 0) in (0, charge.amount)
        if not paid.get(charge.id):
            arrears[charge.period] += 1
    periods = sorted(arrears)
    assert len({p for (p,) in Charge.select(Charge.period).distinct().tuples()}) == 24
    assert arrears[periods[-1]] > 200  # this month: many still to pay
    assert sum(arrears.values()) - arrears[periods[-1]] < 2400 * 3
    assert {m for (m,) in Payment.select(Payment.method).distinct().tuples()} == set(
        Payment.METHODS)


def test_cash_sessions_balance_and_are_banked(demo):
    today = clock.today_local(TZ)
    flows = {}
    for session_id, kind, total in (CashEntry.select(CashEntry.session, CashEntry.kind,
                                                     fn.SUM(CashEntry.amount))
                                    .group_by(CashEntry.session, CashEntry.kind).tuples()):
        flows.setdefault(session_id, Tally())[kind] = total
    for session in CashSession.select().where(CashSession.day < today):
        flow = flows[session.id]
        taken = flow["payment"] + flow["reversal"]
        assert session.counted == session.opening_float + taken
        assert session.difference == 0
        assert -flow["deposit"] == taken
        assert session.state == ("banked" if taken else "closed")
    deposits = BankDeposit.select().count()
    assert deposits == CashEntry.select().where(CashEntry.kind == "deposit").count()
    slips = [s for (s,) in BankDeposit.select(BankDeposit.slip_number).tuples()]
    assert len(set(slips)) == len(slips) == deposits
    cash = (Payment.select(fn.SUM(Payment.amount)).where(Payment.method == "cash").scalar())
    in_drawers = (CashEntry.select(fn.SUM(CashEntry.amount))
                  .where(CashEntry.kind.in_(("payment", "reversal"))).scalar())
    assert cash == in_drawers


def test_change_log_has_one_seed_row_per_table(demo):
    rows = list(ChangeLog.select())
    topics = [r.topic for r in rows]
    assert all(r.action == "seed" and r.office_id == demo.office_id for r in rows)
    assert len(set(topics)) == len(topics)
    for topic in ("office", "repair_order", "payment", "cash_entry", "night_log_entry",
                  "stock_move", "owner"):
        assert topic in topics
    assert StockItem.select().where(StockItem.book_quantity < 0).count() == 0
    for item in StockItem.select():
        moved = StockMove.select(fn.SUM(StockMove.quantity)).where(StockMove.item == item)
        assert moved.scalar() == item.book_quantity


# -- small builds ------------------------------------------------------------------------


def _digest(db) -> str:
    digest = hashlib.sha256()
    for model in MODELS:
        cursor = db.execute_sql(f'SELECT * FROM "{model._meta.table_name}" ORDER BY id')
        for row in cursor.fetchall():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _small_build(path, seed: int, orders: int = 2000):
    db = open_database(str(path))
    schema.migrate(db)
    summary = build_demo(orders=orders, seed=seed, buildings=3)
    digest = _digest(db)
    close_database()
    return summary, digest


def test_same_seed_same_rows(tmp_path, frozen_clock):
    frozen_clock(NOW)
    first, digest_a = _small_build(tmp_path / "a.db", 7)
    second, digest_b = _small_build(tmp_path / "b.db", 7)
    _third, digest_c = _small_build(tmp_path / "c.db", 8)
    assert first == second and digest_a == digest_b
    assert digest_c != digest_a
    assert first.units == 240 and first.orders == 2000


def test_orders_scale_and_live_state_holds_for_any_count(sqlite_db, frozen_clock):
    now = frozen_clock(NOW)
    summary = build_demo(orders=30_000, buildings=1)
    assert summary.orders == RepairOrder.select().count() == 30_000
    assert 15 <= summary.open_orders <= 40
    open_orders = RepairOrder.select().where(RepairOrder.state.in_(RepairOrder.OPEN_STATES))
    assert open_orders.count() == summary.open_orders
    assert clock.now_utc() == now
    _assert_live_and_consistent()
    # payments follow the homes, not the orders
    assert summary.payments < 2000


# Stored moments that may lie ahead of "now": appointments, deadlines.
FUTURE_ALLOWED = {("repair_order", "appointment_at"), ("repair_order", "callback_due_at"),
                  ("service_entry", "appointment_at"), ("complaint", "callback_due_at"),
                  ("task", "due_at")}


def _assert_live_and_consistent() -> None:
    now = clock.now_utc()
    start, end = _today_bounds()
    for model in MODELS:
        table = model._meta.table_name
        for field in model._meta.sorted_fields:
            if field.field_type != "DATETIME" or (table, field.name) in FUTURE_ALLOWED:
                continue
            latest = model.select(fn.MAX(field)).scalar()
            assert latest is None or latest <= now, f"{table}.{field.name} {latest} > {now}"
    open_orders = list(RepairOrder.select().where(
        RepairOrder.state.in_(RepairOrder.OPEN_STATES)))
    assert 15 <= len(open_orders) <= 40
    overdue = [o for o in open_orders if o.appointment_at and o.appointment_at < now]
    assert 3 <= len(overdue) <= len(open_orders) // 2 + 1
    if end - now > 2 * HOUR:
        assert sum(1 for o in open_orders
                   if o.appointment_at and now < o.appointment_at < end) >= 3
    waiting = RepairOrder.select().where((RepairOrder.state == "returned")
                                         & (RepairOrder.callback_due_at < now))
    assert waiting.count() >= 2
    session = CashSession.get(CashSession.day == clock.today_local(TZ))
    taken = (CashEntry.select(fn.SUM(CashEntry.amount))
             .where((CashEntry.session == session) & (CashEntry.kind == "payment")).scalar())
    assert session.state == "open" and taken > 0
    assert Handover.select().where(Handover.signed_at >= start).count() == 0
    last = Handover.select().order_by(Handover.signed_at.desc()).first()
    assert NightLogEntry.select().where(NightLogEntry.written_at > last.covers_until).count() >= 3
    assert AttendanceEvent.select().where(AttendanceEvent.at >= start).count() == 0
    period = clock.local(now, TZ).format("YYYY-MM")
    assert Charge.select().where(Charge.period == period).count() > 0


@pytest.mark.parametrize("moment", [
    "2026-11-29T23:30:00",  # Monday 07:30, before the desk opens
    "2026-03-31T16:10:00",  # 00:10 on the first of April
    "2026-06-15T15:55:00",  # 23:55, nothing left of the day
])
def test_live_at_any_hour(sqlite_db, frozen_clock, moment):
    frozen_clock(moment)
    build_demo(orders=2000, buildings=1)
    _assert_live_and_consistent()


def test_tiny_order_counts_still_build(sqlite_db, frozen_clock):
    frozen_clock("2026-03-02T23:30:00")  # 07:30 on a Tuesday morning, before the desk opens
    summary = build_demo(orders=60, buildings=1)
    assert summary.orders == 60
    assert summary.open_orders >= 15
    assert summary.undeposited_today > 0


def test_refuses_to_build_over_an_existing_office(sqlite_db, frozen_clock):
    frozen_clock(NOW)
    Office.create(name="已有管理处", created_at=clock.now_utc())
    with pytest.raises(SetupError, match="already has an office"):
        build_demo(orders=10, buildings=1)
    assert Staff.select().count() == 0


def test_a_failed_build_leaves_the_database_empty(sqlite_db, frozen_clock, monkeypatch):
    frozen_clock(NOW)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("deskterm.demo.build.build_attendance", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        build_demo(orders=200, buildings=1)
    for model in (Office, Staff, Unit, RepairOrder, Payment, ChangeLog):
        assert model.select().count() == 0, model.__name__
    monkeypatch.undo()
    assert build_demo(orders=200, buildings=1).orders == 200


def test_builds_on_both_backends(desk_db, frozen_clock):
    frozen_clock(NOW)
    summary = build_demo(orders=500, buildings=1)
    assert summary.units == Unit.select().count() == 88
    assert RepairOrder.select().count() == 500
    total = Payment.select(fn.SUM(Payment.amount)).scalar()
    lines = PaymentLine.select(fn.SUM(PaymentLine.amount)).scalar()
    assert int(total) == int(lines) > 0
    # the id sequences moved past the explicit ids: ordinary inserts still work
    office = Office.get()
    extra = Staff.create(office=office, name="新同事", role="clerk", created_at=clock.now_utc())
    assert extra.id > summary.demo_clerk_id
    task = Task.create(office=office, title="t", due_at=clock.now_utc(),
                       created_at=clock.now_utc(), created_by=extra)
    assert task.id == summary.tasks + 1


# -- the build's messages in the chosen language ---------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("how", ["flag", "config"])
def test_the_build_speaks_the_chosen_language_from_start_to_end(tmp_path, monkeypatch, capsys,
                                                                how):
    """Every line ``deskterm demo`` prints while it builds is in the language chosen by
    --lang or the config file, from the first to the last (they were English after the
    first line: the builders' progress was never translated)."""
    from deskterm.cli import main

    config = tmp_path / "config.toml"
    config.write_text('lang = "zh_CN"\n' if how == "config" else "")
    monkeypatch.setenv("DESKTERM_CONFIG", str(config))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "demo.db"
    argv = ["demo", "--no-open", "--orders", "300", "--db", str(db)]
    if how == "flag":
        argv += ["--lang", "zh_CN"]
    try:
        assert main(argv) == 0
    finally:
        close_database()
    out, err = capsys.readouterr()
    assert out.strip() == str(db)
    lines = [line.replace(str(db), "") for line in err.splitlines()]
    assert len(lines) >= 10  # the first, the office, orders, money, the records, done
    for line in lines:
        assert CJK.search(line) and not re.search(r"[A-Za-z]", line), line
    assert lines[-1] == "演示管理处已建好"
