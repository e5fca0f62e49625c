"""A unit at a glance [7.4.1]-[7.4.5]: the unit (code, building, district, area), who lives
there with their phones, a few counts, and one timeline, newest first, of its register
lines, repair orders, complaints, callbacks and walk-in visits
(``deskterm.duties.repairs.unit_history``, read through the kit when the view opens:
database trouble is said on the view's message line).

Enter on a row that belongs to a repair order opens the order's detail (the view reads the
unit again when it is back on top); the line under the table shows the highlighted row in
full. Esc closes. ``open_unit_history(app, unit_id)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import local
from deskterm.display import fit, plain
from deskterm.duties.parsing import format_phone
from deskterm.duties.repairs.complaints import STATE_LABELS as COMPLAINT_STATES
from deskterm.duties.repairs.order_words import OUTCOME_WORDS, RESULT_WORDS, STATE_WORDS
from deskterm.duties.repairs.unit_history import HistoryItem, UnitHistory, unit_history
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import book_table, lines_text, refill, word
from deskterm.screens.repairs.morning_view import KIND_WORDS
from deskterm.screens.repairs.order_detail import open_order_detail
from deskterm.screens.repairs.parts import TableBook

ITEM_WORDS = {"order": N_("order"), "entry": N_("register"), "complaint": N_("complaint"),
              "callback": N_("callback"), "visit": N_("visit")}
ENTRY_STATES = {"open": N_("open"), "completed": N_("completed")}
WHEN_WIDTH = 11  # 11-25 14:00
KIND_WIDTH = 9
REF_WIDTH = 22  # WX-202611-0042 已派工
WHO_WIDTH = 6
TEXT_WIDTH = 75 - 5 - WHEN_WIDTH - KIND_WIDTH - REF_WIDTH - WHO_WIDTH
DETAIL_WIDTH = 76
COLUMNS = ((N_("When"), WHEN_WIDTH), (N_("What"), KIND_WIDTH),
           (N_("Number / state"), REF_WIDTH), (N_("Who"), WHO_WIDTH),
           (N_("Details"), TEXT_WIDTH))


def stateword(item: HistoryItem) -> str:
    words = {"order": STATE_WORDS, "complaint": COMPLAINT_STATES, "callback": OUTCOME_WORDS,
             "entry": ENTRY_STATES}.get(item.kind, {})
    return word(words, item.state)


def ref_text(item: HistoryItem) -> str:
    """``WX-202611-0042 dispatched``: the number (if any) and the state or outcome."""
    return " ".join(p for p in (item.number, stateword(item)) if p) or "—"


def row_key(item: HistoryItem) -> str:
    return f"{item.kind}:{item.ref_id}"


def row_cells(item: HistoryItem, tz: str) -> tuple[str, ...]:
    return (local(item.at, tz).format("MM-DD HH:mm"), fit(word(ITEM_WORDS, item.kind),
                                                           KIND_WIDTH),
            fit(ref_text(item), REF_WIDTH), fit(item.who or "—", WHO_WIDTH),
            fit(item.text, TEXT_WIDTH))


def detail_text(item: HistoryItem | None, tz: str) -> str:
    """The highlighted item in full (cut to two lines)."""
    if item is None:
        return ""
    parts = [local(item.at, tz).format("YYYY-MM-DD HH:mm"), word(ITEM_WORDS, item.kind),
             ref_text(item), item.who]
    if item.kind == "order":
        parts += [_("technician {name}").format(name=item.technician) if item.technician
                  else "", word(RESULT_WORDS, item.result),
                  _("charge {money}").format(money=format_fen(item.charge))
                  if item.charge else ""]
    elif item.kind == "complaint":
        parts += [_("handler {name}").format(name=item.technician) if item.technician else "",
                  _("result: {text}").format(text=item.result) if item.result else ""]
    elif item.kind == "entry":
        parts.append(word(KIND_WORDS, item.result))
    parts.append(item.text)
    return fit(" · ".join(p for p in parts if p), 2 * DETAIL_WIDTH)


def header_lines(seen: UnitHistory) -> tuple[str, str]:
    """``3栋 · 东区 · 89.56 m²`` and who lives there, with their phones."""
    area = f"{seen.area_centi_m2 // 100}.{seen.area_centi_m2 % 100:02d} m²"
    place = " · ".join(p for p in (seen.building, seen.district, area) if p)
    people = []
    for r in seen.residents:
        text = " ".join([r.name, *(format_phone(p) for p in r.phones)])
        if r.kind == "tenant":
            text += " (" + _("tenant") + ")"
        if not r.active:
            text += " (" + _("moved out") + ")"
        people.append(text)
    who = "; ".join(people) or _("nobody on the roster")
    return fit(place, DETAIL_WIDTH), fit(who, DETAIL_WIDTH)


def counts_text(seen: UnitHistory) -> str:
    text = _("Orders this year {year} · open {open} · in all {total} · complaints {complaints}"
             ).format(year=seen.orders_this_year, open=seen.open_orders,
                      total=seen.orders_total, complaints=seen.complaints)
    if seen.more:
        text += " · " + _("newest {n} shown").format(n=len(seen.items))
    return fit(text, DETAIL_WIDTH)


def open_unit_history(app, unit_id: int | None) -> UnitHistoryScreen | None:
    """Open the history of ``unit_id`` (a signed-in desk only); the pushed screen, or None."""
    if unit_id is None:
        app.notify(_("Choose a row with a unit first."), title=_("Unit"), markup=False,
                   timeout=4)
        return None
    return open_screen(app, UnitHistoryScreen, unit_id)


class UnitHistoryScreen(TableBook):
    """One unit, who lives there and everything recorded about it."""

    CSS_PATH = str(files("deskterm.styles") / "register.tcss")
    PREFIX = "uh"

    def __init__(self, session, unit_id: int) -> None:
        super().__init__(session, id="unit-history")
        self._away = False  # another screen is on top (an order)
        self.unit_id = unit_id
        self.seen: UnitHistory | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="uh-form", classes="form"):
            yield Static(plain(_("Unit")), id="uh-title", classes="form-title", markup=False)
            yield Static(plain("…"), id="uh-header", markup=False)
            yield Static(plain(""), id="uh-counts", markup=False)
            yield book_table("uh-table", COLUMNS)
            yield self.detail_line()
            yield self.message_line()
            yield Static(plain(_("↑↓ choose · Enter open the order · Esc back")),
                         id="uh-hint", classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#uh-table", DataTable))
        self.reload()

    # --- reading the unit ------------------------------------------------------------------
    def reload(self) -> None:
        self.read(self.unit_id)

    def fetch(self, unit_id: int) -> UnitHistory | None:
        return unit_history(self.session.office, unit_id)

    def show(self, seen: UnitHistory | None, *key) -> None:
        self.seen = seen
        header = self.query_one("#uh-header", Static)
        if seen is None:
            header.update(plain(_("There is no such unit at this office.")))
            return
        self.query_one("#uh-title", Static).update(
            plain(_("Unit {code}").format(code=seen.code)))
        header.update(lines_text(header_lines(seen)))
        self.query_one("#uh-counts", Static).update(plain(counts_text(seen)))
        self.rows = list(seen.items)
        tz = self.session.tz
        refill(self.query_one("#uh-table", DataTable),
               ((row_key(item), row_cells(item, tz)) for item in self.rows))
        self.show_detail()

    def row_detail(self, item: HistoryItem | None) -> str:
        if item is None and self.seen is not None and not self.seen.items:
            return _("Nothing has been recorded about this unit.")
        return detail_text(item, self.session.tz)

    # --- the rows ---------------------------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.clear_line("")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.current_row()
        if item is None:
            return
        if item.order_id is None:
            self.say(_("This row has no repair order."))
            return
        self.say("")
        open_order_detail(self.app, item.order_id)

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        """Back from an order's detail, where the order may have changed: read again."""
        if self._away:
            self._away = False
            self.reload()
