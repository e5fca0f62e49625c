"""Snapshots of what the clerk sees, with the clock frozen: the dashboard at 80×24 and
160×48, in 16 colours, the sign-in form, and the payment form (F3) with a unit's dues; the
dashboard and both forms in English and in Chinese at 80×24. Update with ``pytest
--snapshot-update`` after looking at the new pictures (``snapshot_report.html``)."""

from __future__ import annotations

import pytest

from deskterm.i18n import set_language
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, busy_morning


@pytest.fixture
def office(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("电梯异响 [red]不是标记[/red]")


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_dashboard(snap_compare, office, size):
    assert snap_compare(desk_app(office, watch=False), terminal_size=size,
                        run_before=panes_loaded)


def test_dashboard_in_16_colours(snap_compare, office):
    app = desk_app(office, watch=False, theme="ansi-dark")
    assert snap_compare(app, terminal_size=(80, 24), run_before=panes_loaded)


def test_dashboard_in_chinese(snap_compare, office):
    set_language("zh_CN")
    assert snap_compare(desk_app(office, watch=False), terminal_size=(80, 24),
                        run_before=panes_loaded)


def test_sign_in_form(snap_compare, office):
    from deskterm.screens.desk.sign_in import SignInScreen

    app = desk_app(office, signed_in=False, watch=False)

    async def shown(pilot):
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen)
                         and app.screen.is_loaded)  # the names read
        await panes_loaded(pilot)  # the dashboard behind the form, settled

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)


def test_sign_in_form_in_chinese(snap_compare, office):
    from deskterm.screens.desk.sign_in import SignInScreen

    set_language("zh_CN")
    app = desk_app(office, signed_in=False, watch=False)

    async def shown(pilot):
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen)
                         and app.screen.is_loaded)
        await panes_loaded(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_sign_in_form_in_16_colours(snap_compare, office, language):
    """TERM=linux: the fields are blocks of ANSI blue, the focused one cyan, and a
    placeholder is cyan italic, never only dim."""
    from deskterm.screens.desk.sign_in import SignInScreen

    set_language(language)
    app = desk_app(office, signed_in=False, watch=False, theme="ansi-dark")

    async def shown(pilot):
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen)
                         and app.screen.is_loaded)
        await panes_loaded(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)


@pytest.fixture
def owing(sqlite_db, frozen_clock):
    from tests.cashdesk.test_payment_screens import owing_office

    frozen_clock(MORNING)  # Thursday 26 November 2026, 10:05 in Shanghai
    return owing_office()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_payment_form_with_the_dues_of_a_unit(snap_compare, owing, language):
    """F3 at 3-2-501: two months of property fees and a parking fee owed."""
    from tests.cashdesk.test_payment_screens import find, open_form

    set_language(language)
    app = desk_app(owing, watch=False)

    async def shown(pilot):
        from deskterm.screens.kit.unit_card import UnitCard

        screen = await open_form(pilot)
        await find(pilot, screen)
        await pilot.press("1")  # cash, chosen (the method starts unanswered)
        await wait_until(pilot, lambda: screen.query_one(UnitCard).state == "shown")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)
