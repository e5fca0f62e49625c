"""Forms built ahead (``kit/prebuilt.py``, issue #15): F2, F3, F7 and F8 are composed in
idle time, and each key hands out one nobody has typed in — no value, error, draft or
focus left from the call before — started as it opens (focus, load, draft offer); keys
typed in a burst with the key land in its first field, as with a form built on the key."""

from __future__ import annotations

import pytest

from deskterm.screens.kit.asking import DiscardQuestion, DraftOffer
from deskterm.screens.kit.prebuilt import FORMS
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning
from tests.pilot_keys import burst

KEYS = dict(zip(("f2", "f3", "f7", "f8"), FORMS, strict=True))


@pytest.fixture
def office(desk_db, frozen_clock, tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_DRAFTS_DIR", str(tmp_path / "drafts"))
    frozen_clock(MORNING)
    return busy_morning("电梯异响")


async def built_ahead(pilot, name: str):
    """The form ``name`` built ahead and mounted, not shown."""
    app = pilot.app
    await wait_until(pilot, lambda: name in app.ahead.ready and app.ahead.ready[name].mounted)
    form = app.ahead.ready[name]
    assert not form.opened and form.id is None and form not in app.screen_stack
    return form


async def opened(pilot, key: str):
    """``key`` pressed with its form built ahead: the form, shown and loaded."""
    app = pilot.app
    form = await built_ahead(pilot, KEYS[key])
    await pilot.press(key)
    await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
    return form


def shown_errors(form) -> list[str]:
    return [str(line.content) for line in form.query(".kit-error.-shown")]


@pytest.mark.parametrize("key", list(KEYS))
async def test_the_next_call_gets_a_form_with_nothing_of_the_last(office, key):
    app = desk_app(office, watch=False, build_ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        first = await opened(pilot, key)
        assert first.built_ahead and first.opened
        opened_with = first.kept_values()
        start = app.focused
        assert start is not None and start is first.first_focus()
        # The clerk types what the roster does not know (a caller form puts it in the
        # name, the payment says so), saves too early (refused), and throws it away.
        await pilot.press(*"zzq9")
        await wait_until(pilot, lambda: getattr(start, "value", "") == "zzq9")
        await pilot.press("enter")
        await wait_until(pilot, lambda: first.kept_values() != opened_with
                         or shown_errors(first))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: shown_errors(first))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DiscardQuestion)
                         or app.screen is app.dashboard)
        if isinstance(app.screen, DiscardQuestion):  # something typed in its fields
            await pilot.press("d")
        await wait_until(pilot, lambda: app.screen is app.dashboard)

        second = await opened(pilot, key)
        assert second is not first
        assert second.kept_values() == opened_with
        assert shown_errors(second) == []
        assert not second.saving and not second.touched()
        assert app.focused is second.first_focus()
        assert getattr(app.focused, "value", None) == ""
        assert not isinstance(app.screen, DraftOffer)  # the draft was thrown away
        await pilot.press("escape")  # untouched: closes without asking
        await wait_until(pilot, lambda: app.screen is app.dashboard)


@pytest.mark.parametrize("key", list(KEYS))
async def test_keys_typed_with_the_key_land_in_the_first_field(office, key):
    app = desk_app(office, watch=False, build_ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = await built_ahead(pilot, KEYS[key])
        await burst(pilot, key, *"3-2-501")
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
        assert app.focused is form.first_focus()
        await wait_until(pilot, lambda: app.focused.value == "3-2-501")


async def test_a_form_opened_with_its_caller_is_built_beside_the_one_ahead(office):
    """A ringing call's F2 (or any form opened with arguments) builds its own form, and
    the one built ahead stays for the next call."""
    from deskterm.screens.kit.caller import KnownCaller
    from deskterm.screens.kit.opening import open_screen
    from deskterm.screens.repairs.call_intake import CallIntakeScreen

    app = desk_app(office, watch=False, build_ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        ahead = await built_ahead(pilot, KEYS["f2"])
        known = KnownCaller(phone="13812345678", name="张三", unit_code="3-2-501")
        form = open_screen(app, CallIntakeScreen, caller=known)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
        assert form is not ahead and form.id == "call-intake"
        assert form.value("name") == "张三"
        assert app.ahead.ready[KEYS["f2"]] is ahead and not ahead.opened


async def test_nothing_is_looked_at_while_a_book_is_open_then_built_after(office):
    """With a screen on top that is neither the dashboard nor a form (a book, help), the
    building waits for the screen to change, with no timer asking every 0.2 s (the
    desk's idle CPU, issue #15); back on the dashboard, the form is built."""
    import asyncio

    from deskterm.screens.desk.help import HelpScreen
    from deskterm.screens.kit.prebuilt import Ahead

    app = desk_app(office, watch=False)  # no forms of its own built ahead
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await app.push_screen(HelpScreen())
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        ahead = Ahead(app, forms=(KEYS["f2"],))
        ahead.soon()
        await wait_until(pilot, lambda: ahead._listening)
        await asyncio.sleep(0.5)
        await pilot.pause()
        assert ahead._timer is None and not ahead.ready
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        name = KEYS["f2"]
        await wait_until(pilot, lambda: name in ahead.ready and ahead.ready[name].mounted)
        form = ahead.ready[name]
        ahead.stop()
        await form.remove()  # not the app's own: closed here, not as the app closes
        await wait_until(pilot, lambda: not form.is_running)
