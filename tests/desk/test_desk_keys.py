"""The function keys of the cash desk open their screens from the dashboard, and only
after sign-in: F3 a payment, F5 the handover, F6 the clerk's cash drawer."""

from __future__ import annotations

import pytest

from deskterm.screens.cashdesk.cash import CashScreen
from deskterm.screens.cashdesk.payment import PaymentScreen
from deskterm.screens.shift.handover import HandoverScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, small_office

OPENS = {"f3": PaymentScreen, "f5": HandoverScreen, "f6": CashScreen}


@pytest.fixture
def so(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


@pytest.mark.parametrize("key", sorted(OPENS))
async def test_the_key_opens_its_screen_and_escape_returns(so, key):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press(key)
        await wait_until(pilot, lambda: any(isinstance(s, OPENS[key])
                                            for s in app.screen_stack))
        for _ in range(3):  # a form the screen opens by itself (F6: count the float) first
            if app.screen is app.dashboard:
                break
            await pilot.press("escape")
            await pilot.pause()
        await wait_until(pilot, lambda: app.screen is app.dashboard)


@pytest.mark.parametrize("key", sorted(OPENS))
async def test_nothing_opens_before_sign_in(so, key):
    app = desk_app(so, signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = app.screen
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is before
