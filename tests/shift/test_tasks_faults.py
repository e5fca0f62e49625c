"""Tasks when the database has a bad day, on SQLite and PostgreSQL: a lock held past the
busy timeout by another program, the server stopped and started again.
The task form keeps what was typed, says what happened in the clerk's words and saves with
the same key once it is over; the tasks book's ``d`` is refused the same way, the task
still open, and done with ``d`` again."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.db.models import Task
from deskterm.duties.shift.tasks import add_task
from deskterm.screens.shift.task_form import open_task_form
from deskterm.screens.shift.tasks_book import open_tasks_book
from tests.desk_app import desk_app, wait_until
from tests.factories import MORNING, small_office
from tests.faults import driver_text_in
from tests.shift.test_shift_faults import (
    WORDS,
    fault_of,
    line,
    reconnect,
    save_through,
    signed_in,
)

pytestmark = pytest.mark.both_databases


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05
    return small_office()


# A task is short (its title at most 200 characters): its save needs no new page, so a
# full SQLite file does not refuse it (the night log's test covers that fault).
@pytest.mark.parametrize("kind", ["lock", "down"])
async def test_a_task_noted_through_a_fault(so, desk_db, pg_server, kind):
    fault = fault_of(kind, desk_db, pg_server)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, so.clerk.id)
        form = open_task_form(app)
        await wait_until(pilot, lambda: app.screen is form and form.is_loaded)
        title = "检查东门道闸，" * 20
        form.query_one("#tk-title", Input).insert_text_at_cursor(title)
        await pilot.press("tab", *"16:00")
        form.set_value("source", "meeting")
        form.set_value("assigned_to", so.technician.id)

        def typed():
            return tuple(form.value(n) for n in ("title", "due", "assigned_to", "source"))

        await save_through(pilot, desk_db, form, fault, WORDS[kind], typed,
                           lambda: Task.select().count())
        await wait_until(pilot, lambda: app.screen is not form)
    task = Task.get()
    assert (task.title, task.assigned_to_id, task.source) == (title, so.technician.id,
                                                              "meeting")


@pytest.mark.parametrize("kind", ["lock", "down"])
async def test_the_books_d_through_a_fault(so, desk_db, pg_server, kind):
    fault = fault_of(kind, desk_db, pg_server)
    task = add_task(so.office, so.clerk, title="检查东门道闸", due="16:00", source="patrol")
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, so.clerk.id)
        book = open_tasks_book(app)
        await wait_until(pilot, lambda: app.screen is book and book.loads >= 1)
        with fault:
            await pilot.press("d")
            await wait_until(pilot, lambda: line(book, "#tb-message") != "" and not book.busy)
            assert WORDS[kind] in line(book, "#tb-message")
            assert not driver_text_in(line(book, "#tb-message"))
        reconnect(desk_db)
        assert Task.get_by_id(task.id).done_at is None
        for _try in range(20):  # the server may take a moment to take connections again
            await pilot.press("d")
            await wait_until(pilot, lambda: not book.busy)
            if Task.get_by_id(task.id).done_at is not None:
                break
        await wait_until(pilot, lambda: "Done:" in line(book, "#tb-result"))
    assert Task.get_by_id(task.id).done_by_id == so.clerk.id
