"""The repair store's stock ([5.4][6.6]): stock items, stock received, stock drawn by hand
with a reason, and the ledger of one item (库存账).

Repair orders draw their materials through ``order_work.return_order`` (the return form
finds them by name, initials or code with ``find_stock``); a stocktake adjusts
the book through ``stocktake.close_stocktake``. Every move is a ``StockMove`` row (append-
only: a mistake is corrected by a new move) and ``StockItem.book_quantity`` is kept in step
in the same transaction, exactly as ``return_order`` does: the item row is locked, the move
is created, the book is updated, each with its change-log row.

Same rules as ``records.py``: validate, then one ``changes.write()`` transaction; a refusal
is a ``DutyError`` naming the form field and leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from peewee import JOIN, fn

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Office, RepairOrder, Staff, StockItem, StockMove, Stocktake
from deskterm.duties.pinyin import initials
from deskterm.duties.records import clean_text, create_row, desk_person, locked, update_row
from deskterm.errors import DutyError
from deskterm.i18n import _

CODE_LIMIT = 20
NAME_LIMIT = 40
UOM_LIMIT = 8
LOCATION_LIMIT = 40
REASON_LIMIT = 200
#: A quantity above this is a typing slip, not stock.
MAX_QUANTITY = 999_999
#: The ledger shows this many moves, newest first.
LEDGER_LIMIT = 500


# --- input --------------------------------------------------------------------------------------

def parse_quantity(text: object, field: str = "quantity", *, zero: bool = False) -> int:
    """A whole count as typed (full-width digits too) → int; above zero unless ``zero``."""
    if isinstance(text, bool):
        raise DutyError(_("Enter a whole number."), field)
    if isinstance(text, int):
        value = text
    else:
        cleaned = unicodedata.normalize("NFKC", str(text or "")).strip()
        if not cleaned:
            raise DutyError(_("Enter a quantity."), field)
        if not cleaned.isascii() or not cleaned.isdigit():
            raise DutyError(_("Enter a whole number, like 3."), field)
        if len(cleaned) > 7:
            raise DutyError(_("At most {max:,}.").format(max=MAX_QUANTITY), field)
        value = int(cleaned)
    if value < 0 or (value == 0 and not zero):
        raise DutyError(_("Enter a whole number above zero.") if not zero
                        else _("Enter a whole number, 0 or more."), field)
    if value > MAX_QUANTITY:
        raise DutyError(_("At most {max:,}.").format(max=MAX_QUANTITY), field)
    return value


def _clean_code(code: object) -> str:
    code = unicodedata.normalize("NFKC", clean_text(
        str(code or ""), "code", limit=CODE_LIMIT, message=_("Enter the stock code.")))
    if any(ch.isspace() for ch in code):
        # a code is one word: the materials lookup matches what is typed word by word
        raise DutyError(_("A stock code is one word, without spaces (like FM-15)."), "code")
    return code


def _item_fields(code, name, uom, location) -> dict:
    return dict(
        code=_clean_code(code),
        name=clean_text(name, "name", limit=NAME_LIMIT, message=_("Enter the item's name.")),
        uom=clean_text(uom, "uom", limit=UOM_LIMIT,
                       message=_("Enter the unit it is counted in (个, 米, 卷...).")),
        location=clean_text(location, "location", limit=LOCATION_LIMIT, required=False),
    )


def _check_code_free(office: Office, code: str, item_id: int | None) -> None:
    query = StockItem.select(StockItem.id).where(
        (StockItem.office == office) & (fn.LOWER(StockItem.code) == code.lower()))
    if item_id is not None:
        query = query.where(StockItem.id != item_id)
    if query.exists():
        raise DutyError(_("Stock code {code} is already in use.").format(code=code), "code")


def item_of(office: Office, item_id: StockItem | int | None, *, lock: bool = True
            ) -> StockItem:
    """This office's stock item (locked for the transaction), else DutyError."""
    if isinstance(item_id, StockItem):
        item_id = item_id.id
    row = None
    if item_id is not None:
        query = StockItem.select().where(
            (StockItem.id == item_id) & (StockItem.office == office))
        row = (locked(query) if lock else query).first()
    if row is None:
        raise DutyError(_("There is no such stock item at this office."), "item")
    return row


# --- items ---------------------------------------------------------------------------------------

