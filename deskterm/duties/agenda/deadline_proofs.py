"""How each calendar deadline is proved done from the records (see ``deadlines.py``'s
docstring): one function per proof kind, taking the deadlines of that kind and returning
the periods of the done ones. ``PROOFS`` maps a rule's ``proof`` to its function; the
"manual" ones (sheets handed over on paper) have none: a ``DeadlineDone`` row proves them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from peewee import Case, fn

from deskterm.clock import day_bounds_utc, local
from deskterm.db.models import (
    Assessment,
    CanteenPurchase,
    CashEntry,
    CashSession,
    ChangeLog,
    DailyWorkRecord,
    RepairOrder,
    Stocktake,
    WorkSummary,
)
from deskterm.duties.agenda.statements import _office_id, _slot, _statement
from deskterm.duties.schedule import office_zone

if TYPE_CHECKING:
    from deskterm.duties.agenda.deadlines import Deadline


# The daily proofs (the Today pane and the status line ask at every reload) are compiled
# once (``statements.py``): Peewee compiled them each time, more CPU than their queries.
OFFICE, DAY, DUE = (_slot(name) for name in ("office", "day", "due"))


def _deposit_query():
    taken = ((CashEntry.kind.in_(("payment", "refund", "reversal")))
             & (CashEntry.at < DUE))
    return (
        CashEntry.select(
            fn.SUM(Case(None, [(taken, CashEntry.amount),
                               (CashEntry.kind == "deposit", CashEntry.amount)], 0)),
            fn.COUNT(Case(None, [(CashEntry.kind == "payment", 1)], None)),
        )
        .join(CashSession, on=(CashEntry.session == CashSession.id))
        .where((CashSession.office == OFFICE) & (CashSession.day == DAY))
    )


def _proof_deposit(office, deadlines: list[Deadline], now: dt.datetime) -> set[str]:
    done = set()
    statement = _statement(("proof: deposit",), _deposit_query)
    for deadline in deadlines:
        if deadline.day > local(now, office_zone(office)).date():
            continue  # no cash session of a day still to come
        (row,) = statement.rows(office=_office_id(office), day=deadline.day,
                                due=deadline.due_at)
        undeposited, payments = int(row[0] or 0), int(row[1] or 0)
        if undeposited <= 0 and (payments > 0 or now >= deadline.due_at):
            done.add(deadline.period)
    return done


def _days(deadlines: list[Deadline]) -> tuple[dict, list]:
    """The slots of a statement over the deadlines' days (one per day), and their values."""
    days = [d.day for d in deadlines]
    return {f"day{i}": day for i, day in enumerate(days)}, [
        _slot(f"day{i}") for i in range(len(days))]


def _proof_work_record(office, deadlines: list[Deadline], now: dt.datetime) -> set[str]:
    values, slots = _days(deadlines)
    statement = _statement(("proof: work record", len(slots)), lambda: (
        DailyWorkRecord.select(DailyWorkRecord.day)
        .where((DailyWorkRecord.office == OFFICE) & DailyWorkRecord.day.in_(slots)
               & DailyWorkRecord.submitted_at.is_null(False))
        .distinct()))
    rows = statement.rows(office=_office_id(office), **values)
    return {_as_date(row[0]).isoformat() for row in rows}


def _proof_canteen(office, deadlines: list[Deadline], now: dt.datetime) -> set[str]:
    values, slots = _days(deadlines)
    statement = _statement(("proof: canteen", len(slots)), lambda: (
        CanteenPurchase.select(CanteenPurchase.day, fn.COUNT(CanteenPurchase.id),
                               fn.COUNT(CanteenPurchase.checked_at))
        .where((CanteenPurchase.office == OFFICE) & CanteenPurchase.day.in_(slots))
        .group_by(CanteenPurchase.day)))
    rows = statement.rows(office=_office_id(office), **values)
    counts = {_as_date(day).isoformat(): (int(n), int(checked)) for day, n, checked in rows}
    done = set()
    for deadline in deadlines:
        n, checked = counts.get(deadline.period, (0, 0))
        if (n and checked == n) or (not n and now >= deadline.due_at):
            done.add(deadline.period)
    return done


def _proof_stocktake(office, deadlines: list[Deadline], now: dt.datetime) -> set[str]:
    rows = (
        Stocktake.select(Stocktake.period)
        .where((Stocktake.office == office) & Stocktake.period.in_([d.period for d in deadlines])
               & Stocktake.closed_at.is_null(False))
        .tuples()
    )
    return {row[0] for row in rows}


