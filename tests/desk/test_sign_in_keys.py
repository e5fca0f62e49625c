"""Keys at the sign-in land where the clerk typed them, however fast they come: the same keys
sent at once (``burst``: typed before the names were read, or over a laggy link) and one
by one (``pilot.press``) choose the same person and put the same digits in the PIN; a
PIN pasted is inserted once. (The old form moved to the PIN after the digits behind Enter
had gone to the names.)"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.screens.desk.sign_in import SignInScreen
from deskterm.screens.kit.inputs import PinInput
from tests.desk_app import desk_app, wait_until
from tests.factories import MORNING, small_office
from tests.pilot_keys import burst, paste

KEYS = ["down", "enter", "1", "2", "3"]


@pytest.fixture
def so(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


async def after_keys(so, how: str, *, wait_for_names: bool):
    app = desk_app(so, signed_in=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen)
                         and app.screen.is_mounted)
        screen = app.screen
        if wait_for_names:
            await wait_until(pilot, lambda: screen.is_loaded)
        if how == "burst":
            await burst(pilot, *KEYS)
        else:
            await pilot.press(*KEYS)
        await wait_until(pilot, lambda: screen.is_loaded)
        person = screen.highlighted_person()
        return (person.id if person else None, screen.query_one("#sign-in-pin", Input).value,
                getattr(app.focused, "id", None))


async def test_a_burst_lands_as_slow_typing_does(so):
    slow = await after_keys(so, "press", wait_for_names=True)
    assert slow == (so.supervisor.id, "123", "sign-in-pin")
    assert await after_keys(so, "burst", wait_for_names=True) == slow
    # typed before the names came: the keys wait for them
    assert await after_keys(so, "burst", wait_for_names=False) == slow


async def test_a_pasted_pin_is_inserted_once(so):
    app = desk_app(so, signed_in=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen)
                         and app.screen.is_loaded)
        await pilot.press("enter")
        pin = app.screen.query_one("#sign-in-pin", PinInput)
        await wait_until(pilot, lambda: app.focused is pin)
        await paste(pilot, pin, "1234")
        await wait_until(pilot, lambda: pin.value != "")
        assert pin.value == "1234"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.session.staff is not None)
        assert app.session.staff.id == so.clerk.id
