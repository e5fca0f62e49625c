"""The office's fees (deskterm.duties.cashdesk.fees): periods read and checked, fee items kept with
an error per field, the monthly charges generated once whatever happens, ad-hoc charges.
Duties run on SQLite and PostgreSQL (``desk_db``); every refusal leaves nothing stored."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.db import changes
from deskterm.db.models import ChangeLog, Charge, FeeItem, Unit
from deskterm.duties.cashdesk.fees import (
    add_charge,
    add_fee_item,
    check_period,
    edit_fee_item,
    fee_item_errors,
    fee_items,
    generate_monthly_charges,
    preview_monthly_charges,
)
from deskterm.duties.months import parse_period
from deskterm.errors import DutyError
from tests.factories import MORNING
from tests.fee_rows import charge, fee_office

NOW = MORNING  # 2026-11-26 10:05 in Shanghai: this month is 2026-11


@pytest.fixture
def fo(desk_db, frozen_clock):
    frozen_clock(NOW)
    return fee_office()


def counts() -> tuple[int, int, int]:
    return Charge.select().count(), FeeItem.select().count(), ChangeLog.select().count()


def refused(call, field: str) -> str:
    with pytest.raises(DutyError) as caught:
        call()
    assert caught.value.field == field, caught.value.message
    return caught.value.message


# --- periods ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2026-11", "2026-11 ", "202611", "2026/11", "2026.11",
                                  "2026年11月", "2026 年 11 月", "２０２６－１１", "2026-11月"])
def test_periods_are_read_in_the_ways_they_are_written(text):
    assert parse_period(text) == "2026-11"


def test_a_one_digit_month_needs_a_separator():
    assert parse_period("2026-1") == "2026-01"
    refused(lambda: parse_period("20261"), "period")


@pytest.mark.parametrize("text", ["", None, "2026", "2026-13", "2026-00", "1999-12", "2100-01",
                                  "11-2026", "2026-11-01", "2026--11", "[b]2026-11[/b]",
                                  "2026-1１1", "x" * 10_000, "٢٠٢٦-١١"])
def test_anything_else_is_refused_at_the_field(text):
    refused(lambda: parse_period(text, "month"), "month")


@given(st.integers(2000, 2099), st.integers(1, 12),
       st.sampled_from(["{y}-{m:02d}", "{y}{m:02d}", "{y}/{m}", "{y}.{m:02d}", "{y}年{m}月",
                        " {y} - {m} "]))
def test_every_month_in_every_form_reads_back(year, month, form):
    assert parse_period(form.format(y=year, m=month)) == f"{year:04d}-{month:02d}"


@given(st.text(max_size=40))
def test_no_text_breaks_the_period_parser(text):
    try:
        period = parse_period(text)
    except DutyError as exc:
        assert exc.field == "period"
    else:
        assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", period)


def test_charges_are_not_made_far_ahead(fo):
    assert check_period(fo.office, "2026-12") == "2026-12"
    assert check_period(fo.office, "2019-01") == "2019-01"
    message = refused(lambda: check_period(fo.office, "2027-01"), "period")
    assert "2026-12" in message
    assert check_period(fo.office, "2027-11", ahead=12) == "2027-11"


# --- fee items --------------------------------------------------------------------------------

def test_the_list_has_the_active_items_first(fo):
    with changes.write():
        FeeItem.update(active=False).where(FeeItem.id == fo.water.id).execute()
    assert [i.code for i in fee_items(fo.office)] == ["CWF", "WXF", "WYF", "SF"]
    assert [i.code for i in fee_items(fo.office, active_only=True)] == ["CWF", "WXF", "WYF"]
    assert fee_items(fee_office("另一个管理处").office)[0].id != fo.property.id


def test_adding_an_item_stores_it_with_its_change_log_row(fo):
    item = add_fee_item(fo.office, fo.clerk, code="DLF", name="房屋租售代理费", kind="agency",
                        basis="fixed", rate="0")
    row = FeeItem.get_by_id(item.id)
    assert (row.code, row.name, row.kind, row.basis, row.rate, row.active) == (
        "DLF", "房屋租售代理费", "agency", "fixed", 0, True)
    log = ChangeLog.select().order_by(ChangeLog.id.desc()).get()
    assert (log.topic, log.row_id, log.action, log.staff_id) == (
        "fee_item", item.id, "create", fo.clerk.id)
    assert json.loads(log.detail)["after"]["name"] == "房屋租售代理费"


def test_every_field_is_checked_at_once():
    errors = fee_item_errors(" ", "", "rent", "yearly", "1.234")
    assert set(errors) == {"code", "name", "kind", "basis", "rate"}
    assert fee_item_errors("WYF", "物业服务费", "property", "area", "¥1.80") == {}
    assert set(fee_item_errors("WY F", "x", "property", "fixed", "0")) == {"code", "basis",
                                                                          "rate"}


@pytest.mark.parametrize("fields, field", [
    ({"code": ""}, "code"), ({"code": "水费"}, "code"), ({"code": "A" * 17}, "code"),
    ({"code": "wyf"}, "code"),  # WYF is taken, whatever the case
    ({"name": "  "}, "name"), ({"kind": "rent"}, "kind"), ({"basis": "hourly"}, "basis"),
    ({"rate": "-1"}, "rate"), ({"rate": "1.234"}, "rate"), ({"rate": -5}, "rate"),
    ({"rate": True}, "rate"), ({"rate": None}, "rate"),
    ({"kind": "property", "basis": "area", "rate": "2"}, "kind"),  # WYF is the active one
    ({"kind": "parking", "basis": "area"}, "basis"),
    ({"kind": "parking", "basis": "fixed", "rate": "0"}, "rate"),
])
def test_a_bad_item_is_refused_at_its_field_and_nothing_is_stored(fo, fields, field):
    before = counts()
    values = {"code": "GLF", "name": "管理费", "kind": "adhoc", "basis": "fixed",
              "rate": "10", **fields}
    refused(lambda: add_fee_item(fo.office, fo.clerk, **values), field)
    assert counts() == before


def test_editing_changes_what_changed_and_logs_it(fo):
    item = edit_fee_item(fo.office, fo.clerk, fo.property.id, code="WYF", name="物业服务费",
                         kind="property", basis="area", rate="2.10")
    assert item.rate == 210 and FeeItem.get_by_id(fo.property.id).rate == 210
    log = ChangeLog.select().order_by(ChangeLog.id.desc()).get()
    assert json.loads(log.detail) == {"before": {"rate": 180}, "after": {"rate": 210}}
    # A second active property item may come once the first is inactive.
    edit_fee_item(fo.office, fo.clerk, fo.property.id, code="WYF", name="物业服务费",
                  kind="property", basis="area", rate=210, active=False)
    new = add_fee_item(fo.office, fo.clerk, code="WYF2", name="物业服务费（新）",
                       kind="property", basis="area", rate="2.30")
    assert [i.code for i in fee_items(fo.office, active_only=True)] == ["CWF", "SF", "WXF",
                                                                         "WYF2"]
    assert new.active


def test_an_item_with_charges_keeps_its_kind(fo):
    charge(fo, fo.units[0], fo.water, "2026-10", 4100)
    before = counts()
    refused(lambda: edit_fee_item(fo.office, fo.clerk, fo.water.id, code="SF", name="水费",
                                  kind="electricity", basis="metered", rate=410), "kind")
    refused(lambda: edit_fee_item(fo.office, fo.clerk, fo.water.id, code="SF", name="水费",
                                  kind="water", basis="fixed", rate=410), "basis")
    assert counts() == before
    assert FeeItem.get_by_id(fo.water.id).kind == "water"


def test_another_offices_item_cannot_be_edited(fo):
    other = fee_office("另一个管理处")
    refused(lambda: edit_fee_item(other.office, other.clerk, fo.water.id, code="SF",
                                  name="水费", kind="water", basis="metered", rate=1),
            "fee_item")


# --- the monthly charges ----------------------------------------------------------------------

def test_the_month_is_generated_for_every_unit_and_parking_follows_last_month(fo):
    a, b, no_area = fo.units
    charge(fo, b, fo.parking, "2026-10", 15000, key=f"parking:{b.id}:2026-10")
    logged = ChangeLog.select().count()
    result = generate_monthly_charges(fo.office, fo.clerk, "2026-11")
    assert (result.period, result.created, result.already, result.skipped) == (
        "2026-11", 3, 0, ("3-2-503",))
    assert result.by_kind == {"property": 2, "parking": 1}
    rows = {c.key: (c.unit_id, c.fee_item_id, c.period, c.amount) for c in
            Charge.select().where(Charge.period == "2026-11")}
    assert rows == {
        f"property:{a.id}:2026-11": (a.id, fo.property.id, "2026-11", (8956 * 180 + 50) // 100),
        f"property:{b.id}:2026-11": (b.id, fo.property.id, "2026-11", (12034 * 180 + 50) // 100),
        f"parking:{b.id}:2026-11": (b.id, fo.parking.id, "2026-11", 15000),
    }
    assert rows[f"property:{a.id}:2026-11"][3] == 16121  # ¥161.21 for 89.56 m² at ¥1.80
    logs = list(ChangeLog.select().where(ChangeLog.id > logged))
    assert len(logs) == 3 and {(g.topic, g.action, g.staff_id) for g in logs} == {
        ("charge", "create", fo.clerk.id)}


def test_running_it_again_creates_nothing_new_and_a_new_unit_is_caught_up(fo):
    first = generate_monthly_charges(fo.office, fo.clerk, "202611")
    before = counts()
    again = generate_monthly_charges(fo.office, fo.clerk, "2026-11")
    assert (again.created, again.already) == (0, first.created)
    assert counts() == before
    with changes.write():
        unit = Unit.create(office=fo.office, building=fo.so.building, entrance="1", room="101",
                           code="3-1-101", area_centi_m2=6000)
    preview = preview_monthly_charges(fo.office, "2026-11")
    assert (preview.created, preview.already, preview.preview) == (1, 2, True)
    assert counts() == before  # a preview writes nothing
    third = generate_monthly_charges(fo.office, fo.clerk, "2026-11")
    assert (third.created, third.already) == (1, 2)
    assert Charge.get(Charge.key == f"property:{unit.id}:2026-11").amount == 10800


def test_the_preview_counts_what_generating_makes(fo):
    preview = preview_monthly_charges(fo.office, "2026-12")
    done = generate_monthly_charges(fo.office, fo.clerk, "2026-12")
    assert (preview.created, preview.already, preview.skipped, preview.by_kind) == (
        done.created, done.already, done.skipped, done.by_kind)


def test_the_demo_history_is_recognised(fo):
    """Charges written the demo's way (same keys) count as there already."""
    for unit in fo.units[:2]:
        charge(fo, unit, fo.property, "2026-11", 1, key=f"property:{unit.id}:2026-11")
    result = generate_monthly_charges(fo.office, fo.clerk, "2026-11")
    assert (result.created, result.already) == (0, 2)