def _proof_approval(office, deadlines: list[Deadline], now: dt.datetime) -> set[str]:
    tz = office_zone(office)
    done = set()
    for deadline in deadlines:
        monday_start, _end = day_bounds_utc(deadline.day, tz)
        if now < monday_start:
            continue  # last week is not over: more callbacks may come
        waiting = (
            RepairOrder.select(RepairOrder.id)
            .where((RepairOrder.office == office) & (RepairOrder.state == "called_back")
                   & (RepairOrder.called_back_at < monday_start))
            .exists()
        )
        if not waiting:
            done.add(deadline.period)
    return done


def _week_bounds(office, period: str) -> tuple[dt.datetime, dt.datetime]:
    year, week = period.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(week), 1)
    tz = office_zone(office)
    return day_bounds_utc(monday, tz)[0], day_bounds_utc(monday + dt.timedelta(days=7), tz)[0]


def _proof_assessments(office, deadlines: list[Deadline], now: dt.datetime) -> set[str]:
    done = set()
    for deadline in deadlines:
        start, end = _week_bounds(office, deadline.period)
        count = (
            Assessment.select()
            .where((Assessment.office == office) & (Assessment.at >= start)
                   & (Assessment.at < end))
            .count()
        )
        if count >= 2:
            done.add(deadline.period)
    return done


def _proof_work_summary(office, deadlines: list[Deadline], now: dt.datetime) -> set[str]:
    done = set()
    for kind, group in (("week", [d for d in deadlines if "-W" in d.period]),
                        ("month", [d for d in deadlines if "-W" not in d.period])):
        if not group:
            continue
        rows = (
            WorkSummary.select(WorkSummary.period)
            .where((WorkSummary.office == office) & (WorkSummary.kind == kind)
                   & WorkSummary.period.in_([d.period for d in group])
                   & WorkSummary.submitted_at.is_null(False))
            .distinct()
            .tuples()
        )
        done |= {row[0] for row in rows}
    return done


def _proof_month_end_orders(office, deadlines: list[Deadline], now: dt.datetime) -> set[str]:
    tz = office_zone(office)
    done = set()
    for deadline in deadlines:
        day_start, _end = day_bounds_utc(deadline.day, tz)
        if now < day_start:
            continue  # orders may still be approved and handed over this month
        first = deadline.day.replace(day=1)
        month_start = day_bounds_utc(first, tz)[0]
        month_end = day_bounds_utc(deadline.day + dt.timedelta(days=1), tz)[0]
        cutoff = min(now, deadline.due_at)
        gone = fn.COALESCE(RepairOrder.handed_over_at, RepairOrder.filed_at)
        waiting = (
            RepairOrder.select(RepairOrder.id)
            .where((RepairOrder.office == office) & (RepairOrder.approved_at < cutoff)
                   & (RepairOrder.returned_at < month_end)
                   & (gone.is_null(True) | (gone > cutoff)))
            .exists()
        )
        if waiting:
            continue
        handed = (
            RepairOrder.select(RepairOrder.id)
            .where((RepairOrder.office == office) & (gone >= month_start) & (gone <= cutoff))
            .exists()
        )
        if handed or now >= deadline.due_at:
            done.add(deadline.period)
    return done


def _proof_backup(office, deadlines: list[Deadline], now: dt.datetime) -> set[str]:
    """A backup recorded during the office-local day: ``deskterm backup`` writes a change-log
    row of topic "backup" once its copy is whole (office None: the copy holds every office;
    a row of any office counts). One query over the days asked, on the (topic, row_id)
    index: a backup or a few a day."""
    tz = office_zone(office)
    days = {d.period: day_bounds_utc(d.day, tz) for d in deadlines}
    if not days:
        return set()
    rows = (
        ChangeLog.select(ChangeLog.at)
        .where((ChangeLog.topic == "backup")
               & (ChangeLog.at >= min(start for start, _end in days.values()))
               & (ChangeLog.at < max(end for _start, end in days.values())))
        .tuples()
    )
    made = [row[0] for row in rows]
    return {period for period, (start, end) in days.items()
            if any(start <= at < end for at in made)}


PROOFS = {
    "deposit": _proof_deposit,
    "work_record": _proof_work_record,
    "canteen": _proof_canteen,
    "stocktake": _proof_stocktake,
    "approval": _proof_approval,
    "assessments": _proof_assessments,
    "work_summary": _proof_work_summary,
    "month_end_orders": _proof_month_end_orders,
    "backup": _proof_backup,
}


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
