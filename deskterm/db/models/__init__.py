"""Every Peewee model of the desk, importable from one place.

``MODELS`` is in dependency order (for create_tables and the migration generator).
"""

from deskterm.db.models.audit import ChangeLog
from deskterm.db.models.backoffice import (
    CanteenMeal,
    CanteenPurchase,
    Listing,
    ListingViewing,
    StockItem,
    StockMove,
    Stocktake,
    StocktakeLine,
)
from deskterm.db.models.base import APPEND_ONLY, BaseModel, MoneyField, UtcField, database
from deskterm.db.models.calls import IncomingCall
from deskterm.db.models.cash import (
    BankDeposit,
    CashEntry,
    CashSession,
    Charge,
    FeeItem,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    ReceiptVoid,
)
from deskterm.db.models.org import (
    Building,
    Counter,
    District,
    Office,
    Owner,
    OwnerPhone,
    Place,
    Staff,
    Unit,
)
from deskterm.db.models.outbox import OutboxMessage
from deskterm.db.models.repair import Callback, Complaint, RepairOrder, ServiceEntry, Task, Visit
from deskterm.db.models.shift import (
    Assessment,
    AttendanceEvent,
    DailyWorkRecord,
    DeadlineDone,
    Handover,
    HandoverItem,
    NightLogEntry,
    WorkSummary,
)

MODELS = [
    Office, Staff, District, Building, Unit, Place, Owner, OwnerPhone, Counter,
    ServiceEntry, RepairOrder, Complaint, Callback, Visit, Task,
    FeeItem, Charge, ReceiptBook, CashSession, Payment, PaymentLine, Receipt, ReceiptVoid,
    BankDeposit, CashEntry,
    NightLogEntry, Handover, HandoverItem, AttendanceEvent, DailyWorkRecord, WorkSummary,
    Assessment, DeadlineDone,
    StockItem, Stocktake, StocktakeLine, StockMove, CanteenPurchase, CanteenMeal,
    Listing, ListingViewing,
    OutboxMessage,
    IncomingCall,
    ChangeLog,
]

__all__ = [m.__name__ for m in MODELS] + [
    "APPEND_ONLY", "BaseModel", "MoneyField", "UtcField", "database", "MODELS",
]
