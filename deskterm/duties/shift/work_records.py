"""The clerk's daily work record (个人工作控制日清记录表) [7.4.23].

The figures are counted from what the clerk actually did that office-local day, never
typed: calls taken (service-register lines they recorded), repair orders registered,
dispatched and returned (dispatch and return have no "by" column: the change log's
``dispatch``/``return`` rows say who did them; an order registered with its technician
counts as dispatched too), callbacks made, payments taken, receipts voided and the
payments net of voids (``cashdesk/takings.py``: the figure fee collection and the cash
pane show; a void counts for whoever made it, on its day), bank deposits and their
total, handovers signed (either side)
and complaints received, tasks done and tasks (theirs or nobody's) still open at the
day's end (``tasks.day_task_figures``). They are stored as ``DailyWorkRecord.figures``
JSON (integers, money in fen) with the clerk's own notes.

A record is saved as a draft (figures recounted at each save) and submitted at the end of
the day (``submitted_at``); a submitted record no longer changes. The deadline calendar's
``work_record`` proof is a submitted record for the day (``deadlines.py``).

The demo office's records carry only ``orders_registered`` and ``payments``: every reader
here takes a missing figure as 0 and keeps keys it does not know.

Weekly and monthly summaries are in ``work_summaries.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from peewee import fn

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db import changes
from deskterm.db.models import (
    BankDeposit,
    Callback,
    ChangeLog,
    Complaint,
    DailyWorkRecord,
    Handover,
    Office,
    RepairOrder,
    ServiceEntry,
    Staff,
)
from deskterm.duties.cashdesk.takings import takings
from deskterm.duties.parsing import clean_free_text
from deskterm.duties.records import create_row, desk_person, locked, update_row
from deskterm.duties.schedule import office_zone
from deskterm.duties.shift.tasks import day_task_figures
from deskterm.errors import DutyError
from deskterm.i18n import N_, _

#: The figures in the record's order, with their labels (translate with _()).
FIGURES: dict[str, str] = {
    "calls_taken": N_("Calls taken"),
    "orders_registered": N_("Orders registered"),
    "orders_dispatched": N_("Orders dispatched"),
    "orders_returned": N_("Orders returned"),
    "callbacks": N_("Callbacks made"),
    "payments": N_("Payments taken"),
    "voids": N_("Receipts voided"),
    "payments_net": N_("Payments, net of voids"),
    "deposits": N_("Bank deposits"),
    "deposits_total": N_("Deposits total"),
    "handovers": N_("Handovers signed"),
    "complaints": N_("Complaints received"),
    "tasks_done": N_("Tasks done"),
    "tasks_open": N_("Tasks still open"),
}
#: Figures records stored before and no longer counted, with their labels: older records
#: kept the payments' total before voids as "payments_total".
OLD_FIGURES: dict[str, str] = {"payments_total": N_("Payments before voids")}
#: The figures that are money (fen).
MONEY_FIGURES = frozenset({"payments_net", "payments_total", "deposits_total"})
NOTES_LIMIT = 2000


@dataclass(frozen=True)
class WorkRecord:
    """One clerk's record for one day: stored (draft or submitted) or not yet.

    ``figures`` are the stored ones once submitted, else counted now."""

    staff_id: int
    staff_name: str
    day: dt.date
    figures: dict[str, int] = field(default_factory=dict)
    notes: str = ""
    submitted_at: dt.datetime | None = None
    stored: bool = False

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


def load_figures(text: str | None) -> dict[str, int]:
    """Stored figures JSON → {key: int}; anything unreadable counts as nothing."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    found = {}
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        found[str(key)] = int(value)
    return found


def ordered_figures(figures: dict[str, int]) -> list[tuple[str, int]]:
    """(key, value): the known figures in FIGURES order (missing ones as 0), then the
    unknown keys a record carries, sorted."""
    rows = [(key, int(figures.get(key, 0))) for key in FIGURES]
    rows += [(key, figures[key]) for key in sorted(figures) if key not in FIGURES]
    return rows


def figure_label(key: str) -> str:
    label = FIGURES.get(key) or OLD_FIGURES.get(key)
    return _(label) if label else key


def _count(query) -> int:
    return int(query.count())


