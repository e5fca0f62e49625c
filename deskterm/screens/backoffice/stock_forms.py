"""The stock screen's forms ([5.4][6.6]): a stock item (new or edited), stock received or
drawn by hand, and one item's ledger (库存账).

Each form is a ``DeskForm`` (ids ``sf-*``): Enter moves to the next field and saves in
the last, ctrl+s saves from any, through the duty in ``deskterm.duties.backoffice.stock``
in the kit's worker; a refusal is shown under its field and the form stays; Esc closes
(asking first when something was typed). The form dismisses with the row written
(``None`` on Esc). The ledger is a ``BackofficeBook``.
"""

from __future__ import annotations

from deskterm.clock import local
from deskterm.display import fit
from deskterm.duties.backoffice import stock
from deskterm.duties.backoffice.stock import LedgerLine, StockRow
from deskterm.i18n import N_, _
from deskterm.screens.backoffice.backoffice_book import STOCK_CSS, BackofficeBook
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm

KIND_WORDS = {"receive": N_("received"), "draw": N_("drawn"), "adjust": N_("stocktake")}
#: Ledger columns (cells); the table is 76 wide, one cell kept for the scrollbar.
L_WHEN, L_KIND, L_QTY, L_BAL, L_BY = 14, 8, 7, 7, 6
L_WHAT = 75 - 6 - L_WHEN - L_KIND - L_QTY - L_BAL - L_BY


class StockForm(DeskForm):
    """What the stock forms share: ids ``sf-*``, the stylesheet, Enter saves in the last
    field; the duty says what is wrong."""

    PREFIX = "sf"
    CSS_PATH = STOCK_CSS
    ENTER_SAVES = True
    HINT = N_("Enter next · ctrl+s save · Esc cancel")

    @property
    def clerk(self):
        return self.session.staff


class StockItemForm(StockForm):
    """A new stock item, or an item's code, name, unit and location."""

    def __init__(self, session, item: StockRow | None = None) -> None:
        self.item = item
        super().__init__(session, id="stock-item-form", title=_("New stock item") if item is None
                         else _("Stock item {code}").format(code=item.code))

    def form_fields(self):
        item = self.item
        return (
            Field("code", N_("Code"), initial=item.code if item else "", placeholder="FM-15",
                  max_length=stock.CODE_LIMIT),
            Field("name", N_("Item"), initial=item.name if item else "",
                  max_length=stock.NAME_LIMIT),
            Field("uom", N_("Unit of measure"), initial=item.uom if item else "",
                  placeholder=N_("pieces, metres, rolls..."), max_length=stock.UOM_LIMIT),
            Field("location", N_("Location"), initial=item.location if item else "",
                  placeholder=N_("store room, shelf"), max_length=stock.LOCATION_LIMIT),
        )

    def save(self, values):
        if self.item is None:
            return stock.add_item(self.office, self.clerk, **values)
        return stock.edit_item(self.office, self.clerk, self.item.id, **values)


class StockMoveForm(StockForm):
    """Stock received (``kind`` "receive") or drawn by hand ("draw") for one item."""

    def __init__(self, session, item: StockRow, kind: str) -> None:
        if kind not in ("receive", "draw"):
            raise ValueError(f"kind must be 'receive' or 'draw', not {kind!r}")
        self.item = item
        self.kind = kind
        super().__init__(
            session, id="stock-move-form",
            title=_("Receive stock") if kind == "receive" else _("Draw stock"),
            note=fit(_("{code} {name}: {qty} {uom} on the books").format(
                code=item.code, name=item.name, qty=item.book_quantity, uom=item.uom), 60))

    def form_fields(self):
        receiving = self.kind == "receive"
        return (
            Field("quantity", _("Quantity ({uom})").format(uom=self.item.uom), placeholder="1",
                  max_length=8),
            Field("reason", N_("Note (optional)") if receiving else N_("Reason (required)"),
                  placeholder=N_("delivery, supplier") if receiving
                  else N_("what for, who took it"), max_length=stock.REASON_LIMIT),
        )

    def save(self, values):
        duty = stock.receive if self.kind == "receive" else stock.draw
        return duty(self.office, self.clerk, self.item.id, values["quantity"],
                    reason=values["reason"])


def ledger_cells(line: LedgerLine, tz: str) -> tuple[str, ...]:
    what = line.order_number or (_("stocktake {period}").format(period=line.stocktake_period)
                                 if line.stocktake_period else "")
    what = " ".join(p for p in (what, line.reason) if p)
    kind = _(KIND_WORDS[line.kind]) if line.kind in KIND_WORDS else line.kind
    return (local(line.at, tz).format("YY-MM-DD HH:mm"), kind, f"{line.quantity:+d}",
            str(line.balance), what, line.by)


class StockLedgerScreen(BackofficeBook):
    """One item's moves, newest first, with the book after each. Esc closes."""

    CSS_PATH = STOCK_CSS
    PREFIX = "sl"
    HEADING = N_("Stock ledger")
    HINT = N_("Esc close")
    BOX_CLASSES = "form"
    COLUMNS = ((N_("When"), L_WHEN), (N_("Move"), L_KIND), (N_("Qty"), L_QTY, True),
               (N_("Book"), L_BAL, True), (N_("Order / reason"), L_WHAT), (N_("By"), L_BY))

    def __init__(self, session, item_id: int) -> None:
        super().__init__(session, id="stock-ledger", classes="")
        self.item_id = item_id
        self.lines: list[LedgerLine] | None = None

    def fetch(self):
        return stock.ledger(self.office, self.item_id)

    def show(self, data) -> None:
        item, lines = data
        self.set_line("title", fit(_("Stock ledger · {code} {name} · {qty} {uom} on the "
                                     "books").format(code=item.code, name=item.name,
                                                     qty=item.book_quantity, uom=item.uom), 76))
        tz = self.session.tz
        self.show_rows([ledger_cells(line, tz) for line in lines],
                       [str(index) for index in range(len(lines))])
        self.lines = lines
