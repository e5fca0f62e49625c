"""The F6 cash screen (deskterm.screens.cashdesk.cash, cash_forms) driven with keys at 80×24
on SQLite and PostgreSQL: the float counted in, a deposit, the blind count at close and a
difference beyond the limit, each checked in the database; refusals store nothing."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, Static

from deskterm.db.models import BankDeposit, CashEntry, CashSession, ChangeLog
from deskterm.duties.cashdesk import cash
from deskterm.screens.cashdesk.cash import CashScreen, open_cash
from deskterm.screens.cashdesk.cash_forms import CloseDrawerForm, DepositForm, OpenDrawerForm
from tests.cashdesk.test_cash import take_cash
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import PIN, small_office

NOW = "2026-11-26T08:30:00"  # 16:30 in Shanghai: time to count and bank


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(NOW)
    return small_office()


def text(screen) -> str:
    """Everything the screen's plain-text lines say (hidden ones left out)."""
    return "\n".join(str(w.content) for w in screen.query(Static)
                     if w.display and type(w) is Static)


async def start(app, pilot) -> CashScreen:
    await panes_loaded(pilot)
    screen = open_cash(app)
    assert screen is not None
    await wait_until(pilot, lambda: screen.loads > 0)
    await pilot.pause()
    return screen


async def reloaded(pilot, screen: CashScreen, loads: int) -> None:
    await wait_until(pilot, lambda: screen.loads > loads and pilot.app.screen is screen)
    await pilot.pause()


async def to_box(pilot, box_id: str) -> None:
    for _ in range(30):
        if pilot.app.screen.focused is not None and pilot.app.screen.focused.id == box_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"never reached #{box_id}")


def drawer_row(so) -> CashSession | None:
    return CashSession.get_or_none(CashSession.clerk == so.clerk)


# --- opening -------------------------------------------------------------------------------------

async def test_no_drawer_today_the_float_form_opens_by_itself(so):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, OpenDrawerForm))
        await pilot.press(*"abc", "enter")  # not an amount: said under the float
        form = app.screen
        await wait_until(pilot, lambda: "Not an amount" in text(form))
        assert drawer_row(so) is None
        # Esc on a form with something typed asks first: d throws it away. Nothing stored;
        # the drawer view says how to open it.
        await pilot.press("escape", "d")
        await wait_until(pilot, lambda: app.screen is screen)
        assert "not open today" in text(screen) and drawer_row(so) is None
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, OpenDrawerForm))
        await pilot.press(*"300", "enter")
        await reloaded(pilot, screen, 1)
        assert "Float           ¥300.00" in text(screen)
    row = drawer_row(so)
    assert (row.state, row.opening_float, row.day.isoformat()) == ("open", 30000, "2026-11-26")
    assert CashEntry.get(CashEntry.session == row).amount == 30000


async def test_the_float_by_notes_and_coins(so):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, OpenDrawerForm))
        form = app.screen
        await to_box(pilot, "cash-open-d10000")
        await pilot.press("2", "enter")  # Enter moves to the next note, never saves
        assert app.screen is form and app.screen.focused.id == "cash-open-d5000"
        await pilot.press("1")
        await to_box(pilot, "cash-open-d1000")
        await pilot.press(*"4", "tab", "tab", *"7", "tab", *"３")  # full-width digits too
        await wait_until(pilot, lambda: "= ¥298.50" in text(form))
        assert drawer_row(so) is None
        await pilot.press("ctrl+s")
        await reloaded(pilot, screen, 1)
    assert drawer_row(so).opening_float == 29850
    assert ChangeLog.select().where(ChangeLog.action == "count").count() == 1


async def test_o_and_c_say_why_not(so):
    app = desk_app(so)
    cash.open_session(so.office, so.clerk, "300")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is screen and "already open today" in text(screen)
        cash.close_session(so.office, so.clerk, "300")
        screen.reload()
        await reloaded(pilot, screen, 1)
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen and "no open cash drawer" in text(screen)
        await pilot.press("d")
        await pilot.pause()
        assert "No cash is waiting" in text(screen)
        assert "Expected        ¥300.00" in text(screen)  # counted: the figures show now
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_not_signed_in_opens_nothing(so):
    app = desk_app(so, signed_in=False)
    async with app.run_test(size=(80, 24)):
        assert open_cash(app) is None


# --- the bank --------------------------------------------------------------------------------------

