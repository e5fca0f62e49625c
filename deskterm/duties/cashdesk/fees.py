"""What the office charges [5.1][5.6][7.4.13]: its fee items (收费项目), the monthly charges
of every unit, and ad-hoc charges (water by reading, an agency fee, anything else).

- ``fee_items(office)`` lists the items; ``add_fee_item`` / ``edit_fee_item`` keep them
  (code, name, kind, basis, rate), every field checked first with a message for its field
  (``fee_item_errors`` gives them all at once, for a form).
- ``generate_monthly_charges(office, clerk, "2026-11")`` writes the month's charges the way
  the demo office's history has them: a property-fee charge for every unit, floor area ×
  rate rounded to the fen (``(area_centi_m2 * rate + 50) // 100``, key
  ``property:<unit>:<period>``), and for the parking item (fixed per month) a charge for
  every unit that had a parking charge the month before (``parking:<unit>:<period>``).
  ``Charge.key`` is unique, so a month is generated once whatever happens: running it again
  creates nothing new, only what is missing (a unit added since). Units without a floor
  area are skipped and named. One transaction; the rows and their change-log rows go in
  multi-row INSERTs (``roster_write.create_rows``). ``preview_monthly_charges`` counts the
  same without writing.
- ``add_charge`` puts one ad-hoc charge on a unit's account (no key).

Periods are office-local months written ``2026-11`` (``months.parse_period`` also reads
``202611``, ``2026/11``, ``2026年11月`` and full-width digits). Money is integer fen.
At most one active item of each generated kind (property, parking): generation must know
which rate to use, and the key names only the kind.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from peewee import Model, fn

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Charge, FeeItem, Office, Staff, Unit
from deskterm.duties.months import parse_period, shift_month, this_month
from deskterm.duties.records import (
    NAME_LIMIT,
    clean_text,
    create_row,
    desk_person,
    locked,
    update_row,
)
from deskterm.duties.residents.roster_write import create_rows
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.money import MAX_FEN, parse_amount

#: The kinds of fee item and their labels (translate with _()).
KINDS: dict[str, str] = {
    "property": N_("property fee"), "parking": N_("parking fee"), "water": N_("water fee"),
    "electricity": N_("electricity fee"), "repair": N_("repair charge"),
    "agency": N_("agency fee"), "adhoc": N_("ad hoc"),
}
#: How an item's rate is read: per m² of floor area a month, per period, per reading.
BASES: dict[str, str] = {"area": N_("per m² a month"), "fixed": N_("per month"),
                         "metered": N_("per unit read")}
#: Kinds charged to units every month by ``generate_monthly_charges``, with the basis
#: each must have.
GENERATED: dict[str, str] = {"property": "area", "parking": "fixed"}
CODE_LIMIT = 16
NOTE_LIMIT = 200
#: Monthly charges may be generated up to this many months after this month; ad-hoc
#: charges up to ``ADHOC_AHEAD``.
GENERATE_AHEAD = 1
ADHOC_AHEAD = 12
FIELDS = ("code", "name", "kind", "basis", "rate")

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class FeeItemView:
    id: int
    code: str
    name: str
    kind: str
    basis: str
    rate: int  # fen per m² a month (area), per month (fixed) or per unit read (metered)
    active: bool


@dataclass(frozen=True)
class GenerationResult:
    """What a month's generation created (or, previewed, would create)."""

    period: str
    created: int  # charges written (to be written, in a preview)
    already: int  # charges of the month that were there before
    skipped: tuple[str, ...] = ()  # codes of units without a floor area
    by_kind: dict[str, int] = field(default_factory=dict)  # created, per kind
    preview: bool = False


# --- periods ---------------------------------------------------------------------------------

def check_period(office: Office, text: object, *, ahead: int = GENERATE_AHEAD,
                 now: dt.datetime | None = None, field: str = "period") -> str:
    """``parse_period``, and not later than ``ahead`` months after this office-local month."""
    period = parse_period(text, field)
    latest = shift_month(this_month(office, now), ahead)
    if period > latest:
        raise DutyError(_("{period} is too far ahead: {latest} at the latest.").format(
            period=period, latest=latest), field)
    return period


