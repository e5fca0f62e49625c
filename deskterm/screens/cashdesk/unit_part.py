"""The unit part of the screens that start from a unit (the payment F3, a unit's account):
the roster lookup (``kit.owner_lookup.OwnerLookup``) finds the unit an owner lives in, or,
when nobody on the roster matches, the unit code typed in full (``3-2-501``, ``3栋2单元501``)
is read in the kit's worker.

A screen mixes ``UnitPart`` in before its kit base, composes ``self.unit_lookup()``, and
says what follows in ``unit_found(unit_id, code, hit)`` (``hit``: the roster's match, None
for a code typed) and ``unit_missing(text, code)`` (``code``: the unit code read from the
text, "" when it is not one). The keys typed after Enter wait (the app's key fence) until
the unit is found or not, so that they land where it leads, as they do when typed slowly.
Named handlers, not ``@on``: Textual collects ``@on`` only in its own classes.

A screen that composes the kit's unit card (``kit.unit_card.UnitCard``) has it read for
the unit found before ``unit_found`` is told, and read again after database trouble.
"""

from __future__ import annotations

from textual.widgets import Input, OptionList

from deskterm.duties.parsing import unit_code_query
from deskterm.duties.residents.roster import OwnerHit, unit_id_by_code
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.owner_lookup import OwnerLookup
from deskterm.screens.kit.unit_card import UnitCard


class UnitPart:
    """Mixed into a ``DeskForm`` or a ``BookScreen`` (see the module's docstring)."""

    LOOKUP = OwnerLookup  # the lookup's class (a screen may say no-match in its own words)
    finding = False  # a unit code typed is being read

    def unit_lookup(self) -> OwnerLookup:
        return self.LOOKUP(self.office, id=f"{self.PREFIX}-lookup")

    @property
    def lookup(self) -> OwnerLookup:
        return self.query_one(OwnerLookup)

    @property
    def lookup_input(self) -> Input:
        return self.lookup.input

    def unit_found(self, unit_id: int, code: str, hit: OwnerHit | None) -> None:
        raise NotImplementedError

    def unit_missing(self, text: str, code: str) -> None:
        raise NotImplementedError

    # --- the lookup's answers ------------------------------------------------------------
    def on_owner_lookup_picked(self, event: OwnerLookup.Picked) -> None:
        event.stop()
        self.query_one("#lookup-hits", OptionList).display = False
        self._card_of(event.hit.unit_id, event.hit.unit_code)
        self.unit_found(event.hit.unit_id, event.hit.unit_code, event.hit)
        self.lookup.release_keys(event)

    def on_owner_lookup_unmatched(self, event: OwnerLookup.Unmatched) -> None:
        """Nobody on the roster: a unit code typed in full still finds its unit."""
        event.stop()
        text = event.text.strip()
        code = unit_code_query(text) or ""
        if not code:
            self.unit_missing(text, "")
            self.lookup.release_keys(event)
            return
        self.finding = True
        self._hold_keys()  # the keys after Enter belong where the unit leads
        self.lookup.release_keys(event)  # (the lookup's own hold passes to this one)
        run_duty(self, lambda: unit_id_by_code(self.office, code),
                 done=lambda unit_id: self._code_read(text, code, unit_id),
                 refused=lambda _field, message: self._code_failed(message),
                 group=f"{self.PREFIX}-unit-code", load=True)

    def _code_read(self, text: str, code: str, unit_id: int | None) -> None:
        self.finding = False
        if unit_id is None:
            self.unit_missing(text, code)
        else:
            self._card_of(unit_id, code)
            self.unit_found(unit_id, code, None)
        self._release_keys()

    def _card_of(self, unit_id: int, code: str) -> None:
        for card in self.query(UnitCard):
            card.show_unit(unit_id=unit_id, code=code)

    def after_trouble(self) -> None:
        super().after_trouble()
        for card in self.query(UnitCard):
            card.retry()

    def _code_failed(self, message: str) -> None:
        """The database did not answer: said where the screen says its refusals."""
        self.finding = False
        self.unit_unread(message)
        self._release_keys()

    def unit_unread(self, message: str) -> None:
        """The unit could not be read (database trouble), in the clerk's words."""
        raise NotImplementedError

    def _hold_keys(self) -> None:
        fence = getattr(self.app, "key_fence", None)
        if fence is not None:
            fence.hold(self)

    def _release_keys(self) -> None:
        fence = getattr(self.app, "key_fence", None)
        if fence is not None:
            fence.release(self)
