"""The canteen [5.10]: the daily check of its purchases and the monthly meal fees.

- ``add_purchase`` writes one line of the day's purchase slip (item, quantity as written
  on the slip, amount, supplier, who bought it); ``purchase_errors`` gives every field's
  message at once, for a form. ``check_purchases`` is the desk's check (核实): it sets
  ``checked_by`` / ``checked_at`` on the day's purchases not yet checked, which is what
  ``deadlines.py`` takes as proof that the day's ``canteen_check`` is done. A checked
  purchase never changes.
- ``record_meals`` writes the meals people took on a day (one ``CanteenMeal`` per person
  and day, at that day's price); ``meal_fees(office, "2026-10")`` is the month's
  accounting for finance: meals × price per person, totals per person and in all, exact
  fen. ``hand_meal_fees`` records it handed over (a ``DeadlineDone`` row
  ``canteen_meal_fees`` for the month, which the calendar counts), once, and only for a
  month that is over.

Same rules as ``records.py``: one ``changes.write()`` per duty with change-log rows,
``DutyError`` naming the form field, nothing stored when refused. Days are office-local.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN

from deskterm.clock import local, now_utc
from deskterm.db import changes
from deskterm.db.models import CanteenMeal, CanteenPurchase, DeadlineDone, Office, Staff
from deskterm.duties.months import parse_period, shift_month, this_month
from deskterm.duties.records import NAME_LIMIT, clean_text, create_row, staff_of, update_row
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import MAX_FEN, parse_amount

QUANTITY_LIMIT = 20
#: Meals one person takes in a day at most (breakfast, lunch, supper).
MEALS_A_DAY = 3
#: Who checks the canteen's purchases: the desk's day staff (the supervisor's duty [5.10],
#: done by the clerk on duty when the supervisor is away).
CHECKERS = ("clerk", "supervisor", "manager")
DEADLINE_KEY = "canteen_meal_fees"


@dataclass(frozen=True)
class Purchase:
    id: int
    day: dt.date
    item: str
    quantity: str
    amount: int  # fen
    supplier: str
    bought_by: str
    checked_by: str | None  # the checker's name
    checked_at: dt.datetime | None

    @property
    def checked(self) -> bool:
        return self.checked_at is not None


@dataclass(frozen=True)
class PersonMeals:
    staff_id: int
    name: str
    meals: int
    amount: int  # fen: the sum of meals × price of each day
    prices: tuple[int, ...]  # the different prices of the month, lowest first


@dataclass(frozen=True)
class MealFees:
    month: str  # 2026-10
    people: tuple[PersonMeals, ...]
    meals: int
    amount: int  # fen, exactly the sum of the people's
    handed_at: dt.datetime | None  # recorded as handed to finance
    handed_by: str | None


# --- days -----------------------------------------------------------------------------------

def today(office: Office, now: dt.datetime | None = None) -> dt.date:
    return local(now or now_utc(), office_zone(office)).date()


def last_month(office: Office, now: dt.datetime | None = None) -> str:
    """The month the 15th's meal-fee accounting covers: the one before this."""
    return shift_month(this_month(office, now), -1)


def _day(office: Office, day: dt.date | None, field: str = "day") -> dt.date:
    current = today(office)
    if day is None:
        return current
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise DutyError(_("Enter a day like 2026-11-26."), field)
    if day > current:
        raise DutyError(_("That day has not come yet."), field)
    return day


# --- purchases --------------------------------------------------------------------------------

def _purchase_checks(item, quantity, amount, supplier, bought_by) -> tuple[dict, dict]:
    values, errors = {}, {}
    checks = (
        ("item", lambda: clean_text(item, "item", limit=NAME_LIMIT,
                                    message=_("Enter what was bought."))),
        ("quantity", lambda: clean_text(quantity, "quantity", limit=QUANTITY_LIMIT,
                                        message=_("Enter the quantity as on the slip: 5 kg."))),
        ("amount", lambda: _amount(amount)),
        ("supplier", lambda: clean_text(supplier, "supplier", limit=NAME_LIMIT,
                                        required=False)),
        ("bought_by", lambda: clean_text(bought_by, "bought_by", limit=NAME_LIMIT,
                                         required=False)),
    )
    for name, check in checks:
        try:
            values[name] = check()
        except DutyError as exc:
            errors[exc.field or name] = exc.message
    return values, errors


