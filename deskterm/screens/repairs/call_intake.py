"""Call intake (F2): a clerk with a phone in one hand logs a call [7.4.3]-[7.4.8].

The cursor starts in the roster lookup; Enter on a match fills the caller's name, unit and
first phone and moves to the request. The technician's next free slot is proposed as the
appointment (never over a time the clerk typed, nor into a field the clerk has left); a
time typed when the technician is busy is flagged under the field with the next free time
(Enter takes it) and the busy-line script [7.4.7]. The phone scripts below follow every
key. ctrl+s saves from any field: ``orders.register_call`` in the kit's worker; a refusal
shows under its field and stores nothing; success dismisses with
``(ServiceEntry, RepairOrder | None)``. Esc on a call with anything typed asks first;
what is typed is kept as a draft until it is saved (``DeskForm``).

The technicians and buildings are read in ``load`` (a database outage leaves the form
usable: the call can be typed and saved once the database is back). Every text the clerk
typed is shown with markup off. The lookup and the name / unit / phone row come from
``kit.caller.CallerPart``, shared with the complaint and visit forms, with the unit's card
under them; ctrl+o records that the caller chased the unit's open order instead of a new
one, and saving a second order of the same category asks first (``chase_part.py``).
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Select

from deskterm.clock import local, now_utc
from deskterm.display import when
from deskterm.duties.agenda.timeline import CATEGORY_LABELS
from deskterm.duties.orders import order_of, register_call
from deskterm.duties.parsing import clean_free_text, parse_local_datetime
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.repairs.slots import is_busy, next_free_slot, technician_schedule
from deskterm.duties.residents.roster import active_technicians, office_buildings
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.caller import CALLER_FIELDS, CallerPart
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.repairs.chase_part import ChasePart
from deskterm.widgets.phone_scripts import PhoneScripts, ScriptValues

KIND_LABELS = {"repair": N_("repair"), "enquiry": N_("enquiry"),
               "complaint": N_("complaint"), "other": N_("other")}
URGENCY_LABELS = {"normal": N_("normal"), "urgent": N_("urgent")}
PLACE_LABELS = {"unit": N_("the unit"), "public": N_("public area")}
DEBOUNCE = 0.15


def _choices(words: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((word, key) for key, word in words.items())


FIELDS = (
    *CALLER_FIELDS,
    Field("request", N_("Request"), max_length=TEXT_LIMIT, wide=True,
          placeholder=N_("what the caller asks for")),
    Field("category", N_("Category"), kind="select", options=_choices(CATEGORY_LABELS),
          initial="other"),
    Field("technician", N_("Tech"), kind="select", options=(), blank=N_("none")),
    Field("appointment", N_("Time"), max_length=40, placeholder=N_("14:30"),
          also=("appointment_at",)),
    Field("kind", N_("Kind"), kind="select", options=_choices(KIND_LABELS), initial="repair"),
    Field("urgency", N_("Urgency"), kind="select", options=_choices(URGENCY_LABELS),
          initial="normal"),
    Field("place", N_("Place"), kind="select", options=_choices(PLACE_LABELS), initial="unit"),
    Field("building", N_("Bldg"), kind="select", options=(), blank="—", also=("district",)),
)


class CallIntakeScreen(ChasePart, CallerPart, DeskForm[tuple | None]):
    CSS_PATH = str(files("deskterm.styles") / "call_intake.tcss")
    PREFIX = "ci"
    FIELDS = FIELDS
    DRAFT = "call_intake"
    SCROLLS = True
    AFTER_PICK = "request"
    HINT = N_("Enter pick · Tab next · ctrl+s save · Esc cancel")
    BINDINGS = [Binding(ChasePart.CHASE_KEY, "chase", show=False)]  # 催单: chase_part.py

    def __init__(self, session, *, channel: str = "phone") -> None:
        super().__init__(session, id="call-intake")
        self.form_title = _("Call intake — {office}").format(office=self.office.name)
        self.channel = channel
        self._proposed = ""  # appointment text the form proposed (replaced when untouched)
        self._offer: dt.datetime | None = None  # next free time when the one typed is busy
        self._busy_building: str | None = None
        self._timer: Timer | None = None
        self._tech_names: dict[int, str] = {}

    # --- layout --------------------------------------------------------------------------
    def compose_body(self):
        yield from self.compose_caller()
        yield self.field("request")
        yield Horizontal(self.field("category"), self.field("technician"),
                         self.field("appointment"), classes="kit-row")
        yield Horizontal(self.field("kind"), self.field("urgency"), self.field("place"),
                         self.field("building"), classes="kit-row")
        yield PhoneScripts(id="ci-scripts")

    def on_mount(self) -> None:  # Textual calls DeskForm.on_mount after this one
        self.query_one("#ci-building", Select).disabled = True
        self._refresh_scripts()

    def load(self):
        return active_technicians(self.office), office_buildings(self.office)

    def loaded(self, data) -> None:
        technicians, buildings = data
        self._tech_names = dict(technicians)
        tech = self.query_one("#ci-technician", Select)
        tech.set_options([(name, sid) for sid, name in technicians])
        if technicians and "technician" not in self.visited:
            self.set_initial("technician", technicians[0][0])
        self.query_one("#ci-building", Select).set_options(
            [(name, bid) for bid, name in buildings])
        self._propose()

    # --- reading the form ----------------------------------------------------------------
    def _public(self) -> bool:
        return self.value("place") == "public"

    def _appointment(self) -> dt.datetime | None:
        """The typed time, or None when empty or not (yet) a time."""
        try:
            return parse_local_datetime(self.value("appointment") or "", tz=self.session.tz,
                                        now=now_utc(), allow_past=True)
        except DutyError:
            return None

    def _shown_time(self, moment: dt.datetime) -> str:
        return when(moment, self.session.tz, now_utc())

    # --- live: scripts, proposal, busy check ---------------------------------------------
    def field_changed(self, name: str) -> None:
        if name == "technician":
            self._propose()
        if name in ("appointment", "technician"):
            if self._timer is not None:
                self._timer.stop()
            self._timer = self.set_timer(DEBOUNCE, self._check_busy)
        if name == "place":
            self.query_one("#ci-building", Select).disabled = not self._public()
        self._refresh_scripts()

    def _refresh_scripts(self) -> None:
        values = ScriptValues(
            office=self.office.name, caller_name=(self.value("name") or "").strip(),
            unit=(self.value("unit") or "").strip(), phone=(self.value("phone") or "").strip(),
            request=" ".join((self.value("request") or "").split()),
            appointment=self._appointment(), busy_building=self._busy_building,
            offered=self._offer)
        self.query_one(PhoneScripts).show(values, self.session.tz, now_utc())

    def _propose(self) -> None:
        tech = self.value("technician")
        if tech is None:
            return
        # Strictly after now: at 08:30:00 the 08:30 slot would be past a moment later.
        run_duty(self, lambda: next_free_slot(self.office, tech,
                                              now_utc() + dt.timedelta(minutes=1)),
                 done=lambda slot: self._proposal(tech, slot), group="ci-slot", load=True)

    def _proposal(self, tech: int, slot: dt.datetime) -> None:
        if tech != self.value("technician"):
            return
        typed = (self.value("appointment") or "").strip()
        untouched = typed == self._proposed and (typed or "appointment" not in self.visited)
        if untouched:  # never over a time typed, nor into a field the clerk has left empty
            self._proposed = self._shown_time(slot)
            self.set_initial("appointment", self._proposed)

    def _check_busy(self) -> None:
        self._timer = None
        tech, at = self.value("technician"), self._appointment()
        if tech is None or at is None or at < now_utc():
            self._busy(None, None, None)
            return
        run_duty(self, lambda: self._busy_then(tech, at),
                 done=lambda found: self._busy((tech, at), *found), group="ci-busy", load=True)

    def _busy_then(self, tech: int, at: dt.datetime):
        """In a worker: the next free time and the clashing order's building, or Nones."""
        if not is_busy(self.office, tech, at):
            return None, None
        return next_free_slot(self.office, tech, at), self._clash_building(tech, at)

    def _clash_building(self, tech: int, at: dt.datetime) -> str | None:
        day = local(at, self.session.tz).date()
        for start, end, order_id in technician_schedule(self.office, tech, day):
            if start < at + dt.timedelta(hours=1) and at < end:
                order = order_of(self.office, order_id, lock=False)
                return order.building.name if order.building_id else None
        return None

    def _busy(self, asked, offer: dt.datetime | None, building: str | None) -> None:
        if asked is not None and asked != (self.value("technician"), self._appointment()):
            return  # the form has moved on
        if self._offer is not None and offer is None:
            self.show_error("appointment", "")  # no longer busy (another technician)
        self._offer, self._busy_building = offer, building
        if offer is not None:
            name = self._tech_names.get(asked[0], "")
            self.show_error("appointment", _(
                "{name} is busy then. Next free: {time} (Enter takes it).").format(
                name=name, time=self._shown_time(offer)))
        self._refresh_scripts()

    def entered(self, field: Input) -> bool:
        """Enter on a busy time takes the next free one offered under it."""
        if field.id == "ci-appointment" and self._offer is not None:
            field.value = self._shown_time(self._offer)
            self._offer = None
            return True
        return False

    # --- saving --------------------------------------------------------------------------
    def check(self, values):
        """The form's values for ``register_call``, and the message for each field that
        the pure parsers refuse (all of them at once, not only the first)."""
        values, errors = super().check(values)
        kind = values.get("kind") or "repair"
        public = self._public() and kind == "repair"
        self.check_caller(values, errors, name_message=_("Enter the caller's name."),
                          unit_required=kind == "repair" and not public)
        try:
            values["request"] = clean_free_text(
                values.get("request") or "", "request", max_length=TEXT_LIMIT,
                empty_message=_("Enter what the caller asks for."))
        except DutyError as exc:
            errors["request"] = exc.message
        when_text = (values.pop("appointment", None) or "").strip()
        values["appointment_at"] = None
        if when_text:
            try:
                values["appointment_at"] = parse_local_datetime(when_text, tz=self.session.tz,
                                                                now=now_utc())
            except DutyError as exc:
                errors["appointment"] = exc.message
        values["building"] = values.get("building") if public else None
        if public and values["building"] is None:
            errors["building"] = _("Choose the building of the public area.")
        values.update(kind=kind, is_public=public, category=values.get("category"),
                      urgency=values.get("urgency"), technician=values.get("technician"))
        values["caller_name"] = values.pop("name")
        values.pop("place", None)
        return values, errors

    def save(self, values):
        values = dict(values)
        unit = self.unit_id(values.pop("unit_code"))
        return register_call(self.office, self.clerk_id(), channel=self.channel, unit=unit,
                             **values)

    def saved(self, result) -> None:
        entry, order = result if isinstance(result, tuple) else (result, None)
        if order is not None:
            message = _("Order {number} registered.").format(number=order.number)
        else:
            message = _("Call from {name} recorded.").format(name=entry.caller_name)
        self.app.notify(message, markup=False)
        self.dismiss((entry, order))
