"""A cash desk at 10:05 on Thursday 2026-11-26 for the kit tests of the cash desk's forms
(keys, bursts, pastes, the database's bad days), and how to open each form on it.

The office (``tests.payment_factories``): 3-2-501 (张三) owes the property fee of 2026-01
(¥268.68) and parking of 2026-02 (¥150.00), paid the property fee of 2026-02 in cash
(receipt A0000001); the clerk 李静 has her receipt book and her drawer open; ¥0.45 of
that cash went to the 工商银行翠湖支行 (the bank the deposit form proposes).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Input

from deskterm.duties.cashdesk import cash
from deskterm.duties.cashdesk.payments import take_payment
from deskterm.duties.cashdesk.receipt_text import receipt_view
from deskterm.screens.cashdesk.cash import CashScreen, open_cash
from deskterm.screens.cashdesk.cash_forms import CloseDrawerForm, DepositForm
from deskterm.screens.cashdesk.charge_form import AdHocChargeScreen
from deskterm.screens.cashdesk.fee_item_form import FeeItemFormScreen
from deskterm.screens.cashdesk.payment import PaymentScreen, open_payment
from deskterm.screens.cashdesk.receipt import VoidForm
from tests.desk_app import desk_ready, wait_until
from tests.factories import SmallOffice, small_office
from tests.payment_factories import cash_office, charge, fee_item

BANK = "工商银行翠湖支行"


@dataclass
class Counter:
    so: SmallOffice
    receipt_id: int
    parking_id: int  # the parking fee item


def counter_office() -> Counter:
    so = small_office()
    jan, feb = cash_office(so, 26868, 26868)
    parking = fee_item(so, "PK", "停车管理费", "parking")
    charge(so, 15000, "2026-02", item=parking)
    paid = take_payment(so.office, so.clerk.id, unit_id=so.unit.id, lines=[(feb.id, 26868)],
                        method="cash", tendered=None, payer_name="张三")
    cash.record_deposit(so.office, so.clerk, "0.45", "S-0", bank=BANK)
    return Counter(so, paid.receipt_id, parking.id)


def values(screen, *names: str) -> dict:
    return {name: screen.query_one(f"#{screen.PREFIX}-{name}").value for name in names}


def focus_id(app) -> str:
    return getattr(app.focused, "id", "") or ""


async def on_top(pilot, kind):
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, kind) and app.screen.is_loaded
                     and app.focused is not None and app.focused.screen is app.screen)
    return app.screen


async def payment_form(pilot) -> PaymentScreen:
    await desk_ready(pilot)
    open_payment(pilot.app)
    return await on_top(pilot, PaymentScreen)


async def cash_form(pilot, key: str, kind):
    """The F6 screen, then ``key`` (d deposit, c close) and its form."""
    app = pilot.app
    await desk_ready(pilot)
    screen = open_cash(app)
    await wait_until(pilot, lambda: isinstance(app.screen, CashScreen) and screen.loads > 0)
    await pilot.press(key)
    return await on_top(pilot, kind)


async def deposit_form(pilot) -> DepositForm:
    return await cash_form(pilot, "d", DepositForm)


async def close_form(pilot) -> CloseDrawerForm:
    return await cash_form(pilot, "c", CloseDrawerForm)


async def void_form(pilot, counter: Counter) -> VoidForm:
    app = pilot.app
    await desk_ready(pilot)
    app.push_screen(VoidForm(app.session, receipt_view(counter.so.office, counter.receipt_id)))
    return await on_top(pilot, VoidForm)


async def fee_item_form(pilot) -> FeeItemFormScreen:
    app = pilot.app
    await desk_ready(pilot)
    app.push_screen(FeeItemFormScreen(app.session))
    return await on_top(pilot, FeeItemFormScreen)


async def charge_form(pilot, counter: Counter) -> AdHocChargeScreen:
    app = pilot.app
    await desk_ready(pilot)
    app.push_screen(AdHocChargeScreen(app.session, counter.so.unit.id, "3-2-501"))
    return await on_top(pilot, AdHocChargeScreen)


def typed(screen, name: str) -> str:
    return screen.query_one(f"#{screen.PREFIX}-{name}", Input).value


def error(screen, name: str) -> str:
    return str(screen.query_one(f"#{screen.PREFIX}-error-{name}").content)
