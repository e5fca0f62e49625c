"""The callback form (deskterm.screens.repairs.callback_form) driven as a clerk drives it, at 80×24
on SQLite and PostgreSQL: what each outcome stores, the inspection answers, the note a
dissatisfied owner needs, the inspection answered only by the clerk (never by itself),
Esc, which row F4 means, and the five-key path from the pane."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from deskterm.db import changes
from deskterm.db.models import Callback, Complaint, RepairOrder
from deskterm.duties.repairs.callbacks import INSPECTION_FIELDS
from deskterm.screens.repairs.callback_form import (
    CallbackFormScreen,
    OutcomeSet,
    Question,
    callback_target,
    open_callback_form,
    parse_row_key,
)
from tests.desk_app import desk_app, pane_text, panes_loaded, wait_until
from tests.factories import MORNING, busy_morning, order

H = dt.timedelta(hours=1)


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("[red]not markup[/red]")


def overdue_order(so) -> RepairOrder:
    """busy_morning's order returned 25 h ago: its callback is 1 h late."""
    return RepairOrder.get((RepairOrder.office == so.office) & (RepairOrder.state == "returned"))


def fresh_order(so, now, text="卫生间[red]漏水[/red]") -> RepairOrder:
    """An order returned 2 h ago: its window still has 22 h to run."""
    return order(so, state="returned", returned=now - 2 * H, text=text,
                 work_done="更换密封圈", reporter_name="王五", reporter_phone="02787654321-123")


def handled_complaint(so, now) -> Complaint:
    with changes.write():
        row = Complaint.create(
            office=so.office, number="TS-202611-001", unit=so.unit, complainant_name="赵六",
            phone="13900001111", description="楼道噪音", received_at=now - 30 * H,
            received_by=so.clerk, handler=so.supervisor, handling="已约谈施工方",
            state="handled", handled_at=now - 25 * H, callback_due_at=now - 2 * H)
        changes.record("complaint", row.id, "create", office=so.office)
    return row


def callbacks_of(row) -> list[Callback]:
    field = Callback.order if isinstance(row, RepairOrder) else Callback.complaint
    return list(Callback.select().where(field == row.id).order_by(Callback.id))


async def open_form(app, pilot, kind: str, target_id: int, results: list | None = None):
    screen = CallbackFormScreen(app.session, kind, target_id)
    app.push_screen(screen, callback=None if results is None else results.append)
    await wait_until(pilot, lambda: app.screen is screen and screen.subject is not None)
    return screen


async def saved(app, pilot) -> None:
    await wait_until(pilot, lambda: app.screen is app.dashboard)


def error(screen, name: str) -> str:
    return str(screen.query_one(f"#callback-error-{name}").content)


def listed(app) -> list[str]:
    """The row keys of the Overdue callbacks pane ("o<order id>", "c<complaint id>")."""
    table = app.dashboard.query_one("#callbacks").table
    return table.row_keys()


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


# --- the five keys ---------------------------------------------------------------------------

async def test_a_callback_from_the_pane_takes_five_keys(office, frozen_clock):
    row = overdue_order(office)
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        assert listed(app)[0] == f"o{row.id}"
        keys = 0
        await pilot.press("3")  # the Overdue callbacks pane; its first row is highlighted
        keys += 1
        screen = open_callback_form(app)  # F4 (the lead binds it)
        keys += 1
        assert isinstance(screen, CallbackFormScreen)
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("1")  # satisfied: the inspection questions, unanswered
        keys += 1
        assert all(q.value is None for q in screen.query(Question))
        await pilot.press("a")  # the owner said yes to all five: one conscious key
        keys += 1
        await pilot.press("enter")
        keys += 1
        await saved(app, pilot)
        assert keys <= 5
        # The pane updates itself from the change log.
        await wait_until(pilot, lambda: f"o{row.id}" not in listed(app))
        assert "0 late" in pane_text(app, "callbacks")
        assert any(row.number in m and "Satisfied" in m for m in messages(app))
    [cb] = callbacks_of(row)
    assert (cb.outcome, cb.by_id, cb.note) == ("satisfied", office.clerk.id, "")
    assert all(getattr(cb, f) is True for f in INSPECTION_FIELDS)
    row = RepairOrder.get_by_id(row.id)
    assert row.state == "called_back"
    assert row.callback_on_time is False  # it was an hour late


