"""Call intake (F2) driven as a clerk drives it, at 80×24, on SQLite and PostgreSQL:
what the form fills in, what it refuses (and that nothing is stored then), what the
database holds after a save, and what the Open orders pane shows."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, Select

from deskterm.db.models import ChangeLog, RepairOrder, ServiceEntry
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from deskterm.widgets.phone_scripts import PhoneScripts
from tests.desk_app import desk_app, pane_text, panes_loaded, wait_until
from tests.factories import MORNING, busy_morning


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    return busy_morning("电梯异响")


async def open_intake(pilot, results: list):
    """Wait for the dashboard and the clerk, then open the form; its result lands in
    ``results``."""
    app = pilot.app
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: app.session.staff is not None)
    app.push_screen(CallIntakeScreen(app.session), callback=results.append)
    await wait_until(pilot, lambda: isinstance(app.screen, CallIntakeScreen)
                     and app.screen.query("#ci-appointment"))
    screen = app.screen
    # The technician's next free slot has been proposed.
    await wait_until(pilot, lambda: value(screen, "appointment") != "")
    return screen


def value(screen, name: str) -> str:
    return screen.query_one(f"#ci-{name}", Input).value


def error(screen, name: str) -> str:
    return str(screen.query_one(f"#ci-error-{name}").content)


def scripts(screen) -> str:
    return str(screen.query_one(PhoneScripts).content)


def counts() -> tuple[int, int, int]:
    return ServiceEntry.select().count(), RepairOrder.select().count(), ChangeLog.select().count()


async def pick(pilot, screen, query: str) -> None:
    await pilot.press(*query)
    await pilot.press("enter")
    await wait_until(pilot, lambda: value(screen, "name") != "")


@pytest.mark.parametrize("query", ["3-2-501", "3栋2单元501", "5678", "138 1234", "zs"],
                         ids=["unit", "unit-chinese", "phone-tail", "phone-start", "initials"])
async def test_lookup_fills_the_caller(office, query):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot, [])
        assert app.focused.id == "lookup-input"
        if query.isascii():
            await pick(pilot, screen, query)
        else:  # what an IME would commit
            app.focused.value = query
            await pilot.press("enter")
            await wait_until(pilot, lambda: value(screen, "name") != "")
        assert value(screen, "name") == "张三"
        assert value(screen, "unit") == "3-2-501"
        assert value(screen, "phone") == "138 1234 5678"
        assert app.focused.id == "ci-request"
        assert "Hello! 非凡物业翠湖管理处" in scripts(screen)
        assert "name: 张三; address: 3-2-501; phone: 138 1234 5678; time: 10:30" in scripts(screen)


@pytest.mark.both_databases  # one end-to-end save through a form on PostgreSQL
async def test_saving_registers_the_order_and_the_pane_shows_it(office):
    app = desk_app(office)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot, results)
        assert value(screen, "appointment") == "10:30"  # 张强's next free half hour
        await pick(pilot, screen, "3-2-501")
        await pilot.press(*"leak", "ctrl+s")
        await wait_until(pilot, lambda: results)
        entry, order = results[0]
        assert order.number.startswith("WX-202611-")
        notes = [str(n.message) for n in app._notifications]
        assert f"Order {order.number} registered." in notes
        await wait_until(pilot, lambda: "3 open" in pane_text(app, "orders"))
        assert "leak" in pane_text(app, "orders")
    entry = ServiceEntry.get_by_id(entry.id)
    assert (entry.channel, entry.kind, entry.caller_name, entry.phone, entry.request) == (
        "phone", "repair", "张三", "13812345678", "leak")
    assert entry.owner_id is not None and entry.unit.code == "3-2-501"
    order = RepairOrder.get_by_id(order.id)
    assert order.service_entry_id == entry.id
    assert (order.state, order.technician.name, order.category, order.urgency) == (
        "dispatched", "张强", "water", "normal")  # "leak": the category from the words
    assert order.unit.code == "3-2-501" and order.reporter_phone == "13812345678"
    assert order.appointment_at.isoformat() == "2026-11-26T02:30:00"  # 10:30 Shanghai


async def test_each_bad_field_says_so_and_nothing_is_stored(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot, results)
        before = counts()
        await pick(pilot, screen, "3-2-501")
        screen.query_one("#ci-phone", Input).value = "12345"
        screen.query_one("#ci-appointment", Input).value = "09:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "mobile number has 11 digits" in error(screen, "phone")
        assert "has passed" in error(screen, "appointment")
        assert "Enter what the caller asks for" in error(screen, "request")
        assert error(screen, "name") == "" and error(screen, "unit") == ""
        assert app.focused.id == "ci-phone"  # the first field refused
        # A unit that parses but is not at this office: refused by the save itself.
        screen.query_one("#ci-phone", Input).value = "13812345678"
        screen.query_one("#ci-appointment", Input).value = "11:00"
        screen.query_one("#ci-request", Input).value = "leak"
        screen.query_one("#ci-unit", Input).value = "9-9-909"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "no unit 9-9-909" in error(screen, "unit"))
        assert isinstance(app.screen, CallIntakeScreen) and not results
    assert counts() == before


async def test_an_answer_arriving_after_escape_is_dropped(office):
    """A slot, busy check or refusal whose worker finishes after the form closed finds
    no fields to fill: the kit drops it instead of crashing the desk (seen under load)."""
    import threading

    from deskterm.screens.kit.duty import run_duty

    app = desk_app(office, watch=False)
    results: list = []
    answered: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot, results)
        go = threading.Event()

        def late():
            go.wait(5)
            return "late"

        worker = run_duty(screen, late, done=answered.append,
                          refused=lambda *args: answered.append(args), group="late")
        await pilot.press("escape")
        await wait_until(pilot, lambda: results == [None] and not screen.is_attached)
        go.set()
        await wait_until(pilot, lambda: worker.is_finished)
        await pilot.pause()
        assert answered == []
        assert app.screen is app.dashboard


async def test_escape_stores_nothing(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot, results)
        before = counts()
        await pick(pilot, screen, "zs")
        await pilot.press(*"leak", "escape")
        # Something was typed: Esc asks before throwing it away.
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        assert results == []
        await pilot.press("d")
        await wait_until(pilot, lambda: results == [None])
        assert app.screen is app.dashboard
    assert counts() == before


async def test_escape_on_an_untouched_call_closes_at_once(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_intake(pilot, results)  # the proposed time is the form's, not typed
        await pilot.press("escape")
        await wait_until(pilot, lambda: results == [None])
        assert app.screen is app.dashboard


async def test_markup_is_stored_verbatim_and_shown_literally(office):
    app = desk_app(office)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot, results)
        await pick(pilot, screen, "3-2-501")
        await pilot.press(*"[red]x[/red]")
        assert "Let me read that back: [red]x[/red];" in scripts(screen)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
        await wait_until(pilot, lambda: "[red]x" in pane_text(app, "orders"))
    entry, order = results[0]
    assert ServiceEntry.get_by_id(entry.id).request == "[red]x[/red]"
    assert RepairOrder.get_by_id(order.id).description == "[red]x[/red]"


async def test_a_busy_technician_gets_the_next_free_time_offered(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot, results)
        await pick(pilot, screen, "3-2-501")
        await pilot.press(*"no water")
        field = screen.query_one("#ci-appointment", Input)
        field.focus()
        field.value = "13:00"  # 张强 is at 3栋 from 13:05 (busy_morning)
        await wait_until(pilot, lambda: "busy" in error(screen, "appointment"))
        assert "张强 is busy then. Next free: 14:30" in error(screen, "appointment")
        assert ("Mr/Ms 张, I am sorry: our technician is working at 3栋 just now; we can be "
                "at your home at about 14:30") in scripts(screen)
        await pilot.press("enter")  # takes the offer
        assert field.value == "14:30"
        await wait_until(pilot, lambda: error(screen, "appointment") == "")
        await wait_until(pilot, lambda: "Busy:" not in scripts(screen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
    assert RepairOrder.get_by_id(results[0][1].id).appointment_at.isoformat() == \
        "2026-11-26T06:30:00"


async def test_a_10000_character_paste_is_refused_at_the_field(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot, [])
        request = screen.query_one("#ci-request", Input)
        screen.set_focus(request)
        await wait_until(pilot, lambda: app.focused is request)
        request.post_message(events.Paste("漏" * 10_000))
        await wait_until(pilot, lambda: "Too long to paste" in error(screen, "request"))
        assert "Too long to paste: 10,000 characters; at most 2,000." in error(screen, "request")
        assert request.value == ""
        # A paste that fits lands once.
        request.post_message(events.Paste("漏水"))
        await wait_until(pilot, lambda: request.value != "")
        await pilot.pause()
        assert request.value == "漏水"


async def test_an_unknown_caller_is_recorded_by_name(office):
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(pilot, results)
        app.focused.value = "Smith"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.focused.id == "ci-unit")
        assert value(screen, "name") == "Smith"
        await pilot.press(*"3/2/501", "tab", *"02787654321", "tab", *"noisy pipes")
        screen.query_one("#ci-kind", Select).value = "enquiry"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
    entry, order = results[0]
    assert order is None
    entry = ServiceEntry.get_by_id(entry.id)
    assert (entry.caller_name, entry.owner_id, entry.unit.code, entry.phone, entry.kind) == (
        "Smith", None, "3-2-501", "02787654321", "enquiry")
