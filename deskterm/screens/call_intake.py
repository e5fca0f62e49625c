"""Call intake (F2): a clerk with a phone in one hand logs a call [7.4.3]-[7.4.8].

The cursor starts in the roster lookup; Enter on a match fills the caller's name, unit and
first phone and moves to the request. The technician's next free slot is proposed as the
appointment; a time typed when the technician is busy is flagged under the field with the
next free time (Enter takes it) and the busy-line script [7.4.7]. The phone scripts below
follow every key. ctrl+s saves from any field: ``orders.register_call`` in a thread
worker; a refusal shows under its field and stores nothing; success dismisses with
``(ServiceEntry, RepairOrder | None)``. Esc cancels (``None``).

Every text the clerk typed is shown with markup off.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from deskterm.clock import now_utc
from deskterm.db.models import RepairOrder, ServiceEntry, database
from deskterm.display import plain, when
from deskterm.duties.orders import NAME_LIMIT, TEXT_LIMIT, order_of, register_call
from deskterm.duties.parsing import (
    clean_free_text,
    format_phone,
    parse_local_datetime,
    parse_phone,
    parse_unit_code,
    phone_digits_query,
    unit_code_query,
)
from deskterm.duties.roster import active_technicians, office_buildings, unit_id_by_code
from deskterm.duties.slots import is_busy, next_free_slot, technician_schedule
from deskterm.duties.timeline import CATEGORY_LABELS
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import N_, _
from deskterm.screens.lookup_form import LimitedInput
from deskterm.widgets.owner_lookup import OwnerLookup
from deskterm.widgets.phone_scripts import PhoneScripts, ScriptValues

KIND_LABELS = {"repair": N_("repair"), "enquiry": N_("enquiry"),
               "complaint": N_("complaint"), "other": N_("other")}
URGENCY_LABELS = {"normal": N_("normal"), "urgent": N_("urgent")}
#: The duty's field names → this form's fields.
FIELD_OF = {
    "caller_name": "name", "name": "name", "unit": "unit", "owner": "unit", "phone": "phone",
    "request": "request", "category": "category", "kind": "kind", "urgency": "urgency",
    "technician": "technician", "appointment": "appointment", "appointment_at": "appointment",
    "building": "building", "district": "building",
}
FIELDS = ("name", "unit", "phone", "request", "category", "technician", "appointment",
          "kind", "urgency", "place", "building")
DEBOUNCE = 0.15


# --- the form ------------------------------------------------------------------------------

def _field(name: str, label: str, widget: Widget, *, wide: bool = False) -> Vertical:
    line = Horizontal(Label(plain(label), classes="ci-label"), widget, classes="ci-line")
    error = Static(plain(""), id=f"ci-error-{name}", classes="ci-error", markup=False)
    return Vertical(line, error, classes="ci-field" + (" -wide" if wide else ""))


class CallIntakeScreen(ModalScreen[tuple[ServiceEntry, RepairOrder | None] | None]):
    CSS_PATH = str(files("deskterm.styles") / "call_intake.tcss")
    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), show=False),
        Binding("ctrl+s", "save", _("Save"), show=False, priority=True),
    ]

    def __init__(self, session, *, channel: str = "phone") -> None:
        super().__init__(id="call-intake")
        self.session = session
        self.office = session.office
        self.channel = channel
        self._picked = None  # the roster hit whose name and unit are in the form
        self._proposed = ""  # appointment text the form proposed (replaced when untouched)
        self._offer: dt.datetime | None = None  # next free time when the one typed is busy
        self._busy_building: str | None = None
        self._saving = False
        self._timer: Timer | None = None
        self._tech_names: dict[int, str] = {}
        self._error_for: dict[str, object] = {}  # what each field held when refused

    # --- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        technicians = active_technicians(self.office)
        self._tech_names = dict(technicians)
        buildings = office_buildings(self.office)
        with VerticalScroll(id="ci-form", classes="form"):
            yield Static(plain(_("Call intake — {office}").format(office=self.office.name)),
                         classes="form-title", markup=False)
            yield OwnerLookup(self.office, id="ci-lookup")
            with Horizontal(classes="ci-row"):
                yield _field("name", _("Name"),
                             LimitedInput(id="ci-name", compact=True, max_length=NAME_LIMIT))
                yield _field("unit", _("Unit"),
                             LimitedInput(id="ci-unit", compact=True, max_length=60,
                                          placeholder="3-2-501"))
                yield _field("phone", _("Phone"),
                             LimitedInput(id="ci-phone", compact=True, max_length=60))
            yield _field("request", _("Request"),
                         LimitedInput(id="ci-request", compact=True, max_length=TEXT_LIMIT,
                                      placeholder=_("what the caller asks for")), wide=True)
            with Horizontal(classes="ci-row"):
                yield _field("category", _("Category"), Select(
                    [(_(label), key) for key, label in CATEGORY_LABELS.items()],
                    value="other", allow_blank=False, compact=True, id="ci-category"))
                yield _field("technician", _("Tech"), Select(
                    [(name, sid) for sid, name in technicians],
                    value=technicians[0][0] if technicians else Select.NULL,
                    prompt=_("none"), compact=True, id="ci-technician"))
                yield _field("appointment", _("Time"),
                             LimitedInput(id="ci-appointment", compact=True, max_length=40,
                                          placeholder=_("14:30")))
            with Horizontal(classes="ci-row"):
                yield _field("kind", _("Kind"), Select(
                    [(_(label), key) for key, label in KIND_LABELS.items()],
                    value="repair", allow_blank=False, compact=True, id="ci-kind"))
                yield _field("urgency", _("Urgency"), Select(
                    [(_(label), key) for key, label in URGENCY_LABELS.items()],
                    value="normal", allow_blank=False, compact=True, id="ci-urgency"))
                yield _field("place", _("Place"), Select(
                    [(_("the unit"), "unit"), (_("public area"), "public")], value="unit",
                    allow_blank=False, compact=True, id="ci-place"))
                yield _field("building", _("Bldg"), Select(
                    [(name, bid) for bid, name in buildings], prompt="—", compact=True,
                    disabled=True, id="ci-building"))
            yield Static(plain(""), id="ci-error-form", classes="ci-error", markup=False)
            yield PhoneScripts(id="ci-scripts")
            yield Static(plain(_("Enter pick · Tab next · ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OwnerLookup).input.focus()
        self._refresh_scripts()
        self._propose()

    # --- reading the form ----------------------------------------------------------------
    def _text(self, name: str) -> str:
        return self.query_one(f"#ci-{name}", Input).value

    def _choice(self, name: str):
        value = self.query_one(f"#ci-{name}", Select).value
        return None if value is Select.NULL else value

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

    # --- the lookup fills the caller -----------------------------------------------------
    @on(OwnerLookup.Picked)
    def _picked_owner(self, event: OwnerLookup.Picked) -> None:
        hit = event.hit
        self._set("name", hit.name)
        self._set("unit", hit.unit_code)
        self._set("phone", format_phone(hit.phones[0]) if hit.phones else "")
        self._picked = hit
        self.query_one("#ci-request", Input).focus()

    @on(OwnerLookup.Unmatched)
    def _unknown_caller(self, event: OwnerLookup.Unmatched) -> None:
        """Not on the roster: what was typed goes where it fits, then the clerk types on."""
        text = event.text.strip()
        self._picked = None
        target = "name"
        if unit_code_query(text):
            self._set("unit", unit_code_query(text))
        elif phone_digits_query(text):
            self._set("phone", text)
        elif text:
            self._set("name", text)
            target = "unit"
        self.query_one(f"#ci-{target}", Input).focus()

    def _set(self, name: str, value: str) -> None:
        self.query_one(f"#ci-{name}", Input).value = value

    # --- live: scripts, proposal, busy check ---------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        control = getattr(event, "control", None)
        name = (control.id or "").removeprefix("ci-") if control is not None else ""
        if name in FIELDS and self._error_for.get(name) != self._raw(name):
            self._show_error(name, "")  # the clerk has changed what was refused
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
                slot = next_free_slot(self.office, tech, now_utc())
        except DeskError:
            return
        self.app.call_from_thread(self._proposal, tech, slot)

    def _proposal(self, tech: int, slot: dt.datetime) -> None:
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

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "ci-appointment" and self._offer is not None:
            event.input.value = self._shown_time(self._offer)
            self._offer = None
            return
        if event.input.id != "lookup-input":
            self.focus_next()

    def paste_refused(self, widget: Input, length: int) -> None:
        name = (widget.id or "").removeprefix("ci-")
        self._show_error(name, _("Too long to paste: {count} characters; at most {limit}.")
                         .format(count=f"{length:,}", limit=f"{widget.max_length:,}"))

    # --- saving --------------------------------------------------------------------------
    def action_cancel(self) -> None:
        if not self._saving:
            self.dismiss(None)

    def action_save(self) -> None:
        if self._saving:
            return
        for name in (*FIELDS, "form"):
            self._show_error(name, "")
        values, errors = self._checked()
        if errors:
            for name, message in errors.items():
                self._show_error(name, message)
            self._focus_field(next(iter(errors)))
            return
        self._saving = True
        self._save(values)

    def _checked(self) -> tuple[dict, dict[str, str]]:
        """The form's values for ``register_call``, and the message for each field that
        the pure parsers refuse (all of them at once, not only the first)."""
        errors: dict[str, str] = {}
        kind = self._choice("kind") or "repair"
        public = self._public() and kind == "repair"
        values: dict = dict(kind=kind, is_public=public, category=self._choice("category"),
                            urgency=self._choice("urgency"), technician=self._choice("technician"),
                            building=self._choice("building") if public else None)

        def check(name, parse):
            try:
                return parse()
            except DutyError as exc:
                errors.setdefault(name, exc.message)
                return None

        values["caller_name"] = check("name", lambda: clean_free_text(
            self._text("name"), "caller_name", max_length=NAME_LIMIT,
            empty_message=_("Enter the caller's name.")))
        values["phone"] = check("phone", lambda: parse_phone(self._text("phone")))
        unit_text = self._text("unit").strip()
        values["unit_code"] = check("unit", lambda: parse_unit_code(unit_text).code) \
            if unit_text or (kind == "repair" and not public) else None
        values["request"] = check("request", lambda: clean_free_text(
            self._text("request"), "request", max_length=TEXT_LIMIT,
            empty_message=_("Enter what the caller asks for.")))
        when_text = self._text("appointment").strip()
        values["appointment_at"] = check("appointment", lambda: parse_local_datetime(
            when_text, tz=self.session.tz, now=now_utc())) if when_text else None
        if public and values["building"] is None:
            errors["building"] = _("Choose the building of the public area.")
        picked = self._picked
        values["owner"] = (picked.owner_id if picked is not None
                           and picked.name == self._text("name").strip()
                           and picked.unit_code == values["unit_code"] else None)
        return values, errors

    @work(thread=True, exclusive=True, group="ci-save")
    def _save(self, values: dict) -> None:
        try:
            with database.connection_context():
                unit_code = values.pop("unit_code")
                unit = None
                if unit_code:
                    unit = unit_id_by_code(self.office, unit_code)
                    if unit is None:
                        raise DutyError(_("There is no unit {unit} at this office.").format(
                            unit=unit_code), "unit")
                staff = self.session.staff
                result = register_call(self.office, staff.id if staff else None,
                                       channel=self.channel, unit=unit, **values)
        except DutyError as exc:
            self.app.call_from_thread(self._refused, exc.field, exc.message)
            return
        except DeskError as exc:
            self.app.call_from_thread(self._refused, None, exc.message)
            return
        entry, order = result if isinstance(result, tuple) else (result, None)
        self.app.call_from_thread(self._saved, entry, order)

    def _refused(self, field: str | None, message: str) -> None:
        self._saving = False
        name = FIELD_OF.get(field or "", "form")
        self._show_error(name, message)
        self._focus_field(name)

    def _saved(self, entry: ServiceEntry, order: RepairOrder | None) -> None:
        if order is not None:
            message = _("Order {number} registered.").format(number=order.number)
        else:
            message = _("Call from {name} recorded.").format(name=entry.caller_name)
        self.app.notify(message, markup=False)
        self.dismiss((entry, order))

    # --- errors --------------------------------------------------------------------------
    def _raw(self, name: str):
        found = self.query(f"#ci-{name}")
        return getattr(found.first(), "value", None) if found else None

    def _show_error(self, name: str, message: str) -> None:
        self._error_for[name] = self._raw(name) if message else None
        target = self.query(f"#ci-error-{name}")
        if target:
            error = target.first(Static)
            error.update(plain(("✗ " + message) if message else ""))
            error.set_class(bool(message), "-shown")

    def _focus_field(self, name: str) -> None:
        found = self.query(f"#ci-{name}")
        if found and found.first().focusable:
            found.first().focus()
