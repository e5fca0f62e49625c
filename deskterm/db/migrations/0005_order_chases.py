"""The chase (催单, issue #13): the owner rang again about an open order instead of
registering a new one.

``repair_order.chases``: how many times the order was chased (0: never);
``repair_order.chased_at``: the last time (naive UTC), which raises it on Open orders.
``service_entry.order_id``: the order a register line is about when it did not open one
of its own (a chase's line points at the order chased), so the call stays in the register.
"""

from peewee import DateTimeField, ForeignKeyField, IntegerField, Model
from playhouse.migrate import migrate


def up(migrator, db):
    class RepairOrder(Model):
        class Meta:
            database = db
            table_name = "repair_order"

    migrate(
        migrator.add_column("repair_order", "chases", IntegerField(default=0)),
        migrator.add_column("repair_order", "chased_at", DateTimeField(null=True)),
        migrator.add_column(
            "service_entry", "order_id",
            ForeignKeyField(RepairOrder, null=True, on_delete="RESTRICT",
                            field=RepairOrder.id)),
    )
