"""Weekly and monthly work summaries, and next month's plan [7.4.23].

A summary (``WorkSummary``) is one clerk's, for one period: ``kind`` "week" with an ISO
week ``2026-W48``, or "month" with ``2026-11`` (the periods of ``deadlines.py``). It
starts from the clerk's daily work records of the period: their figures summed (a missing
figure counts 0, as in the demo's records) and their notes, day by day. The clerk edits
the text, saves it as a draft and submits it; a submitted summary no longer changes. A
monthly summary needs next month's plan to be submitted. The calendar's
``weekly_work_summary`` / ``monthly_work_summary`` proofs are a submitted summary of that
kind and period.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from deskterm.clock import local, now_utc
from deskterm.db import changes
from deskterm.db.models import DailyWorkRecord, Office, Staff, WorkSummary
from deskterm.duties.parsing import clean_free_text
from deskterm.duties.records import create_row, desk_person, locked, update_row
from deskterm.duties.schedule import office_zone
from deskterm.duties.shift.work_records import (
    MONEY_FIGURES,
    figure_label,
    load_figures,
    ordered_figures,
)
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import format_fen

KINDS = ("week", "month")
TEXT_LIMIT = 4000
_WEEK = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.]?\s*(\d{1,2})\s*$")


def period_of(kind: str, day: dt.date) -> str:
    """The period ``day`` falls in: ``2026-W48`` or ``2026-11``."""
    if kind == "week":
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    raise DutyError(_("Choose one of: {choices}.").format(choices=", ".join(KINDS)), "kind")


def parse_period(kind: str, text: str | None) -> tuple[str, dt.date, dt.date]:
    """``"2026-W48"`` (week) or ``"2026-11"`` (month) → (the period as stored, its first
    day, its last day); else DutyError on "period"."""
    if kind not in KINDS:
        raise DutyError(_("Choose one of: {choices}.").format(choices=", ".join(KINDS)), "kind")
    text = str(text or "")
    if kind == "week":
        match = _WEEK.match(text)
        try:
            first = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except (AttributeError, ValueError):
            raise DutyError(_("Enter a week like 2026-W48."), "period") from None
        last = first + dt.timedelta(days=6)
    else:
        match = _MONTH.match(text)
        try:
            first = dt.date(int(match.group(1)), int(match.group(2)), 1)
        except (AttributeError, ValueError):
            raise DutyError(_("Enter a month like 2026-11."), "period") from None
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
            days=1)
    if int(match.group(1)) < 2000:  # a typo, not a period of this desk
        raise DutyError(_("Enter a week like 2026-W48.") if kind == "week"
                        else _("Enter a month like 2026-11."), "period")
    return period_of(kind, first), first, last


@dataclass(frozen=True)
class SummaryDraft:
    """A summary as the form starts it: stored (its text) or new (the text drafted from
    the day records). ``figures`` are the day records' figures summed."""

    kind: str
    period: str
    first: dt.date
    last: dt.date
    figures: dict[str, int] = field(default_factory=dict)
    days: int = 0  # day records in the period
    notes: tuple[tuple[dt.date, str], ...] = ()
    summary: str = ""
    plan: str = ""
    submitted_at: dt.datetime | None = None
    stored: bool = False

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


def summed_figures(office: Office, staff_id: int, first: dt.date, last: dt.date
                   ) -> tuple[dict[str, int], int, tuple[tuple[dt.date, str], ...]]:
    """The day records of ``staff_id`` from ``first`` to ``last``: figures summed, how
    many records, and each non-empty note with its day."""
    rows = (DailyWorkRecord.select(DailyWorkRecord.day, DailyWorkRecord.figures,
                                   DailyWorkRecord.notes)
            .where((DailyWorkRecord.office == office) & (DailyWorkRecord.staff == staff_id)
                   & (DailyWorkRecord.day >= first) & (DailyWorkRecord.day <= last))
            .order_by(DailyWorkRecord.day).tuples())
    totals: dict[str, int] = {}
    notes = []
    count = 0
    for day, text, note in rows:
        count += 1
        for key, value in load_figures(text).items():
            totals[key] = totals.get(key, 0) + value
        if (note or "").strip():
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
            notes.append((day, note.strip()))
    return totals, count, tuple(notes)