def add_item(office: Office, clerk: Staff | int, *, code: str, name: str, uom: str = "个",
             location: str = "") -> StockItem:
    """A new stock item, with nothing on the books (stock comes in by ``receive``)."""
    values = _item_fields(code, name, uom, location)
    with changes.write():
        clerk = desk_person(office, clerk)
        _check_code_free(office, values["code"], None)
        return create_row(StockItem, office, clerk, office=office, book_quantity=0, **values)


def edit_item(office: Office, clerk: Staff | int, item_id: int, *, code: str, name: str,
              uom: str, location: str) -> StockItem:
    """Change an item's code, name, unit or location (never its book quantity)."""
    values = _item_fields(code, name, uom, location)
    with changes.write():
        clerk = desk_person(office, clerk)
        item = item_of(office, item_id)
        _check_code_free(office, values["code"], item.id)
        update_row(item, office, clerk, "edit", **values)
    return item


# --- moves ----------------------------------------------------------------------------------------

def _move(office: Office, clerk: Staff, item: StockItem, kind: str, quantity: int, *,
          now: dt.datetime, reason: str = "", order: RepairOrder | None = None,
          stocktake: Stocktake | None = None) -> StockMove:
    """One move and the book in step (inside a write, ``item`` locked)."""
    move = create_row(StockMove, office, clerk, office=office, item=item, at=now, kind=kind,
                      quantity=quantity, order=order, stocktake=stocktake, reason=reason,
                      by=clerk)
    update_row(item, office, clerk, kind, book_quantity=item.book_quantity + quantity)
    return move


def receive(office: Office, clerk: Staff | int, item_id: int, quantity, *,
            reason: str = "") -> StockMove:
    """Stock received (入库): a "receive" move of +quantity; the note is optional."""
    quantity = parse_quantity(quantity)
    reason = clean_text(reason, "reason", limit=REASON_LIMIT, required=False)
    now = now_utc()
    with changes.write():
        clerk = desk_person(office, clerk)
        item = item_of(office, item_id)
        if item.book_quantity + quantity > MAX_QUANTITY:
            raise DutyError(_("At most {max:,}.").format(max=MAX_QUANTITY), "quantity")
        return _move(office, clerk, item, "receive", quantity, now=now, reason=reason)


def draw(office: Office, clerk: Staff | int, item_id: int, quantity, *,
         reason: str) -> StockMove:
    """Stock drawn by hand (领用), not by a repair order: a "draw" move of -quantity with
    the reason, refused when the books hold fewer."""
    quantity = parse_quantity(quantity)
    reason = clean_text(reason, "reason", limit=REASON_LIMIT,
                        message=_("Say why the stock is drawn, and for whom."))
    now = now_utc()
    with changes.write():
        clerk = desk_person(office, clerk)
        item = item_of(office, item_id)
        if item.book_quantity < quantity:
            raise DutyError(
                _("Not enough {name} in stock: {have} {uom} on the books, {want} drawn.").format(
                    name=item.name, have=item.book_quantity, uom=item.uom, want=quantity),
                "quantity")
        return _move(office, clerk, item, "draw", -quantity, now=now, reason=reason)


# --- reading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StockRow:
    id: int
    code: str
    name: str
    uom: str
    location: str
    book_quantity: int


def stock_rows(office: Office, query: str = "") -> list[StockRow]:
    """The office's stock items by code; ``query`` narrows to code, name or location
    containing it (any case)."""
    select = StockItem.select(StockItem.id, StockItem.code, StockItem.name, StockItem.uom,
                              StockItem.location, StockItem.book_quantity).where(
        StockItem.office == office)
    words = unicodedata.normalize("NFKC", query or "").lower().split()
    for word in words:
        select = select.where(fn.LOWER(StockItem.code).contains(word)
                              | fn.LOWER(StockItem.name).contains(word)
                              | fn.LOWER(StockItem.location).contains(word))
    return [StockRow(*row) for row in select.order_by(StockItem.code).tuples()]


@dataclass(frozen=True)
class StockHit:
    """A stock item as the return form's materials lookup lists it."""

    id: int
    code: str
    name: str
    uom: str
    on_hand: int  # the book quantity when read


