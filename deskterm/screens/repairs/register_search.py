"""Searching the service register (服务登记本) [7.4.1]-[7.4.5]: one box for a unit, phone
digits or a name, the first and last day, and which lines (open, completed, all).

The rows follow what is typed: ``DEBOUNCE`` seconds after the last change the days are
read (``register.parse_register_date``; a bad one is said under its field and nothing is
searched), then ``register.search_register`` runs in an exclusive thread worker. Each
search takes a ticket; an answer for an older ticket is dropped, so a slow search never
overwrites a newer one. The line under the table shows the highlighted row in full.

Enter (or ↓) in a field goes to the rows. Enter on a row with a repair order opens the
order's detail; on one without, the unit's history; ``u`` opens the unit's history of
any row. Esc closes. ``open_register_search(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Select, Static

from deskterm.clock import local, now_utc
from deskterm.db.models import database
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
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.lookup_form import LimitedInput, field_box
from deskterm.screens.repairs.morning_view import KIND_WORDS
from deskterm.screens.repairs.order_detail import open_order_detail

DEBOUNCE = 0.15
LIMIT = 200
FIELDS = ("text", "date_from", "date_to", "state")
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


def _word(words: dict, key: str | None) -> str:
    if not key:
        return ""
    return _(words[key]) if key in words else key


def row_key(row: RegisterRow) -> str:
    return f"e{row.entry_id}"


def order_text(row: RegisterRow) -> str:
    if row.order_number is None:
        return "—"
    return f"{row.order_number} {_word(STATE_WORDS, row.order_state)}"


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
             _word(KIND_WORDS, row.kind) + " (" + _word(CHANNEL_WORDS, row.channel) + ")",
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
    if app.session.staff is None:
        return None
    screen = RegisterSearchScreen(app.session)
    app.push_screen(screen)
    return screen


class RegisterSearchScreen(ModalScreen[None]):
    """The service register, searched as the clerk types."""

    CSS_PATH = str(files("deskterm.styles") / "register.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("u", "unit_history", show=False),
        Binding("down", "to_rows", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="register-search")
        self.session = session
        self._away = False  # another screen is on top (an order, a unit)
        self.result: RegisterResult | None = None
        self.rows: dict[str, RegisterRow] = {}
        self.searches = 0  # answers shown, for tests
        self._ticket = 0  # the latest search asked for
        self._answered = -1  # the latest ticket answered (rows shown, or refused)
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="rs-form", classes="form"):
            with Horizontal(id="rs-top"):
                yield Static(plain(_("Service register")), id="rs-title", classes="form-title",
                             markup=False)
                yield Static(plain("…"), id="rs-count", markup=False)
            yield field_box("rs", "text", _("Find"), LimitedInput(
                id="rs-text", compact=True, max_length=MAX_QUERY,
                placeholder=_("unit 3-2-501, phone digits, name or initials (zs)")), wide=True)
            with Horizontal(classes="lf-row"):
                yield self._field("date_from", _("From"), LimitedInput(
                    id="rs-date_from", compact=True, max_length=20, placeholder="2026-11-01"))
                yield self._field("date_to", _("To"), LimitedInput(
                    id="rs-date_to", compact=True, max_length=20, placeholder=_("today")))
                yield self._field("state", _("Show"), Select(
                    [(_(label), key) for key, label in STATES.items()], value="all",
                    allow_blank=False, compact=True, id="rs-state"))
            # The row's fields are narrow: their errors go under the row, each named.
            for name in ("date_from", "date_to", "state"):
                yield Static(plain(""), id=f"rs-error-{name}", classes="lf-error",
                             markup=False)
            yield DataTable(id="rs-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="rs-detail", markup=False)
            yield Static(plain(""), id="rs-error-form", classes="lf-error", markup=False)
            yield Static(plain(_("↓ the rows · Enter open the order · u the unit · "
                                 "Esc close")),
                         id="rs-hint", classes="form-hint", markup=False)

    @staticmethod
    def _field(name: str, label: str, widget) -> Vertical:
        """One labelled field of the days' row (its error line is under the row)."""
        return Vertical(Horizontal(Label(plain(label), classes="lf-label"), widget,
                                   classes="lf-line"), classes="lf-field")

    def on_mount(self) -> None:
        table = self.query_one("#rs-table", DataTable)
        for label, width in (("", DONE_WIDTH), (_("When"), WHEN_WIDTH), (_("Unit"), UNIT_WIDTH),
                             (_("Caller"), CALLER_WIDTH), (_("Request"), REQUEST_WIDTH),
                             (_("Order"), ORDER_WIDTH)):
            table.add_column(plain(fit(label, width)), width=width + 1)
        self.query_one("#rs-text", Input).focus()
        self.search_now()

    # --- searching -------------------------------------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.search_now)

    def _value(self, name: str) -> str:
        return self.query_one(f"#rs-{name}", Input).value

    def search_now(self) -> None:
        """Read the fields and search (or say what is wrong with them)."""
        self._timer = None
        now, tz = now_utc(), self.session.tz
        errors: dict[str, str] = {}
        dates = {}
        for name in ("date_from", "date_to"):
            try:
                dates[name] = parse_register_date(self._value(name), tz=tz, now=now, field=name)
            except DutyError as exc:
                errors[name] = exc.message
        for name in FIELDS:
            self._show_error(name, errors.get(name, ""))
        self._show_error("form", "")
        self._ticket += 1
        if errors:
            self._answered = self._ticket  # nothing to search: the errors are the answer
            return
        state = self.query_one("#rs-state", Select).value
        self._search(self._ticket, self._value("text"), dates["date_from"], dates["date_to"],
                     None if state is Select.NULL else state)

    @work(thread=True, exclusive=True, group="register-search")
    def _search(self, ticket: int, text: str, date_from, date_to, state) -> None:
        try:
            with database.connection_context():
                result = search_register(self.session.office, text=text, date_from=date_from,
                                         date_to=date_to, state=state, limit=LIMIT)
        except DutyError as exc:
            self.app.call_from_thread(self._refused, ticket, exc.field, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - said on the screen; the clerk types on
            self.app.call_from_thread(self._refused, ticket, None, str(exc))
            return
        self.app.call_from_thread(self._show, ticket, result)

    @property
    def settled(self) -> bool:
        """Nothing typed waits for a search, and the rows answer the fields (for tests)."""
        return self._timer is None and self._answered == self._ticket

    def _refused(self, ticket: int, field: str | None, message: str) -> None:
        if ticket == self._ticket:
            self._answered = ticket
            self._show_error(field if field in FIELDS else "form", message)

    def _show(self, ticket: int, result: RegisterResult) -> None:
        if ticket != self._ticket:
            return  # an answer to fields since changed
        self._answered = ticket
        self.searches += 1
        table = self.query_one("#rs-table", DataTable)
        current = self.current_row()
        self.result = result
        self.rows = {row_key(row): row for row in result.rows}
        table.clear()
        tz = self.session.tz
        for row in result.rows:
            table.add_row(*(plain(cell) for cell in row_cells(row, tz)), key=row_key(row))
        if current is not None and row_key(current) in self.rows:
            table.move_cursor(row=table.get_row_index(row_key(current)), animate=False)
        self.query_one("#rs-count", Static).update(plain(count_text(result)))
        if not result.rows:
            self.query_one("#rs-detail", Static).update(plain(_("No line matches.")))
        else:
            self._show_detail(self.current_row())

    # --- the highlighted row ---------------------------------------------------------------
    def current_row(self) -> RegisterRow | None:
        table = self.query_one("#rs-table", DataTable)
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        key = table.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value
        return self.rows.get(key)

    def _show_detail(self, row: RegisterRow | None) -> None:
        self.query_one("#rs-detail", Static).update(plain(detail_text(row, self.session.tz)))

    def _show_error(self, name: str, message: str) -> None:
        error = self.query_one(f"#rs-error-{name}", Static)
        if message and name in ROW_LABELS:
            message = f"{_(ROW_LABELS[name])}: {message}"
        error.update(plain(("✗ " + message) if message else ""))
        error.set_class(bool(message), "-shown")

    def paste_refused(self, widget: Input, length: int) -> None:
        name = (widget.id or "").removeprefix("rs-")
        self._show_error(name, _("Too long to paste: {count} characters; at most {limit}.")
                         .format(count=f"{length:,}", limit=f"{widget.max_length:,}"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_error("form", "")
        self._show_detail(self.rows.get(event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows.get(event.row_key.value)
        if row is None:
            return
        if row.order_id is not None:
            self._show_error("form", "")
            open_order_detail(self.app, row.order_id)
        else:
            self.open_unit(row)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_to_rows()

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        """Back from an order or a unit, where something may have changed: search again."""
        if self._away:
            self._away = False
            self.search_now()

    # --- the actions -----------------------------------------------------------------------
    def action_to_rows(self) -> None:
        table = self.query_one("#rs-table", DataTable)
        if table.row_count:
            table.focus()

    def open_unit(self, row: RegisterRow | None) -> None:
        if row is None:
            return
        if row.unit_id is None:
            self._show_error("form", _("This register line has no unit."))
            return
        self._show_error("form", "")
        from deskterm.screens.repairs.unit_history import open_unit_history

        open_unit_history(self.app, row.unit_id)

    def action_unit_history(self) -> None:
        self.open_unit(self.current_row())

    def action_close(self) -> None:
        self.dismiss(None)
