"""The office's fee items (收费项目) [5.1][5.6]: what it charges, how, and at what rate.

The table lists every item (``fees.fee_items``, read in a thread worker), active ones
first: code, name, kind, how the rate is charged, the rate as money, and whether it is
still in use. ``n`` adds an item and Enter edits the highlighted one, both in
``FeeItemFormScreen`` (ctrl+s saves, Esc cancels); the list then reads itself again with
the saved item highlighted. An office starts with none: monthly generation and payments
need at least the property fee. Esc closes. ``open_fee_items(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.cashdesk.fees import BASES, KINDS, FeeItemView, fee_items
from deskterm.i18n import _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.fee_item_form import FeeItemFormScreen

#: Column widths in cells: 75 (the 76 inside the box, one for the scrollbar), each column
#: one cell wider than its text.
COLUMNS = {"code": 8, "name": 16, "kind": 14, "basis": 14, "rate": 11, "active": 6}


def word(words: dict[str, str], key: str) -> str:
    return _(words[key]) if key in words else key


def item_cells(item: FeeItemView) -> tuple[Text, ...]:
    w = COLUMNS
    return (plain(fit(item.code, w["code"])), plain(fit(item.name, w["name"])),
            plain(fit(word(KINDS, item.kind), w["kind"])),
            plain(fit(word(BASES, item.basis), w["basis"])),
            Text(fit(format_fen(item.rate), w["rate"]) + " ", justify="right"),
            plain(fit(_("yes") if item.active else _("no"), w["active"])))


def open_fee_items(app) -> FeeItemsScreen | None:
    """Open the office's fee items (a signed-in desk only); the pushed screen, or None."""
    if app.session.staff is None:
        return None
    screen = FeeItemsScreen(app.session)
    app.push_screen(screen)
    return screen


class FeeItemsScreen(ModalScreen[None]):
    """The fee items; ``n`` adds one, Enter edits the highlighted one."""

    CSS_PATH = str(files("deskterm.styles") / "fee_items.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("n", "new_item", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="fee-items")
        self.session = session
        self.items: dict[str, FeeItemView] = {}
        self.asked = 0  # reads started; an answer to an older one is dropped
        self.loads = 0  # reads answered (shown or refused), for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="fi-box", classes="form"):
            yield Static(plain(_("Fee items — {office}").format(
                office=self.session.office.name)), classes="form-title", markup=False)
            yield DataTable(id="fi-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="fi-detail", markup=False)
            yield Static(plain("…"), id="fi-status", markup=False)
            yield Static(plain(_("n new item · Enter edit · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.table
        for key, label in (("code", _("Code")), ("name", _("Item name")), ("kind", _("Kind")),
                           ("basis", _("Charged by")), ("rate", _("Rate")),
                           ("active", _("Active"))):
            width = COLUMNS[key]
            heading = (Text(fit(label, width) + " ", justify="right") if key == "rate"
                       else plain(fit(label, width)))
            table.add_column(heading, width=width + 1)
        table.focus()
        self.read()

    @property
    def table(self) -> DataTable:
        return self.query_one("#fi-table", DataTable)

    # --- reading ------------------------------------------------------------------------------
    def read(self, select: int | None = None) -> None:
        """Read the items again (the row of item ``select`` highlighted, when given)."""
        self.asked += 1
        self._load(self.asked, select)

    @work(thread=True, group="fee-items")
    def _load(self, asked: int, select: int | None) -> None:
        try:
            with database.connection_context():
                items = fee_items(self.session.office)
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the screen
            self.app.call_from_thread(self._refused, asked,
                                      _("Not read: {error}").format(error=exc))
            return
        self.app.call_from_thread(self._show, asked, items, select)

    def _refused(self, asked: int, message: str) -> None:
        if asked == self.asked:
            self.loads += 1
            self._status("✗ " + message)

    def _show(self, asked: int, items: list[FeeItemView], select: int | None) -> None:
        if asked != self.asked:
            return
        table = self.table
        keep = self.current_item()
        wanted = select if select is not None else (keep.id if keep else None)
        self.items = {str(item.id): item for item in items}
        table.clear()
        for item in items:
            table.add_row(*item_cells(item), key=str(item.id))
        if wanted is not None and str(wanted) in self.items:
            table.move_cursor(row=table.get_row_index(str(wanted)))
        if not items:
            self._status(_("No fee items yet: n adds one (the property fee first)."))
        else:
            active = sum(1 for item in items if item.active)
            self._status(_("{n} fee items, {active} in use.").format(n=len(items),
                                                                     active=active))
        self._detail(self.current_item())
        self.loads += 1

    def _status(self, text: str) -> None:
        self.query_one("#fi-status", Static).update(plain(text))

    def _detail(self, item: FeeItemView | None) -> None:
        """The highlighted item in full (its name may be cut in the table)."""
        text = ""
        if item is not None:
            text = " · ".join([item.code, item.name, word(KINDS, item.kind),
                               f"{format_fen(item.rate)} {word(BASES, item.basis)}",
                               _("in use") if item.active else _("not in use")])
        self.query_one("#fi-detail", Static).update(plain(fit(text, 2 * 76)))

    def current_item(self) -> FeeItemView | None:
        table = self.table
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        return self.items.get(table.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "fi-table":
            self._detail(self.items.get(event.row_key.value))

    # --- adding and editing -------------------------------------------------------------------
    @on(DataTable.RowSelected, "#fi-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.items.get(event.row_key.value)
        if item is not None:
            self.app.push_screen(FeeItemFormScreen(self.session, item),
                                 callback=self._after_form)

    def action_new_item(self) -> None:
        self.app.push_screen(FeeItemFormScreen(self.session, others=list(self.items.values())),
                             callback=self._after_form)

    def _after_form(self, item: FeeItemView | None) -> None:
        if item is not None:
            self.read(select=item.id)

    def action_close(self) -> None:
        self.dismiss(None)
