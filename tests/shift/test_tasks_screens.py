"""Tasks at the desk, driven with keys at 80×24 [6.2][6.3]: ``t`` on the dashboard notes one,
the handover's ``a`` turns a night-log item into one, the Today pane shows it at its time and
carries it while it is open, ``d`` marks it done there or in the tasks book (F10 j), which
also opens it again; the next handover lists it until it is done. The database is checked
after each step."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.clock import local
from deskterm.db.models import HandoverItem, Task
from deskterm.screens.shift.handover import HandoverScreen
from deskterm.screens.shift.handover_sign import SignHandoverForm
from deskterm.screens.shift.task_form import NightTaskForm, TaskForm
from deskterm.screens.shift.tasks_book import TasksBook
from deskterm.widgets.timeline_pane import TimelinePane
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, PIN, small_office
from tests.shift.test_handover import MORNING as HANDOVER_TIME
from tests.shift.test_handover import night_of
from tests.shift.test_night_log import NIGHT, write

NEXT_NIGHT = "2026-11-26T19:00:00"  # 03:00 on the 27th in Shanghai
NEXT_MORNING = "2026-11-27T00:30:00"  # 08:30 on the 27th


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def rows(screen, selector: str) -> list[str]:
    table = screen.query_one(selector)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def today_keys(app) -> list[str]:
    pane = app.dashboard.query_one(TimelinePane)
    return [item.key for item in pane.data.items] if pane.data is not None else []


async def choose(pilot, form, name: str, value) -> None:
    """Field ``name`` (a Select) set with keys: Enter opens it, ↓ to ``value``, Enter."""
    box = form.widget(name)
    form.set_focus(box)
    values = [v for _label, v in box._options]  # noqa: SLF001 - the list the overlay shows
    steps = values.index(value) - values.index(box.value)
    await pilot.press("enter")
    await wait_until(pilot, lambda: box.expanded)
    await pilot.press(*["down"] * steps, "enter")
    await wait_until(pilot, lambda: box.value == value)


async def sign(pilot, screen) -> None:
    app = pilot.app
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, SignHandoverForm))
    await pilot.pause()
    await pilot.press(*PIN, "tab", *PIN, "ctrl+s")
    await wait_until(pilot, lambda: app.screen is app.dashboard)


async def open_handover(pilot) -> HandoverScreen:
    app = pilot.app
    await pilot.press("f5")
    await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen)
                     and app.screen.view is not None)
    await pilot.pause()
    return app.screen


@pytest.fixture
def morning(desk_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    sun, entries = night_of(so)
    frozen_clock(HANDOVER_TIME)  # 08:30 on the 26th
    return so, sun, entries


@pytest.mark.both_databases
async def test_a_task_from_the_handover_stays_until_done(morning, frozen_clock):
    """The issue's case: added at the handover, on the timeline and in the next handover
    until done; done with one key."""
    so, sun, entries = morning
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        screen = await open_handover(pilot)
        assert "No open tasks." in shown(screen, "#ho-tasks")
        await pilot.press("t")  # the first taken over; the cursor on the leak
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, NightTaskForm)
                         and app.screen.is_loaded)
        form = app.screen
        assert "卫生间漏水" in form.value("title") and form.value("source") == "handover"
        assert app.focused is form.widget("due")  # what is there; by when is not
        await pilot.press(*"11:00")
        await choose(pilot, form, "assigned_to", so.technician.id)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        task = Task.get()
        assert (task.source, task.assigned_to_id, task.created_by_id) == (
            "handover", so.technician.id, so.clerk.id)
        assert local(task.due_at, "Asia/Shanghai").format("MM-DD HH:mm") == "11-26 11:00"
        await wait_until(pilot, lambda: "task 11:00" in rows(screen, "#ho-table")[1])
        await wait_until(pilot, lambda: "卫生间漏水" in shown(screen, "#ho-tasks"))
        await pilot.press("down", "t")
        await sign(pilot, screen)
        item = HandoverItem.get(HandoverItem.entry == entries[1].id)
        assert (item.disposition, item.task_id) == ("task", task.id)
        # on Today at its time
        await wait_until(pilot, lambda: f"task:{task.id}" in today_keys(app))

    frozen_clock(NEXT_NIGHT)
    write(so, sun, at="2:10", what="东门道闸抬杆故障")
    frozen_clock(NEXT_MORNING)
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        # carried onto the next day's Today, overdue, first
        key = f"task:{task.id}"
        await wait_until(pilot, lambda: key in today_keys(app))
        pane = app.dashboard.query_one(TimelinePane)
        carried = next(i for i in pane.data.items if i.key == key)
        assert (carried.state, carried.local_time) == ("missed", "11-26")
        screen = await open_handover(pilot)
        tasks_line = shown(screen, "#ho-tasks")
        assert "Open tasks 1 (1 overdue)" in tasks_line and "卫生间漏水" in tasks_line
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        # d on its line of Today: done
        await pilot.press("1")
        table = pane.table
        index = table.get_row_index(key)
        while table.cursor_row > index:
            await pilot.press("up")
        await pilot.press("d")
        await wait_until(pilot, lambda: Task.get_by_id(task.id).done_at is not None)
        assert Task.get_by_id(task.id).done_by_id == so.technician.id
        await wait_until(pilot, lambda: key not in today_keys(app))
        screen = await open_handover(pilot)
        assert "No open tasks." in shown(screen, "#ho-tasks")


@pytest.fixture
def so(sqlite_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 on the 26th
    return small_office()


async def new_task_form(pilot) -> TaskForm:
    app = pilot.app
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(app.screen, TaskForm) and app.screen.is_loaded)
    return app.screen


async def test_t_on_the_dashboard_notes_a_task(so):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("2")  # from any pane
        form = await new_task_form(pilot)
        assert app.focused is form.widget("title")
        box = form.query_one("#tk-form").region
        assert box.right <= 80 and box.bottom <= 24
        await pilot.press(*"张贴消防演练通知", "tab", *"明天 9:00")
        await choose(pilot, form, "source", "manager")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        await wait_until(pilot, lambda: any("Task noted" in str(n.message)
                                            for n in app._notifications))
    task = Task.get()
    assert (task.title, task.source, task.assigned_to_id) == ("张贴消防演练通知", "manager", None)
    assert local(task.due_at, "Asia/Shanghai").format("MM-DD HH:mm") == "11-27 09:00"


async def test_bad_input_is_said_at_its_field_and_nothing_is_stored(so):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        form = await new_task_form(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: shown(form, "#tk-error-title") != "")
        assert "what is to be done" in shown(form, "#tk-error-title")
        assert "by when" in shown(form, "#tk-error-due")
        assert "comes from" in shown(form, "#tk-error-source")
        await pilot.press(*"买灯泡", "tab", *"9:00")  # 10:05 now
        await choose(pilot, form, "source", "meeting")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "passed" in shown(form, "#tk-error-due"))
        assert app.focused is form.widget("due") and app.screen is form
        assert form.query_one("#tk-title", Input).value == "买灯泡"
        assert Task.select().count() == 0


async def test_d_on_a_line_that_is_no_task_says_so(so):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("1", "d")
        await wait_until(pilot, lambda: any("choose a task" in str(n.message)
                                            for n in app._notifications))


async def test_the_tasks_book_done_and_open_again(so):
    from deskterm.duties.shift.tasks import add_task

    add_task(so.office, so.clerk, title="检查东门道闸", due="11:00", source="patrol",
             assigned_to=so.technician)
    add_task(so.office, so.clerk, title="回电 1-2-1004", due="16:00", source="call")
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("f10", "j")
        await wait_until(pilot, lambda: isinstance(app.screen, TasksBook)
                         and app.screen.loads >= 1)
        book = app.screen
        assert "2 open" in shown(book, "#tb-title")
        assert "检查东门道闸" in rows(book, "#tb-table")[0]
        assert "张强" in rows(book, "#tb-table")[0] and "patrol" in rows(book, "#tb-table")[0]
        await pilot.press("d")
        await wait_until(pilot, lambda: book.loads >= 2 and "1 done today" in shown(
            book, "#tb-title"))
        first = Task.get(Task.title == "检查东门道闸")
        assert first.done_at is not None and first.done_by_id == so.technician.id
        assert "✓" in rows(book, "#tb-table")[1]  # the done one after the open one
        assert "Done: 检查东门道闸" in shown(book, "#tb-result")
        await pilot.press("d")  # the cursor stays on it: done already
        await wait_until(pilot, lambda: "u opens it again" in shown(book, "#tb-message"))
        await pilot.press("u")
        await wait_until(pilot, lambda: "2 open" in shown(book, "#tb-title"))
        assert Task.get_by_id(first.id).done_at is None
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, TaskForm))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is book)


async def test_ctrl_p_finds_task_and_f1_tells_the_keys(so):
    from deskterm.screens.desk.help import HelpScreen

    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Task (t)" in titles and "Tasks (f10 j)" in titles
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen._keys_table()
        keys = [str(cell) for cell in table.columns[0].cells]
        texts = [str(cell) for cell in table.columns[1].cells]
        assert "Note a task" in texts[keys.index("t")]
        assert "task" in texts[keys.index("d")]


async def test_the_work_record_names_the_open_tasks(so):
    from deskterm.duties.shift.tasks import add_task
    from deskterm.screens.shift.work_record import WorkRecordScreen

    add_task(so.office, so.clerk, title="检查东门道闸", due="11:00", source="patrol",
             assigned_to=so.clerk)
    add_task(so.office, so.clerk, title="技工的", due="16:00", source="call",
             assigned_to=so.technician)
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("f10", "w")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkRecordScreen)
                         and app.screen.loads >= 1)
        record = app.screen
        assert "Open tasks 1:" in shown(record, "#wr-tasks")
        assert "检查东门道闸" in shown(record, "#wr-tasks")
        assert "技工的" not in shown(record, "#wr-tasks")
        figures = shown(record, "#wr-figures")
        assert "Tasks still open" in figures and "Tasks done" in figures
        box = record.query_one("#wr-form").region
        assert box.bottom <= 24