# --- each outcome ----------------------------------------------------------------------------

async def test_satisfied_in_the_window_is_on_time_with_the_inspection_answers(
        office, frozen_clock):
    now = frozen_clock(MORNING)
    row = fresh_order(office, now)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        subject = str(screen.query_one("#callback-subject").content)
        assert "卫生间[red]漏水[/red]" in subject  # shown literally, not as markup
        assert "王五" in subject and "027-8765 4321 转 123" in subject
        assert "更换密封圈" in subject and "张强" in subject and "22h left" in subject
        await pilot.press("1")
        assert screen.query_one("#callback-inspection").display
        # All yes (a), then Tab to the questions: no to "arrived on time" (n) and
        # "site left clean" (space turns its yes).
        await pilot.press("a", "tab", "n", "tab", "tab", "space")
        await pilot.press("ctrl+s")
        await saved(app, pilot)
    [cb] = callbacks_of(row)
    assert cb.outcome == "satisfied"
    assert (cb.arrived_on_time, cb.manner_ok, cb.site_clean, cb.problem_solved,
            cb.charge_as_quoted) == (False, True, False, True, True)
    row = RepairOrder.get_by_id(row.id)
    assert (row.state, row.called_back_at, row.callback_on_time) == ("called_back", now, True)


async def test_not_satisfied_needs_a_note_then_reopens_the_order(office, frozen_clock):
    now = frozen_clock(MORNING)
    row = fresh_order(office, now)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        await pilot.press("2")  # the note is required: the cursor goes there
        assert screen.focused is screen.query_one("#callback-note", Input)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "not satisfied with" in error(screen, "note"))
        # Nothing was asked yet: refused too, and the cursor on the first question.
        assert "Not answered: Arrived on time, Polite manner" in error(screen, "inspection")
        assert screen.focused is screen.query_one("#callback-q-arrived_on_time")
        assert app.screen is screen and callbacks_of(row) == []
        assert RepairOrder.get_by_id(row.id).state == "returned"
        await pilot.press("y", "tab", "y", "tab", "y", "tab", "n")  # problem not solved
        assert error(screen, "inspection").startswith("✗ Not answered: Charged as quoted.")
        await pilot.press("tab", "y")
        await wait_until(pilot, lambda: error(screen, "inspection") == "")
        await pilot.press("tab", *"[b]还在漏[/b]", "enter")
        await saved(app, pilot)
    [cb] = callbacks_of(row)
    assert (cb.outcome, cb.note) == ("not_satisfied", "[b]还在漏[/b]")
    assert (cb.problem_solved, cb.arrived_on_time) == (False, True)
    row = RepairOrder.get_by_id(row.id)
    assert (row.state, row.reopened_count, row.returned_at) == ("dispatched", 1, None)


async def test_unreachable_keeps_the_order_returned_and_the_window_running(office):
    row = overdue_order(office)
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        await pilot.press("3")
        assert not screen.query_one("#callback-inspection").display  # not asked
        await pilot.press("tab", *"下午再打", "enter")
        await saved(app, pilot)
        assert any("try again" in m for m in messages(app))
        await pilot.pause(0.5)  # the watcher has had time to reload: still listed
        assert f"o{row.id}" in listed(app)
    [cb] = callbacks_of(row)
    assert (cb.outcome, cb.note) == ("unreachable", "下午再打")
    assert all(getattr(cb, f) is None for f in INSPECTION_FIELDS)
    stored = RepairOrder.get_by_id(row.id)
    assert (stored.state, stored.called_back_at) == ("returned", None)
    assert stored.callback_due_at == row.callback_due_at


async def test_refused_counts_as_called_back(office):
    row = overdue_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await open_form(app, pilot, "order", row.id)
        await pilot.press("4", "enter")
        await saved(app, pilot)
    [cb] = callbacks_of(row)
    assert cb.outcome == "refused"
    assert all(getattr(cb, f) is None for f in INSPECTION_FIELDS)
    assert RepairOrder.get_by_id(row.id).state == "called_back"


