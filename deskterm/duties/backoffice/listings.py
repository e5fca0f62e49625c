"""Units entrusted to the office for rent or sale (业主房屋委托租售) [7.4.15].

- ``add_listing`` records a unit (by its code) entrusted for rent or sale: the owner (the
  unit's first active owner unless chosen), asking price, terms and a contact phone (the
  owner's first phone unless typed). A unit has at most one open listing (listed or
  viewing) of each kind.
- ``set_status`` moves a listing along ``TRANSITIONS``: listed ⇄ viewing, either of them to
  closed (let or sold) or withdrawn, and a withdrawn one listed again; closed is final.
  ``closed_at`` is the moment it was closed or withdrawn.
- ``add_viewing`` records a viewing (when, visitor, phone, note) of an open listing.
- ``charge_agency_fee`` puts the agency fee on the unit's account as a ``Charge`` of the
  office's active fee item of kind "agency" (``fees.add_charge``), which the cash desk
  (F3) collects like any other. A listing's fees are the agency charges of its unit made
  from its listing until the unit's next listing (the model has no link from a charge to
  a listing); ``listing_detail`` shows them with what was paid (``dues.unit_dues``).

Same rules as ``records.py``: one ``changes.write()`` per duty with change-log rows,
``DutyError`` naming the form field, nothing stored when refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Model, fn

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    Charge,
    FeeItem,
    Listing,
    ListingViewing,
    Office,
    Owner,
    OwnerPhone,
    Staff,
    Unit,
)
from deskterm.duties.cashdesk import fees
from deskterm.duties.cashdesk.dues import Due, paid_by_charge, unit_dues
from deskterm.duties.months import this_month
from deskterm.duties.parsing import parse_phone, parse_unit_code
from deskterm.duties.records import (
    NAME_LIMIT,
    clean_text,
    create_row,
    desk_person,
    locked,
    update_row,
)
from deskterm.duties.residents.roster import unit_id_by_code
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.money import MAX_FEN, parse_amount

KINDS: dict[str, str] = {"rent": N_("for rent"), "sale": N_("for sale")}
STATUSES: dict[str, str] = {"listed": N_("listed"), "viewing": N_("viewing"),
                            "closed": N_("let/sold"), "withdrawn": N_("withdrawn")}
OPEN = ("listed", "viewing")
#: Where a listing may go from each status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "listed": ("viewing", "closed", "withdrawn"),
    "viewing": ("listed", "closed", "withdrawn"),
    "withdrawn": ("listed",),
    "closed": (),
}
TERMS_LIMIT = 500
NOTE_LIMIT = 200


@dataclass(frozen=True)
class ListingRow:
    id: int
    unit_id: int
    unit: str  # 3-2-501
    owner: str
    kind: str
    asking: int  # fen (a month's rent, or the sale price)
    status: str
    contact: str
    terms: str
    listed_at: dt.datetime
    closed_at: dt.datetime | None
    viewings: int
    charged: int  # fen of agency fees charged
    paid: int  # fen of them paid


@dataclass(frozen=True)
class Viewing:
    id: int
    at: dt.datetime
    visitor: str
    phone: str
    note: str


@dataclass(frozen=True)
class ListingDetail:
    listing: ListingRow
    viewings: tuple[Viewing, ...]  # newest first
    fees: tuple[Due, ...]  # the agency charges, paid ones too


# --- reading --------------------------------------------------------------------------------

def _fee_windows(office, listings: list[tuple[int, int, dt.datetime]]
                 ) -> dict[int, tuple[dt.datetime, dt.datetime | None]]:
    """Each listing's window of charges: from its listing to its unit's next listing."""
    units = sorted({unit for _id, unit, _at in listings})
    starts: dict[int, list[tuple[dt.datetime, int]]] = {}
    for lid, unit, at in (Listing.select(Listing.id, Listing.unit, Listing.listed_at)
                          .where((Listing.office == office) & Listing.unit.in_(units))
                          .tuples()):
        starts.setdefault(unit, []).append((at, lid))
    windows = {}
    for lid, unit, at in listings:
        later = sorted(s for s in starts.get(unit, []) if (s[0], s[1]) > (at, lid))
        windows[lid] = (at, later[0][0] if later else None)
    return windows


def _agency_charges(office, unit_ids: list[int]) -> list[tuple[int, int, dt.datetime, int]]:
    """(charge id, unit, created_at, amount) of the units' agency charges."""
    if not unit_ids:
        return []
    return list(
        Charge.select(Charge.id, Charge.unit, Charge.created_at, Charge.amount)
        .join(FeeItem, on=(Charge.fee_item == FeeItem.id))
        .where((Charge.office == office) & Charge.unit.in_(unit_ids)
               & (FeeItem.kind == "agency"))
        .tuples()
    )


def _in(window: tuple[dt.datetime, dt.datetime | None], at: dt.datetime) -> bool:
    start, end = window
    return at >= start and (end is None or at < end)


