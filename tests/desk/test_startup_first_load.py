"""The desk's start-up shortcuts (docs/PERFORMANCE.md, "Startup"): the panes' first data
and the demo's sign-in read in threads started before Textual, shown in the first frame."""

from __future__ import annotations

import pytest

from deskterm.app import DeskApp
from deskterm.db.models import AttendanceEvent
from deskterm.duties.desk import sign_in
from deskterm.session import DeskSession
from deskterm.widgets.pane import Pane
from deskterm.widgets.pane_data import FETCHERS, Background, FirstLoad
from tests.desk_app import pane_text, panes_loaded, wait_until
from tests.factories import MORNING, PIN, busy_morning


@pytest.fixture
def office(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return busy_morning("[red]not markup[/red]")


def test_first_load_reads_every_pane_and_the_deadline(office):
    session = DeskSession(office=office.office, db_label="test")
    first = FirstLoad(session)
    assert first.wait(30) and first.error is None
    assert set(first.data) == set(FETCHERS) == {"timeline", "orders", "callbacks", "cash"}
    assert first.data["orders"].count == 2 and first.data["orders"].overdue == 1
    assert first.deadline is not None


async def test_dashboard_shows_the_prefetched_data_in_its_first_frame(office):
    session = DeskSession(office=office.office, db_label="test", demo=True)
    first = FirstLoad(session)
    early = Background(lambda: sign_in(office.office, office.clerk.id, PIN), "demo sign-in")
    assert first.wait(30) and early.wait(30)
    app = DeskApp(session, demo_staff_id=office.clerk.id, demo_pin=PIN, first_load=first,
                  demo_sign_in=early)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.dashboard is not None and app.dashboard.is_mounted)
        # Shown at mount: no first-load worker was needed.
        assert all(p.loaded for p in app.dashboard.query(Pane))
        assert not any(w.group == "first-load" for w in app.workers)
        await panes_loaded(pilot)
        assert "2 open" in pane_text(app, "orders")
        assert app.session.staff is not None and app.session.staff.id == office.clerk.id
    # The early sign-in was the only one: one attendance event, not two.
    assert AttendanceEvent.select().where(AttendanceEvent.kind == "sign_in").count() == 1


async def test_a_failed_first_load_falls_back_to_loading_pane_by_pane(office):
    session = DeskSession(office=office.office, db_label="test")
    first = Background(lambda: 1 / 0, "broken")
    first.wait(30)
    first.data, first.deadline = {}, None
    app = DeskApp(session, first_load=first)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        assert "2 open" in pane_text(app, "orders")


async def test_a_change_between_the_first_load_and_the_mount_still_reloads_its_pane(office):
    """The first load read the panes before the app took the change log's newest id: a
    change committed in between is read by the watcher (it starts from the first load's
    id), not counted as seen and lost until the next change of that kind."""
    from tests.factories import order

    session = DeskSession(office=office.office, db_label="test")
    first = FirstLoad(session)
    assert first.wait(30) and first.error is None and first.start_id is not None
    order(office, text="在读取与启动之间登记")  # committed after the reads, before the mount
    # Signed in, so the dashboard is on top: covered (by the sign-in form) it would hold
    # the reload until it shows again (tests/desk/test_covered_dashboard.py).
    app = DeskApp(session, first_load=first, demo_staff_id=office.clerk.id, demo_pin=PIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        await wait_until(pilot, lambda: "3 open" in pane_text(app, "orders"))
