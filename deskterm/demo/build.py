"""Build the demo office: 非凡物业翠湖花园管理处 with two years of history ending now.

``build_demo()`` fills the database already opened, migrated and bound to the models
(``open_database`` + ``schema.migrate``), and refuses when it already holds an office.
Every date is counted back from ``clock.now_utc()`` in the office's zone, so the demo is
always live: open orders with appointments past and later today, overdue callbacks, cash
in the demo clerk's drawer not yet banked, last night's log waiting for the handover.
The same seed and the same frozen clock give the same rows, id for id.

One change-log row per table seeded (action ``seed``) tells the live panes data exists;
the rows themselves are written in bulk (see ``common.Bulk``), so a million repair
orders take minutes, not hours.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from peewee import SqliteDatabase

from deskterm.db import changes
from deskterm.db.models import ChangeLog, Office, database
from deskterm.demo.backoffice import build_canteen_and_listings, build_stock
from deskterm.demo.common import Bulk, Calendar, Roster
from deskterm.demo.desk import build_complaints, build_visits_and_enquiries
from deskterm.demo.money import MoneyMaker
from deskterm.demo.orders import DEFAULT_PER_DAY, OrderMaker
from deskterm.demo.org import DEMO_CLERK, DEMO_STAFF, OFFICE_NAME, build_org
from deskterm.demo.records import build_records
from deskterm.demo.shift import build_attendance, build_night_and_handovers, build_tasks
from deskterm.errors import SetupError
from deskterm.i18n import _

__all__ = ["DEMO_CLERK", "DEMO_STAFF", "DEFAULT_ORDERS", "DemoSummary", "OFFICE_NAME",
           "build_demo"]

TIMEZONE = "Asia/Shanghai"
DEFAULT_BUILDINGS = 30
#: About twelve repair orders a day for the two years of history.
DEFAULT_ORDERS = DEFAULT_PER_DAY * Calendar.DAYS


@dataclass(frozen=True)
class DemoSummary:
    """What was built: counts of rows, and who the demo opens signed in as."""

    office_id: int
    demo_clerk_id: int
    offices: int
    districts: int
    buildings: int
    units: int
    owners: int
    staff: int
    orders: int
    open_orders: int
    service_entries: int
    callbacks: int
    complaints: int
    charges: int
    payments: int
    receipts: int
    cash_sessions: int
    bank_deposits: int
    undeposited_today: int  # fen in the demo clerk's drawer, not yet banked
    night_log_entries: int
    handovers: int
    attendance_events: int
    tasks: int
    stock_moves: int


def _quiet(_message: str) -> None:
    pass


def build_demo(*, orders: int | None = None, seed: int = 2026,
               progress: Callable[[str], None] | None = None,
               buildings: int = DEFAULT_BUILDINGS) -> DemoSummary:
    """Build the demo office in the bound database and return what was built.

    ``orders`` is the number of repair orders over the two years (default about twelve a
    day, 8,760); it may be a million. ``buildings`` (default 30, 80 homes each on
    average) is a knob for fast tests; the payments follow the homes, not the orders.
    Raises ``SetupError`` when the database already has an office.
    """
    total = DEFAULT_ORDERS if orders is None else int(orders)
    if total < 0:
        raise SetupError(_("The number of demo repair orders cannot be negative."))
    if not 1 <= buildings <= 300:
        raise SetupError(_("The demo office has between 1 and 300 buildings."))
    say = progress or _quiet
    # One transaction for the whole office (the builders' own write() blocks nest as
    # savepoints): a failed or interrupted build leaves the database empty, ready for
    # another try, instead of half an office that the check below would then refuse.
    with _big_page_cache(database.obj), changes.write():
        if Office.select().exists():
            raise SetupError(
                _("This database already has an office: the demo is built only into an "
                  "empty database. Choose a new database file and run the demo again."))
        summary = _build(total, seed, buildings, say)
    say(_("The demo office is ready"))
    return summary


@contextlib.contextmanager
def _big_page_cache(db) -> Iterator[None]:
    """SQLite: a 128 MiB page cache while building, so one big transaction's index pages
    are not spilled and rewritten again and again (1M orders: 60 s instead of 76 s)."""
    if not isinstance(db, SqliteDatabase):
        yield
        return
    before = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql("PRAGMA cache_size = -131072")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {int(before)}")


def _build(total: int, seed: int, buildings: int, say: Callable[[str], None]) -> DemoSummary:
    db = database.obj
    cal = Calendar(TIMEZONE)
    bulk = Bulk(db)

    def rng(part: str) -> random.Random:
        return random.Random(f"deskterm-demo/{seed}/{part}")

    say(_("Office, staff and PINs"))
    with changes.write():
        world = build_org(bulk, cal, rng("org"), buildings=buildings)
    say(_("Units: {units:,}, owners: {owners:,}").format(units=len(world.units),
                                                          owners=bulk.counts["owner"]))
    roster = Roster(cal, world.clerks, world.staff["刘芳"], rng("roster"))

    maker = OrderMaker(bulk, cal, world, roster, rng("orders"), total, say)
    tail = maker.run()
    complaints = build_complaints(bulk, cal, world, roster, rng("complaints"))
    build_visits_and_enquiries(bulk, cal, world, roster, rng("desk"))
    say(_("Complaints, visitors and enquiries"))

    cashier = MoneyMaker(bulk, cal, world, roster, rng("money"), say)
    money = cashier.run()

    night = build_night_and_handovers(bulk, cal, world, roster, rng("night"))
    attendance = build_attendance(bulk, cal, world, roster, rng("attendance"))
    build_tasks(bulk, cal, world, roster, rng("tasks"))
    say(_("Night log, handovers, attendance and tasks"))
    stock = build_stock(bulk, cal, world, rng("stock"), tail)
    build_canteen_and_listings(bulk, cal, world, roster, rng("canteen"))
    say(_("Stock, canteen and listings"))
    build_records(bulk, cal, world, roster, rng("records"), maker.registered_per_day,
                  cashier.payments_per_day)
    say(_("Work records, summaries, assessments and deadlines met"))

    with changes.write():
        seeded = sorted((t, n) for t, n in bulk.counts.items() if n)
        bulk.insert(ChangeLog, ("office", "at", "staff", "topic", "row_id", "action", "detail"),
                    [(world.office_id, cal.now, None, table, None, "seed",
                      json.dumps({"rows": count})) for table, count in seeded])
    bulk.fix_sequences()
    counts = bulk.counts
    say(_("Saving the office"))
    return DemoSummary(
        office_id=world.office_id,
        demo_clerk_id=world.demo_clerk,
        offices=counts["office"],
        districts=counts["district"],
        buildings=counts["building"],
        units=counts["unit"],
        owners=counts["owner"],
        staff=counts["staff"],
        orders=counts["repair_order"],
        open_orders=maker.open_orders,
        service_entries=counts["service_entry"],
        callbacks=complaints["callbacks"] + maker.callbacks,
        complaints=complaints["complaints"],
        charges=money.charges,
        payments=money.payments,
        receipts=money.receipts,
        cash_sessions=money.cash_sessions,
        bank_deposits=money.bank_deposits,
        undeposited_today=money.undeposited_today,
        night_log_entries=night["night_log_entries"],
        handovers=night["handovers"],
        attendance_events=attendance,
        tasks=counts["task"],
        stock_moves=stock["stock_moves"],
    )
