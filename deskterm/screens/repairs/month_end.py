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
again and the result line says how many orders went to whom.

``open_month_end(app)`` opens it for the person signed in at the desk.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib.resources import files

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from deskterm.clock import local, today_local
from deskterm.db.models import database
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
from deskterm.i18n import _
from deskterm.money import format_fen
from deskterm.screens.kit.form_kit import run_duty
from deskterm.screens.repairs.approval import Printout, PrintsLists

PUBLIC = "public"
#: The upper table's columns (76 inside the border; one cell kept for the scrollbar).
GROUP_WIDTH, WHO_WIDTH, COUNT_WIDTH, SUM_WIDTH = 30, 16, 6, 12
#: The lower table's columns.
NUMBER_WIDTH, PLACE_WIDTH, TECH_WIDTH, RETURNED_WIDTH, CHARGE_WIDTH = 14, 9, 6, 11, 8
DESCRIPTION_WIDTH = 75 - 6 - (NUMBER_WIDTH + PLACE_WIDTH + TECH_WIDTH + RETURNED_WIDTH
                              + CHARGE_WIDTH)
_MONTHLIKE = re.compile(r"^\d{4}-?\d{2}$")
FIELDS = {"month": "#me-month-error", "cs_supervisor": "#me-cs-error"}


def amount(fen: int) -> Text:
    """Right-aligned, with the gap after it (DataTable drops leading spaces)."""
    return Text(format_fen(fen, symbol=False) + " ", justify="right")


def heading(label: str, width: int, right: bool = False) -> Text:
    return Text(fit(label, width) + " ", justify="right") if right else plain(fit(label, width))


def open_month_end(app, folder=None) -> MonthEndScreen | None:
    """Open the month-end handover / filing for the office at the desk (someone must be
    signed in). ``folder``: where ``p`` writes the printout (default: the export folder)."""
    if app.session.staff is None:
        return None
    screen = MonthEndScreen(app.session, folder=folder)
    app.push_screen(screen)
    return screen


