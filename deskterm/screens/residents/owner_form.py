"""One owner of the roster (业主名册), edited or added: name, owner or tenant, phones, note,
and whether they still live here.

A ``DeskForm``: editing reads the owner's card in ``load`` and fills the fields (a field
the clerk has typed into meanwhile keeps what was typed); adding starts with the unit
(filled in when the roster screen knows it). The phones are one field, separated by
spaces or ``/`` (``138 1234 5678 / 027-8765 4321``). ctrl+s saves from any field: the pure
parsers check every field first (all the messages at once, each under its field), then
``owners.edit_owner`` or ``owners.add_owner`` runs in the kit's worker, one transaction
for the fields and the phones: a refused save stores nothing and says why under the
field. An owner not read yet (the database was away when the form opened) is read again
on ctrl+s before anything is saved. Success dismisses with the saved ``OwnerCard``; Esc
cancels (``None``), asking first when something was typed, which is kept as a draft.

Owners are never deleted: unticking "Lives here" marks one who moved out.
"""

from __future__ import annotations

from importlib.resources import files

from textual.widgets import Static

from deskterm.display import plain
from deskterm.duties.parsing import format_phone, parse_unit_code
from deskterm.duties.records import NAME_LIMIT
from deskterm.duties.residents.owners import (
    KINDS,
    NOTE_LIMIT,
    OwnerCard,
    add_owner,
    check_kind,
    clean_name,
    clean_note,
    edit_owner,
    owner_card,
    parse_phones,
)
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm


def phones_text(phones) -> str:
    """Stored phones as the field shows them: ``138 1234 5678 / 027-8765 4321``."""
    return " / ".join(format_phone(p) for p in phones)


def _unit_code(text: str) -> str:
    return parse_unit_code(text, "unit").code


class OwnerFormScreen(DeskForm[OwnerCard | None]):
    """Edit owner ``owner_id``, or (without one) add an owner to a unit."""

    CSS_PATH = str(files("deskterm.styles") / "roster.tcss")
    PREFIX = "of"
    DRAFT = "owner"
    HINT = N_("Tab next · ctrl+s save · Esc cancel")

    def __init__(self, session, owner_id: int | None = None, *, unit_code: str = "",
                 add_phone: str = "") -> None:
        self.owner_id = owner_id
        self.unit_code = unit_code
        self.add_phone = add_phone  # a caller's number to add to this owner's phones
        super().__init__(session, id="owner-form",
                         title=_("New owner") if owner_id is None else _("Owner"))
        self.card: OwnerCard | None = None

    def form_fields(self):
        new = self.owner_id is None
        return (
            *((Field("unit", N_("Unit"), initial=self.unit_code, max_length=60,
                     placeholder="3-2-501", required=N_("Enter a unit, like 3-2-501."),
                     parse=_unit_code),) if new else ()),
            Field("name", N_("Name"), max_length=NAME_LIMIT,
                  required=N_("Enter the owner's name."), parse=clean_name),
            Field("kind", N_("Kind"), kind="select", parse=check_kind,
                  blank=N_("owner or tenant?"), required=N_("Choose owner or tenant."),
                  options=tuple((label, key) for key, label in KINDS.items())),
            Field("phones", N_("Phones"), max_length=200, parse=parse_phones,
                  placeholder=N_("138 1234 5678 / 027-8765 4321")),
            Field("note", N_("Note"), max_length=NOTE_LIMIT, parse=clean_note),
            *(() if new else (Field("active", N_("Lives here"), kind="check", initial=True,
                                    placeholder=N_("untick when they move out")),)),
        )

    def draft_subject(self) -> str:
        return str(self.owner_id) if self.owner_id is not None else "new"

    # --- the owner's card --------------------------------------------------------------
    def load(self):
        return owner_card(self.office, self.owner_id) if self.owner_id is not None else None

    def loaded(self, card: OwnerCard) -> None:
        self.card = card
        self.query_one(".form-title", Static).update(plain(
            _("Owner of {unit}").format(unit=card.unit_code)))
        phones = tuple(card.phones)
        if self.add_phone and self.add_phone not in phones:  # ctrl+s adds it
            phones += (self.add_phone,)
        shown = {"name": card.name, "kind": card.kind if card.kind in KINDS else "owner",
                 "phones": phones_text(phones), "note": card.note,
                 "active": card.active}
        for name, value in shown.items():
            if self.value(name) == self._initial.get(name):  # nothing typed there yet
                self.set_initial(name, value)

    # --- saving ----------------------------------------------------------------------------
    def save(self, values) -> OwnerCard:
        clerk = self.session.staff
        phones = values["phones"] or []
        if self.owner_id is None:
            return add_owner(self.office, clerk, values["unit"], values["name"],
                             values["kind"], phones, note=values["note"] or "")
        return edit_owner(self.office, clerk, self.owner_id, name=values["name"],
                          kind=values["kind"], note=values["note"] or "",
                          active=bool(values["active"]), phones=phones)

    def saved(self, card: OwnerCard) -> None:
        self.app.notify(_("{name} of {unit} saved.").format(name=card.name,
                                                            unit=card.unit_code),
                        markup=False)
        self.dismiss(card)
