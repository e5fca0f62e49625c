"""Read-only lists around the approval duties [5.8][7.4.10], and their printable copy.

- ``approval_week``: which week the Monday approval lists, on any day;
- ``pending_handover`` / ``pending_filing``: what ``month_end_handover`` and
  ``file_public_orders`` would take for a month (the same conditions, read only);
- ``active_managers`` / ``cs_supervisors``: the people the screens offer;
- ``printable_list`` / ``write_printout``: a list of orders as plain UTF-8 text with
  CJK-aware columns, written to the export folder (``printout_folder``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from peewee import JOIN
from rich.cells import cell_len

from deskterm.clock import local, now_utc
from deskterm.db.models import District, Office, RepairOrder, Staff
from deskterm.duties.months import month_bounds
from deskterm.duties.natural import natural_key
from deskterm.duties.repairs.approvals import (
    ListedOrder,
    filing_where,
    handover_where,
    listed_orders,
)
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.printing.kept import keep, printout_folder  # noqa: F401 - lists' folder

RESULT_WORDS = {"done": N_("done"), "not_done": N_("not done")}


def approval_week(today: dt.date) -> dt.date:
    """A day of the week the Monday approval lists when the list is opened on ``today``.

    Always last week: on Monday that is the week just ended; on Tuesday (the manager was
    out on Monday) or later it is still last week, and what was called back this week
    waits for next Monday's batch. ``approval_list`` adds the leftovers of earlier weeks.
    """
    return today - dt.timedelta(days=7)


@dataclass(frozen=True)
class HandoverGroup:
    """One district's orders waiting for the month-end handover."""

    district_id: int
    district_code: str
    district_name: str
    cs_supervisor_id: int | None  # the district's CS supervisor, when set and active
    cs_supervisor_name: str
    orders: tuple[ListedOrder, ...]


def pending_handover(office: Office, month) -> list[HandoverGroup]:
    """What ``month_end_handover`` would hand over for ``month``, by district (code
    order); districts with nothing to hand over are left out."""
    _start, end = month_bounds(office, month)
    where = handover_where(office, end)
    district_of = dict(RepairOrder.select(RepairOrder.id, RepairOrder.district)
                       .where(where).tuples())
    if not district_of:
        return []
    by_district: dict[int, list[ListedOrder]] = {}
    for row in listed_orders(where):
        if row.id in district_of:  # one returned between the two reads is left for next time
            by_district.setdefault(district_of[row.id], []).append(row)
    supervisor = Staff.alias()
    districts = (District.select(District.id, District.code, District.name, supervisor.id,
                                 supervisor.name, supervisor.role, supervisor.active)
                 .join(supervisor, on=(District.cs_supervisor == supervisor.id),
                       join_type=JOIN.LEFT_OUTER)
                 .where((District.office == office) & District.id.in_(list(by_district)))
                 .tuples())
    groups = []
    for district_id, code, name, cs_id, cs_name, role, active in sorted(
            districts, key=lambda row: natural_key(row[1])):
        usable = cs_id is not None and role == "cs_supervisor" and active
        groups.append(HandoverGroup(district_id, code, name, cs_id if usable else None,
                                    cs_name if usable else "", tuple(by_district[district_id])))
    return groups


def pending_filing(office: Office, month) -> list[ListedOrder]:
    """What ``file_public_orders`` would file for ``month``."""
    _start, end = month_bounds(office, month)
    return listed_orders(filing_where(office, end))


def _people(office: Office, role: str) -> list[tuple[int, str]]:
    return list(Staff.select(Staff.id, Staff.name)
                .where((Staff.office == office) & (Staff.role == role) & Staff.active)
                .order_by(Staff.name, Staff.id).tuples())


def active_managers(office: Office) -> list[tuple[int, str]]:
    """The office's active managers (id, name): who may approve."""
    return _people(office, "manager")


