"""The dashboard driven as a clerk drives it, at 80×24, asserting what the panes show."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.db.models import AttendanceEvent
from deskterm.screens.desk.help import HelpScreen
from deskterm.screens.desk.sign_in import SignInScreen
from tests.desk_app import desk_app, pane_text, panes_loaded, wait_until
from tests.factories import MORNING, busy_morning


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("[red]not markup[/red]")


async def test_panes_show_real_counts_at_80x24(office):
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        orders = pane_text(app, "orders")
        assert "2 open" in orders and "1 past appointment" in orders
        assert "!" in orders  # overdue is a symbol, not only a colour
        assert "[red]not markup[/red]"[:6] in orders  # shown literally, not as markup
        callbacks = pane_text(app, "callbacks")
        assert "1 late" in callbacks and "3-2-501" in callbacks
        cash = pane_text(app, "cash")
        assert "all banked" in cash
        timeline = pane_text(app, "timeline")
        assert "now" in timeline and "Sign" in timeline


async def test_cash_late_after_five_is_red_with_a_mark_amount_and_since(office, frozen_clock):
    import datetime as dt

    from deskterm.duties.cashdesk import cash
    from tests.cashdesk.test_cash import take_cash

    at = frozen_clock("2026-11-25T01:00:00")  # yesterday 09:00
    old = cash.open_session(office.office, office.clerk, "300")
    take_cash(office, old, 30030, at=at + dt.timedelta(hours=1))
    cash.close_session(office.office, office.clerk, "600.30")
    now = frozen_clock(MORNING)
    new = cash.open_session(office.office, office.clerk, "300")
    take_cash(office, new, 5050, at=now - dt.timedelta(minutes=30))
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        pane = app.dashboard.query_one("#cash")
        summary = pane.query_one(".pane-summary")
        text = pane_text(app, "cash")
        assert "! ¥300.30 late since 11-25 10:00" in text
        assert summary.has_class("-alert")  # red, and said with "!" and "late" too
        detail = str(pane.query_one("#cash-detail").content)
        assert "¥350.80 in all" in detail and "rcpt 0/pay 1 ✗" in detail  # today's payment has no receipt
        rows = text.split("\n")[1:]
        assert rows[0].startswith("!李静 11-25 ¥300.30 ¥0.00")  # carried, late, counted
        assert rows[1].endswith("11-26 ¥50.50 open")  # today's drawer, not closed yet
        cash.record_deposit(office.office, office.clerk, "350.80", "S-1")
        await wait_until(pilot, lambda: "all banked" in pane_text(app, "cash"))
        assert not summary.has_class("-alert")


async def test_sign_in_refuses_a_wrong_pin_then_signs_in(office):
    app = desk_app(office, signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen)
                         and app.screen.is_mounted)
        await pilot.press("enter")  # the first person (the clerk) is highlighted
        await pilot.press(*"9999", "enter")
        await wait_until(pilot, lambda: "Wrong PIN" in str(
            app.screen.query_one("#sign-in-error-pin").content))
        assert app.session.staff is None
        assert app.screen.query_one("#sign-in-pin", Input).value == ""
        await pilot.press(*"1234", "enter")
        await wait_until(pilot, lambda: app.session.staff is not None)
        assert app.session.staff.name == "李静"
        await panes_loaded(pilot)
        status = str(app.dashboard.query_one("#status-staff").content)
        assert "李静" in status
    assert AttendanceEvent.select().where(AttendanceEvent.kind == "sign_in").count() == 1


async def test_escape_does_not_skip_sign_in(office):
    app = desk_app(office, signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)


async def test_help_opens_and_escape_closes(office):
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_f9_opens_the_reports(office):
    from deskterm.screens.reporting.reports import ReportsScreen

    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_zoom_maximises_the_focused_pane_and_restores(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("2", "z")
        await pilot.pause()
        assert app.screen.maximized is not None and app.screen.maximized.id == "orders"
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is None


async def test_sign_out_asks_who_is_next(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert app.session.staff is None


async def test_command_palette_lists_desk_actions(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for word in ("Help (f1)", "Call (f2)", "Callback (f4)", "Pay (f3)", "Reports (f9)",
                     "Zoom (z)"):
            assert word in titles


async def test_remapped_key_works(office):
    app = desk_app(office, watch=False, keymap={"help": "f12"})
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_a_large_terminal_gets_the_wide_columns(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await panes_loaded(pilot)
        orders = app.dashboard.query_one("#orders")
        assert orders.wide
        assert "WX-TEST" in pane_text(app, "orders")  # the full order number column


async def test_f2_opens_call_intake_and_f4_the_callback_form(office):
    from deskterm.screens.repairs.call_intake import CallIntakeScreen
    from deskterm.screens.repairs.callback_form import CallbackFormScreen

    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CallIntakeScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        await pilot.press("3", "f4")  # the overdue callback is the pane's first row
        await wait_until(pilot, lambda: isinstance(app.screen, CallbackFormScreen))


async def test_f7_f8_and_enter_open_their_forms(office):
    from deskterm.screens.repairs.complaint_form import ComplaintFormScreen
    from deskterm.screens.repairs.order_detail import OrderDetailScreen
    from deskterm.screens.repairs.visit_form import VisitFormScreen

    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        for key, screen in (("f7", ComplaintFormScreen), ("f8", VisitFormScreen)):
            await pilot.press(key)
            await wait_until(pilot, lambda screen=screen: isinstance(app.screen, screen))
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is app.dashboard)
        await pilot.press("2", "enter")  # the first open order
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
