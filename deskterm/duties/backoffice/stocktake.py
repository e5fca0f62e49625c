"""The monthly stocktake (盘存), due by the 24th ([5.4][6.6]; ``deadlines`` proves it done
when the month's Stocktake is closed).

- ``start_stocktake``: one per office-local month (``period`` "2026-11"); a line per stock
  item with the book quantity at the start.
- ``save_counts``: the clerk enters what was counted on the shelf, and a reason for each
  variance (counted ≠ book at start).
- ``close_stocktake``: every line counted, every variance explained; then each variance
  becomes an "adjust" stock move (stocktake set, the line's reason) and the book moves by
  it, and the stocktake is closed (``closed_at``, ``closed_by``). A closed stocktake never
  changes again.

The variance is counted against the book at the start, and the adjustment is added to the
book as it is at closing: stock received or drawn between the count and the close stays on
the books. The "book matches count" figure (账物相符率) is the share of counted lines
without variance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Case, fn

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Office, Staff, StockItem, Stocktake, StocktakeLine
from deskterm.duties.backoffice.stock import REASON_LIMIT, _move, parse_quantity
from deskterm.duties.months import local_month
from deskterm.duties.records import clean_text, create_row, desk_person, locked, update_row
from deskterm.errors import DutyError
from deskterm.i18n import _


def current_period(office: Office, now: dt.datetime | None = None) -> str:
    """The office-local month the stocktake of ``now`` covers: ``2026-11``."""
    return local_month(office, now or now_utc(), "YYYY-MM")


def _take_of(office: Office, stocktake_id: Stocktake | int | None, *, lock: bool = True
             ) -> Stocktake:
    if isinstance(stocktake_id, Stocktake):
        stocktake_id = stocktake_id.id
    row = None
    if stocktake_id is not None:
        query = Stocktake.select().where(
            (Stocktake.id == stocktake_id) & (Stocktake.office == office))
        row = (locked(query) if lock else query).first()
    if row is None:
        raise DutyError(_("There is no such stocktake at this office."), "stocktake")
    return row


def _open_take(office: Office, stocktake_id) -> Stocktake:
    take = _take_of(office, stocktake_id)
    if take.closed_at is not None:
        raise DutyError(_("The stocktake of {period} is closed: it can no longer change."
                          ).format(period=take.period), "stocktake")
    return take


# --- writing --------------------------------------------------------------------------------

def start_stocktake(office: Office, clerk: Staff | int) -> Stocktake:
    """This month's stocktake, a line per stock item with its book quantity now."""
    now = now_utc()
    period = current_period(office, now)
    with changes.write():
        clerk = desk_person(office, clerk)
        if Stocktake.select().where((Stocktake.office == office)
                                    & (Stocktake.period == period)).exists():
            raise DutyError(_("The stocktake of {period} is already started.").format(
                period=period), "stocktake")
        items = list(locked(StockItem.select().where(StockItem.office == office)
                            .order_by(StockItem.code)))
        if not items:
            raise DutyError(_("There is no stock to take: add stock items first."),
                            "stocktake")
        take = create_row(Stocktake, office, clerk, office=office, period=period,
                          started_at=now, started_by=clerk)
        for item in items:
            create_row(StocktakeLine, office, clerk, stocktake=take, item=item,
                       book_quantity=item.book_quantity)
    return take


def save_counts(office: Office, clerk: Staff | int, stocktake_id: int,
                counts: dict[int, tuple[object, str]]) -> int:
    """Counted quantities and reasons as typed, ``{line id: (counted, reason)}``; an empty
    count leaves the line uncounted. Returns how many lines changed. A bad count or reason
    is refused naming the field ``count:<line id>`` / ``reason:<line id>``; nothing is
    stored then."""
    cleaned: dict[int, tuple[int | None, str]] = {}
    for line_id, (counted, reason) in counts.items():
        text = "" if counted is None else str(counted).strip()
        value = parse_quantity(text, f"count:{line_id}", zero=True) if text else None
        why = clean_text(reason, f"reason:{line_id}", limit=REASON_LIMIT, required=False)
        cleaned[int(line_id)] = (value, why)
    changed = 0
    with changes.write():
        clerk = desk_person(office, clerk)
        take = _open_take(office, stocktake_id)
        lines = {line.id: line for line in StocktakeLine.select().where(
            (StocktakeLine.stocktake == take) & StocktakeLine.id.in_(list(cleaned) or [0]))}
        for line_id, (value, why) in cleaned.items():
            line = lines.get(line_id)
            if line is None:
                raise DutyError(_("That line is not in this stocktake."), f"count:{line_id}")
            if (line.counted_quantity, line.reason) != (value, why):
                update_row(line, office, clerk, "count", counted_quantity=value, reason=why)
                changed += 1
    return changed


