"""The caller part of a form: the roster lookup and the name / unit / phone it fills.

A form adds it by mixing ``CallerPart`` in before ``DeskForm`` (call intake F2, the
complaint F7, the walk-in visitor F8), putting ``CALLER_FIELDS`` in its fields and
``self.compose_caller()`` at the top of ``compose_body``. Then:

- the cursor starts in the lookup (``first_focus``) while the three fields are empty;
- Enter on a match fills name, unit and first phone and moves to ``AFTER_PICK``; Enter
  with no match puts what was typed where it fits (a unit code in the unit, digits in the
  phone, else the name) and moves to the next empty field;
- ``check_caller`` checks the three (every message at once) and gives the owner's id
  while the form still holds the picked owner's name and unit;
- ``unit_id`` (in the save worker) finds the unit's id, refused on "unit" when the office
  has no such unit;
- the unit's card (``unit_card.UnitCard``) under the three fields shows what the desk knows
  about the unit as soon as it is known: picked (at once), or typed into the unit field
  (``CARD_DEBOUNCE`` after the last key); ``card_now()`` reads a unit typed without waiting,
  ``after_trouble`` reads a card the database could not give. ``CHASE_KEY`` names the
  form's key that chases an open order (F2), said on the card;
- a caller known before the form opens (a ringing call taken, a call returned:
  ``screens/calls/``) is a ``KnownCaller`` in ``known_caller``: filled in on mount as the
  form's own doing (Esc closes without asking), the picked owner and the unit's card with
  it, and the cursor at ``AFTER_PICK`` (at the name when the number is not on the roster).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.containers import Horizontal
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from deskterm.duties.parsing import (
    clean_free_text,
    format_phone,
    parse_phone,
    parse_unit_code,
    phone_digits_query,
    unit_code_query,
)
from deskterm.duties.records import NAME_LIMIT
from deskterm.duties.residents.roster import unit_id_by_code
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.owner_lookup import OwnerLookup
from deskterm.screens.kit.unit_card import UnitCard

NAME_NAMES = ("caller_name", "complainant_name", "visitor_name")

CALLER_FIELDS = (
    Field("name", N_("Name"), max_length=NAME_LIMIT, also=NAME_NAMES),
    Field("unit", N_("Unit"), max_length=60, placeholder="3-2-501",
          also=("owner", "building", "district")),
    Field("phone", N_("Phone"), max_length=60),
)


@dataclass(frozen=True)
class KnownCaller:
    """A caller the desk knows before the form opens: the roster's owner of a ringing
    number (``owner_id`` None: the number is not on the roster)."""

    phone: str  # digits, as parse_phone writes them
    name: str = ""
    unit_code: str = ""
    owner_id: int | None = None
    unit_id: int | None = None


class CallerPart:
    """Mixed into a ``DeskForm`` (see the module's docstring)."""

    known_caller: KnownCaller | None = None

    AFTER_PICK = "name"  # where the cursor goes once the lookup filled the caller
    CHASE_KEY = ""  # the form's key that chases the unit's open order, said on the card
    CARD_DEBOUNCE = 0.25  # seconds after the last key in the unit field

    _picked_owner: tuple[int, str, str] | None = None  # (owner id, name, unit code)
    _card_timer: Timer | None = None

    def compose_caller(self, *, phone_placeholder: str = "") -> list[Widget]:
        phone = (self.field("phone", placeholder=phone_placeholder) if phone_placeholder
                 else self.field("phone"))
        row = Horizontal(self.field("name"), self.field("unit"), phone, classes="kit-row")
        card = UnitCard(self.office, self.session.tz, chase_key=self.CHASE_KEY,
                        id=f"{self.PREFIX}-card")
        return [OwnerLookup(self.office, id=f"{self.PREFIX}-lookup"), row, card]

    @property
    def lookup(self) -> OwnerLookup:
        return self.query_one(OwnerLookup)

    @property
    def unit_card(self) -> UnitCard:
        return self.query_one(UnitCard)

    def on_mount(self) -> None:  # before DeskForm's: what it fills is the form's own
        known = self.known_caller
        if known is None:
            return
        self.set_value("name", known.name)
        self.set_value("unit", known.unit_code)
        self.set_value("phone", format_phone(known.phone))
        if known.owner_id is not None:
            self._picked_owner = (known.owner_id, known.name, known.unit_code)
        if known.unit_id or known.unit_code:
            self.unit_card.show_unit(unit_id=known.unit_id, code=known.unit_code)

    def first_focus(self):
        if self.known_caller is not None:
            return self.widget(self.AFTER_PICK if self.known_caller.name else "name")
        if not any((self.value(name) or "").strip() for name in ("name", "unit", "phone")):
            return self.lookup.input
        return super().first_focus()

    # --- the lookup fills the caller -------------------------------------------------------
    # Named handlers, not @on: Textual collects @on only in its own classes, not a mixin's.
    def on_owner_lookup_picked(self, event: OwnerLookup.Picked) -> None:
        hit = event.hit
        self.set_value("name", hit.name)
        self.set_value("unit", hit.unit_code)
        self.set_value("phone", format_phone(hit.phones[0]) if hit.phones else "")
        self._picked_owner = (hit.owner_id, hit.name, hit.unit_code)
        self.unit_card.show_unit(unit_id=hit.unit_id, code=hit.unit_code)
        self.focus_field(self.AFTER_PICK)
        self.lookup.release_keys(event)

    def on_owner_lookup_unmatched(self, event: OwnerLookup.Unmatched) -> None:
        """Not on the roster: what was typed goes where it fits, then the clerk types on."""
        text = event.text.strip()
        self._picked_owner = None
        target = "name"
        if unit_code_query(text):
            self.set_value("unit", unit_code_query(text))
        elif phone_digits_query(text):
            self.set_value("phone", text)
        elif text:
            self.set_value("name", text)
            target = "unit"
        self.focus_field(target)
        self.lookup.release_keys(event)  # the keys typed after Enter go on

    # --- the unit's card ----------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        """The unit typed: its card once the clerk stops typing (a pick's unit is read at
        once, and asking again for the unit shown reads nothing)."""
        if event.input.id != f"{self.PREFIX}-unit":
            return
        if self._card_timer is not None:
            self._card_timer.stop()
        self._card_timer = self.set_timer(self.CARD_DEBOUNCE, self.card_now)

    def card_now(self) -> None:
        """The card of the unit in the unit field, without waiting for the debounce."""
        if self._card_timer is not None:
            self._card_timer.stop()
            self._card_timer = None
        text = (self.value("unit") or "").strip()
        try:
            code = parse_unit_code(text).code if text else ""
        except DutyError:
            code = ""
        if code:
            self.unit_card.show_unit(code=code)
        else:
            self.unit_card.clear()

    def after_trouble(self) -> None:
        super().after_trouble()
        self.unit_card.retry()

    # --- checking ---------------------------------------------------------------------------
    def check_caller(self, values: dict[str, Any], errors: dict[str, str], *,
                     name_message: str, unit_required: bool = False,
                     phone_required: bool = True) -> None:
        """Puts ``name``, ``unit_code``, ``phone`` and ``owner`` into ``values`` (None
        where refused), a message per refused field into ``errors``."""
        try:
            values["name"] = clean_free_text(values.get("name") or "", "name",
                                             max_length=NAME_LIMIT, empty_message=name_message)
        except DutyError as exc:
            errors.setdefault("name", exc.message)
            values["name"] = None
        unit_text = (values.pop("unit", None) or "").strip()
        values["unit_code"] = None
        if unit_text or unit_required:
            try:
                values["unit_code"] = parse_unit_code(unit_text).code
            except DutyError as exc:
                errors.setdefault("unit", exc.message)
        phone_text = (values.get("phone") or "").strip()
        values["phone"] = ""
        if phone_text or phone_required:
            try:
                values["phone"] = parse_phone(phone_text)
            except DutyError as exc:
                errors.setdefault("phone", exc.message)
        picked = self._picked_owner
        values["owner"] = (picked[0] if picked is not None and picked[1] == values["name"]
                           and picked[2] == values["unit_code"] else None)

    def unit_id(self, unit_code: str | None) -> int | None:
        """In a worker: the unit's id, or DutyError on "unit" when not at this office."""
        if not unit_code:
            return None
        unit = unit_id_by_code(self.office, unit_code)
        if unit is None:
            raise DutyError(_("There is no unit {unit} at this office.").format(
                unit=unit_code), "unit")
        return unit

    def clerk_id(self) -> int | None:
        staff = self.session.staff
        return staff.id if staff else None

    # --- drafts keep the picked owner too --------------------------------------------------
    def kept_values(self) -> dict[str, Any]:
        kept = super().kept_values()
        if self._picked_owner is not None:
            kept["_owner"] = list(self._picked_owner)
        return kept

    def restore(self, values: dict[str, Any]) -> None:
        super().restore(values)
        owner = values.get("_owner")
        if isinstance(owner, list) and len(owner) == 3:
            self._picked_owner = (int(owner[0]), str(owner[1]), str(owner[2]))
