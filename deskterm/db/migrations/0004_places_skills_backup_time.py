"""Public places, technicians' skills and the daily backup's time (issue #12).

``place``: the estate's public places (gate, roads, clubhouse), each in a district, for
orders that belong to no home; ``repair_order.place_id`` names one. ``staff.skills``: the
repair categories a technician takes, comma-separated ("" = any). ``office.backup_at``:
the daily backup's time on the deadline calendar, HH:MM ("" = not on it).
"""

from peewee import BooleanField, CharField, ForeignKeyField, Model
from playhouse.migrate import migrate


def up(migrator, db):
    class Office(Model):
        class Meta:
            database = db
            table_name = "office"

    class District(Model):
        class Meta:
            database = db
            table_name = "district"

    class Place(Model):
        office = ForeignKeyField(Office, on_delete="RESTRICT")
        district = ForeignKeyField(District, on_delete="RESTRICT")
        name = CharField()
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "place"
            indexes = ((("office", "name"), True),)

    db.create_tables([Place])
    migrate(
        migrator.add_column(
            "repair_order", "place_id",
            ForeignKeyField(Place, null=True, on_delete="RESTRICT", field=Place.id)),
        migrator.add_column("staff", "skills", CharField(default="")),
        migrator.add_column("office", "backup_at", CharField(default="")),
    )
