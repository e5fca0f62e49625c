"""The repair desk's forms and books when the database has a bad day, on SQLite and
PostgreSQL: a lock held past the busy timeout by another program, a full database, the
server stopped and started again. One representative a family:

- the callback form (F4: a DeskForm with a choice field of its own), saving and loading;
- the detail's sub-forms (``ActionForm``: the order's return, saving; the dispatch,
  loading its technicians);
- the details (``kit.detail.DetailScreen``: the order's, reading);
- the books (``TableBook``: the Monday approval's act, the complaint list's read).

Each time the desk keeps running, what was typed or chosen stays, a message says what
happened in the clerk's words (no driver text), and the same key works once it is over.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select, Static

from deskterm.db import changes
from deskterm.db.models import Callback, RepairOrder, Staff
from deskterm.duties.pins import hash_pin
from deskterm.duties.repairs import complaints
from deskterm.screens.repairs.approval import open_approval
from deskterm.screens.repairs.callback_form import CallbackFormScreen
from deskterm.screens.repairs.complaint_list import open_complaint_list
from deskterm.screens.repairs.order_actions import DispatchScreen, ReturnScreen
from deskterm.screens.repairs.order_detail import OrderDetailScreen, open_order_detail
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning, order
from tests.faults import LONG_TEXT, database_full, driver_text_in, server_down, write_lock_held

pytestmark = pytest.mark.both_databases

MANAGER_PIN = "9876"
FAULTS = {
    "lock": (write_lock_held, "the database is busy"),
    "full": (database_full, "the database is full"),
}


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("电梯异响")


def on_postgres(desk_db, pg_server) -> None:
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def status(app) -> str:
    return app.dashboard.query_one("StatusLine").trouble


async def over(pilot, db) -> None:
    """The outage is over: the status line (the change watcher's probe) says so and the
    panes have read again; the test's own connection, cut with the server, is closed."""
    app = pilot.app
    await wait_until(pilot, lambda: status(app) == "", timeout=20)
    await wait_until(pilot, lambda: not any(p.stale for p in app.dashboard.panes))
    if not db.is_closed():
        db.close()


def returned_order(so) -> RepairOrder:
    return RepairOrder.get((RepairOrder.office == so.office) & (RepairOrder.state == "returned"))


def dispatched_order(so) -> RepairOrder:
    return RepairOrder.select().where((RepairOrder.office == so.office)
                                      & (RepairOrder.state == "dispatched")).first()


# --- the callback form -------------------------------------------------------------------------

async def open_callback(pilot, so, results: list) -> CallbackFormScreen:
    app = pilot.app
    screen = CallbackFormScreen(app.session, "order", returned_order(so).id)
    app.push_screen(screen, callback=results.append)
    await wait_until(pilot, lambda: app.screen is screen and screen.is_loaded)
    return screen


def chosen(screen) -> tuple:
    return screen.value("outcome"), screen.value("note"), screen.inspection()


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_callback_meets_a_lock_or_a_full_database(office, desk_db, fault):
    make, words = FAULTS[fault]
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = await open_callback(pilot, office, results)
        await pilot.press("2", "shift+tab", "a", "n")  # not satisfied; all yes but the last
        screen.set_value("note", LONG_TEXT)  # a note longer than a page: the write grows
        before, count = chosen(screen), Callback.select().count()
        with make(desk_db):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: shown(screen, "#callback-error-form") != ""
                             and not screen.saving)
            message = shown(screen, "#callback-error-form")
            assert words in message and not driver_text_in(message)
            assert chosen(screen) == before and app.screen is screen and results == []
            assert Callback.select().count() == count
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
    assert (results[0].outcome, results[0].note, results[0].charge_as_quoted) == (
        "not_satisfied", LONG_TEXT, False)


