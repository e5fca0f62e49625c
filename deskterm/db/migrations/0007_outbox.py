"""Messages to technicians (issue #14): their addresses and the outbox.

``staff.notify_url``: where a technician's messages go (an apprise URL: ``wecombot://``,
``dingtalk://``, ``mailto://``, ``json://`` ...; "" = none). ``office.notify_url``: the
office's group chat, for the technicians who have none. ``outbox_message``: one message
per dispatch, reassignment or new appointment, written with it, sent in the background
(``deskterm/messaging``); found by (office, state, next_at) when waiting.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField
from playhouse.migrate import migrate


def up(migrator, db):
    class Office(Model):
        class Meta:
            database = db
            table_name = "office"

    class Staff(Model):
        class Meta:
            database = db
            table_name = "staff"

    class RepairOrder(Model):
        class Meta:
            database = db
            table_name = "repair_order"

    class OutboxMessage(Model):
        office = ForeignKeyField(Office, backref="+", on_delete="RESTRICT")
        order = ForeignKeyField(RepairOrder, backref="+", on_delete="RESTRICT")
        technician = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")
        event = CharField()
        via = CharField(default="")
        title = TextField(default="")
        body = TextField(default="")
        state = CharField()
        attempts = IntegerField(default=0)
        next_at = DateTimeField(null=True)
        claimed_by = CharField(default="")
        claimed_at = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        reason = TextField(default="")
        created_at = DateTimeField()
        created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "outbox_message"
            indexes = ((("office", "state", "next_at"), False),)

    db.create_tables([OutboxMessage])
    migrate(
        migrator.add_column("staff", "notify_url", TextField(default="")),
        migrator.add_column("office", "notify_url", TextField(default="")),
    )