@pytest.mark.parametrize("period, field", [("2026-13", "period"), ("2027-01", "period"),
                                           ("", "period")])
def test_a_bad_month_generates_nothing(fo, period, field):
    before = counts()
    refused(lambda: generate_monthly_charges(fo.office, fo.clerk, period), field)
    assert counts() == before


def test_without_an_active_property_item_nothing_is_generated(fo):
    with changes.write():
        FeeItem.update(active=False).where(FeeItem.id == fo.property.id).execute()
    before = counts()
    refused(lambda: generate_monthly_charges(fo.office, fo.clerk, "2026-11"), "fee_item")
    refused(lambda: preview_monthly_charges(fo.office, "2026-11"), "fee_item")
    assert counts() == before


def test_only_a_desk_person_generates(fo):
    before = counts()
    refused(lambda: generate_monthly_charges(fo.office, fo.so.technician, "2026-11"), "clerk")
    assert counts() == before


def test_an_office_generates_for_its_own_units_only(fo):
    other = fee_office("另一个管理处")
    generate_monthly_charges(fo.office, fo.clerk, "2026-11")
    assert Charge.select().where(Charge.office == other.office).count() == 0
    result = generate_monthly_charges(other.office, other.clerk, "2026-11")
    assert (result.created, result.already) == (2, 0)


