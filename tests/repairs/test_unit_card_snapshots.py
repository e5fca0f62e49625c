"""F2 with the caller's unit card at 80×24, with the clock frozen, in English and Chinese and
in 16 colours (issue #13 items 1 and 9): the late order with its technician and lateness, an
earlier day's callback with its date, and the form's fields visible without colour.
Update with ``pytest --snapshot-update`` after looking at ``snapshot_report.html``."""

from __future__ import annotations

import pytest

from deskterm.i18n import set_language
from deskterm.screens.kit.unit_card import UnitCard
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.repairs.unit_story import AFTERNOON, unit_story


@pytest.fixture
def story(sqlite_db, frozen_clock):
    frozen_clock(AFTERNOON)  # 14:20 in Shanghai: 王建军's 13:00 is late
    return unit_story()


@pytest.mark.parametrize("theme", ["textual-dark", "ansi-dark"], ids=["colour", "16-colours"])
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_f2_with_the_unit_card(snap_compare, story, language, theme):
    set_language(language)
    app = desk_app(story.so, watch=False, theme=theme)

    async def shown(pilot):
        await desk_ready(pilot)
        screen = CallIntakeScreen(app.session)
        app.push_screen(screen)
        await wait_until(pilot, lambda: app.screen is screen and screen.is_loaded)
        await pilot.press(*"3-2-501", "enter")
        await wait_until(pilot, lambda: screen.query_one(UnitCard).state == "shown")
        await wait_until(pilot, lambda: app.focused is not None
                         and app.focused.id == "ci-request")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)
