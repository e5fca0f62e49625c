"""The deadline calendar (SPEC "Calendar deadlines"): what falls due when, and whether it
has been done.

``RULES`` is the calendar as data. A rule's ``when`` is one of:

- ``daily``: every day;
- ``mon`` ... ``sun``: that weekday;
- ``weekend``: shown on Saturday and Sunday, due by Sunday;
- ``day:N``: the Nth of the month (the month's last day where the Nth does not exist);
- ``month_end``: the month's last day.

Each deadline is due at the end of its office day (the evening sign-out, 17:30 or 18:00)
except those with an ``at``, due at that Office time: the cash deposit at ``deposit_by_at``
(17:00) [5.3], the daily backup at ``backup_at``. A rule that is ``optional`` is shown only
for an office whose ``at`` is set (the backup: ``backup_at`` "" is not on the calendar).
Its ``period`` names
what the work covers, and is the key under which it is marked done: a day
(``2026-11-26``), an ISO week (``2026-W48``) or a month (``2026-11``). The Monday approval
covers last week, and the attendance sheet (5th) and canteen meal fees (15th) cover last
month.

Done-ness comes from the records that prove it:

- ``deposit``: every yuan of cash taken into the day's cash sessions before the deposit
  time has gone to the bank: the sum of the day's cash entries of kind payment, refund and
  reversal made before ``deposit_by_at``, plus every deposit entry of those sessions
  (negative, made at any time), is zero or less. Cash taken after the deposit time is
  tomorrow's deposit. A day with no cash at all is done once the deposit time has passed
  (before it, cash may still come in).
- ``work_record``: a daily work record submitted for the day, by anyone.
- ``canteen_check``: the day's canteen purchases all have ``checked_at``; a day without
  purchases is done once the day's deadline has passed.
- ``stocktake``: the month's Stocktake is closed.
- ``callback_approval``: no order called back before that Monday is still waiting for the
  manager's approval (state ``called_back``); for a Monday still to come, not yet.
- ``assessments``: at least 2 written assessments made during the ISO week (or marked).
- ``weekly_work_summary`` / ``monthly_work_summary``: a WorkSummary of that kind and
  period submitted by anyone (or marked).
- ``month_end_orders`` (the month-end handover): from the month's last day on, no repair
  order returned in the month or before and approved before the deadline is still waiting
  (approved, neither handed over nor filed, as of the deadline or now), and either some
  order was handed over or filed during the month or the deadline has passed (a month with
  nothing to hand over). A ``DeadlineDone`` row counts too.
- ``backup``: a backup recorded during the office-local day (``deskterm backup`` writes a
  change-log row of topic "backup" once its copy is whole; office None, the copy holding
  every office, and a row of any office counts).
- the rest (sheets handed over on paper): a ``DeadlineDone`` row (office, key, period).

``Deadline.markable`` says whether a ``DeadlineDone`` row counts for it (the deposit, the
work record, the canteen check, the stocktake, the Monday approval and the backup are
proved by their own records only).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from deskterm.clock import local, now_utc
from deskterm.db.models import DeadlineDone
from deskterm.duties.agenda.deadline_proofs import PROOFS
from deskterm.duties.schedule import at_local, end_of_day_utc, office_time, office_zone
from deskterm.i18n import N_, _

STATES = ("done", "missed", "due", "upcoming")


@dataclass(frozen=True)
class Rule:
    key: str
    when: str  # daily / mon..sun / weekend / day:N / month_end
    period: str  # day / week / last_week / month / last_month
    label: str  # N_(): translate with _() when shown
    clause: str
    proof: str  # how done-ness is proved (see the module docstring)
    markable: bool  # a DeadlineDone row counts
    at: str = ""  # an Office HH:MM field it falls due at ("": the end of the office day)
    optional: bool = False  # shown only for an office whose ``at`` is set


RULES: tuple[Rule, ...] = (
    Rule("deposit", "daily", "day", N_("Deposit the day's cash at the bank"),
         "[5.3]", "deposit", False, at="deposit_by_at"),
    Rule("backup", "daily", "day", N_("Database backed up"), "", "backup", False,
         at="backup_at", optional=True),
    Rule("work_record", "daily", "day", N_("Daily work record completed"),
         "[7.4.23]", "work_record", False),
    Rule("canteen_check", "daily", "day", N_("Canteen purchases verified"),
         "[5.10]", "canteen", False),
    Rule("callback_approval", "mon", "last_week",
         N_("Last week's callbacked orders to the manager for approval"),
         "[5.8][7.4.10]", "approval", False),
    Rule("assessments", "fri", "week", N_("Written assessments of clerks, at least 2 this week"),
         "[5.9]", "assessments", True),
    Rule("weekly_fee_summary", "weekend", "week",
         N_("Weekly fee-collection summary into the weekly report"), "[5.1]", "manual", True),
    Rule("weekly_work_summary", "weekend", "week", N_("Weekly work summary to the supervisor"),
         "[7.4.23]", "work_summary", True),
    Rule("attendance_sheet", "day:5", "last_month",
         N_("Attendance sheet, on-duty table and department ranking"), "[5.7]", "manual", True),
    Rule("canteen_meal_fees", "day:15", "last_month", N_("Last month's canteen meal fees"),
         "[5.10]", "manual", True),
    Rule("stocktake", "day:24", "month", N_("Stocktake of the inventory, stock ledger"),
         "[5.4]", "stocktake", False),
    Rule("monthly_fee_summary", "day:26", "month",
         N_("Month's fee-collection summary to manager and finance"), "[5.6]", "manual", True),
    Rule("orders_handover", "month_end", "month",
         N_("Repair orders handed over by district; public repair orders filed"),
         "[5.8][7.4.10]", "month_end_orders", True),
    Rule("complaint_summary", "month_end", "month",
         N_("Complaint summary to manager and general management"), "[6.7][7.4.16]",
         "manual", True),
    Rule("monthly_work_summary", "month_end", "month",
         N_("Monthly work summary and next month's plan"), "[7.4.23]", "work_summary", True),
)

#: A word or two for each deadline, where a line holds more than one (the status line).
SHORT_LABELS = {
    "deposit": N_("Deposit"),
    "backup": N_("Backup"),
    "work_record": N_("Work record"),
    "canteen_check": N_("Canteen check"),
    "callback_approval": N_("Approval"),
    "assessments": N_("Assessments"),
    "weekly_fee_summary": N_("Weekly fee summary"),
    "weekly_work_summary": N_("Weekly work summary"),
    "attendance_sheet": N_("Attendance sheet"),
    "canteen_meal_fees": N_("Meal fees"),
    "stocktake": N_("Stocktake"),
    "monthly_fee_summary": N_("Fee summary"),
    "orders_handover": N_("Orders handover"),
    "complaint_summary": N_("Complaint summary"),
    "monthly_work_summary": N_("Monthly work summary"),
}


def short_label(key: str) -> str:
    """The deadline's name in a word or two, translated."""
    return _(SHORT_LABELS[key])


