"""Units entrusted for rent or sale (deskterm.duties.backoffice.listings), on SQLite and PostgreSQL:
status moves, viewings, and the agency fee charged to the unit and collected at the desk."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.db import changes
from deskterm.db.models import Charge, FeeItem, Listing, ListingViewing, Office
from deskterm.duties.agenda import deadlines
from deskterm.duties.backoffice import canteen, listings
from deskterm.duties.cashdesk import payments
from deskterm.errors import DutyError
from tests.factories import small_office
from tests.payment_factories import book, drawer
from tests.repairs.test_orders import log_of, refused
from tests.test_demo import demo, demo_database  # noqa: F401 - the demo office's fixtures

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai


def agency(so, active=True) -> FeeItem:
    with changes.write():
        return FeeItem.create(office=so.office, code="DLF", name="房屋租售代理费", kind="agency",
                              basis="fixed", rate=0, active=active)


def listing(so, **fields) -> Listing:
    values = dict(unit="3-2-501", kind="rent", asking="2,600", terms="押一付三，家具齐全")
    values.update(fields)
    return listings.add_listing(so.office, so.clerk, **values)


def test_a_listing_takes_the_units_owner_and_phone(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = Listing.get_by_id(listing(so, unit="3栋2单元501").id)
    assert (row.unit_id, row.owner.name, row.kind, row.asking, row.status, row.contact) == (
        so.unit.id, "张三", "rent", 260000, "listed", "13812345678")
    assert (row.listed_at, row.closed_at, row.terms) == (now, None, "押一付三，家具齐全")
    assert log_of("listing", row.id)[0][0] == "create"
    sale = listing(so, kind="sale", asking="1680000", contact="139 0000 1111")
    assert Listing.get_by_id(sale.id).contact == "13900001111"
    [first, second] = listings.listings(so.office)
    assert {first.id, second.id} == {row.id, sale.id}
    assert (first.unit, first.owner, first.viewings, first.charged) == ("3-2-501", "张三", 0, 0)


@pytest.mark.parametrize(("fields", "field"), [
    (dict(unit="9-9-909"), "unit"),
    (dict(unit="abc"), "unit"),
    (dict(kind="lease"), "kind"),
    (dict(asking="0"), "asking"),
    (dict(asking="两千"), "asking"),
    (dict(contact="12345"), "contact"),
    (dict(terms="长" * 501), "terms"),
])
def test_listing_refusals_store_nothing(desk_db, frozen_clock, fields, field):
    frozen_clock(NOW)
    so = small_office()
    refused(lambda: listing(so, **fields), field)


def test_one_open_listing_per_unit_and_kind(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    first = listing(so)
    refused(lambda: listing(so), "unit")
    listings.set_status(so.office, so.clerk, first.id, "withdrawn")
    listing(so)  # withdrawn: the unit may be listed again
    assert Listing.select().count() == 2


def test_status_moves_and_refusals(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = listing(so)
    listings.set_status(so.office, so.clerk, row.id, "viewing")
    listings.set_status(so.office, so.clerk, row.id, "withdrawn")
    assert Listing.get_by_id(row.id).closed_at == now
    listings.set_status(so.office, so.clerk, row.id, "listed")
    assert Listing.get_by_id(row.id).closed_at is None
    listings.set_status(so.office, so.clerk, row.id, "closed")
    stored = Listing.get_by_id(row.id)
    assert (stored.status, stored.closed_at) == ("closed", now)
    assert [a for a, _d in log_of("listing", row.id)] == ["create"] + ["status"] * 4
    for status in ("listed", "viewing", "withdrawn"):
        refused(lambda s=status: listings.set_status(so.office, so.clerk, row.id, s), "status")
    refused(lambda: listings.set_status(so.office, so.clerk, row.id, "sold"), "status")
    refused(lambda: listings.set_status(so.office, so.clerk, 999, "listed"), "listing")
    refused(lambda: listings.set_status(so.office, so.technician, row.id, "listed"), "clerk")
    assert [r.id for r in listings.listings(so.office, "closed")] == [row.id]
    assert listings.listings(so.office, "listed") == []


def test_viewings(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    row = listing(so)
    listings.add_viewing(so.office, so.clerk, row.id, visitor="王女士", phone="13911112222",
                         note="看房满意，考虑中")
    frozen_clock("2026-11-26T03:00:00")
    later = listings.add_viewing(so.office, so.clerk, row.id, visitor="赵先生")
    detail = listings.listing_detail(so.office, row.id)
    assert [(v.visitor, v.phone) for v in detail.viewings] == [
        ("赵先生", ""), ("王女士", "13911112222")]
    assert detail.listing.viewings == 2
    assert ListingViewing.get_by_id(later.id).at == now + dt.timedelta(minutes=55)
    refused(lambda: listings.add_viewing(so.office, so.clerk, row.id, visitor=" "), "visitor")
    refused(lambda: listings.add_viewing(so.office, so.clerk, row.id, visitor="钱",
                                         phone="1"), "phone")
    refused(lambda: listings.add_viewing(so.office, so.clerk, row.id, visitor="钱",
                                         at=now - dt.timedelta(days=1)), "at")
    refused(lambda: listings.add_viewing(so.office, so.clerk, row.id, visitor="钱",
                                         at=now + dt.timedelta(days=1)), "at")
    listings.set_status(so.office, so.clerk, row.id, "closed")
    refused(lambda: listings.add_viewing(so.office, so.clerk, row.id, visitor="钱"),
            "listing")


def test_the_agency_fee_is_a_charge_the_cash_desk_collects(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    row = listing(so)
    refused(lambda: listings.charge_agency_fee(so.office, so.clerk, row.id, "1300"),
            "fee_item")
    item = agency(so)
    refused(lambda: listings.charge_agency_fee(so.office, so.clerk, row.id, "0"), "amount")
    charge = listings.charge_agency_fee(so.office, so.clerk, row.id, "1,300", note="半月租金")
    stored = Charge.get_by_id(charge.id)
    assert (stored.unit_id, stored.fee_item_id, stored.period, stored.amount, stored.note) == (
        so.unit.id, item.id, "2026-11", 130000, "半月租金")
    [shown] = listings.listings(so.office)
    assert (shown.charged, shown.paid) == (130000, 0)
    book(so)
    drawer(so)
    payments.take_payment(so.office, so.clerk, unit_id=so.unit.id,
                          lines=[(charge.id, 130000)], method="cash")
    detail = listings.listing_detail(so.office, row.id)
    assert [(d.fee_item, d.amount, d.paid) for d in detail.fees] == [
        ("房屋租售代理费", 130000, 130000)]
    assert (detail.listing.charged, detail.listing.paid) == (130000, 130000)
    # a later listing of the same unit starts with no fees of its own
    listings.set_status(so.office, so.clerk, row.id, "closed")
    frozen_clock("2026-11-26T04:00:00")
    again = listing(so)
    assert listings.listing_detail(so.office, again.id).fees == ()
    assert listings.listing_detail(so.office, row.id).listing.charged == 130000
    listings.set_status(so.office, so.clerk, again.id, "withdrawn")
    refused(lambda: listings.charge_agency_fee(so.office, so.clerk, again.id, "10"),
            "listing")


def test_another_offices_listing_is_not_found(desk_db, frozen_clock):
    frozen_clock(NOW)
    so, other = small_office(), small_office("别的管理处")
    row = listing(so)
    with pytest.raises(DutyError) as caught:
        listings.listing_detail(other.office, row.id)
    assert caught.value.field == "listing"
    assert listings.listings(other.office) == []


def test_the_demo_offices_listings_and_canteen_read_right(demo):  # noqa: F811
    office = Office.get()
    rows = listings.listings(office)
    assert {(r.kind, r.status) for r in rows} == {("rent", "viewing"), ("sale", "listed")}
    assert all(r.owner and r.contact and r.viewings >= 1 for r in rows)
    detail = listings.listing_detail(office, rows[0].id)
    assert len(detail.viewings) == rows[0].viewings
    today = canteen.today(office)
    assert [p.checked for p in canteen.purchases_on(office)] == [False, False]
    yesterday = canteen.purchases_on(office, today - dt.timedelta(days=1))
    assert len(yesterday) == 3 and all(p.checked and p.checked_by for p in yesterday)
    assert [d.state for d in deadlines.deadlines_on(office, today - dt.timedelta(days=1))
            if d.key == "canteen_check"] == ["done"]
    fees = canteen.meal_fees(office, canteen.this_month(office))
    assert fees.meals > 0 and fees.amount == fees.meals * 1200
    assert all(p.prices == (1200,) for p in fees.people)