def close_stocktake(office: Office, clerk: Staff | int, stocktake_id: int) -> Stocktake:
    """Close the stocktake: the book takes each variance by an "adjust" move."""
    now = now_utc()
    with changes.write():
        clerk = desk_person(office, clerk)
        take = _open_take(office, stocktake_id)
        lines = list(StocktakeLine.select(StocktakeLine, StockItem)
                     .join(StockItem).where(StocktakeLine.stocktake == take)
                     .order_by(StockItem.code))
        for line in lines:
            if line.counted_quantity is None:
                raise DutyError(_("{code} {name} is not counted yet.").format(
                    code=line.item.code, name=line.item.name), f"count:{line.id}")
            if line.counted_quantity != line.book_quantity and not line.reason.strip():
                raise DutyError(_("{code} {name}: say why the count differs from the book."
                                  ).format(code=line.item.code, name=line.item.name),
                                f"reason:{line.id}")
        for line in lines:
            variance = line.counted_quantity - line.book_quantity
            if not variance:
                continue
            item = locked(StockItem.select().where(StockItem.id == line.item_id)).get()
            if item.book_quantity + variance < 0:
                raise DutyError(
                    _("{code} {name}: {have} on the books now, the variance {variance} would "
                      "take it below zero.").format(code=item.code, name=item.name,
                                                    have=item.book_quantity,
                                                    variance=f"{variance:+d}"),
                    f"count:{line.id}")
            _move(office, clerk, item, "adjust", variance, now=now, reason=line.reason,
                  stocktake=take)
        update_row(take, office, clerk, "close", closed_at=now, closed_by=clerk)
    return take


# --- reading --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TakeLine:
    id: int
    item_id: int
    code: str
    name: str
    uom: str
    location: str
    book: int
    counted: int | None
    reason: str

    @property
    def variance(self) -> int | None:
        return None if self.counted is None else self.counted - self.book


@dataclass(frozen=True)
class Match:
    """The "book matches count" figure: ``matched`` of ``counted`` lines (of ``total``)."""

    matched: int
    counted: int
    total: int

    @property
    def percent(self) -> int | None:
        return None if not self.counted else round(100 * self.matched / self.counted)


@dataclass(frozen=True)
class TakeView:
    id: int
    period: str
    started_at: dt.datetime
    started_by: str
    closed_at: dt.datetime | None
    closed_by: str | None
    lines: list[TakeLine]

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def match(self) -> Match:
        counted = [line for line in self.lines if line.counted is not None]
        return Match(sum(1 for line in counted if line.variance == 0), len(counted),
                     len(self.lines))


def _name(staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    return Staff.select(Staff.name).where(Staff.id == staff_id).scalar()


def stocktake_view(office: Office, period: str | None = None) -> TakeView | None:
    """The stocktake of ``period`` (default: this month) with its lines by code, or None
    when it is not started."""
    period = period or current_period(office)
    take = Stocktake.get_or_none((Stocktake.office == office) & (Stocktake.period == period))
    if take is None:
        return None
    rows = (StocktakeLine.select(StocktakeLine.id, StockItem.id, StockItem.code,
                                 StockItem.name, StockItem.uom, StockItem.location,
                                 StocktakeLine.book_quantity,
                                 StocktakeLine.counted_quantity, StocktakeLine.reason)
            .join(StockItem).where(StocktakeLine.stocktake == take)
            .order_by(StockItem.code).tuples())
    return TakeView(take.id, take.period, take.started_at, _name(take.started_by_id) or "",
                    take.closed_at, _name(take.closed_by_id),
                    [TakeLine(*row) for row in rows])


def match_figures(office: Office, periods: list[str] | None = None) -> dict[str, Match]:
    """The "book matches count" figure of each stocktake (all, or of ``periods``)."""
    query = (Stocktake.select(
        Stocktake.period,
        fn.COUNT(StocktakeLine.id),
        fn.COUNT(StocktakeLine.counted_quantity),
        fn.SUM(Case(None, [(StocktakeLine.counted_quantity == StocktakeLine.book_quantity, 1)],
                    0)))
        .join(StocktakeLine).where(Stocktake.office == office)
        .group_by(Stocktake.period))
    if periods is not None:
        query = query.where(Stocktake.period.in_(periods))
    return {period: Match(int(matched or 0), int(counted), int(total))
            for period, total, counted, matched in query.tuples()}
