"""Keys and pastes in the repair desk's forms and books, at 80×24.

- Bursts: for each form family (the caller's forms, here the complaint F7; the callback
  form F4; the detail's sub-forms, here the order's return), the same keys sent all at
  once (``burst``: a fast typist, a laggy SSH link) and one by one (``pilot.press``) give
  the same fields and the same focus.
- Pastes: each text field the package uses (``TextInput``, ``PinInput``, ``MonthInput``,
  the kit's lookup box) inserts a paste once (the multi-line ``TextBox``: the shift's
  tests, the work record's notes).
- The return form starts in its first field and Tab follows reading order.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, TextArea

from deskterm.db import changes
from deskterm.db.models import RepairOrder, Staff
from deskterm.duties.backoffice import stock
from deskterm.duties.pins import hash_pin
from deskterm.screens.kit.inputs import MonthInput, PinInput, TextInput
from deskterm.screens.repairs.approval import open_approval
from deskterm.screens.repairs.callback_form import CallbackFormScreen, OutcomeSet, Question
from deskterm.screens.repairs.complaint_form import ComplaintFormScreen
from deskterm.screens.repairs.complaint_summary import open_complaint_summary
from deskterm.screens.repairs.order_actions import ReturnScreen
from deskterm.screens.repairs.order_detail import open_order_detail
from deskterm.screens.repairs.register_search import open_register_search
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning, order
from tests.pilot_keys import burst, paste


@pytest.fixture
def office(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("电梯异响")


def focus_id(app) -> str:
    return getattr(app.focused, "id", None) or ""


async def close_form(pilot, screen) -> None:
    """Esc; the kit asks before throwing typed text away: d."""
    app = pilot.app
    await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is not screen)
    if type(app.screen).__name__ == "DiscardQuestion":
        await pilot.press("d")
    await wait_until(pilot, lambda: screen not in app.screen_stack)


async def same_either_way(pilot, open_form, keys: list[str], seen) -> None:
    """The keys pressed one by one, then (in the form opened again) sent in a burst: the
    fields and the focus are the same."""
    screen = await open_form()
    await pilot.press(*keys)
    await wait_until(pilot, lambda: not screen.saving)
    pressed = (seen(screen), focus_id(pilot.app))
    assert pressed[0], "the keys filled something"
    await close_form(pilot, screen)
    screen = await open_form()
    await burst(pilot, *keys)
    await wait_until(pilot, lambda: (seen(screen), focus_id(pilot.app)) == pressed)


# --- bursts ------------------------------------------------------------------------------------

async def test_the_complaint_form_the_same_in_a_burst(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)

        async def open_form():
            screen = ComplaintFormScreen(app.session)
            app.push_screen(screen)
            await wait_until(pilot, lambda: app.screen is screen and screen.is_loaded
                             and app.focused is not None)
            return screen

        keys = [*"zs", "enter", *"楼上装修太吵", "tab"]
        await same_either_way(pilot, open_form, keys, lambda screen: screen.values())


async def test_the_callback_form_the_same_in_a_burst(office):
    """2 (not satisfied) puts the cursor in the note at once: the keys typed behind it
    land there, not on the outcome (the old form moved it later)."""
    row = RepairOrder.get((RepairOrder.office == office.office)
                          & (RepairOrder.state == "returned"))
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)

        async def open_form():
            screen = CallbackFormScreen(app.session, "order", row.id)
            app.push_screen(screen)
            await wait_until(pilot, lambda: app.screen is screen and screen.subject)
            return screen

        def seen(screen) -> tuple:
            return (screen.query_one(OutcomeSet).pressed_index,
                    screen.query_one("#callback-note", Input).value,
                    tuple(q.value for q in screen.query(Question)))

        keys = ["2", *"还在漏", "shift+tab", "n", "shift+tab", "shift+tab", "n"]
        await same_either_way(pilot, open_form, keys, seen)
        # The questions start unanswered: only the two answered say so.
        assert seen(app.screen) == (1, "还在漏", (None, None, False, None, False))
        await close_form(pilot, app.screen)
        keys = ["1", "a", "tab", "tab", "tab", "n"]  # all yes, then "site left clean": no
        await same_either_way(pilot, open_form, keys, seen)
        assert seen(app.screen) == (0, "", (True, True, False, True, True))


async def test_the_return_form_the_same_in_a_burst(office):
    row = RepairOrder.select().where((RepairOrder.office == office.office)
                                     & (RepairOrder.state == "dispatched")).first()
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        detail = open_order_detail(app, row.id)
        await wait_until(pilot, lambda: app.screen is detail and detail.loaded)

        async def open_form():
            await pilot.press("r")
            await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen)
                             and app.focused is not None)
            return app.screen

        def seen(screen) -> tuple:
            return (screen.values(), [(line.item.code, line.quantity) for line in screen.lines])

        for code, name in (("SLT-01", "水龙头（单冷）"), ("SLD-01", "生料带")):
            new = stock.add_item(office.office, office.clerk, code=code, name=name)
            stock.receive(office.office, office.clerk, new.id, 10)

        # Enter after "slt" comes before the stock list has answered: the keys behind it
        # wait for the pick and land in its quantity, then in the lookup again. Then down
        # the slip: the charge, the result chosen, the owner's lines chosen.
        keys = [*"换阀芯", "tab", *"slt", "enter", "2", "enter", *"生料", "enter", "1",
                "enter", "enter", *"35.5", "enter", "enter", "down", "enter", "tab", "enter",
                "down", "down", "enter"]
        await same_either_way(pilot, open_form, keys, seen)
        assert seen(app.screen) == (
            {"work_done": "换阀芯", "materials": "", "charge": "35.5", "result": "done",
             "owner_note": "not_satisfied", "signed_at": ""},
            [("SLT-01", 2), ("SLD-01", 1)])
        assert focus_id(app) == "return-owner_note"


async def test_the_return_form_starts_in_its_first_field(office):
    """The first field shown is the first the clerk fills, and Tab follows the fields in
    reading order (the old form started in its second field)."""
    row = RepairOrder.select().where((RepairOrder.office == office.office)
                                     & (RepairOrder.state == "dispatched")).first()
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        detail = open_order_detail(app, row.id)
        await wait_until(pilot, lambda: app.screen is detail and detail.loaded)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen)
                         and app.focused is not None)
        form = app.screen
        # (the materials' quantity waits hidden until an item is chosen)
        fields = [w for w in form.query("Input, Select") if w.focusable and w.region.height]
        assert len(fields) == 6
        assert app.focused is fields[0]
        visited = [app.focused]
        for _field in fields[1:]:
            await pilot.press("tab")
            visited.append(app.focused)
        assert visited == fields
        assert [w.region.y for w in fields] == sorted(w.region.y for w in fields)


# --- pastes --------------------------------------------------------------------------------------

def content(widget) -> str:
    return widget.text if isinstance(widget, TextArea) else widget.value


async def pasted_once(pilot, widget, text: str) -> None:
    """A paste into the empty ``widget`` leaves exactly ``text`` in it (not twice)."""
    assert content(widget) == ""
    pilot.app.screen.set_focus(widget)
    await paste(pilot, widget, text)
    await wait_until(pilot, lambda: content(widget) != "")
    await pilot.pause()
    assert content(widget) == text


async def test_each_text_field_takes_a_paste_once(office, tmp_path, frozen_clock):
    with changes.write():
        Staff.create(office=office.office, name="赵建国", role="manager",
                     pin_hash=hash_pin("9876"), created_at=office.office.created_at)
    last_week = dt.datetime.fromisoformat(MORNING) - dt.timedelta(days=5)
    order(office, state="called_back", returned=last_week, called_back_at=last_week,
          callback_on_time=True)
    row = RepairOrder.select().where((RepairOrder.office == office.office)
                                     & (RepairOrder.state == "dispatched")).first()
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        # TextInput: the register search's box.
        search = open_register_search(app)
        await wait_until(pilot, lambda: app.screen is search and search.searches >= 1
                         and search.settled)
        box = search.query_one("#rs-text", Input)
        assert isinstance(box, TextInput)
        await pasted_once(pilot, box, "3-2-501")
        await wait_until(pilot, lambda: search.settled)
        await pilot.press("escape")
        # PinInput: the manager's PIN in the Monday approval.
        approval = open_approval(app, folder=tmp_path)
        await wait_until(pilot, lambda: app.screen is approval and approval.rows)
        pin = approval.query_one("#ap-pin", Input)
        assert isinstance(pin, PinInput)
        await pasted_once(pilot, pin, "9876")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        # MonthInput: the complaint summary's month.
        summary = open_complaint_summary(app)
        await wait_until(pilot, lambda: app.screen is summary and summary.loaded)
        month = summary.query_one("#cs-month", Input)
        assert isinstance(month, MonthInput)
        month.value = ""
        await pasted_once(pilot, month, "2026-10")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        # The kit's lookup: the return's materials box.
        detail = open_order_detail(app, row.id)
        await wait_until(pilot, lambda: app.screen is detail and detail.loaded)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen))
        materials = app.screen.query_one("#return-materials", Input)
        assert isinstance(materials, TextInput)
        await pasted_once(pilot, materials, "水龙头")
        assert app.screen.value("materials") == "水龙头"
        assert isinstance(app.screen.query_one("#return-work_done"), TextInput)
        await pasted_once(pilot, app.screen.query_one("#return-work_done"), "换阀芯")
