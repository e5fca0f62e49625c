"""Searching the service register (服务登记本) [7.4.1]-[7.4.5]: one box for a unit, phone
digits or a name, the first and last day, and which lines (open, completed, all).

The rows follow what is typed, with no fixed delay: each change reads the book through the
kit at once, or behind the read on its way (``BookScreen.read_as_typed``, the newest key
superseding any that waited): the days are read
(``register.parse_register_date``; a bad one is said under the row of days, named, and
the rows shown stay), then ``register.search_register`` runs. An answer to an older read
than the newest is dropped, so a slow search never overwrites a newer one; database
trouble is said on the message line. The fields are the kit's (a paste lands once; one
too long is said under its field). The line under the table shows the highlighted row in
full.

Enter (or ↓) in a field goes to the rows. Enter on a row with a repair order opens the
order's detail; on one without, the unit's history; ``u`` opens the unit's history of
any row. Esc closes. ``open_register_search(app)`` opens it.
"""

from __future__ import annotations

from functools import partial
from importlib.resources import files

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Select, Static

from deskterm.clock import local, now_utc
from deskterm.display import fit, plain
from deskterm.duties.parsing import format_phone
from deskterm.duties.repairs.order_words import CHANNEL_WORDS, STATE_WORDS
from deskterm.duties.repairs.register import (
    STATES,
    RegisterResult,
    RegisterRow,
    parse_register_date,
    search_register,
)
from deskterm.duties.residents.roster import MAX_QUERY
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field, error_line, field_box, widget_for
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import PAGE, add_rest, book_table, near_end, refill, word
from deskterm.screens.repairs.morning_view import KIND_WORDS
from deskterm.screens.repairs.order_detail import open_order_detail
from deskterm.screens.repairs.parts import TableBook

LIMIT = 200
FIELDS = (
    Field("text", N_("Find"), max_length=MAX_QUERY, wide=True,
          placeholder=N_("unit 3-2-501, phone digits, name or initials (zs)")),
    Field("date_from", N_("From"), max_length=20, placeholder="2026-11-01"),
    Field("date_to", N_("To"), max_length=20, placeholder=N_("today")),
    Field("state", N_("Show"), kind="select", initial="all",
          options=tuple((label, key) for key, label in STATES.items())),
)
#: The fields whose errors are said under their row, with the field's name.
ROW_LABELS = {"date_from": N_("From"), "date_to": N_("To"), "state": N_("Show")}
#: Column widths in cells (no cell padding: each column is one wider than its text). The
#: table is 76 wide inside the border and padding; one cell is left for the scrollbar.
DONE_WIDTH = 1  # ✓ completed, · open
WHEN_WIDTH = 11  # 11-25 14:00
UNIT_WIDTH = 9  # 12-3-1501
CALLER_WIDTH = 6  # three CJK characters
ORDER_WIDTH = 22  # WX-202611-0042 已派工
REQUEST_WIDTH = 75 - 6 - DONE_WIDTH - WHEN_WIDTH - UNIT_WIDTH - CALLER_WIDTH - ORDER_WIDTH
DETAIL_WIDTH = 76
COLUMNS = (("", DONE_WIDTH), (N_("When"), WHEN_WIDTH), (N_("Unit"), UNIT_WIDTH),
           (N_("Caller"), CALLER_WIDTH), (N_("Request"), REQUEST_WIDTH),
           (N_("Order"), ORDER_WIDTH))


def row_key(row: RegisterRow) -> str:
    return f"e{row.entry_id}"


def order_text(row: RegisterRow) -> str:
    if row.order_number is None:
        return "—"
    return f"{row.order_number} {word(STATE_WORDS, row.order_state)}"


def row_cells(row: RegisterRow, tz: str) -> tuple[str, ...]:
    """One table row, each cell cut to its column (plain text, never markup)."""
    return ("✓" if row.completed else "·", local(row.at, tz).format("MM-DD HH:mm"),
            fit(row.unit_code or "—", UNIT_WIDTH), fit(row.caller_name or "—", CALLER_WIDTH),
            fit(row.request, REQUEST_WIDTH), fit(order_text(row), ORDER_WIDTH))


def detail_text(row: RegisterRow | None, tz: str) -> str:
    """The highlighted row in full (cut to two lines)."""
    if row is None:
        return ""
    who = " ".join(p for p in (row.caller_name, format_phone(row.phone) if row.phone else "")
                   if p)
    parts = [local(row.at, tz).format("YYYY-MM-DD HH:mm"),
             word(KIND_WORDS, row.kind) + " (" + word(CHANNEL_WORDS, row.channel) + ")",
             row.unit_code, who,
             _("completed") if row.completed else _("not completed"),
             order_text(row) if row.order_number else "",
             _("Request: {text}").format(text=row.request)]
    return fit(" · ".join(p for p in parts if p), 2 * DETAIL_WIDTH)


def count_text(result: RegisterResult | None) -> str:
    if result is None:
        return "…"
    if result.more:
        return _("newest {shown} of {n:,} lines").format(shown=len(result.rows), n=result.count)
    return _("{n:,} lines").format(n=result.count)


def open_register_search(app) -> RegisterSearchScreen | None:
    """Open the register search (a signed-in desk only); the pushed screen, or None."""
    return open_screen(app, RegisterSearchScreen)