def stock_query(text: str | None) -> str:
    """What the clerk typed in the stock lookup, as it is matched: full-width folded
    (an IME's ＦＭ, ３), lower case, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


@lru_cache(maxsize=16384)
def name_words(name: str) -> tuple[str, str]:
    """An item's name as matched (``stock_query``'s folding) and its pinyin initials,
    worked out once per name in a process."""
    folded = unicodedata.normalize("NFKC", name).lower()
    return folded, initials(folded, surname=False)


def _match(query: str, code: str, name: str, letters: str) -> int | None:
    """How well ``query`` (``stock_query``) names the item (its folded ``name`` and
    its pinyin ``letters``): 0 best, None not at all."""
    code = code.lower()
    if query == code:
        return 0
    if name.startswith(query):
        return 1
    if query in name:
        return 2
    if query.isascii() and letters.startswith(query.replace(" ", "")):
        return 3
    if query in code:
        return 4
    words = query.split()
    if len(words) > 1 and all(w in name or w in code or (w.isascii() and w in letters)
                              for w in words):
        return 5  # 角阀 15: every word somewhere
    return None


def learn_stock_names(office: Office) -> None:
    """Work out every item's ``name_words`` now, before the clerk types: the first lookup
    after a start otherwise paid for pypinyin's dictionaries (about 0.5 s)."""
    for (name,) in StockItem.select(StockItem.name).where(StockItem.office == office).tuples():
        name_words(name)


def find_stock(office: Office, text: str, *, limit: int = 8) -> list[StockHit]:
    """The office's stock items that what the clerk typed names: part of the name (any
    case, full width too), the pinyin initials of the name (``slt`` finds 水龙头), or the
    code; the best first (the code itself, a name that begins so, a name that holds it,
    the initials, a code that holds it, every word somewhere), those on hand before
    those not, then in pinyin order. A plain read of the whole (small) stock list."""
    query = stock_query(text)
    if not query or limit <= 0:
        return []
    found = []
    select = StockItem.select(StockItem.id, StockItem.code, StockItem.name, StockItem.uom,
                              StockItem.book_quantity).where(StockItem.office == office)
    # The cursor's rows as they come: Peewee's conversion of each cell was 3/4 of the
    # time at 3,000 items (plain ints and text need none).
    for item_id, code, name, uom, on_hand in StockItem._meta.database.execute_sql(
            *select.sql()).fetchall():
        folded, letters = name_words(name)
        quality = _match(query, code, folded, letters)
        if quality is not None:
            found.append(((quality, on_hand <= 0, letters, name, code),
                          StockHit(item_id, code, name, uom, on_hand)))
    found.sort(key=lambda pair: pair[0])
    return [hit for _key, hit in found[:limit]]


@dataclass(frozen=True)
class LedgerLine:
    at: dt.datetime
    kind: str
    quantity: int
    balance: int  # the book after this move
    order_number: str | None
    stocktake_period: str | None
    reason: str
    by: str


def ledger(office: Office, item_id: int, limit: int = LEDGER_LIMIT
           ) -> tuple[StockRow, list[LedgerLine]]:
    """One item and its moves, newest first, each with the book balance after it (counted
    back from today's book quantity, so the newest line's balance is the book)."""
    item = item_of(office, item_id, lock=False)
    rows = (StockMove.select(StockMove.at, StockMove.kind, StockMove.quantity,
                             RepairOrder.number, Stocktake.period, StockMove.reason,
                             Staff.name)
            .join(RepairOrder, JOIN.LEFT_OUTER, on=(StockMove.order == RepairOrder.id))
            .switch(StockMove)
            .join(Stocktake, JOIN.LEFT_OUTER, on=(StockMove.stocktake == Stocktake.id))
            .switch(StockMove)
            .join(Staff, JOIN.LEFT_OUTER, on=(StockMove.by == Staff.id))
            .where((StockMove.item == item.id) & (StockMove.office == office))
            .order_by(StockMove.at.desc(), StockMove.id.desc())
            .limit(limit).tuples())
    balance = item.book_quantity
    lines = []
    for at, kind, quantity, number, period, reason, by in rows:
        lines.append(LedgerLine(at, kind, quantity, balance, number, period, reason or "",
                                by or ""))
        balance -= quantity
    row = StockRow(item.id, item.code, item.name, item.uom, item.location, item.book_quantity)
    return row, lines
