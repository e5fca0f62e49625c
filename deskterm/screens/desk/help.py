"""F1: every key of the desk, made from the same table as the bindings (deskterm.keys)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from deskterm.display import plain
from deskterm.i18n import N_, _
from deskterm.keys import BOOKS, DESK_KEYS

NAVIGATION = (
    ("1 2 3 4", N_("Go to a pane: Today, Open orders, Callbacks, Cash")),
    ("tab / shift+tab", N_("Next / previous pane")),
    ("enter", N_("Open the order of the selected row")),
    ("d", N_("Mark the task selected on Today done")),
    ("↑ ↓ pgup pgdn", N_("Move in the focused pane")),
    ("esc", N_("Close a form or restore a zoomed pane")),
    ("ctrl+p", N_("Command palette: every action by name")),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q", "dismiss_help", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="form"):
            yield Static(plain(_("deskterm keys")), classes="form-title", markup=False)
            with VerticalScroll(id="help-keys"):
                yield Static(self._keys_table(), markup=False)
            yield Static(plain(_("Esc closes this help.")), classes="form-hint", markup=False)

    def _keys_table(self) -> Table:
        table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("what", ratio=1)
        keymap = getattr(self.app, "desk_keymap", {})
        for key in DESK_KEYS:
            shown = keymap.get(key.id, key.key)
            table.add_row(plain(shown), plain(_(key.description)))
        books = keymap.get("books", "f10")
        for book in BOOKS:
            table.add_row(plain(f"{books} {book.letter}"),
                          plain(f"{_(book.label)}: {_(book.description)}"))
        for keys, text in NAVIGATION:
            table.add_row(plain(keys), plain(_(text)))
        return table

    def on_mount(self) -> None:
        self.query_one("#help-keys").focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
