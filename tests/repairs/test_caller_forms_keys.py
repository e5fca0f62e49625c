"""The caller forms (F2 call intake, F7 complaint, F8 visitor) with keys in a burst, as a
fast typist or a laggy SSH link sends them: they land exactly as the same keys pressed one
by one; and a form's draft: Esc with text typed asks, k keeps a draft, the next opening
offers it back, d throws it away."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.screens.kit.asking import DiscardQuestion, DraftOffer
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from deskterm.screens.repairs.complaint_form import ComplaintFormScreen
from deskterm.screens.repairs.visit_form import VisitFormScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning
from tests.pilot_keys import burst

FORMS = {"ci": CallIntakeScreen, "cf": ComplaintFormScreen, "vf": VisitFormScreen}
BURSTS = {
    "picked": "z s enter n o i s y tab".split(),
    "unknown": ["Z", "h", "a", "o", "enter", *"12-1-302", "tab", "tab", *"abc"],
    "typed-fields": ["enter", *"Li", "tab", *"3-2-501", "tab", *"13812345678", "tab", *"x"],
}


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("电梯异响")


async def _typed(office, prefix, keys, *, at_once: bool, tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_DRAFTS_DIR", str(tmp_path / ("b" if at_once else "s")))
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = FORMS[prefix](app.session)
        app.push_screen(form)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
        if at_once:
            await burst(pilot, *keys)
        else:
            await pilot.press(*keys)
        await wait_until(pilot, lambda: not form.lookup._pick_when_ready)
        await pilot.pause()
        return {"values": form.kept_values(), "focus": app.focused.id if app.focused else None}


@pytest.mark.parametrize("prefix", list(FORMS))
@pytest.mark.parametrize("keys", list(BURSTS))
async def test_a_burst_lands_as_keys_typed_one_by_one(office, prefix, keys, tmp_path,
                                                      monkeypatch):
    slow = await _typed(office, prefix, BURSTS[keys], at_once=False, tmp_path=tmp_path,
                        monkeypatch=monkeypatch)
    fast = await _typed(office, prefix, BURSTS[keys], at_once=True, tmp_path=tmp_path,
                        monkeypatch=monkeypatch)
    assert fast == slow
    assert slow["values"].get("name")  # the keys did reach the form


async def test_esc_keeps_a_draft_that_the_next_call_offers_back(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = CallIntakeScreen(app.session)
        app.push_screen(form, callback=results.append)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
        await pilot.press(*"zs", "enter")
        await wait_until(pilot, lambda: form.value("name") == "张三")
        await pilot.press(*"water heater cold")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DiscardQuestion))
        await pilot.press("k")
        await wait_until(pilot, lambda: results == [None])

        again = CallIntakeScreen(app.session)
        app.push_screen(again, callback=results.append)
        await wait_until(pilot, lambda: isinstance(app.screen, DraftOffer))
        offer = app.screen
        assert "water heater cold" in " ".join(offer.lines)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is again
                         and again.query_one("#ci-request", Input).value != "")
        assert again.value("request") == "water heater cold"
        assert again.value("name") == "张三"
        assert again._picked_owner is not None  # the owner picked comes back too
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(results) == 2)
        assert results[1][1].description == "water heater cold"
        # Saved: no draft is left to offer.
        third = CallIntakeScreen(app.session)
        app.push_screen(third)
        await wait_until(pilot, lambda: app.screen is third and third.is_loaded)
        await pilot.pause()
        assert app.screen is third


async def test_a_draft_thrown_away_is_gone(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = ComplaintFormScreen(app.session)
        app.push_screen(form)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
        await pilot.press("enter", *"Wang", "tab", "tab", "tab", *"noise at night")
        await wait_until(pilot, lambda: form.value("description") == "noise at night")
        await wait_until(pilot, lambda: form.drafts.load("complaint") is not None)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DiscardQuestion))
        await pilot.press("d")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        assert form.drafts.load("complaint") is None
