"""The back office, small but real: the repair store with two years of stock moves and a
stocktake every 24th, the canteen's purchases and meals, two homes listed for rent and
sale."""

from __future__ import annotations

import datetime as dt
import random

from deskterm.db import changes
from deskterm.db.models import (
    CanteenMeal,
    CanteenPurchase,
    Listing,
    ListingViewing,
    StockItem,
    StockMove,
    Stocktake,
    StocktakeLine,
)
from deskterm.demo import names, texts
from deskterm.demo.common import Bulk, Calendar, Roster, minutes
from deskterm.demo.lifecycle import Order
from deskterm.demo.org import World

DAY = dt.timedelta(days=1)


def build_stock(bulk: Bulk, cal: Calendar, world: World, rng: random.Random,
                recent_orders: list[Order]) -> dict[str, int]:
    office = world.office_id
    clerk, supervisor = world.demo_clerk, world.staff["刘芳"]
    technicians = world.technicians
    items = []
    events = []  # (at, order, item index, kind, qty, order id, reason, by)
    for index, (code, name, uom, location, monthly, _cat) in enumerate(texts.STOCK_ITEMS):
        items.append([bulk.next_id(StockItem), code, name, uom, location, 0])
        events.append((cal.at(cal.first_day, 10 * 60), 0, index, "receive", monthly * 2, None,
                       "期初库存", clerk))
    for year, month in cal.months():
        for index, (_c, _n, _u, _l, monthly, _cat) in enumerate(texts.STOCK_ITEMS):
            day = dt.date(year, month, 3)
            if cal.first_day < day < cal.today:
                events.append((cal.at(day, 10 * 60), 1, index, "receive", monthly, None,
                               "月度采购入库", clerk))
            for _ in range(rng.randint(2, 5)):
                day = dt.date(year, month, rng.randint(1, 28))
                if cal.first_day < day < cal.today - 14 * DAY:
                    events.append((cal.at(day, rng.uniform(9 * 60, 16 * 60)), 2, index, "draw",
                                   max(1, monthly // 5), None, "维修领用", rng.choice(technicians)))
        day = dt.date(year, month, 24)
        if cal.hm(day, "16:00") < cal.now and day > cal.first_day:
            events.append((cal.hm(day, "15:00"), 3, -1, "stocktake", 0, None, "", supervisor))
    categories = {row[5]: i for i, row in enumerate(texts.STOCK_ITEMS)}
    for order in recent_orders:
        if order.returned is None or order.result != "done" or order.returned > cal.now:
            continue
        index = categories.get(order.category)
        if index is not None and rng.random() < 0.5:
            events.append((order.returned, 2, index, "draw", 1, order.id, "维修领用",
                           order.technician))
    events.sort(key=lambda e: (e[0], e[1], e[2]))

    moves, takes, lines = [], [], []
    for at, _o, index, kind, qty, order_id, reason, by in events:
        if kind == "stocktake":
            take_id = bulk.next_id(Stocktake)
            period = cal.local_date(at).strftime("%Y-%m")
            closed = at + minutes(60)
            takes.append((take_id, office, period, at, clerk, closed, supervisor))
            for item in items:
                book = item[5]
                counted, why = book, ""
                if book > 0 and rng.random() < 0.08:
                    counted, why = book - 1, rng.choice(("领用未登记", "损耗"))
                    moves.append((office, item[0], closed, "adjust", -1, None, take_id, why,
                                  supervisor))
                    item[5] = counted
                lines.append((take_id, item[0], book, counted, why))
            continue
        item = items[index]
        if kind == "draw":
            qty = min(qty, item[5])
            if qty <= 0:
                continue
            item[5] -= qty
            moves.append((office, item[0], at, "draw", -qty, order_id, None, reason, by))
        else:
            item[5] += qty
            moves.append((office, item[0], at, "receive", qty, None, None, reason, by))
    with changes.write():
        bulk.insert(StockItem, ("id", "office", "code", "name", "uom", "location",
                                "book_quantity"), [(i[0], office, *i[1:]) for i in items])
        bulk.insert(Stocktake, ("id", "office", "period", "started_at", "started_by",
                                "closed_at", "closed_by"), takes)
        bulk.insert(StocktakeLine, ("stocktake", "item", "book_quantity", "counted_quantity",
                                    "reason"), lines)
        bulk.insert(StockMove, ("office", "item", "at", "kind", "quantity", "order", "stocktake",
                                "reason", "by"), moves)
    return {"stock_items": len(items), "stock_moves": len(moves)}


def build_canteen_and_listings(bulk: Bulk, cal: Calendar, world: World, roster: Roster,
                               rng: random.Random) -> None:
    office, clerk = world.office_id, world.demo_clerk
    purchases = []
    for day, count, checked in ((cal.yesterday, 3, True), (cal.today, 2, False)):
        for item, quantity, amount, supplier in rng.sample(texts.CANTEEN, count):
            purchases.append((office, day, item, quantity, amount, supplier, "食堂 王师傅",
                              clerk if checked else None,
                              cal.hm(day, "09:40") if checked else None))
    meals = []
    day = cal.today.replace(day=1)
    while day < cal.today:
        for person in roster.desk_on(day):
            meals.append((office, day, person, 1, 1200))
        day += DAY

    listings, viewings = [], []
    phones = names.PhoneBook(rng)
    for kind, asking, terms, status, days_ago, seen in (
        ("rent", 260000, "押一付三，家具家电齐全，可短租", "viewing", 20, 2),
        ("sale", 168000000, "满五唯一，南北通透，随时看房", "listed", 5, 1),
    ):
        index = rng.randrange(len(world.units))
        owner_id, _name = world.main_owner[index]
        listing_id = bulk.next_id(Listing)
        listed = cal.at(cal.today - DAY * days_ago, rng.uniform(9 * 60, 16 * 60))
        listings.append((listing_id, office, world.units[index].id, owner_id, kind, asking,
                         terms, status, world.callers[index][0][2], listed))
        for i in range(seen):
            at = cal.at(cal.today - DAY * (days_ago - 2 - 3 * i), rng.uniform(10 * 60, 17 * 60))
            viewings.append((listing_id, min(at, cal.now), names.person_name(rng),
                             phones.mobile(), rng.choice(("看房满意，考虑中", "嫌价格偏高", ""))))

    with changes.write():
        bulk.insert(CanteenPurchase, ("office", "day", "item", "quantity", "amount", "supplier",
                                      "bought_by", "checked_by", "checked_at"), purchases)
        bulk.insert(CanteenMeal, ("office", "day", "staff", "meals", "price"), meals)
        bulk.insert(Listing, ("id", "office", "unit", "owner", "kind", "asking", "terms",
                              "status", "contact", "listed_at"), listings)
        bulk.insert(ListingViewing, ("listing", "at", "visitor", "phone", "note"), viewings)
