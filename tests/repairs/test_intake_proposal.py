"""Call intake (F2) proposes the right technician and the category from the request's
words, and takes an order for a public place; driven with keys at 80×24."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import RepairOrder, ServiceEntry, Staff
from deskterm.duties.residents.estate_admin import add_place
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from deskterm.screens.shift.handover import HandoverScreen, NightCallIntake, open_handover
from deskterm.widgets.phone_scripts import PhoneScripts
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, order, small_office
from tests.shift.test_night_log import NIGHT, night_staff, write

H = dt.timedelta(hours=1)


def _local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute) - 8 * H


def _technician(so, name: str, skills: str) -> Staff:
    with changes.write():
        return Staff.create(office=so.office, name=name, role="technician", skills=skills,
                            created_at=now_utc())


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return plumbers_and_places()


def plumbers_and_places():
    """10:05 on Thursday: 张强 (water) has no time left today; 赵水 (water) is free after
    lunch; 王建军 (electricity) is free now; 东门道闸 and 会所 are the estate's places."""
    so = small_office()
    with changes.write():
        Staff.update(skills="water").where(Staff.id == so.technician.id).execute()
    for hour, minute in ((10, 30), (11, 0), (13, 30), (14, 30), (15, 30), (16, 30)):
        order(so, appointment=_local(26, hour, minute))
    plumber = _technician(so, "赵水", "water")
    order(so, appointment=_local(26, 10, 30), technician=plumber)
    _technician(so, "王建军", "electricity,lift")
    so.gate = add_place(so.office, None, "东门道闸")
    add_place(so.office, None, "会所")
    return so


async def open_intake(pilot) -> CallIntakeScreen:
    app = pilot.app
    await desk_ready(pilot)
    app.push_screen(CallIntakeScreen(app.session), callback=app.results.append)
    await wait_until(pilot, lambda: isinstance(app.screen, CallIntakeScreen)
                     and app.screen.is_loaded)
    screen = app.screen
    await wait_until(pilot, lambda: text(screen, "appointment") != "")
    return screen


def start(so):
    app = desk_app(so, watch=False)
    app.results = []
    return app


def text(screen, name: str) -> str:
    return screen.query_one(f"#ci-{name}", Input).value


def chosen(screen, name: str):
    return screen.value(name)


def tech_name(screen) -> str:
    return screen._tech_names.get(chosen(screen, "technician"), "")


def scripts(screen) -> str:
    return str(screen.query_one(PhoneScripts).content)


async def type_request(pilot, screen, words: str) -> None:
    """What an IME commits into the request field (the clerk's words, not keys)."""
    field = screen.query_one("#ci-request", Input)
    screen.set_focus(field)
    field.value = words
    await pilot.pause()


async def test_a_water_request_proposes_the_plumber_free_today(office):
    app = start(office)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot)
        # Nothing said yet ("other", which nobody takes by skill): the first one free.
        assert chosen(screen, "category") == "other"
        assert (tech_name(screen), text(screen, "appointment")) == ("王建军", "10:30")
        await pilot.press(*"3-2-501", "enter")
        await wait_until(pilot, lambda: app.focused.id == "ci-request")
        await type_request(pilot, screen, "卫生间水管漏水")
        await wait_until(pilot, lambda: chosen(screen, "category") == "water"
                         and text(screen, "appointment") == "13:30")
        # 赵水 after lunch today, not 张强 (the plumber of this unit's orders) tomorrow.
        assert tech_name(screen) == "赵水"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.results)
    order_row = RepairOrder.get_by_id(app.results[0][1].id)
    assert (order_row.category, order_row.technician.name) == ("water", "赵水")
    assert order_row.appointment_at == _local(26, 13, 30)


async def test_the_category_follows_the_words_until_the_clerk_changes_it(office):
    app = start(office)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot)
        await pilot.press(*"3-2-501", "enter")
        await wait_until(pilot, lambda: app.focused.id == "ci-request")
        await type_request(pilot, screen, "客厅灯不亮")
        await wait_until(pilot, lambda: chosen(screen, "category") == "electricity"
                         and tech_name(screen) == "王建军")
        await type_request(pilot, screen, "马桶漏水")
        await wait_until(pilot, lambda: chosen(screen, "category") == "water"
                         and tech_name(screen) == "赵水")
        # The clerk hears "gas" and chooses it: Tab to the category, open, gas, Enter.
        await pilot.press("tab")
        assert app.focused.id == "ci-category"
        await pilot.press("enter")
        for _ in range(5):  # water → … → gas (the sixth)
            await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: chosen(screen, "category") == "gas")
        await type_request(pilot, screen, "马桶漏水，客厅灯不亮")  # the words go on
        await pilot.pause(0.2)
        await wait_until(pilot, lambda: not any(
            w.group == "ci-slot" and not w.is_finished for w in app.workers))
        assert chosen(screen, "category") == "gas"  # the clerk's choice stays
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.results)
    assert RepairOrder.get_by_id(app.results[0][1].id).category == "gas"