RULES_BY_KEY = {rule.key: rule for rule in RULES}
RULE_ORDER = {rule.key: i for i, rule in enumerate(RULES)}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Deadline:
    """One calendar deadline for one period.

    ``label`` is translated; ``due_at`` is naive UTC; ``day`` is the office-local date it
    falls due; ``state`` is "done", "missed" (past due, not done), "due" (falls due today,
    or this weekend, and not done yet) or "upcoming".
    """

    key: str
    label: str
    clause: str
    due_at: dt.datetime
    period: str
    day: dt.date
    state: str = "upcoming"
    markable: bool = False

    @property
    def done(self) -> bool:
        return self.state == "done"


# -- the calendar ------------------------------------------------------------------------

def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _due_date(rule: Rule, day: dt.date) -> dt.date | None:
    """The date ``rule`` falls due if it is shown on ``day``, else None."""
    when = rule.when
    if when == "daily":
        return day
    if when in _WEEKDAYS:
        return day if day.weekday() == _WEEKDAYS.index(when) else None
    if when == "weekend":
        if day.weekday() == 5:
            return day + dt.timedelta(days=1)
        return day if day.weekday() == 6 else None
    last = _last_day(day.year, day.month)
    if when == "month_end":
        return day if day.day == last else None
    if when.startswith("day:"):
        return day if day.day == min(int(when[4:]), last) else None
    raise ValueError(f"unknown deadline rule {when!r}")


def _shown_from(rule: Rule, due: dt.date) -> dt.date:
    return due - dt.timedelta(days=1) if rule.when == "weekend" else due


def _iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _period(rule: Rule, due: dt.date) -> str:
    if rule.period == "day":
        return due.isoformat()
    if rule.period == "week":
        return _iso_week(due)
    if rule.period == "last_week":
        return _iso_week(due - dt.timedelta(days=7))
    if rule.period == "month":
        return f"{due.year}-{due.month:02d}"
    if rule.period == "last_month":
        previous = due.replace(day=1) - dt.timedelta(days=1)
        return f"{previous.year}-{previous.month:02d}"
    raise ValueError(f"unknown deadline period {rule.period!r}")


def _due_at(office, rule: Rule, due: dt.date) -> dt.datetime:
    if rule.at:
        return at_local(office, due, office_time(office, rule.at))
    return end_of_day_utc(office, due)


def _on_calendar(office, rule: Rule) -> bool:
    """Whether the office has ``rule`` on its calendar (an optional one: its time set)."""
    return not rule.optional or bool((getattr(office, rule.at) or "").strip())


def _bare(office, day: dt.date) -> list[Deadline]:
    """The deadlines shown on ``day``, without states."""
    found = []
    for rule in RULES:
        due = _due_date(rule, day) if _on_calendar(office, rule) else None
        if due is None:
            continue
        found.append(Deadline(
            key=rule.key, label=_(rule.label), clause=rule.clause,
            due_at=_due_at(office, rule, due), period=_period(rule, due), day=due,
            markable=rule.markable,
        ))
    return found


