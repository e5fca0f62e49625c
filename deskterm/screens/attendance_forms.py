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
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from deskterm.clock import local
from deskterm.display import fit, plain
from deskterm.duties import attendance
from deskterm.duties.attendance_sheet import TodayRow
from deskterm.i18n import _
from deskterm.screens.form_kit import run_duty

CSS = str(files("deskterm.styles") / "attendance.tcss")


@dataclass(frozen=True)
class Field:
    name: str  # the duty's field name, for its error line
    label: str  # translated
    kind: str = "input"  # input / pin / select / check
    value: object = ""
    options: tuple[tuple[str, object], ...] = ()
    max_length: int = 0
    placeholder: str = ""


def check_text(value: bool, what: str) -> str:
    return ("✓ " + _("yes") + ": " + what) if value else ("✗ " + _("no"))


class AttendanceForm(ModalScreen[object]):
    """A form of ``fields``; ctrl+s calls ``save(values)`` in a worker."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict], object],
                 *, note: str = "") -> None:
        super().__init__(classes="att-modal")
        self.form_title = title
        self.fields = fields
        self.save = save
        self.note = note
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="form att-form"):
            yield Static(plain(self.form_title), classes="form-title", markup=False)
            if self.note:
                yield Static(plain(self.note), classes="form-hint", markup=False)
            for field in self.fields:
                with Horizontal(classes="att-row"):
                    yield Label(plain(field.label), classes="att-label")
                    yield self._widget(field)
                yield self._error(field.name)
            yield self._error("form")
            yield Static(plain(_("ctrl+s save · Tab next · Esc cancel")),
                         classes="form-hint", markup=False)

    def _widget(self, field: Field):
        wid = f"att-{field.name}"
        if field.kind == "select":
            return Select(list(field.options), compact=True, id=wid, allow_blank=False,
                          value=field.value if field.value is not None
                          and any(v == field.value for _l, v in field.options)
                          else field.options[0][1])
        if field.kind == "check":
            return Checkbox(plain(check_text(bool(field.value), field.placeholder)),
                            bool(field.value), compact=True, id=wid)
        return Input(str(field.value or ""), id=wid, compact=True,
                     password=field.kind == "pin", max_length=field.max_length,
                     placeholder=field.placeholder)

    @on(Checkbox.Changed)
    def _checked(self, event: Checkbox.Changed) -> None:
        """Yes/no written out: never a colour alone."""
        field = next(f for f in self.fields if f"att-{f.name}" == event.checkbox.id)
        event.checkbox.label = plain(check_text(event.value, field.placeholder))

    def _error(self, name: str) -> Static:
        line = Static(plain(""), id=f"att-error-{name}", classes="field-error",
                      markup=False)
        line.display = False
        return line

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#att-{self.fields[0].name}").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"att-{self.fields[-1].name}":
            self.action_save()
        else:
            self.focus_next()

    def set_error(self, field: str, message: str) -> None:
        names = {f.name for f in self.fields}
        line = self.query_one(f"#att-error-{field if field in names else 'form'}", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def values(self) -> dict:
        found = {}
        for field in self.fields:
            widget = self.query_one(f"#att-{field.name}")
            if isinstance(widget, Select):
                found[field.name] = None if widget.value is Select.NULL else widget.value
            else:
                found[field.name] = widget.value
        return found

    def action_save(self) -> None:
        if self.saving:
            return
        for field in self.fields:
            self.set_error(field.name, "")
        self.set_error("form", "")
        self.saving = True
        self._save(self.values())

    @work(thread=True, exclusive=True, group="attendance-save")
    def _save(self, values: dict) -> None:
        run_duty(self, lambda: self.save(values), self.dismiss, self._refused)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.set_error(field, message)
        for pin in self.query("Input"):
            if pin.password:
                pin.value = ""  # a refused PIN is typed again
        names = {f.name for f in self.fields}
        if field in names:
            self.query_one(f"#att-{field}").focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


def _people(rows: list[tuple[int, str]]) -> tuple[tuple[str, object], ...]:
    return tuple((fit(name, 20), sid) for sid, name in rows)


def sign_form(office, people: list[tuple[int, str]], chosen: int | None) -> AttendanceForm:
    """Sign someone in or out: who (chosen first: the highlighted row), which sign (the
    next one by default), and THEIR PIN."""
    slots = ((_("next sign"), ""),) + tuple(
        (attendance.slot_label(slot), slot) for slot in attendance.SIGN_SLOTS)
    fields = [
        Field("staff", _("Who"), "select", chosen, _people(people)),
        Field("slot", _("Sign"), "select", "", slots),
        Field("pin", _("Their PIN"), "pin", max_length=16, placeholder=_("4 to 8 digits")),
    ]

    def save(values: dict):
        return attendance.sign(office, values["staff"], values["pin"], values["slot"] or None)

    return AttendanceForm(_("Sign in or out"), fields, save,
                          note=_("Everyone signs with their own PIN."))


def leave_form(office, kind: str, people: list[tuple[int, str]], chosen: int | None,
               recorders: list[tuple[int, str]], by: int | None,
               today: dt.date) -> AttendanceForm:
    """Record leave (``kind`` "leave") or absence for a day, with a reason; a supervisor's
    or the manager's own PIN."""
    fields = [
        Field("staff", _("Who"), "select", chosen, _people(people)),
        Field("day", _("Day"), value=today.isoformat(), max_length=10,
              placeholder="2026-11-27"),
        Field("reason", _("Reason"), max_length=attendance.REASON_LIMIT,
              placeholder=_("年假, 病假, 事假...") if kind == "leave" else ""),
        Field("by", _("Recorded by"), "select", by, _people(recorders)),
        Field("pin", _("PIN"), "pin", max_length=16, placeholder=_("the recorder's PIN")),
    ]

    def save(values: dict):
        day = attendance.parse_day(values["day"], today)
        return attendance.record_leave(office, values["by"], values["pin"], values["staff"],
                                       day, values["reason"], kind)

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
                 by: int | None) -> AttendanceForm:
    """Correct one of ``row``'s events: a new time and/or sign, or strike it out; the
    reason and a supervisor's or the manager's PIN. Nothing is edited: the correction is
    a new row that points at the wrong one."""
    slots = ((_("unchanged"), ""),) + tuple(
        (attendance.slot_label(slot), slot) for slot in attendance.SIGN_SLOTS)
    marks = tuple((mark_text(m, tz), m.id) for m in row.marks)
    fields = [
        Field("event", _("Row"), "select", marks[-1][1], marks),
        Field("time", _("Right time"), max_length=8, placeholder="08:15"),
        Field("slot", _("Right sign"), "select", "", slots),
        Field("void", _("Strike out"), "check", False,
              placeholder=_("the row should not be there")),
        Field("reason", _("Why"), max_length=attendance.REASON_LIMIT),
        Field("by", _("Corrected by"), "select", by, _people(recorders)),
        Field("pin", _("PIN"), "pin", max_length=16, placeholder=_("the corrector's PIN")),
    ]

    def save(values: dict):
        return attendance.correct(office, values["by"], values["pin"], values["event"],
                                  values["reason"], time=values["time"],
                                  slot=values["slot"] or None, void=bool(values["void"]))

    return AttendanceForm(_("Correct {name}'s attendance").format(name=row.name), fields,
                          save, note=_("The wrong row stays; the correction is added."))
