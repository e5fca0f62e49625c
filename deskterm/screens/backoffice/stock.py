"""The repair store's stock ([5.4][6.6]): every stock item with its book quantity, searched
as the clerk types (code, name or location).

The search box has the focus at first; ↓ goes to the rows, Enter opens the highlighted
item's ledger (from the box or the rows). On the rows: ``r`` stock received, ``d`` stock
drawn by hand (with a reason), ``n`` a new item, ``e`` edit the item, ``/`` back to the
search. Esc closes. The forms are in ``stock_forms``; after one saves, the rows are read
again. ``open_stock(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from deskterm.db.models import StockItem, StockMove, database
from deskterm.display import fit, plain
from deskterm.duties.backoffice import stock
from deskterm.duties.backoffice.stock import StockRow
from deskterm.i18n import _
from deskterm.screens.backoffice.stock_forms import StockItemForm, StockLedgerScreen, StockMoveForm

DEBOUNCE = 0.15
#: Columns (cells); the table is 76 wide, one cell kept for the scrollbar.
CODE_W, QTY_W, UOM_W, LOC_W = 10, 7, 4, 14
NAME_W = 75 - 5 - CODE_W - QTY_W - UOM_W - LOC_W


def row_cells(row: StockRow) -> tuple[str, ...]:
    return (fit(row.code, CODE_W), fit(row.name, NAME_W), f"{row.book_quantity} ",
            fit(row.uom, UOM_W), fit(row.location, LOC_W))


def open_stock(app) -> StockScreen | None:
    """Open the stock list (a signed-in desk only); the pushed screen, or None."""
    if app.session.staff is None:
        return None
    screen = StockScreen(app.session)
    app.push_screen(screen)
    return screen


class StockScreen(ModalScreen[None]):
    """The stock items, their book quantities, and the keys to move stock."""

    CSS_PATH = str(files("deskterm.styles") / "stock.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("down", "to_rows", show=False),
        Binding("r", "move('receive')", show=False),
        Binding("d", "move('draw')", show=False),
        Binding("n", "new_item", show=False),
        Binding("e", "edit_item", show=False),
        Binding("slash", "to_search", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="stock")
        self.session = session
        self.rows: list[StockRow] = []
        self.loads = 0  # answers shown, for tests
        self._timer: Timer | None = None
        self._select_id: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="st-form", classes="form"):
            with Horizontal(id="st-top"):
                yield Static(plain(_("Stock")), id="st-title", classes="form-title",
                             markup=False)
                yield Static(plain("…"), id="st-count", markup=False)
            yield Input(id="st-search", compact=True, max_length=40,
                        placeholder=_("find: code, name or location"))
            yield DataTable(id="st-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="st-error", classes="field-error", markup=False)
            yield Static(plain(_("↓ rows · Enter ledger · r receive · d draw · n new · "
                                 "e edit · / find · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in ((_("Code"), CODE_W), (_("Item"), NAME_W), (_("Book"), QTY_W),
                             (_("Measure"), UOM_W), (_("Location"), LOC_W)):
            table.add_column(plain(fit(label, width)), width=width + 1)
        self.query_one("#st-search", Input).focus()
        self.load()

    # --- reading ----------------------------------------------------------------------
    @on(Input.Changed, "#st-search")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.load)

    def load(self) -> None:
        self._timer = None
        self._load(self.query_one("#st-search", Input).value)

    @work(thread=True, exclusive=True, group="stock-rows")
    def _load(self, query: str) -> None:
        try:
            with database.connection_context():
                rows = stock.stock_rows(self.session.office, query)
        except Exception as exc:  # noqa: BLE001 - said on the error line
            self.app.call_from_thread(self._error, str(exc))
            return
        self.app.call_from_thread(self._show, query, rows)

    def _error(self, message: str) -> None:
        self.query_one("#st-error", Static).update(plain(fit("✗ " + message, 76)))

    def _show(self, query: str, rows: list[StockRow]) -> None:
        if query != self.query_one("#st-search", Input).value:
            return  # an older search: a newer one is coming
        table = self.query_one(DataTable)
        keep = self._select_id if self._select_id is not None else (
            self.current.id if self.current else None)
        self._select_id = None
        table.clear()
        for row in rows:
            cells = [plain(cell) for cell in row_cells(row)]
            cells[2].justify = "right"
            table.add_row(*cells, key=str(row.id))
        self.rows = rows
        index = next((i for i, row in enumerate(rows) if row.id == keep), 0)
        if rows:
            table.move_cursor(row=index)
        self.query_one("#st-count", Static).update(plain(_("{n} items").format(n=len(rows))))
        self.loads += 1

    @property
    def current(self) -> StockRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    # --- keys ------------------------------------------------------------------------
    def action_to_rows(self) -> None:
        self.query_one(DataTable).focus()

    def action_to_search(self) -> None:
        self.query_one("#st-search", Input).focus()

    @on(Input.Submitted, "#st-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_ledger()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_ledger()

    def _need_item(self) -> StockRow | None:
        item = self.current
        if item is None:
            self.app.notify(_("Choose a stock item first (n adds one)."), title=_("Stock"),
                            markup=False, timeout=3)
        return item

    def action_ledger(self) -> None:
        item = self._need_item()
        if item is not None:
            self.app.push_screen(StockLedgerScreen(self.session, item.id))

    def action_move(self, kind: str) -> None:
        item = self._need_item()
        if item is not None:
            self.app.push_screen(StockMoveForm(self.session, item, kind), self._after)

    def action_new_item(self) -> None:
        self.app.push_screen(StockItemForm(self.session), self._after)

    def action_edit_item(self) -> None:
        item = self._need_item()
        if item is not None:
            self.app.push_screen(StockItemForm(self.session, item), self._after)

    def _after(self, row) -> None:
        if row is None:
            return
        if isinstance(row, StockMove):
            self._select_id = row.item_id
            what = _("Stock received") if row.quantity > 0 else _("Drawn")
            self.app.notify(_("{what}: {qty}").format(what=what, qty=abs(row.quantity)),
                            title=_("Stock"), markup=False, timeout=3)
        elif isinstance(row, StockItem):
            self._select_id = row.id
            if row.code.lower() not in self.query_one("#st-search", Input).value.lower():
                self.query_one("#st-search", Input).value = ""  # show it, whatever the search
        self.load()
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
