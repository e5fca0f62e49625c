"""The stock screen's forms ([5.4][6.6]): a stock item (new or edited), stock received or
drawn by hand, and one item's ledger (库存账).

Each form is a ModalScreen: ctrl+s (or Enter in the last field) saves through the duty in
``deskterm.duties.backoffice.stock`` run in a thread worker; a refusal is shown under its field and
the form stays; Esc closes without storing anything. The form dismisses with the row
written (``None`` on Esc).
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from deskterm.clock import local
from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.backoffice import stock
from deskterm.duties.backoffice.stock import LedgerLine, StockRow
from deskterm.i18n import N_, _
from deskterm.screens.kit.form_kit import run_duty

KIND_WORDS = {"receive": N_("received"), "draw": N_("drawn"), "adjust": N_("stocktake")}
#: Ledger columns (cells); the table is 76 wide, one cell kept for the scrollbar.
L_WHEN, L_KIND, L_QTY, L_BAL, L_BY = 14, 8, 7, 7, 6
L_WHAT = 75 - 6 - L_WHEN - L_KIND - L_QTY - L_BAL - L_BY


class StockForm(ModalScreen):
    """What the stock forms share: ``FIELDS`` inputs ``#sf-<field>``, an error line under
    each (and ``#sf-error`` for the rest), Esc, ctrl+s, the save worker."""

    CSS_PATH = str(files("deskterm.styles") / "stock.tcss")
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]
    FIELDS: tuple[str, ...] = ()

    def __init__(self, session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.saving = False

    def field(self, name: str, label: str, value: str = "", placeholder: str = "",
              max_length: int = 0) -> ComposeResult:
        yield Label(plain(label), classes="field-label")
        yield Input(value, id=f"sf-{name}", compact=True, placeholder=placeholder,
                    max_length=max_length)
        yield Static(plain(""), id=f"sf-error-{name}", classes="field-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(f"#sf-{self.FIELDS[0]}", Input).focus()

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#sf-{name}", Input).value for name in self.FIELDS}

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        names = [f"sf-{name}" for name in self.FIELDS]
        if event.input.id == names[-1]:
            self.action_save()
        else:
            self.query_one("#" + names[names.index(event.input.id) + 1], Input).focus()

    def action_save(self) -> None:
        if self.saving:
            return
        for name in (*self.FIELDS, ""):
            self.set_error(name, "")
        self.saving = True
        self._save(self.values())

    def write(self, values: dict[str, str]):  # the duty call, in the worker
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="stock-form")
    def _save(self, values: dict[str, str]) -> None:
        run_duty(self, lambda: self.write(values), self.dismiss, self._refused)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.set_error(field, message)
        if field in self.FIELDS:
            self.query_one(f"#sf-{field}", Input).focus()

    def set_error(self, field: str, message: str) -> None:
        target = f"#sf-error-{field}" if field in self.FIELDS else "#sf-error"
        self.query_one(target, Static).update(plain(("✗ " + message) if message else ""))

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)


