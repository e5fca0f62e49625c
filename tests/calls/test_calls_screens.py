"""The calls at the desk as the clerk sees them: a number not on the roster says so; a
missed call is counted on the dashboard, listed in F10 n, and returned with one key (F2
opens with the caller filled in); F3 while a call rings opens the payment for its unit;
the banner in Chinese at 80×24."""

from __future__ import annotations

import datetime as dt

from deskterm.clock import now_utc
from deskterm.db.models import IncomingCall
from deskterm.duties.calls.ringing import hang_up, record_call
from deskterm.i18n import set_language
from deskterm.screens.calls.return_book import ReturnBook
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from deskterm.widgets.ringing import RingingBanner
from tests.calls.calls_data import WANG_PHONE, wang_jian_office
from tests.desk_app import desk_app, desk_ready, wait_until


def banner_text(app) -> str:
    banner = app.dashboard.query_one(RingingBanner)
    return str(banner.render()) if banner.display else ""


async def test_a_number_not_on_the_roster_says_so_and_f2_has_its_phone(desk_db):
    so, _owner, _unit = wang_jian_office()
    app = desk_app(so, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        record_call(so.office, "13900001111", line="front")  # another desk's process
        await wait_until(pilot, lambda: "not on the roster" in banner_text(app))
        assert "139 0000 1111" in banner_text(app) and "F10 o" in banner_text(app)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CallIntakeScreen))
        form = app.screen
        await wait_until(pilot, lambda: form.value("phone") == "139 0000 1111")
        assert form.value("name") == "" and form.focused is form.widget("name")


async def test_f10_o_adds_a_number_not_on_the_roster_to_the_owner_chosen(desk_db):
    """#14: a number not on the roster "offers to add it to an owner": F10 o while it
    rings opens the roster for it; Enter on the owner opens their card with the number
    added, and ctrl+s keeps it (the next ring from it finds them)."""
    from deskterm.db.models import OwnerPhone
    from deskterm.screens.residents.owner_form import OwnerFormScreen
    from deskterm.screens.residents.owner_roster import OwnerRosterScreen

    so, owner, _unit = wang_jian_office()
    app = desk_app(so, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        record_call(so.office, "13900001111", line="front")
        await wait_until(pilot, lambda: "not on the roster" in banner_text(app))
        await pilot.press("f10", "o")
        await wait_until(pilot, lambda: isinstance(app.screen, OwnerRosterScreen))
        roster = app.screen
        assert "139 0000 1111 is on no owner's card" in str(
            roster.query_one("#or-status").content)
        await pilot.press(*"27-2-1802")
        await wait_until(pilot, lambda: roster.table.row_count == 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, OwnerFormScreen)
                         and app.screen.card is not None)
        form = app.screen
        assert form.value("phones") == "178 3022 5795 / 139 0000 1111"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: OwnerPhone.select().where(
            (OwnerPhone.owner == owner.id) & (OwnerPhone.phone == "13900001111")).exists())


async def test_a_missed_call_is_listed_and_returned_with_one_key(desk_db):
    so, _owner, _unit = wang_jian_office()
    record_call(so.office, WANG_PHONE, now=now_utc() - dt.timedelta(minutes=5))
    hang_up(so.office, WANG_PHONE)
    app = desk_app(so, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await wait_until(pilot, lambda: "1 call to return" in banner_text(app))
        await pilot.press("f10", "n")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnBook) and app.screen.rows)
        book = app.screen
        assert book.rows[0].owner_name == "王健"
        app.save_screenshot("/tmp/calls-book.svg")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallIntakeScreen))
        form = app.screen
        await wait_until(pilot, lambda: form.value("name") == "王健")
        assert form.value("unit") == "27-2-1802" and form.value("phone") == "178 3022 5795"
        call = IncomingCall.get(IncomingCall.number == WANG_PHONE)
        assert (call.state, call.returned_by_id) == ("returned", so.clerk.id)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is book)
        await wait_until(pilot, lambda: not book.rows)
        await pilot.press("escape")
        await wait_until(pilot, lambda: banner_text(app) == "")


async def test_n_returns_a_call_with_a_note(desk_db):
    so, _owner, _unit = wang_jian_office()
    record_call(so.office, "13900001111", now=now_utc() - dt.timedelta(minutes=5))
    app = desk_app(so, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("f10", "n")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnBook) and app.screen.rows)
        book = app.screen
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is not book)
        await pilot.press(*"留言", "ctrl+s")
        await wait_until(pilot, lambda: app.screen is book and not book.rows)
        call = IncomingCall.get(IncomingCall.number == "13900001111")
        assert (call.state, call.return_note) == ("returned", "留言")


async def test_f3_while_a_call_rings_takes_the_units_payment(desk_db):
    from deskterm.screens.cashdesk.payment import PaymentScreen

    so, _owner, _unit = wang_jian_office()
    app = desk_app(so, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        record_call(so.office, WANG_PHONE)
        await wait_until(pilot, lambda: "王健" in banner_text(app))
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, PaymentScreen))
        await wait_until(pilot, lambda: app.screen.unit is not None)
        assert app.screen.unit[1] == "27-2-1802"


async def test_the_banner_in_chinese(desk_db):
    set_language("zh_CN")
    try:
        so, _owner, _unit = wang_jian_office()
        app = desk_app(so, watch=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await desk_ready(pilot)
            record_call(so.office, WANG_PHONE, line="前台")
            await wait_until(pilot, lambda: "王健" in banner_text(app))
            await wait_until(pilot, lambda: "F2 接听" in banner_text(app))
            app.save_screenshot("/tmp/calls-zh.svg")
    finally:
        set_language("en")