class RegisterSearchScreen(TableBook):
    """The service register, searched as the clerk types."""

    CSS_PATH = str(files("deskterm.styles") / "register.tcss")
    PREFIX = "rs"
    COVERS = True
    KEPT = True  # opened many times a day: closed, made as new and kept (kit.book)
    FIELD_LINES = tuple(f.name for f in FIELDS)
    FIELD_WORDS = ROW_LABELS
    BINDINGS = [
        Binding("u", "unit_history", show=False),
        Binding("down", "to_rows", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="register-search", classes="register-search")
        self._away = False  # another screen is on top (an order, a unit)
        self.result: RegisterResult | None = None
        self._rest: list = []  # rows not yet in the table (tables.refill's page)
        self.searches = 0  # answers shown, for tests

    def compose(self) -> ComposeResult:
        fields = {f.name: f for f in FIELDS}
        with Vertical(id="rs-form", classes="form"):
            with Horizontal(id="rs-top"):
                yield Static(plain(_("Service register")), id="rs-title", classes="form-title",
                             markup=False)
                yield Static(plain("…"), id="rs-count", markup=False)
            yield field_box(self.PREFIX, "text", _(fields["text"].label),
                            widget_for(self.PREFIX, fields["text"]), wide=True)
            # The row's fields are narrow: their errors go under the row, each named.
            with Horizontal(classes="kit-row"):
                for name in ("date_from", "date_to", "state"):
                    yield Vertical(Horizontal(
                        Label(plain(_(fields[name].label)), classes="kit-label"),
                        widget_for(self.PREFIX, fields[name]), classes="kit-line"),
                        classes="kit-field")
            for name in ("date_from", "date_to", "state"):
                yield error_line(self.PREFIX, name)
            yield book_table("rs-table", COLUMNS)
            yield self.detail_line()
            yield self.message_line()
            yield Static(plain(_("↓ the rows · Enter open the order · u the unit · "
                                 "Esc close")),
                         id="rs-hint", classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#rs-table", DataTable)
        self.watch(table, "scroll_y", lambda _y: self._more_rows(), init=False)

    def opening(self) -> None:
        self._away = False
        self.set_focus(self.query_one("#rs-text", Input))
        self.search_now()

    def reset(self) -> None:
        """Closed and kept (``KEPT``): the fields as they open, no rows, no count."""
        super().reset()
        for field in FIELDS:
            box = self.query_one(f"#rs-{field.name}")
            if isinstance(box, Select):
                box.value = field.initial
            else:
                box.value = ""
        self.result = None
        self._rest = []
        self.searches = 0
        self._away = False
        self.query_one("#rs-count", Static).update(plain(count_text(None)))
        self.show_detail()

    # --- searching -------------------------------------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        event.stop()
        self.search_now(as_typed=True)

    def _value(self, name: str) -> str:
        return self.query_one(f"#rs-{name}", Input).value

    def search_now(self, *, as_typed: bool = False) -> None:
        """Search for what the fields hold now (``as_typed``: behind a search on its way,
        superseding any key that waited there)."""
        state = self.query_one("#rs-state", Select).value
        key = (self._value("text"), self._value("date_from"), self._value("date_to"),
               None if state is Select.NULL else state)
        (self.read_as_typed if as_typed else self.read)(*key)

    def fetch(self, text: str, date_from: str, date_to: str, state: str | None
              ) -> RegisterResult:
        """The days read (a bad one refused at its field), then the register searched."""
        now, tz = now_utc(), self.session.tz
        first = parse_register_date(date_from, tz=tz, now=now, field="date_from")
        last = parse_register_date(date_to, tz=tz, now=now, field="date_to")
        return search_register(self.session.office, text=text, date_from=first,
                               date_to=last, state=state, limit=LIMIT)

    @property
    def settled(self) -> bool:
        """Nothing typed waits for a search, and the rows answer the fields (for tests)."""
        return not self.reading

    def show(self, result: RegisterResult, *key) -> None:
        self.searches += 1
        self.result = result
        self.rows = list(result.rows)
        tz = self.session.tz
        self._rest = refill(self.query_one("#rs-table", DataTable),
                            [(row_key(row), partial(row_cells, row, tz)) for row in self.rows],
                            page=PAGE)
        self.query_one("#rs-count", Static).update(plain(count_text(result)), layout=False)
        self.show_detail()

    def _more_rows(self) -> None:
        """The rest of the rows, once the clerk goes down to them (a page at first)."""
        table = self.query_one("#rs-table", DataTable)
        if self._rest and near_end(table):
            add_rest(table, self._rest)

    def row_detail(self, row: RegisterRow | None) -> str:
        if row is None and self.result is not None and not self.result.rows:
            return _("No line matches.")
        return detail_text(row, self.session.tz)

    # --- the rows ----------------------------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.clear_line("")
        self._more_rows()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.current_row()
        if row is None:
            return
        if row.order_id is not None:
            self.say("")
            open_order_detail(self.app, row.order_id)
        else:
            self.open_unit(row)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_to_rows()

    def on_screen_suspend(self) -> None:
        self._away = self.opened  # not when closed (and kept)

    def on_screen_resume(self) -> None:
        """Back from an order or a unit, where something may have changed: search again."""
        if self._away:
            self._away = False
            self.search_now()

    # --- the actions -----------------------------------------------------------------------
    def action_to_rows(self) -> None:
        table = self.query_one("#rs-table", DataTable)
        if table.row_count:
            self.set_focus(table)

    def open_unit(self, row: RegisterRow | None) -> None:
        if row is None:
            return
        if row.unit_id is None:
            self.say(_("This register line has no unit."))
            return
        self.say("")
        from deskterm.screens.repairs.unit_history import open_unit_history

        open_unit_history(self.app, row.unit_id)

    def action_unit_history(self) -> None:
        self.open_unit(self.current_row())
