"""The office's banks (for deposits) and its usual float, set by the manager.

``office.banks``: the banks the office deposits at, one per line, the first proposed by
the deposit form when the office has made no deposit yet. ``office.default_float``: the
float a drawer usually opens with, in fen (0: none), proposed by the float form.
"""

from peewee import BigIntegerField, TextField
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(
        migrator.add_column("office", "banks", TextField(default="")),
        migrator.add_column("office", "default_float", BigIntegerField(default=0)),
    )