# --- fee items -------------------------------------------------------------------------------

def _view(item: FeeItem) -> FeeItemView:
    return FeeItemView(item.id, item.code, item.name, item.kind, item.basis, int(item.rate),
                       bool(item.active))


def fee_items(office: Office | int, *, active_only: bool = False) -> list[FeeItemView]:
    """The office's fee items, active ones first, then by code."""
    query = FeeItem.select().where(FeeItem.office == office)
    if active_only:
        query = query.where(FeeItem.active == True)  # noqa: E712
    items = [_view(item) for item in query]
    return sorted(items, key=lambda i: (not i.active, i.code.lower(), i.id))


def fee_item_of(office: Office | int, fee_item_id: FeeItem | int | None, *,
                field: str = "fee_item", active: bool = False,
                lock: bool = False) -> FeeItem:
    """This office's fee item (an active one when ``active``), else DutyError."""
    if isinstance(fee_item_id, Model):
        fee_item_id = fee_item_id.get_id()
    row = None
    if isinstance(fee_item_id, int) and not isinstance(fee_item_id, bool):
        query = FeeItem.select().where((FeeItem.id == fee_item_id) & (FeeItem.office == office))
        row = (locked(query) if lock else query).first()
    if row is None or (active and not row.active):
        raise DutyError(_("Choose one of this office's active fee items."), field)
    return row


def clean_code(value: object, field: str = "code") -> str:
    code = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
    if not code:
        raise DutyError(_("Enter a short code, like WYF."), field)
    if len(code) > CODE_LIMIT or not _CODE.fullmatch(code):
        raise DutyError(_("A code is up to {n} letters, digits, - or _.").format(
            n=CODE_LIMIT), field)
    return code


def parse_rate(value: object, field: str = "rate") -> int:
    """A rate in fen: typed text (``1.80``, ``¥150``) or an int; never negative."""
    if isinstance(value, bool):
        raise DutyError(_("Enter the rate as an amount of money."), field)
    if isinstance(value, int):
        if value < 0:
            raise DutyError(_("The amount cannot be negative."), field)
        if value > MAX_FEN:
            raise DutyError(_("That amount is too large for the desk."), field)
        return value
    if not isinstance(value, str):
        raise DutyError(_("Enter the rate as an amount of money."), field)
    return parse_amount(value, field=field)


def _checks(code, name, kind, basis, rate) -> tuple[dict, dict[str, str]]:
    values: dict = {}
    errors: dict[str, str] = {}

    def check(name_: str, parse) -> None:
        try:
            values[name_] = parse()
        except DutyError as exc:
            errors.setdefault(exc.field or name_, exc.message)

    check("code", lambda: clean_code(code))
    check("name", lambda: clean_text(name, "name", limit=NAME_LIMIT,
                                     message=_("Enter the fee item's name.")))
    if kind not in KINDS:
        errors["kind"] = _("Choose a kind of fee.")
    else:
        values["kind"] = kind
    if basis not in BASES:
        errors["basis"] = _("Choose how the rate is charged.")
    else:
        values["basis"] = basis
    check("rate", lambda: parse_rate(rate))
    wanted = GENERATED.get(values.get("kind", ""))
    if wanted and "basis" in values and values["basis"] != wanted:
        errors.setdefault("basis", _("The {kind} is charged {basis}.").format(
            kind=_(KINDS[values["kind"]]), basis=_(BASES[wanted])))
    if wanted and values.get("rate") == 0:
        errors.setdefault("rate", _("The {kind} is charged every month: give it a rate.")
                          .format(kind=_(KINDS[values["kind"]])))
    return values, errors


def fee_item_errors(code, name, kind, basis, rate) -> dict[str, str]:
    """Every field's message at once (empty when all are fine), for a form."""
    return _checks(code, name, kind, basis, rate)[1]


