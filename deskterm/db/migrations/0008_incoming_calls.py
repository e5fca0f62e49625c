"""Incoming calls (issue #14): ``incoming_call``, one row per ringing call
(``deskterm/db/models/calls.py``), with its indexes.

It stands only on tables of 0001 (office, staff, unit, owner), so it applies whether or
not 0007 (the messages' outbox) was applied before it: the runner applies every pending
file in number order, and a database that got 0008 first takes 0007 on its next migrate.
The table is frozen here (not imported) so that this migration never changes.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    def stub(name):
        class Meta:
            database = db
            table_name = name
        return type(name.title(), (Model,), {"Meta": Meta})

    office_t, staff_t, unit_t, owner_t = (stub(n) for n in ("office", "staff", "unit", "owner"))

    class IncomingCall(Model):
        office = ForeignKeyField(office_t, on_delete="RESTRICT")
        number = CharField()
        line = CharField(default="")
        source = CharField(default="command")
        rang_at = DateTimeField()
        owner = ForeignKeyField(owner_t, null=True, on_delete="SET NULL")
        unit = ForeignKeyField(unit_t, null=True, on_delete="SET NULL")
        state = CharField(default="ringing")
        answered_at = DateTimeField(null=True)
        answered_by = ForeignKeyField(staff_t, null=True, on_delete="RESTRICT", backref="+")
        ended_at = DateTimeField(null=True)
        returned_at = DateTimeField(null=True)
        returned_by = ForeignKeyField(staff_t, null=True, on_delete="RESTRICT", backref="+")
        return_note = TextField(default="")

        class Meta:
            database = db
            table_name = "incoming_call"
            indexes = (
                (("office", "state", "rang_at"), False),
                (("office", "rang_at"), False),
                (("office", "number", "rang_at"), False),
            )

    db.create_tables([IncomingCall])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS incoming_call")
