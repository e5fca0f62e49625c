"""The walk-in visitor form (F8, deskterm.screens.repairs.visit_form) driven as a clerk drives it,
at 80×24 on SQLite and PostgreSQL: a plain visit, a visit turned into a repair order (shown
in the Open orders pane) or a complaint, a conversion refused after the visit was recorded
(kept, never recorded twice), bad fields, Esc, and markup stored verbatim."""

from __future__ import annotations

import pytest
from textual.widgets import Input, RadioButton

from deskterm.db.models import ChangeLog, Complaint, RepairOrder, ServiceEntry, Visit
from deskterm.screens.repairs.visit_form import VisitFormScreen
from tests.desk_app import desk_app, pane_text, panes_loaded, wait_until
from tests.factories import MORNING, busy_morning


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    return busy_morning("电梯异响")


async def open_form(pilot, results: list) -> VisitFormScreen:
    app = pilot.app
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: app.session.staff is not None)
    screen = VisitFormScreen(app.session)
    app.push_screen(screen, callback=results.append)
    await wait_until(pilot, lambda: app.screen is screen and screen.query("#vf-next"))
    return screen


def value(screen, name: str) -> str:
    return screen.query_one(f"#vf-{name}", Input).value


def error(screen, name: str) -> str:
    return str(screen.query_one(f"#vf-error-{name}").content)


def counts() -> tuple[int, int, int, int, int]:
    return (Visit.select().count(), RepairOrder.select().count(), Complaint.select().count(),
            ServiceEntry.select().count(), ChangeLog.select().count())


