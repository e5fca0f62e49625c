"""The roster lookup at the top of F2, F3, F7 and F8: type a unit, phone digits, a name or
its initials, see the matching owners, Enter picks one.

It is the kit's ``Lookup`` (``lookup.py``: searched as typed with no fixed delay, Up and
Down while the cursor stays in the box, Enter before the answer picks the best match as
soon as it comes while the keys typed after it wait for the pick) over
``roster.find_owners``. Enter with no match (or nothing typed) posts ``Unmatched`` with
the text: an unknown caller, whom the form lets the clerk type in. Its messages are its
own (``on_owner_lookup_picked``), apart from the materials lookup's.
"""

from __future__ import annotations

from deskterm.display import fit
from deskterm.duties.parsing import format_phone
from deskterm.duties.residents.roster import MAX_QUERY, OwnerHit, find_owners, normalise
from deskterm.i18n import _
from deskterm.screens.kit.lookup import Lookup

LIMIT = 8


def hit_label(hit: OwnerHit, width: int = 70) -> str:
    """``3-2-501  张三  138 1234 5678, 027-8765 4321  · moved out``."""
    phones = ", ".join(format_phone(p) for p in hit.phones) or _("no phone")
    text = f"{hit.unit_code:<10} {fit(hit.name, 12)}  {phones}"
    if hit.kind == "tenant":
        text += "  · " + _("tenant")
    if not hit.active:
        text += "  · " + _("moved out")
    return fit(text, width)


class OwnerLookup(Lookup):
    """The roster's owners as the clerk types (the list itself never takes the focus)."""

    DEFAULT_CSS = """
    OwnerLookup { margin-bottom: 1; }
    OwnerLookup > .lookup-hits { max-height: 5; }
    """
    LIMIT = LIMIT
    PASS_CHANGES = False  # the box is no field of the form
    FIELD_LOOK = False  # each form styles its lookup box itself

    class Picked(Lookup.Picked):
        """An owner picked (``hit``: an ``OwnerHit``)."""

    class Unmatched(Lookup.Unmatched):
        """Enter with no owner matching: ``text`` as typed."""

    def __init__(self, office, **kwargs) -> None:
        super().__init__(input_id="lookup-input", max_length=MAX_QUERY,
                         placeholder=_("unit 3-2-501, phone digits, name or initials (zs)"),
                         hits_id="lookup-hits", status_id="lookup-status", **kwargs)
        self.office = office

    def normalise(self, text: str) -> str:
        return normalise(text)

    def find(self, query: str) -> list[OwnerHit]:
        return find_owners(self.office, query, limit=self.LIMIT)

    def label(self, hit: OwnerHit) -> str:
        return hit_label(hit)

    def nothing_found(self, query: str) -> str:
        return _("Not on the roster: Enter, then type the caller's details.")
