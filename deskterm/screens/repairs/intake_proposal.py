"""What call intake (F2) proposes on its own, never over what the clerk chose:

- the category, from the request's words as they are typed (``intake_words``: 漏水 →
  water); a place with no such words is a public-area repair;
- the technician and the time: the suitable technician free soonest
  (``proposal.propose``), or, once the clerk has chosen a technician, his next free time;
  the time never over one typed, nor into a field the clerk has left empty;
- the public place, from what is typed where the unit goes (``东门`` → 东门道闸); Enter
  in the lookup on a place's name chooses it as the clerk's own choice (a unit typed
  after it is the reporter's, kept on the register line);
- a time typed when the technician is busy: under the field, who can come and when
  (``proposal.busy_offer``: another suitable technician free then, or the next free time
  of any of them); Enter in the field takes it.

A field is the clerk's once its value differs from the form's own proposal (chosen in
its list, or put back from a draft): from then on it is never proposed into. The
proposals are read in the kit's worker (``run_duty``, group ``ci-slot`` / ``ci-busy``: a
newer question drops an older answer). Mixed into ``CallIntakeScreen`` before
``CallerPart``; the form calls ``proposal_changed(name)`` from ``field_changed``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Input, Select

from deskterm.clock import now_utc
from deskterm.duties.repairs.intake_words import place_named, suggest_category
from deskterm.duties.repairs.proposal import Offer, busy_offer, propose
from deskterm.i18n import _
from deskterm.screens.kit.duty import run_duty

DEBOUNCE = 0.15
#: The fields the form proposes into, and what it proposes before anything is known.
PROPOSED = {"category": "other", "technician": None, "place": "unit"}


class ProposalPart:
    """Mixed into ``CallIntakeScreen`` (see the module's docstring)."""

    def _init_proposal(self) -> None:
        self._own: dict[str, Any] = dict(PROPOSED)  # what the form itself put in
        self._by_hand: set[str] = set()  # fields the clerk chose: never proposed into
        self._proposed = ""  # appointment text the form proposed (replaced when untouched)
        self._offer: Offer | None = None  # who can come when the time typed is busy
        self._offered_at: dt.datetime | None = None  # a later time offered (busy script)
        self._busy_building: str | None = None
        self._timer: Timer | None = None
        self._tech_names: dict[int, str] = {}
        self._places: list[tuple[int, str]] = []
        self._lists_read = False  # no proposal before the technicians are in their list

    # --- the form's own values -------------------------------------------------------------
    def propose_value(self, name: str, value: Any) -> None:
        """Field ``name`` set to ``value`` as the form's proposal, unless the clerk chose it."""
        if name in self._by_hand or value is None:
            return
        self._own[name] = value
        if self.value(name) != value:
            self.set_initial(name, value)

    def place_id(self) -> int | None:
        """The public place chosen (an id), or None (the unit, or a building's public area)."""
        place = self.value("place")
        return place if isinstance(place, int) else None

    def place_name(self) -> str:
        return dict(self._places).get(self.place_id(), "")

    def first_proposal(self):
        """In the form's load worker: the proposal before anything is said (category
        "other"), so that it lands with the lists."""
        return propose(self.office, "other", now_utc() + dt.timedelta(minutes=1))

    def proposal_loaded(self, technicians, places, first) -> None:
        """The technicians and places read: the lists filled, the proposals made (``first``
        at once when nothing has been said yet)."""
        self._lists_read = True
        self._tech_names = dict(technicians)
        self.query_one(f"#{self.PREFIX}-technician", Select).set_options(
            [(name, sid) for sid, name in technicians])
        self._places = [(pid, name) for pid, name, _district in places]
        self.query_one(f"#{self.PREFIX}-place", Select).set_options(
            [(_("the unit"), "unit"), (_("public area"), "public"), *(
                (name, pid) for pid, name in self._places)])
        if self.value("place") is None:  # set_options emptied it
            self.set_initial("place", self._own["place"])
        self._suggest_place(self.place_hint())
        self._suggest_category()
        if (self.value("category") or "other") == "other" and "technician" not in self._by_hand:
            self._proposal("other", None, first)
        else:
            self._propose()

    def place_hint(self) -> str:
        """The text a place is looked for in once the places are read (the unit field's)."""
        return self.value("unit") or ""

    def proposal_changed(self, name: str) -> None:
        """After field ``name`` changed: is it the clerk's now, and what follows from it."""
        if (name in self._own and name not in self._by_hand
                and self.value(name) != self._own[name]):
            self._by_hand.add(name)
        if name == "request":
            self._suggest_category()
        elif name == "unit":
            self._suggest_place(self.value("unit") or "")
        elif name == "place":
            self.query_one(f"#{self.PREFIX}-building", Select).disabled = \
                self.value("place") != "public"
            self._suggest_category()
        if name == "category" or (name == "technician" and name in self._by_hand):
            self._propose()
        if name in ("appointment", "technician", "category"):
            if self._timer is not None:
                self._timer.stop()
            self._timer = self.set_timer(DEBOUNCE, self._check_busy)

    def restore(self, values: dict[str, Any]) -> None:
        """A draft's choices are the clerk's (its words would propose over them)."""
        super().restore(values)
        for name in PROPOSED:
            if name in values and self.value(name) != self._own[name]:
                self._by_hand.add(name)

    # --- category and place ----------------------------------------------------------------
    def _suggest_category(self) -> None:
        found = suggest_category(self.value("request") or "")
        if found is None:
            found = "public_area" if self.place_id() is not None else "other"
        self.propose_value("category", found)

    def _suggest_place(self, text: str) -> None:
        if not self._places:
            return
        found = place_named(text, self._places)
        if found is None and self.value("place") == "public":
            return  # a building's public area stays what it is
        self.propose_value("place", found if found is not None else "unit")

    def on_owner_lookup_unmatched(self, event) -> None:
        """Enter in the lookup on a place's name (or part of it): the order is for that
        place; the cursor goes to the caller's name (or on to the request)."""
        found = place_named(event.text, self._places)
        if found is None:
            return  # CallerPart puts the text where it fits
        event.prevent_default()
        self._picked_owner = None
        self._own["place"] = found
        self._by_hand.add("place")  # named by the clerk: a unit typed later is the reporter's
        self.set_value("place", found)
        self.focus_field("name" if not (self.value("name") or "").strip() else "request")
        self.lookup.release_keys(event)

    # --- technician and time ---------------------------------------------------------------
    def _propose(self) -> None:
        if not self._lists_read:
            return  # proposal_loaded proposes
        category = self.value("category") or "other"
        chosen = self.value("technician") if "technician" in self._by_hand else None
        if "technician" in self._by_hand and chosen is None:
            return  # the clerk chose nobody
        # Strictly after now: at 08:30:00 the 08:30 slot would be past a moment later.
        after = now_utc() + dt.timedelta(minutes=1)
        run_duty(self, lambda: propose(self.office, category, after, technician=chosen),
                 done=lambda found: self._proposal(category, chosen, found), group="ci-slot",
                 load=True)

    def _proposal(self, category: str, chosen: int | None, found) -> None:
        if found is None or category != (self.value("category") or "other"):
            return
        if chosen is None:
            self.propose_value("technician", found.technician)
        if found.technician != self.value("technician"):
            return  # the clerk chose another meanwhile
        typed = (self.value("appointment") or "").strip()
        untouched = typed == self._proposed and (typed or "appointment" not in self.visited)
        if untouched:  # never over a time typed, nor into a field the clerk has left empty
            self._proposed = self._shown_time(found.at)
            self.set_initial("appointment", self._proposed)

    def _check_busy(self) -> None:
        self._timer = None
        try:
            self._ask_busy()
        except NoMatches:  # the timer outlived the form's widgets: the desk is closing
            pass

    def _ask_busy(self) -> None:
        tech, at = self.value("technician"), self._appointment()
        if tech is None or at is None or at < now_utc():
            self._busy(None, None)
            return
        category = self.value("category") or "other"
        run_duty(self, lambda: busy_offer(self.office, category, tech, at),
                 done=lambda offer: self._busy((tech, at), offer), group="ci-busy", load=True)

    def _busy(self, asked, offer: Offer | None) -> None:
        if asked is not None and asked != (self.value("technician"), self._appointment()):
            return  # the form has moved on
        if self._offer is not None and offer is None:
            self.show_error("appointment", "")  # no longer busy (another technician)
        self._offer = offer
        self._offered_at = offer.at if offer is not None and offer.at != asked[1] else None
        self._busy_building = offer.busy_where if offer is not None else None
        if offer is not None:
            name = self._tech_names.get(asked[0], "")
            time = self._shown_time(offer.at)
            if offer.technician == asked[0]:
                said = _("{name} is busy then. Next free: {time} (Enter takes it).").format(
                    name=name, time=time)
            elif offer.at == asked[1]:
                said = _("{name} is busy then; {other} is free (Enter takes {other}).").format(
                    name=name, other=offer.name)
            else:
                said = _("{name} is busy then. Next free: {other} at {time} (Enter takes "
                         "it).").format(name=name, other=offer.name, time=time)
            self.show_error("appointment", said)
        self._refresh_scripts()

    def entered(self, field: Input) -> bool:
        """Enter on a busy time takes who can come and when, offered under it."""
        if field.id != f"{self.PREFIX}-appointment" or self._offer is None:
            return False
        offer, self._offer = self._offer, None
        if offer.technician != self.value("technician"):
            self._by_hand.add("technician")  # the clerk took him
            self.set_value("technician", offer.technician)
        field.value = self._shown_time(offer.at)
        return True
