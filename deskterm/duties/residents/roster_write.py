"""Writing many roster rows at once, each with its change-log row, as ``create_row`` would.

An import of a 10,000-owner roster creates some 35,000 rows (units, owners, phones), each
with a change-log row. One ``Model.create`` per row spent ~130 µs a row building SQL (9 s
for the whole roster, on SQLite, inside one IMMEDIATE transaction that every other desk
waits on for up to its 10 s busy timeout). Here each table gets multi-row INSERTs, and the
new ids come back with ``RETURNING`` together with the row's natural key (the order of
RETURNING rows is not promised), so children can point at their parents; the change-log
rows are then inserted the same way, with the same ``after`` detail ``create_row`` writes.

SQLite before 3.35 has no RETURNING: there the new rows are read back by their key among
the ids above the table's largest id before the insert (the IMMEDIATE transaction holds
the whole database, so nobody else inserts meanwhile).

The caller holds the ``changes.write()`` transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from peewee import Model, PostgresqlDatabase, fn

from deskterm.clock import now_utc
from deskterm.db.models import ChangeLog, Office, Staff, database

#: Rows per INSERT: well under SQLite's 32,766 bound parameters at ten columns a row.
BATCH = 500


def _returning_works() -> bool:
    return isinstance(database.obj, PostgresqlDatabase) or sqlite3.sqlite_version_info >= (
        3, 35)


def _raw(value: Any) -> Any:
    """As ``records.create_row`` logs a value: a row by its id, a moment as ISO text."""
    if isinstance(value, Model):
        return value.get_id()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value


def _insert(model: type[Model], rows: Sequence[dict], returning: Sequence[str] = ()) -> list:
    """``INSERT`` of ``rows`` (all with the same fields): on SQLite ``BATCH`` rows a
    statement, on PostgreSQL one row a statement sent as a pipeline; the ``returning``
    columns of the new rows (in no promised order). The SQL is written here rather than by
    Peewee's ``insert_many``, which spent ~1.5 s building it for a 10,000-owner roster;
    values still go through each field's ``db_value``."""
    meta = model._meta
    names = list(rows[0])
    # Fields left out get their model default, as Model.create would give them.
    extra = {f.name: (f.default() if callable(f.default) else f.default)
             for f in meta.sorted_fields
             if f.name not in names and f.default is not None and not f.primary_key}
    if extra:
        names += list(extra)
        rows = [{**extra, **values} for values in rows]
    fields = [meta.fields[name] for name in names]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    mark = "(" + ", ".join([database.param] * len(fields)) + ")"
    back = ", ".join(f'"{meta.fields[name].column_name}"' for name in returning)
    found: list = []
    if isinstance(database.obj, PostgresqlDatabase):
        # psycopg parses a query's placeholders in Python (~10 µs each, uncached for long
        # queries): one prepared single-row INSERT sent in a pipeline costs far less.
        sql = (f'INSERT INTO "{meta.table_name}" ({columns}) VALUES {mark}'
               + (f" RETURNING {back}" if back else ""))
        params = [tuple(field.db_value(values[name])
                        for field, name in zip(fields, names, strict=True))
                  for values in rows]
        cursor = database.cursor()
        cursor.executemany(sql, params, returning=bool(back))
        while back:
            found += cursor.fetchall()
            if not cursor.nextset():
                break
        return found
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        sql = (f'INSERT INTO "{meta.table_name}" ({columns}) VALUES '
               + ", ".join([mark] * len(batch)) + (f" RETURNING {back}" if back else ""))
        params = [field.db_value(values[name]) for values in batch
                  for field, name in zip(fields, names, strict=True)]
        cursor = database.execute_sql(sql, params)
        if back:
            found += cursor.fetchall()
    return found


def create_rows(model: type[Model], office: Office, by: Staff | None,
                rows: Sequence[dict], key: Sequence[str]) -> dict[tuple, int]:
    """Insert ``rows`` (field → value dicts, all with the same fields) of ``model`` and one
    change-log row each ("create", every value but the office in ``after``); returns the
    new ids by the values of ``key`` (a natural key, unique among ``rows``)."""
    if not rows:
        return {}
    ids: dict[tuple, int] = {}

    def key_of(values: dict) -> tuple:
        return tuple(_raw(values[name]) for name in key)

    primary = model._meta.primary_key.name
    if _returning_works():
        for found in _insert(model, rows, (primary, *key)):
            ids[tuple(found[1:])] = found[0]
    else:  # pragma: no cover - SQLite older than 3.35
        above = model.select(fn.MAX(model._meta.primary_key)).scalar() or 0
        _insert(model, rows)
        wanted = {key_of(values) for values in rows}
        fields = [getattr(model, name) for name in key]
        for found in (model.select(model._meta.primary_key, *fields)
                      .where(model._meta.primary_key > above).tuples()):
            if tuple(found[1:]) in wanted:
                ids[tuple(found[1:])] = found[0]
    at = now_utc()
    topic = model._meta.table_name
    office_id, staff_id = _raw(office), _raw(by)
    _insert(ChangeLog, [
        {"office": office_id, "staff": staff_id, "at": at, "topic": topic,
         "row_id": ids[key_of(values)], "action": "create",
         "detail": json.dumps({"after": {k: _raw(v) for k, v in values.items()
                                         if k != "office"}}, ensure_ascii=False)}
        for values in rows])
    return ids

