"""The clerk's daily work record and the weekly/monthly summaries [7.4.23], on SQLite and
PostgreSQL: figures counted from what the clerk did, drafts, submit-once, the deadline
calendar's proofs, the demo's records read as they are, and bad input storing nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.db import changes
from deskterm.db.models import ChangeLog, DailyWorkRecord, Handover, Staff, WorkSummary
from deskterm.duties.agenda import deadlines
from deskterm.duties.cashdesk import cash
from deskterm.duties.orders import register_call
from deskterm.duties.repairs.callbacks import record_callback
from deskterm.duties.repairs.complaints import record_complaint
from deskterm.duties.repairs.order_work import dispatch, return_order
from deskterm.duties.shift.work_records import (
    FIGURES,
    day_figures,
    load_figures,
    ordered_figures,
    save_work_record,
    submit_work_record,
    work_record,
)
from deskterm.duties.shift.work_summaries import (
    parse_period,
    period_of,
    save_summary,
    submit_summary,
    work_summary,
)
from deskterm.errors import DutyError
from tests.cashdesk.test_cash import take_cash
from tests.factories import small_office

NOW = "2026-11-26T02:05:00"  # Thursday 26 November 2026, 10:05 in Shanghai
TODAY = dt.date(2026, 11, 26)
H = dt.timedelta(hours=1)


def refused(call, field):
    before = (DailyWorkRecord.select().count(), WorkSummary.select().count(),
              ChangeLog.select().count())
    with pytest.raises(DutyError) as caught:
        call()
    assert caught.value.field == field
    assert before == (DailyWorkRecord.select().count(), WorkSummary.select().count(),
                      ChangeLog.select().count())
    return caught.value


@pytest.fixture
def office(desk_db, frozen_clock):
    frozen_clock(NOW)
    return small_office()


def busy_day(so):
    """The clerk's morning: two calls (one a repair, registered, then dispatched and
    returned and called back), a complaint, two cash payments and a deposit, the
    handover; the supervisor registers one call of their own."""
    register_call(so.office, so.clerk, channel="phone", kind="enquiry", caller_name="张三",
                  phone="13812345678", request="问物业费", unit=so.unit)
    _entry, order = register_call(so.office, so.clerk, channel="phone", kind="repair",
                                  caller_name="张三", phone="13812345678", request="水管漏水",
                                  unit=so.unit)
    dispatch(so.office, so.clerk, order.id, so.technician)
    return_order(so.office, so.clerk, order.id, result="done", work_done="换了阀门")
    record_callback(so.office, so.clerk, order_id=order.id, outcome="satisfied", note="",
                    inspection=None)
    record_complaint(so.office, so.clerk, complainant_name="王五", phone="13900001111",
                     description="[red]噪音[/red]", category="noise")
    session = cash.open_session(so.office, so.clerk, "100")
    take_cash(so, session, 12050)
    take_cash(so, session, 3000)
    cash.record_deposit(so.office, so.clerk, "150.50", "SLIP-1")
    now = cash.now_utc()
    with changes.write():
        Handover.create(office=so.office, signed_at=now - H, from_staff=so.supervisor,
                        to_staff=so.clerk, covers_until=now - H)
    register_call(so.office, so.supervisor, channel="walk_in", kind="enquiry",
                  caller_name="赵六", phone="", request="问停车")


def test_the_figures_count_what_the_clerk_did(office):
    busy_day(office)
    figures = day_figures(office.office, office.clerk, TODAY)
    assert figures == {
        "calls_taken": 2, "orders_registered": 1, "orders_dispatched": 1,
        "orders_returned": 1, "callbacks": 1, "payments": 2, "voids": 0, "payments_net": 15050,
        "deposits": 1, "deposits_total": 15050, "handovers": 1, "complaints": 1,
        "tasks_done": 0, "tasks_open": 0,  # tests/shift/test_tasks.py counts them
    }
    assert list(figures) == list(FIGURES)
    theirs = day_figures(office.office, office.supervisor, TODAY)
    assert theirs["calls_taken"] == 1 and theirs["handovers"] == 1
    assert theirs["payments"] == 0
    assert day_figures(office.office, office.clerk, TODAY - dt.timedelta(days=1)) == dict.fromkeys(
        FIGURES, 0)


def test_an_order_registered_with_its_technician_counts_as_dispatched(office):
    register_call(office.office, office.clerk, channel="phone", kind="repair",
                  caller_name="张三", phone="13812345678", request="灯不亮", unit=office.unit,
                  technician=office.technician)
    figures = day_figures(office.office, office.clerk, TODAY)
    assert (figures["orders_registered"], figures["orders_dispatched"]) == (1, 1)


def test_a_draft_then_submitted_record_satisfies_the_deadline(office, frozen_clock):
    busy_day(office)
    deadline = next(d for d in deadlines.deadlines_on(office.office, TODAY)
                    if d.key == "work_record")
    assert not deadlines.is_done(office.office, deadline)
    row = save_work_record(office.office, office.clerk, "上午 [b]接电话[/b]\n下午巡查")
    assert row.submitted_at is None
    assert not deadlines.is_done(office.office, deadline)
    view = work_record(office.office, office.clerk)
    assert view.stored and not view.submitted and view.notes == "上午 [b]接电话[/b]\n下午巡查"
    # More work after the draft: the next save counts it.
    register_call(office.office, office.clerk, channel="phone", kind="enquiry",
                  caller_name="李四", phone="13812345678", request="问水费")
    assert work_record(office.office, office.clerk).figures["calls_taken"] == 3
    frozen_clock("2026-11-26T09:20:00")  # 17:20
    row = submit_work_record(office.office, office.clerk, "全天正常")
    stored = DailyWorkRecord.get_by_id(row.id)
    assert stored.submitted_at == dt.datetime(2026, 11, 26, 9, 20)
    assert stored.notes == "全天正常" and stored.staff_id == office.clerk.id
    assert json.loads(stored.figures)["calls_taken"] == 3
    assert DailyWorkRecord.select().count() == 1
    assert deadlines.is_done(office.office, deadline)
    actions = [a for (a,) in ChangeLog.select(ChangeLog.action)
               .where(ChangeLog.topic == "daily_work_record").order_by(ChangeLog.id).tuples()]
    assert actions == ["create", "submit"]
    # Submitted: frozen, even when more work comes.
    register_call(office.office, office.clerk, channel="phone", kind="enquiry",
                  caller_name="李四", phone="13812345678", request="又问水费")
    assert work_record(office.office, office.clerk).figures["calls_taken"] == 3
    refused(lambda: save_work_record(office.office, office.clerk, "改"), "record")
    refused(lambda: submit_work_record(office.office, office.clerk, "改"), "record")


def test_bad_records_store_nothing(office):
    refused(lambda: save_work_record(office.office, office.clerk, "x" * 2001), "notes")
    refused(lambda: save_work_record(office.office, office.clerk, "",
                                     day=TODAY + dt.timedelta(days=1)), "day")
    refused(lambda: save_work_record(office.office, office.technician, ""), "clerk")
    other = small_office("另一个管理处")
    refused(lambda: save_work_record(office.office, other.clerk, ""), "clerk")


def test_escapes_are_taken_out_of_notes(office):
    row = save_work_record(office.office, office.clerk, "\x1b[31m红\x1b[0m [red]字[/red]")
    assert DailyWorkRecord.get_by_id(row.id).notes == "红 [red]字[/red]"


def test_the_demo_records_are_read_as_they_are(office):
    """The demo stores only orders_registered and payments, submitted."""
    with changes.write():
        for offset, orders in ((3, 4), (2, 1)):
            DailyWorkRecord.create(
                office=office.office, staff=office.clerk, day=TODAY - dt.timedelta(days=offset),
                figures=json.dumps({"orders_registered": orders, "payments": 7}), notes="",
                submitted_at=dt.datetime(2026, 11, 20, 9))
    old = work_record(office.office, office.clerk, TODAY - dt.timedelta(days=3))
    assert old.submitted and old.figures == {"orders_registered": 4, "payments": 7}
    rows = dict(ordered_figures(old.figures))
    assert rows["calls_taken"] == 0 and rows["orders_registered"] == 4
    draft = work_summary(office.office, office.clerk, "week", "2026-W48")
    assert draft.figures == {"orders_registered": 5, "payments": 14}
    assert draft.days == 2 and not draft.stored
    assert "Orders registered: 5" in draft.summary and "Payments taken: 14" in draft.summary


def test_load_figures_takes_what_it_can():
    assert load_figures("not json") == {}
    assert load_figures("[1, 2]") == {}
    assert load_figures('{"a": 2, "b": "x", "c": true, "d": 1.0}') == {"a": 2, "d": 1}
    assert ordered_figures({"zz": 3})[-1] == ("zz", 3)


def test_weekly_and_monthly_summaries(office, frozen_clock):
    busy_day(office)
    submit_work_record(office.office, office.clerk, "跟进维修单")
    draft = work_summary(office.office, office.clerk, "week")
    assert draft.period == "2026-W48" and draft.days == 1
    assert draft.figures["payments_net"] == 15050
    assert "Payments, net of voids: ¥150.50" in draft.summary
    assert "11-26 跟进维修单" in draft.summary
    save_summary(office.office, office.clerk, "week", "2026-W48", summary="草稿", plan="")
    again = work_summary(office.office, office.clerk, "week", "2026-w48")
    assert again.stored and again.summary == "草稿" and not again.submitted
    refused(lambda: submit_summary(office.office, office.clerk, "week", "2026-W48",
                                   summary="  ", plan=""), "summary")
    row = submit_summary(office.office, office.clerk, "week", "2026-W48",
                         summary="本周\n正常", plan="下周继续")
    assert WorkSummary.get_by_id(row.id).submitted_at == cash.now_utc()
    refused(lambda: save_summary(office.office, office.clerk, "week", "2026-W48",
                                 summary="改", plan=""), "summary")
    # The month needs next month's plan.
    refused(lambda: submit_summary(office.office, office.clerk, "month", "2026-11",
                                   summary="本月", plan=""), "plan")
    submit_summary(office.office, office.clerk, "month", "2026-11", summary="本月",
                   plan="下月计划")
    assert WorkSummary.select().count() == 2
    frozen_clock("2026-11-30T02:00:00")
    for key in ("weekly_work_summary", "monthly_work_summary"):
        deadline = next(d for d in deadlines.deadlines_on(office.office, dt.date(2026, 11, 30))
                        + deadlines.deadlines_on(office.office, dt.date(2026, 11, 29))
                        if d.key == key)
        assert deadlines.is_done(office.office, deadline), key


def test_bad_periods_store_nothing(office):
    for kind, period in (("week", "2026-W54"), ("week", "2026-11"), ("month", "2026-13"),
                         ("month", "November"), ("year", "2026")):
        refused(lambda k=kind, p=period: save_summary(office.office, office.clerk, k, p,
                                                      summary="x"),
                "kind" if kind == "year" else "period")
    refused(lambda: save_summary(office.office, office.technician, "week", "2026-W48",
                                 summary="x"), "clerk")


@given(st.dates(min_value=dt.date(2000, 1, 3), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["week", "month"]))
def test_a_period_holds_its_days(day, kind):
    period = period_of(kind, day)
    stored, first, last = parse_period(kind, period)
    assert stored == period and first <= day <= last
    assert period_of(kind, first) == period_of(kind, last) == period
    assert period_of(kind, first - dt.timedelta(days=1)) != period
    assert parse_period(kind, f"  {period.lower()} ")[0] == period


@given(st.text(max_size=12))
def test_parse_period_only_refuses_with_the_field(text):
    for kind in ("week", "month"):
        try:
            stored, first, last = parse_period(kind, text)
        except DutyError as exc:
            assert exc.field == "period"
        else:
            assert period_of(kind, first) == stored and first <= last


def test_inactive_clerk_cannot_write(office):
    Staff.update(active=False).where(Staff.id == office.clerk.id).execute()
    refused(lambda: save_work_record(office.office, office.clerk, ""), "clerk")


def test_the_demo_office_reads_right(sqlite_db, frozen_clock):
    """The demo's records (only orders_registered and payments, submitted at the end of
    each day; summaries on Fridays and month ends) read as they are."""
    from deskterm.db.models import Office
    from deskterm.demo.build import build_demo
    from deskterm.duties.shift.assessments import week_counts

    frozen_clock(NOW)
    build_demo(buildings=3)
    office = Office.get()
    yesterday = TODAY - dt.timedelta(days=1)
    row = DailyWorkRecord.select().where(DailyWorkRecord.day == yesterday).first()
    old = work_record(office, row.staff_id, yesterday)
    assert old.submitted and old.figures == load_figures(row.figures)
    today = work_record(office, row.staff_id)
    assert not today.stored and set(today.figures) == set(FIGURES)
    week = work_summary(office, row.staff_id, "week", "2026-W47")
    assert week.stored and week.submitted  # the demo's Friday summary
    draft = work_summary(office, row.staff_id, "week", "2026-W48")
    assert not draft.stored and draft.days >= 1
    assert draft.figures["orders_registered"] == sum(
        load_figures(r.figures).get("orders_registered", 0) for r in DailyWorkRecord.select()
        .where((DailyWorkRecord.staff == row.staff_id)
               & (DailyWorkRecord.day >= dt.date(2026, 11, 23))))
    last_week = week_counts(office, dt.date(2026, 11, 20))
    assert last_week and all(c.count >= 1 for c in last_week)