# --- ad-hoc charges -----------------------------------------------------------------------------

def test_an_ad_hoc_charge_goes_on_the_unit_without_a_key(fo):
    row = add_charge(fo.office, fo.clerk, fo.units[0].id, fo.water.id, "2026年10月",
                     "¥123.00", "水表 1203→1233 [b]吨[/b]")
    stored = Charge.get_by_id(row.id)
    assert (stored.unit_id, stored.fee_item_id, stored.period, stored.amount, stored.key,
            stored.note) == (fo.units[0].id, fo.water.id, "2026-10", 12300, None,
                             "水表 1203→1233 [b]吨[/b]")
    log = ChangeLog.select().order_by(ChangeLog.id.desc()).get()
    assert (log.topic, log.row_id, log.action) == ("charge", row.id, "create")
    assert add_charge(fo.office, fo.clerk, fo.units[1], fo.water, "2026-11", 50).amount == 50


@pytest.mark.parametrize("change, field", [
    ({"amount": "0"}, "amount"), ({"amount": "-5"}, "amount"), ({"amount": "1.005"}, "amount"),
    ({"amount": 0}, "amount"), ({"amount": None}, "amount"), ({"amount": "9" * 30}, "amount"),
    ({"period": "2028-01"}, "period"), ({"period": "soon"}, "period"),
    ({"unit": 999_999}, "unit"), ({"unit": None}, "unit"),
    ({"fee_item": 999_999}, "fee_item"), ({"note": "x" * 201}, "note"),
])
def test_a_bad_ad_hoc_charge_stores_nothing(fo, change, field):
    values = {"unit": fo.units[0].id, "fee_item": fo.water.id, "period": "2026-11",
              "amount": "10", "note": "", **change}
    before = counts()
    refused(lambda: add_charge(fo.office, fo.clerk, values["unit"], values["fee_item"],
                               values["period"], values["amount"], values["note"]), field)
    assert counts() == before


def test_no_charge_on_another_offices_unit_or_an_inactive_item(fo):
    other = fee_office("另一个管理处")
    refused(lambda: add_charge(fo.office, fo.clerk, other.units[0].id, fo.water.id, "2026-11",
                               10), "unit")
    refused(lambda: add_charge(fo.office, fo.clerk, fo.units[0].id, other.water.id, "2026-11",
                               10), "fee_item")
    with changes.write():
        FeeItem.update(active=False).where(FeeItem.id == fo.water.id).execute()
    refused(lambda: add_charge(fo.office, fo.clerk, fo.units[0].id, fo.water.id, "2026-11",
                               10), "fee_item")
