"""Drafts: what a clerk typed in a form, kept on this machine until it is saved or thrown
away, so that Esc, a killed program, a dropped SSH connection or a database outage loses
nothing.

A draft belongs to one person (staff id), one terminal and one form (and, for a form about
one record, that record: ``subject``). It is a small JSON file in the user's state folder
(``$XDG_STATE_HOME/deskterm/drafts``, or ``DESKTERM_DRAFTS_DIR``), created readable by this
user only, written whole (a temporary file renamed over the old one) so that a kill in the
middle of a write leaves the previous draft. It never holds a PIN. No database: a draft
must be written while the database is down.

The terminal is ``DESKTERM_TERMINAL`` when set; over SSH, the address the clerk's machine
connects from (``SSH_CLIENT``), which stays the same when a dropped connection is made
again; else the controlling terminal's name; else ``local``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from deskterm.clock import now_utc
from deskterm.private_files import write_private

VERSION = 1


def drafts_dir() -> Path:
    folder = os.environ.get("DESKTERM_DRAFTS_DIR")
    if folder:
        return Path(folder)
    from platformdirs import user_state_dir

    return Path(user_state_dir("deskterm")) / "drafts"


def terminal_name() -> str:
    named = os.environ.get("DESKTERM_TERMINAL", "").strip()
    if named:
        return named
    client = os.environ.get("SSH_CLIENT", "").split()
    if client:
        return "ssh:" + client[0]
    for fd in (0, 1, 2):
        try:
            return os.ttyname(fd)
        except OSError:
            continue
    return "local"


@dataclass(frozen=True)
class Draft:
    form: str
    staff_id: int
    terminal: str
    subject: str
    saved_at: dt.datetime  # UTC, naive
    values: dict[str, object]


class DraftStore:
    """The drafts of one person at this terminal."""

    def __init__(self, staff_id: int, *, terminal: str | None = None,
                 folder: Path | None = None) -> None:
        self.staff_id = staff_id
        self.terminal = terminal if terminal is not None else terminal_name()
        self.folder = folder if folder is not None else drafts_dir()

    def path(self, form: str, subject: str = "") -> Path:
        key = json.dumps([self.staff_id, self.terminal, form, subject])
        digest = hashlib.sha256(key.encode()).hexdigest()[:20]
        return self.folder / f"{re.sub(r'[^a-z0-9_-]', '_', form.lower())}-{digest}.json"

    def save(self, form: str, values: dict[str, object], *, subject: str = "",
             now: dt.datetime | None = None) -> Path:
        """Keep ``values`` (text, choices, yes/no: JSON) as the draft of ``form``."""
        saved_at = now or now_utc()
        record = {"version": VERSION, "form": form, "staff_id": self.staff_id,
                  "terminal": self.terminal, "subject": subject,
                  "saved_at": saved_at.isoformat(), "values": values}
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.path(form, subject)
        write_private(path, json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return path

    def load(self, form: str, subject: str = "") -> Draft | None:
        """The draft of ``form``, or None (none, or a file that is not one of ours)."""
        path = self.path(form, subject)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if (record.get("version") != VERSION or record.get("form") != form
                    or record.get("staff_id") != self.staff_id
                    or record.get("terminal") != self.terminal
                    or not isinstance(record.get("values"), dict)):
                return None
            return Draft(form=form, staff_id=self.staff_id, terminal=self.terminal,
                         subject=subject,
                         saved_at=dt.datetime.fromisoformat(record["saved_at"]),
                         values=record["values"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def discard(self, form: str, subject: str = "") -> None:
        try:
            self.path(form, subject).unlink()
        except FileNotFoundError:
            pass