async def test_an_unanswered_question_is_refused_at_the_questions(office, frozen_clock):
    """Honest records [6.5]: 1 Enter no longer files five answers nobody gave."""
    now = frozen_clock(MORNING)
    row = fresh_order(office, now)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        await pilot.press("1")
        shown = [str(q.content) for q in screen.query(Question)]
        assert shown[0] == "Arrived on time: ? not answered" and len(shown) == 5
        await pilot.press("enter")
        await wait_until(pilot, lambda: error(screen, "inspection") != "")
        assert error(screen, "inspection") == (
            "✗ Not answered: Arrived on time, Polite manner, Site left clean, Problem "
            "solved, Charged as quoted. Ask the owner: y yes, n no; a if all are yes.")
        assert error(screen, "outcome") == "" and not screen.saving
        assert screen.focused is screen.query_one("#callback-q-arrived_on_time")
        assert app.screen is screen and callbacks_of(row) == []
        await pilot.press("n", "enter")  # one answered, four still not: refused again
        await wait_until(pilot, lambda: "Not answered: Polite manner" in error(
            screen, "inspection"))
        assert screen.focused is screen.query_one("#callback-q-manner_ok")
        assert callbacks_of(row) == [] and RepairOrder.get_by_id(row.id).state == "returned"
        await pilot.press("a")  # all yes, "arrived on time" too: what the key says
        await wait_until(pilot, lambda: error(screen, "inspection") == "")
        await pilot.press("shift+tab", "n", "enter")  # back to the first: no after all
        await saved(app, pilot)
    [cb] = callbacks_of(row)
    assert (cb.arrived_on_time, cb.manner_ok, cb.site_clean, cb.problem_solved,
            cb.charge_as_quoted) == (False, True, True, True, True)


async def test_all_yes_needs_an_answered_call(office):
    """``a`` before the outcome says why it did nothing; after 3 (unreachable) too."""
    row = overdue_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        await pilot.press("a")
        await wait_until(pilot, lambda: "choose 1 or 2 first" in error(screen, "outcome"))
        assert all(q.value is None for q in screen.query(Question))
        await pilot.press("3", "a")
        await wait_until(pilot, lambda: "choose 1 or 2 first" in error(screen, "outcome"))
        assert all(q.value is None for q in screen.query(Question))
        await pilot.press("tab", *"busy", "enter")
        await saved(app, pilot)
    [cb] = callbacks_of(row)
    assert cb.outcome == "unreachable"
    assert all(getattr(cb, f) is None for f in INSPECTION_FIELDS)


async def test_the_arrow_keys_choose_the_outcome(office):
    row = overdue_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        assert screen.outcome is None
        await pilot.press("down")
        assert screen.outcome == "satisfied"
        await pilot.press("down", "down")
        assert screen.outcome == "unreachable"
        await pilot.press("up")
        assert screen.outcome == "not_satisfied"
        await pilot.press("1")
        assert screen.outcome == "satisfied"


async def test_enter_without_an_outcome_asks_for_one(office):
    row = overdue_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        await pilot.press("enter")
        await pilot.pause()
        assert "Choose the outcome" in error(screen, "outcome")
        assert app.screen is screen
    assert callbacks_of(row) == []


async def test_a_pasted_10000_character_note_is_refused_under_the_note(office):
    row = overdue_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        await pilot.press("1", "a", "2")  # all yes, then not satisfied: the note
        screen.query_one("#callback-note", Input).insert_text_at_cursor("漏" * 10_000)
        await pilot.press("enter")
        await wait_until(pilot, lambda: error(screen, "note") != "")
        assert app.screen is screen
    assert callbacks_of(row) == []


async def test_escape_stores_nothing(office):
    row = overdue_order(office)
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await open_form(app, pilot, "order", row.id, results)
        await pilot.press("2", *"不满意", "escape")
        # Something was chosen and typed: the kit asks before throwing it away.
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        await pilot.press("d")
        await saved(app, pilot)
    assert results == [None]
    assert callbacks_of(row) == []
    assert RepairOrder.get_by_id(row.id).state == "returned"


async def test_an_order_no_longer_returned_is_refused_beside_the_subject(office):
    row = overdue_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        assert "late" in str(screen.query_one("#callback-subject").content)
        # Another clerk calls back first.
        from deskterm.duties.repairs.callbacks import record_callback
        record_callback(office.office, office.supervisor, order_id=row.id, outcome="refused")
        await pilot.press("1", "a", "enter")
        await wait_until(pilot, lambda: "only a returned order" in str(
            screen.query_one("#callback-error-form").content))
        assert app.screen is screen
    assert [cb.by_id for cb in callbacks_of(row)] == [office.supervisor.id]