def listings(office: Office, status: str | None = None) -> list[ListingRow]:
    """The office's listings (of one status when given): open ones first, newest first."""
    viewings = (ListingViewing.select(ListingViewing.listing,
                                      fn.COUNT(ListingViewing.id).alias("n"))
                .group_by(ListingViewing.listing).alias("v"))
    query = (
        Listing.select(Listing, Unit.code, Owner.name, viewings.c.n)
        .join(Unit, on=(Listing.unit == Unit.id))
        .switch(Listing)
        .join(Owner, JOIN.LEFT_OUTER, on=(Listing.owner == Owner.id))
        .switch(Listing)
        .join(viewings, JOIN.LEFT_OUTER, on=(viewings.c.listing_id == Listing.id))
        .where(Listing.office == office)
    )
    if status is not None:
        if status not in STATUSES:
            raise DutyError(_("Choose one of: {choices}.").format(
                choices=", ".join(STATUSES)), "status")
        query = query.where(Listing.status == status)
    rows = list(query.tuples())
    columns = [f.name for f in Listing._meta.sorted_fields]
    found = [(dict(zip(columns, row[:len(columns)], strict=True)), *row[len(columns):])
             for row in rows]
    windows = _fee_windows(office, [(v["id"], v["unit"], v["listed_at"]) for v, *_r in found])
    charges = _agency_charges(office, sorted({v["unit"] for v, *_r in found}))
    paid = paid_by_charge(c[0] for c in charges)
    result = []
    for values, unit_code, owner_name, n in found:
        mine = [c for c in charges if c[1] == values["unit"]
                and _in(windows[values["id"]], c[2])]
        result.append(ListingRow(
            values["id"], values["unit"], unit_code, owner_name or "", values["kind"],
            int(values["asking"]), values["status"], values["contact"], values["terms"],
            values["listed_at"], values["closed_at"], int(n or 0),
            sum(int(c[3]) for c in mine), sum(paid.get(c[0], 0) for c in mine)))
    return sorted(result, key=lambda r: (r.status not in OPEN, -r.listed_at.timestamp(),
                                         -r.id))


def listing_detail(office: Office, listing_id: Listing | int) -> ListingDetail:
    row = listing_of(office, listing_id, lock=False)
    summary = next(r for r in listings(office) if r.id == row.id)
    viewings = tuple(
        Viewing(v.id, v.at, v.visitor, v.phone, v.note)
        for v in ListingViewing.select().where(ListingViewing.listing == row.id)
        .order_by(ListingViewing.at.desc(), ListingViewing.id.desc()))
    window = _fee_windows(office, [(row.id, row.unit_id, row.listed_at)])[row.id]
    mine = {c[0] for c in _agency_charges(office, [row.unit_id]) if _in(window, c[2])}
    dues = tuple(d for d in unit_dues(office, row.unit_id, include_settled=True)
                 if d.charge_id in mine)
    return ListingDetail(summary, viewings, dues)


def listing_of(office: Office, listing_id: Listing | int | None, *, lock: bool = True
               ) -> Listing:
    if isinstance(listing_id, Model):
        listing_id = listing_id.get_id()
    row = None
    if isinstance(listing_id, int) and not isinstance(listing_id, bool):
        query = Listing.select().where((Listing.id == listing_id) & (Listing.office == office))
        row = (locked(query) if lock else query).first()
    if row is None:
        raise DutyError(_("There is no such listing at this office."), "listing")
    return row


# --- writing --------------------------------------------------------------------------------

