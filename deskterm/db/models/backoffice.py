"""The back office: stock and stocktakes, canteen, rental/sale listings
([5.4], [5.10], [6.6], [7.4.15])."""

from __future__ import annotations

from peewee import CharField, DateField, ForeignKeyField, IntegerField, TextField

from deskterm.db.models.base import BaseModel, MoneyField, UtcField
from deskterm.db.models.org import Office, Owner, Staff, Unit
from deskterm.db.models.repair import RepairOrder


class StockItem(BaseModel):
    """A stock item; quantities are whole counts of ``uom`` (pieces, metres...)."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    code = CharField()
    name = CharField()
    uom = CharField(default="个")
    location = CharField(default="")
    book_quantity = IntegerField(default=0)  # derived: the sum of its moves, kept in step

    class Meta:
        indexes = ((("office", "code"), True),)


class Stocktake(BaseModel):
    """The monthly stocktake (盘存), due by the 24th [5.4]."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    period = CharField()  # 2026-11
    started_at = UtcField()
    started_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    closed_at = UtcField(null=True)
    closed_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")

    class Meta:
        indexes = ((("office", "period"), True),)


class StocktakeLine(BaseModel):
    stocktake = ForeignKeyField(Stocktake, backref="lines", on_delete="RESTRICT")
    item = ForeignKeyField(StockItem, on_delete="RESTRICT")
    book_quantity = IntegerField()
    counted_quantity = IntegerField(null=True)
    reason = TextField(default="")

    class Meta:
        indexes = ((("stocktake", "item"), True),)


class StockMove(BaseModel):
    """Stock received (+), drawn (-) or adjusted by a stocktake. Append-only."""

    KINDS = ("receive", "draw", "adjust")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    item = ForeignKeyField(StockItem, backref="moves", on_delete="RESTRICT")
    at = UtcField()
    kind = CharField()
    quantity = IntegerField()
    order = ForeignKeyField(RepairOrder, null=True, on_delete="RESTRICT")
    stocktake = ForeignKeyField(Stocktake, null=True, on_delete="RESTRICT")
    reason = TextField(default="")
    by = ForeignKeyField(Staff, on_delete="RESTRICT")

    class Meta:
        indexes = ((("item", "at"), False),)


class CanteenPurchase(BaseModel):
    """A canteen purchase checked by the desk [5.10]."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    day = DateField()
    item = CharField()
    quantity = CharField()  # as written on the slip: "5 kg"
    amount = MoneyField()
    supplier = CharField(default="")
    bought_by = CharField(default="")
    checked_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    checked_at = UtcField(null=True)

    class Meta:
        indexes = ((("office", "day"), False),)


class CanteenMeal(BaseModel):
    """Meals one person took on one day, for the monthly meal-fee accounting."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    day = DateField()
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    meals = IntegerField(default=1)
    price = MoneyField()

    class Meta:
        indexes = ((("office", "day", "staff"), True),)


class Listing(BaseModel):
    """A unit entrusted for rent or sale (业主房屋委托租售) [7.4.15]."""

    STATUSES = ("listed", "viewing", "closed", "withdrawn")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    owner = ForeignKeyField(Owner, null=True, on_delete="RESTRICT")
    kind = CharField()  # rent / sale
    asking = MoneyField()
    terms = TextField(default="")
    status = CharField(default="listed")
    contact = CharField(default="")
    listed_at = UtcField()
    closed_at = UtcField(null=True)

    class Meta:
        indexes = ((("office", "status"), False),)


class ListingViewing(BaseModel):
    listing = ForeignKeyField(Listing, backref="viewings", on_delete="RESTRICT")
    at = UtcField()
    visitor = CharField(default="")
    phone = CharField(default="")
    note = TextField(default="")
