"""Walk-in visitors (来访登记, F8) [7.4.12]: who came and what for, and what happens next.

The cursor starts in the roster lookup; Enter on a match fills name, unit and phone (the
phone may stay empty) and moves to the purpose. What happens next is one key once the
choice has the focus (Tab from the purpose): 1 just record the visit (the default),
2 record it and turn it into a repair order (category "other", the purpose as the request,
no appointment or technician: the order is "registered"), 3 record it and turn it into a
complaint (category "other"). The arrow keys move the choice too; Enter there saves.

ctrl+s saves both steps in one worker of the kit (``DeskForm``): ``visits.record_visit``, then
``visits.visit_to_order`` or ``visit_to_complaint`` with the form's current name, phone,
unit and purpose. When the visit is refused nothing is stored. When the conversion is
refused after the visit was recorded (an order or a complaint needs a phone to call back
on, an order a unit), the form says so under the field and stays open: the visit is kept,
its id remembered, and the next ctrl+s only retries the conversion (or, with 1 chosen,
just closes with the visit). Success dismisses with the Visit (its ``order_id`` / ``complaint_id`` set
by a conversion); Esc cancels with ``None`` (a visit already recorded stays recorded).
"""

from __future__ import annotations

from importlib.resources import files

from textual import on
from textual.binding import Binding
from textual.widgets import RadioButton, RadioSet

from deskterm.display import plain
from deskterm.duties.parsing import clean_free_text
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.repairs.visits import (
    record_visit,
    visit_of,
    visit_to_complaint,
    visit_to_order,
)
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.caller import CALLER_FIELDS, CallerPart
from deskterm.screens.kit.fields import Field, field_box
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.repairs.callback_form import OutcomeSet

#: What happens after the visit is recorded, in key order: "1" is the first.
NEXT_STEPS = ("record", "order", "complaint")
NEXT_WORDS = {
    "record": N_("Just record"),
    "order": N_("Repair order"),
    "complaint": N_("Complaint"),
}

FIELDS = (
    *CALLER_FIELDS,
    Field("purpose", N_("Purpose"), max_length=TEXT_LIMIT, wide=True,
          placeholder=N_("what the visitor came for"), also=("request", "description")),
)


class NotConverted(DutyError):
    """The visit is recorded; turning it into an order or a complaint was refused."""


class VisitFormScreen(CallerPart, DeskForm):
    """Record one walk-in visit (and maybe turn it into an order or a complaint);
    dismisses with the Visit row, or None."""

    CSS_PATH = str(files("deskterm.styles") / "visit_form.tcss")
    PREFIX = "vf"
    FIELDS = FIELDS
    DRAFT = "visit"
    SCROLLS = True
    AFTER_PICK = "purpose"
    HINT = N_("Enter pick · Tab next · 1-3 then · ctrl+s save · Esc cancel")
    BINDINGS = [
        Binding("1", "next_step(0)", show=False),
        Binding("2", "next_step(1)", show=False),
        Binding("3", "next_step(2)", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="visit-form", classes="kit-form-screen visit-form")
        self.form_title = _("Walk-in visitor — {office}").format(office=self.office.name)
        self.visit_id: int | None = None  # the visit once recorded (kept when a conversion fails)

    def compose_body(self):
        yield from self.compose_caller(phone_placeholder=_("optional"))
        yield self.field("purpose")
        buttons = [RadioButton(self._step_label(number, step, step == "record"),
                               value=step == "record", compact=True, id=f"vf-next-{step}")
                   for number, step in enumerate(NEXT_STEPS, start=1)]
        yield field_box(self.PREFIX, "next", _("Then (1-3)"),
                        OutcomeSet(*buttons, id="vf-next", compact=True), wide=True)

    # --- what happens next ---------------------------------------------------------------
    @staticmethod
    def _step_label(number: int, step: str, chosen: bool) -> str:
        return plain(f"{number} {_(NEXT_WORDS[step])}" + (" ✓" if chosen else ""))

    @property
    def next_step(self) -> str:
        index = self.query_one("#vf-next", OutcomeSet).pressed_index
        return NEXT_STEPS[index] if index >= 0 else "record"

    def action_next_step(self, index: int) -> None:
        self.query_one("#vf-next", OutcomeSet).choose(index)

    @on(RadioSet.Changed, "#vf-next")
    def _next_changed(self) -> None:
        """The chosen step says so in words ("✓"), not only by the radio's colour."""
        self.show_error("next", "")
        for number, step in enumerate(NEXT_STEPS, start=1):
            button = self.query_one(f"#vf-next-{step}", RadioButton)
            button.label = self._step_label(number, step, button.value)

    def field_of(self, duty_field: str | None) -> str:
        if duty_field in ("category", "visit"):
            return "next"
        return super().field_of(duty_field)

    # --- saving --------------------------------------------------------------------------
    def check(self, values):
        """The form's values (with the visit already recorded, if any, and the step
        chosen) and the message for each field the pure parsers refuse."""
        values, errors = super().check(values)
        self.check_caller(values, errors, name_message=_("Enter the visitor's name."),
                          phone_required=False)
        try:
            values["purpose"] = clean_free_text(
                values.get("purpose") or "", "purpose", max_length=TEXT_LIMIT,
                empty_message=_("Enter what the visitor came for."))
        except DutyError as exc:
            errors["purpose"] = exc.message
        if errors:
            values["owner"] = None
        values.update(visit_id=self.visit_id, step=self.next_step)
        return values, errors

    def save(self, values):
        """In the worker: the visit (unless already recorded), then what it turns into.
        The visit's id is kept on the form as soon as it is stored."""
        clerk = self.clerk_id()
        unit = self.unit_id(values["unit_code"])
        visit_id = values["visit_id"]
        if visit_id is None:
            visit_id = record_visit(self.office, clerk, visitor_name=values["name"],
                                    purpose=values["purpose"], unit=unit,
                                    phone=values["phone"]).id
            self.visit_id = visit_id  # a plain attribute: no widget is touched here
        step, made = values["step"], None
        try:
            if step == "order":
                made = visit_to_order(
                    self.office, clerk, visit_id, caller_name=values["name"],
                    phone=values["phone"], request=values["purpose"], unit=unit,
                    owner=values["owner"], category="other")
            elif step == "complaint":
                made = visit_to_complaint(
                    self.office, clerk, visit_id, complainant_name=values["name"],
                    phone=values["phone"], description=values["purpose"], unit=unit,
                    category="other")
        except DutyError as exc:
            what = (_("Visit recorded; no repair order yet: {reason}") if step == "order"
                    else _("Visit recorded; no complaint yet: {reason}"))
            self.not_converted = True  # a plain attribute: read by ``refused``
            raise NotConverted(what.format(reason=exc.message), exc.field) from exc
        return visit_of(self.office, visit_id), step, made

    not_converted = False

    def refused(self, field: str, message: str) -> None:
        super().refused(field, message)
        converting, self.not_converted = self.not_converted, False
        if self.visit_id is not None and converting:
            note = _("The visit is kept: ctrl+s tries again; Then 1 and ctrl+s keeps only "
                     "the visit.")
            if self.field_of(field) == "form":
                note = message + " " + note
            self.show_error("form", note)

    def saved(self, result) -> None:
        visit, step, made = result
        if made is not None and step == "order":
            message = _("Visit recorded; order {number} registered.").format(
                number=made.number)
        elif made is not None and step == "complaint":
            message = _("Visit recorded; complaint {number} recorded.").format(
                number=made.number)
        else:
            message = _("Visit of {name} recorded.").format(name=visit.visitor_name)
        self.app.notify(message, markup=False)
        self.dismiss(visit)