class MonthEndScreen(PrintsLists, ModalScreen[None]):
    """Hand over by district, file the public-area orders, print what was done."""

    CSS_PATH = str(files("deskterm.styles") / "approvals.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("h", "hand_over", show=False),
        Binding("f", "file", show=False),
        Binding("p", "print", show=False),
    ]

    def __init__(self, session, *, folder=None, today: dt.date | None = None) -> None:
        super().__init__(id="month-end")
        self.session = session
        self.folder = folder
        self.month = previous_month(today or today_local(session.tz))  # the one shown
        self.groups: dict[str, HandoverGroup] = {}
        self.public: tuple[ListedOrder, ...] = ()
        self.supervisors: dict[int, str] = {}
        self.chosen: dict[int, int] = {}  # district id → the CS supervisor chosen here
        self.last: Printout | None = None
        self.busy = False
        self.ticket = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="me-form", classes="form"):
            yield Static(plain(_("Month-end handover and filing")), classes="form-title",
                         markup=False)
            with Horizontal(id="me-month-row"):
                yield Label(plain(_("Month")), classes="field-label")
                yield Input(self.month, id="me-month", compact=True, max_length=7,
                            placeholder="2026-11")
                yield Static(plain("…"), id="me-showing", markup=False)
            yield Static(plain(""), id="me-month-error", classes="field-error", markup=False)
            yield DataTable(id="me-groups", cursor_type="row", cell_padding=0)
            yield DataTable(id="me-orders", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            with Horizontal(id="me-cs-row"):
                yield Label(plain(_("CS supervisor")), classes="field-label")
                yield Select([], prompt=_("choose"), compact=True, id="me-cs")
                yield Static(plain(""), id="me-cs-note", markup=False)
            yield Static(plain(""), id="me-cs-error", classes="field-error", markup=False)
            yield Static(plain(""), id="me-error", classes="field-error", markup=False)
            yield Static(plain(""), id="me-result", markup=False)
            yield Static(plain(_("↑↓ choose · h hand over · f file public · p print · "
                                 "Tab fields · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        groups = self.query_one("#me-groups", DataTable)
        for label, width in ((_("District"), GROUP_WIDTH), (_("CS supervisor"), WHO_WIDTH),
                             (_("Orders"), COUNT_WIDTH), (_("Charges"), SUM_WIDTH)):
            groups.add_column(heading(label, width, label == _("Charges")), width=width + 1)
        orders = self.query_one("#me-orders", DataTable)
        for label, width in ((_("Number"), NUMBER_WIDTH), (_("Place"), PLACE_WIDTH),
                             (_("Description"), DESCRIPTION_WIDTH), (_("Tech"), TECH_WIDTH),
                             (_("Returned"), RETURNED_WIDTH), (_("Charge"), CHARGE_WIDTH)):
            orders.add_column(heading(label, width, label == _("Charge")), width=width + 1)
        groups.focus()
        self._load(self.month, quiet=False, first=True)

    # --- reading -------------------------------------------------------------------------------
    @on(Input.Changed, "#me-month")
    def _month_changed(self, event: Input.Changed) -> None:
        self.set_error("month", "")
        if _MONTHLIKE.match(event.value.strip()) and event.value.strip() != self.month:
            self._load(event.value.strip(), quiet=True)

    @on(Input.Submitted, "#me-month")
    def _month_submitted(self, event: Input.Submitted) -> None:
        self._load(event.value.strip(), quiet=False)
        self.query_one("#me-groups", DataTable).focus()

    def _load(self, month: str, *, quiet: bool, first: bool = False) -> None:
        self.ticket += 1
        self._read(self.ticket, month, quiet, first)

    @work(thread=True, group="month-end-load")
    def _read(self, ticket: int, month: str, quiet: bool, first: bool) -> None:
        office = self.session.office
        try:
            with database.connection_context():
                groups, public = pending_handover(office, month), pending_filing(office, month)
                people = cs_supervisors(office) if first else None
        except DutyError as exc:
            if not quiet:
                self.app.call_from_thread(self._refused, exc.field or "", exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            self.app.call_from_thread(self._refused, "", str(exc))
            return
        self.app.call_from_thread(self._show, ticket, month, groups, public, people)

    def _show(self, ticket: int, month: str, groups: list[HandoverGroup],
              public: list[ListedOrder], people) -> None:
        if people is not None:  # read once, kept whichever read is shown
            self.supervisors = dict(people)
            self.query_one("#me-cs", Select).set_options(
                [(plain(name), staff_id) for staff_id, name in people])
        if ticket != self.ticket:  # a later read is on its way
            return
        self.month = month
        table = self.query_one("#me-groups", DataTable)
        keep = self.current_key()
        self.groups = {f"d{g.district_id}": g for g in groups}
        self.public = tuple(public)
        table.clear()
        for key, group in self.groups.items():
            table.add_row(*self.group_cells(group), key=key)
        if public:
            table.add_row(plain(fit(_("Public area: to file"), GROUP_WIDTH)), plain("—"),
                          plain(str(len(public))), amount(sum(r.charge for r in public)),
                          key=PUBLIC)
        if keep is not None and keep in self.groups or (keep == PUBLIC and public):
            table.move_cursor(row=table.get_row_index(keep))
        count = sum(len(g.orders) for g in groups)
        if not count and not public:
            showing = _("{month}: nothing to hand over or file.").format(month=month)
        else:
            showing = _("{month}: {n} to hand over, {k} to file").format(
                month=month, n=count, k=len(public))
        self.query_one("#me-showing", Static).update(plain(showing))
        self._show_group()

    def group_cells(self, group: HandoverGroup) -> list[Text]:
        who = group.cs_supervisor_name or self.supervisors.get(
            self.chosen.get(group.district_id, 0), "") or _("choose below")
        return [plain(fit(f"{group.district_name} ({group.district_code})", GROUP_WIDTH)),
                plain(fit(who, WHO_WIDTH)), plain(str(len(group.orders))),
                amount(sum(r.charge for r in group.orders))]

    # --- the highlighted row ---------------------------------------------------------------------
    def current_key(self) -> str | None:
        table = self.query_one("#me-groups", DataTable)
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        return table.coordinate_to_cell_key((index, 0)).row_key.value

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
        orders = self.query_one("#me-orders", DataTable)
        orders.clear()
        for row in self.current_rows():
            returned = local(row.returned_at, tz).format("MM-DD HH:mm")
            orders.add_row(plain(row.number), plain(fit(row.place, PLACE_WIDTH)),
                           plain(fit(row.description, DESCRIPTION_WIDTH)),
                           plain(fit(row.technician or "—", TECH_WIDTH)), plain(returned),
                           amount(row.charge), key=f"o{row.id}")
        key = self.current_key()
        select = self.query_one("#me-cs", Select)
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

    @on(Select.Changed, "#me-cs")
    def _supervisor_chosen(self, event: Select.Changed) -> None:
        group = self.groups.get(self.current_key())
        if group is None or group.cs_supervisor_id is not None or event.value is Select.NULL:
            return
        self.set_error("cs_supervisor", "")
        self.chosen[group.district_id] = event.value
        table = self.query_one("#me-groups", DataTable)
        table.update_cell_at((table.get_row_index(f"d{group.district_id}"), 1),
                             plain(fit(self.supervisors.get(event.value, ""), WHO_WIDTH)))

    # --- the actions ---------------------------------------------------------------------------
    def _ready(self) -> bool:
        """Not busy, and the month typed is the month shown."""
        if self.busy:
            return False
        for field in ("", "month", "cs_supervisor"):
            self.set_error(field, "")
        typed = self.query_one("#me-month", Input).value.strip()
        if typed != self.month:
            self.set_error("month", _("Press Enter to show {month} first.").format(
                month=typed or "…"))
            return False
        return True

    def action_hand_over(self) -> None:
        if not self._ready():
            return
        group = self.groups.get(self.current_key())
        if group is None:
            self.set_error("", _("Choose a district's row, then press h."))
            return
        who = group.cs_supervisor_id or self.chosen.get(group.district_id)
        self.busy = True
        self._act("hand_over", group, who)

    def action_file(self) -> None:
        if self._ready():
            self.busy = True
            self._act("file", None, None)

    @work(thread=True, exclusive=True, group="month-end-act")
    def _act(self, what: str, group: HandoverGroup | None, who: int | None) -> None:
        office, staff, month = self.session.office, self.session.staff, self.month

        def act() -> tuple:
            if what == "hand_over":
                return tuple(month_end_handover(office, staff, month, group.district_id, who))
            return tuple(file_public_orders(office, staff, month))

        run_duty(self, act, lambda rows: self._done(what, month, group, who, rows),
                 self._refused)

    def _done(self, what: str, month: str, group: HandoverGroup | None, who: int | None,
              rows: tuple[ListedOrder, ...]) -> None:
        self.busy = False
        if what == "hand_over":
            name = group.cs_supervisor_name or self.supervisors.get(who, "")
            district = group.district_name
            if rows:
                result = _("✓ Handed over {n} orders of {district} to {name}.").format(
                    n=len(rows), district=district, name=name)
            else:
                result = _("Nothing left to hand over for {district}.").format(
                    district=district)
            self.last = None if not rows else Printout(
                _("Handed over to {name}: {district}, orders returned up to the end of "
                  "{month}").format(name=name, district=district, month=month), rows,
                f"handover-{month}-{group.district_code}",
                (_("Handed over by"), _("Received by {name}").format(name=name)))
        else:
            if rows:
                result = _("✓ Filed {n} public-area orders.").format(n=len(rows))
            else:
                result = _("No public-area orders to file for {month}.").format(month=month)
            self.last = None if not rows else Printout(
                _("Public-area orders filed: returned up to the end of {month}").format(
                    month=month), rows, f"filed-{month}", (_("Filed by"),))
        self.set_result(result)
        self._load(month, quiet=False)

    def action_print(self) -> None:
        if self.busy:
            return
        self.set_error("", "")
        printout = self.last or self.preview()
        if printout is None:
            self.set_error("", _("Nothing to print: choose a row, or hand over or file first."))
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

    # --- lines ---------------------------------------------------------------------------------
    def _refused(self, field: str, message: str) -> None:
        self.busy = False
        self.set_error(field, message)
        if field == "month":
            self.query_one("#me-month", Input).focus()
        elif field == "cs_supervisor" and not self.query_one("#me-cs", Select).disabled:
            self.query_one("#me-cs", Select).focus()

    def set_error(self, field: str, message: str) -> None:
        line = self.query_one(FIELDS.get(field, "#me-error"), Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)  # an empty line takes no room

    def set_result(self, message: str) -> None:
        self.query_one("#me-result", Static).update(plain(message))

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(None)
