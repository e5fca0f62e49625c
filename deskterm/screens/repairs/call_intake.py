"""Call intake (F2): a clerk with a phone in one hand logs a call [7.4.3]-[7.4.8].

The cursor starts in the roster lookup; Enter on a match fills the caller's name, unit and
first phone and moves to the request. The category follows the request's words, the
technician is the suitable one free soonest and his time the appointment; a time typed
when he is busy is flagged under the field with who can come and when (Enter takes it)
and the busy-line script [7.4.7] (``intake_proposal.ProposalPart``: never over what the
clerk chose). An order can be for a public place instead of a home: a place's name typed
where the unit goes (or Enter on it in the lookup) chooses it, or the Place list; its
caller may have no phone, and the scripts name the place. The phone scripts below follow
every key. ctrl+s saves from any field: ``orders.register_call`` in the kit's worker; a
refusal shows under its field and stores nothing; success dismisses with
``(ServiceEntry, RepairOrder | None)``. Esc on a call with anything typed asks first;
what is typed is kept as a draft until it is saved (``DeskForm``).

The technicians, buildings and places (and the first proposal) are read in ``load`` (a
database outage leaves the form usable: the call can be typed and saved once the database
is back). Every text the clerk
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
from textual.widgets import Select

from deskterm.clock import now_utc
from deskterm.display import when
from deskterm.duties.agenda.timeline import CATEGORY_LABELS
from deskterm.duties.orders import register_call
from deskterm.duties.parsing import clean_free_text, parse_local_datetime, unit_code_query
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.residents.estate_admin import active_places
from deskterm.duties.residents.roster import active_technicians, office_buildings
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.caller import CALLER_FIELDS, CallerPart
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.repairs.chase_part import ChasePart
from deskterm.screens.repairs.intake_proposal import ProposalPart
from deskterm.widgets.phone_scripts import PhoneScripts, ScriptValues

KIND_LABELS = {"repair": N_("repair"), "enquiry": N_("enquiry"),
               "complaint": N_("complaint"), "other": N_("other")}
URGENCY_LABELS = {"normal": N_("normal"), "urgent": N_("urgent")}
PLACE_LABELS = {"unit": N_("the unit"), "public": N_("public area")}  # then each place


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


class CallIntakeScreen(ProposalPart, ChasePart, CallerPart, DeskForm[tuple | None]):
    CSS_PATH = str(files("deskterm.styles") / "call_intake.tcss")
    PREFIX = "ci"
    FIELDS = FIELDS
    DRAFT = "call_intake"
    SCROLLS = True
    AFTER_PICK = "request"
    HINT = N_("Enter pick · Tab next · ctrl+s save · Esc cancel")
    BINDINGS = [Binding(ChasePart.CHASE_KEY, "chase", show=False)]  # 催单: chase_part.py

    def __init__(self, session, *, channel: str = "phone", caller=None) -> None:
        super().__init__(session, id="call-intake", classes="kit-form-screen call-intake")
        self.known_caller = caller  # a ringing call taken: kit.caller.KnownCaller
        self.form_title = _("Call intake — {office}").format(office=self.office.name)
        self.channel = channel
        self._init_proposal()

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
        return (active_technicians(self.office), office_buildings(self.office),
                active_places(self.office), self.first_proposal())

    def loaded(self, data) -> None:
        technicians, buildings, places, first = data
        self.query_one("#ci-building", Select).set_options(
            [(name, bid) for bid, name in buildings])
        self.proposal_loaded(technicians, places, first)

    # --- reading the form ----------------------------------------------------------------
    def _public(self) -> bool:
        """A public-area repair: at a place, or in a building's public area."""
        return self.value("place") not in (None, "unit") and \
            (self.value("kind") or "repair") == "repair"

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
        self.proposal_changed(name)
        self._refresh_scripts()

    def _refresh_scripts(self) -> None:
        values = ScriptValues(
            office=self.office.name, caller_name=(self.value("name") or "").strip(),
            unit=(self.value("unit") or "").strip(), phone=(self.value("phone") or "").strip(),
            request=" ".join((self.value("request") or "").split()),
            appointment=self._appointment(), busy_building=self._busy_building,
            offered=self._offered_at, place=self._script_place())
        self.query_one(PhoneScripts).show(values, self.session.tz, now_utc())

    def _script_place(self) -> str | None:
        """The place the scripts name (its name, or the building of a public area; "" not
        chosen yet), or None for the caller's home."""
        if not self._public():
            return None
        if self.place_id() is not None:
            return self.place_name()
        chosen = self.value("building")
        options = self.query_one("#ci-building", Select)._options  # noqa: SLF001
        return next((str(label) for label, value in options if value == chosen), "")

    # --- saving --------------------------------------------------------------------------
    def check(self, values):
        """The form's values for ``register_call``, and the message for each field that
        the pure parsers refuse (all of them at once, not only the first)."""
        values, errors = super().check(values)
        kind = values.get("kind") or "repair"
        public = self._public() and kind == "repair"
        place = values.pop("place", None)
        place = place if isinstance(place, int) and public else None
        if place is not None and not unit_code_query(values.get("unit") or ""):
            values["unit"] = ""  # the place's name, typed where the unit goes
        self.check_caller(values, errors, name_message=_("Enter the caller's name."),
                          unit_required=kind == "repair" and not public,
                          phone_required=not public)
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
        values["building"] = values.get("building") if public and place is None else None
        if public and place is None and values["building"] is None:
            errors["building"] = _("Choose the building of the public area.")
        values.update(kind=kind, is_public=public, category=values.get("category"),
                      urgency=values.get("urgency"), technician=values.get("technician"),
                      place=place)
        values["caller_name"] = values.pop("name")
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
