"""Keys in the roster's forms land where the clerk typed them, however fast they come: the
same keys sent at once (``burst``) and one by one (``pilot.press``) leave the same values
and the same focus in a new owner and in the roster import; a paste is inserted once in
the forms' and the roster search's ``TextInput``."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.screens.kit.inputs import TextInput
from deskterm.screens.residents.owner_form import OwnerFormScreen
from deskterm.screens.residents.owner_roster import open_owner_roster
from deskterm.screens.residents.roster_import import RosterImportScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, small_office
from tests.pilot_keys import burst, paste, typed


@pytest.fixture
def so(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


OWNER = [*typed("3-2-502"), "enter", *typed("Li Si"), "tab", "tab", *typed("13912345678"),
         "enter", *typed("tenant")]
IMPORT = [*typed("~/roster.csv"), "left", "left", "left", "left", "backspace", *typed("s")]


async def form_state(so, make, keys: list[str], names: list[str], how: str):
    """The values and focus after ``keys`` (each run keeps its drafts apart, so the second
    is not offered the first's)."""
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = make(app.session)
        app.push_screen(form)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded
                         and app.focused is not None)
        if how == "burst":
            await burst(pilot, *keys)
        else:
            await pilot.press(*keys)
        values = {name: form.query_one(f"#{name}", Input).value for name in names}
        return values, getattr(app.focused, "id", None)


@pytest.mark.parametrize("form", ["owner", "import"])
async def test_a_burst_lands_as_slow_typing_does(so, form, tmp_path, monkeypatch):
    if form == "owner":
        make, keys, names = OwnerFormScreen, OWNER, ["of-unit", "of-name", "of-phones",
                                                     "of-note"]
    else:
        make, keys, names = RosterImportScreen, IMPORT, ["ri-path"]
    monkeypatch.setenv("DESKTERM_DRAFTS_DIR", str(tmp_path / "press"))
    slow = await form_state(so, make, keys, names, "press")
    monkeypatch.setenv("DESKTERM_DRAFTS_DIR", str(tmp_path / "burst"))
    fast = await form_state(so, make, keys, names, "burst")
    assert fast == slow
    if form == "owner":
        assert slow == ({"of-unit": "3-2-502", "of-name": "Li Si",
                         "of-phones": "13912345678", "of-note": "tenant"}, "of-note")
    else:
        assert slow == ({"ri-path": "~/rostes.csv"}, "ri-path")


async def test_a_paste_is_inserted_once(so):
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        roster = open_owner_roster(app)
        await wait_until(pilot, lambda: app.screen is roster and app.focused is not None)
        search = roster.search_input
        await paste(pilot, search, "13812345678")
        await wait_until(pilot, lambda: search.value != "")
        assert search.value == "13812345678"
        form = OwnerFormScreen(app.session)
        app.push_screen(form)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
        phones = form.query_one("#of-phones", TextInput)
        form.set_focus(phones)
        await paste(pilot, phones, "138 1234 5678 / 027-8765 4321")
        await wait_until(pilot, lambda: phones.value != "")
        assert phones.value == "138 1234 5678 / 027-8765 4321"
