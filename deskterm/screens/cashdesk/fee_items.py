"""The office's fee items (收费项目) [5.1][5.6]: what it charges, how, and at what rate.

A ``BookScreen``: the table lists every item (``fees.fee_items``, read in the kit's
worker), active ones first: code, name, kind, how the rate is charged, the rate as money,
and whether it is still in use; the line under it shows the highlighted item in full. ``n``
adds an item and Enter edits the highlighted one, both in ``FeeItemFormScreen`` (ctrl+s
saves, Esc cancels); the list then reads itself again with the saved item highlighted. An
office starts with none: monthly generation and payments need at least the property fee.
Esc closes. ``open_fee_items(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.display import fit, plain
from deskterm.duties.cashdesk.fees import BASES, KINDS, FeeItemView, fee_items
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.fee_item_form import FeeItemFormScreen
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import (
    add_columns,
    heading,
    hint_line,
    refill,
    right,
    row_table,
    text_line,
    title_line,
    word,
)

#: Column widths in cells: 75 (the 76 inside the box, one for the scrollbar), each column
#: one cell wider than its text.
COLUMNS = {"code": 8, "name": 16, "kind": 14, "basis": 14, "rate": 11, "active": 6}
LABELS = {"code": N_("Code"), "name": N_("Item name"), "kind": N_("Kind"),
          "basis": N_("Charged by"), "rate": N_("Rate"), "active": N_("Active")}


def item_cells(item: FeeItemView) -> tuple:
    w = COLUMNS
    return (heading(item.code, w["code"]), heading(item.name, w["name"]),
            heading(word(KINDS, item.kind), w["kind"]),
            heading(word(BASES, item.basis), w["basis"]),
            right(format_fen(item.rate), w["rate"]),
            heading(_("yes") if item.active else _("no"), w["active"]))


def open_fee_items(app) -> FeeItemsScreen | None:
    """Open the office's fee items (a signed-in desk only); the pushed screen, or None."""
    return open_screen(app, FeeItemsScreen)


class FeeItemsScreen(BookScreen[None]):
    """The fee items; ``n`` adds one, Enter edits the highlighted one."""

    CSS_PATH = str(files("deskterm.styles") / "fee_items.tcss")
    PREFIX = "fi"
    BINDINGS = [Binding("n", "new_item", show=False)]

    def __init__(self, session) -> None:
        super().__init__(session, id="fee-items")

    def compose(self):
        with Vertical(id="fi-box", classes="form"):
            yield title_line(_("Fee items — {office}").format(office=self.office.name))
            yield row_table("fi-table")
            yield text_line(id="fi-detail")
            yield text_line("…", id="fi-status")
            yield self.message_line()
            yield hint_line(_("n new item · Enter edit · Esc close"))

    def on_mount(self) -> None:
        add_columns(self.table, [(_(LABELS[key]), width, key == "rate")
                                 for key, width in COLUMNS.items()])
        self.set_focus(self.table)
        self.read()

    @property
    def table(self) -> DataTable:
        return self.query_one("#fi-table", DataTable)

    # --- reading ------------------------------------------------------------------------------
    def fetch(self, select: int | None = None) -> list[FeeItemView]:
        return fee_items(self.office)

    def show(self, items: list[FeeItemView], select: int | None = None) -> None:
        """The items, the row of item ``select`` (or the one highlighted before) kept."""
        table = self.table
        self.rows = items
        refill(table, ((str(item.id), item_cells(item)) for item in items))
        ids = [item.id for item in items]
        if select in ids:
            table.move_cursor(row=ids.index(select))
        if not items:
            self._status(_("No fee items yet: n adds one (the property fee first)."))
        else:
            active = sum(1 for item in items if item.active)
            self._status(_("{n} fee items, {active} in use.").format(n=len(items),
                                                                     active=active))
        self.query_one("#fi-detail", Static).update(plain(self.row_detail(self.current_item())))

    def _status(self, text: str) -> None:
        self.query_one("#fi-status", Static).update(plain(text))

    def row_detail(self, item: FeeItemView | None) -> str:
        """The highlighted item in full (its name may be cut in the table)."""
        if item is None:
            return ""
        return fit(" · ".join([item.code, item.name, word(KINDS, item.kind),
                               f"{format_fen(item.rate)} {word(BASES, item.basis)}",
                               _("in use") if item.active else _("not in use")]), 2 * 76)

    def current_item(self) -> FeeItemView | None:
        return self.current_row()

    # --- adding and editing -------------------------------------------------------------------
    @on(DataTable.RowSelected, "#fi-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.current_item()
        if item is not None:
            self.app.push_screen(FeeItemFormScreen(self.session, item),
                                 callback=self._after_form)

    def action_new_item(self) -> None:
        self.app.push_screen(FeeItemFormScreen(self.session, others=list(self.rows)),
                             callback=self._after_form)

    def _after_form(self, item: FeeItemView | None) -> None:
        if item is not None:
            self.read(item.id)
