"""The manager's Monday approval [5.8][7.4.10]: the called-back repair orders waiting for
approval, approved as one batch with the manager's own PIN at the desk.

Which orders: ``approval_list`` for last week (``approval_lists.approval_week``): every
order called back before this Monday 00:00 (office time) and not yet approved, leftovers
of earlier weeks included. On Monday that is last week's batch; on Tuesday (the manager
was out on Monday) it is still last week's, and what was called back this week waits for
next Monday.

Keys: every row starts selected; space toggles the highlighted row, ``a`` selects all (or
none when all are selected). The manager chooses themselves (the office's active
managers; preselected when there is only one) and types their PIN; ctrl+s (or Enter in the
PIN) approves the selected orders with ``approve_orders``, all or nothing. A wrong PIN,
or anyone but a manager, is refused by the duty at the manager / PIN line, nothing
stored, the cursor in the field it names. ``p`` writes the list as plain text to the
export folder and shows the path (``kit.printing``).

Reading, approving and printing go through the kit (``TableBook``: ``read``/``act``):
database trouble is said on the message line, the rows shown stay. Anyone signed in may
open it (a clerk shows the manager the list); approving needs a manager's own PIN.
``open_approval(app)`` opens it for the person signed in at the desk.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, Static

from deskterm.clock import local, today_local
from deskterm.display import fit, plain
from deskterm.duties.repairs.approval_lists import RESULT_WORDS, active_managers, approval_week
from deskterm.duties.repairs.approvals import ListedOrder, approval_list, approve_orders
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.kit.fields import Field, field_box, widget_for
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.printing import Printout, PrintsLists
from deskterm.screens.kit.tables import book_table, refill, right
from deskterm.screens.repairs.parts import TableBook

#: Column widths in cells; the table is 76 wide inside the border and padding, one cell is
#: kept for the scrollbar, and each column is one cell wider than its text (the gap).
MARK_WIDTH = 3  # [x]
NUMBER_WIDTH = 14  # WX-202611-0042
PLACE_WIDTH = 9  # 12-3-1501
TECH_WIDTH = 6  # three CJK characters
RESULT_WIDTH = 8  # not done
CHARGE_WIDTH = 8  # 1,234.00
CALLED_WIDTH = 7  # 11-27 ✓
CHARGE_COLUMN = 6
DESCRIPTION_WIDTH = 75 - 8 - (MARK_WIDTH + NUMBER_WIDTH + PLACE_WIDTH + TECH_WIDTH
                              + RESULT_WIDTH + CHARGE_WIDTH + CALLED_WIDTH)
TEXT_WIDTH = 76
COLUMNS = (("", MARK_WIDTH), (N_("Number"), NUMBER_WIDTH), (N_("Place"), PLACE_WIDTH),
           (N_("Description"), DESCRIPTION_WIDTH), (N_("Tech"), TECH_WIDTH),
           (N_("Result"), RESULT_WIDTH), (N_("Charge"), CHARGE_WIDTH, True),
           (N_("Called"), CALLED_WIDTH))
#: Who approves: the manager chooses themselves and types their own PIN.
FIELDS = (Field("manager", N_("Manager"), kind="select", options=(),
                blank=N_("choose the manager")),
          Field("pin", N_("PIN"), kind="pin", placeholder=N_("the manager's own PIN")))


def result_word(result: str) -> str:
    return _(RESULT_WORDS[result]) if result in RESULT_WORDS else result


def on_time_mark(row: ListedOrder) -> str:
    """✓ called back on time, ✗ late (words in the detail line and the legend)."""
    if row.callback_on_time is None:
        return "?"
    return "✓" if row.callback_on_time else "✗"


def row_cells(row: ListedOrder, selected: bool, tz: str) -> tuple[str, ...]:
    called = local(row.called_back_at, tz).format("MM-DD") if row.called_back_at else "—"
    charge = format_fen(row.charge, symbol=False) if row.charge else "—"
    return ("[x]" if selected else "[ ]", fit(row.number, NUMBER_WIDTH),
            fit(row.place, PLACE_WIDTH), fit(row.description, DESCRIPTION_WIDTH),
            fit(row.technician or "—", TECH_WIDTH), fit(result_word(row.result), RESULT_WIDTH),
            charge, f"{called} {on_time_mark(row)}")


def row_texts(cells: tuple[str, ...]) -> list[Text]:
    """The cells as literal text; the charge right-aligned (DataTable drops leading
    spaces)."""
    return [plain(cell) if i != CHARGE_COLUMN else right(cell, CHARGE_WIDTH)
            for i, cell in enumerate(cells)]


def detail_text(row: ListedOrder | None, tz: str) -> str:
    """The highlighted order: its facts on one line, the request on the next (each cut
    to the line)."""
    if row is None:
        return _("No called-back order is waiting for approval.")
    stamp = "MM-DD HH:mm"
    called = "—"
    if row.called_back_at:
        called = local(row.called_back_at, tz).format(stamp)
        if row.callback_on_time is not None:
            called += " " + (_("on time") if row.callback_on_time else _("late"))
    parts = [row.number, row.place, row.technician or "—", result_word(row.result),
             format_fen(row.charge),
             _("called back {when}").format(when=called),
             _("returned {when}").format(when=local(row.returned_at, tz).format(stamp))]
    return (fit(" · ".join(p for p in parts if p), TEXT_WIDTH) + "\n"
            + fit(_("Request: {text}").format(text=row.description), TEXT_WIDTH))


def open_approval(app, folder=None) -> ApprovalScreen | None:
    """Open the Monday approval for the office at the desk (someone must be signed in).
    ``folder``: where ``p`` writes the printout (default: the export folder)."""
    return open_screen(app, ApprovalScreen, folder=folder)


class ApprovalScreen(PrintsLists, TableBook):
    """The Monday approval; dismisses with how many orders were approved here."""

    CSS_PATH = str(files("deskterm.styles") / "approvals.tcss")
    PREFIX = "ap"
    FIELD_LINES = ("manager", "pin")
    BINDINGS = [
        Binding("ctrl+s", "approve", show=False, priority=True),
        Binding("space", "toggle", show=False),
        Binding("a", "toggle_all", show=False),
        Binding("p", "print", show=False),
    ]

    def __init__(self, session, *, folder=None, today: dt.date | None = None) -> None:
        super().__init__(session, id="approval")
        self.folder = folder
        self.week = approval_week(today or today_local(session.tz))
        self.rows: list[ListedOrder] = []
        self.deselected: set[int] = set()  # kept across reads: "not this batch"
        self.approved = 0
        self.managers: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="ap-form", classes="form"):
            yield Static(plain("…"), id="ap-title", classes="form-title", markup=False)
            yield book_table("ap-table", COLUMNS)
            yield self.detail_line()
            yield Static(plain(""), id="ap-count", markup=False)
            yield Horizontal(*(field_box(self.PREFIX, f.name, _(f.label), widget_for(
                self.PREFIX, f)) for f in FIELDS), classes="kit-row", id="ap-who")
            yield self.message_line()
            yield self.result_line()
            yield Static(plain(_("space select · a all/none · ctrl+s approve · p print · "
                                 "Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#ap-table", DataTable))
        self.read(True)

    @property
    def week_end(self) -> dt.date:
        return self.week - dt.timedelta(days=self.week.weekday()) + dt.timedelta(days=7)

    def title_text(self) -> str:
        return _("Monday approval: orders called back before {date} ({n})").format(
            date=self.week_end.strftime("%m-%d"), n=len(self.rows))

    # --- reading ---------------------------------------------------------------------------
    def fetch(self, first: bool = False):
        office = self.session.office
        return approval_list(office, self.week), active_managers(office) if first else None

    def show(self, data, *key) -> None:
        rows, managers = data
        self.rows = list(rows)
        refill(self.query_one("#ap-table", DataTable),
               ((f"o{row.id}", row_texts(row_cells(row, row.id not in self.deselected,
                                                    self.session.tz))) for row in self.rows))
        self.query_one("#ap-title", Static).update(plain(self.title_text()))
        if managers is not None:
            self.managers = dict(managers)
            select = self.query_one("#ap-manager", Select)
            select.set_options([(plain(name), staff_id) for staff_id, name in managers])
            if len(managers) == 1:
                select.value = managers[0][0]
            elif not managers:
                self.say(_("This office has no active manager."), "manager")
        self.show_detail()
        self._show_count()

    def row_detail(self, row: ListedOrder | None) -> str:
        return detail_text(row, self.session.tz)

    # --- the rows ------------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return [row.id for row in self.rows if row.id not in self.deselected]

    def _show_count(self) -> None:
        chosen = [row for row in self.rows if row.id not in self.deselected]
        text = _("{n} waiting · {k} selected · charges {amount} · ✓ on time ✗ late").format(
            n=len(self.rows), k=len(chosen), amount=format_fen(sum(r.charge for r in chosen)))
        self.query_one("#ap-count", Static).update(plain(fit(text, TEXT_WIDTH)))

    def _mark(self, row: ListedOrder) -> None:
        table = self.query_one("#ap-table", DataTable)
        table.update_cell_at((table.get_row_index(f"o{row.id}"), 0),
                             plain("[ ]" if row.id in self.deselected else "[x]"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_toggle()

    def action_toggle(self) -> None:
        row = self.current_row()
        if row is None or self.busy:
            return
        self.deselected.symmetric_difference_update({row.id})
        self._mark(row)
        self._show_count()

    def action_toggle_all(self) -> None:
        if self.busy:
            return
        ids = {row.id for row in self.rows}
        if ids - self.deselected == ids:  # all selected: select none
            self.deselected |= ids
        else:
            self.deselected -= ids
        for row in self.rows:
            self._mark(row)
        self._show_count()

    # --- approving --------------------------------------------------------------------------
    @on(Input.Submitted, "#ap-pin")
    def _pin_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_approve()

    @on(Select.Changed, "#ap-manager")
    def _manager_changed(self) -> None:
        self.clear_line("manager")

    def action_approve(self) -> None:
        if self.busy:
            return
        self.say("")
        manager_id = self.query_one("#ap-manager", Select).value
        manager_id = None if manager_id is Select.NULL else manager_id
        pin_box = self.query_one("#ap-pin", Input)
        pin, pin_box.value = pin_box.value, ""  # never kept on screen after a try
        office, at_desk, week = self.session.office, self.session.staff, self.week
        ids, name = self.selected_ids(), self.managers.get(manager_id, "")

        def approve() -> tuple[int, list]:
            orders = approve_orders(office, manager_id, pin, ids, at_desk=at_desk)
            return len(orders), approval_list(office, week)

        self.act(approve, lambda found: self._approved(*found, name), group="approve")

    def act_refused(self, field: str, message: str) -> None:
        super().act_refused(field, message)
        if field == "orders":  # another desk may have approved some meanwhile
            self.read()

    def _approved(self, count: int, rows: list[ListedOrder], name: str) -> None:
        self.approved += count
        self.show_result(_("✓ Approved {n} orders ({name}).").format(n=count, name=name))
        self.show((rows, None))
        self.set_focus(self.query_one("#ap-table", DataTable))

    # --- printing -----------------------------------------------------------------------------
    def action_print(self) -> None:
        if self.busy:
            return
        self.say("")
        self.print_list(Printout(self.title_text(), tuple(self.rows),
                                 f"approval-{self.week_end.isoformat()}",
                                 (_("Approved by the manager"),)))

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(self.approved)