class StockItemForm(StockForm):
    """A new stock item, or an item's code, name, unit and location."""

    FIELDS = ("code", "name", "uom", "location")

    def __init__(self, session, item: StockRow | None = None) -> None:
        super().__init__(session, id="stock-item-form")
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        title = _("New stock item") if item is None else _("Stock item {code}").format(
            code=item.code)
        with Vertical(classes="form stock-form"):
            yield Static(plain(title), classes="form-title", markup=False)
            yield Static(plain(""), id="sf-error", classes="field-error", markup=False)
            yield from self.field("code", _("Code"), item.code if item else "", "FM-15",
                                  stock.CODE_LIMIT)
            yield from self.field("name", _("Item"), item.name if item else "", "",
                                  stock.NAME_LIMIT)
            yield from self.field("uom", _("Unit of measure"), item.uom if item else "个",
                                  _("pieces, metres, rolls..."), stock.UOM_LIMIT)
            yield from self.field("location", _("Location"), item.location if item else "",
                                  _("store room, shelf"), stock.LOCATION_LIMIT)
            yield Static(plain(_("Enter next · ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

    def write(self, values: dict[str, str]):
        office, staff = self.session.office, self.session.staff
        if self.item is None:
            return stock.add_item(office, staff, **values)
        return stock.edit_item(office, staff, self.item.id, **values)


class StockMoveForm(StockForm):
    """Stock received (``kind`` "receive") or drawn by hand ("draw") for one item."""

    FIELDS = ("quantity", "reason")

    def __init__(self, session, item: StockRow, kind: str) -> None:
        if kind not in ("receive", "draw"):
            raise ValueError(f"kind must be 'receive' or 'draw', not {kind!r}")
        super().__init__(session, id="stock-move-form")
        self.item = item
        self.kind = kind

    def compose(self) -> ComposeResult:
        item = self.item
        title = _("Receive stock") if self.kind == "receive" else _("Draw stock")
        with Vertical(classes="form stock-form"):
            yield Static(plain(title), classes="form-title", markup=False)
            yield Static(plain(fit(_("{code} {name}: {qty} {uom} on the books").format(
                code=item.code, name=item.name, qty=item.book_quantity, uom=item.uom), 60)),
                id="sf-item", markup=False)
            yield Static(plain(""), id="sf-error", classes="field-error", markup=False)
            yield from self.field("quantity", _("Quantity ({uom})").format(uom=item.uom),
                                  "", "1", 8)
            label = _("Note (optional)") if self.kind == "receive" else _("Reason (required)")
            hint = _("delivery, supplier") if self.kind == "receive" else _("what for, who took it")
            yield from self.field("reason", label, "", hint, stock.REASON_LIMIT)
            yield Static(plain(_("Enter next · ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

    def write(self, values: dict[str, str]):
        duty = stock.receive if self.kind == "receive" else stock.draw
        return duty(self.session.office, self.session.staff, self.item.id, values["quantity"],
                    reason=values["reason"])


def ledger_cells(line: LedgerLine, tz: str) -> tuple[str, ...]:
    what = line.order_number or (_("stocktake {period}").format(period=line.stocktake_period)
                                 if line.stocktake_period else "")
    what = " ".join(p for p in (what, line.reason) if p)
    kind = _(KIND_WORDS[line.kind]) if line.kind in KIND_WORDS else line.kind
    return (local(line.at, tz).format("YY-MM-DD HH:mm"), fit(kind, L_KIND),
            f"{line.quantity:+d} ", f"{line.balance} ", fit(what, L_WHAT), fit(line.by, L_BY))


class StockLedgerScreen(ModalScreen[None]):
    """One item's moves, newest first, with the book after each. Esc closes."""

    CSS_PATH = str(files("deskterm.styles") / "stock.tcss")
    BINDINGS = [Binding("escape", "close", show=False)]

    def __init__(self, session, item_id: int) -> None:
        super().__init__(id="stock-ledger")
        self.session = session
        self.item_id = item_id
        self.lines: list[LedgerLine] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="sl-form", classes="form"):
            yield Static(plain(_("Stock ledger")), id="sl-title", classes="form-title",
                         markup=False)
            yield DataTable(id="sl-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(_("Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in ((_("When"), L_WHEN), (_("Move"), L_KIND), (_("Qty"), L_QTY),
                             (_("Book"), L_BAL), (_("Order / reason"), L_WHAT),
                             (_("By"), L_BY)):
            table.add_column(plain(fit(label, width)), width=width + 1)
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="stock-ledger")
    def _load(self) -> None:
        try:
            with database.connection_context():
                item, lines = stock.ledger(self.session.office, self.item_id)
        except Exception as exc:  # noqa: BLE001 - shown in the title; Esc still closes
            self.app.call_from_thread(self._show_title, str(exc))
            return
        self.app.call_from_thread(self._show, item, lines)

    def _show_title(self, text: str) -> None:
        self.query_one("#sl-title", Static).update(plain(fit(text, 76)))

    def _show(self, item: StockRow, lines: list[LedgerLine]) -> None:
        self._show_title(_("Stock ledger · {code} {name} · {qty} {uom} on the books").format(
            code=item.code, name=item.name, qty=item.book_quantity, uom=item.uom))
        table = self.query_one(DataTable)
        table.clear()
        for line in lines:
            cells = [plain(cell) for cell in ledger_cells(line, self.session.tz)]
            for number in (2, 3):
                cells[number].justify = "right"
            table.add_row(*cells)
        self.lines = lines

    def action_close(self) -> None:
        self.dismiss(None)
