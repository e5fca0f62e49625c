"""Stock items, stock received and drawn, and the ledger (deskterm.duties.backoffice.stock), on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.db.models import StockItem, StockMove
from deskterm.duties import orders
from deskterm.duties.backoffice import stock
from deskterm.duties.repairs import order_work
from deskterm.errors import DutyError
from tests.factories import small_office
from tests.repairs.test_orders import log_of, refused

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai
H = dt.timedelta(hours=1)


def new_item(so, code="FM-15", name="角阀 DN15", quantity=0) -> StockItem:
    item = stock.add_item(so.office, so.clerk, code=code, name=name, uom="个",
                          location="仓库A-1")
    if quantity:
        stock.receive(so.office, so.clerk, item.id, quantity)
    return StockItem.get_by_id(item.id)


# --- items ----------------------------------------------------------------------------------------

def test_a_new_item_is_stored_with_nothing_on_the_books(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    item = stock.add_item(so.office, so.clerk, code=" ＦＭ-15 ", name="角阀 [red]DN15[/]",
                          uom="个", location="仓库A-1")
    row = StockItem.get_by_id(item.id)
    assert (row.code, row.name, row.uom, row.location, row.book_quantity) == (
        "FM-15", "角阀 [red]DN15[/]", "个", "仓库A-1", 0)
    assert log_of("stock_item", row.id)[0][0] == "create"


@pytest.mark.parametrize("fields, field", [
    (dict(code=""), "code"),
    (dict(code="FM 15"), "code"),
    (dict(code="X" * 21), "code"),
    (dict(name="  "), "name"),
    (dict(uom=""), "uom"),
    (dict(location="x" * 41), "location"),
    (dict(code="fm-15"), "code"),  # taken, whatever the case
])
def test_bad_items_are_refused_and_nothing_stored(desk_db, frozen_clock, fields, field):
    frozen_clock(NOW)
    so = small_office()
    new_item(so)
    values = dict(code="SLD-01", name="生料带", uom="卷", location="")
    values.update(fields)
    refused(lambda: stock.add_item(so.office, so.clerk, **values), field)


def test_editing_an_item_keeps_its_book(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    item = new_item(so, quantity=4)
    other = new_item(so, code="SLD-01", name="生料带")
    stock.edit_item(so.office, so.clerk, item.id, code="FM-15A", name="角阀", uom="只",
                    location="仓库B")
    row = StockItem.get_by_id(item.id)
    assert (row.code, row.name, row.uom, row.location, row.book_quantity) == (
        "FM-15A", "角阀", "只", "仓库B", 4)
    assert log_of("stock_item", item.id)[-1][0] == "edit"
    refused(lambda: stock.edit_item(so.office, so.clerk, other.id, code="fm-15a", name="x",
                                    uom="个", location=""), "code")
    refused(lambda: stock.edit_item(so.office, so.clerk, 99999, code="Z", name="x",
                                    uom="个", location=""), "item")


# --- moves -----------------------------------------------------------------------------------------

def test_receive_and_draw_keep_the_book_in_step(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    item = new_item(so)
    stock.receive(so.office, so.clerk, item.id, "１２", reason="月度采购入库")
    frozen_clock(now + H)
    stock.draw(so.office, so.clerk, item.id, "5", reason="保洁领用")
    assert StockItem.get_by_id(item.id).book_quantity == 7
    moves = list(StockMove.select().where(StockMove.item == item.id).order_by(StockMove.id)
                 .tuples())
    assert [(m.kind, m.quantity, m.reason, m.by_id, m.at) for m in StockMove.select().where(
        StockMove.item == item.id).order_by(StockMove.id)] == [
        ("receive", 12, "月度采购入库", so.clerk.id, now),
        ("draw", -5, "保洁领用", so.clerk.id, now + H)]
    assert len(moves) == 2


def test_drawing_more_than_the_book_or_without_a_reason_is_refused(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    item = new_item(so, quantity=3)
    refused(lambda: stock.draw(so.office, so.clerk, item.id, 4, reason="x"), "quantity",
            match="3 个")
    refused(lambda: stock.draw(so.office, so.clerk, item.id, 1, reason=" "), "reason")
    refused(lambda: stock.draw(so.office, so.clerk, item.id, "0", reason="x"), "quantity")
    refused(lambda: stock.receive(so.office, so.clerk, item.id, "-2"), "quantity")
    refused(lambda: stock.receive(so.office, so.clerk, item.id, "2.5"), "quantity")
    refused(lambda: stock.receive(so.office, so.technician, item.id, 2), "clerk")
    other = small_office("另一个管理处")
    refused(lambda: stock.receive(other.office, other.clerk, item.id, 2), "item")
    stock.draw(so.office, so.clerk, item.id, 3, reason="全部领走")
    assert StockItem.get_by_id(item.id).book_quantity == 0


def test_the_ledger_is_newest_first_with_running_balance_and_order_numbers(desk_db,
                                                                         frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    item = new_item(so, quantity=10)
    _entry, row = orders.register_call(
        so.office, so.clerk, channel="phone", kind="repair", caller_name="张三",
        phone="13812345678", request="角阀漏水", unit=so.unit, technician=so.technician)
    frozen_clock(now + H)
    order_work.return_order(so.office, so.clerk, row.id, result="done", work_done="换角阀",
                            materials=[(item.id, 2)])
    frozen_clock(now + 2 * H)
    stock.draw(so.office, so.clerk, item.id, 1, reason="备用")
    head, lines = stock.ledger(so.office, item.id)
    assert head.book_quantity == 7
    assert [(x.kind, x.quantity, x.balance, x.order_number) for x in lines] == [
        ("draw", -1, 7, None), ("draw", -2, 8, row.number), ("receive", 10, 10, None)]
    assert lines[1].by == "李静"


def test_stock_rows_search_code_name_and_location(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    new_item(so, quantity=2)
    new_item(so, code="DP-9W", name="LED灯泡 9W")
    assert [r.code for r in stock.stock_rows(so.office)] == ["DP-9W", "FM-15"]
    assert [r.code for r in stock.stock_rows(so.office, "led")] == ["DP-9W"]
    assert [r.code for r in stock.stock_rows(so.office, "角阀")] == ["FM-15"]
    assert [r.code for r in stock.stock_rows(so.office, "fm a-1")] == ["FM-15"]
    assert stock.stock_rows(so.office, "%") == []
    assert stock.stock_rows(small_office("另一个管理处").office) == []


def test_find_stock_by_part_of_a_name_initials_or_code(desk_db, frozen_clock):
    """The return form's lookup: what the clerk remembers of an item finds it, best
    first, with what is on hand; never another office's stock."""
    frozen_clock(NOW)
    so = small_office()
    tap = new_item(so, code="SLT-01", name="水龙头（单冷）", quantity=20)
    valve = new_item(so, quantity=3)
    tape = new_item(so, code="SLD-01", name="生料带", quantity=50)
    switch = new_item(so, code="KG-01", name="单联开关")  # none on hand
    lamp = new_item(so, code="DP-9W", name="LED灯泡 9W", quantity=6)
    other = small_office("另一个管理处")
    new_item(other, code="SLT-01", name="水龙头（单冷）", quantity=9)

    def found(text: str) -> list[int]:
        return [hit.id for hit in stock.find_stock(so.office, text)]

    assert found("龙头") == [tap.id]  # part of a name
    assert found("slt") == [tap.id]  # pinyin initials
    assert found("SLT") == [tap.id]  # the same letters in capitals
    assert found("dl") == [switch.id]  # 单 of an item reads dān, not the surname shàn
    assert found("led") == [lamp.id] and found("ＬＥＤ") == [lamp.id]  # full width (IME)
    assert found("fm-15") == [valve.id]  # the code, any case
    assert found("角阀 15") == [valve.id]  # every word somewhere
    assert found("sl") == [tape.id, tap.id]  # initials: sld before sltdl (pinyin order)
    assert found("") == [] and found("   ") == [] and found("%") == [] and found("螺丝") == []
    [hit] = stock.find_stock(so.office, "开关")
    assert (hit.code, hit.name, hit.uom, hit.on_hand) == ("KG-01", "单联开关", "个", 0)
    [hit] = stock.find_stock(so.office, "水龙头")
    assert hit.on_hand == 20
    # The code itself first, then a name that begins so; on hand before none on hand.
    new_item(so, code="LED", name="灯带", quantity=1)
    assert [h.code for h in stock.find_stock(so.office, "led")] == ["LED", "DP-9W"]
    assert len(stock.find_stock(so.office, "l", limit=2)) == 2


# --- the quantity parser -------------------------------------------------------------------------

@given(st.integers(min_value=1, max_value=stock.MAX_QUANTITY))
def test_any_count_typed_is_read_back(value):
    assert stock.parse_quantity(str(value)) == value
    assert stock.parse_quantity(f"  {value} ") == value


@given(st.text(max_size=12))
def test_the_parser_returns_a_count_or_a_field_error(text):
    try:
        value = stock.parse_quantity(text, "quantity", zero=True)
    except DutyError as exc:
        assert exc.field == "quantity"
    else:
        assert isinstance(value, int) and 0 <= value <= stock.MAX_QUANTITY