def _asking(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise DutyError(_("Enter the asking price."), "asking")
    fen = parse_amount(value, field="asking") if isinstance(value, str) else value
    if fen <= 0:
        raise DutyError(_("The asking price is more than ¥0."), "asking")
    if fen > MAX_FEN:
        raise DutyError(_("That amount is too large for the desk."), "asking")
    return fen


def _unit(office: Office, unit) -> Unit:
    if isinstance(unit, str):
        code = parse_unit_code(unit, "unit").code
        unit = unit_id_by_code(office, code)
        if unit is None:
            raise DutyError(_("There is no unit {code} at this office.").format(code=code),
                            "unit")
    return fees.unit_of(office, unit)


def _owner(office: Office, unit: Unit, owner) -> Owner | None:
    if owner is None:
        return (Owner.select().where((Owner.unit == unit) & (Owner.active == True))  # noqa: E712
                .order_by(Owner.kind != "owner", Owner.id).first())
    owner_id = owner.get_id() if isinstance(owner, Model) else owner
    row = Owner.get_or_none((Owner.id == owner_id) & (Owner.office == office)
                            & (Owner.unit == unit))
    if row is None:
        raise DutyError(_("Choose someone on this unit's roster."), "owner")
    return row


def listing_errors(unit, kind, asking, terms="", contact="") -> dict[str, str]:
    """Every field's message that can be told without the database (for a form)."""
    errors = {}
    checks = (
        ("unit", lambda: parse_unit_code(unit, "unit") if isinstance(unit, str) else unit),
        ("kind", lambda: _kind(kind)),
        ("asking", lambda: _asking(asking)),
        ("terms", lambda: clean_text(terms, "terms", limit=TERMS_LIMIT, required=False)),
        ("contact", lambda: parse_phone(contact, "contact") if (contact or "").strip()
         else ""),
    )
    for name, check in checks:
        try:
            check()
        except DutyError as exc:
            errors[exc.field or name] = exc.message
    return errors


def _kind(kind) -> str:
    if kind not in KINDS:
        raise DutyError(_("Choose rent or sale."), "kind")
    return kind


def add_listing(office: Office, clerk: Staff | int, *, unit: Unit | int | str, kind: str,
                asking: int | str, terms: str = "", contact: str = "",
                owner: Owner | int | None = None) -> Listing:
    """A unit entrusted for rent or sale, status "listed" from now."""
    errors = listing_errors(unit, kind, asking, terms, contact)
    if errors:
        field = next(iter(errors))
        raise DutyError(errors[field], field)
    fen = _asking(asking)
    terms = clean_text(terms, "terms", limit=TERMS_LIMIT, required=False)
    phone = parse_phone(contact, "contact") if (contact or "").strip() else ""
    with changes.write():
        person = desk_person(office, clerk)
        row_unit = _unit(office, unit)
        entrusting = _owner(office, row_unit, owner)
        if locked(Listing.select().where(
                (Listing.office == office) & (Listing.unit == row_unit)
                & (Listing.kind == kind) & Listing.status.in_(OPEN))).exists():
            raise DutyError(_("Unit {code} is already listed {kind}.").format(
                code=row_unit.code, kind=_(KINDS[kind])), "unit")
        if not phone and entrusting is not None:
            first = (OwnerPhone.select(OwnerPhone.phone)
                     .where(OwnerPhone.owner == entrusting).order_by(OwnerPhone.id).first())
            phone = first.phone if first else ""
        return create_row(Listing, office, person, office=office, unit=row_unit,
                          owner=entrusting, kind=kind, asking=fen, terms=terms,
                          status="listed", contact=phone, listed_at=now_utc())


def set_status(office: Office, clerk: Staff | int, listing_id: Listing | int,
               status: str) -> Listing:
    """Move the listing to ``status`` when ``TRANSITIONS`` allows it."""
    if status not in STATUSES:
        raise DutyError(_("Choose one of: {choices}.").format(choices=", ".join(STATUSES)),
                        "status")
    with changes.write():
        person = desk_person(office, clerk)
        row = listing_of(office, listing_id)
        if status not in TRANSITIONS[row.status]:
            raise DutyError(_("A listing that is {now} cannot become {then}.").format(
                now=_(STATUSES[row.status]), then=_(STATUSES[status])), "status")
        closed_at = now_utc() if status in ("closed", "withdrawn") else None
        update_row(row, office, person, "status", status=status, closed_at=closed_at)
        return row


def add_viewing(office: Office, clerk: Staff | int, listing_id: Listing | int, *,
                visitor: str, phone: str = "", note: str = "",
                at: dt.datetime | None = None) -> ListingViewing:
    """A viewing of an open listing (now, unless ``at``; never in the future)."""
    visitor = clean_text(visitor, "visitor", limit=NAME_LIMIT,
                         message=_("Enter who came to view."))
    phone = parse_phone(phone) if (phone or "").strip() else ""
    note = clean_text(note, "note", limit=NOTE_LIMIT, required=False)
    now = now_utc()
    at = at or now
    if at > now:
        raise DutyError(_("A viewing is recorded after it happened."), "at")
    with changes.write():
        person = desk_person(office, clerk)
        row = listing_of(office, listing_id)
        if row.status not in OPEN:
            raise DutyError(_("Only a listed unit can be viewed."), "listing")
        if at < row.listed_at:
            raise DutyError(_("That is before the unit was listed."), "at")
        return create_row(ListingViewing, office, person, listing=row, at=at,
                          visitor=visitor, phone=phone, note=note)


def agency_item(office: Office) -> FeeItem:
    """The office's active fee item of kind "agency" (the first by code)."""
    item = (FeeItem.select().where((FeeItem.office == office) & (FeeItem.kind == "agency")
                                   & (FeeItem.active == True))  # noqa: E712
            .order_by(FeeItem.code).first())
    if item is None:
        raise DutyError(_("The office has no active agency fee item: add one under fee "
                          "items first."), "fee_item")
    return item


def charge_agency_fee(office: Office, clerk: Staff | int, listing_id: Listing | int,
                      amount: int | str, note: str = "") -> Charge:
    """The agency fee of a listing on its unit's account, this month's, for the cash desk
    to collect. Not for a withdrawn listing."""
    with changes.write():
        row = listing_of(office, listing_id)
        if row.status == "withdrawn":
            raise DutyError(_("A withdrawn listing is charged no agency fee."), "listing")
        return fees.add_charge(office, clerk, row.unit_id, agency_item(office),
                               this_month(office), amount, note)
