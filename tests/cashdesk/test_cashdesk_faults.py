"""The cash desk's forms and books when the database has a bad day, on SQLite and
PostgreSQL: a lock held past the busy timeout by another program, a full database, the
server stopped and started again. One form of each family (the payment F3, the F6 drawer's
close, the void of a receipt, an ad-hoc charge and the month's charges) meets them during
its save, the void form during its load too; a book meets them during its write (the fee summary handed over) and
its read (a unit's account). Each time the desk keeps running, what was typed is still
there, the form or the book says what happened in the clerk's words (no driver text), and
the same key saves (or reads) once it is over."""

from __future__ import annotations

import contextlib

import pytest

from deskterm.db import changes
from deskterm.db.models import (
    CashSession,
    Charge,
    DeadlineDone,
    Payment,
    ReceiptVoid,
    Unit,
    database,
)
from deskterm.screens.cashdesk.charge_generation import open_charge_generation
from deskterm.screens.cashdesk.fee_summary import FeeSummaryScreen, open_fee_summary
from deskterm.screens.cashdesk.unit_account import UnitAccountScreen, open_unit_account
from tests.cashdesk.counter import (
    charge_form,
    close_form,
    counter_office,
    error,
    focus_id,
    payment_form,
    typed,
    values,
    void_form,
)
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, PIN
from tests.faults import database_full, driver_text_in, server_down, write_lock_held
from tests.fee_rows import fee_office

pytestmark = pytest.mark.both_databases

SIZE = (80, 24)
BUSY = "the database is busy"
UNREACHABLE = "cannot be reached"
#: The longest note a charge takes (200 characters).
LONG_NOTE = "漏水" * 100


@pytest.fixture
def counter(desk_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    return counter_office()


def postgres_only(desk_db, pg_server) -> None:
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")


def fresh(db) -> None:
    """The test's own connection, cut when the server stopped, opened anew."""
    with contextlib.suppress(Exception):
        db.close()


def form_error(screen) -> str:
    return error(screen, "form") if screen.is_mounted else ""


async def refused_then_saved(pilot, screen, fault, words: str, kept, stored) -> None:
    """ctrl+s during ``fault``: said on the form's line in the clerk's words, ``kept()``
    unchanged, nothing stored (``stored()`` unchanged); after it, ctrl+s saves."""
    before, count = kept(), stored()
    with fault:
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form_error(screen) != "" and not screen.saving)
        assert words in form_error(screen) and not driver_text_in(form_error(screen))
        assert kept() == before and pilot.app.screen is screen
    fresh(database)
    assert stored() == count  # nothing half stored (asked once the database is back)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: stored() > count)


# --- F3: the payment -----------------------------------------------------------------------------

async def _payment(pilot):
    screen = await payment_form(pilot)
    await pilot.press(*"3-2-501", "enter")
    await wait_until(pilot, lambda: screen.table.row_count == 2 and not screen.reading_dues)
    await pilot.press("1", "tab", *"500")  # cash
    return screen


def _payment_typed(screen):
    return screen.unit, typed(screen, "payer"), typed(screen, "tendered"), screen.table.total()


