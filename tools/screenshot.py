"""Regenerate the README's pictures of the demo desk (docs/images/*.svg, and .png where
``rsvg-convert`` exists): the demo office built and shown at a frozen 10:05 office time.

    python tools/screenshot.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
NOW = "2026-11-26T02:05:00"  # 10:05 in Shanghai


async def shoot(app, size, name: str) -> Path:
    from tests.desk_app import panes_loaded

    async with app.run_test(size=size) as pilot:
        await panes_loaded(pilot)
        path = OUT / f"{name}.svg"
        app.save_screenshot(str(path))
    return path


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ["DESKTERM_NOW"] = NOW
    from deskterm import clock
    from deskterm.app import DeskApp
    from deskterm.db.connection import close_database, open_database
    from deskterm.demo.sandbox import ensure_demo
    from deskterm.duties.desk import desk_office
    from deskterm.i18n import set_language
    from deskterm.session import DeskSession

    clock.freeze(NOW)
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="deskterm-shot-"))
    demo = ensure_demo(str(folder / "demo.db"), say=lambda _text: None)
    shots = []
    for lang, size, name in (("en", (80, 24), "dashboard-80x24"),
                             ("zh_CN", (80, 24), "dashboard-80x24-zh"),
                             ("en", (160, 48), "dashboard-160x48")):
        set_language(lang)
        open_database(demo.path)
        session = DeskSession(office=desk_office(), db_label=demo.path, demo=True)
        app = DeskApp(session, demo_staff_id=demo.clerk_id, demo_pin=demo.clerk_pin,
                      watch=False)
        shots.append(asyncio.run(shoot(app, size, name)))
        close_database()
    if shutil.which("rsvg-convert"):
        for svg in shots:
            subprocess.run(["rsvg-convert", str(svg), "-o", str(svg.with_suffix(".png"))],
                           check=True)
    shutil.rmtree(folder, ignore_errors=True)
    for svg in shots:
        print(svg.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
