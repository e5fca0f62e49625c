"""The base every model stands on: one database proxy, naming, and the conventions.

- Money is integer fen in ``MoneyField`` (a BigIntegerField): never REAL, never Decimal
  columns (Peewee's DecimalField is REAL on SQLite: ten 0.10 summed to 0.9999999999999999).
- Time is naive UTC in ``UtcField``; the office's zone is applied only when shown.
- Every row the office owns carries its ``office``; queries are scoped to it.
- Tables listed in ``APPEND_ONLY`` refuse UPDATE and DELETE in the database itself
  (triggers created by migration 0002); a mistake is corrected by a reversal row.
"""

from __future__ import annotations

from peewee import BigIntegerField, DatabaseProxy, DateTimeField, Model

#: Bound to the real database by ``deskterm.db.connection.open_database``.
database = DatabaseProxy()


class MoneyField(BigIntegerField):
    """An amount of money in integer fen (¥1.00 = 100)."""


class UtcField(DateTimeField):
    """A moment as a naive UTC datetime (``deskterm.clock.now_utc()``)."""


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


#: Tables whose rows are facts: inserted once, never updated or deleted.
APPEND_ONLY: tuple[str, ...] = (
    "change_log",
    "callback",
    "payment",
    "payment_line",
    "receipt",
    "receipt_void",
    "cash_entry",
    "bank_deposit",
    "night_log_entry",
    "handover",
    "handover_item",
    "attendance_event",
    "stock_move",
)
