"""Guards on the layering and on start-up cost (harlequin's import-hygiene idea).

- duties and db never import Textual (screens call duties, duties call the database);
- ``deskterm --help`` and setup errors do not pay for Textual or the database layer;
- every package folder is listed in pyproject.toml, so ``pip install .`` ships it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import deskterm

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    return set(out.split())


def test_duties_and_db_do_not_import_textual():
    duty_modules = sorted(
        "deskterm." + ".".join(p.relative_to(ROOT / "deskterm").with_suffix("").parts)
        for folder in ("duties", "db")
        for p in (ROOT / "deskterm" / folder).rglob("*.py")
        if "migrations" not in p.parts and p.name != "__init__.py"
    )
    code = "\n".join(f"import {m}" for m in duty_modules)
    loaded = _modules_after(code)
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)


def test_the_command_line_starts_light():
    loaded = _modules_after("import deskterm.cli")
    heavy = {"textual", "peewee", "arrow", "pypinyin"} & loaded
    assert not heavy, f"deskterm.cli imports {heavy} before it needs them"


#: What ``deskterm demo --db PATH`` imports before ``App.run()`` (deskterm/cli.py's path).
LAUNCH = ("deskterm.cli", "deskterm.config", "deskterm.demo.sandbox", "deskterm.db.schema",
          "deskterm.db.connection", "deskterm.duties.desk", "deskterm.desk_log",
          "deskterm.session", "deskterm.widgets.pane_data", "deskterm.app")


def test_the_launch_path_imports_only_what_the_first_frame_needs():
    """Sending messages (apprise), printing (python-escpos) and taking a ringing call wait
    until they are used, or (the sender's thread, the ringing banner's first read) until
    after the dashboard's first frame (issue #15)."""
    loaded = _modules_after("from deskterm.paths import skip_postgres_driver\n"
                            "skip_postgres_driver()\n"
                            + "\n".join(f"import {m}" for m in LAUNCH))
    later = {"apprise", "escpos", "deskterm.messaging.sender", "deskterm.messaging.outbox",
             "deskterm.screens.calls.taking", "deskterm.duties.calls.answering",
             "deskterm.printing.escpos_bytes", "deskterm.printing.backends",
             "deskterm.screens.kit.caller"}
    assert not later & loaded, f"the launch imports {later & loaded} before the first frame"


def test_every_package_is_listed_for_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        "deskterm." + ".".join(p.parent.relative_to(ROOT / "deskterm").parts)
        if p.parent != ROOT / "deskterm" else "deskterm"
        for p in (ROOT / "deskterm").rglob("__init__.py")
    }
    found.add("deskterm.styles")
    assert found == listed


def test_stylesheets_exist_for_the_app():
    from deskterm.app import DeskApp

    for path in DeskApp.CSS_PATH:
        assert Path(path).is_file(), path


# --- the screen kit -------------------------------------------------------------------------

#: Database work outside the kit: thread workers, hand-offs to the UI thread, connections,
#: the models (a screen calls duties, never the models).
_OFF_THE_KIT = re.compile(
    r"thread=True|@work\b|call_from_thread|run_worker\(|connection_context|"
    r"from deskterm\.db\.models import|from deskterm\.db import|import deskterm\.db\.models")


def test_screens_reach_the_database_only_through_the_kit():
    """A thread worker, a connection or a model in a screen or widget outside
    ``screens/kit/`` is how a database hiccup used to end the desk: only the kit's
    ``run_duty`` runs database work (``widgets/pane_data.py`` reads the first data
    before Textual starts, in threads of its own)."""
    root = Path(deskterm.__file__).parent
    found = []
    for path in [*root.joinpath("screens").rglob("*.py"), *root.joinpath("widgets").glob("*.py")]:
        if "kit" in path.parts or path.name == "pane_data.py":
            continue
        if _OFF_THE_KIT.search(path.read_text(encoding="utf-8")):
            found.append(str(path.relative_to(root)))
    assert found == [], "database work off the kit"
