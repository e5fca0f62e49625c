"""Who is at the desk, for which office: the little state the screens share."""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.db.models import Office, Staff


@dataclass
class DeskSession:
    office: Office
    db_label: str
    staff: Staff | None = None
    demo: bool = False

    @property
    def tz(self) -> str:
        return self.office.timezone
