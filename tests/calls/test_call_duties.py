"""Incoming calls' duties on SQLite and PostgreSQL: recorded once, matched to the roster,
missed, answered once, returned, and the ring-to-answer figures from known times."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.db.models import ChangeLog, IncomingCall
from deskterm.duties.calls.answering import (
    answer_call,
    calls_to_return,
    count_to_return,
    return_call,
    ringing_now,
)
from deskterm.duties.calls.figures import call_figures
from deskterm.duties.calls.ringing import RING_SECONDS, call_number, hang_up, record_call
from deskterm.errors import DutyError
from tests.calls.calls_data import WANG_PHONE, wang_jian_office

T0 = dt.datetime(2026, 11, 26, 2, 0, 0)  # 10:00 in Shanghai


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(("typed", "number"), [
    ("17830225795", "17830225795"), ("+86 178 3022 5795", "17830225795"),
    ("017830225795", "17830225795"), ("027-8765 4321", "02787654321")])
def test_numbers_as_the_roster_writes_them(typed, number):
    assert call_number(typed) == number


@pytest.mark.parametrize("typed", ["", "anonymous", "12345", "9" * 80])
def test_a_number_it_cannot_read_is_refused(typed):
    with pytest.raises(DutyError) as refused:
        call_number(typed)
    assert refused.value.field == "number"


def test_a_ringing_call_is_written_once_with_its_owner_and_topic(desk_db):
    so, owner, unit = wang_jian_office()
    call = record_call(so.office, "178 3022 5795", line="front", now=at(0))
    again = record_call(so.office, WANG_PHONE, line="front", now=at(3))  # the next ring
    assert call.new and not again.new and again.id == call.id
    row = IncomingCall.get_by_id(call.id)
    assert (row.number, row.line, row.owner_id, row.unit_id, row.state) == (
        WANG_PHONE, "front", owner.id, unit.id, "ringing")
    assert ChangeLog.select().where(ChangeLog.topic == "incoming_call").count() == 1
    view = ringing_now(so.office, now=at(5))
    assert [c.owner_name for c in view.calls] == ["王健"]
    assert view.card.code == "27-2-1802" and view.card.open_orders == 1


def test_an_unknown_number_is_recorded_without_an_owner(desk_db):
    so, _owner, _unit = wang_jian_office()
    call = record_call(so.office, "13900001111", now=at(0))
    assert call.match is None
    view = ringing_now(so.office, now=at(1))
    assert view.calls[0].owner_id is None and view.card is None


def test_bad_input_writes_nothing(desk_db):
    so, _owner, _unit = wang_jian_office()
    with pytest.raises(DutyError):
        record_call(so.office, "not a number", now=at(0))
    with pytest.raises(DutyError):
        record_call(so.office, WANG_PHONE, line="x" * 200, now=at(0))
    assert IncomingCall.select().count() == 0


def test_answered_once_the_second_desk_is_told(desk_db):
    so, _owner, _unit = wang_jian_office()
    call = record_call(so.office, WANG_PHONE, now=at(0))
    answer_call(so.office, so.clerk, call.id, now=at(6))
    with pytest.raises(DutyError, match="李静 took this call"):
        answer_call(so.office, so.supervisor, call.id, now=at(7))
    row = IncomingCall.get_by_id(call.id)
    assert row.answered_by_id == so.clerk.id and row.answered_at == at(6)
    assert ringing_now(so.office, now=at(8)).calls == ()


def test_missed_by_hang_up_or_ringing_out_then_returned(desk_db):
    so, _owner, _unit = wang_jian_office()
    hung = record_call(so.office, WANG_PHONE, now=at(0))
    assert hang_up(so.office, WANG_PHONE, now=at(8)).state == "missed"
    with pytest.raises(DutyError, match="hung up"):
        answer_call(so.office, so.clerk, hung.id, now=at(9))
    rang_out = record_call(so.office, "13900001111", now=at(60))
    assert count_to_return(so.office, now=at(61)) == 1  # still ringing
    later = at(60 + RING_SECONDS + 1)
    assert [c.id for c in calls_to_return(so.office, now=later)] == [rang_out.id, hung.id]
    assert ringing_now(so.office, now=later).to_return == 2
    second = record_call(so.office, WANG_PHONE, now=at(300))
    hang_up(so.office, WANG_PHONE, now=at(305))
    assert return_call(so.office, so.clerk, second.id, note="回了电话", now=at(400)) == 2
    rows = IncomingCall.select().where(IncomingCall.number == WANG_PHONE)
    assert {(r.state, r.returned_by_id, r.return_note) for r in rows} == {
        ("returned", so.clerk.id, "回了电话")}
    assert [c.id for c in calls_to_return(so.office, now=at(401))] == [rang_out.id]
    with pytest.raises(DutyError, match="returned already"):
        return_call(so.office, so.clerk, second.id, now=at(402))


def test_a_hang_up_of_no_ringing_call_writes_nothing(desk_db):
    so, _owner, _unit = wang_jian_office()
    assert hang_up(so.office, WANG_PHONE, now=at(0)) is None
    assert IncomingCall.select().count() == 0


def test_ring_to_answer_figures_from_known_times(desk_db):
    so, _owner, _unit = wang_jian_office()
    for start, answer_after in ((0, 4), (100, 8), (200, 15), (300, 30)):
        call = record_call(so.office, WANG_PHONE, line=str(start), now=at(start))
        answer_call(so.office, so.clerk, call.id, now=at(start + answer_after))
    missed = record_call(so.office, "13900001111", now=at(400))
    hang_up(so.office, "13900001111", now=at(405))
    record_call(so.office, "13900002222", now=at(500))  # rang out
    return_call(so.office, so.clerk, missed.id, now=at(900))
    days, whole = call_figures(so.office, T0 - dt.timedelta(hours=1), T0 + dt.timedelta(
        hours=1), now=at(1000))
    assert [day for day, _f in days] == [dt.date(2026, 11, 26)]
    assert (whole.calls, whole.answered, whole.within_two_rings, whole.missed,
            whole.returned) == (6, 4, 2, 2, 1)
    assert whole.median_seconds == 11.5  # of 4, 8, 15, 30
    assert whole.two_rings_share == pytest.approx(2 / 6)


def test_the_report_lays_the_figures_out_by_day(desk_db):
    from deskterm.duties.reporting.reports import report_table

    so, _owner, _unit = wang_jian_office()
    call = record_call(so.office, WANG_PHONE, now=at(0))
    answer_call(so.office, so.clerk, call.id, now=at(6))
    table = report_table(so.office, "call-answering", "2026-11-26..2026-11-27")
    assert table.rows == ((dt.date(2026, 11, 26), 1, 1, 6.0, 1.0, 0, 0),)
    assert table.totals[1:] == (1, 1, 6.0, 1.0, 0, 0)


def test_a_phone_took_it_without_f2_it_is_answered_not_missed(desk_db):
    so, _owner, _unit = wang_jian_office()
    call = record_call(so.office, WANG_PHONE, now=at(0))
    assert hang_up(so.office, WANG_PHONE, answered=True, now=at(7)).state == "answered"
    assert calls_to_return(so.office, now=at(600)) == []
    answer_call(so.office, so.clerk, call.id, now=at(20))  # F2 pressed later: names the clerk
    row = IncomingCall.get_by_id(call.id)
    assert (row.answered_at, row.answered_by_id) == (at(7), so.clerk.id)
