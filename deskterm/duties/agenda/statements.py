"""Statements compiled once, for the reads the desk repeats (issue #15): Peewee takes
longer to compile a query than SQLite takes to answer a small one, and the dashboard's
Today pane and status line ask at least every minute, on every change of their topics.

A statement is built once per key and kind of database with *slots* (``_slot(name)``)
where each call's values go, compiled to SQL and parameters, and kept; each call fills the
slots in (``rows(**values)``) and runs the SQL as it is. ``convert`` reads a row's values
as Peewee would have (the columns' ``python_value``; stored times quickly, ``_moment``).
Values are passed as Python objects: the database's adapter writes them (datetimes and
dates as Peewee does on SQLite; natively on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from peewee import AutoField, CharField, DateTimeField, Field, IntegerField, TextField, Value

from deskterm.db.models import RepairOrder
from deskterm.db.models.base import database


class _Slot:
    """A parameter of a compiled statement, filled in at each call."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<slot {self.name}>"


def _slot(name: str) -> Value:
    return Value(_Slot(name), converter=False)


def _moment(value) -> dt.datetime:
    """A stored time as Peewee reads it, quickly (SQLite keeps ISO text)."""
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:  # another of the forms Peewee reads
        return RepairOrder.registered_at.python_value(value)


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    converters: tuple  # per column: reads the stored value as Peewee would, or None

    def bind(self, **values) -> list:
        """The parameters, the slots filled in from ``values``."""
        return [values[p.name] if isinstance(p, _Slot) else p for p in self.params]

    def rows(self, **values) -> list[tuple]:
        """The rows as stored: ``convert`` the ones used."""
        return database.execute_sql(self.sql, self.bind(**values)).fetchall()

    def convert(self, row: tuple) -> tuple:
        steps = self._steps
        if not steps:
            return tuple(row)
        values = list(row)
        for index, convert in steps:
            if values[index] is not None:
                values[index] = convert(values[index])
        return tuple(values)

    @property
    def _steps(self) -> tuple:
        """(column, converter) of the columns that need one, worked out once."""
        steps = self.__dict__.get("_steps_cache")
        if steps is None:
            steps = tuple((i, c) for i, c in enumerate(self.converters) if c is not None)
            object.__setattr__(self, "_steps_cache", steps)
        return steps


#: Columns whose stored value is already what Peewee would give (text and whole numbers
#: come back as str and int from both databases): no converter called for them.
_AS_STORED = (CharField, TextField, IntegerField, AutoField)


def _converter(node):
    if isinstance(node, DateTimeField):
        return _moment
    if type(node) in _AS_STORED:
        return None
    return node.python_value if isinstance(node, Field) else None


_STATEMENTS: dict[tuple, _Statement] = {}


def _office_id(office) -> int:
    return office if isinstance(office, int) else office.id


def _statement(key: tuple, build: Callable) -> _Statement:
    """The statement ``build()`` makes, compiled for the database in use."""
    key = (*key, type(database.obj))
    statement = _STATEMENTS.get(key)
    if statement is None:
        query = build()
        sql, params = query.sql()
        statement = _Statement(sql, tuple(params), tuple(
            _converter(node) for node in query._returning))
        _STATEMENTS[key] = statement
    return statement
