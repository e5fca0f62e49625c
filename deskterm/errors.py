"""Errors with a message a clerk (or an administrator) can act on.

Duties raise ``DutyError`` with the field it concerns, so a form can show the message
beside that field. ``SetupError`` is for things the person starting the desk must fix
(a database that is newer than the code, a config file with a bad line...); the command
line prints its message and exits with status 2, without a traceback.
"""

from __future__ import annotations


class DeskError(Exception):
    """Base of every error deskterm raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DutyError(DeskError):
    """A duty refused: the message is for the clerk; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SetupError(DeskError):
    """The desk cannot start or run as configured; the message says what to do."""


class HistoryForked(DeskError):
    """The SQLite file or its -wal was removed or replaced while this desk had it open:
    another desk may be writing a second history beside this one's, so nothing more is
    written from here (``deskterm.db.connection`` checks before every write)."""