def cs_supervisors(office: Office) -> list[tuple[int, str]]:
    """The office's active customer-service supervisors (id, name)."""
    return _people(office, "cs_supervisor")


def previous_month(today: dt.date) -> str:
    """``"2026-10"`` on any day of November 2026: the month a month-end handover closes."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


# --- the printable copy ----------------------------------------------------------------------

def _stamp(moment: dt.datetime | None, tz: str, year: int) -> str:
    if moment is None:
        return ""
    shown = local(moment, tz)
    return shown.format("MM-DD HH:mm" if shown.year == year else "YYYY-MM-DD HH:mm")


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def _clean(text: str) -> str:
    """One line of printable text: control characters and line breaks become spaces, runs
    of spaces one (markup and CJK stay as typed)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text or ""))
    return " ".join(text.split())


def order_cells(row: ListedOrder, tz: str, year: int) -> tuple[str, ...]:
    """One printable line's cells; the description comes last and is never cut."""
    result = _(RESULT_WORDS[row.result]) if row.result in RESULT_WORDS else row.result
    called = _stamp(row.called_back_at, tz, year)
    if called and row.callback_on_time is not None:
        called += " " + (_("on time") if row.callback_on_time else _("late"))
    return (_clean(row.number), _clean(row.place), _clean(row.technician), _clean(result),
            format_fen(row.charge, symbol=False), _stamp(row.returned_at, tz, year), called,
            _clean(row.description))


def printable_list(title: str, rows: Sequence[ListedOrder], tz: str, *, office_name: str = "",
                   printed_by: str = "", now: dt.datetime | None = None,
                   signatures: Sequence[str] = ()) -> str:
    """The list as plain text: heading, one aligned line per order (terminal cells, so a
    CJK character counts two), the count and total charge, then a line to sign for each
    of ``signatures``. Text is printed verbatim: markup stays as typed."""
    now = now or now_utc()
    year = local(now, tz).year
    heads = (_("No."), _("Place"), _("Technician"), _("Result"), _("Charge"), _("Returned"),
             _("Called back"), _("Description"))
    table = [heads] + [order_cells(row, tz, year) for row in rows]
    widths = [max(cell_len(line[i]) for line in table) for i in range(len(heads))]
    right = {4}  # the charge, aligned on the decimal point

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            if i == len(cells) - 1:
                out.append(cell)
            elif i in right:
                out.append(" " * (widths[i] - cell_len(cell)) + cell)
            else:
                out.append(_pad(cell, widths[i]))
        return "  ".join(out).rstrip()

    printed = _("Printed {when}").format(when=local(now, tz).format("YYYY-MM-DD HH:mm"))
    if printed_by:
        printed += " " + _("by {name}").format(name=_clean(printed_by))
    lines = [_clean(office_name), _clean(title), printed, ""] if office_name else [
        _clean(title), printed, ""]
    lines.append(line(heads))
    lines.append(line(["-" * w for w in widths[:-1]] + ["-" * max(widths[-1], 4)]))
    lines.extend(line(cells) for cells in table[1:])
    lines.append("")
    lines.append(_("{n} orders · charges {amount}").format(
        n=len(rows), amount=format_fen(sum(row.charge for row in rows))))
    for who in signatures:
        lines.append("")
        lines.append(_("{who}: ____________________    Date: ____________").format(who=who))
    return "\n".join(lines) + "\n"


def write_printout(text: str, stem: str, folder: str | Path | None = None, *,
                   tz: str = "UTC", now: dt.datetime | None = None) -> Path:
    """Write ``text`` (UTF-8) as ``<stem>-<YYYYMMDD-HHmmss>.txt`` in ``printout_folder``;
    a name already there gets ``-2``, ``-3``... Returns the file's path. The file is
    private (``deskterm.private_files``: 0600, 0660 in a group folder) and never seen
    half-written."""
    return keep(text.encode("utf-8"), stem, ".txt", folder, tz=tz, now=now, unnamed="list")
