"""The unit's card and the chase at the desk (issue #13), driven as a clerk drives them at
80×24: F2 shows the caller's late order (number, technician, lateness) with no key beyond
the unit; ctrl+o records the chase on that order and makes nothing new; a second order of
the same category asks first; F3, F7 and F8 show the card too; a card the database cannot
give is a state, and the form works on."""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import Input

from deskterm.db.models import RepairOrder, ServiceEntry
from deskterm.screens.cashdesk.payment import PaymentScreen
from deskterm.screens.kit import unit_card as card_module
from deskterm.screens.kit.unit_card import UnitCard
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from deskterm.screens.repairs.chase_part import ChaseChoice, SameCategoryQuestion
from deskterm.screens.repairs.complaint_form import ComplaintFormScreen
from deskterm.screens.repairs.visit_form import VisitFormScreen
from tests.desk_app import desk_app, desk_ready, pane_text, wait_until
from tests.faults import driver_text_in, server_down
from tests.repairs.unit_story import AFTERNOON, unit_story


@pytest.fixture
def story(desk_db, frozen_clock):
    frozen_clock(AFTERNOON)  # 14:20 in Shanghai: 王建军's 13:00 is late
    return unit_story()


async def open_form(pilot, form_class, results: list | None = None):
    app = pilot.app
    await desk_ready(pilot)
    screen = form_class(app.session)
    app.push_screen(screen, callback=(results.append if results is not None else None))
    await wait_until(pilot, lambda: app.screen is screen and screen.is_loaded)
    return screen


def card_of(screen) -> UnitCard:
    return screen.query_one(UnitCard)


def card_text(screen) -> str:
    return str(card_of(screen).content)


async def card_shown(pilot, screen) -> str:
    await wait_until(pilot, lambda: card_of(screen).state == "shown")
    return card_text(screen)


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def counts() -> tuple[int, int]:
    return ServiceEntry.select().count(), RepairOrder.select().count()


@pytest.mark.both_databases
async def test_f2_shows_the_late_order_as_soon_as_the_unit_is_picked(story):
    app = desk_app(story.so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, CallIntakeScreen)
        await pilot.press(*"3-2-501", "enter")  # the unit, and nothing else
        text = await card_shown(pilot, screen)
        lines = text.splitlines()
        assert lines[0].startswith("3-2-501 · 2 open orders (ctrl+o: chase) · owes ¥716.40")
        assert lines[1].startswith("! WX-TEST-0001 dispatched 王建军 13:00 late 1h")
        assert "water: 热水器不出热水" in lines[1]
        assert lines[2].startswith("· WX-TEST-0002 registered")
        assert lines[3].startswith("Open complaint TS-202611-001 · Open · 楼上夜里噪音")
        assert lines[4].startswith("Last callback 11-24 14:20 WX-TEST-0003: satisfied")
        assert app.focused.id == "ci-request"  # the call goes on where it would
        await pilot.pause(0.4)  # past the unit field's debounce: the same unit, no new read
        assert card_of(screen).reads == 1
        assert all(len(line) <= 76 for line in lines)


async def test_a_unit_found_from_the_phone_gets_its_card(story):
    app = desk_app(story.so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, CallIntakeScreen)
        await pilot.press(*"5678", "enter")  # the caller's phone, its last digits
        text = await card_shown(pilot, screen)
        assert text.startswith("3-2-501 · 2 open orders") and "WX-TEST-0001" in text


