"""Writing a row with its change-log entry: the helpers every duty writes with.

Every duty validates, then writes inside one ``changes.write()`` transaction with a
change-log row per row written (topic = table name; ``before``/``after`` hold the fields
that changed): ``create_row`` and ``update_row``. Anything wrong raises ``DutyError``
naming the form field; as the check and the write share one transaction, a refused duty
leaves the database as it was. ``locked`` takes the rows a duty is about to change
(PostgreSQL), ``staff_of``/``desk_person`` check who is doing it, ``clean_text`` is the
forms' one free-text rule with its limits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from peewee import Model

from deskterm.db import changes
from deskterm.db.models import Office, Staff, database
from deskterm.duties.parsing import clean_free_text
from deskterm.errors import DutyError
from deskterm.i18n import _

NAME_LIMIT = 40
TEXT_LIMIT = 2000


def _raw(value: Any) -> Any:
    """A value as the change log shows it: a row by its id, a moment as ISO text."""
    if isinstance(value, Model):
        return value.get_id()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value


def create_row(model: type[Model], office: Office, by: Staff | None, /, **values) -> Model:
    """``model.create(**values)`` and its change-log row (every value in ``after``)."""
    row = model.create(**values)
    after = {k: _raw(v) for k, v in values.items() if k != "office"}
    changes.record(model._meta.table_name, row.get_id(), "create", office=office, staff=by,
                   after=after)
    return row


def update_row(row: Model, office: Office, by: Staff | None, action: str, /,
               **values) -> dict:
    """Write ``values`` to ``row`` (and the object), with the fields that changed before and
    after in the change log. Returns the ``before`` dict."""
    before, after = {}, {}
    for name, value in values.items():
        field = row._meta.fields[name]
        old = row.__data__.get(field.name)
        new = _raw(value)
        if old != new:
            before[name], after[name] = _raw(old), new
    if after:
        type(row).update(**values).where(type(row)._meta.primary_key == row.get_id()).execute()
    for name, value in values.items():
        setattr(row, name, value)
    changes.record(row._meta.table_name, row.get_id(), action, office=office, staff=by,
                   before=before, after=after)
    return before


def locked(query):
    """``query`` with FOR UPDATE where the database has it (PostgreSQL). SQLite needs none:
    its IMMEDIATE write transaction already holds the whole database."""
    return query.for_update() if getattr(database.obj, "for_update", False) else query


def staff_of(office: Office, who: Staff | int | None, field: str | None, *,
             roles: Iterable[str] | None = None, message: str | None = None) -> Staff:
    """The active person ``who`` of this office (with one of ``roles``), else DutyError."""
    staff_id = who.get_id() if isinstance(who, Model) else who
    person = None
    if staff_id is not None:
        person = Staff.get_or_none((Staff.id == staff_id) & (Staff.office == office))
    if person is None or not person.active or (roles is not None and person.role not in roles):
        raise DutyError(message or _("Choose someone from this office's staff list."), field)
    return person


def desk_person(office: Office, clerk: Staff | int) -> Staff:
    """The person at the desk doing the duty (a desk role of this office)."""
    return staff_of(office, clerk, "clerk", roles=Staff.DESK_ROLES,
                    message=_("Sign in at this office's desk first."))


def clean_text(value: str | None, field: str, *, limit: int = TEXT_LIMIT,
               required: bool = True, message: str | None = None) -> str:
    """Text as typed, through the forms' one free-text rule (``parsing.clean_free_text``:
    markup and CJK kept verbatim, escape sequences and control characters removed)."""
    return clean_free_text(value, field, max_length=limit, required=required,
                           empty_message=message)