async def test_a_callback_while_the_server_is_down(office, desk_db, pg_server):
    on_postgres(desk_db, pg_server)
    app = desk_app(office)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        row = returned_order(office)
        with server_down(pg_server):
            # Opened while the server is down: the subject cannot be read; the form works.
            screen = CallbackFormScreen(app.session, "order", row.id)
            app.push_screen(screen, callback=results.append)
            await wait_until(pilot, lambda: app.screen is screen and screen.is_mounted
                             and "Could not load" in shown(screen, "#callback-error-form"))
            await pilot.press("3", "tab", *"下午再打")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "cannot be reached" in shown(
                screen, "#callback-error-form") and not screen.saving)
            assert not driver_text_in(shown(screen, "#callback-error-form"))
            assert chosen(screen) == ("unreachable", "下午再打", None) and results == []
        await over(pilot, desk_db)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
    assert (results[0].outcome, results[0].note) == ("unreachable", "下午再打")


# --- the detail's sub-forms ----------------------------------------------------------------------

async def open_detail(pilot, order_id: int) -> OrderDetailScreen:
    app = pilot.app
    screen = open_order_detail(app, order_id)
    await wait_until(pilot, lambda: app.screen is screen and screen.loaded)
    return screen


def typed_return(form) -> tuple:
    return tuple(form.value(name) for name in ("work_done", "materials", "charge", "result",
                                               "owner_note", "signed_at"))


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_return_meets_a_lock_or_a_full_database(office, desk_db, fault):
    make, words = FAULTS[fault]
    row = dispatched_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        detail = await open_detail(pilot, row.id)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen))
        form = app.screen
        form.set_value("work_done", LONG_TEXT)
        form.set_value("result", "done")
        form.set_value("owner_note", "satisfied")
        form.set_value("charge", "35.5")
        before = typed_return(form)
        with make(desk_db):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: shown(form, "#return-error-form") != ""
                             and not form.saving)
            message = shown(form, "#return-error-form")
            assert words in message and not driver_text_in(message)
            assert typed_return(form) == before and app.screen is form
            assert RepairOrder.get_by_id(row.id).state == "dispatched"
        loads = detail.loads
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is detail and detail.loads > loads)
    stored = RepairOrder.get_by_id(row.id)
    assert (stored.state, stored.work_done, stored.charge) == ("returned", LONG_TEXT, 3550)


async def test_a_return_and_a_dispatch_while_the_server_is_down(office, desk_db, pg_server):
    on_postgres(desk_db, pg_server)
    row = dispatched_order(office)
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        detail = await open_detail(pilot, row.id)
        with server_down(pg_server):
            await pilot.press("r")
            await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen)
                             and app.screen.is_mounted)
            form = app.screen
            await pilot.press(*"换阀芯")
            form.set_value("result", "done")
            form.set_value("owner_note", "not_signed")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "cannot be reached" in shown(
                form, "#return-error-form") and not form.saving)
            assert form.value("work_done") == "换阀芯"
        await over(pilot, desk_db)
        loads = detail.loads
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is detail and detail.loads > loads)
        assert RepairOrder.get_by_id(row.id).state == "returned"
        # The dispatch of another order, opened while the server is down: its technicians
        # cannot be read; the time typed stays, and they are read once it is over.
        other = dispatched_order(office)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        detail = await open_detail(pilot, other.id)
        with server_down(pg_server):
            await pilot.press("d")
            await wait_until(pilot, lambda: isinstance(app.screen, DispatchScreen)
                             and app.screen.is_mounted)
            form = app.screen
            await wait_until(pilot, lambda: "Could not load" in shown(
                form, "#dispatch-error-form"))
            assert not driver_text_in(shown(form, "#dispatch-error-form"))
            form.set_value("appointment", "15:30")
        await over(pilot, desk_db)
        # The database is back: the form reads its technicians again by itself.
        await wait_until(pilot, lambda: form.value("technician") == office.technician.id)
        assert shown(form, "#dispatch-error-form") == ""
        assert form.value("appointment") == "15:30"
        loads = detail.loads
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is detail and detail.loads > loads)
    assert RepairOrder.get_by_id(other.id).appointment_at == dt.datetime(2026, 11, 26, 7, 30)


# --- the details ------------------------------------------------------------------------------