async def test_a_payment_meets_a_lock_held_past_the_busy_timeout(counter, desk_db):
    app = desk_app(counter.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _payment(pilot)
        await refused_then_saved(pilot, screen, write_lock_held(desk_db), BUSY,
                                 lambda: _payment_typed(screen), Payment.select().count)
    payment = Payment.select().order_by(Payment.id.desc()).get()
    assert (payment.amount, payment.tendered, payment.change_given) == (41868, 50000, 8132)


async def test_a_payment_meets_the_server_stopped(counter, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(counter.so)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _payment(pilot)
        await refused_then_saved(pilot, screen, server_down(pg_server), UNREACHABLE,
                                 lambda: _payment_typed(screen), Payment.select().count)


# --- F6: the blind count --------------------------------------------------------------------------

async def test_the_close_count_meets_a_lock_and_is_kept(counter, desk_db):
    app = desk_app(counter.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await close_form(pilot)
        # The float ¥300.00 and ¥268.68 taken, less ¥0.45 banked: counted by notes and
        # coins (5 × ¥100, 1 × ¥50, 1 × ¥10, 8 × ¥1, 2 × 1 jiao, 3 × 1 fen).
        for name, count in (("d10000", "5"), ("d5000", "1"), ("d1000", "1"), ("d100", "8"),
                            ("d10", "2"), ("d1", "3")):
            form.set_focus(form.widget(name))
            await pilot.press(*count)
        await wait_until(pilot, lambda: "= ¥568.23" in str(form.query_one(
            "#cash-close-sum").content))

        def closed() -> int:
            return CashSession.select().where(CashSession.state != "open").count()

        await refused_then_saved(pilot, form, write_lock_held(desk_db), BUSY,
                                 lambda: values(form, "d10000", "d100", "d1"), closed)
        assert (form.result.counted, form.result.difference) == (56823, 0)


# --- a receipt voided -----------------------------------------------------------------------------

async def test_the_void_meets_a_lock_and_keeps_the_pin(counter, desk_db):
    app = desk_app(counter.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await void_form(pilot, counter)
        await pilot.press(*"wrong amount", "enter", "tab", *PIN)
        with write_lock_held(desk_db):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: form_error(form) != "" and not form.saving)
            assert BUSY in form_error(form) and not driver_text_in(form_error(form))
            assert values(form, "reason", "approver", "pin") == {
                "reason": "wrong amount", "approver": counter.so.supervisor.id, "pin": PIN}
            assert ReceiptVoid.select().count() == 0
        await pilot.press("ctrl+s")  # nothing refused the PIN: the same key voids
        await wait_until(pilot, lambda: app.screen is not form)
    assert ReceiptVoid.get().reason == "wrong amount"


async def test_the_void_form_opens_while_the_server_is_down(counter, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(counter.so)
    async with app.run_test(size=SIZE) as pilot:
        await desk_ready(pilot)
        from deskterm.duties.cashdesk.receipt_text import receipt_view
        from deskterm.screens.cashdesk.receipt import VoidForm

        view = receipt_view(counter.so.office, counter.receipt_id)
        with server_down(pg_server):
            form = VoidForm(app.session, view)
            app.push_screen(form)
            await wait_until(pilot, lambda: app.screen is form and "Could not load"
                             in form_error(form))
            assert not driver_text_in(form_error(form))
            await pilot.press(*"wrong amount", "enter", "tab", *PIN)  # typed all the same
            assert typed(form, "reason") == "wrong amount"
        await wait_until(pilot, lambda: "Database" not in app.dashboard.query_one(
            "StatusLine").trouble, timeout=20)
        # The form reads the approvers again by itself (until then ctrl+s would only read
        # again); the clerk went past their empty choice, so it is left to them (nothing
        # read later fills a field the clerk has moved past).
        await wait_until(pilot, lambda: form.is_loaded and not form.load_failed)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Choose a supervisor" in error(form, "approver"))
        assert focus_id(app) == "vf-approver" and typed(form, "reason") == "wrong amount"
        await pilot.press("enter", "down", "enter", "tab", *PIN, "ctrl+s")
        await wait_until(pilot, lambda: app.screen is not form)
    fresh(database)
    assert ReceiptVoid.get().approved_by_id == counter.so.supervisor.id


# --- an ad-hoc charge ----------------------------------------------------------------------------

async def _water_reading(pilot, counter):
    form = await charge_form(pilot, counter)
    form.set_value("fee_item", counter.parking_id)
    form.set_focus(form.widget("amount"))
    await pilot.press(*"150")
    form.set_focus(form.widget("note"))
    form.widget("note").insert_text_at_cursor(LONG_NOTE)
    return form


def _charge_typed(form):
    return values(form, "fee_item", "period", "amount", "note")


async def test_a_charge_meets_a_lock(counter, desk_db):
    app = desk_app(counter.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await _water_reading(pilot, counter)
        await refused_then_saved(pilot, form, write_lock_held(desk_db), BUSY,
                                 lambda: _charge_typed(form), Charge.select().count)
    assert Charge.select().order_by(Charge.id.desc()).get().note == LONG_NOTE


async def test_the_months_charges_meet_a_full_database(desk_db, frozen_clock):
    """No form of the cash desk takes a text longer than a page; generating a month's
    charges for 80 units writes many rows, which need pages of their own."""
    frozen_clock(MORNING)
    fo = fee_office()
    with changes.write():
        for room in range(601, 681):
            Unit.create(office=fo.office, building=fo.so.building, entrance="2",
                        room=str(room), code=f"3-2-{room}", area_centi_m2=9000 + room)
    app = desk_app(fo.so, watch=False)

    def generated() -> int:
        return Charge.select().where(Charge.period == "2026-11").count()

    async with app.run_test(size=SIZE) as pilot:
        await desk_ready(pilot)
        form = open_charge_generation(app)
        await wait_until(pilot, lambda: app.screen is form and form.settled)
        await refused_then_saved(pilot, form, database_full(desk_db), "the database is full",
                                 lambda: typed(form, "period"), generated)
        await wait_until(pilot, lambda: form.settled)
    assert generated() == 82  # 80 new units, 3-2-501 and 3-2-502 (3-2-503 has no area)


# --- the books: a write, a read ---------------------------------------------------------------------

def _message(screen) -> str:
    found = screen.query(f"#{screen.PREFIX}-message")
    return str(found.first().content) if found else ""


async def test_handing_the_summary_over_meets_a_lock(counter, desk_db):
    app = desk_app(counter.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await desk_ready(pilot)
        screen = open_fee_summary(app, "month")
        await wait_until(pilot, lambda: isinstance(app.screen, FeeSummaryScreen)
                         and screen.loads == 1)
        figures = str(screen.query_one("#fs-figures").content)
        with write_lock_held(desk_db):
            await pilot.press("h")
            await wait_until(pilot, lambda: _message(screen) != "")
            assert BUSY in _message(screen) and not driver_text_in(_message(screen))
            assert str(screen.query_one("#fs-figures").content) == figures
            assert DeadlineDone.select().count() == 0
        await pilot.press("h")
        await wait_until(pilot, lambda: screen.loads == 2)
        assert DeadlineDone.select().count() == 1 and _message(screen) == ""
        assert "handed over" in str(screen.query_one("#fs-title").content)


async def test_an_account_read_while_the_server_is_down(counter, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(counter.so)
    async with app.run_test(size=SIZE) as pilot:
        await desk_ready(pilot)
        with server_down(pg_server):
            screen = open_unit_account(app, counter.so.unit.id)
            await wait_until(pilot, lambda: isinstance(app.screen, UnitAccountScreen)
                             and "Could not load" in _message(screen))
            assert not driver_text_in(_message(screen)) and screen.account is None
        await wait_until(pilot, lambda: "Database" not in app.dashboard.query_one(
            "StatusLine").trouble, timeout=20)
        # The database is back: the account is read again without a key.
        await wait_until(pilot, lambda: screen.loads == 1)
        assert screen.account.code == "3-2-501" and _message(screen) == ""
