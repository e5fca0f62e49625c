"""The unit's card and the chase (催单, issue #13), as duties, on SQLite and PostgreSQL:
what the card reads for a unit, what a chase writes (and what it never does: a new
order), and how a chased order rises on the Open orders pane."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.db import changes
from deskterm.db.models import ChangeLog, Owner, RepairOrder, ServiceEntry
from deskterm.duties.panes import open_orders
from deskterm.duties.repairs.chases import chase_order
from deskterm.duties.repairs.order_view import order_history
from deskterm.duties.repairs.register import search_register
from deskterm.duties.repairs.unit_card import unit_card
from deskterm.duties.repairs.unit_history import unit_history
from deskterm.errors import DutyError
from tests.factories import order, small_office
from tests.repairs.unit_story import AFTERNOON, FEE, unit_story


@pytest.fixture
def story(desk_db, frozen_clock):
    frozen_clock(AFTERNOON)
    return unit_story()


def counts() -> tuple[int, int, int]:
    return ServiceEntry.select().count(), RepairOrder.select().count(), ChangeLog.select().count()


def test_the_card_tells_the_units_story(story):
    card = unit_card(story.so.office, story.so.unit.id)
    assert card.code == "3-2-501"
    assert [o.number for o in card.orders] == [story.late.number, story.waiting.number]
    late, waiting = card.orders
    assert (late.category, late.state, late.technician, late.late) == (
        "water", "dispatched", "王建军", True)
    assert late.appointment_at == dt.datetime(2026, 11, 26, 5, 0)
    assert (waiting.state, waiting.technician, waiting.appointment_at, waiting.late) == (
        "registered", "", None, False)
    assert card.open_orders == 2  # the other unit's order is not this unit's
    assert (card.owed, card.dues, card.oldest_due) == (2 * FEE, 2, "2026-10")
    assert card.last_callback.outcome == "satisfied"
    assert card.last_callback.number == "WX-TEST-0003"
    assert [c.number for c in card.complaints] == ["TS-202611-001"]
    assert card.open_complaints == 1
    assert card.same_category("water") == (late,)
    assert card.same_category("lift") == ()


def test_the_card_by_code_and_units_it_does_not_know(story):
    assert unit_card(story.so.office, code="3-2-501").unit_id == story.so.unit.id
    assert unit_card(story.so.office, code="9-9-999") is None
    assert unit_card(story.so.office, None) is None
    other = small_office("另一个管理处")
    assert unit_card(other.office, story.so.unit.id) is None  # another office's unit


def test_a_quiet_unit_has_a_short_card(story):
    quiet = unit_card(story.so.office, code="3-1-102")
    assert quiet.open_orders == 1 and quiet.owed == 0 and quiet.last_callback is None
    assert quiet.complaints == () and quiet.oldest_due == ""


def test_a_chase_counts_on_the_order_and_keeps_the_call(story):
    so = story.so
    entries, orders, _logs = counts()
    entry, chased = chase_order(so.office, so.clerk, story.late.id, caller_name="张三",
                                phone="138 1234 5678", request="师傅还没到")
    assert RepairOrder.select().count() == orders  # nothing new
    assert ServiceEntry.select().count() == entries + 1
    row = RepairOrder.get_by_id(story.late.id)
    assert (row.chases, row.chased_at, row.state) == (1, dt.datetime(2026, 11, 26, 6, 20),
                                                     "dispatched")
    line = ServiceEntry.get_by_id(entry.id)
    assert (line.kind, line.order_id, line.unit_id, line.caller_name, line.phone,
            line.request) == ("enquiry", row.id, so.unit.id, "张三", "13812345678", "师傅还没到")
    assert line.completed_at is not None  # answered at the desk; the work is the order's
    chase_order(so.office, so.clerk, story.late.id)
    row = RepairOrder.get_by_id(story.late.id)
    assert row.chases == 2 and chased.number == row.number
    second = ServiceEntry.select().order_by(ServiceEntry.id.desc()).first()
    assert second.request == f"Chased order {row.number}" and second.caller_name == ""
    history = [h for h in order_history(so.office, row.id, "Asia/Shanghai")
               if h.action == "chase"]
    assert len(history) == 2 and "times chased: 1 → 2" in history[1].what
    assert unit_card(so.office, so.unit.id).orders[0].chases == 2
    # The unit's history and the register show the calls, each with the order it chased.
    calls = [i for i in unit_history(so.office, so.unit.id).items if i.kind == "entry"]
    assert [(i.ref_id, i.order_id) for i in calls] == [(second.id, row.id), (entry.id, row.id)]
    lines = search_register(so.office, text="3-2-501").rows
    chases = [r for r in lines if r.entry_id in (entry.id, second.id)]
    assert len(chases) == 2 and all(r.order_number == row.number for r in chases)


def test_what_a_chase_refuses_leaves_nothing_behind(story):
    so = story.so
    done = order(so, state="returned", returned=dt.datetime(2026, 11, 26, 1, 0))
    before = counts()
    with pytest.raises(DutyError) as refused:
        chase_order(so.office, so.clerk, done.id)
    assert refused.value.field == "order"
    other = small_office("另一个管理处")
    with pytest.raises(DutyError):
        chase_order(other.office, other.clerk, story.late.id)  # not that office's order
    with pytest.raises(DutyError) as refused:
        chase_order(so.office, so.clerk, story.late.id, phone="12345")
    assert refused.value.field == "phone"
    owner_elsewhere = order(so, unit=story.other_unit)
    with pytest.raises(DutyError) as refused:
        chase_order(so.office, so.clerk, owner_elsewhere.id,
                    owner=Owner.get(Owner.unit == so.unit).id)
    assert refused.value.field == "owner"
    assert counts()[:2] == (before[0], before[1] + 1)  # only the order made above
    assert RepairOrder.get_by_id(story.late.id).chases == 0


def test_a_chased_order_rises_on_open_orders(story):
    so = story.so
    # Five more open orders due before the chased one, which has the latest time of all.
    for hour in range(5):
        order(so, appointment=dt.datetime(2026, 11, 26, 3, hour), text=f"order {hour}")
    with changes.write():
        RepairOrder.update(appointment_at=dt.datetime(2026, 11, 27, 5, 0)).where(
            RepairOrder.id == story.late.id).execute()
    before = open_orders(so.office, limit=3)
    assert story.late.id not in [r.id for r in before.rows] and before.chased == 0
    chase_order(so.office, so.clerk, story.late.id)
    after = open_orders(so.office, limit=3)
    assert after.rows[0].id == story.late.id and after.rows[0].chases == 1
    assert after.chased == 1 and after.count == before.count
    assert [r.chases for r in after.rows[1:]] == [0, 0]


def test_only_the_desk_records_a_chase(story):
    with pytest.raises(DutyError):
        chase_order(story.so.office, story.so.technician, story.late.id)  # not a desk role
    assert RepairOrder.get_by_id(story.late.id).chases == 0
