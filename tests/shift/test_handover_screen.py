"""The night log form and the handover screen (F5), driven with keys at 80×24, the
database checked after each step [7.3]."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from deskterm.db.models import (
    ChangeLog,
    Complaint,
    Handover,
    HandoverItem,
    NightLogEntry,
    RepairOrder,
)
from deskterm.duties.agenda import timeline
from deskterm.screens.shift.handover import (
    HandoverScreen,
    NightCallIntake,
    NightComplaint,
    open_handover,
)
from deskterm.screens.shift.handover_sign import SignHandoverForm
from deskterm.screens.shift.night_log_form import NightLogForm, open_night_log
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import PIN, order, small_office
from tests.shift.test_handover import MORNING, night_of
from tests.shift.test_night_log import NIGHT, night_staff


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def rows(screen, selector: str) -> list[str]:
    table = screen.query_one(selector)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def signed_in(pilot, staff_id: int) -> None:
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: pilot.app.session.staff is not None
                     and pilot.app.session.staff.id == staff_id)


# --- the night log ------------------------------------------------------------------------

@pytest.fixture
def at_night(sqlite_db, frozen_clock):
    frozen_clock(NIGHT)  # 03:00 in Shanghai
    so = small_office()
    return so, night_staff(so)


async def test_night_staff_write_the_log(at_night):
    so, sun = at_night
    app = desk_app(so, watch=False, demo_staff_id=sun.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, sun.id)
        open_night_log(app)
        await wait_until(pilot, lambda: isinstance(app.screen, NightLogForm))
        form = app.screen
        await pilot.pause()
        assert form.query_one("#nl-at", Input).value == "03:00"
        assert app.focused.id == "nl-what"
        await pilot.press(*"[red]gate[/red] stuck", "tab", "tab")  # the time as proposed
        await pilot.press(*"east gate", "tab", "space", "ctrl+s")
        await wait_until(pilot, lambda: form.written == 1)
        row = NightLogEntry.get()
        assert (row.what, row.where, row.needs_action, row.written_by_id) == (
            "[red]gate[/red] stuck", "east gate", True, sun.id)
        await wait_until(pilot, lambda: len(rows(form, "#nl-table")) == 1)
        assert "[red]gate[/red] stuck" in rows(form, "#nl-table")[0]  # literally
        assert form.query_one("#nl-what", Input).value == ""
        # a bad time is refused under its field; nothing is stored
        form.query_one("#nl-at", Input).value = "25:99"
        form.query_one("#nl-what", Input).value = "巡查地下车库"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "✗" in shown(form, "#nl-error-at"))
        assert NightLogEntry.select().count() == 1
        assert app.focused.id == "nl-at"
        form.query_one("#nl-at", Input).value = "23:40"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form.written == 2)
        assert NightLogEntry.select().count() == 2
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, NightLogForm))


async def test_only_night_staff_open_the_night_log(at_night):
    so, _sun = at_night
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, so.clerk.id)
        assert open_night_log(app) is None
        await pilot.pause()
        assert not isinstance(app.screen, NightLogForm)


# --- the handover -------------------------------------------------------------------------

@pytest.fixture
def morning(sqlite_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    sun, entries = night_of(so)
    now = frozen_clock(MORNING)  # 08:30 in Shanghai
    order(so, state="returned", returned=now - dt.timedelta(hours=30))
    return so, sun, entries


async def open_it(pilot) -> HandoverScreen:
    app = pilot.app
    open_handover(app)
    await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen)
                     and app.screen.view is not None)
    await pilot.pause()
    return app.screen


async def test_the_handover_taken_over_turned_into_an_order_and_a_complaint(morning):
    so, sun, entries = morning
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, so.clerk.id)
        screen = await open_it(pilot)
        figures = shown(screen, "#ho-figures")
        assert "overdue callbacks 1" in figures and "3 items" in figures
        assert len(rows(screen, "#ho-table")) == 3
        assert "—" in rows(screen, "#ho-table")[0]

        await pilot.press("t")  # the first taken over; the cursor moves on
        assert "taken over" in rows(screen, "#ho-table")[0]
        await pilot.press("ctrl+s")  # two are left: no signing yet
        assert "2 items still need" in shown(screen, "#ho-message")
        assert isinstance(app.screen, HandoverScreen)

        await pilot.press("o")  # the leak: a repair order, prefilled
        await wait_until(pilot, lambda: isinstance(app.screen, NightCallIntake))
        intake = app.screen
        await pilot.pause()
        assert intake.query_one("#ci-name", Input).value == "孙大伟"
        assert intake.query_one("#ci-unit", Input).value == "3-2-501"
        assert "卫生间漏水" in intake.query_one("#ci-request", Input).value
        await wait_until(pilot, lambda: app.focused.id == "ci-phone")  # the first still empty
        intake.query_one("#ci-phone", Input).value = "13812345678"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        repair = RepairOrder.get(RepairOrder.description.contains("卫生间漏水"))
        assert repair.service_entry.channel == "night_log"
        await wait_until(pilot, lambda: repair.number[:11] in rows(screen, "#ho-table")[1])

        await pilot.press("c")  # the noise: a complaint, prefilled
        await wait_until(pilot, lambda: isinstance(app.screen, NightComplaint))
        form = app.screen
        await pilot.pause()
        assert form.query_one("#cf-unit", Input).value == "3-2-501"
        assert "噪音" in form.query_one("#cf-description", Input).value
        await wait_until(pilot, lambda: app.focused.id == "cf-name")
        form.query_one("#cf-name", Input).value = "张三"
        form.query_one("#cf-phone", Input).value = "13812345678"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        complaint = Complaint.get()

        await pilot.press("ctrl+s")  # every item has its disposition: both sides sign
        await wait_until(pilot, lambda: isinstance(app.screen, SignHandoverForm))
        sign = app.screen
        await pilot.pause()
        assert app.focused.id == "sh-night_pin"  # the only night person is chosen
        await pilot.press(*"9999", "tab", *PIN, "ctrl+s")
        await wait_until(pilot, lambda: "Wrong PIN" in shown(sign, "#sh-error-night_pin"))
        assert Handover.select().count() == 0
        assert ChangeLog.select().where(ChangeLog.action == "pin_refused").count() == 1
        assert sign.query_one("#sh-night_pin", Input).value == ""  # PINs are not kept
        sign.query_one("#sh-night_pin", Input).focus()
        await pilot.press(*PIN, "tab", *PIN, "tab", *"平稳", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, (SignHandoverForm,
                                                                    HandoverScreen)))
    handover = Handover.get()
    assert (handover.from_staff_id, handover.to_staff_id, handover.note) == (
        sun.id, so.clerk.id, "平稳")
    items = {i.entry_id: i for i in HandoverItem.select()}
    assert items[entries[0].id].disposition == "taken_over"
    assert (items[entries[1].id].disposition, items[entries[1].id].order_id) == (
        "order", repair.id)
    assert (items[entries[2].id].disposition, items[entries[2].id].complaint_id) == (
        "complaint", complaint.id)
    states = {i.key: i.state for i in timeline.day_timeline(so.office)}
    assert states["schedule:handover"] == "done"


async def test_escape_leaves_without_signing(morning):
    so, _sun, _entries = morning
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, so.clerk.id)
        screen = await open_it(pilot)
        await pilot.press("t", "t", "t", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SignHandoverForm))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HandoverScreen))
    assert Handover.select().count() == 0 and HandoverItem.select().count() == 0


async def test_night_staff_do_not_open_the_handover(morning):
    so, sun, _entries = morning
    app = desk_app(so, watch=False, demo_staff_id=sun.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, sun.id)
        assert open_handover(app) is None


# --- how it looks -------------------------------------------------------------------------

def test_the_handover_at_80x24(snap_compare, morning):
    so, _sun, _entries = morning
    app = desk_app(so, watch=False, theme="ansi-dark")

    async def shown(pilot):
        await signed_in(pilot, so.clerk.id)
        await open_it(pilot)
        await pilot.press("t")

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)


def test_the_sign_form_at_80x24(snap_compare, morning):
    so, _sun, _entries = morning
    app = desk_app(so, watch=False, theme="ansi-dark")

    async def shown(pilot):
        await signed_in(pilot, so.clerk.id)
        await open_it(pilot)
        await pilot.press("t", "t", "t", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SignHandoverForm))
        await pilot.press(*"12")

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)


def test_the_night_log_at_80x24(snap_compare, at_night):
    so, sun = at_night
    from deskterm.duties.shift.night_log import write_entry

    write_entry(so.office, sun, at="23:40", what="巡查地下车库 [red]照明[/red]正常", where="地下车库")
    app = desk_app(so, watch=False, theme="ansi-dark", demo_staff_id=sun.id)

    async def shown(pilot):
        await signed_in(pilot, sun.id)
        open_night_log(pilot.app)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, NightLogForm)
                         and pilot.app.screen.query("#nl-table")
                         and len(rows(pilot.app.screen, "#nl-table")) == 1)
        await pilot.press(*"东门道闸")

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)