def day_figures(office: Office, staff: Staff | int, day: dt.date) -> dict[str, int]:
    """What ``staff`` did on office-local ``day``, counted from the records."""
    staff_id = staff.get_id() if isinstance(staff, Staff) else int(staff)
    start, end = day_bounds_utc(day, office_zone(office))

    def changed(action: str) -> set[int]:
        return {row[0] for row in ChangeLog.select(ChangeLog.row_id).where(
            (ChangeLog.office == office) & (ChangeLog.topic == "repair_order")
            & (ChangeLog.action == action) & (ChangeLog.staff == staff_id)
            & (ChangeLog.at >= start) & (ChangeLog.at < end)).tuples()}

    # An order registered with its technician is dispatched by the same call.
    dispatched_at_once = {row[0] for row in RepairOrder.select(RepairOrder.id).where(
        (RepairOrder.office == office) & (RepairOrder.registered_by == staff_id)
        & (RepairOrder.registered_at >= start) & (RepairOrder.registered_at < end)
        & (RepairOrder.dispatched_at == RepairOrder.registered_at)).tuples()}

    taken = takings(office, start, end, clerk=staff_id)
    banked = BankDeposit.select(fn.COUNT(BankDeposit.id), fn.SUM(BankDeposit.amount)).where(
        (BankDeposit.office == office) & (BankDeposit.deposited_by == staff_id)
        & (BankDeposit.at >= start) & (BankDeposit.at < end)).tuples().first()
    return {
        "calls_taken": _count(ServiceEntry.select().where(
            (ServiceEntry.office == office) & (ServiceEntry.recorded_by == staff_id)
            & (ServiceEntry.at >= start) & (ServiceEntry.at < end))),
        "orders_registered": _count(RepairOrder.select().where(
            (RepairOrder.office == office) & (RepairOrder.registered_by == staff_id)
            & (RepairOrder.registered_at >= start) & (RepairOrder.registered_at < end))),
        "orders_dispatched": len(changed("dispatch") | dispatched_at_once),
        "orders_returned": len(changed("return")),
        "callbacks": _count(Callback.select().where(
            (Callback.office == office) & (Callback.by == staff_id)
            & (Callback.at >= start) & (Callback.at < end))),
        "payments": taken.payments,
        "voids": taken.voids,
        "payments_net": taken.net,
        "deposits": int(banked[0] or 0),
        "deposits_total": int(banked[1] or 0),
        "handovers": _count(Handover.select().where(
            (Handover.office == office)
            & ((Handover.from_staff == staff_id) | (Handover.to_staff == staff_id))
            & (Handover.signed_at >= start) & (Handover.signed_at < end))),
        "complaints": _count(Complaint.select().where(
            (Complaint.office == office) & (Complaint.received_by == staff_id)
            & (Complaint.received_at >= start) & (Complaint.received_at < end))),
        **day_task_figures(office, staff_id, day),
    }


def _today(office: Office) -> dt.date:
    return local(now_utc(), office_zone(office)).date()


def _checked_day(office: Office, day: dt.date | None) -> dt.date:
    today = _today(office)
    if day is None:
        return today
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise DutyError(_("Enter a day like 2026-11-26."), "day")
    if day > today:
        raise DutyError(_("A day still to come has no work record yet."), "day")
    return day


def _stored(office: Office, staff_id: int, day: dt.date, *, lock: bool = False
            ) -> DailyWorkRecord | None:
    query = DailyWorkRecord.select().where(
        (DailyWorkRecord.office == office) & (DailyWorkRecord.staff == staff_id)
        & (DailyWorkRecord.day == day))
    return (locked(query) if lock else query).first()


def work_record(office: Office, staff: Staff | int, day: dt.date | None = None) -> WorkRecord:
    """The record of ``staff`` for ``day`` (today): a submitted one as stored; a draft with
    its notes and the figures counted now; none yet with the figures counted now."""
    day = _checked_day(office, day)
    staff_id = staff.get_id() if isinstance(staff, Staff) else int(staff)
    person = Staff.get_or_none((Staff.id == staff_id) & (Staff.office == office))
    if person is None:
        raise DutyError(_("Choose someone from this office's staff list."), "staff")
    row = _stored(office, staff_id, day)
    if row is not None and row.submitted_at is not None:
        figures = load_figures(row.figures)
    else:
        figures = day_figures(office, staff_id, day)
    return WorkRecord(staff_id=staff_id, staff_name=person.name, day=day, figures=figures,
                      notes=row.notes if row is not None else "",
                      submitted_at=row.submitted_at if row is not None else None,
                      stored=row is not None)


def _write(office: Office, clerk: Staff | int, day: dt.date | None, notes: str | None,
           submit: bool) -> DailyWorkRecord:
    day = _checked_day(office, day)
    notes = clean_free_text(notes, "notes", max_length=NOTES_LIMIT, required=False,
                            multiline=True)
    now = now_utc()
    with changes.write():
        clerk = desk_person(office, clerk)
        row = _stored(office, clerk.id, day, lock=True)
        if row is not None and row.submitted_at is not None:
            raise DutyError(_("The work record of {day} was submitted: it can no longer "
                              "change.").format(day=day.isoformat()), "record")
        figures = json.dumps(day_figures(office, clerk, day), sort_keys=True)
        values = dict(figures=figures, notes=notes)
        if submit:
            values["submitted_at"] = now
        if row is None:
            return create_row(DailyWorkRecord, office, clerk, office=office, staff=clerk,
                              day=day, **values)
        update_row(row, office, clerk, "submit" if submit else "update", **values)
        return row


def save_work_record(office: Office, clerk: Staff | int, notes: str | None = "", *,
                     day: dt.date | None = None) -> DailyWorkRecord:
    """Save the clerk's own record for ``day`` (today) as a draft: the figures counted now
    and the notes. Refused once submitted."""
    return _write(office, clerk, day, notes, submit=False)


def submit_work_record(office: Office, clerk: Staff | int, notes: str | None = "", *,
                       day: dt.date | None = None) -> DailyWorkRecord:
    """Submit the clerk's own record for ``day`` (today): the figures counted now, the
    notes, ``submitted_at``. It can no longer change."""
    return _write(office, clerk, day, notes, submit=True)
