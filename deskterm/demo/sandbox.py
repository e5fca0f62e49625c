"""``deskterm demo``: the demo office is a sandbox, always live.

It is built into its own SQLite file (never the real desk database), rebuilt when it was
built on an earlier day (its history ends "today"), and opened signed in as the demo
clerk. A file that is not a demo database is never deleted or rebuilt.

On PostgreSQL (``--db postgresql://…``, so a company can try the desk on the server it
means to use) it is built into an empty database: migrated first if it has no tables. A
demo built on an earlier day there is emptied (``TRUNCATE``) and built again; a database
that holds anything but the demo is refused and left as it is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deskterm.clock import local, today_local
from deskterm.db import schema
from deskterm.db.connection import close_database, is_postgres_url, open_database
from deskterm.db.models import ChangeLog, Office, Staff
from deskterm.errors import SetupError
from deskterm.i18n import _


@dataclass(frozen=True)
class DemoDesk:
    path: str
    clerk_id: int
    clerk_pin: str
    built: bool  # True when this call built it


def _demo_clerk() -> tuple[str, str]:
    from deskterm.demo.people import DEMO_STAFF

    name, _role, pin = next(s for s in DEMO_STAFF if s[1] == "clerk")
    return name, pin


def _is_demo() -> bool:
    return ChangeLog.select().where(ChangeLog.action == "seed").exists()


def _fresh(db_path: Path) -> int | None:
    """The demo clerk's id when the demo at ``db_path`` is complete and built today
    (office time), else None: one opening of the file for both (each opening and closing
    of a SQLite file in WAL mode costs the launch a checkpoint)."""
    db = open_database(str(db_path))
    try:
        state = schema.status(db)
        if state.empty:
            return None
        if not state.current:
            return None
        office = Office.select().order_by(Office.id).first()
        if office is None:
            return None
        if not _is_demo():
            raise SetupError(
                _("{path} holds a real office, not the demo: give the demo another --db.").format(
                    path=db_path))
        if local(office.created_at, office.timezone).date() != today_local(office.timezone):
            return None
        return _clerk_id(db_path)
    finally:
        close_database()


def _clerk_id(db_path: Path) -> int:
    name, _pin = _demo_clerk()
    clerk = Staff.get_or_none((Staff.name == name) & (Staff.role == "clerk"))
    if clerk is None:
        raise SetupError(_("The demo office at {path} has no demo clerk: rebuild it with "
                           "`deskterm demo --rebuild`.").format(path=db_path))
    return clerk.id


def _remove(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(f"{db_path}{suffix}")
        except FileNotFoundError:
            pass


def ensure_demo(db_value: str, *, orders: int | None = None, seed: int = 2026,
                rebuild: bool = False, say: Callable[[str], None] = print) -> DemoDesk:
    """Make sure a current demo office exists at ``db_value``; build it if not."""
    if is_postgres_url(db_value):
        return _ensure_postgres_demo(db_value, orders=orders, seed=seed, rebuild=rebuild,
                                     say=say)
    db_path = Path(db_value).expanduser()
    built = False
    exists = db_path.exists() and db_path.stat().st_size > 0
    # _fresh() refuses a real office's database before anything could delete it.
    clerk_id = _fresh(db_path) if exists else None
    if rebuild or clerk_id is None:
        if exists:
            say(_("Building the demo office anew for today at {path}").format(path=db_path))
        else:
            say(_("Building the demo office at {path}").format(path=db_path))
        _remove(db_path)
        from deskterm.demo.build import build_demo

        db = open_database(str(db_path))
        try:
            schema.migrate(db)
            build_demo(orders=orders, seed=seed, progress=say)
            clerk_id = _clerk_id(db_path)
        finally:
            close_database()
        built = True
    _name, pin = _demo_clerk()
    return DemoDesk(path=str(db_path), clerk_id=clerk_id, clerk_pin=pin, built=built)


def _ensure_postgres_demo(url: str, *, orders: int | None, seed: int, rebuild: bool,
                          say: Callable[[str], None]) -> DemoDesk:
    from deskterm.db.connection import describe

    where = describe(url)
    name, pin = _demo_clerk()
    db = open_database(url)
    try:
        state = schema.status(db)
        if state.unknown:
            schema.check(db, where)  # says: upgrade deskterm
        office = None if state.empty else Office.select().order_by(Office.id).first()
        if office is not None and not _is_demo():
            raise SetupError(_("{db} holds a real office, not the demo: give the demo an "
                               "empty database.").format(db=where))
        fresh = office is not None and state.current and local(
            office.created_at, office.timezone).date() == today_local(office.timezone)
        built = False
        if rebuild or not fresh:
            from deskterm.demo.build import build_demo

            say(_("Building the demo office at {path}").format(path=where))
            schema.migrate(db)
            if office is not None:  # yesterday's demo: emptied, never a real office
                tables = [t for t in db.get_tables() if t != "schema_migration"]
                db.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                               + " RESTART IDENTITY CASCADE")
            build_demo(orders=orders, seed=seed, progress=say)
            built = True
        clerk = Staff.get_or_none((Staff.name == name) & (Staff.role == "clerk"))
        if clerk is None:
            raise SetupError(_("The demo office at {path} has no demo clerk: rebuild it with "
                               "`deskterm demo --rebuild`.").format(path=where))
        return DemoDesk(path=url, clerk_id=clerk.id, clerk_pin=pin, built=built)
    finally:
        close_database()
