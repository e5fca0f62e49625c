"""The cash desk's records: fees, charges, payments, receipts, cash sessions, deposits
([5.1], [5.3], [5.6], [7.4.13]). Payments, receipts and cash entries are append-only."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from deskterm.db.models.base import BaseModel, MoneyField, UtcField
from deskterm.db.models.org import Office, Staff, Unit
from deskterm.db.models.repair import RepairOrder


class FeeItem(BaseModel):
    """A kind of fee: property management by floor area, parking, water, repair..."""

    KINDS = ("property", "parking", "water", "electricity", "repair", "agency", "adhoc")
    BASES = ("area", "fixed", "metered")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    code = CharField()
    name = CharField()
    kind = CharField()
    basis = CharField(default="fixed")
    rate = MoneyField(default=0)  # fen per m² per month (area) or per period (fixed)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("office", "code"), True),)


class Charge(BaseModel):
    """What a unit owes for one fee item and period (``2026-11``)."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="charges", on_delete="RESTRICT")
    fee_item = ForeignKeyField(FeeItem, on_delete="RESTRICT")
    period = CharField()
    amount = MoneyField()
    order = ForeignKeyField(RepairOrder, null=True, on_delete="RESTRICT")
    # Makes generation idempotent: "property:<unit>:<period>"; NULL for ad-hoc charges.
    key = CharField(null=True, unique=True)
    created_at = UtcField()
    note = TextField(default="")
    # Fen settled of it: the sum of its payment lines, kept by the database (a trigger on
    # payment_line, migration 0009) in the payment's or the void's own transaction. Never
    # written by the code: read it, and owe ``amount - paid``.
    paid = MoneyField(default=0)

    class Meta:
        indexes = ((("unit", "period"), False), (("office", "period"), False))


# The charges owing something now (a few thousand of an office's millions): the fee
# summary's arrears read them (migration 0009).
Charge.add_index(Charge.index(Charge.office, Charge.period, name="charge_owing",
                              where=Charge.paid < Charge.amount))


class ReceiptBook(BaseModel):
    """A book of numbered receipts (票据) issued to one clerk."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    clerk = ForeignKeyField(Staff, on_delete="RESTRICT")
    prefix = CharField(default="")
    first_number = IntegerField()
    last_number = IntegerField()
    next_number = IntegerField()
    issued_at = UtcField()
    issued_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    closed_at = UtcField(null=True)

    class Meta:
        indexes = ((("office", "clerk", "closed_at"), False),)


class CashSession(BaseModel):
    """One clerk's cash drawer for one office-local day: float, takings, blind count."""

    STATES = ("open", "closed", "banked")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    clerk = ForeignKeyField(Staff, on_delete="RESTRICT")
    day = DateField()
    opened_at = UtcField()
    opening_float = MoneyField(default=0)
    closed_at = UtcField(null=True)
    counted = MoneyField(null=True)
    difference = MoneyField(null=True)
    difference_reason = TextField(default="")
    difference_approved_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    state = CharField(default="open")

    class Meta:
        indexes = ((("office", "clerk", "day"), True), (("office", "state"), False))


class Payment(BaseModel):
    """Money received (or, with ``reverses``, a reversal of it). Append-only."""

    METHODS = ("cash", "card", "transfer", "wechat", "alipay")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    payer_name = CharField(default="")
    method = CharField()
    amount = MoneyField()
    tendered = MoneyField(null=True)
    change_given = MoneyField(null=True)
    taken_at = UtcField()
    clerk = ForeignKeyField(Staff, on_delete="RESTRICT")
    cash_session = ForeignKeyField(CashSession, null=True, on_delete="RESTRICT")
    reverses = ForeignKeyField("self", null=True, unique=True, on_delete="RESTRICT")
    reason = TextField(default="")

    class Meta:
        indexes = ((("office", "taken_at"), False),)


class PaymentLine(BaseModel):
    """The part of a payment that settles one charge. Append-only."""

    payment = ForeignKeyField(Payment, backref="lines", on_delete="RESTRICT")
    charge = ForeignKeyField(Charge, backref="payment_lines", on_delete="RESTRICT")
    amount = MoneyField()


class Receipt(BaseModel):
    """A numbered receipt (票据) for one payment. Never deleted; voided by ReceiptVoid."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    book = ForeignKeyField(ReceiptBook, on_delete="RESTRICT")
    number = IntegerField()
    payment = ForeignKeyField(Payment, unique=True, on_delete="RESTRICT")
    issued_at = UtcField()
    clerk = ForeignKeyField(Staff, on_delete="RESTRICT")
    total = MoneyField()

    class Meta:
        indexes = ((("book", "number"), True), (("office", "issued_at"), False))


class ReceiptVoid(BaseModel):
    """A receipt voided with a reason and a supervisor's PIN; points at the reversal."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    receipt = ForeignKeyField(Receipt, unique=True, on_delete="RESTRICT")
    reversal = ForeignKeyField(Payment, unique=True, on_delete="RESTRICT")
    reason = TextField()
    voided_at = UtcField()
    voided_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    approved_by = ForeignKeyField(Staff, on_delete="RESTRICT")

    class Meta:
        indexes = ((("office", "voided_at"), False),)


class BankDeposit(BaseModel):
    """Cash taken to the bank [5.3], with the bank's slip number. Append-only."""

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    at = UtcField()
    amount = MoneyField()
    slip_number = CharField()
    bank = CharField(default="")
    deposited_by = ForeignKeyField(Staff, on_delete="RESTRICT")

    class Meta:
        indexes = ((("office", "slip_number"), True), (("office", "at"), False))


class CashEntry(BaseModel):
    """A movement of cash in a clerk's drawer, signed fen. Append-only.

    kinds: float (opening float counted in), payment (cash taken), refund (paid out),
    deposit (taken to the bank, negative), reversal (of another entry, via ``reverses``).
    """

    KINDS = ("float", "payment", "refund", "deposit", "reversal")

    office = ForeignKeyField(Office, on_delete="RESTRICT")
    session = ForeignKeyField(CashSession, backref="entries", on_delete="RESTRICT")
    at = UtcField()
    kind = CharField()
    amount = MoneyField()
    payment = ForeignKeyField(Payment, null=True, on_delete="RESTRICT")
    deposit = ForeignKeyField(BankDeposit, null=True, on_delete="RESTRICT")
    reverses = ForeignKeyField("self", null=True, unique=True, on_delete="RESTRICT")
    clerk = ForeignKeyField(Staff, on_delete="RESTRICT")

    class Meta:
        indexes = ((("session", "kind"), False),)
