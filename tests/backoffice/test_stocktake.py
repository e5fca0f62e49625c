"""The monthly stocktake (deskterm.duties.backoffice.stocktake), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from deskterm.db.models import StockItem, StockMove, Stocktake, StocktakeLine
from deskterm.duties.agenda.deadlines import deadlines_on, is_done
from deskterm.duties.backoffice import stock, stocktake
from tests.backoffice.test_stock import new_item
from tests.factories import small_office
from tests.repairs.test_orders import log_of, refused

NOW = "2026-11-24T02:05:00"  # Tuesday the 24th, 10:05 in Shanghai
H = dt.timedelta(hours=1)


def started(frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    a = new_item(so, code="FM-15", name="角阀", quantity=10)
    b = new_item(so, code="SLD-01", name="生料带", quantity=5)
    c = new_item(so, code="DP-9W", name="LED灯泡", quantity=0)
    take = stocktake.start_stocktake(so.office, so.clerk)
    lines = {line.code: line for line in stocktake.stocktake_view(so.office).lines}
    return now, so, (a, b, c), take, lines


def test_starting_makes_a_line_per_item_with_the_book_at_start(desk_db, frozen_clock):
    now, so, _items, take, lines = started(frozen_clock)
    take = Stocktake.get_by_id(take.id)
    assert (take.period, take.started_at, take.started_by_id, take.closed_at) == (
        "2026-11", now, so.clerk.id, None)
    assert [(x.code, x.book, x.counted) for x in lines.values()] == [
        ("DP-9W", 0, None), ("FM-15", 10, None), ("SLD-01", 5, None)]
    assert log_of("stocktake", take.id)[0][0] == "create"
    refused(lambda: stocktake.start_stocktake(so.office, so.clerk), "stocktake")


def test_starting_with_no_stock_is_refused(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    refused(lambda: stocktake.start_stocktake(so.office, so.clerk), "stocktake")


def test_counts_variances_and_the_match_figure(desk_db, frozen_clock):
    _now, so, _items, take, lines = started(frozen_clock)
    changed = stocktake.save_counts(so.office, so.clerk, take.id, {
        lines["FM-15"].id: ("１０", ""), lines["SLD-01"].id: ("4", "领用未登记"),
        lines["DP-9W"].id: ("", "")})
    assert changed == 2
    view = stocktake.stocktake_view(so.office, "2026-11")
    got = {x.code: (x.counted, x.variance, x.reason) for x in view.lines}
    assert got == {"FM-15": (10, 0, ""), "SLD-01": (4, -1, "领用未登记"),
                   "DP-9W": (None, None, "")}
    assert (view.match.matched, view.match.counted, view.match.total) == (1, 2, 3)
    assert view.match.percent == 50
    assert stocktake.match_figures(so.office)["2026-11"] == view.match
    assert log_of("stocktake_line", lines["SLD-01"].id)[-1][0] == "count"


def test_bad_counts_are_refused_and_nothing_stored(desk_db, frozen_clock):
    _now, so, _items, take, lines = started(frozen_clock)
    line = lines["FM-15"].id
    refused(lambda: stocktake.save_counts(so.office, so.clerk, take.id, {
        lines["SLD-01"].id: ("4", "x"), line: ("-1", "")}), f"count:{line}")
    refused(lambda: stocktake.save_counts(so.office, so.clerk, take.id, {
        line: ("3", "x" * 201)}), f"reason:{line}")
    refused(lambda: stocktake.save_counts(so.office, so.clerk, take.id, {
        99999: ("3", "")}), "count:99999")


def test_closing_needs_every_count_and_every_variance_explained(desk_db, frozen_clock):
    _now, so, _items, take, lines = started(frozen_clock)
    stocktake.save_counts(so.office, so.clerk, take.id, {
        lines["FM-15"].id: ("10", ""), lines["SLD-01"].id: ("4", "")})
    refused(lambda: stocktake.close_stocktake(so.office, so.clerk, take.id),
            f"count:{lines['DP-9W'].id}")
    stocktake.save_counts(so.office, so.clerk, take.id, {lines["DP-9W"].id: ("0", "")})
    refused(lambda: stocktake.close_stocktake(so.office, so.clerk, take.id),
            f"reason:{lines['SLD-01'].id}")


def test_closing_adjusts_the_book_and_proves_the_deadline(desk_db, frozen_clock):
    now, so, (a, b, c), take, lines = started(frozen_clock)
    day = dt.date(2026, 11, 24)
    deadline = next(d for d in deadlines_on(so.office, day, now=now) if d.key == "stocktake")
    assert not is_done(so.office, deadline)
    stocktake.save_counts(so.office, so.clerk, take.id, {
        lines["FM-15"].id: ("12", "上月入库未登记"), lines["SLD-01"].id: ("4", "损耗"),
        lines["DP-9W"].id: ("0", "")})
    frozen_clock(now + H)
    stock.draw(so.office, so.clerk, b.id, 2, reason="保洁领用")  # after the count: stays
    frozen_clock(now + 2 * H)
    stocktake.close_stocktake(so.office, so.supervisor, take.id)
    take = Stocktake.get_by_id(take.id)
    assert (take.closed_at, take.closed_by_id) == (now + 2 * H, so.supervisor.id)
    assert {i.code: i.book_quantity for i in StockItem.select()} == {
        "FM-15": 12, "SLD-01": 2, "DP-9W": 0}
    adjusts = [(m.item_id, m.quantity, m.reason, m.stocktake_id, m.by_id, m.at)
               for m in StockMove.select().where(StockMove.kind == "adjust")
               .order_by(StockMove.id)]
    assert sorted(adjusts) == sorted([
        (a.id, 2, "上月入库未登记", take.id, so.supervisor.id, now + 2 * H),
        (b.id, -1, "损耗", take.id, so.supervisor.id, now + 2 * H)])
    assert is_done(so.office, deadline)
    _head, ledger = stock.ledger(so.office, b.id)
    assert [(x.kind, x.balance, x.stocktake_period) for x in ledger][:2] == [
        ("adjust", 2, "2026-11"), ("draw", 3, None)]


def test_a_closed_stocktake_never_changes(desk_db, frozen_clock):
    _now, so, _items, take, lines = started(frozen_clock)
    stocktake.save_counts(so.office, so.clerk, take.id, {
        line.id: (str(line.book), "") for line in lines.values()})
    stocktake.close_stocktake(so.office, so.clerk, take.id)
    assert stocktake.stocktake_view(so.office).match.percent == 100
    assert StockMove.select().where(StockMove.kind == "adjust").count() == 0
    refused(lambda: stocktake.save_counts(so.office, so.clerk, take.id, {
        lines["FM-15"].id: ("3", "x")}), "stocktake")
    refused(lambda: stocktake.close_stocktake(so.office, so.clerk, take.id), "stocktake")
    assert StocktakeLine.select().where(StocktakeLine.counted_quantity.is_null()).count() == 0


def test_another_office_cannot_touch_the_stocktake(desk_db, frozen_clock):
    _now, so, _items, take, lines = started(frozen_clock)
    other = small_office("另一个管理处")
    refused(lambda: stocktake.close_stocktake(other.office, other.clerk, take.id), "stocktake")
    refused(lambda: stocktake.save_counts(other.office, other.clerk, take.id, {
        lines["FM-15"].id: ("3", "")}), "stocktake")
    assert stocktake.stocktake_view(other.office) is None