def _amount(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise DutyError(_("Enter the amount of money."), "amount")
    fen = parse_amount(value, field="amount") if isinstance(value, str) else value
    if fen <= 0:
        raise DutyError(_("A purchase costs more than ¥0."), "amount")
    if fen > MAX_FEN:
        raise DutyError(_("That amount is too large for the desk."), "amount")
    return fen


def purchase_errors(item, quantity, amount, supplier="", bought_by="") -> dict[str, str]:
    """Every field's message at once (empty when all is well)."""
    return _purchase_checks(item, quantity, amount, supplier, bought_by)[1]


def add_purchase(office: Office, clerk: Staff | int, *, item: str, quantity: str,
                 amount: int | str, supplier: str = "", bought_by: str = "",
                 day: dt.date | None = None) -> CanteenPurchase:
    """One purchase of ``day`` (today when None; never a day to come), not yet checked."""
    values, errors = _purchase_checks(item, quantity, amount, supplier, bought_by)
    if errors:
        field = next(iter(errors))
        raise DutyError(errors[field], field)
    day = _day(office, day)
    with changes.write():
        person = staff_of(office, clerk, "clerk", roles=Staff.DESK_ROLES,
                          message=_("Sign in at this office's desk first."))
        return create_row(CanteenPurchase, office, person, office=office, day=day, **values)


def purchases_on(office: Office, day: dt.date | None = None) -> list[Purchase]:
    """The day's purchases (today's when None), in the order they were written."""
    day = day or today(office)
    checker = Staff.alias()
    rows = (
        CanteenPurchase.select(CanteenPurchase, checker.name)
        .join(checker, JOIN.LEFT_OUTER, on=(CanteenPurchase.checked_by == checker.id))
        .where((CanteenPurchase.office == office) & (CanteenPurchase.day == day))
        .order_by(CanteenPurchase.id)
        .objects()
    )
    return [Purchase(r.id, _as_date(r.day), r.item, r.quantity, int(r.amount), r.supplier,
                     r.bought_by, getattr(r, "name", None) if r.checked_at else None,
                     r.checked_at) for r in rows]


def check_purchases(office: Office, checker: Staff | int, day: dt.date | None = None,
                    ids: list[int] | None = None) -> int:
    """Check the day's purchases not checked yet (only ``ids`` of them when given): the
    number checked. Refused when there is nothing left to check."""
    day = _day(office, day)
    now = now_utc()
    with changes.write():
        person = staff_of(office, checker, "checker", roles=CHECKERS,
                          message=_("Only the desk's day staff check the canteen's purchases."))
        query = CanteenPurchase.select().where(
            (CanteenPurchase.office == office) & (CanteenPurchase.day == day)
            & CanteenPurchase.checked_at.is_null())
        if ids is not None:
            query = query.where(CanteenPurchase.id.in_([int(i) for i in ids]))
        rows = list(query.order_by(CanteenPurchase.id))
        if not rows:
            raise DutyError(_("There is nothing left to check for that day."), "purchases")
        for row in rows:
            update_row(row, office, person, "check", checked_by=person, checked_at=now)
    return len(rows)


# --- meals -----------------------------------------------------------------------------------

def _meals(value, field: str) -> int:
    if isinstance(value, bool):
        raise DutyError(_("Enter a number of meals."), field)
    if isinstance(value, str):
        text = value.strip()
        if not text.isascii() or not text.isdigit():
            raise DutyError(_("Enter a number of meals, 0 to {n}.").format(n=MEALS_A_DAY),
                            field)
        value = int(text)
    if not isinstance(value, int) or not 0 <= value <= MEALS_A_DAY:
        raise DutyError(_("Enter a number of meals, 0 to {n}.").format(n=MEALS_A_DAY), field)
    return value


def meals_on(office: Office, day: dt.date) -> dict[int, tuple[int, int]]:
    """{staff id: (meals, price in fen)} recorded for ``day``."""
    return {staff: (int(meals), int(price)) for staff, meals, price in (
        CanteenMeal.select(CanteenMeal.staff, CanteenMeal.meals, CanteenMeal.price)
        .where((CanteenMeal.office == office) & (CanteenMeal.day == day)).tuples())}


def record_meals(office: Office, clerk: Staff | int, day: dt.date | None,
                 meals: dict[int, int | str], price: int | str) -> int:
    """Write the meals each person (staff id → meals) took on ``day`` at ``price`` a
    meal: a person's row for the day is created or changed; 0 meals keeps the row at 0.
    Returns the rows written."""
    day = _day(office, day)
    try:
        fen = _amount(price)
    except DutyError as exc:
        raise DutyError(exc.message, "price") from None
    counts = {int(getattr(who, "id", who)): _meals(n, f"meals:{getattr(who, 'id', who)}")
              for who, n in meals.items()}
    if not counts:
        raise DutyError(_("Enter the meals of at least one person."), "meals")
    written = 0
    with changes.write():
        person = staff_of(office, clerk, "clerk", roles=Staff.DESK_ROLES,
                          message=_("Sign in at this office's desk first."))
        existing = {row.staff_id: row for row in CanteenMeal.select().where(
            (CanteenMeal.office == office) & (CanteenMeal.day == day))}
        for staff_id, n in sorted(counts.items()):
            eater = staff_of(office, staff_id, f"meals:{staff_id}")
            row = existing.get(eater.id)
            if row is None:
                if n:
                    create_row(CanteenMeal, office, person, office=office, day=day,
                               staff=eater, meals=n, price=fen)
                    written += 1
            elif int(row.meals) != n or int(row.price) != fen:
                update_row(row, office, person, "update", meals=n, price=fen)
                written += 1
    return written


def eaters(office: Office) -> list[tuple[int, str]]:
    """(id, name) of the office's active staff, by name: who may eat in the canteen."""
    return list(Staff.select(Staff.id, Staff.name)
                .where((Staff.office == office) & (Staff.active == True))  # noqa: E712
                .order_by(Staff.name, Staff.id).tuples())


def last_price(office: Office) -> int | None:
    """The price of the meals recorded last, in fen (None before any)."""
    row = (CanteenMeal.select(CanteenMeal.price).where(CanteenMeal.office == office)
           .order_by(CanteenMeal.day.desc(), CanteenMeal.id.desc()).first())
    return int(row.price) if row else None


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(month + "-01")
    after = dt.date.fromisoformat(shift_month(month, 1) + "-01")
    return first, after


def meal_fees(office: Office, month: str | None = None) -> MealFees:
    """The month's meal fees (last month's when None): per person the meals and meals ×
    price summed over the days, by name; the totals are the sums of the people's."""
    month = parse_period(month, "month") if month is not None else last_month(office)
    first, after = _month_bounds(month)
    meals: dict[int, int] = defaultdict(int)
    amounts: dict[int, int] = defaultdict(int)
    prices: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for staff_id, name, n, price in (
        CanteenMeal.select(CanteenMeal.staff, Staff.name, CanteenMeal.meals, CanteenMeal.price)
        .join(Staff, on=(CanteenMeal.staff == Staff.id))
        .where((CanteenMeal.office == office) & (CanteenMeal.day >= first)
               & (CanteenMeal.day < after))
        .tuples()
    ):
        names[staff_id] = name
        meals[staff_id] += int(n)
        amounts[staff_id] += int(n) * int(price)
        if n:
            prices[staff_id].add(int(price))
    people = tuple(sorted(
        (PersonMeals(sid, names[sid], meals[sid], amounts[sid], tuple(sorted(prices[sid])))
         for sid in names if meals[sid]),
        key=lambda p: (p.name, p.staff_id)))
    handed = (DeadlineDone.select(DeadlineDone.done_at, Staff.name)
              .join(Staff, on=(DeadlineDone.done_by == Staff.id))
              .where((DeadlineDone.office == office) & (DeadlineDone.key == DEADLINE_KEY)
                     & (DeadlineDone.period == month))
              .tuples().first())
    return MealFees(month, people, sum(p.meals for p in people),
                    sum(p.amount for p in people),
                    handed[0] if handed else None, handed[1] if handed else None)


def hand_meal_fees(office: Office, clerk: Staff | int, month: str | None = None,
                   note: str = "") -> DeadlineDone:
    """Record the month's meal-fee accounting handed to finance (last month's when None):
    the calendar's ``canteen_meal_fees`` for that month is then done. Once a month, and
    only for a month that is over."""
    month = parse_period(month, "month") if month is not None else last_month(office)
    if month >= this_month(office):
        raise DutyError(_("{month} is not over yet.").format(month=month), "month")
    note = clean_text(note, "note", limit=200, required=False)
    with changes.write():
        person = staff_of(office, clerk, "clerk", roles=CHECKERS,
                          message=_("Only the desk's day staff hand over the meal fees."))
        if DeadlineDone.select().where(
                (DeadlineDone.office == office) & (DeadlineDone.key == DEADLINE_KEY)
                & (DeadlineDone.period == month)).exists():
            raise DutyError(_("The meal fees of {month} were already handed over.").format(
                month=month), "month")
        return create_row(DeadlineDone, office, person, office=office, key=DEADLINE_KEY,
                          period=month, done_at=now_utc(), done_by=person, note=note)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])

