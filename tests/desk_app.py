"""Starting the desk app in tests: a session over a small office, waiting for the panes."""

from __future__ import annotations

import asyncio
import time

from deskterm.app import DeskApp
from deskterm.session import DeskSession
from deskterm.widgets.pane import Pane
from tests.factories import PIN, SmallOffice


def desk_app(so: SmallOffice, *, signed_in: bool = True, **kwargs) -> DeskApp:
    session = DeskSession(office=so.office, db_label="test")
    # Forms built ahead in idle time (kit/prebuilt.py) cost every test ~0.5 s of CPU
    # for screens it never opens; tests/kit/test_prebuilt.py asks for them.
    kwargs.setdefault("build_ahead", False)
    if signed_in:
        kwargs.setdefault("demo_staff_id", so.clerk.id)
        kwargs.setdefault("demo_pin", PIN)
    return DeskApp(session, **kwargs)


async def wait_until(pilot, condition, timeout: float = 10.0) -> float:
    """Pause until ``condition()`` holds; returns the seconds it took (fails on timeout).
    The 10 s default is for a loaded CI machine (two test processes and PostgreSQL on two
    cores); a passing condition returns as soon as it holds."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)
        await pilot.pause()
    return time.monotonic() - start


async def panes_loaded(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.dashboard is not None and all(
        p.loaded for p in app.dashboard.query(Pane)))
    if app._demo:  # the automatic sign-in, then the timeline reload it starts
        await wait_until(pilot, lambda: app.session.staff is not None)
    await pilot.pause()
    await wait_until(pilot, lambda: not any(
        not w.is_finished for w in app.workers  # pending ones too
        if w.group.startswith("pane") or w.group in ("sign-in", "first-load")))
    await pilot.pause()
    await pilot.pause()  # scrolls queued with call_after_refresh
    # and the scrolls a table keeps for its next idle (RowList.scroll_row_to_top): on a
    # loaded machine the snapshot was once taken before the timeline scrolled to now
    await wait_until(pilot, lambda: all(
        getattr(p.table, "_pending_top", None) is None for p in app.dashboard.query(Pane)))


def pane_text(app, pane_id: str) -> str:
    """Everything a pane shows, as plain text: summary line and every cell."""
    pane = app.dashboard.query_one(f"#{pane_id}", Pane)
    summary = str(pane.query_one(".pane-summary").content)
    table = pane.table
    cells = [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
    return "\n".join([summary, *cells])


async def desk_ready(pilot) -> None:
    """The dashboard loaded, the clerk signed in, and the morning view the sign-in opens
    (when earlier days left register lines) closed again: a form opened now stays on top.
    Under load the morning view can arrive after a form was opened and take the focus."""
    from deskterm.screens.repairs.morning_view import MorningViewScreen

    app = pilot.app
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: app.session.staff is not None)
    # The morning view's worker starts after the panes' first frame (a callback run after
    # that refresh): wait for the frame, let the callback run, then for the worker.
    await wait_until(pilot, lambda: app.dashboard.first_frame_done)
    await pilot.pause()
    await pilot.pause()
    await wait_until(pilot, lambda: not any(
        w.group == "morning-view" and not w.is_finished for w in app.workers))
    await pilot.pause()
    if isinstance(app.screen, MorningViewScreen):
        await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is app.dashboard)