async def test_a_unit_typed_by_hand_gets_its_card_and_a_new_unit_replaces_it(story):
    app = desk_app(story.so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, CallIntakeScreen)
        await pilot.press("enter")  # nobody looked up: the clerk types the caller in
        screen.set_focus(screen.query_one("#ci-unit", Input))
        await pilot.press(*"3-1-102")
        text = await card_shown(pilot, screen)
        assert text.startswith("3-1-102 · 1 open order") and "阳台漏水" in text
        await pilot.press("backspace", "backspace", "backspace", *"999")
        # (a slow machine may read "3-1-9" on the way: wait for the unit typed)
        await wait_until(pilot, lambda: card_of(screen).state == "unknown"
                         and card_of(screen).code == "3-1-999")
        assert "no unit 3-1-999" in card_text(screen)
        await pilot.press("ctrl+u")
        await wait_until(pilot, lambda: not card_of(screen).display
                         or card_of(screen).state == "empty")
        assert card_text(screen) == ""


@pytest.mark.both_databases
async def test_the_chase_key_records_it_on_that_order_and_creates_nothing(story):
    app = desk_app(story.so)  # with the change watcher: the pane follows the chase
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, CallIntakeScreen, results)
        await pilot.press(*"3-2-501", "enter")
        await card_shown(pilot, screen)
        screen.query_one("#ci-request", Input).insert_text_at_cursor("师傅还没到")
        before = counts()
        await pilot.press("ctrl+o")  # two open orders: which one?
        await wait_until(pilot, lambda: isinstance(app.screen, ChaseChoice))
        await pilot.press("1")
        await wait_until(pilot, lambda: results)
        entry, made = results[0]
        assert made is None
        assert f"Order {story.late.number} chased (×1): no new order." in notes(app)
        await wait_until(pilot, lambda: "1 chased" in pane_text(app, "orders"))
        assert "⚑1" in pane_text(app, "orders")
    assert counts() == (before[0] + 1, before[1])  # the call kept; no order made
    late = RepairOrder.get_by_id(story.late.id)
    assert (late.chases, late.state, late.technician_id) == (1, "dispatched", story.wang.id)
    line = ServiceEntry.get_by_id(entry.id)
    assert (line.order_id, line.caller_name, line.request, line.kind) == (
        late.id, "张三", "师傅还没到", "enquiry")
    assert line.owner_id is not None  # the owner picked from the roster
    assert RepairOrder.get_by_id(story.waiting.id).chases == 0


async def test_one_open_order_is_chased_at_once_and_esc_leaves_a_choice_untouched(story):
    app = desk_app(story.so, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, CallIntakeScreen, results)
        await pilot.press("ctrl+o")  # no unit yet: said, nothing recorded
        await wait_until(pilot, lambda: "No open order" in str(
            screen.query_one("#ci-error-form").content))
        await pilot.press(*"3-2-501", "enter")
        await card_shown(pilot, screen)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, ChaseChoice))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert RepairOrder.get_by_id(story.late.id).chases == 0
        # Another caller: the unit with one open order, typed, not on the roster.
        screen.set_value("name", "")
        screen.set_value("phone", "")
        screen.set_value("unit", "3-1-102")
        await wait_until(pilot, lambda: card_of(screen).state == "shown"
                         and card_of(screen).code == "3-1-102")
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: results)
    chased = RepairOrder.select().where(RepairOrder.unit == story.other_unit.id).get()
    assert chased.chases == 1
    assert ServiceEntry.get_by_id(results[0][0].id).caller_name == ""


@pytest.mark.both_databases
async def test_a_second_order_of_the_same_category_asks_first(story):
    app = desk_app(story.so, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, CallIntakeScreen, results)
        await pilot.press(*"3-2-501", "enter")
        await card_shown(pilot, screen)
        screen.query_one("#ci-request", Input).insert_text_at_cursor("热水器还是不热")
        screen.set_value("category", "water")
        before = counts()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SameCategoryQuestion))
        assert app.screen.order.id == story.late.id
        await pilot.press("escape")  # back to the form: nothing saved
        await wait_until(pilot, lambda: app.screen is screen)
        assert counts() == before and not results
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SameCategoryQuestion))
        await pilot.press("s")  # a new fault all the same
        await wait_until(pilot, lambda: results)
    entry, made = results[0]
    assert made.category == "water" and made.description == "热水器还是不热"
    assert counts() == (before[0] + 1, before[1] + 1)
    assert RepairOrder.get_by_id(story.late.id).chases == 0


