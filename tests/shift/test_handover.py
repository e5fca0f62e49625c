"""The night-to-day handover (deskterm.duties.shift.handover) [7.3]: the night log since the last
handover, the figures at that moment, each item disposed of, both PINs, one transaction,
never changed afterwards, and the timeline's handover item done. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import DatabaseError, IntegrityError

from deskterm.db import changes
from deskterm.db.models import ChangeLog, Handover, HandoverItem, RepairOrder
from deskterm.duties import orders
from deskterm.duties.agenda import timeline, timeline_window
from deskterm.duties.repairs import complaints
from deskterm.duties.shift import handover
from deskterm.duties.shift.handover import Disposition
from deskterm.errors import DutyError
from tests.factories import PIN, order, small_office
from tests.repairs.test_orders import log_of, refused
from tests.shift.test_night_log import NIGHT, night_staff, write

MORNING = "2026-11-26T00:30:00"  # 08:30 in Shanghai
H = dt.timedelta(hours=1)


def night_of(so):
    """A night person who wrote three entries; the clock then at 08:30."""
    sun = night_staff(so)
    frozen = [write(so, sun, at="23:30", what="巡查各单元门，均已关闭", needs_action=False),
              write(so, sun, at="1:10", what="3-2-501卫生间漏水到楼下，已关闭入户阀门",
                    where="3-2-501"),
              write(so, sun, at="2:40", what="业主投诉楼上深夜噪音", where="3-2-501")]
    return sun, frozen


def sign(so, sun, view, dispositions, **fields):
    values = dict(night_staff=sun, night_pin=PIN, day_clerk=so.clerk, day_pin=PIN,
                  covers_until=view.covers_until, dispositions=dispositions)
    values.update(fields)
    return handover.sign_handover(so.office, **values)


def made_in_place(so, entries):
    """What the screen's keys do: an order by call intake, a complaint by its form."""
    _entry, repair = orders.register_call(
        so.office, so.clerk, channel="night_log", kind="repair", caller_name="孙大伟",
        phone="13812345678", request=entries[1].what, unit=so.unit)
    complaint = complaints.record_complaint(
        so.office, so.clerk, complainant_name="张三", phone="13812345678",
        description=entries[2].what, unit=so.unit, category="noise")
    return {entries[0].id: Disposition("taken_over"),
            entries[1].id: Disposition("order", order_id=repair.id),
            entries[2].id: Disposition("complaint", complaint_id=complaint.id, note="已电话")}