# --- complaints ------------------------------------------------------------------------------

async def test_a_complaint_from_the_pane(office, frozen_clock):
    now = frozen_clock(MORNING)
    complaint = handled_complaint(office, now)
    app = desk_app(office)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("3")
        keys = listed(app)
        assert f"c{complaint.id}" in keys
        app.dashboard.query_one("#callbacks").table.move_cursor(
            row=keys.index(f"c{complaint.id}"))
        await pilot.pause()
        assert callback_target(app.dashboard) == ("complaint", complaint.id)
        screen = open_callback_form(app)
        await wait_until(pilot, lambda: app.screen is screen and screen.subject is not None)
        subject = str(screen.query_one("#callback-subject").content)
        assert "TS-202611-001" in subject and "赵六" in subject and "139 0000 1111" in subject
        await pilot.press("1")
        assert list(screen.query(Question)) == []  # the inspection is for repair orders
        assert not screen.query_one("#callback-inspection").display
        await pilot.press("enter")
        await saved(app, pilot)
        await wait_until(pilot, lambda: f"c{complaint.id}" not in listed(app))
    [cb] = callbacks_of(complaint)
    assert cb.outcome == "satisfied"
    complaint = Complaint.get_by_id(complaint.id)
    assert (complaint.state, complaint.called_back_at) == ("called_back", now)


# --- which row F4 means ----------------------------------------------------------------------

def test_row_keys():
    assert parse_row_key("o123") == ("order", 123)
    assert parse_row_key("c7") == ("complaint", 7)
    for key in (None, "", "o", "s5", "o12x", "x1"):
        assert parse_row_key(key) is None


async def test_callback_target_reads_the_focused_callbacks_pane(office, frozen_clock):
    now = frozen_clock(MORNING)
    late = overdue_order(office)
    complaint = handled_complaint(office, now)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        assert callback_target(app.dashboard) is None  # the timeline has the focus
        await pilot.press("2")  # open orders are not returned yet
        assert callback_target(app.dashboard) is None
        assert open_callback_form(app) is None
        await pilot.pause()
        assert any("Overdue callbacks" in m for m in messages(app))
        await pilot.press("3")
        # Most urgent first: the complaint was due 2 h ago, the order 1 h ago.
        assert callback_target(app.dashboard) == ("complaint", complaint.id)
        await pilot.press("down")
        assert callback_target(app.dashboard) == ("order", late.id)


async def test_a_signed_out_desk_opens_no_form(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await pilot.press("3")
        app.session.staff = None
        assert open_callback_form(app) is None
        assert app.screen is app.dashboard


async def test_the_form_fits_80x24(office):
    row = overdue_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        screen = await open_form(app, pilot, "order", row.id)
        await pilot.press("1")
        await pilot.pause()
        form = screen.query_one("#callback-form").region
        assert form.x >= 0 and form.y >= 0 and form.right <= 80 and form.bottom <= 24
        for widget in [screen.query_one(OutcomeSet), *screen.query(Question),
                       screen.query_one("#callback-note")]:
            region = widget.region
            assert region.height > 0 and form.contains_region(region), widget


async def test_what_was_said_is_kept_as_a_draft_of_this_callback(office):
    """Esc, k: the outcome, the answers and the note come back when the same callback is
    opened again (Enter restores the draft)."""
    row = overdue_order(office)
    app = desk_app(office, watch=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await open_form(app, pilot, "order", row.id, results)
        await pilot.press("2", *"还在漏", "shift+tab", "n", "escape")  # the last one: no
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        await pilot.press("k")
        await saved(app, pilot)
        screen = CallbackFormScreen(app.session, "order", row.id)
        app.push_screen(screen)
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DraftOffer")
        offer = " ".join(str(s.content) for s in app.screen.query("Static"))
        assert "Not satisfied · 还在漏" in offer
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen and screen.outcome)
        assert (screen.outcome, screen.value("note")) == ("not_satisfied", "还在漏")
        assert screen.inspection()["charge_as_quoted"] is False
        assert screen.inspection()["arrived_on_time"] is None  # unanswered, still
        assert screen.query_one("#callback-inspection").display
    assert results == [None] and callbacks_of(row) == []