async def test_deposit_prefilled_with_all_the_cash_waiting(so):
    session = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, session, 12345)
    cash.record_deposit(so.office, so.clerk, "0.45", "S-0", bank="工商银行翠湖支行")
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        assert "For the bank: ¥123.00" in text(screen)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DepositForm))
        form = app.screen
        assert form.query_one("#cash-deposit-amount", Input).value == "123.00"
        assert form.query_one("#cash-deposit-bank", Input).value == "工商银行翠湖支行"
        await pilot.press(*"S-0", "enter")  # that slip is recorded already
        await wait_until(pilot, lambda: "recorded already" in text(form))
        assert BankDeposit.select().count() == 1
        await pilot.press("ctrl+a", "ctrl+k", *"S-1", "ctrl+s")
        await reloaded(pilot, screen, 1)
        assert "All cash taken is in the bank" in text(screen)
    deposit = BankDeposit.get(BankDeposit.slip_number == "S-1")
    assert (deposit.amount, deposit.bank, deposit.deposited_by_id) == (12300, "工商银行翠湖支行",
                                                                       so.clerk.id)
    assert cash.drawer(so.office, session.id).deposited == 12345


# --- the blind count -------------------------------------------------------------------------------

async def test_close_is_a_blind_count(so):
    session = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, session, 12345)
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        assert "¥423.45" not in text(screen)  # no expected figure before the count
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CloseDrawerForm))
        form = app.screen
        assert "Expected" not in text(form) and "423" not in text(form)
        await pilot.press(*"423.50", "enter")
        await wait_until(pilot, lambda: form.result is not None)
        shown = text(form)
        assert "Expected ¥423.45 · counted ¥423.50 · difference +¥0.05 (over)" in shown
        assert "Drawer closed" in shown
        await pilot.press("enter")
        await reloaded(pilot, screen, 1)
        assert "Difference      +¥0.05" in text(screen)
    row = CashSession.get_by_id(session.id)
    assert (row.state, row.counted, row.difference) == ("closed", 42350, 5)


async def test_beyond_the_limit_asks_reason_supervisor_and_pin(so):
    session = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, session, 12345)
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CloseDrawerForm))
        form = app.screen
        assert not form.query_one("#cash-close-approval").display
        await to_box(pilot, "cash-close-d10000")
        await pilot.press("3")
        await to_box(pilot, "cash-close-d2000")
        await pilot.press("2")
        await wait_until(pilot, lambda: "= ¥340.00" in text(form))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form.query_one("#cash-close-approval").display)
        assert "Expected ¥423.45 · counted ¥340.00 · difference -¥83.45 (short)" in text(form)
        assert form.query_one("#cash-close-d10000", Input).disabled  # the count is frozen
        assert CashSession.get_by_id(session.id).state == "open"
        assert form.query_one("#cash-close-approver", Select).value == so.supervisor.id
        await pilot.press("ctrl+s")  # no reason yet
        await wait_until(pilot, lambda: "Say why" in text(form))
        assert app.screen.focused.id == "cash-close-reason"
        await pilot.press(*"[red]少了[/red]")
        await to_box(pilot, "cash-close-pin")
        await pilot.press(*"9999", "ctrl+s")
        await wait_until(pilot, lambda: "Wrong PIN" in text(form))
        assert form.query_one("#cash-close-pin", Input).value == ""
        assert CashSession.get_by_id(session.id).state == "open"
        await pilot.press(*PIN, "ctrl+s")
        await wait_until(pilot, lambda: form.result is not None)
        await pilot.press("escape")
        await reloaded(pilot, screen, 1)
        assert "[red]少了[/red]" in text(screen) and "approved by 刘芳" in text(screen)
    row = CashSession.get_by_id(session.id)
    assert (row.state, row.counted, row.difference) == ("closed", 34000, -8345)
    assert (row.difference_reason, row.difference_approved_by_id) == ("[red]少了[/red]",
                                                                      so.supervisor.id)


async def test_yesterdays_drawer_left_open_is_closed_first(so, frozen_clock):
    frozen_clock("2026-11-25T01:00:00")
    old = cash.open_session(so.office, so.clerk, "300")
    frozen_clock(NOW)
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        assert "Drawer of Wed 11-25" in text(screen) and "Left open" in text(screen)
        await pilot.press("o")
        await pilot.pause()
        assert "close it first" in text(screen)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CloseDrawerForm))
        await pilot.press(*"300", "enter")
        await wait_until(pilot, lambda: app.screen.result is not None)
        await pilot.press("enter")  # back, and today's float is asked for straight away
        await wait_until(pilot, lambda: isinstance(app.screen, OpenDrawerForm))
        await pilot.press(*"200", "enter")
        await reloaded(pilot, screen, 2)
        assert "Drawer of Thu 11-26" in text(screen)
    assert CashSession.get_by_id(old.id).state == "closed"
    assert cash.my_session(so.office, so.clerk).opening_float == 20000
