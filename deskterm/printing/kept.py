"""The file every printout leaves behind, written before anything is sent to a printer:
the record of what was printed, and what is left to print when the printer did not answer.

``printout_folder``: the folder given, else this terminal's export folder (``export_dir``),
else ``printouts`` in deskterm's data folder when the settings cannot be read (lists,
exports and slips use it too, through ``duties/repairs/approval_lists``). The file is
private (0600, 0660 in a group folder: it holds names and money), never seen half-written,
and never written over (``-2``, ``-3``...).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from deskterm.clock import local, now_utc
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.private_files import make_private_folder, write_private_new

_UNSAFE = re.compile(r"[^\w-]+")


def printout_folder(folder: str | Path | None = None) -> Path:
    """Where printouts go (created when missing); DutyError "print" when it cannot be."""
    if folder is None:
        from deskterm.config import load_settings
        from deskterm.errors import SetupError

        try:
            folder = load_settings().export_dir
        except SetupError:
            from deskterm.paths import default_database_path

            folder = default_database_path().parent / "printouts"
    path = Path(folder).expanduser()
    try:
        make_private_folder(path)
    except OSError as exc:
        raise DutyError(_("Cannot create the folder {path}: {error}").format(
            path=path, error=exc.strerror or exc), "print") from None
    return path


def keep(data: bytes, stem: str, suffix: str, folder: str | Path | None = None, *,
         tz: str = "UTC", now: dt.datetime | None = None, unnamed: str = "printout") -> Path:
    """``data`` written as ``<stem>-<YYYYMMDD-HHmmss><suffix>`` (``unnamed`` for a stem
    with nothing safe in it); its path."""
    where = printout_folder(folder)
    stamp = local(now or now_utc(), tz).format("YYYYMMDD-HHmmss")
    base = (_UNSAFE.sub("_", stem).strip("_") or unnamed) + "-" + stamp
    try:
        return write_private_new(where, base, suffix, data)
    except OSError as exc:
        raise DutyError(_("Cannot write {path}: {error}").format(
            path=where / f"{base}{suffix}", error=exc.strerror or exc), "print") from None
