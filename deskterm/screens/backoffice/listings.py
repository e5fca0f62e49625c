"""Units entrusted for rent or sale (业主房屋委托租售) [7.4.15].

``open_listings(app)`` lists the office's listings (open ones first): unit, rent or sale,
owner, asking price, status, viewings, and the agency fees charged / paid. ``s`` steps
the status filter (all, listed, viewing, let/sold, withdrawn), ``n`` records a new one
(the unit by its code, ``listings.add_listing``), Enter opens ``ListingDetailScreen``:
the listing, its viewings and its fees; ``1``–``4`` move it to listed / viewing /
let/sold / withdrawn where allowed, ``v`` records a viewing, ``f`` charges the agency fee
to the unit's account (the cash desk, F3, collects it). Esc closes.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.clock import local
from deskterm.db.models import database
from deskterm.display import fit, money, plain
from deskterm.duties.backoffice import listings
from deskterm.duties.parsing import format_phone
from deskterm.errors import DeskError
from deskterm.i18n import N_, _
from deskterm.screens.backoffice.backoffice_form import CSS, BackofficeForm, Field
from deskterm.screens.backoffice.canteen import add_columns

#: Column widths in cells, one cell of gap each: at most 73 in all.
COLUMNS = (("unit", 9), ("kind", 6), ("owner", 7), ("asking", 13), ("status", 9),
           ("viewings", 3), ("fees", 19))
VIEWING_COLUMNS = (("at", 11), ("visitor", 10), ("phone", 13), ("note", 34))
FILTERS = (None, *listings.STATUSES)
#: The kind in the list's narrow column.
KIND_SHORT = {"rent": N_("rent"), "sale": N_("sale")}
STATUS_KEYS = dict(zip("1234", listings.STATUSES, strict=True))


def open_listings(app) -> ListingsScreen | None:
    """The office's listings (a signed-in desk only); the pushed screen, or None."""
    if app.session.staff is None:
        return None
    screen = ListingsScreen(app.session)
    app.push_screen(screen)
    return screen


def word(table: dict[str, str], key: str) -> str:
    return _(table[key]) if key in table else key


def fees_text(row: listings.ListingRow) -> str:
    if not row.charged:
        return "—"
    return f"{money(row.charged)}/{money(row.paid)}"


def listing_cells(row: listings.ListingRow) -> list[Text]:
    cells = (row.unit, word(KIND_SHORT, row.kind), row.owner or "—", money(row.asking),
             word(listings.STATUSES, row.status), str(row.viewings), fees_text(row))
    return [plain(fit(cell, width)) for cell, (_k, width) in zip(cells, COLUMNS, strict=True)]


