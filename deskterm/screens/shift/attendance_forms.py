"""The attendance view's forms [7.4.14]: sign in or out (the person's own PIN), leave or
absence (a supervisor's or the manager's PIN and a reason), and a correction of one row.

``AttendanceForm`` is one small keyboard form: labelled fields in rows (an ``Input``, a
PIN ``Input`` that shows dots, a ``Select`` or a ``Checkbox``), an error line under each
(fed by ``DutyError.field``, taking no room while empty), and the duty run in a thread
worker on ctrl+s (or Enter in the last field). It dismisses with what the duty returned;
Esc closes it with nothing stored. ``sign_form``, ``leave_form`` and ``correct_form``
build the three forms.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from deskterm.clock import local
from deskterm.display import fit
from deskterm.duties.shift import attendance
from deskterm.duties.shift.attendance_sheet import TodayRow
from deskterm.i18n import _
from deskterm.screens.kit.field_form import Field, FieldForm

CSS = str(files("deskterm.styles") / "attendance.tcss")


class AttendanceForm(FieldForm):
    """The attendance view's forms (ids ``att-*``)."""

    PREFIX = "att"
    CSS_PATH = CSS


def _people(rows: list[tuple[int, str]]) -> tuple[tuple[str, object], ...]:
    return tuple((fit(name, 20), sid) for sid, name in rows)


def sign_form(office, people: list[tuple[int, str]], chosen: int | None, *,
              at_desk: int | None = None) -> AttendanceForm:
    """Sign someone in or out: who (chosen first: the highlighted row), which sign (the
    next one by default), and THEIR PIN."""
    slots = ((_("next sign"), ""),) + tuple(
        (attendance.slot_label(slot), slot) for slot in attendance.SIGN_SLOTS)
    fields = [
        Field("staff", _("Person"), chosen, _people(people), kind="select"),
        Field("slot", _("Sign"), "", slots, kind="select"),
        Field("pin", _("Their PIN"), kind="pin", max_length=16, placeholder=_("4 to 8 digits")),
    ]

    def save(values: dict):
        return attendance.sign(office, values["staff"], values["pin"], values["slot"] or None,
                               at_desk=at_desk)

    return AttendanceForm(_("Sign in or out"), fields, save,
                          note=_("Everyone signs with their own PIN."))


def leave_form(office, kind: str, people: list[tuple[int, str]], chosen: int | None,
               recorders: list[tuple[int, str]], by: int | None,
               today: dt.date, *, at_desk: int | None = None) -> AttendanceForm:
    """Record leave (``kind`` "leave") or absence for a day, with a reason; a supervisor's
    or the manager's own PIN."""
    fields = [
        Field("staff", _("Person"), chosen, _people(people), kind="select"),
        Field("day", _("Day"), value=today.isoformat(), max_length=10,
              placeholder="2026-11-27"),
        Field("reason", _("Reason"), max_length=attendance.REASON_LIMIT,
              placeholder=_("年假, 病假, 事假...") if kind == "leave" else ""),
        Field("by", _("Recorded by"), by, _people(recorders), kind="select"),
        Field("pin", _("PIN"), kind="pin", max_length=16, placeholder=_("the recorder's PIN")),
    ]

    def save(values: dict):
        day = attendance.parse_day(values["day"], today)
        return attendance.record_leave(office, values["by"], values["pin"], values["staff"],
                                       day, values["reason"], kind, at_desk=at_desk)

    title = _("Record leave") if kind == "leave" else _("Record absence")
    return AttendanceForm(title, fields, save)


def mark_text(mark, tz: str) -> str:
    """``08:40 Morning in · 20 min late`` (or ``leave 年假``), one line."""
    at = local(mark.at, tz).format("HH:mm")
    if mark.kind in ("leave", "absence"):
        what = (_("leave") if mark.kind == "leave" else _("absence")) + " " + mark.reason
    else:
        what = attendance.slot_label(mark.slot)
        if mark.minutes:
            word = _("{n} min late") if mark.kind == "sign_in" else _("{n} min early")
            what += " · " + word.format(n=mark.minutes)
    return fit(f"{at} {what}" + (" " + _("(corrected)") if mark.corrected else ""), 40)


def correct_form(office, row: TodayRow, tz: str, recorders: list[tuple[int, str]],
                 by: int | None, *, at_desk: int | None = None) -> AttendanceForm:
    """Correct one of ``row``'s events: a new time and/or sign, or strike it out; the
    reason and a supervisor's or the manager's PIN. Nothing is edited: the correction is
    a new row that points at the wrong one."""
    slots = ((_("unchanged"), ""),) + tuple(
        (attendance.slot_label(slot), slot) for slot in attendance.SIGN_SLOTS)
    marks = tuple((mark_text(m, tz), m.id) for m in row.marks)
    fields = [
        Field("event", _("Row"), marks[-1][1], marks, kind="select"),
        Field("time", _("Right time"), max_length=8, placeholder="08:15"),
        Field("slot", _("Right sign"), "", slots, kind="select"),
        Field("void", _("Strike out"), False, kind="check",
              placeholder=_("the row should not be there")),
        Field("reason", _("Why"), max_length=attendance.REASON_LIMIT),
        Field("by", _("Corrected by"), by, _people(recorders), kind="select"),
        Field("pin", _("PIN"), kind="pin", max_length=16, placeholder=_("the corrector's PIN")),
    ]

    def save(values: dict):
        return attendance.correct(office, values["by"], values["pin"], values["event"],
                                  values["reason"], time=values["time"],
                                  slot=values["slot"] or None, void=bool(values["void"]),
                                  at_desk=at_desk)

    return AttendanceForm(_("Correct {name}'s attendance").format(name=row.name), fields,
                          save, note=_("The wrong row stays; the correction is added."))
