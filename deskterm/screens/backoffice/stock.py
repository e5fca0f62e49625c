"""The repair store's stock ([5.4][6.6]): every stock item with its book quantity, searched
as the clerk types (code, name or location).

The search box has the focus at first; ↓ goes to the rows, Enter opens the highlighted
item's ledger (from the box or the rows). On the rows: ``r`` stock received, ``d`` stock
drawn by hand (with a reason), ``n`` a new item, ``e`` edit the item, ``/`` back to the
search; the hint names only the keys of where the cursor is (in the box, those letters
are typed). Esc closes. The forms are in ``stock_forms``; after one saves, the rows are
read again. A ``BackofficeBook``: the rows are read in the kit's worker, an answer for
text since changed is dropped. ``open_stock(app)`` opens it.
"""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from deskterm.display import fit, plain
from deskterm.duties.backoffice import stock
from deskterm.duties.backoffice.stock import StockRow
from deskterm.i18n import N_, _
from deskterm.screens.backoffice.backoffice_book import STOCK_CSS, BackofficeBook
from deskterm.screens.backoffice.stock_forms import StockItemForm, StockLedgerScreen, StockMoveForm
from deskterm.screens.kit.inputs import TextInput
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import cells_of, refill

DEBOUNCE = 0.15
#: Columns (cells); the table is 76 wide, one cell kept for the scrollbar.
CODE_W, QTY_W, UOM_W, LOC_W = 10, 7, 4, 14
NAME_W = 75 - 5 - CODE_W - QTY_W - UOM_W - LOC_W

IN_SEARCH = N_("↓ rows · Enter ledger · Esc close")
ON_ROWS = N_("Enter ledger · r receive · d draw · n new · e edit · / find · Esc close")


def row_cells(row: StockRow) -> tuple[str, ...]:
    return (row.code, row.name, str(row.book_quantity), row.uom, row.location)


def open_stock(app) -> StockScreen | None:
    """Open the stock list (a signed-in desk only); the pushed screen, or None."""
    return open_screen(app, StockScreen)


class StockScreen(BackofficeBook):
    """The stock items, their book quantities, and the keys to move stock."""

    CSS_PATH = STOCK_CSS
    PREFIX = "st"
    HEADING = N_("Stock")
    HINT = IN_SEARCH
    BOX_CLASSES = "form"
    COLUMNS = ((N_("Code"), CODE_W), (N_("Item"), NAME_W), (N_("Book"), QTY_W, True),
               (N_("Measure"), UOM_W), (N_("Location"), LOC_W))
    BINDINGS = [
        Binding("down", "to_rows", show=False),
        Binding("r", "move('receive')", show=False),
        Binding("d", "move('draw')", show=False),
        Binding("n", "new_item", show=False),
        Binding("e", "edit_item", show=False),
        Binding("slash", "to_search", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="stock", classes="")
        self.rows: list[StockRow] = []
        self._timer: Timer | None = None
        self._select_id: int | None = None

    def compose_title(self):
        yield Horizontal(Static(plain(_(self.HEADING)), id="st-title", classes="form-title",
                                markup=False),
                         Static(plain("…"), id="st-count", markup=False), id="st-top")

    def compose_above(self):
        yield TextInput(id="st-search", compact=True, max_length=40,
                        placeholder=_("find: code, name or location"))

    @property
    def search(self) -> Input:
        return self.query_one("#st-search", Input)

    def first_focus(self):
        return self.search

    def first_key(self) -> tuple:
        return ("",)

    # --- reading ----------------------------------------------------------------------
    @on(Input.Changed, "#st-search")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.load)

    def load(self) -> None:
        self._timer = None
        self.read(self.search.value)

    def fetch(self, query: str):
        return stock.stock_rows(self.office, query)

    def show(self, rows: list[StockRow], query: str) -> None:
        if query != self.search.value:
            return  # an older search: a newer one is coming
        wanted, self._select_id = self._select_id, None
        table = self.table
        refill(table, ((str(row.id), cells_of(row_cells(row), self.COLUMNS)) for row in rows))
        self.rows = rows
        ids = [row.id for row in rows]
        if wanted in ids:  # the item just saved
            table.move_cursor(row=ids.index(wanted))
        self.set_line("count", _("{n} items").format(n=len(rows)))

    @property
    def current(self) -> StockRow | None:
        table = self.table
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    # --- keys ------------------------------------------------------------------------
    def on_descendant_focus(self, _event) -> None:
        hint = self.query(f"#{self.PREFIX}-hint")
        if hint:
            hint.first(Static).update(plain(fit(_(
                ON_ROWS if isinstance(self.focused, DataTable) else IN_SEARCH), 76)))

    def action_to_rows(self) -> None:
        self.set_focus(self.table)

    def action_to_search(self) -> None:
        self.set_focus(self.search)

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
            self.app.push_screen(StockMoveForm(self.session, item, kind),
                                 lambda move: self._moved(item, move))

    def action_new_item(self) -> None:
        self.app.push_screen(StockItemForm(self.session), self._item_saved)

    def action_edit_item(self) -> None:
        item = self._need_item()
        if item is not None:
            self.app.push_screen(StockItemForm(self.session, item), self._item_saved)

    def _moved(self, item: StockRow, move) -> None:
        if move is None:
            return
        self._select_id = item.id
        what = _("Stock received") if move.quantity > 0 else _("Drawn")
        self.app.notify(_("{what}: {qty}").format(what=what, qty=abs(move.quantity)),
                        title=_("Stock"), markup=False, timeout=3)
        self._again()

    def _item_saved(self, item) -> None:
        if item is None:
            return
        self._select_id = item.id
        if self.search.value and item.code.lower() not in self.search.value.lower():
            self.search.value = ""  # show it, whatever the search (the change reads again)
            self.set_focus(self.table)
        else:
            self._again()

    def _again(self) -> None:
        self.load()
        self.set_focus(self.table)