async def pick(pilot, screen, query: str) -> None:
    await pilot.press(*query, "enter")
    await wait_until(pilot, lambda: value(screen, "name") != "")


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_just_recording_a_visit_is_the_default(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        before = counts()
        assert app.focused.id == "lookup-input"
        await pick(pilot, screen, "3-2-501")
        assert app.focused.id == "vf-purpose"
        assert screen.next_step == "record"
        assert "1 Just record ✓" in str(screen.query_one("#vf-next-record", RadioButton).label)
        await pilot.press(*"parcel pickup", "ctrl+s")
        await wait_until(pilot, lambda: results)
        assert app.screen is app.dashboard
        assert "Visit of 张三 recorded." in notes(app)
    [visit] = results
    stored = Visit.get_by_id(visit.id)
    assert (stored.visitor_name, stored.unit.code, stored.phone, stored.purpose,
            stored.recorded_by_id, stored.order_id, stored.complaint_id) == (
        "张三", "3-2-501", "13812345678", "parcel pickup", office.clerk.id, None, None)
    assert counts()[1:4] == before[1:4]  # no order, complaint or register entry


async def test_a_visit_becomes_a_registered_order_in_the_open_orders_pane(office):
    app = desk_app(office)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        await pick(pilot, screen, "zs")
        await pilot.press(*"door lock broken", "tab", "2")  # one key chooses
        assert screen.next_step == "order"
        assert "2 Repair order ✓" in str(screen.query_one("#vf-next-order", RadioButton).label)
        assert "✓" not in str(screen.query_one("#vf-next-record", RadioButton).label)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
        [visit] = results
        order = RepairOrder.get_by_id(visit.order_id)
        assert f"Visit recorded; order {order.number} registered." in notes(app)
        await wait_until(pilot, lambda: "3 open" in pane_text(app, "orders"))
        assert "door lo" in pane_text(app, "orders")  # cut to the narrow column
    assert (order.state, order.technician_id, order.appointment_at, order.category,
            order.description, order.unit.code, order.reporter_phone) == (
        "registered", None, None, "other", "door lock broken", "3-2-501", "13812345678")
    entry = ServiceEntry.get_by_id(order.service_entry_id)
    assert (entry.channel, entry.kind) == ("walk_in", "repair")
    assert Visit.select().count() == 1 and Visit.get_by_id(visit.id).complaint_id is None


async def test_a_visit_becomes_a_complaint(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        await pick(pilot, screen, "3-2-501")
        await pilot.press(*"noise upstairs", "tab", "3", "enter")  # Enter on the choice saves
        await wait_until(pilot, lambda: results)
    [visit] = results
    complaint = Complaint.get_by_id(visit.complaint_id)
    assert (complaint.complainant_name, complaint.phone, complaint.unit.code,
            complaint.description, complaint.category, complaint.channel, complaint.state) == (
        "张三", "13812345678", "3-2-501", "noise upstairs", "other", "walk_in", "open")
    assert complaint.number.startswith("TS-202611-")
    assert Visit.get_by_id(visit.id).order_id is None


async def test_a_refused_conversion_keeps_the_visit_and_retries_only_the_conversion(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        before = counts()
        app.focused.value = "Smith"  # not on the roster, no phone given
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.focused.id == "vf-unit")
        await pilot.press("tab", "tab", *"rude guard", "tab", "3", "ctrl+s")
        await wait_until(pilot, lambda: "no complaint yet" in error(screen, "phone"))
        assert "Enter a phone number" in error(screen, "phone")
        assert "visit is kept" in error(screen, "form")
        assert app.screen is screen and not results
        assert app.focused.id == "vf-phone"
        [visit] = Visit.select()
        assert (visit.visitor_name, visit.phone, visit.complaint_id) == ("Smith", "", None)
        assert screen.visit_id == visit.id
        assert Complaint.select().count() == before[2]
        # The phone given now: ctrl+s makes the complaint, not a second visit.
        await pilot.press(*"13900001111", "ctrl+s")
        await wait_until(pilot, lambda: results)
    assert results[0].id == visit.id
    assert Visit.select().count() == before[0] + 1
    complaint = Complaint.get_by_id(Visit.get_by_id(visit.id).complaint_id)
    assert (complaint.complainant_name, complaint.phone, complaint.unit_id) == (
        "Smith", "13900001111", None)


async def test_after_a_refused_order_1_then_save_closes_with_the_visit(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        app.focused.value = "Smith"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.focused.id == "vf-unit")
        # A private repair needs a unit (and a phone): refused after the visit.
        await pilot.press("tab", "tab", *"tap drips", "tab", "2", "ctrl+s")
        await wait_until(pilot, lambda: "no repair order yet" in (
            error(screen, "phone") + error(screen, "unit") + error(screen, "form")))
        assert Visit.select().count() == 1 and RepairOrder.select().count() == 3
        screen.query_one("#vf-next").focus()
        await pilot.press("1", "ctrl+s")
        await wait_until(pilot, lambda: results)
    assert Visit.select().count() == 1 and RepairOrder.select().count() == 3
    assert results[0].order_id is None


async def test_bad_fields_say_so_and_nothing_is_stored(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        before = counts()
        await pick(pilot, screen, "3-2-501")
        screen.query_one("#vf-phone", Input).value = "12345"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "mobile number has 11 digits" in error(screen, "phone")
        assert "Enter what the visitor came for" in error(screen, "purpose")
        assert error(screen, "name") == "" and error(screen, "unit") == ""
        assert app.focused.id == "vf-phone"
        screen.query_one("#vf-phone", Input).value = ""  # a phone is optional
        screen.query_one("#vf-purpose", Input).value = "visit"
        screen.query_one("#vf-unit", Input).value = "9-9-909"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "no unit 9-9-909" in error(screen, "unit"))
        assert app.screen is screen and not results and screen.visit_id is None
    assert counts() == before


async def test_escape_stores_nothing(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        before = counts()
        await pick(pilot, screen, "zs")
        await pilot.press(*"parcel", "tab", "2", "escape")
        # Something was typed: Esc asks first; d throws it away.
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        await pilot.press("d")
        await wait_until(pilot, lambda: results == [None])
        assert app.screen is app.dashboard
    assert counts() == before


async def test_markup_is_stored_verbatim_and_shown_literally(office):
    app = desk_app(office)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, results)
        await pick(pilot, screen, "3-2-501")
        await pilot.press(*"[red]x[/red]", "tab", "2", "ctrl+s")
        await wait_until(pilot, lambda: results)
        await wait_until(pilot, lambda: "[red]x" in pane_text(app, "orders"))
    visit = Visit.get_by_id(results[0].id)
    assert visit.purpose == "[red]x[/red]"
    assert RepairOrder.get_by_id(visit.order_id).description == "[red]x[/red]"
