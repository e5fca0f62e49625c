"""Month end [5.8][7.4.10]: the approved repair orders handed over by district to each
district's customer-service supervisor, and the approved public-area orders filed.

The month (default: last month; type another, like ``2026-11``) decides which orders:
those returned before the month's end and not yet handed over or filed, earlier months'
leftovers included. The upper table is the preview, one row per district with its CS
supervisor (the district's own; when it has none, the Select below chooses one) and one
row for the public-area orders; the lower table lists the highlighted row's orders.

Keys: ``h`` hands the highlighted district over (``month_end_handover``), ``f`` files the
public-area orders (``file_public_orders``), each the duty's one transaction; ``p`` writes
the printable list of what was just handed over or filed (before any, the highlighted
row's preview, marked so) to the export folder. After each action the preview is read
again and the result line says how many orders went to whom; a refusal is said under
the month or the supervisor (the cursor goes there), database trouble on the message
line. Reads and writes go through the kit (``TableBook``), the printing through
``kit.printing``.

``open_month_end(app)`` opens it for the person signed in at the desk.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from importlib.resources import files

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, Static

from deskterm.clock import local, today_local
from deskterm.display import fit, plain
from deskterm.duties.repairs.approval_lists import (
    HandoverGroup,
    cs_supervisors,
    pending_filing,
    pending_handover,
    previous_month,
)
from deskterm.duties.repairs.approvals import ListedOrder, file_public_orders, month_end_handover
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field, field_box, widget_for
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.printing import Printout, PrintsLists
from deskterm.screens.kit.tables import book_table, cursor_key, money_cell, refill
from deskterm.screens.repairs.parts import TableBook

PUBLIC = "public"
#: The upper table's columns (76 inside the border; one cell kept for the scrollbar).
GROUP_WIDTH, WHO_WIDTH, COUNT_WIDTH, SUM_WIDTH = 30, 16, 6, 12
GROUP_COLUMNS = ((N_("District"), GROUP_WIDTH), (N_("CS supervisor"), WHO_WIDTH),
                 (N_("Orders"), COUNT_WIDTH), (N_("Charges"), SUM_WIDTH, True))
#: The lower table's columns.
NUMBER_WIDTH, PLACE_WIDTH, TECH_WIDTH, RETURNED_WIDTH, CHARGE_WIDTH = 14, 9, 6, 11, 8
DESCRIPTION_WIDTH = 75 - 6 - (NUMBER_WIDTH + PLACE_WIDTH + TECH_WIDTH + RETURNED_WIDTH
                              + CHARGE_WIDTH)
ORDER_COLUMNS = ((N_("Number"), NUMBER_WIDTH), (N_("Place"), PLACE_WIDTH),
                 (N_("Description"), DESCRIPTION_WIDTH), (N_("Tech"), TECH_WIDTH),
                 (N_("Returned"), RETURNED_WIDTH), (N_("Charge"), CHARGE_WIDTH, True))
_MONTHLIKE = re.compile(r"^\d{4}-?\d{2}$")
MONTH = Field("month", N_("Month"), max_length=7, placeholder="2026-11")
SUPERVISOR = Field("cs_supervisor", N_("CS supervisor"), kind="select", options=(),
                   blank=N_("choose"))


def amount(fen: int, width: int) -> Text:
    """Right-aligned, with the gap after it (DataTable drops leading spaces)."""
    return money_cell(fen, width, symbol=False)


def open_month_end(app, folder=None) -> MonthEndScreen | None:
    """Open the month-end handover / filing for the office at the desk (someone must be
    signed in). ``folder``: where ``p`` writes the printout (default: the export folder)."""
    return open_screen(app, MonthEndScreen, folder=folder)


class MonthEndScreen(PrintsLists, TableBook):
    """Hand over by district, file the public-area orders, print what was done."""

    CSS_PATH = str(files("deskterm.styles") / "approvals.tcss")
    PREFIX = "me"
    FIELD_LINES = ("month", "cs_supervisor")
    BINDINGS = [
        Binding("h", "hand_over", show=False),
        Binding("f", "file", show=False),
        Binding("p", "print", show=False),
    ]

    def __init__(self, session, *, folder=None, today: dt.date | None = None) -> None:
        super().__init__(session, id="month-end")
        self.folder = folder
        self.month = previous_month(today or today_local(session.tz))  # the one shown
        self.groups: dict[str, HandoverGroup] = {}
        self.public: tuple[ListedOrder, ...] = ()
        self.supervisors: dict[int, str] = {}
        self.chosen: dict[int, int] = {}  # district id → the CS supervisor chosen here
        self.last: Printout | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="me-form", classes="form"):
            yield Static(plain(_("Month-end handover and filing")), classes="form-title",
                         markup=False)
            with Horizontal(id="me-month-row", classes="kit-row"):
                yield field_box(self.PREFIX, "month", _(MONTH.label),
                                widget_for(self.PREFIX, replace(MONTH, initial=self.month)))
                yield Static(plain("…"), id="me-showing", markup=False)
            yield book_table("me-groups", GROUP_COLUMNS, zebra=False)
            yield book_table("me-orders", ORDER_COLUMNS)
            with Horizontal(id="me-cs-row", classes="kit-row"):
                yield field_box(self.PREFIX, "cs_supervisor", _(SUPERVISOR.label),
                                widget_for(self.PREFIX, SUPERVISOR))
                yield Static(plain(""), id="me-cs-note", markup=False)
            yield self.message_line()
            yield self.result_line()
            yield Static(plain(_("↑↓ choose · h hand over · f file public · p print · "
                                 "Tab fields · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#me-groups", DataTable))
        self.read(self.month)

    # --- reading -------------------------------------------------------------------------------
    @on(Input.Changed, "#me-month")
    def _month_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.clear_line("month")
        typed = event.value.strip()
        if _MONTHLIKE.match(typed) and typed != self.month:
            self.read(typed, True)

    @on(Input.Submitted, "#me-month")
    def _month_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.read(event.value.strip())
        self.set_focus(self.query_one("#me-groups", DataTable))

    def fetch(self, month: str, quiet: bool = False):
        """The month's groups and public orders (None for a month refused while typed),
        and the supervisors until they have been read."""
        office = self.session.office
        people = cs_supervisors(office) if not self.supervisors else None
        try:
            found = pending_handover(office, month), pending_filing(office, month)
        except DutyError:
            if not quiet:
                raise
            found = None
        return found, people

    def show(self, data, month: str, quiet: bool = False) -> None:
        found, people = data
        if people is not None:
            self.supervisors = dict(people)
            self.query_one("#me-cs_supervisor", Select).set_options(
                [(plain(name), staff_id) for staff_id, name in people])
        if found is None:
            return  # a month still being typed
        groups, public = found
        self.month = month
        self.groups = {f"d{g.district_id}": g for g in groups}
        self.public = tuple(public)
        rows = [*self.groups, *([PUBLIC] if public else [])]
        refill(self.query_one("#me-groups", DataTable),
               ((key, self.group_cells(key)) for key in rows))
        count = sum(len(g.orders) for g in groups)
        if not count and not public:
            showing = _("{month}: nothing to hand over or file.").format(month=month)
        else:
            showing = _("{month}: {n} to hand over, {k} to file").format(
                month=month, n=count, k=len(public))
        self.query_one("#me-showing", Static).update(plain(showing))
        self._show_group()

    def group_cells(self, key: str) -> list[Text]:
        if key == PUBLIC:
            return [plain(fit(_("Public area: to file"), GROUP_WIDTH)), plain("—"),
                    plain(str(len(self.public))), amount(sum(r.charge for r in self.public), SUM_WIDTH)]
        group = self.groups[key]
        who = group.cs_supervisor_name or self.supervisors.get(
            self.chosen.get(group.district_id, 0), "") or _("choose below")
        return [plain(fit(f"{group.district_name} ({group.district_code})", GROUP_WIDTH)),
                plain(fit(who, WHO_WIDTH)), plain(str(len(group.orders))),
                amount(sum(r.charge for r in group.orders), SUM_WIDTH)]

    # --- the highlighted row ---------------------------------------------------------------------
    def current_key(self) -> str | None:
        return cursor_key(self.query_one("#me-groups", DataTable))

    def current_rows(self) -> tuple[ListedOrder, ...]:
        key = self.current_key()
        if key == PUBLIC:
            return self.public
        return self.groups[key].orders if key in self.groups else ()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "me-groups":
            self._show_group()

    def _show_group(self) -> None:
        tz = self.session.tz
        refill(self.query_one("#me-orders", DataTable),
               ((f"o{row.id}", (row.number, fit(row.place, PLACE_WIDTH),
                                fit(row.description, DESCRIPTION_WIDTH),
                                fit(row.technician or "—", TECH_WIDTH),
                                local(row.returned_at, tz).format("MM-DD HH:mm"),
                                amount(row.charge, CHARGE_WIDTH))) for row in self.current_rows()))
        key = self.current_key()
        select = self.query_one("#me-cs_supervisor", Select)
        note = self.query_one("#me-cs-note", Static)
        group = self.groups.get(key)
        if group is None:
            select.value = Select.NULL
            select.disabled = True
            note.update(plain(_("public-area orders are filed (f)") if key == PUBLIC else ""))
        elif group.cs_supervisor_id is not None:
            if group.cs_supervisor_id in self.supervisors:
                select.value = group.cs_supervisor_id
            select.disabled = True
            note.update(plain(_("the district's own")))
        else:
            select.disabled = False
            select.value = self.chosen.get(group.district_id, Select.NULL)
            note.update(plain(fit(_("none set for {district}: choose one")
                                  .format(district=group.district_name), 30)))

    @on(Select.Changed, "#me-cs_supervisor")
    def _supervisor_chosen(self, event: Select.Changed) -> None:
        group = self.groups.get(self.current_key())
        if group is None or group.cs_supervisor_id is not None or event.value is Select.NULL:
            return
        self.clear_line("cs_supervisor")
        self.chosen[group.district_id] = event.value
        table = self.query_one("#me-groups", DataTable)
        table.update_cell_at((table.get_row_index(f"d{group.district_id}"), 1),
                             plain(fit(self.supervisors.get(event.value, ""), WHO_WIDTH)))

    # --- the actions ---------------------------------------------------------------------------
    def _ready(self) -> bool:
        """Not busy, and the month typed is the month shown."""
        if self.busy:
            return False
        self.say("")
        typed = self.query_one("#me-month", Input).value.strip()
        if typed != self.month:
            self.say(_("Press Enter to show {month} first.").format(month=typed or "…"),
                     "month")
            return False
        return True

    def action_hand_over(self) -> None:
        if not self._ready():
            return
        group = self.groups.get(self.current_key())
        if group is None:
            self.say(_("Choose a district's row, then press h."))
            return
        office, staff, month = self.session.office, self.session.staff, self.month
        who = group.cs_supervisor_id or self.chosen.get(group.district_id)
        self.act(lambda: tuple(month_end_handover(office, staff, month, group.district_id,
                                                  who)),
                 lambda rows: self._handed_over(month, group, who, rows), group="hand")

    def action_file(self) -> None:
        if self._ready():
            office, staff, month = self.session.office, self.session.staff, self.month
            self.act(lambda: tuple(file_public_orders(office, staff, month)),
                     lambda rows: self._filed(month, rows), group="file")

    def _handed_over(self, month: str, group: HandoverGroup, who: int | None,
                     rows: tuple[ListedOrder, ...]) -> None:
        name = group.cs_supervisor_name or self.supervisors.get(who, "")
        district = group.district_name
        if rows:
            result = _("✓ Handed over {n} orders of {district} to {name}.").format(
                n=len(rows), district=district, name=name)
        else:
            result = _("Nothing left to hand over for {district}.").format(district=district)
        self.last = None if not rows else Printout(
            _("Handed over to {name}: {district}, orders returned up to the end of "
              "{month}").format(name=name, district=district, month=month), rows,
            f"handover-{month}-{group.district_code}",
            (_("Handed over by"), _("Received by {name}").format(name=name)))
        self.show_result(result)
        self.read(month)

    def _filed(self, month: str, rows: tuple[ListedOrder, ...]) -> None:
        if rows:
            result = _("✓ Filed {n} public-area orders.").format(n=len(rows))
        else:
            result = _("No public-area orders to file for {month}.").format(month=month)
        self.last = None if not rows else Printout(
            _("Public-area orders filed: returned up to the end of {month}").format(
                month=month), rows, f"filed-{month}", (_("Filed by"),))
        self.show_result(result)
        self.read(month)

    def action_print(self) -> None:
        if self.busy:
            return
        self.say("")
        printout = self.last or self.preview()
        if printout is None:
            self.say(_("Nothing to print: choose a row, or hand over or file first."))
            return
        self.print_list(printout)

    def preview(self) -> Printout | None:
        key = self.current_key()
        rows = self.current_rows()
        if not rows:
            return None
        if key == PUBLIC:
            title = _("Public-area orders to file (preview): returned up to the end of "
                      "{month}").format(month=self.month)
            return Printout(title, rows, f"to-file-{self.month}")
        group = self.groups[key]
        name = group.cs_supervisor_name or self.supervisors.get(
            self.chosen.get(group.district_id, 0), "")
        title = _("To hand over to {name} (preview): {district}, orders returned up to the "
                  "end of {month}").format(name=name or "—", district=group.district_name,
                                           month=self.month)
        return Printout(title, rows, f"to-hand-over-{self.month}-{group.district_code}")

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(None)
