"""Call intake (F2): a clerk with a phone in one hand logs a call [7.4.3]-[7.4.8].

The cursor starts in the roster lookup; Enter on a match fills the caller's name, unit and
first phone and moves to the request. The technician's next free slot is proposed as the
appointment; a time typed when the technician is busy is flagged under the field with the
next free time (Enter takes it) and the busy-line script [7.4.7]. The phone scripts below
follow every key. ctrl+s saves from any field: ``orders.register_call`` in a thread
worker; a refusal shows under its field and stores nothing; success dismisses with
``(ServiceEntry, RepairOrder | None)``. Esc cancels (``None``).

Every text the clerk typed is shown with markup off. The lookup, the name / unit / phone
row, the error lines, the paste guard, Esc and ctrl+s come from ``LookupForm``
(``lookup_form.py``), the complaint and visit forms' base too.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Select, Static

from deskterm.clock import now_utc
from deskterm.db.models import RepairOrder, ServiceEntry, database
from deskterm.display import plain, when
from deskterm.duties.agenda.timeline import CATEGORY_LABELS
from deskterm.duties.orders import order_of, register_call
from deskterm.duties.parsing import (
    clean_free_text,
    parse_local_datetime,
    parse_phone,
)
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.repairs.slots import is_busy, next_free_slot, technician_schedule
from deskterm.duties.residents.roster import active_technicians, office_buildings
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.lookup_form import LimitedInput, LookupForm
from deskterm.widgets.phone_scripts import PhoneScripts, ScriptValues

KIND_LABELS = {"repair": N_("repair"), "enquiry": N_("enquiry"),
               "complaint": N_("complaint"), "other": N_("other")}
URGENCY_LABELS = {"normal": N_("normal"), "urgent": N_("urgent")}
PLACE_LABELS = {"unit": N_("the unit"), "public": N_("public area")}
DEBOUNCE = 0.15


class CallIntakeScreen(LookupForm[tuple[ServiceEntry, RepairOrder | None] | None]):
    CSS_PATH = str(files("deskterm.styles") / "call_intake.tcss")
    PREFIX = "ci"
    FIELDS = ("name", "unit", "phone", "request", "category", "technician", "appointment",
              "kind", "urgency", "place", "building")
    #: The duty's field names → this form's fields.
    FIELD_OF = {
        "caller_name": "name", "name": "name", "unit": "unit", "owner": "unit",
        "phone": "phone", "request": "request", "category": "category", "kind": "kind",
        "urgency": "urgency", "technician": "technician", "appointment": "appointment",
        "appointment_at": "appointment", "building": "building", "district": "building",
    }
    AFTER_PICK = "request"
    BINDINGS = [  # LookupForm's keys, with the words the keys panel shows
        Binding("escape", "cancel", _("Cancel"), show=False),
        Binding("ctrl+s", "save", _("Save"), show=False, priority=True),
    ]

    def __init__(self, session, *, channel: str = "phone") -> None:
        super().__init__(session, id="call-intake")
        self.channel = channel
        self._proposed = ""  # appointment text the form proposed (replaced when untouched)
        self._offer: dt.datetime | None = None  # next free time when the one typed is busy
        self._busy_building: str | None = None
        self._timer: Timer | None = None
        self._tech_names: dict[int, str] = {}

    # --- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        technicians = active_technicians(self.office)
        self._tech_names = dict(technicians)
        buildings = office_buildings(self.office)
        field = self._field
        with VerticalScroll(id="ci-form", classes="form"):
            yield from self._head(_("Call intake — {office}"))
            yield self._wide_text("request", _("Request"), _("what the caller asks for"))
            with Horizontal(classes="lf-row"):
                yield self._choices("category", _("Category"), CATEGORY_LABELS, "other")
                yield field("technician", _("Tech"), Select(
                    [(name, sid) for sid, name in technicians],
                    value=technicians[0][0] if technicians else Select.NULL,
                    prompt=_("none"), compact=True, id="ci-technician"))
                yield field("appointment", _("Time"),
                            LimitedInput(id="ci-appointment", compact=True, max_length=40,
                                         placeholder=_("14:30")))
            with Horizontal(classes="lf-row"):
                yield self._choices("kind", _("Kind"), KIND_LABELS, "repair")
                yield self._choices("urgency", _("Urgency"), URGENCY_LABELS, "normal")
                yield self._choices("place", _("Place"), PLACE_LABELS, "unit")
                yield field("building", _("Bldg"), Select(
                    [(name, bid) for bid, name in buildings], prompt="—", compact=True,
                    disabled=True, id="ci-building"))
            yield self._form_error()
            yield PhoneScripts(id="ci-scripts")
            yield Static(plain(_("Enter pick · Tab next · ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        # LookupForm.on_mount (the cursor into the lookup) runs as well: Textual calls both.
        self._refresh_scripts()
        self._propose()

    # --- reading the form ----------------------------------------------------------------
    def _public(self) -> bool:
        return self._choice("place") == "public"

    def _appointment(self) -> dt.datetime | None:
        """The typed time, or None when empty or not (yet) a time."""
        try:
            return parse_local_datetime(self._text("appointment"), tz=self.session.tz,
                                        now=now_utc(), allow_past=True)
        except DutyError:
            return None

    def _shown_time(self, moment: dt.datetime) -> str:
        return when(moment, self.session.tz, now_utc())

    # --- live: scripts, proposal, busy check ---------------------------------------------
    def _field_changed(self, name: str) -> None:
        if name == "technician":
            self._propose()
        if name in ("appointment", "technician"):
            if self._timer is not None:
                self._timer.stop()
            self._timer = self.set_timer(DEBOUNCE, self._check_busy)
        if name == "place":
            building = self.query_one("#ci-building", Select)
            building.disabled = not self._public()
        self._refresh_scripts()

    def _refresh_scripts(self) -> None:
        values = ScriptValues(
            office=self.office.name, caller_name=self._text("name").strip(),
            unit=self._text("unit").strip(), phone=self._text("phone").strip(),
            request=" ".join(self._text("request").split()),
            appointment=self._appointment(), busy_building=self._busy_building,
            offered=self._offer)
        self.query_one(PhoneScripts).show(values, self.session.tz, now_utc())

    def _propose(self) -> None:
        tech = self._choice("technician")
        if tech is not None:
            self._find_slot(tech)

    @work(thread=True, exclusive=True, group="ci-slot")
    def _find_slot(self, tech: int) -> None:
        try:
            with database.connection_context():
                # Strictly after now: at 08:30:00 the 08:30 slot would be past a moment later.
                slot = next_free_slot(self.office, tech, now_utc() + dt.timedelta(minutes=1))
        except DeskError:
            return
        self.app.call_from_thread(self._proposal, tech, slot)

    def _proposal(self, tech: int, slot: dt.datetime) -> None:
        if not self.is_attached:  # closed while the worker ran
            return
        if tech != self._choice("technician"):
            return
        field = self.query_one("#ci-appointment", Input)
        if field.value.strip() in ("", self._proposed):
            self._proposed = self._shown_time(slot)
            field.value = self._proposed

    def _check_busy(self) -> None:
        self._timer = None
        tech, at = self._choice("technician"), self._appointment()
        if tech is None or at is None or at < now_utc():
            self._busy(None, None, None)
            return
        self._busy_worker(tech, at)

    @work(thread=True, exclusive=True, group="ci-busy")
    def _busy_worker(self, tech: int, at: dt.datetime) -> None:
        offer = building = None
        try:
            with database.connection_context():
                if is_busy(self.office, tech, at):
                    offer = next_free_slot(self.office, tech, at)
                    building = self._clash_building(tech, at)
        except DeskError:
            pass
        self.app.call_from_thread(self._busy, (tech, at), offer, building)

    def _clash_building(self, tech: int, at: dt.datetime) -> str | None:
        from deskterm.clock import local

        day = local(at, self.session.tz).date()
        for start, end, order_id in technician_schedule(self.office, tech, day):
            if start < at + dt.timedelta(hours=1) and at < end:
                order = order_of(self.office, order_id, lock=False)
                return order.building.name if order.building_id else None
        return None

    def _busy(self, asked, offer: dt.datetime | None, building: str | None) -> None:
        if not self.is_attached:  # closed while the worker ran
            return
        if asked is not None and asked != (self._choice("technician"), self._appointment()):
            return  # the form has moved on
        if self._offer is not None and offer is None:
            self._show_error("appointment", "")  # no longer busy (another technician)
        self._offer, self._busy_building = offer, building
        if offer is not None:
            name = self._tech_names.get(asked[0], "")
            self._show_error("appointment", _(
                "{name} is busy then. Next free: {time} (Enter takes it).").format(
                name=name, time=self._shown_time(offer)))
        self._refresh_scripts()

    def _entered(self, field: Input) -> bool:
        """Enter on a busy time takes the next free one offered under it."""
        if field.id == "ci-appointment" and self._offer is not None:
            field.value = self._shown_time(self._offer)
            self._offer = None
            return True
        return False

    # --- saving (LookupForm.action_save) -----------------------------------------------
    def _checked(self) -> tuple[dict, dict[str, str]]:
        """The form's values for ``register_call``, and the message for each field that
        the pure parsers refuse (all of them at once, not only the first)."""
        errors: dict[str, str] = {}
        check = self._check
        kind = self._choice("kind") or "repair"
        public = self._public() and kind == "repair"
        values: dict = dict(kind=kind, is_public=public, category=self._choice("category"),
                            urgency=self._choice("urgency"), technician=self._choice("technician"),
                            building=self._choice("building") if public else None)
        values["caller_name"] = self._checked_name(errors, "caller_name",
                                                   _("Enter the caller's name."))
        values["phone"] = check(errors, "phone", lambda: parse_phone(self._text("phone")))
        values["unit_code"] = self._checked_unit(errors,
                                                 required=kind == "repair" and not public)
        values["request"] = check(errors, "request", lambda: clean_free_text(
            self._text("request"), "request", max_length=TEXT_LIMIT,
            empty_message=_("Enter what the caller asks for.")))
        when_text = self._text("appointment").strip()
        values["appointment_at"] = check(errors, "appointment", lambda: parse_local_datetime(
            when_text, tz=self.session.tz, now=now_utc())) if when_text else None
        if public and values["building"] is None:
            errors["building"] = _("Choose the building of the public area.")
        values["owner"] = self._owner_id(self._text("name").strip(), values["unit_code"])
        return values, errors

    @work(thread=True, exclusive=True, group="ci-save")
    def _save(self, values: dict) -> None:
        unit_code = values.pop("unit_code")
        stored, result = self._stored(lambda: register_call(
            self.office, self._clerk_id(), channel=self.channel,
            unit=self._unit_id(unit_code), **values))
        if not stored:
            return
        entry, order = result if isinstance(result, tuple) else (result, None)
        self.app.call_from_thread(self._saved, entry, order)

    def _saved(self, entry: ServiceEntry, order: RepairOrder | None) -> None:
        if order is not None:
            message = _("Order {number} registered.").format(number=order.number)
        else:
            message = _("Call from {name} recorded.").format(name=entry.caller_name)
        self.app.notify(message, markup=False)
        self.dismiss((entry, order))
