"""Calls to return (未接来电, F10 n) [7.4.3]: the calls no desk took, newest first.

A call is listed once the caller hung up before a desk took it, or it rang longer than
``RING_SECONDS`` (``duties.calls.answering.calls_to_return``: the last ``RETURN_DAYS``
days). One row a call: when it rang, the number, who it is on the roster (or "not on the
roster"), the unit, the line. Keys:

- Enter: return the call: it is marked returned by this clerk (with the number's other
  calls still to return) and the call-intake form opens with the caller filled in (F2's
  ``KnownCaller``), the clerk dialling meanwhile;
- ``n``: returned with a note only (no order to log: "left a message", "wrong number");
- ctrl+r read again, Esc close.

``open_return_book(app)`` opens it for whoever is signed in. The dashboard's banner line
counts the calls waiting here.
"""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import now_utc
from deskterm.display import plain, when
from deskterm.duties.calls.answering import NOTE_LIMIT, CallLine, calls_to_return, return_call
from deskterm.duties.parsing import format_phone
from deskterm.i18n import N_, _
from deskterm.screens.calls.taking import returned_words
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.caller import KnownCaller
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import add_columns, cells_of, refill, row_table

CSS = str(files("deskterm.styles") / "calls.tcss")
#: Each column takes one cell more than its width: 76 cells inside the border.
COLUMNS = ((N_("Rang"), 11), (N_("Calling number"), 15), (N_("Caller"), 12), (N_("Unit"), 11),
           (N_("Line"), 8), (N_("State"), 12))


def open_return_book(app) -> ReturnBook | None:
    return open_screen(app, ReturnBook)


def state_word(line: CallLine) -> str:
    return _("hung up") if line.ended_at is not None else _("rang out")


class ReturnNote(DeskForm[str | None]):
    """``n`` in the book: the call returned with a note only."""

    CSS_PATH = CSS
    PREFIX = "rn"
    FIELDS = (Field("note", N_("Note"), max_length=NOTE_LIMIT,
                    required=N_("Say how it was returned, like: left a message."),
                    placeholder=N_("left a message")),)
    HINT = N_("ctrl+s returned · Esc cancel")

    def __init__(self, session, line: CallLine) -> None:
        super().__init__(session, id="return-note", title=_("Returned: {number}").format(
            number=format_phone(line.number)))
        self.line = line

    def save(self, values):
        return return_call(self.office, self.session.staff, self.line.id,
                           note=values.get("note") or "")

    def saved(self, count) -> None:
        self.dismiss(returned_words(count))


class ReturnBook(BookScreen):
    CSS_PATH = CSS
    PREFIX = "cr"
    BINDINGS = [Binding("n", "note", show=False)]

    def __init__(self, session) -> None:
        super().__init__(session, id="calls-book")
        self.now = now_utc()

    def compose(self) -> ComposeResult:
        with Vertical(id="cr-form", classes="form"):
            yield Static(plain(_("Calls to return")), id="cr-title", classes="form-title",
                         markup=False)
            yield row_table("cr-table")
            yield self.detail_line()
            yield self.result_line()
            yield self.message_line()
            yield Static(plain(_("Enter return the call (F2 filled) · n returned, with a note"
                                 " · Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#cr-table", DataTable)
        add_columns(table, COLUMNS)
        self.set_focus(table)
        self.read()

    def fetch(self) -> list[CallLine]:
        return calls_to_return(self.office)

    def show(self, lines: list[CallLine]) -> None:
        self.now = now_utc()
        self.rows = tuple(lines)
        self.query_one("#cr-title", Static).update(plain(
            _("Calls to return: {count}").format(count=len(lines))))
        tz = self.session.tz
        refill(self.query_one("#cr-table", DataTable), (
            (f"c{line.id}", cells_of(
                (when(line.rang_at, tz, self.now), format_phone(line.number),
                 line.owner_name or _("not on the roster"), line.unit_code or "—", line.line,
                 state_word(line)), COLUMNS))
            for line in self.rows))
        self.show_detail()

    def row_detail(self, line: CallLine | None) -> str:
        if line is None:
            return ""
        who = (f"{line.owner_name} · {line.unit_code}" if line.owner_id is not None
               else _("not on the roster: F10 o adds the number to an owner"))
        return f"{format_phone(line.number)} · {who}"

    # --- keys ------------------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: returned now, and F2 opens with the caller filled in."""
        event.stop()
        line = self.current_row()
        if line is None or self.busy:
            return
        self.act(lambda: return_call(self.office, self.session.staff, line.id),
                 lambda count: self._returned(line, count))

    def _returned(self, line: CallLine, count: int) -> None:
        from deskterm.screens.repairs.call_intake import CallIntakeScreen

        self.tell(returned_words(count))
        self.read()
        known = KnownCaller(phone=line.number, name=line.owner_name, unit_code=line.unit_code,
                            owner_id=line.owner_id, unit_id=line.unit_id)
        open_screen(self.app, CallIntakeScreen, caller=known)

    def action_note(self) -> None:
        line = self.current_row()
        if line is None or self.busy:
            return
        self.app.push_screen(ReturnNote(self.session, line), callback=self._noted)

    def _noted(self, words: str | None) -> None:
        if words:
            self.tell(words)
            self.read()
