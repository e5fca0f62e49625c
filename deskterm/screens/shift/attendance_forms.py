"""The attendance view's forms [7.4.14]: sign in or out (the person's own PIN), leave or
absence (a supervisor's or the manager's PIN and a reason), and a correction of one row.

``AttendanceForm`` is a kit ``DeskForm`` made from a list of fields and the duty to run:
labelled fields (a ``TextInput``, a ``PinInput`` that shows dots, a ``Select`` or a
``Checkbox``), an error line under each (fed by ``DutyError.field``), the duty run in the
kit's worker on ctrl+s (or Enter in the last field). The cursor starts in the first field
the clerk has to fill (the person and the day come chosen: the PIN, the reason, the
corrected time). It dismisses with what the duty returned; a refusal empties the PIN; Esc
closes it with nothing stored (asking first when something was typed). ``sign_form``,
``leave_form`` and ``correct_form`` build the three forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib.resources import files

from deskterm.clock import local
from deskterm.display import fit
from deskterm.duties.pins import normalise_pin
from deskterm.duties.shift import attendance
from deskterm.duties.shift.attendance_sheet import TodayRow
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm

CSS = str(files("deskterm.styles") / "attendance.tcss")


class AttendanceForm(DeskForm):
    """The attendance view's forms (ids ``att-*``); ``save(values)`` is the duty."""

    PREFIX = "att"
    CSS_PATH = CSS
    ENTER_SAVES = True

    def __init__(self, session, title: str, fields: list[Field],
                 save: Callable[[dict], object], *, note: str = "", first: str = "") -> None:
        super().__init__(session, title=title, note=note, fields=fields,
                         id="attendance-form")
        self.duty = save
        self.first = first  # the field the cursor starts in, when not the first to fill

    def first_focus(self):
        if self.first:
            return self.widget(self.first)
        return super().first_focus()

    def save(self, values: dict):
        return self.duty(values)


def _people(rows: list[tuple[int, str]]) -> tuple[tuple[str, object], ...]:
    return tuple((fit(name, 20), sid) for sid, name in rows)


def _day(value, today: dt.date) -> dt.date:
    """The day parsed by the form's check; an empty field is today."""
    return value if isinstance(value, dt.date) else today


def _pin(label: str, placeholder: str) -> Field:
    return Field("pin", label, kind="pin", placeholder=placeholder,
                 required=N_("Enter the PIN."), parse=normalise_pin)


def _by(label: str, recorders: list[tuple[int, str]], by: int | None) -> Field:
    return Field("by", label, kind="select", options=_people(recorders), initial=by)


def sign_form(session, people: list[tuple[int, str]], chosen: int | None, *,
              at_desk: int | None = None) -> AttendanceForm:
    """Sign someone in or out: who (chosen first: the highlighted row), which sign (the
    next one by default), and THEIR PIN."""
    slots = ((N_("next sign"), ""),) + tuple(
        (attendance.slot_label(slot), slot) for slot in attendance.SIGN_SLOTS)
    fields = [
        Field("staff", N_("Person"), kind="select", options=_people(people), initial=chosen),
        Field("slot", N_("Sign"), kind="select", options=slots, initial=""),
        _pin(N_("Their PIN"), N_("4 to 8 digits")),
    ]

    def save(values: dict):
        return attendance.sign(session.office, values["staff"], values["pin"],
                               values["slot"] or None, at_desk=at_desk)

    return AttendanceForm(session, _("Sign in or out"), fields, save,
                          note=_("Everyone signs with their own PIN."))


def leave_form(session, kind: str, people: list[tuple[int, str]], chosen: int | None,
               recorders: list[tuple[int, str]], by: int | None,
               today: dt.date, *, at_desk: int | None = None) -> AttendanceForm:
    """Record leave (``kind`` "leave") or absence for a day, with a reason; a supervisor's
    or the manager's own PIN."""
    fields = [
        Field("staff", N_("Person"), kind="select", options=_people(people), initial=chosen),
        Field("day", N_("Day"), initial=today.isoformat(), max_length=10,
              placeholder="2026-11-27", parse=lambda text: attendance.parse_day(text, today)),
        Field("reason", N_("Reason"), max_length=attendance.REASON_LIMIT,
              required=N_("Say why: the kind of leave, or what happened."),
              placeholder=N_("年假, 病假, 事假...") if kind == "leave" else ""),
        _by(N_("Recorded by"), recorders, by),
        _pin(N_("PIN"), N_("the recorder's PIN")),
    ]

    def save(values: dict):
        return attendance.record_leave(session.office, values["by"], values["pin"],
                                       values["staff"], _day(values["day"], today),
                                       values["reason"], kind, at_desk=at_desk)

    title = _("Record leave") if kind == "leave" else _("Record absence")
    return AttendanceForm(session, title, fields, save)


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


def correct_form(session, row: TodayRow, recorders: list[tuple[int, str]],
                 by: int | None, *, at_desk: int | None = None) -> AttendanceForm:
    """Correct one of ``row``'s events: a new time and/or sign, or strike it out; the
    reason and a supervisor's or the manager's PIN. Nothing is edited: the correction is
    a new row that points at the wrong one. The cursor starts in the time."""
    slots = ((N_("unchanged"), ""),) + tuple(
        (attendance.slot_label(slot), slot) for slot in attendance.SIGN_SLOTS)
    marks = tuple((mark_text(m, session.tz), m.id) for m in row.marks)
    fields = [
        Field("event", N_("Row"), kind="select", options=marks, blank=N_("which row?"),
              required=N_("Choose the row to correct."),
              initial=marks[0][1] if len(marks) == 1 else None),
        Field("time", N_("Right time"), max_length=8, placeholder="08:15"),
        Field("slot", N_("Right sign"), kind="select", options=slots, initial=""),
        Field("void", N_("Strike out"), kind="check",
              placeholder=N_("the row should not be there")),
        Field("reason", N_("Why"), max_length=attendance.REASON_LIMIT,
              required=N_("Say what was wrong.")),
        _by(N_("Corrected by"), recorders, by),
        _pin(N_("PIN"), N_("the corrector's PIN")),
    ]

    def save(values: dict):
        return attendance.correct(session.office, values["by"], values["pin"],
                                  values["event"], values["reason"], time=values["time"],
                                  slot=values["slot"] or None, void=bool(values["void"]),
                                  at_desk=at_desk)

    return AttendanceForm(session, _("Correct {name}'s attendance").format(name=row.name),
                          fields, save, note=_("The wrong row stays; the correction is added."),
                          first="time")
