"""Walk-in visitors (来访登记, F8) [7.4.12]: who came and what for, and what happens next.

The cursor starts in the roster lookup; Enter on a match fills name, unit and phone (the
phone may stay empty) and moves to the purpose. What happens next is one key once the
choice has the focus (Tab from the purpose): 1 just record the visit (the default),
2 record it and turn it into a repair order (category "other", the purpose as the request,
no appointment or technician: the order is "registered"), 3 record it and turn it into a
complaint (category "other"). The arrow keys move the choice too; Enter there saves.

ctrl+s saves both steps in one thread worker: ``visits.record_visit``, then
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

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import RadioButton, RadioSet, Static

from deskterm.db.models import Complaint, RepairOrder, Visit, database
from deskterm.display import plain
from deskterm.duties.parsing import clean_free_text, parse_phone
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.repairs.visits import record_visit, visit_to_complaint, visit_to_order
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.lookup_form import LookupForm
from deskterm.screens.repairs.callback_form import OutcomeSet

#: What happens after the visit is recorded, in key order: "1" is the first.
NEXT_STEPS = ("record", "order", "complaint")
NEXT_WORDS = {
    "record": N_("Just record"),
    "order": N_("Repair order"),
    "complaint": N_("Complaint"),
}


class VisitFormScreen(LookupForm):
    """Record one walk-in visit (and maybe turn it into an order or a complaint);
    dismisses with the Visit row, or None."""

    CSS_PATH = str(files("deskterm.styles") / "visit_form.tcss")
    PREFIX = "vf"
    FIELDS = ("name", "unit", "phone", "purpose", "next")
    FIELD_OF = {
        "visitor_name": "name", "caller_name": "name", "complainant_name": "name",
        "name": "name", "unit": "unit", "owner": "unit", "building": "unit",
        "district": "unit", "phone": "phone", "purpose": "purpose", "request": "purpose",
        "description": "purpose", "category": "next", "visit": "next",
    }
    AFTER_PICK = "purpose"
    BINDINGS = [
        Binding("1", "next_step(0)", show=False),
        Binding("2", "next_step(1)", show=False),
        Binding("3", "next_step(2)", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="visit-form")
        self.visit_id: int | None = None  # the visit once recorded (kept when a conversion fails)

    def compose(self) -> ComposeResult:
        field = self._field
        with VerticalScroll(id="vf-form", classes="form"):
            yield from self._head(_("Walk-in visitor — {office}"),
                                  phone_placeholder=_("optional"))
            yield self._wide_text("purpose", _("Purpose"), _("what the visitor came for"))
            buttons = [RadioButton(self._step_label(number, step, step == "record"),
                                   value=step == "record", compact=True, id=f"vf-next-{step}")
                       for number, step in enumerate(NEXT_STEPS, start=1)]
            yield field("next", _("Then (1-3)"),
                        OutcomeSet(*buttons, id="vf-next", compact=True), wide=True)
            yield self._form_error()
            yield Static(plain(_("Enter pick · Tab next · 1-3 then · ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

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
        self._show_error("next", "")
        for number, step in enumerate(NEXT_STEPS, start=1):
            button = self.query_one(f"#vf-next-{step}", RadioButton)
            button.label = self._step_label(number, step, button.value)

    # --- saving (LookupForm.action_save) -----------------------------------------------
    def _checked(self) -> tuple[dict, dict[str, str]]:
        """The form's values (with the visit already recorded, if any, and the step
        chosen) and the message for each field the pure parsers refuse."""
        errors: dict[str, str] = {}
        check = self._check
        values: dict = {}
        values["name"] = self._checked_name(errors, "visitor_name",
                                            _("Enter the visitor's name."))
        values["unit_code"] = self._checked_unit(errors)
        phone_text = self._text("phone").strip()
        values["phone"] = check(errors, "phone", lambda: parse_phone(
            phone_text)) if phone_text else ""
        values["purpose"] = check(errors, "purpose", lambda: clean_free_text(
            self._text("purpose"), "purpose", max_length=TEXT_LIMIT,
            empty_message=_("Enter what the visitor came for.")))
        values["owner"] = (self._owner_id(values["name"], values["unit_code"])
                           if not errors else None)
        values.update(visit_id=self.visit_id, step=self.next_step)
        return values, errors

    @work(thread=True, exclusive=True, group="vf-save")
    def _save(self, values: dict) -> None:
        visit_id, step = values["visit_id"], values["step"]
        clerk = self._clerk_id()
        try:
            with database.connection_context():
                unit = self._unit_id(values["unit_code"])
                if visit_id is None:
                    visit_id = record_visit(self.office, clerk, visitor_name=values["name"],
                                            purpose=values["purpose"], unit=unit,
                                            phone=values["phone"]).id
        except DutyError as exc:
            self.app.call_from_thread(self._refused, exc.field, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the form
            message = exc.message if isinstance(exc, DeskError) else _(
                "Not saved: {error}").format(error=exc)
            self.app.call_from_thread(self._refused, None, message)
            return
        self.app.call_from_thread(self._recorded, visit_id)
        made = None
        try:
            with database.connection_context():
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
                visit = Visit.get_by_id(visit_id)
        except DutyError as exc:
            self.app.call_from_thread(self._not_converted, step, exc.field, exc.message)
            return
        except Exception as exc:  # noqa: BLE001
            message = exc.message if isinstance(exc, DeskError) else str(exc)
            self.app.call_from_thread(self._not_converted, step, None, message)
            return
        self.app.call_from_thread(self._saved, visit, made)

    def _recorded(self, visit_id: int) -> None:
        self.visit_id = visit_id

    def _not_converted(self, step: str, field: str | None, message: str) -> None:
        what = (_("Visit recorded; no repair order yet: {reason}") if step == "order"
                else _("Visit recorded; no complaint yet: {reason}"))
        self._refused(field, what.format(reason=message))
        note = _("The visit is kept: ctrl+s tries again; Then 1 and ctrl+s keeps only the "
                 "visit.")
        if self.FIELD_OF.get(field or "", "form") == "form":
            note = what.format(reason=message) + " " + note
        self._show_error("form", note)

    def _saved(self, visit: Visit, made: RepairOrder | Complaint | None) -> None:
        if isinstance(made, RepairOrder):
            message = _("Visit recorded; order {number} registered.").format(
                number=made.number)
        elif isinstance(made, Complaint):
            message = _("Visit recorded; complaint {number} recorded.").format(
                number=made.number)
        else:
            message = _("Visit of {name} recorded.").format(name=visit.visitor_name)
        self.app.notify(message, markup=False)
        self.dismiss(visit)

    def action_cancel(self) -> None:
        if not self._saving:
            self.dismiss(None)