async def test_an_order_opened_while_the_server_is_down(office, desk_db, pg_server):
    on_postgres(desk_db, pg_server)
    row = dispatched_order(office)
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        with server_down(pg_server):
            screen = open_order_detail(app, row.id)
            await wait_until(pilot, lambda: screen.loaded)
            message = shown(screen, "#od-message")
            assert "Could not load" in message and not driver_text_in(message)
            await pilot.press("r")  # nothing read: nothing opens
            assert app.screen is screen
        await over(pilot, desk_db)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.view is not None)
        assert row.number in shown(screen, "#od-title")
        assert shown(screen, "#od-message") == ""


# --- the books ------------------------------------------------------------------------------------

def batch(so, count: int) -> Staff:
    """A manager and ``count`` orders called back last week, waiting for the approval."""
    with changes.write():
        manager = Staff.create(office=so.office, name="赵建国", role="manager",
                               pin_hash=hash_pin(MANAGER_PIN), created_at=so.office.created_at)
    last_week = dt.datetime.fromisoformat(MORNING) - dt.timedelta(days=5)
    for _n in range(count):
        order(so, state="called_back", returned=last_week - dt.timedelta(hours=3),
              called_back_at=last_week, callback_on_time=True,
              text="厨房水龙头漏水，阀门也要换" * 4)
    return manager


async def open_batch(pilot, tmp_path):
    app = pilot.app
    screen = open_approval(app, folder=tmp_path)
    await wait_until(pilot, lambda: app.screen is screen and screen.rows
                     and screen.query_one("#ap-manager", Select).value is not Select.NULL)
    return screen


def approved() -> int:
    return RepairOrder.select().where(RepairOrder.state == "approved").count()


def kept(screen) -> tuple:
    return (screen.query_one("#ap-manager", Select).value, frozenset(screen.deselected),
            screen.query_one("#ap-table", DataTable).row_count)


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_an_approval_meets_a_lock_or_a_full_database(office, desk_db, fault, tmp_path):
    make, words = FAULTS[fault]
    batch(office, 40)  # forty change-log rows: more than a page
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = await open_batch(pilot, tmp_path)
        await pilot.press("space")  # the first one not this week
        before = kept(screen)
        with make(desk_db):
            screen.query_one("#ap-pin", Input).value = MANAGER_PIN
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: shown(screen, "#ap-message") != ""
                             and not screen.busy)
            message = shown(screen, "#ap-message")
            assert words in message and not driver_text_in(message)
            assert kept(screen) == before and app.screen is screen and approved() == 0
        screen.query_one("#ap-pin", Input).value = MANAGER_PIN  # a PIN is typed again
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Approved 39" in shown(screen, "#ap-result"))
    assert approved() == 39


async def test_books_while_the_server_is_down(office, desk_db, pg_server, tmp_path):
    on_postgres(desk_db, pg_server)
    batch(office, 3)
    complaints.record_complaint(office.office, office.clerk, complainant_name="王芳",
                                phone="13987654321", description="楼上装修太吵",
                                unit=office.unit, category="noise")
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = await open_batch(pilot, tmp_path)
        with server_down(pg_server):
            screen.query_one("#ap-pin", Input).value = MANAGER_PIN
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "cannot be reached" in shown(
                screen, "#ap-message") and not screen.busy)
            assert not driver_text_in(shown(screen, "#ap-message"))
            assert screen.query_one("#ap-table", DataTable).row_count == 3
        await over(pilot, desk_db)
        screen.query_one("#ap-pin", Input).value = MANAGER_PIN
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Approved 3" in shown(screen, "#ap-result"))
        screen.dismiss(screen.approved)
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        # A list opened while the server is down says so; ctrl+r reads it once it is over.
        with server_down(pg_server):
            listing = open_complaint_list(app)
            await wait_until(pilot, lambda: listing.loaded)
            message = shown(listing, "#cl-message")
            assert "Could not load" in message and not driver_text_in(message)
        await over(pilot, desk_db)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: listing.query_one("#cl-table", DataTable).row_count)
        assert shown(listing, "#cl-message") == ""
    assert approved() == 3
