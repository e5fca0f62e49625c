"""The minute's clock tick draws only what changed (issue #15): under F2 it made Textual
repaint the whole form (~10 KB a minute, 175 B/s idle; benchmarks/idle.py)."""

from __future__ import annotations

from textual._compositor import CompositorUpdate

from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import small_office


def _frames(app) -> list[str]:
    """What each frame from now on would write to a terminal (a headless app writes
    nothing)."""
    frames: list[str] = []
    display = app._display

    def kept(screen, renderable):
        if isinstance(renderable, CompositorUpdate):
            frames.append(renderable.render_segments(app.console))
        return display(screen, renderable)

    app._display = kept
    return frames


async def test_a_tick_under_f2_draws_the_clock_only(desk_db, frozen_clock):
    frozen_clock("2026-11-26T02:05:00")
    so = small_office()
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        dashboard = app.dashboard
        await pilot.press("f2")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CallIntakeScreen"
                         and app.screen.is_loaded)
        for _ in range(5):
            await pilot.pause()
        frames = _frames(app)
        frozen_clock("2026-11-26T02:06:00")
        app._on_minute()
        await wait_until(pilot, lambda: any("10:06" in frame for frame in frames))
        for _ in range(5):
            await pilot.pause(0.05)
        # The clock's cells (~200 bytes with their colours), not the form's ~4,700.
        assert sum(len(frame) for frame in frames) < 600, [len(f) for f in frames]
        assert "10:06" in app.export_screenshot()  # the whole picture shows it too
        assert dashboard._minute_missed
