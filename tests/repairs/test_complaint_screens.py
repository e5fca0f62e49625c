"""The complaint screens (deskterm.screens.repairs.complaint_list, complaint_detail,
complaint_summary_screen), driven with keys at 80×24 on SQLite and PostgreSQL: a complaint's
whole life from the list (assign, handle, call back, close) with the database checked after
each step, refused input at its field with nothing stored, keys that do not fit the state,
and the monthly summary's figures against counts made here from the records."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Select, TextArea

from deskterm.db.models import Callback, ChangeLog, Complaint
from deskterm.duties.repairs import complaints
from deskterm.screens.repairs.callback_form import CallbackFormScreen
from deskterm.screens.repairs.complaint_actions import AssignScreen, CloseScreen, HandlingScreen
from deskterm.screens.repairs.complaint_detail import (
    ComplaintDetailScreen,
    complaint_id_of,
    open_complaint_detail,
)
from deskterm.screens.repairs.complaint_list import ComplaintListScreen, open_complaint_list
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, small_office
from tests.repairs.test_orders import snapshot

H = dt.timedelta(hours=1)


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(MORNING)  # Thursday 26 Nov 2026, 10:05 in Shanghai
    return small_office()


def complain(so, **fields) -> Complaint:
    values = dict(complainant_name="王芳", phone="139 8765 4321",
                  description="楼上装修太吵[red]每天早上七点[/red]", unit=so.unit,
                  category="noise")
    values.update(fields)
    return complaints.record_complaint(so.office, so.clerk, **values)


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


def cells(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def fits(screen, selector: str) -> None:
    region = screen.query_one(selector).region
    assert region.x >= 0 and region.y >= 0 and region.right <= 80 and region.bottom <= 24


async def reloaded(pilot, screen, loads: int) -> None:
    await wait_until(pilot, lambda: screen.loads > loads and screen.app.screen is screen)
    await pilot.pause()


async def form_of(pilot, kind):
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, kind))
    await pilot.pause()
    return app.screen


def stored(row) -> Complaint:
    return Complaint.get_by_id(row.id)


# --- the whole life -----------------------------------------------------------------------------

async def test_a_complaint_from_the_list_to_closed(office, frozen_clock):
    now = frozen_clock(MORNING)
    row = complain(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        listing = open_complaint_list(app)
        assert isinstance(listing, ComplaintListScreen)
        await wait_until(pilot, lambda: listing.loads >= 1)
        await pilot.pause()
        table = listing.query_one("#cl-table", DataTable)
        (line,) = cells(table)
        for shown in ("TS-202611-001", "10:05", "王芳 3-2-501", "Noise", "Open", "—"):
            assert shown in line, shown
        assert "▶1 open (1)" in text(listing, "#cl-filter")
        assert "楼上装修太吵[red]每天早上七点[/red]" in text(listing, "#cl-detail")
        fits(listing, "#cl-form")
        fits(listing, "#cl-hint")

        # Enter opens the detail view.
        await pilot.press("enter")
        detail = await form_of(pilot, ComplaintDetailScreen)
        await wait_until(pilot, lambda: detail.loaded)
        await pilot.pause()
        assert "TS-202611-001" in text(detail, "#cd-title")
        fields = text(detail, "#cd-fields")
        for shown in ("Open", "Noise", "via phone", "received 10:05 by 李静", "3-2-501",
                      "complainant 王芳 139 8765 4321", "楼上装修太吵[red]每天早上七点[/red]",
                      "Handler —"):
            assert shown in fields, shown
        assert "李静 recorded: number: TS-202611-001" in text(detail, "#cd-history-text")
        assert text(detail, "#cd-hint").startswith("a assign")
        fits(detail, "#cd-form")
        fits(detail, "#cd-hint")

        # a: assign to the supervisor.
        await pilot.press("a")
        form = await form_of(pilot, AssignScreen)
        select = form.query_one("#assign-handler", Select)
        await wait_until(pilot, lambda: len(select._options) > 1)
        fits(form, "#assign-form")
        select.value = office.supervisor.id
        loads = detail.loads
        await pilot.press("ctrl+s")
        await reloaded(pilot, detail, loads)
        assert (stored(row).state, stored(row).handler_id) == ("assigned",
                                                               office.supervisor.id)
        assert "Handler 刘芳" in text(detail, "#cd-fields")
        assert "handler: — → 刘芳" in text(detail, "#cd-history-text")
        assert "h handling" in text(detail, "#cd-hint")

        # h: the handling and its result, two hours later.
        frozen_clock(now + 2 * H)
        await pilot.press("h")
        form = await form_of(pilot, HandlingScreen)
        fits(form, "#handle-form")
        form.query_one("#handle-handling", TextArea).load_text("约谈装修户\n改为九点后施工")
        form.query_one("#handle-result", TextArea).load_text("业主同意")
        loads = detail.loads
        await pilot.press("ctrl+s")
        await reloaded(pilot, detail, loads)
        row_now = stored(row)
        assert (row_now.state, row_now.handling, row_now.result) == (
            "handled", "约谈装修户 改为九点后施工", "业主同意")  # one line, as all free text
        assert row_now.handled_at == now + 2 * H and row_now.callback_due_at == now + 26 * H
        fields = text(detail, "#cd-fields")
        assert "Handling: 约谈装修户 改为九点后施工" in fields and "Result: 业主同意" in fields
        assert "Callback due 11-27 12:05 (24h left)" in fields
        assert "b call back" in text(detail, "#cd-hint")

        # b: the callback form, for this complaint; 1 satisfied, Enter.
        frozen_clock(now + 3 * H)
        await pilot.press("b")
        form = await form_of(pilot, CallbackFormScreen)
        assert (form.kind, form.target_id) == ("complaint", row.id)
        loads = detail.loads
        await pilot.press("1")
        await pilot.press("enter")
        await reloaded(pilot, detail, loads)
        assert stored(row).state == "called_back"
        assert stored(row).called_back_at == now + 3 * H
        (callback,) = Callback.select().where(Callback.complaint == row.id)
        assert (callback.outcome, callback.by_id) == ("satisfied", office.clerk.id)
        fields = text(detail, "#cd-fields")
        assert "called back 13:05 ✓ on time" in fields
        assert "Callbacks: 13:05 satisfied 李静" in fields
        assert "c close" in text(detail, "#cd-hint")

        # c: close it.
        frozen_clock(now + 4 * H)
        await pilot.press("c")
        form = await form_of(pilot, CloseScreen)
        assert "satisfied 李静" in text(form, "#close-callback")
        loads = detail.loads
        await pilot.press("enter")
        await reloaded(pilot, detail, loads)
        assert (stored(row).state, stored(row).closed_at) == ("closed", now + 4 * H)
        assert "closed 14:05" in text(detail, "#cd-fields")
        assert text(detail, "#cd-hint") == "↑↓ history · Esc close"
        assert [h.split()[2].rstrip(":") for h in
                text(detail, "#cd-history-text").splitlines()] == [
            "recorded", "assigned", "handled", "called", "closed"]

        # Esc: the list again, read again: the closed complaint has left the open ones.
        loads = listing.loads
        await pilot.press("escape")
        await reloaded(pilot, listing, loads)
        assert table.row_count == 0
        assert "No complaints here." in text(listing, "#cl-detail")
        loads = listing.loads
        await pilot.press("3")
        await reloaded(pilot, listing, loads)
        (line,) = cells(table)
        assert "Closed" in line and "✓11-27 12:05" in line
        assert "▶3 closed (1)" in text(listing, "#cl-filter")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_the_list_filters_and_marks_late_callbacks(office, frozen_clock):
    now = frozen_clock("2026-10-30T02:00:00")
    old = complain(office, complainant_name="十月", category="parking")
    frozen_clock(now + 5 * 24 * H)
    late = complain(office, complainant_name="逾期", unit=None, category="sanitation")
    complaints.assign_complaint(office.office, office.clerk, late.id, office.technician)
    complaints.record_handling(office.office, office.clerk, late.id, handling="清理",
                               result="已清理")
    frozen_clock(MORNING)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        listing = open_complaint_list(app)
        await wait_until(pilot, lambda: listing.loads >= 1)
        await pilot.pause()
        table = listing.query_one("#cl-table", DataTable)
        first, second = cells(table)
        assert "逾期" in first and "张强" in first and "!11-05 10:00" in first
        assert "十月 3-2-501" in second and "Parking" in second
        assert "! 1 callbacks late" in text(listing, "#cl-filter")
        assert "11-04 10:00 · Sanitation · Handled" in text(listing, "#cl-detail")
        await pilot.press("down")
        await pilot.pause()
        assert "Parking · Open" in text(listing, "#cl-detail")
        loads = listing.loads
        await pilot.press("2")
        await reloaded(pilot, listing, loads)
        assert "▶2 this month (1)" in text(listing, "#cl-filter")
        assert [line.split()[0] for line in cells(table)] == [late.number]  # not October's
        loads = listing.loads
        await pilot.press("1")
        await reloaded(pilot, listing, loads)
        assert [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(2)] == [
            f"c{late.id}", f"c{old.id}"]


# --- refused input ------------------------------------------------------------------------------

async def open_detail(app, pilot, complaint_id) -> ComplaintDetailScreen:
    detail = open_complaint_detail(app, complaint_id)
    assert isinstance(detail, ComplaintDetailScreen)
    await wait_until(pilot, lambda: app.screen is detail and detail.loaded)
    await pilot.pause()
    return detail


async def test_no_handler_and_no_handling_are_refused_at_the_field(office):
    row = complain(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        detail = await open_detail(app, pilot, row.id)
        # Keys that do not fit the state say so and open nothing.
        for key, words in (("h", "only an assigned complaint"),
                           ("b", "only a handled complaint"), ("c", "only after its callback")):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is detail and words in text(detail, "#cd-message"), key
        before = snapshot()
        await pilot.press("a")
        form = await form_of(pilot, AssignScreen)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: text(form, "#assign-error-handler") != "")
        assert "Choose an active supervisor" in text(form, "#assign-error-handler")
        assert app.screen is form and snapshot() == before
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is detail)
        assert snapshot() == before

        complaints.assign_complaint(office.office, office.clerk, row.id, office.supervisor)
        loads = detail.loads
        detail.reload()
        await reloaded(pilot, detail, loads)
        before = snapshot()
        await pilot.press("h")
        form = await form_of(pilot, HandlingScreen)
        form.query_one("#handle-handling", TextArea).load_text(" \n ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Enter how it was handled." in text(form, "#handle-error-handling")
        assert "Enter the result." in text(form, "#handle-error-result")
        assert form.focused is form.query_one("#handle-handling", TextArea)
        form.query_one("#handle-handling", TextArea).load_text("约谈")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text(form, "#handle-error-handling") == ""
        assert "Enter the result." in text(form, "#handle-error-result")
        assert app.screen is form and snapshot() == before
        await pilot.press("escape")  # something was typed: the kit asks first
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscardQuestion")
        await pilot.press("d")
        await wait_until(pilot, lambda: app.screen is detail)
    assert snapshot() == before
    assert stored(row).state == "assigned"


async def test_a_refusal_of_the_duty_itself_shows_at_its_field(office):
    """Another clerk handled it meanwhile: the duty refuses, the form says why."""
    row = complain(office)
    complaints.assign_complaint(office.office, office.clerk, row.id, office.supervisor)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await open_detail(app, pilot, row.id)
        await pilot.press("h")
        form = await form_of(pilot, HandlingScreen)
        complaints.record_handling(office.office, office.supervisor, row.id, handling="约谈",
                                   result="已解决")
        logged = ChangeLog.select().count()
        form.query_one("#handle-handling", TextArea).load_text("再次约谈")
        form.query_one("#handle-result", TextArea).load_text("好")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: text(form, "#handle-error-form") != "")
        assert "TS-202611-001" in text(form, "#handle-error-form")
        assert ChangeLog.select().count() == logged
    assert stored(row).handling == "约谈"


async def test_an_unknown_complaint_says_so(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        detail = await open_detail(app, pilot, 10**9)
        assert "no such complaint" in text(detail, "#cd-fields")
        await pilot.press("a")
        assert app.screen is detail
        assert open_complaint_detail(app, None) is None


def test_row_keys_of_complaints():
    assert complaint_id_of("c7") == 7
    assert complaint_id_of("callback:complaint:12") == 12
    for key in (None, "", "o7", "callback:repair_order:3", "c", "c7x", "appointment:2"):
        assert complaint_id_of(key) is None
