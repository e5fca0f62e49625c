"""Backups of the office's database, and restoring one, while the office works.

SQLite (``backup_sqlite``): SQLite's online backup API copies the database in one step
from a read transaction, so the copy is the database as it stood when the backup began
(every payment committed before it, none half-written after); in WAL mode that read does
not hold up the desks' writes. The copy is written under a temporary name beside the
destination, checked (``PRAGMA integrity_check``), switched out of WAL mode so it is one
self-contained file, and only then given its name — never over an existing file. It is
private like the database (0600; 0660 in a group folder).

Restoring (``restore_sqlite``) first checks the backup (a SQLite file, integrity, its
schema: one made by a newer deskterm is refused, an older one is restored and then needs
``deskterm migrate``), then takes the database's exclusive lock without waiting: a desk
with the database open holds a shared lock on it for as long as it is open, so the lock is
refused while any desk runs, and nothing is replaced ("close every desk first"). Holding
the lock, it keeps the database being replaced beside it (``<name>.before-restore-<time>``),
copies the backup in through the same backup API, checks the result, and lets go.

PostgreSQL: ``pg_dump``/``pg_restore`` are the tools made for it (a consistent snapshot,
the server's own format); ``backup_postgres``/``restore_postgres`` run them when they are on
PATH and otherwise say how. A restore there first reads the archive's own schema_migration
rows (one made by a newer deskterm is refused), is refused while other sessions are
connected, and runs in one transaction (``--single-transaction``): an archive that breaks
half-way leaves the database as it was.

Everything refused raises ``SetupError`` with one line for the command line (exit 2), and
changes nothing.

A backup made is recorded (``record_backup``): one change-log row of topic "backup" (office
None: the copy holds every office; the file and its size), written to the database backed
up once the copy has its name. It proves the daily backup on the deadline calendar
(``duties/agenda/deadline_proofs.py``); a backup refused records nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from peewee import PeeweeException

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.schema import MIGRATIONS_DIR
from deskterm.db.trouble import trouble_of
from deskterm.errors import SetupError
from deskterm.i18n import N_, _
from deskterm.private_files import link_new, temp_beside

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int  # bytes
    seconds: float
    schema: tuple[str, ...] = ()  # the migrations the copy has


def _known_migrations() -> set[str]:
    return {p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py")}


def _free_destination(dest: Path) -> None:
    if dest.exists():
        raise SetupError(_("{path} exists already: a backup never replaces a file; give "
                           "another name.").format(path=dest))
    folder = dest.parent
    if not folder.is_dir():
        raise SetupError(_("There is no folder {folder} for the backup.").format(folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SetupError(_("The folder {folder} cannot be written to: choose another place "
                           "for the backup.").format(folder=folder))


def _temp_beside(dest: Path) -> Path:
    handle, temp = temp_beside(dest)
    os.close(handle)
    return temp


def _give_name(temp: Path, dest: Path) -> None:
    """``temp`` whole as ``dest``, never over a file that appeared meanwhile."""
    if not link_new(temp, dest):
        raise SetupError(_("{path} exists already: a backup never replaces a file; give "
                           "another name.").format(path=dest))


def _schema_of(connection: sqlite3.Connection) -> tuple[str, ...]:
    try:
        return tuple(row[0] for row in connection.execute(
            "SELECT name FROM schema_migration ORDER BY name"))
    except sqlite3.DatabaseError:
        return ()


def _integrity(connection: sqlite3.Connection) -> str:
    rows = connection.execute("PRAGMA integrity_check").fetchall()
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:3])


def backup_sqlite(database: str | Path, dest: str | Path) -> BackupResult:
    """A consistent copy of the SQLite file ``database`` as the new file ``dest``."""
    database, dest = Path(database).expanduser(), Path(dest).expanduser()
    if not database.is_file():
        raise SetupError(_("There is no database {path} to back up.").format(path=database))
    _free_destination(dest)
    began = time.monotonic()
    try:
        temp = _temp_beside(dest)
    except OSError as exc:
        raise SetupError(_("The backup cannot be written to {path}: {error}").format(
            path=dest, error=exc.strerror or exc)) from exc
    try:
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(temp, isolation_level=None)
        try:
            source.backup(copy)  # one step: the database as it stood at the start
            copy.execute("PRAGMA journal_mode=DELETE")
            found = _integrity(copy)
            schema = _schema_of(copy)
        finally:
            copy.close()
            source.close()
        if found != "ok":
            raise SetupError(_("The copy failed its integrity check ({detail}); nothing was "
                               "kept.").format(detail=found))
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        _give_name(temp, dest)
    except sqlite3.Error as exc:
        raise SetupError(_("The backup failed: {error}").format(error=exc)) from exc
    except OSError as exc:
        raise SetupError(_("The backup cannot be written to {path}: {error}").format(
            path=dest, error=exc.strerror or exc)) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return BackupResult(dest, dest.stat().st_size, time.monotonic() - began, schema)


#: Why the database did not take a backup's record, by its trouble (``db/trouble.py``).
_NOT_RECORDED = {
    "unreachable": N_("The database cannot be reached."),
    "locked": N_("The database is busy: another program holds it."),
    "full": N_("The database is full: free some disk space."),
    "readonly": N_("The database refuses writes."),
    "forked": N_("The database file was removed or replaced meanwhile."),
}


def record_backup(result: BackupResult) -> None:
    """The backup ``result`` in the change log of the open database (topic "backup", no
    office, no person: a command line); SetupError, nothing written, when the database
    does not take it."""
    try:
        with changes.write():
            changes.record("backup", None, "backup", after={
                "file": str(result.path.absolute()), "size": result.size})
    except Exception as exc:
        trouble = trouble_of(exc)
        if trouble is None and not isinstance(exc, (PeeweeException, sqlite3.Error)):
            raise  # not the database: a bug, with its traceback
        words = _NOT_RECORDED[trouble.kind] if trouble else N_("The database refused it.")
        raise SetupError(_(words)) from exc


def check_sqlite_backup(path: str | Path) -> tuple[str, ...]:
    """The backup's schema (migration names) once it is known to be a whole deskterm
    database this deskterm can open (maybe after ``deskterm migrate``); else SetupError."""
    path = Path(path).expanduser()
    try:
        with open(path, "rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise SetupError(_("The backup {path} cannot be read: {error}").format(
            path=path, error=exc.strerror or exc)) from exc
    if magic != SQLITE_MAGIC:
        raise SetupError(_("{path} is not a SQLite database: nothing was restored.").format(
            path=path))
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = _integrity(connection)
        schema = _schema_of(connection)
    except sqlite3.DatabaseError as exc:
        raise SetupError(_("{path} is damaged ({error}): nothing was restored.").format(
            path=path, error=exc)) from exc
    finally:
        connection.close()
    if found != "ok":
        raise SetupError(_("{path} fails its integrity check ({detail}): nothing was "
                           "restored.").format(path=path, detail=found))
    if not schema:
        raise SetupError(_("{path} holds no deskterm office: nothing was restored.").format(
            path=path))
    newer = sorted(set(schema) - _known_migrations())
    if newer:
        raise SetupError(_("{path} was made by a newer deskterm (it has {names}): upgrade "
                           "deskterm first; nothing was restored.").format(
                               path=path, names=", ".join(newer)))
    return schema


@dataclass(frozen=True)
class RestoreResult:
    target: Path
    kept: Path | None  # the database that was replaced, kept beside it
    needs_migrate: bool


def restore_sqlite(backup: str | Path, target: str | Path) -> RestoreResult:
    """Replace the SQLite database ``target`` by ``backup`` (checked first), or SetupError
    with nothing changed (a desk has it open, the backup is damaged or newer...)."""
    backup, target = Path(backup).expanduser(), Path(target).expanduser()
    schema = check_sqlite_backup(backup)
    if backup.resolve() == target.resolve():
        raise SetupError(_("The backup is the database itself: nothing was restored."))
    needs_migrate = bool(_known_migrations() - set(schema))
    if not target.exists():
        _free_destination(target)
        backup_sqlite(backup, target)
        return RestoreResult(target, None, needs_migrate)
    connection = sqlite3.connect(target, isolation_level=None, timeout=0)
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        try:
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("COMMIT")  # the exclusive lock stays: locking_mode
        except sqlite3.OperationalError as exc:
            raise SetupError(_("Desks have {path} open: close every desk (and anything else "
                               "using the database) first; nothing was restored.").format(
                                   path=target)) from exc
        stamp = now_utc().strftime("%Y%m%d-%H%M%S")
        kept = target.with_name(f"{target.name}.before-restore-{stamp}")
        keep = sqlite3.connect(kept, isolation_level=None)
        try:
            connection.backup(keep)
            keep.execute("PRAGMA journal_mode=DELETE")
        finally:
            keep.close()
        os.chmod(kept, os.stat(target).st_mode & 0o777)
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            source.backup(connection)
        finally:
            source.close()
        found = _integrity(connection)
        if found != "ok":  # pragma: no cover - a checked backup copied whole
            raise SetupError(_("The restored database fails its integrity check ({detail}); "
                               "the one it replaced is kept as {kept}.").format(
                                   detail=found, kept=kept))
    finally:
        connection.close()
    return RestoreResult(target, kept, needs_migrate)


# --- PostgreSQL -------------------------------------------------------------------------------

def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SetupError(_("{tool} is not on PATH: install PostgreSQL's client tools, or run "
                           "`{tool}` yourself (see the README's backups).").format(tool=name))
    return found


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SetupError(_("{what} failed: {error}").format(what=what, error=exc)) from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        raise SetupError(_("{what} failed: {error}").format(what=what, error=last))


def backup_postgres(url: str, dest: str | Path) -> BackupResult:
    """``pg_dump --format=custom`` of the database at ``url`` into the new file ``dest``."""
    dest = Path(dest).expanduser()
    _free_destination(dest)
    tool = _tool("pg_dump")
    began = time.monotonic()
    temp = _temp_beside(dest)
    try:
        _run([tool, "--format=custom", "--no-owner", f"--file={temp}", url], "pg_dump")
        _give_name(temp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return BackupResult(dest, dest.stat().st_size, time.monotonic() - began)


def restore_postgres(db, url: str, backup: str | Path) -> RestoreResult:
    """``pg_restore --clean`` of ``backup`` into the database at ``url`` (``db`` open on it),
    refused while other sessions are connected to that database."""
    backup = Path(backup).expanduser()
    tool = _tool("pg_restore")
    listed = subprocess.run([tool, "--list", str(backup)], capture_output=True, text=True)
    if listed.returncode != 0:
        raise SetupError(_("{path} is not a pg_dump archive deskterm made: nothing was "
                           "restored.").format(path=backup))
    if "schema_migration" not in listed.stdout:
        raise SetupError(_("{path} holds no deskterm office: nothing was restored.").format(
            path=backup))
    schema = _archive_schema(tool, backup)
    newer = sorted(set(schema) - _known_migrations())
    if newer:
        raise SetupError(_("{path} was made by a newer deskterm (it has {names}): upgrade "
                           "deskterm first; nothing was restored.").format(
                               path=backup, names=", ".join(newer)))
    others = db.execute_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'").fetchone()[0]
    if others:
        raise SetupError(_("{count} other sessions use this database: close every desk first; "
                           "nothing was restored.").format(count=others))
    _run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={url}", str(backup)], "pg_restore")
    return RestoreResult(Path(backup), None, bool(_known_migrations() - set(schema)))


def _archive_schema(tool: str, backup: Path) -> tuple[str, ...]:
    """The migrations a pg_dump archive holds: its schema_migration rows, read from the
    archive itself (``pg_restore --data-only --file=-`` writes them as a COPY block)
    before anything is restored. An archive whose table is empty or unreadable is refused."""
    done = subprocess.run([tool, "--data-only", "--table=schema_migration", "--file=-",
                           str(backup)], capture_output=True, text=True, timeout=600)
    names: list[str] = []
    column = None
    for line in done.stdout.splitlines():
        if line.startswith("COPY ") and "schema_migration" in line:
            columns = line[line.index("(") + 1:line.index(")")].split(", ")
            column = columns.index("name") if "name" in columns else None
        elif column is not None:
            if line == "\\.":
                break
            names.append(line.split("\t")[column])
    if done.returncode != 0 or not names:
        raise SetupError(_("{path} holds no deskterm office: nothing was restored.").format(
            path=backup))
    return tuple(sorted(names))
