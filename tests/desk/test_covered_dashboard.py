"""A dashboard covered by another screen draws nothing beneath it (issue #15: anything
drawn there makes Textual repaint the whole screen on top, ~7-30 KB a minute while a
clerk leaves the morning view or a book open; benchmarks/idle.py): what changed, and the
minute's reload, wait until it shows again, and then it is all there."""

from __future__ import annotations

from deskterm.db import changes
from tests.desk_app import desk_app, pane_text, panes_loaded, wait_until
from tests.factories import order, small_office


async def test_changes_beneath_a_book_show_when_the_dashboard_does(desk_db):
    so = small_office()
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        dashboard = app.dashboard
        assert "0 open" in pane_text(app, "orders")
        await pilot.press("f10", "r")
        await wait_until(pilot, lambda: app.screen is not dashboard
                         and type(app.screen).__name__ == "RegisterSearchScreen")
        with changes.write():
            made = order(so, text="楼道灯不亮")
            changes.record("repair_order", made.id, "create", office=so.office,
                           staff=so.clerk)
        app._changed({"repair_order"})
        app._on_minute()
        # Kept for later, nothing read or drawn beneath the book.
        assert "repair_order" in dashboard._covered_topics
        assert dashboard._minute_missed
        assert "0 open" in pane_text(app, "orders")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is dashboard)
        await wait_until(pilot, lambda: "1 open" in pane_text(app, "orders"))
        assert "楼道灯" in pane_text(app, "orders")
        assert not dashboard._covered_topics and not dashboard._minute_missed


async def test_the_clock_ticks_above_a_form(desk_db, frozen_clock):
    frozen_clock("2026-11-26T02:05:00")
    so = small_office()
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        dashboard = app.dashboard
        clock = dashboard.query_one("#status-clock")
        await wait_until(pilot, lambda: "10:05" in str(clock.content))
        await pilot.press("f2")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CallIntakeScreen")
        frozen_clock("2026-11-26T02:06:00")
        app._on_minute()
        # The status line shows above F2: its clock ticks; the panes wait.
        await wait_until(pilot, lambda: "10:06" in str(clock.content))
        assert dashboard._minute_missed
