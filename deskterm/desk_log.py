"""The desk's log: what went wrong that the clerk was only told about in a line (an
unexpected error in a duty, database trouble), with its traceback, for whoever looks
after the desk: ``$XDG_STATE_HOME/deskterm/desk.log`` (or ``DESKTERM_LOG``), readable by
this user only, at most three files of 1 MiB.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

MAX_BYTES = 1 << 20
BACKUPS = 2


def log_path() -> Path:
    named = os.environ.get("DESKTERM_LOG")
    if named:
        return Path(named)
    from platformdirs import user_state_dir

    return Path(user_state_dir("deskterm")) / "desk.log"


class _PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created 0600 whatever the umask."""

    def _open(self):
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(descriptor, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115


def start_log(path: Path | None = None) -> Path | None:
    """Send the ``deskterm`` logger's warnings and errors to the desk's log file; None
    (and nothing changed) when the file cannot be opened: the desk runs without it."""
    path = path or log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = _PrivateRotatingFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                       encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    logger = logging.getLogger("deskterm")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    return path