def _sorted(deadlines: Iterable[Deadline]) -> list[Deadline]:
    return sorted(deadlines, key=lambda d: (d.due_at, RULE_ORDER[d.key]))


def _done_keys(office, deadlines: list[Deadline], now: dt.datetime) -> set[tuple[str, str]]:
    """(key, period) of the ``deadlines`` that are done: a query or so per key, plus
    one for the DeadlineDone rows of the markable ones."""
    done: set[tuple[str, str]] = set()
    by_key: dict[str, list[Deadline]] = defaultdict(list)
    for deadline in deadlines:
        by_key[deadline.key].append(deadline)
    for key, group in by_key.items():
        check = PROOFS.get(RULES_BY_KEY[key].proof)
        if check is not None:
            done |= {(key, period) for period in check(office, group, now)}
    markable = [d for d in deadlines if d.markable]
    if markable:
        rows = (
            DeadlineDone.select(DeadlineDone.key, DeadlineDone.period)
            .where((DeadlineDone.office == office)
                   & DeadlineDone.key.in_(sorted({d.key for d in markable}))
                   & DeadlineDone.period.in_(sorted({d.period for d in markable})))
            .tuples()
        )
        keys = {d.key for d in markable}
        done |= {(key, period) for key, period in rows if key in keys}
    return done


def _with_states(office, deadlines: list[Deadline], now: dt.datetime) -> list[Deadline]:
    if not deadlines:
        return []
    done = _done_keys(office, deadlines, now)
    today = local(now, office_zone(office)).date()
    result = []
    for deadline in deadlines:
        if (deadline.key, deadline.period) in done:
            state = "done"
        elif now >= deadline.due_at:
            state = "missed"
        elif _shown_from(RULES_BY_KEY[deadline.key], deadline.day) <= today:
            state = "due"
        else:
            state = "upcoming"
        result.append(replace(deadline, state=state))
    return result


# -- the public API ----------------------------------------------------------------------

def deadlines_on(office, day: dt.date, now: dt.datetime | None = None) -> list[Deadline]:
    """The deadlines shown on office-local ``day`` (the weekend summary on Saturday and
    Sunday), with their states as of ``now``, ordered by due time."""
    now = now or now_utc()
    return _sorted(_with_states(office, _bare(office, day), now))


def is_done(office, deadline: Deadline, now: dt.datetime | None = None) -> bool:
    """Whether the records (or, where markable, a DeadlineDone row) prove ``deadline`` done."""
    now = now or now_utc()
    return (deadline.key, deadline.period) in _done_keys(office, [deadline], now)


def _between(office, first: dt.date, days: int) -> list[Deadline]:
    seen: set[tuple[str, str]] = set()
    found = []
    for offset in range(days):
        for deadline in _bare(office, first + dt.timedelta(days=offset)):
            if (deadline.key, deadline.period) not in seen:
                seen.add((deadline.key, deadline.period))
                found.append(deadline)
    return found


def upcoming(office, now: dt.datetime | None = None, days: int = 7, *,
             include_done: bool = False) -> list[Deadline]:
    """Deadlines shown from today through the next ``days - 1`` days (office-local), by
    due time, with states; done ones only with ``include_done``. Today's missed ones are
    included (they are still to do)."""
    now = now or now_utc()
    today = local(now, office_zone(office)).date()
    found = _with_states(office, _between(office, today, max(days, 1)), now)
    if not include_done:
        found = [d for d in found if d.state != "done"]
    return _sorted(found)


def next_deadline(office, now: dt.datetime | None = None) -> Deadline | None:
    """The first deadline not done that falls due at or after ``now`` (before 17:00 that is
    today's deposit, unless it is done; then the next one of the calendar)."""
    now = now or now_utc()
    today = local(now, office_zone(office)).date()
    for days in (2, 8, 40):
        candidates = [d for d in _between(office, today, days) if d.due_at >= now]
        for deadline in _sorted(_with_states(office, candidates, now)):
            if deadline.state != "done":
                return deadline
    return None


#: How many days ahead the status line says a calendar deadline is due soon.
SOON_DAYS = 3


def due_soon(office, now: dt.datetime | None = None, days: int = SOON_DAYS) -> list[Deadline]:
    """The deadlines of the calendar that are not daily (weekly, monthly, month end), not
    done and not past due, falling due from today through ``days`` days ahead (office-local),
    by due time: what the status line says is due soon, in the days before and on the day.
    The daily ones are always near: ``next_deadline`` tells them."""
    now = now or now_utc()
    today = local(now, office_zone(office)).date()
    candidates = [d for d in _between(office, today, max(days, 0) + 1)
                  if RULES_BY_KEY[d.key].when != "daily" and d.due_at >= now]
    return [d for d in _sorted(_with_states(office, candidates, now)) if d.state != "done"]
