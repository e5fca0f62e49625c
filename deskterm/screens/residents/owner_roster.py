"""The owner roster (业主名册一览表): find an owner as you type, edit them, add one, import
the roster from a file.

The search box reads what is typed as the call-intake lookup does (``roster.find_owners``:
a unit code or its start, phone digits, a name, pinyin initials) as it is typed, with no
fixed delay: at once, or behind the read on its way, the newest key superseding any that
waited (``BookScreen.read_as_typed``); an answer for text since changed is dropped. The matches fill the
table under it (moved-out owners last). Enter in the box or on a row edits the
highlighted owner (``OwnerFormScreen``); ↓ moves from the box to the table, ``/`` back.
In the table, ``n`` adds an owner (to the highlighted row's unit, or the unit typed) and
``i`` imports the roster from a file (``RosterImportScreen``). Esc closes.

A ``BookScreen``: the roster is read in the kit's worker; when it cannot be read the
message line says so in the clerk's words and the table keeps what it showed.
``open_owner_roster(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from deskterm.display import fit, plain
from deskterm.duties.parsing import format_phone, unit_code_query
from deskterm.duties.residents.owners import KINDS
from deskterm.duties.residents.roster import MAX_QUERY, OwnerHit, find_owners, normalise
from deskterm.i18n import _
from deskterm.screens.kit.book import BookScreen, update_line
from deskterm.screens.kit.inputs import TextInput
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.residents.owner_form import OwnerFormScreen
from deskterm.screens.residents.roster_import import RosterImportScreen

LIMIT = 50
#: Column widths in cells; the table is 76 wide inside the border and padding, one cell is
#: left for the scrollbar, and each column is one cell wider than its text (the gap).
UNIT_WIDTH = 10
NAME_WIDTH = 14
KIND_WIDTH = 6
STATE_WIDTH = 8
PHONES_WIDTH = 75 - 5 - UNIT_WIDTH - NAME_WIDTH - KIND_WIDTH - STATE_WIDTH


def row_cells(hit: OwnerHit) -> tuple[str, ...]:
    phones = ", ".join(format_phone(p) for p in hit.phones) or "—"
    kind = _(KINDS[hit.kind]) if hit.kind in KINDS else hit.kind
    state = "" if hit.active else _("moved out")
    return (fit(hit.unit_code, UNIT_WIDTH), fit(hit.name, NAME_WIDTH), fit(kind, KIND_WIDTH),
            fit(phones, PHONES_WIDTH), fit(state, STATE_WIDTH))


class OwnerRosterScreen(BookScreen[None]):
    """Search the roster; Enter edits, ``n`` adds, ``i`` imports."""

    CSS_PATH = str(files("deskterm.styles") / "roster.tcss")
    PREFIX = "or"
    COVERS = True
    KEPT = True  # opened during many calls: closed, made as new and kept (kit.book)
    BINDINGS = [
        Binding("n", "new_owner", show=False),
        Binding("i", "import_roster", show=False),
        Binding("slash", "search", show=False),
    ]

    def __init__(self, session, add_phone: str = "") -> None:
        super().__init__(session, id="owner-roster", classes="owner-roster")
        self.add_phone = add_phone  # a caller not on the roster: Enter adds it to an owner
        self.hits: dict[str, OwnerHit] = {}
        self._shown_for: str | None = None
        self._edit_when_ready = False

    def compose(self) -> ComposeResult:
        with Vertical(id="or-box", classes="form"):
            yield Static(plain(_("Owner roster — {office}").format(office=self.office.name)),
                         classes="form-title", markup=False)
            yield TextInput(id="or-search", compact=True, max_length=MAX_QUERY,
                            placeholder=_("unit 3-2-501, phone digits, name or initials (zs)"))
            yield DataTable(id="or-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="or-status", markup=False)
            yield self.message_line()
            yield Static(plain(""), id="or-hint", classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.table
        for label, width in ((_("Unit"), UNIT_WIDTH), (_("Name"), NAME_WIDTH),
                             (_("Kind"), KIND_WIDTH), (_("Phones"), PHONES_WIDTH),
                             ("", STATE_WIDTH)):
            table.add_column(plain(fit(label, width)), width=width + 1)

    def opening(self) -> None:
        if self.add_phone:
            self._status(_("{phone} is on no owner's card: find the owner, Enter adds it "
                           "to their phones.").format(phone=format_phone(self.add_phone)))
        else:
            self._status(_("Type a unit, phone digits, a name or pinyin initials."))
        self.set_focus(self.search_input)
        self._hint()

    @property
    def table(self) -> DataTable:
        return self.query_one("#or-table", DataTable)

    @property
    def search_input(self) -> Input:
        return self.query_one("#or-search", Input)

    def reset(self) -> None:
        """Closed and kept (``KEPT``): no search, no matches, nothing said."""
        super().reset()
        self.search_input.value = ""
        self.hits = {}
        self._shown_for = None
        self._edit_when_ready = False

    def _status(self, text: str) -> None:
        update_line(self.query_one("#or-status", Static), text)

    def _hint(self) -> None:
        hint = self.query("#or-hint")
        if not hint:
            return  # focus moved while the screen is still being built
        if isinstance(self.focused, DataTable):
            keys = [_("Enter edit"), _("n new owner"), _("i import a file"), _("/ search"),
                    _("Esc close")]
        else:
            keys = [_("Enter edit"), _("↓ the list (n new, i import)"), _("Esc close")]
        update_line(hint.first(Static), " · ".join(keys))

    def on_descendant_focus(self, _event) -> None:
        self._hint()

    # --- searching ---------------------------------------------------------------------------
    def _wanted(self) -> str:
        return normalise(self.search_input.value)

    @on(Input.Changed, "#or-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._edit_when_ready = False
        self.search(self._wanted(), as_typed=True)

    def search(self, query: str, select_owner: int | None = None, *,
               as_typed: bool = False) -> None:
        """Look ``query`` up in the kit's worker; the table shows the answer (the row of
        ``select_owner`` highlighted, when found). ``as_typed``: behind a read on its way
        (``BookScreen.read_as_typed``); otherwise now, and no key waits any more."""
        if not query:
            self._waiting_key = None
            self.say("")
            self.show([], "", None)
            return
        if as_typed:
            self.read_as_typed(query, select_owner)
            return
        self._waiting_key = None
        self.read(query, select_owner)

    def fetch(self, query: str, _select_owner: int | None) -> list[OwnerHit]:
        return find_owners(self.office, query, limit=LIMIT)

    def show(self, hits: list[OwnerHit], query: str, select_owner: int | None) -> None:
        if query != self._wanted():
            return  # an answer to text since changed
        self._shown_for = query
        self.hits = {str(h.owner_id): h for h in hits}
        table = self.table
        table.clear()
        for hit in hits:
            table.add_row(*(plain(cell) for cell in row_cells(hit)), key=str(hit.owner_id))
        if select_owner is not None and str(select_owner) in self.hits:
            table.move_cursor(row=table.get_row_index(str(select_owner)))
        if not query:
            self._status(_("Type a unit, phone digits, a name or pinyin initials."))
        elif not hits:
            self._status(_("Nobody on the roster matches. n adds an owner."))
        elif len(hits) == LIMIT:
            self._status(_("The first {n} matches: type more to narrow them.").format(n=LIMIT))
        else:
            self._status(_("{n} found.").format(n=len(hits)))
        if self._edit_when_ready:
            self._edit_when_ready = False
            self.edit(self.current_hit())

    def action_reread(self) -> None:
        """ctrl+r: the search typed, read again."""
        self.search(self._wanted())

    def say(self, message: str, field: str = "") -> None:
        if message:  # the roster could not be read: Enter edits nothing meanwhile
            self._edit_when_ready = False
            self._shown_for = None
        super().say(message, field)

    def current_hit(self) -> OwnerHit | None:
        table = self.table
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        key = table.coordinate_to_cell_key((index, 0)).row_key.value
        return self.hits.get(key)

    # --- keys --------------------------------------------------------------------------------
    @on(Input.Submitted, "#or-search")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        wanted = self._wanted()
        if wanted and wanted != self._shown_for:  # typed faster than the lookup
            self._edit_when_ready = True
            self.search(wanted)
            return
        self.edit(self.current_hit())

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.search_input and self.table.row_count:
            event.stop()
            self.set_focus(self.table)

    @on(DataTable.RowSelected, "#or-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.edit(self.hits.get(event.row_key.value))

    def edit(self, hit: OwnerHit | None) -> None:
        if hit is None:
            return
        self.app.push_screen(OwnerFormScreen(self.session, hit.owner_id,
                                             add_phone=self.add_phone),
                             callback=self._after_form)

    def action_new_owner(self) -> None:
        hit = self.current_hit()
        unit = hit.unit_code if hit is not None else ""
        typed = unit_code_query(self.search_input.value)
        if typed and typed.count("-") == 2 and not typed.endswith("-"):
            unit = typed
        self.app.push_screen(OwnerFormScreen(self.session, unit_code=unit),
                             callback=self._after_new)

    def _after_form(self, card) -> None:
        """An owner edited: the same search again, their row still highlighted."""
        if card is not None and self._wanted():
            self.search(self._wanted(), select_owner=card.id)

    def _after_new(self, card) -> None:
        """An owner added: their unit's owners, the new one highlighted."""
        if card is None:
            return
        self.search_input.value = card.unit_code
        self.search(normalise(card.unit_code), select_owner=card.id)

    def action_import_roster(self) -> None:
        self.app.push_screen(RosterImportScreen(self.session), callback=self._after_import)

    def _after_import(self, result) -> None:
        if result is not None and self._wanted():
            self.search(self._wanted())

    def action_search(self) -> None:
        self.set_focus(self.search_input)


def open_owner_roster(app, add_phone: str = "") -> OwnerRosterScreen | None:
    """Open the roster (a signed-in desk only); the pushed screen, or None. ``add_phone``:
    a caller's number the owner chosen gets (their form opens with it added)."""
    if add_phone:  # opened for this call's caller: one of its own
        return open_screen(app, OwnerRosterScreen, add_phone)
    return open_screen(app, OwnerRosterScreen)  # the one kept (kit.prebuilt)
