"""Units entrusted for rent or sale (业主房屋委托租售) [7.4.15].

``open_listings(app)`` lists the office's listings (open ones first): unit, rent or sale,
owner, asking price, status, viewings, and the agency fees charged / paid. ``s`` steps
the status filter (all, listed, viewing, let/sold, withdrawn), ``n`` records a new one
(``ListingForm`` → ``listings.add_listing``, the unit by its code), Enter opens
``ListingDetailScreen``: the listing, its viewings and its fees; ``1``–``4`` move it to
listed / viewing / let/sold / withdrawn where allowed, ``v`` records a viewing, ``f``
charges the agency fee to the unit's account (the cash desk, F3, collects it). Esc
closes. Both are ``BackofficeBook``s: read and written through the kit's worker.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable, Static

from deskterm.clock import local
from deskterm.display import fit, money, plain
from deskterm.duties.backoffice import listings
from deskterm.duties.parsing import format_phone
from deskterm.i18n import N_, _
from deskterm.screens.backoffice.backoffice_book import BackofficeBook
from deskterm.screens.backoffice.backoffice_form import AgencyFeeForm, ListingForm, ViewingForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import lines_text, word

FILTERS = (None, *listings.STATUSES)
#: The kind in the list's narrow column.
KIND_SHORT = {"rent": N_("rent"), "sale": N_("sale")}
STATUS_KEYS = dict(zip("1234", listings.STATUSES, strict=True))


def open_listings(app) -> ListingsScreen | None:
    """The office's listings (a signed-in desk only); the pushed screen, or None."""
    return open_screen(app, ListingsScreen)


def fees_text(row: listings.ListingRow) -> str:
    if not row.charged:
        return "—"
    return f"{money(row.charged)}/{money(row.paid)}"


def listing_cells(row: listings.ListingRow) -> tuple[str, ...]:
    return (row.unit, word(KIND_SHORT, row.kind), row.owner or "—", money(row.asking),
            word(listings.STATUSES, row.status), str(row.viewings), fees_text(row))


class ListingsScreen(BackofficeBook):
    PREFIX = "ls"
    HEADING = N_("Listings for rent or sale")
    HINT = N_("Enter open · n new · s status filter · Esc close")
    #: Widths in cells, one cell of gap each: at most 73 in all.
    COLUMNS = ((N_("Unit"), 9), (N_("Kind"), 6), (N_("Owner"), 7), (N_("Asking"), 13),
               (N_("Status"), 9), (N_("Vw"), 3), (N_("Fees charged/paid"), 19))
    BINDINGS = [
        Binding("n", "new", show=False),
        Binding("s", "filter", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="listings")
        self.status: str | None = None
        self.rows: dict[str, listings.ListingRow] = {}

    def first_key(self) -> tuple:
        return (self.status,)

    def fetch(self, status: str | None):
        return listings.listings(self.office, status)

    def show(self, rows: list[listings.ListingRow], status: str | None) -> None:
        shown = _("all") if status is None else word(listings.STATUSES, status)
        self.set_line("title", _("Listings for rent or sale: {shown} ({n})").format(
            shown=shown, n=len(rows)))
        self.rows = {f"l{row.id}": row for row in rows}
        self.show_rows([listing_cells(row) for row in rows], list(self.rows))
        if not rows:
            self.tell(_("No listings here: n records one."), done=False)

    def action_filter(self) -> None:
        self.status = FILTERS[(FILTERS.index(self.status) + 1) % len(FILTERS)]
        self.tell("")
        self.read(self.status)

    def action_new(self) -> None:
        self.app.push_screen(ListingForm(self.session), callback=self._added)

    def _added(self, row) -> None:
        if row is not None:
            self.tell(_("Listed."))
            self.read(self.status)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows.get(event.row_key.value)
        if row is not None:
            self.app.push_screen(ListingDetailScreen(self.session, row.id),
                                 callback=lambda _result: self.read(self.status))


class ListingDetailScreen(BackofficeBook):
    PREFIX = "ld"
    HEADING = N_("Listing")
    HINT = N_("1 listed 2 viewing 3 let/sold 4 withdrawn · v viewing · f fee · Esc")
    TABLE_ID = "ld-viewings"
    COLUMNS = ((N_("Viewed"), 11), (N_("Visitor"), 10), (N_("Phone"), 13), (N_("Note"), 34))
    BINDINGS = [
        Binding("v", "viewing", show=False),
        Binding("f", "fee", show=False),
        *(Binding(key, f"status('{status}')", show=False) for key, status in
          STATUS_KEYS.items()),
    ]

    def __init__(self, session, listing_id: int) -> None:
        super().__init__(session, id="listing-detail")
        self.listing_id = listing_id
        self.detail: listings.ListingDetail | None = None

    def compose_above(self):
        yield Static(plain("…"), id="ld-info", markup=False)

    def compose_below(self):
        yield Static(plain(""), id="ld-fees", markup=False)

    def fetch(self):
        return listings.listing_detail(self.office, self.listing_id)

    def show(self, detail: listings.ListingDetail) -> None:
        self.detail = detail
        row, tz = detail.listing, self.session.tz
        self.set_line("title", _("Listing {unit} {kind}: {status}").format(
            unit=row.unit, kind=word(listings.KINDS, row.kind),
            status=word(listings.STATUSES, row.status)))
        listed = local(row.listed_at, tz).format("YYYY-MM-DD")
        if row.closed_at is not None:
            listed += " → " + local(row.closed_at, tz).format("YYYY-MM-DD")
        self.set_line("info", lines_text([
            _("Owner {owner} · contact {contact} · asking {asking}").format(
                owner=row.owner or "—", contact=format_phone(row.contact) or "—",
                asking=money(row.asking)),
            _("Listed {listed}").format(listed=listed),
            _("Terms: {terms}").format(terms=row.terms or "—"),
        ], 76))
        self.show_rows([(local(viewing.at, tz).format("MM-DD HH:mm"), viewing.visitor,
                         format_phone(viewing.phone) or "—", viewing.note or "—")
                        for viewing in detail.viewings],
                       [f"v{viewing.id}" for viewing in detail.viewings])
        fee_lines = [_("Agency fees: {charged} charged, {paid} paid").format(
            charged=money(row.charged), paid=money(row.paid))]
        fee_lines += [fit(f"  {d.period} {d.fee_item} {money(d.amount)} · "
                          + _("paid {paid}").format(paid=money(d.paid))
                          + (f" · {d.note}" if d.note else ""), 76)
                      for d in detail.fees[-3:]]
        self.set_line("fees", lines_text(fee_lines, 76))

    def action_status(self, status: str) -> None:
        office, clerk, lid = self.office, self.session.staff, self.listing_id
        self.act(lambda: listings.set_status(office, clerk, lid, status),
                 lambda _row: self._changed(_("Now {status}.").format(
                     status=word(listings.STATUSES, status))), group="status")

    def _changed(self, text: str) -> None:
        self.tell(text)
        self.read()

    def action_viewing(self) -> None:
        self.app.push_screen(ViewingForm(self.session, self.listing_id), callback=lambda row: (
            row is not None and self._changed(_("Viewing recorded."))))

    def action_fee(self) -> None:
        self.app.push_screen(AgencyFeeForm(self.session, self.listing_id), callback=lambda row: (
            row is not None and self._changed(
                _("Agency fee charged: the cash desk (F3) collects it."))))