def _checked(code, name, kind, basis, rate) -> dict:
    values, errors = _checks(code, name, kind, basis, rate)
    if errors:
        first = next(n for n in FIELDS if n in errors)
        raise DutyError(errors[first], first)
    return values


def _check_unique(office: Office, values: dict, active: bool, item_id: int | None) -> None:
    others = FeeItem.select().where(FeeItem.office == office)
    if item_id is not None:
        others = others.where(FeeItem.id != item_id)
    if others.where(fn.LOWER(FeeItem.code) == values["code"].lower()).exists():
        raise DutyError(_("Another fee item has the code {code}.").format(
            code=values["code"]), "code")
    if active and values["kind"] in GENERATED:
        twin = others.where((FeeItem.kind == values["kind"]) & (FeeItem.active == True)  # noqa: E712
                            ).first()
        if twin is not None:
            raise DutyError(_("{code} {name} is already the active {kind}: make it inactive "
                              "first.").format(code=twin.code, name=twin.name,
                                               kind=_(KINDS[values["kind"]])), "kind")


def add_fee_item(office: Office, clerk: Staff | int, *, code: str, name: str, kind: str,
                 basis: str, rate: int | str, active: bool = True) -> FeeItemView:
    """A new fee item of this office."""
    values = _checked(code, name, kind, basis, rate)
    with changes.write():
        person = desk_person(office, clerk)
        _check_unique(office, values, bool(active), None)
        item = create_row(FeeItem, office, person, office=office, active=bool(active),
                          **values)
    return _view(item)


def edit_fee_item(office: Office, clerk: Staff | int, fee_item_id: FeeItem | int, *,
                  code: str, name: str, kind: str, basis: str, rate: int | str,
                  active: bool = True) -> FeeItemView:
    """Change a fee item (a new rate counts from the next charges made). Its kind and basis
    stay once it has charges: they say what those charges were."""
    values = _checked(code, name, kind, basis, rate)
    with changes.write():
        person = desk_person(office, clerk)
        item = fee_item_of(office, fee_item_id, lock=True)
        _check_unique(office, values, bool(active), item.id)
        for name_ in ("kind", "basis"):
            if values[name_] != getattr(item, name_) and Charge.select().where(
                    Charge.fee_item == item.id).exists():
                raise DutyError(_("{code} already has charges: its kind and basis stay.")
                                .format(code=item.code), name_)
        changed = {k: v for k, v in {**values, "active": bool(active)}.items()
                   if getattr(item, k) != v}
        if changed:
            update_row(item, office, person, "update", **changed)
    return _view(item)


# --- monthly charges -------------------------------------------------------------------------

def _generated_items(office: Office, lock: bool) -> dict[str, FeeItem]:
    query = FeeItem.select().where((FeeItem.office == office) & (FeeItem.active == True)  # noqa: E712
                                   & FeeItem.kind.in_(list(GENERATED))).order_by(FeeItem.id)
    items: dict[str, FeeItem] = {}
    for item in (locked(query) if lock else query):
        items.setdefault(item.kind, item)
    if "property" not in items:
        raise DutyError(_("There is no active property fee item: add one charged per m² "
                          "first."), "fee_item")
    return items


