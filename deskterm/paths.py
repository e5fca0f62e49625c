"""Where deskterm keeps its files by default (XDG folders via platformdirs).

Kept apart from the database layer so that finding a path does not import Peewee.
"""

from __future__ import annotations

from pathlib import Path


def default_database_path() -> Path:
    """``$XDG_DATA_HOME/deskterm/desk.db`` (platformdirs' user data folder)."""
    from platformdirs import user_data_path

    return user_data_path("deskterm", appauthor=False) / "desk.db"


def demo_database_path() -> Path:
    """``$XDG_DATA_HOME/deskterm/demo.db``: the demo office, never the real one."""
    from platformdirs import user_data_path

    return user_data_path("deskterm", appauthor=False) / "demo.db"


def skip_postgres_driver() -> None:
    """Before Peewee is first imported, for a desk on SQLite: make ``import psycopg``
    fail fast, so Peewee (which imports the driver whenever it is installed) does not
    spend ~70 ms of start-up loading a driver this process will never use."""
    import sys

    if "peewee" in sys.modules:
        return
    for name in ("psycopg", "psycopg2"):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