async def test_the_question_chases_and_another_category_is_not_asked(story):
    app = desk_app(story.so, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, CallIntakeScreen, results)
        await pilot.press(*"3-2-501", "enter")
        await card_shown(pilot, screen)
        screen.query_one("#ci-request", Input).insert_text_at_cursor("热水器")
        screen.set_value("category", "water")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SameCategoryQuestion))
        before = counts()
        await pilot.press("c")
        await wait_until(pilot, lambda: results)
        assert results[0][1] is None and counts() == (before[0] + 1, before[1])
        assert RepairOrder.get_by_id(story.late.id).chases == 1
        # Another call: lift, a category the unit has no open order of.
        screen = await open_form(pilot, CallIntakeScreen, results)
        await pilot.press(*"3-2-501", "enter")
        screen.query_one("#ci-request", Input).insert_text_at_cursor("电梯异响")
        screen.set_value("category", "lift")
        await pilot.press("ctrl+s")  # saved once the card has answered: no question
        await wait_until(pilot, lambda: len(results) == 2)
        assert results[1][1].category == "lift"


@pytest.mark.both_databases
@pytest.mark.parametrize("form_class", [PaymentScreen, ComplaintFormScreen, VisitFormScreen],
                         ids=["F3", "F7", "F8"])
async def test_the_card_in_f3_f7_and_f8(story, form_class):
    app = desk_app(story.so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, form_class)
        await pilot.press(*"3-2-501", "enter")
        text = await card_shown(pilot, screen)
        assert "! WX-TEST-0001 dispatched 王建军 13:00 late 1h" in text
        assert "owes ¥716.40 since 2026-10" in text and "ctrl+o" not in text
        region = card_of(screen).region
        assert region.height >= 4 and region.right <= 80 and region.bottom <= 24


@pytest.mark.both_databases
async def test_a_card_the_database_cannot_give_is_a_state_and_the_form_works_on(
        story, monkeypatch):
    def unreachable(*_args, **_kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    real = card_module.unit_card
    monkeypatch.setattr(card_module, "unit_card", unreachable)
    app = desk_app(story.so)  # the change watcher's next read says the database is back
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, CallIntakeScreen, results)
        await pilot.press(*"3-2-501", "enter")
        await wait_until(pilot, lambda: card_of(screen).state == "trouble")
        assert card_text(screen).startswith("3-2-501: Could not load: the database cannot")
        assert not driver_text_in(card_text(screen))
        assert app.screen is screen and app.focused.id == "ci-request"
        monkeypatch.setattr(card_module, "unit_card", real)
        # The database answers again: the card is read again by itself.
        await wait_until(pilot, lambda: card_of(screen).state == "shown", timeout=20)
        assert "WX-TEST-0001" in card_text(screen)
        await pilot.press(*"noisy pipes")  # the form worked on all the while
        screen.set_value("category", "lift")  # none open of it: saved without a question
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results)
        assert results[0][1].description == "noisy pipes"


@pytest.mark.both_databases
async def test_the_server_down_then_back_reads_the_card_again(story, desk_db, pg_server):
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")
    app = desk_app(story.so)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, ComplaintFormScreen)
        await pilot.press("enter")
        with server_down(pg_server):
            screen.set_value("unit", "3-2-501")
            await wait_until(pilot, lambda: card_of(screen).state == "trouble")
            assert "cannot be reached" in card_text(screen)
            assert not driver_text_in(card_text(screen))
            screen.set_value("name", "张三")  # the form is the clerk's all the while
        await wait_until(pilot, lambda: card_of(screen).state == "shown", timeout=20)
        assert "WX-TEST-0001" in card_text(screen)
        assert screen.value("name") == "张三"