def draft_text(figures: dict[str, int], days: int, notes) -> str:
    """The summary's starting text: the figures, then the notes day by day."""
    lines = [_("Day records: {days}").format(days=days)]
    for key, value in ordered_figures(figures):
        shown = format_fen(value) if key in MONEY_FIGURES else str(value)
        lines.append(f"{figure_label(key)}: {shown}")
    for day, note in notes:
        lines.append(f"{day.month:02d}-{day.day:02d} {note}")
    return "\n".join(lines)


def _stored(office: Office, staff_id: int, kind: str, period: str, *, lock: bool = False
            ) -> WorkSummary | None:
    query = WorkSummary.select().where(
        (WorkSummary.office == office) & (WorkSummary.staff == staff_id)
        & (WorkSummary.kind == kind) & (WorkSummary.period == period))
    return (locked(query) if lock else query).first()


def current_period(office: Office, kind: str) -> str:
    """This week's or this month's period, office-local."""
    return period_of(kind, local(now_utc(), office_zone(office)).date())


def work_summary(office: Office, staff: Staff | int, kind: str,
                 period: str | None = None) -> SummaryDraft:
    """The summary of ``staff`` for ``period`` (the current one): as stored, or drafted
    from the day records."""
    period, first, last = parse_period(kind, period or current_period(office, kind))
    staff_id = staff.get_id() if isinstance(staff, Staff) else int(staff)
    figures, days, notes = summed_figures(office, staff_id, first, last)
    row = _stored(office, staff_id, kind, period)
    base = dict(kind=kind, period=period, first=first, last=last, figures=figures,
                days=days, notes=notes)
    if row is None:
        return SummaryDraft(**base, summary=draft_text(figures, days, notes))
    return SummaryDraft(**base, summary=row.summary, plan=row.plan,
                        submitted_at=row.submitted_at, stored=True)


def _write(office: Office, clerk: Staff | int, kind: str, period: str, summary: str | None,
           plan: str | None, submit: bool) -> WorkSummary:
    period, _first, _last = parse_period(kind, period)
    summary = clean_free_text(summary, "summary", max_length=TEXT_LIMIT, required=submit,
                              multiline=True, empty_message=_("Write the summary."))
    plan = clean_free_text(plan, "plan", max_length=TEXT_LIMIT,
                           required=submit and kind == "month", multiline=True,
                           empty_message=_("Write next month's plan."))
    with changes.write():
        clerk = desk_person(office, clerk)
        row = _stored(office, clerk.id, kind, period, lock=True)
        if row is not None and row.submitted_at is not None:
            raise DutyError(_("The summary of {period} was submitted: it can no longer "
                              "change.").format(period=period), "summary")
        values = dict(summary=summary, plan=plan)
        if submit:
            values["submitted_at"] = now_utc()
        if row is None:
            return create_row(WorkSummary, office, clerk, office=office, staff=clerk,
                              kind=kind, period=period, **values)
        update_row(row, office, clerk, "submit" if submit else "update", **values)
        return row


def save_summary(office: Office, clerk: Staff | int, kind: str, period: str, *,
                 summary: str | None, plan: str | None = "") -> WorkSummary:
    """Save the clerk's own summary as a draft (either text may be empty)."""
    return _write(office, clerk, kind, period, summary, plan, submit=False)


def submit_summary(office: Office, clerk: Staff | int, kind: str, period: str, *,
                   summary: str | None, plan: str | None = "") -> WorkSummary:
    """Submit the clerk's own summary (a month's needs next month's plan); it can no
    longer change."""
    return _write(office, clerk, kind, period, summary, plan, submit=True)
