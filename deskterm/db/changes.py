"""Writing facts, and the change log that records each of them.

``write()`` is the one way to open a write transaction (IMMEDIATE on SQLite). Every duty
that writes calls ``record()`` inside it, so the audit row commits with the change or not
at all. Live panes poll ``latest_id()`` (microseconds) and ask ``topics_since()`` which
tables changed, then reload only the panes that show them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from peewee import fn

from deskterm.clock import now_utc
from deskterm.db.models import ChangeLog, database


def write():
    """A write transaction: ``with write(): ...`` (IMMEDIATE on SQLite)."""
    return database.atomic()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def record(
    topic: str,
    row_id: int | None,
    action: str,
    *,
    office: Any = None,
    staff: Any = None,
    before: dict | None = None,
    after: dict | None = None,
) -> ChangeLog:
    """Append one change-log row; call inside the same ``write()`` as the change."""
    detail = {}
    if before is not None:
        detail["before"] = _jsonable(before)
    if after is not None:
        detail["after"] = _jsonable(after)
    return ChangeLog.create(
        office=office,
        staff=staff,
        at=now_utc(),
        topic=topic,
        row_id=row_id,
        action=action,
        detail=json.dumps(detail, ensure_ascii=False) if detail else "",
    )


def latest_id() -> int:
    """The newest change-log id (0 on an empty log)."""
    return ChangeLog.select(fn.MAX(ChangeLog.id)).scalar() or 0


def topics_since(change_id: int, office_id: int | None = None) -> tuple[int, set[str]]:
    """``(newest id, topics written after change_id)`` for one office (or any)."""
    query = ChangeLog.select(ChangeLog.id, ChangeLog.topic, ChangeLog.office).where(
        ChangeLog.id > change_id
    )
    newest = change_id
    topics: set[str] = set()
    for row in query.tuples():
        newest = max(newest, row[0])
        if office_id is None or row[2] in (None, office_id):
            topics.add(row[1])
    return newest, topics


def history(topic: str, row_id: int) -> Iterable[ChangeLog]:
    """The audit trail of one row, oldest first."""
    return (
        ChangeLog.select()
        .where((ChangeLog.topic == topic) & (ChangeLog.row_id == row_id))
        .order_by(ChangeLog.id)
    )
