"""The canteen's purchases checked daily and the monthly meal fees (deskterm.duties.backoffice.canteen),
on SQLite and PostgreSQL, and the calendar's proofs they satisfy."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import CanteenMeal, CanteenPurchase, DeadlineDone, Staff
from deskterm.duties.agenda import deadlines
from deskterm.duties.backoffice import canteen
from deskterm.errors import DutyError
from tests.factories import small_office
from tests.repairs.test_orders import log_of, refused

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai
TODAY = dt.date(2026, 11, 26)


def buy(so, **fields) -> CanteenPurchase:
    values = dict(item="大米", quantity="25 kg", amount="98.00", supplier="粮油店",
                  bought_by="食堂 王师傅")
    values.update(fields)
    return canteen.add_purchase(so.office, so.clerk, **values)


def deadline(so, key: str, day: dt.date) -> deadlines.Deadline:
    return next(d for d in deadlines.deadlines_on(so.office, day) if d.key == key)


def test_a_purchase_is_written_as_on_the_slip(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    row = CanteenPurchase.get_by_id(buy(so, quantity="5 kg", amount="¥1,234.5").id)
    assert (row.day, row.item, row.quantity, row.amount, row.supplier, row.bought_by) == (
        TODAY, "大米", "5 kg", 123450, "粮油店", "食堂 王师傅")
    assert (row.checked_by_id, row.checked_at) == (None, None)
    assert log_of("canteen_purchase", row.id)[0][0] == "create"
    [shown] = canteen.purchases_on(so.office)
    assert (shown.item, shown.amount, shown.checked, shown.checked_by) == (
        "大米", 123450, False, None)


@pytest.mark.parametrize(("fields", "field"), [
    (dict(item=" "), "item"),
    (dict(item="米" * 41), "item"),
    (dict(quantity=""), "quantity"),
    (dict(amount="abc"), "amount"),
    (dict(amount="0"), "amount"),
    (dict(amount="-3"), "amount"),
    (dict(amount="1.234"), "amount"),
    (dict(supplier="店" * 41), "supplier"),
    (dict(day=dt.date(2026, 11, 27)), "day"),
])
def test_purchase_refusals_store_nothing(desk_db, frozen_clock, fields, field):
    frozen_clock(NOW)
    so = small_office()
    refused(lambda: buy(so, **fields), field)


def test_purchase_errors_name_every_bad_field(sqlite_db):
    errors = canteen.purchase_errors("", "", "x", "", "")
    assert set(errors) == {"item", "quantity", "amount"}
    assert canteen.purchase_errors("大米", "5 kg", "12") == {}


def test_checking_the_day_proves_the_canteen_deadline(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    first, second = buy(so), buy(so, item="猪肉", amount=15500)
    assert deadline(so, "canteen_check", TODAY).state == "due"
    assert canteen.check_purchases(so.office, so.clerk, ids=[first.id]) == 1
    assert deadline(so, "canteen_check", TODAY).state == "due"
    assert canteen.check_purchases(so.office, so.supervisor) == 1
    rows = {r.id: r for r in CanteenPurchase.select()}
    assert (rows[first.id].checked_by_id, rows[first.id].checked_at) == (so.clerk.id, now)
    assert rows[second.id].checked_by_id == so.supervisor.id
    assert deadline(so, "canteen_check", TODAY).state == "done"
    assert [p.checked_by for p in canteen.purchases_on(so.office)] == ["李静", "刘芳"]
    assert log_of("canteen_purchase", second.id)[-1][0] == "check"
    refused(lambda: canteen.check_purchases(so.office, so.clerk), "purchases")
    # a purchase added later makes the day unchecked again
    buy(so, item="青菜")
    assert deadline(so, "canteen_check", TODAY).state == "due"


def test_a_technician_cannot_check_and_yesterday_can_be_checked(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    buy(so, day=TODAY - dt.timedelta(days=1))
    refused(lambda: canteen.check_purchases(so.office, so.technician,
                                            TODAY - dt.timedelta(days=1)), "checker")
    assert deadline(so, "canteen_check", TODAY - dt.timedelta(days=1)).state == "missed"
    assert canteen.check_purchases(so.office, so.clerk, TODAY - dt.timedelta(days=1)) == 1
    assert deadline(so, "canteen_check", TODAY - dt.timedelta(days=1)).state == "done"
    assert canteen.purchases_on(so.office) == []


def cook(so, name="王五") -> Staff:
    with changes.write():
        return Staff.create(office=so.office, name=name, role="night", created_at=now_utc())


def test_meals_and_the_monthly_fees_in_exact_fen(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    night = cook(so)
    october = [dt.date(2026, 10, d) for d in (1, 2, 31)]
    assert canteen.record_meals(so.office, so.clerk, october[0],
                                {so.clerk.id: 1, so.supervisor.id: "2"}, "12.00") == 2
    assert canteen.record_meals(so.office, so.clerk, october[1],
                                {so.clerk.id: 1, night.id: 0}, 1333) == 1
    canteen.record_meals(so.office, so.clerk, october[2], {so.clerk.id: 3}, "12.01")
    canteen.record_meals(so.office, so.clerk, dt.date(2026, 11, 1), {so.clerk.id: 1}, 1200)
    # correcting a day changes its row, never adds one
    assert canteen.record_meals(so.office, so.clerk, october[0], {so.supervisor.id: 1},
                                "12.00") == 1
    assert canteen.record_meals(so.office, so.clerk, october[0], {so.supervisor.id: 1},
                                "12.00") == 0
    assert CanteenMeal.select().count() == 5
    fees = canteen.meal_fees(so.office)  # last month: October
    assert fees.month == "2026-10"
    by_name = {p.name: p for p in fees.people}
    assert set(by_name) == {"李静", "刘芳"}
    assert (by_name["李静"].meals, by_name["李静"].amount) == (5, 1200 + 1333 + 3 * 1201)
    assert by_name["李静"].prices == (1200, 1201, 1333)
    assert (by_name["刘芳"].meals, by_name["刘芳"].amount) == (1, 1200)
    assert (fees.meals, fees.amount) == (6, 1200 + 1333 + 3603 + 1200)
    assert fees.handed_at is None
    assert canteen.meals_on(so.office, october[0]) == {so.clerk.id: (1, 1200),
                                                       so.supervisor.id: (1, 1200)}


@pytest.mark.parametrize(("meals", "price", "field"), [
    ({}, "12", "meals"),
    ("clerk:4", "12", "meals:clerk"),
    ("clerk:-1", "12", "meals:clerk"),
    ("clerk:一", "12", "meals:clerk"),
    ("clerk:1", "0", "price"),
    ("clerk:1", "x", "price"),
    ("nobody:1", "12", "meals:99999"),
])
def test_meal_refusals_store_nothing(desk_db, frozen_clock, meals, price, field):
    frozen_clock(NOW)
    so = small_office()
    people = {"clerk": so.clerk.id, "nobody": 99999}
    if isinstance(meals, str):
        who, n = meals.split(":")
        meals = {people[who]: n}
        field = field and field.replace("clerk", str(so.clerk.id))
    refused(lambda: canteen.record_meals(so.office, so.clerk, TODAY, meals, price), field)


def test_handing_the_meal_fees_proves_the_15th(desk_db, frozen_clock):
    frozen_clock("2026-12-15T02:00:00")
    so = small_office()
    canteen.record_meals(so.office, so.clerk, dt.date(2026, 11, 3), {so.clerk.id: 1}, 1200)
    fifteenth = dt.date(2026, 12, 15)
    assert deadline(so, "canteen_meal_fees", fifteenth).state == "due"
    refused(lambda: canteen.hand_meal_fees(so.office, so.clerk, "2026-12"), "month")
    refused(lambda: canteen.hand_meal_fees(so.office, so.technician), "clerk")
    row = canteen.hand_meal_fees(so.office, so.supervisor)
    assert (row.key, row.period, row.done_by_id) == ("canteen_meal_fees", "2026-11",
                                                       so.supervisor.id)
    assert deadline(so, "canteen_meal_fees", fifteenth).state == "done"
    fees = canteen.meal_fees(so.office, "2026-11")
    assert (fees.handed_by, fees.amount) == ("刘芳", 1200)
    refused(lambda: canteen.hand_meal_fees(so.office, so.clerk, "202611"), "month")
    assert DeadlineDone.select().count() == 1


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=6), st.integers(-5, 10),
                 st.integers(0, 3).map(lambda n: f" {n} ")))
def test_a_count_of_meals_is_0_to_3_or_refused(value):
    try:
        meals = canteen._meals(value, "meals")
    except DutyError as exc:
        assert exc.field == "meals"
        text = str(value).strip()
        assert not (text.isascii() and text.isdigit() and 0 <= int(text) <= canteen.MEALS_A_DAY)
    else:
        assert 0 <= meals <= canteen.MEALS_A_DAY and meals == int(str(value).strip())