async def test_a_busy_time_offers_another_suitable_technician(office):
    app = start(office)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot)
        await pilot.press(*"3-2-501", "enter")
        await wait_until(pilot, lambda: app.focused.id == "ci-request")
        await type_request(pilot, screen, "水管漏水")
        await wait_until(pilot, lambda: tech_name(screen) == "赵水")
        # The owner wants 10:30: 赵水 is out then, 张强 too; the next of them is 13:30.
        field = screen.query_one("#ci-appointment", Input)
        screen.set_focus(field)
        field.value = ""
        await pilot.press(*"10:30")
        error = screen.query_one("#ci-error-appointment")
        await wait_until(pilot, lambda: "busy" in str(error.content))
        assert "赵水 is busy then. Next free: 13:30" in str(error.content)
        await pilot.press("enter")  # takes it
        assert (text(screen, "appointment"), tech_name(screen)) == ("13:30", "赵水")


@pytest.mark.both_databases
async def test_a_gate_order_by_a_patrol_guard_with_no_phone_nor_building(office):
    app = start(office)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot)
        app.focused.value = "东门"  # the lookup: what an IME commits
        await pilot.press("enter")  # no owner: the place, and the cursor to the name
        await wait_until(pilot, lambda: chosen(screen, "place") == office.gate.id)
        await wait_until(pilot, lambda: app.focused.id == "ci-name")
        app.focused.value = "保安王"
        await type_request(pilot, screen, "道闸抬杆故障")
        await wait_until(pilot, lambda: chosen(screen, "category") == "public_area")
        said = scripts(screen)
        assert "address: 东门道闸" in said
        assert "We will send a technician to 东门道闸" in said
        assert "your home" not in said
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.results)
    entry, row = app.results[0]
    row = RepairOrder.get_by_id(row.id)
    assert (row.place_id, row.is_public, row.unit_id, row.building_id) == (
        office.gate.id, True, None, None)
    assert (row.reporter_name, row.reporter_phone, row.category) == (
        "保安王", "", "public_area")
    assert row.district_id == office.gate.district_id
    entry = ServiceEntry.get_by_id(entry.id)
    assert (entry.phone, entry.unit_id) == ("", None)


async def test_a_place_typed_where_the_unit_goes(office):
    app = start(office)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot)
        await pilot.press("enter")  # an empty lookup: on to the name
        await wait_until(pilot, lambda: app.focused.id == "ci-name")
        app.focused.value = "李四"
        await pilot.press("tab")
        assert app.focused.id == "ci-unit"
        app.focused.value = "会所"
        await wait_until(pilot, lambda: chosen(screen, "place") not in ("unit", None))
        assert screen.place_name() == "会所"
        app.focused.value = "3-2-501"  # no: the caller's home after all
        await wait_until(pilot, lambda: chosen(screen, "place") == "unit")
        assert "your home" in scripts(screen)
        # a phone is needed again for a home
        await type_request(pilot, screen, "门锁坏了")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "phone" in str(
            screen.query_one("#ci-error-phone").content).lower())
        assert not app.results


async def test_the_night_logs_gate_becomes_an_order_at_the_gate(sqlite_db, frozen_clock):
    """F5, o on "东门道闸抬杆故障" (at 东门): the order is for the gate, the night person
    its caller with no phone, no building."""
    frozen_clock(NIGHT)
    so = small_office()
    gate = add_place(so.office, None, "东门道闸")
    write(so, night_staff(so))  # 东门道闸抬杆故障，已改为手动开启 · 东门
    frozen_clock("2026-11-26T00:30:00")  # 08:30
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        open_handover(app)
        await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen)
                         and app.screen.view is not None)
        handover = app.screen
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, NightCallIntake)
                         and app.screen.is_loaded)
        intake = app.screen
        await wait_until(pilot, lambda: chosen(intake, "place") == gate.id
                         and chosen(intake, "category") == "public_area")
        said = scripts(intake)
        assert "address: 东门道闸" in said and "your home" not in said
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is handover)
    row = RepairOrder.get()
    assert (row.place_id, row.unit_id, row.building_id) == (gate.id, None, None)
    assert (row.reporter_name, row.reporter_phone) == ("孙大伟", "")
    assert row.service_entry.channel == "night_log"