def _run(screen, call, done) -> None:
    """``call()`` in a thread worker with a connection; ``done(result)`` on the UI
    thread, or the error in the screen's result line."""

    def job() -> None:
        try:
            with database.connection_context():
                result = call()
        except DeskError as exc:
            screen.app.call_from_thread(screen.say, "✗ " + exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            screen.app.call_from_thread(screen.say, "✗ " + str(exc))
            return
        screen.app.call_from_thread(done, result)

    screen.run_worker(job, thread=True, group="listings")


class ListingsScreen(ModalScreen[None]):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("n", "new", show=False),
        Binding("s", "filter", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="listings", classes="bo-modal")
        self.session = session
        self.status: str | None = None
        self.rows: dict[str, listings.ListingRow] = {}
        self.asked = 0  # reads started; an older one's answer is dropped
        self.loads = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="ls-form", classes="form bo-wide"):
            yield Static(plain(_("Listings for rent or sale")), id="ls-title",
                         classes="form-title", markup=False)
            yield DataTable(id="ls-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="ls-result", markup=False)
            yield Static(plain(_("Enter open · n new · s status filter · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        add_columns(self.query_one("#ls-table", DataTable), COLUMNS, {
            "unit": _("Unit"), "kind": _("Kind"), "owner": _("Owner"),
            "asking": _("Asking"), "status": _("Status"), "viewings": _("Vw"),
            "fees": _("Fees charged/paid")})
        self.query_one("#ls-table", DataTable).focus()
        self.load()

    def say(self, text: str) -> None:
        self.query_one("#ls-result", Static).update(plain(text))

    def load(self) -> None:
        status = self.status
        self.asked += 1
        asked = self.asked
        _run(self, lambda: (asked, listings.listings(self.session.office, status)),
             self._show)

    def _show(self, answer: tuple[int, list[listings.ListingRow]]) -> None:
        asked, rows = answer
        if asked != self.asked:
            return  # an older read (the filter moved on)
        shown = _("all") if self.status is None else word(listings.STATUSES, self.status)
        self.query_one("#ls-title", Static).update(plain(
            _("Listings for rent or sale: {shown} ({n})").format(shown=shown, n=len(rows))))
        table = self.query_one("#ls-table", DataTable)
        table.clear()
        self.rows = {}
        for row in rows:
            self.rows[f"l{row.id}"] = row
            table.add_row(*listing_cells(row), key=f"l{row.id}")
        if not rows:
            self.say(_("No listings here: n records one."))
        self.loads += 1

    def action_filter(self) -> None:
        self.status = FILTERS[(FILTERS.index(self.status) + 1) % len(FILTERS)]
        self.say("")
        self.load()

    def action_new(self) -> None:
        office, clerk = self.session.office, self.session.staff
        kinds = tuple((_(label), key) for key, label in listings.KINDS.items())
        fields = [
            Field("unit", _("Unit"), max_length=20, placeholder="3-2-501"),
            Field("kind", _("Rent/sale"), options=kinds),
            Field("asking", _("Asking"), max_length=16,
                  placeholder=_("a month's rent, or the price")),
            Field("terms", _("Terms"), max_length=listings.TERMS_LIMIT),
            Field("contact", _("Contact"), max_length=20,
                  placeholder=_("the owner's phone if empty")),
        ]
        self.app.push_screen(BackofficeForm(
            _("A unit entrusted for rent or sale"), fields,
            lambda values: listings.add_listing(office, clerk, **values), form_id="ls-add",
            check=lambda values: listings.listing_errors(**values)),
            callback=self._added)

    def _added(self, row) -> None:
        if row is not None:
            self.say(_("✓ Listed."))
            self.load()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows.get(event.row_key.value)
        if row is not None:
            self.app.push_screen(ListingDetailScreen(self.session, row.id),
                                 callback=lambda _result: self.load())

    def action_close(self) -> None:
        self.dismiss(None)


class ListingDetailScreen(ModalScreen[None]):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("v", "viewing", show=False),
        Binding("f", "fee", show=False),
        *(Binding(key, f"status('{status}')", show=False) for key, status in
          STATUS_KEYS.items()),
    ]

    def __init__(self, session, listing_id: int) -> None:
        super().__init__(id="listing-detail", classes="bo-modal")
        self.session = session
        self.listing_id = listing_id
        self.detail: listings.ListingDetail | None = None
        self.loads = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="ld-form", classes="form bo-wide"):
            yield Static(plain(_("Listing")), id="ld-title", classes="form-title",
                         markup=False)
            yield Static(plain("…"), id="ld-info", markup=False)
            yield DataTable(id="ld-viewings", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="ld-fees", markup=False)
            yield Static(plain(""), id="ld-result", markup=False)
            yield Static(plain(_("1 listed 2 viewing 3 let/sold 4 withdrawn · v viewing · "
                                 "f fee · Esc")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        add_columns(self.query_one("#ld-viewings", DataTable), VIEWING_COLUMNS, {
            "at": _("Viewed"), "visitor": _("Visitor"), "phone": _("Phone"),
            "note": _("Note")})
        self.query_one("#ld-viewings", DataTable).focus()
        self.load()

    def say(self, text: str) -> None:
        self.query_one("#ld-result", Static).update(plain(text))

    def load(self) -> None:
        _run(self, lambda: listings.listing_detail(self.session.office, self.listing_id),
             self._show)

    def _show(self, detail: listings.ListingDetail) -> None:
        self.detail = detail
        row, tz = detail.listing, self.session.tz
        self.query_one("#ld-title", Static).update(plain(_("Listing {unit} {kind}: {status}")
                                                         .format(unit=row.unit,
                                                                 kind=word(listings.KINDS,
                                                                           row.kind),
                                                                 status=word(listings.STATUSES,
                                                                             row.status))))
        listed = local(row.listed_at, tz).format("YYYY-MM-DD")
        if row.closed_at is not None:
            listed += " → " + local(row.closed_at, tz).format("YYYY-MM-DD")
        lines = [
            _("Owner {owner} · contact {contact} · asking {asking}").format(
                owner=row.owner or "—", contact=format_phone(row.contact) or "—",
                asking=money(row.asking)),
            _("Listed {listed}").format(listed=listed),
            _("Terms: {terms}").format(terms=row.terms or "—"),
        ]
        self.query_one("#ld-info", Static).update(
            Text("\n").join(plain(fit(line, 76)) for line in lines))
        table = self.query_one("#ld-viewings", DataTable)
        table.clear()
        for viewing in detail.viewings:
            cells = (local(viewing.at, tz).format("MM-DD HH:mm"), viewing.visitor,
                     format_phone(viewing.phone) or "—", viewing.note or "—")
            table.add_row(*[plain(fit(c, w)) for c, (_k, w) in
                            zip(cells, VIEWING_COLUMNS, strict=True)], key=f"v{viewing.id}")
        fee_lines = [_("Agency fees: {charged} charged, {paid} paid").format(
            charged=money(row.charged), paid=money(row.paid))]
        fee_lines += [fit(f"  {d.period} {d.fee_item} {money(d.amount)} · "
                          + _("paid {paid}").format(paid=money(d.paid))
                          + (f" · {d.note}" if d.note else ""), 76)
                      for d in detail.fees[-3:]]
        self.query_one("#ld-fees", Static).update(
            Text("\n").join(plain(line) for line in fee_lines))
        self.loads += 1

    def action_status(self, status: str) -> None:
        office, clerk, lid = self.session.office, self.session.staff, self.listing_id
        _run(self, lambda: listings.set_status(office, clerk, lid, status),
             lambda _row: self._changed(_("✓ Now {status}.").format(
                 status=word(listings.STATUSES, status))))

    def _changed(self, text: str) -> None:
        self.say(text)
        self.load()

    def action_viewing(self) -> None:
        office, clerk, lid = self.session.office, self.session.staff, self.listing_id
        fields = [
            Field("visitor", _("Visitor"), max_length=listings.NAME_LIMIT),
            Field("phone", _("Phone"), max_length=20),
            Field("note", _("Note"), max_length=listings.NOTE_LIMIT),
        ]
        self.app.push_screen(BackofficeForm(
            _("A viewing, now"), fields,
            lambda values: listings.add_viewing(office, clerk, lid, **values),
            form_id="ld-viewing"),
            callback=lambda row: row is not None and self._changed(_("✓ Viewing recorded.")))

    def action_fee(self) -> None:
        office, clerk, lid = self.session.office, self.session.staff, self.listing_id
        fields = [
            Field("amount", _("Amount"), max_length=16),
            Field("note", _("Note"), max_length=200),
        ]
        self.app.push_screen(BackofficeForm(
            _("The agency fee, on the unit's account"), fields,
            lambda values: listings.charge_agency_fee(office, clerk, lid, **values),
            hint=_("The cash desk (F3) collects it. ctrl+s charge · Esc cancel"),
            form_id="ld-fee"),
            callback=lambda row: row is not None and self._changed(
                _("✓ Agency fee charged: the cash desk (F3) collects it.")))

    def action_close(self) -> None:
        self.dismiss(None)