def _plan(office: Office, period: str, lock: bool) -> tuple[list[dict], int, list[str]]:
    """The rows the month lacks, how many it has already, the units skipped."""
    items = _generated_items(office, lock)
    existing = {key for (key,) in Charge.select(Charge.key).where(
        (Charge.office == office) & (Charge.period == period) & Charge.key.is_null(False)
    ).tuples()}
    now = now_utc()
    rows: list[dict] = []
    already = 0
    skipped: list[str] = []

    def want(kind: str, unit_id: int, amount: int) -> None:
        nonlocal already
        key = f"{kind}:{unit_id}:{period}"
        if key in existing:
            already += 1
            return
        rows.append({"office": office.id, "unit": unit_id, "fee_item": items[kind].id,
                     "period": period, "amount": amount, "key": key, "created_at": now})

    rate = int(items["property"].rate)
    for unit_id, code, area in (Unit.select(Unit.id, Unit.code, Unit.area_centi_m2)
                                .where(Unit.office == office).order_by(Unit.id).tuples()):
        amount = ((area or 0) * rate + 50) // 100
        if not area or area <= 0 or amount <= 0:
            skipped.append(code)
            continue
        want("property", unit_id, amount)
    parking = items.get("parking")
    if parking is not None and parking.rate > 0:
        before = shift_month(period, -1)
        had = (Charge.select(Charge.unit).distinct()
               .join(FeeItem, on=(Charge.fee_item == FeeItem.id))
               .where((Charge.office == office) & (Charge.period == before)
                      & (FeeItem.kind == "parking")).order_by(Charge.unit).tuples())
        for (unit_id,) in had:
            want("parking", unit_id, int(parking.rate))
    return rows, already, skipped


def _result(period: str, rows: list[dict], already: int, skipped: list[str],
            preview: bool) -> GenerationResult:
    by_kind: dict[str, int] = {}
    for row in rows:
        kind = row["key"].split(":", 1)[0]
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return GenerationResult(period, len(rows), already, tuple(skipped), by_kind, preview)


def preview_monthly_charges(office: Office, period: object) -> GenerationResult:
    """What ``generate_monthly_charges`` would do now for ``period`` (nothing written)."""
    period = check_period(office, period)
    rows, already, skipped = _plan(office, period, lock=False)
    return _result(period, rows, already, skipped, True)


def generate_monthly_charges(office: Office, clerk: Staff | int,
                             period: object) -> GenerationResult:
    """The month's property-fee and parking charges for every unit, those not there yet
    (``Charge.key``), in one transaction with a change-log row each."""
    period = check_period(office, period)
    with changes.write():
        person = desk_person(office, clerk)
        rows, already, skipped = _plan(office, period, lock=True)
        create_rows(Charge, office, person, rows, ("key",))
    return _result(period, rows, already, skipped, False)


# --- ad-hoc charges ----------------------------------------------------------------------------

def unit_of(office: Office | int, unit_id: Unit | int | None, field: str = "unit") -> Unit:
    if isinstance(unit_id, Model):
        unit_id = unit_id.get_id()
    row = None
    if isinstance(unit_id, int) and not isinstance(unit_id, bool):
        row = Unit.get_or_none((Unit.id == unit_id) & (Unit.office == office))
    if row is None:
        raise DutyError(_("There is no such unit at this office."), field)
    return row


def parse_charge_amount(value: object, field: str = "amount") -> int:
    """A charge's amount in fen (typed text or an int): more than ¥0."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise DutyError(_("Enter the amount of money."), field)
    fen = parse_amount(value, field=field) if isinstance(value, str) else value
    if fen <= 0:
        raise DutyError(_("A charge is more than ¥0."), field)
    if fen > MAX_FEN:
        raise DutyError(_("That amount is too large for the desk."), field)
    return fen


def add_charge(office: Office, clerk: Staff | int, unit_id: Unit | int,
               fee_item_id: FeeItem | int, period: object, amount: int | str,
               note: str = "") -> Charge:
    """One charge on a unit's account for an active fee item (water by reading, an agency
    fee...): no key, so it never stands in for a generated one."""
    fen = parse_charge_amount(amount)
    period = check_period(office, period, ahead=ADHOC_AHEAD)
    note = clean_text(note, "note", limit=NOTE_LIMIT, required=False)
    with changes.write():
        person = desk_person(office, clerk)
        unit = unit_of(office, unit_id)
        item = fee_item_of(office, fee_item_id, active=True)
        return create_row(Charge, office, person, office=office, unit=unit, fee_item=item,
                          period=period, amount=fen, created_at=now_utc(), note=note)