@pytest.fixture
def night(desk_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    sun, entries = night_of(so)
    frozen_clock(MORNING)
    return so, sun, entries


def test_the_view_lists_the_night_and_the_figures(night, frozen_clock):
    so, sun, entries = night
    now = frozen_clock(MORNING)
    order(so, appointment=now - H)  # an open order, past its appointment
    order(so, state="returned", returned=now - 30 * H)  # its callback is overdue
    view = handover.handover_view(so.office)
    assert view.covers_until == now
    assert [e.id for e in view.entries] == [e.id for e in entries]
    assert view.night_staff == ((sun.id, "孙大伟"),) and view.last is None
    assert (view.figures.open_orders, view.figures.overdue_orders) == (1, 1)
    assert view.figures.overdue_callbacks == 1
    assert view.figures.undeposited == 0


def test_signing_writes_the_handover_and_its_items(night, frozen_clock):
    so, sun, entries = night
    now = frozen_clock(MORNING)
    view = handover.handover_view(so.office)
    dispositions = made_in_place(so, entries)
    before = timeline.day_timeline(so.office)
    assert {i.key: i.state for i in before}["schedule:handover"] == "now"
    signed = frozen_clock("2026-11-26T00:34:00")
    row = sign(so, sun, view, dispositions, note="夜班平稳")
    row = Handover.get_by_id(row.id)
    assert (row.signed_at, row.covers_until) == (signed, now)
    assert (row.from_staff_id, row.to_staff_id, row.note) == (sun.id, so.clerk.id, "夜班平稳")
    assert row.open_orders == 1  # the order made from the night log
    items = {i.entry_id: i for i in HandoverItem.select().where(HandoverItem.handover == row)}
    assert items[entries[0].id].disposition == "taken_over"
    repair = RepairOrder.get_by_id(items[entries[1].id].order_id)
    assert items[entries[1].id].disposition == "order" and repair.description.startswith("3-2")
    assert items[entries[2].id].disposition == "complaint"
    assert items[entries[2].id].complaint_id == dispositions[entries[2].id].complaint_id
    assert items[entries[2].id].note == "已电话"
    assert log_of("handover", row.id)[0][0] == "create"
    # nothing is left for the next handover; the timeline's item is done and points at it
    again = handover.handover_view(so.office)
    assert again.entries == ()
    assert again.last == handover.LastHandover(row.id, signed, "孙大伟", "李静")
    after = {i.key: i for i in timeline.day_timeline(so.office)}
    assert after["schedule:handover"].state == "done"
    assert after["schedule:handover"].ref == ("handover", row.id)
    pane = {i.key: i.state for i in timeline_window.timeline_window(so.office).items}
    assert pane["schedule:handover"] == "done"  # the dashboard's "Today" pane too


def test_a_quiet_night_is_handed_over_too(desk_db, frozen_clock):
    frozen_clock(MORNING)
    so = small_office()
    sun = night_staff(so)
    view = handover.handover_view(so.office)
    assert view.entries == ()
    row = sign(so, sun, view, {})
    assert HandoverItem.select().where(HandoverItem.handover == row).count() == 0


def test_a_signed_handover_never_changes(night, desk_db):
    so, sun, entries = night
    view = handover.handover_view(so.office)
    row = sign(so, sun, view, {e.id: Disposition("taken_over") for e in entries})
    with pytest.raises((IntegrityError, DatabaseError), match="append-only"):
        with desk_db.atomic():
            Handover.update(note="改").where(Handover.id == row.id).execute()
    with pytest.raises((IntegrityError, DatabaseError), match="append-only"):
        with desk_db.atomic():
            HandoverItem.update(disposition="order").where(
                HandoverItem.handover == row).execute()
    # signing the same night again is refused: it was taken over
    refused(lambda: sign(so, sun, view, {e.id: Disposition("taken_over") for e in entries}),
            "items")


def test_what_is_written_after_opening_waits_for_the_next_handover(night, frozen_clock):
    so, sun, entries = night
    view = handover.handover_view(so.office)
    frozen_clock("2026-11-26T00:31:00")
    late = write(so, sun, at="8:25", what="补记：南门外来车辆已登记")
    sign(so, sun, view, {e.id: Disposition("taken_over") for e in entries})
    assert [e.id for e in handover.handover_view(so.office).entries] == [late.id]


@pytest.mark.parametrize("change, field", [
    (dict(night_pin="9999"), "night_pin"),
    (dict(day_pin="0000"), "day_pin"),
    (dict(night_pin=""), "night_pin"),
    (dict(day_pin="12a4"), "day_pin"),
    (dict(night_staff=None), "night_staff"),
    (dict(day_clerk=None), "day_clerk"),
])
def test_both_sides_sign_with_their_own_pins(night, change, field):
    so, sun, entries = night
    view = handover.handover_view(so.office)
    every = {e.id: Disposition("taken_over") for e in entries}
    refused_before = ChangeLog.select().where(ChangeLog.action == "pin_refused").count()
    with pytest.raises(DutyError) as caught:
        sign(so, sun, view, every, **change)
    assert caught.value.field == field
    assert Handover.select().count() == 0 and HandoverItem.select().count() == 0
    wrong = change.get("night_pin") == "9999" or change.get("day_pin") == "0000"
    refused_now = ChangeLog.select().where(ChangeLog.action == "pin_refused").count()
    assert refused_now == refused_before + (1 if wrong else 0)


def test_nobody_signs_for_the_night_but_night_staff(night):
    so, sun, entries = night
    view = handover.handover_view(so.office)
    every = {e.id: Disposition("taken_over") for e in entries}
    # the clerk cannot be the night side, and night staff cannot take over for the day
    refused(lambda: sign(so, sun, view, every, night_staff=so.clerk), "night_staff")
    refused(lambda: sign(so, sun, view, every, day_clerk=sun), "day_clerk")


def test_too_many_wrong_pins_lock_the_person_out(night):
    so, sun, entries = night
    view = handover.handover_view(so.office)
    every = {e.id: Disposition("taken_over") for e in entries}
    for _ in range(5):
        with pytest.raises(DutyError):
            sign(so, sun, view, every, night_pin="9999")
    with pytest.raises(DutyError, match="Too many wrong PINs") as caught:
        sign(so, sun, view, every)  # even the right PIN must wait
    assert caught.value.field == "night_pin"
    assert Handover.select().count() == 0


def test_every_item_needs_a_disposition_and_a_real_target(night):
    so, sun, entries = night
    view = handover.handover_view(so.office)
    other = small_office("别的管理处")
    foreign = order(other)
    first, *rest = entries
    some = {e.id: Disposition("taken_over") for e in rest}
    refused(lambda: sign(so, sun, view, some), "items", match="1 night-log items")
    cases = [Disposition("order"), Disposition("order", order_id=foreign.id),
             Disposition("complaint", complaint_id=123456), Disposition("forgotten"),
             Disposition("taken_over", note="x" * 3000)]
    for bad in cases:
        refused(lambda bad=bad: sign(so, sun, view, {**some, first.id: bad}), "items")
    refused(lambda: sign(so, sun, view, {**some, first.id: Disposition("taken_over"),
                                         999999: Disposition("taken_over")}), "items")


def test_a_handover_cannot_cover_the_future(night):
    so, sun, entries = night
    view = handover.handover_view(so.office)
    every = {e.id: Disposition("taken_over") for e in entries}
    refused(lambda: sign(so, sun, view, every, covers_until=view.covers_until + H), "items")


def test_the_demo_offices_handovers_are_read_alike(night, frozen_clock):
    """The demo signs with covers_until = signed_at and "task" items: the log since then."""
    so, sun, entries = night
    with changes.write():
        row = Handover.create(office=so.office, signed_at=entries[0].written_at, from_staff=sun,
                              to_staff=so.clerk, covers_until=entries[0].written_at)
        HandoverItem.create(handover=row, entry=entries[0], disposition="task")
    view = handover.handover_view(so.office)
    assert [e.id for e in view.entries] == [e.id for e in entries[1:]]


def test_the_demo_office_hands_over_last_night(sqlite_db, frozen_clock):
    """The demo's last night is waiting: exactly the entries no handover has taken over,
    all written after the last signed handover; signing it turns today's item done."""
    from deskterm.db.models import NightLogEntry, Staff
    from deskterm.demo.build import build_demo

    frozen_clock("2026-11-26T00:31:00")  # 08:31 in Shanghai
    build_demo(orders=300, buildings=1)
    office = Staff.get(Staff.name == "李静").office
    view = handover.handover_view(office)
    taken = HandoverItem.select(HandoverItem.entry)
    waiting = NightLogEntry.select().where(NightLogEntry.id.not_in(taken))
    assert 4 <= len(view.entries) == waiting.count()
    assert any(e.needs_action for e in view.entries)
    assert view.night_staff == ((Staff.get(Staff.name == "孙大伟").id, "孙大伟"),)
    states = {i.key: i.state for i in timeline.day_timeline(office)}
    assert states["schedule:handover"] == "now"
    row = handover.sign_handover(
        office, night_staff=view.night_staff[0][0], night_pin="5678",
        day_clerk=Staff.get(Staff.name == "李静"), day_pin="1234",
        covers_until=view.covers_until,
        dispositions={e.id: Disposition("taken_over") for e in view.entries})
    assert HandoverItem.select().where(HandoverItem.handover == row).count() == len(
        view.entries)
    assert handover.handover_view(office).entries == ()
    states = {i.key: i.state for i in timeline.day_timeline(office)}
    assert states["schedule:handover"] == "done"
