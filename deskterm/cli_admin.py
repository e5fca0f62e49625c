"""The commands a manager runs to look after an office: backups and restoring one.

    deskterm backup FILE [--db PATH|URL]
    deskterm restore FILE [--db PATH|URL]

Each prints one line on success (exit 0), or one clear line on stderr and exit 2 when it
refuses, having changed nothing (``deskterm.db.backup`` says what is checked).
"""

from __future__ import annotations

import argparse


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    from deskterm.i18n import _

    backup = sub.add_parser(
        "backup", parents=[common],
        help=_("copy the database to a new file while desks are open (for a cron job)"))
    backup.add_argument("file", help=_("the new file (never an existing one)"))
    restore = sub.add_parser(
        "restore", parents=[common],
        help=_("replace the database by a backup, after checking it; every desk closed"))
    restore.add_argument("file", help=_("the backup file"))


def run(settings, args) -> int | None:
    """The command's exit code, or None when ``args`` is not one of these commands."""
    if args.command == "backup":
        return _backup(settings, args.file)
    if args.command == "restore":
        return _restore(settings, args.file)
    return None


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"


def _backup(settings, file: str) -> int:
    from deskterm.db.backup import backup_postgres, backup_sqlite
    from deskterm.db.connection import describe, is_postgres_url
    from deskterm.i18n import _

    if is_postgres_url(settings.db):
        result = backup_postgres(settings.db, file)
    else:
        result = backup_sqlite(settings.db, file)
    print(_("{db} backed up to {path} ({size}, {seconds:.1f} s).").format(
        db=describe(settings.db), path=result.path, size=_size(result.size),
        seconds=result.seconds))
    return 0


def _restore(settings, file: str) -> int:
    from deskterm.db.backup import restore_postgres, restore_sqlite
    from deskterm.db.connection import close_database, describe, is_postgres_url, open_database
    from deskterm.i18n import _

    where = describe(settings.db)
    if is_postgres_url(settings.db):
        db = open_database(settings.db)
        try:
            restore_postgres(db, settings.db, file)
        finally:
            close_database()
        print(_("{path} restored into {db}.").format(path=file, db=where))
        return 0
    result = restore_sqlite(file, settings.db)
    print(_("{path} restored into {db}.").format(path=file, db=where))
    if result.kept is not None:
        print(_("The database it replaced is kept as {kept}.").format(kept=result.kept))
    if result.needs_migrate:
        print(_("It was made by an older deskterm: run `deskterm migrate --db {db}` before "
                "opening it.").format(db=settings.db))
    return 0
