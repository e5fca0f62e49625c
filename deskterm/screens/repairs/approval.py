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
stored. ``p`` writes the list as plain text to the export folder and shows the path.

``open_approval(app)`` opens it for the person signed in at the desk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.resources import files

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from deskterm.clock import local, now_utc, today_local
from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.repairs.approval_lists import (
    RESULT_WORDS,
    active_managers,
    approval_week,
    printable_list,
    write_printout,
)
from deskterm.duties.repairs.approvals import ListedOrder, approval_list, approve_orders
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.money import format_fen
from deskterm.screens.kit.form_kit import run_duty

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
    return [plain(cell) if i != CHARGE_COLUMN else Text(cell + " ", justify="right")
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


@dataclass(frozen=True)
class Printout:
    """A list to print: the title, the orders, the file name's start, who signs."""

    title: str
    rows: tuple[ListedOrder, ...]
    stem: str
    signatures: tuple[str, ...] = ()


class PrintsLists:
    """What the approval and month-end screens share: ``print_list`` writes a Printout
    (``printable_list`` + ``write_printout``) in a worker, and the result line shows where.
    The screen has ``session``, ``folder``, ``busy``, ``set_result`` and ``_refused``."""

    def print_list(self, printout: Printout) -> None:
        self.busy = True
        self._print(printout)

    @work(thread=True, exclusive=True, group="print")
    def _print(self, printout: Printout) -> None:
        staff, tz = self.session.staff, self.session.tz
        try:
            text = printable_list(printout.title, printout.rows, tz,
                                  office_name=self.session.office.name,
                                  printed_by=staff.name if staff else "", now=now_utc(),
                                  signatures=printout.signatures)
            path = write_printout(text, printout.stem, self.folder, tz=tz)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, "", exc.message)
            return
        self.app.call_from_thread(self._printed, str(path))

    def _printed(self, path: str) -> None:
        self.busy = False
        self.set_result(_("Printable list written: {path}").format(path=path))


def open_approval(app, folder=None) -> ApprovalScreen | None:
    """Open the Monday approval for the office at the desk (someone must be signed in).
    ``folder``: where ``p`` writes the printout (default: the export folder)."""
    if app.session.staff is None:
        return None
    screen = ApprovalScreen(app.session, folder=folder)
    app.push_screen(screen)
    return screen


class ApprovalScreen(PrintsLists, ModalScreen[int]):
    """The Monday approval; dismisses with how many orders were approved here."""

    CSS_PATH = str(files("deskterm.styles") / "approvals.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("ctrl+s", "approve", show=False, priority=True),
        Binding("space", "toggle", show=False),
        Binding("a", "toggle_all", show=False),
        Binding("p", "print", show=False),
    ]

    def __init__(self, session, *, folder=None, today: dt.date | None = None) -> None:
        super().__init__(id="approval")
        self.session = session
        self.folder = folder
        self.week = approval_week(today or today_local(session.tz))
        self.rows: dict[str, ListedOrder] = {}
        self.deselected: set[int] = set()  # kept across reloads: "not this batch"
        self.approved = 0
        self.managers: dict[int, str] = {}
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="ap-form", classes="form"):
            yield Static(plain("…"), id="ap-title", classes="form-title", markup=False)
            yield DataTable(id="ap-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="ap-detail", markup=False)
            yield Static(plain(""), id="ap-count", markup=False)
            with Horizontal(id="ap-who"):
                yield Label(plain(_("Manager")), classes="field-label")
                yield Select([], prompt=_("choose the manager"), compact=True,
                             id="ap-manager")
                yield Label(plain(_("PIN")), classes="field-label")
                yield Input(id="ap-pin", password=True, compact=True, max_length=32,
                            placeholder=_("the manager's own PIN"))
            yield Static(plain(""), id="ap-manager-error", classes="field-error",
                         markup=False)
            yield Static(plain(""), id="ap-pin-error", classes="field-error", markup=False)
            yield Static(plain(""), id="ap-error", classes="field-error", markup=False)
            yield Static(plain(""), id="ap-result", markup=False)
            yield Static(plain(_("space select · a all/none · ctrl+s approve · p print · "
                                 "Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#ap-table", DataTable)
        for label, width in (("", MARK_WIDTH), (_("Number"), NUMBER_WIDTH),
                             (_("Place"), PLACE_WIDTH), (_("Description"), DESCRIPTION_WIDTH),
                             (_("Tech"), TECH_WIDTH), (_("Result"), RESULT_WIDTH),
                             (_("Charge"), CHARGE_WIDTH), (_("Called"), CALLED_WIDTH)):
            head = plain(fit(label, width))
            if label == _("Charge"):  # right-aligned like the amounts, the gap after it
                head = Text(head.plain + " ", justify="right")
            table.add_column(head, width=width + 1)
        table.focus()
        self._load(first=True)

    @property
    def week_end(self) -> dt.date:
        return self.week - dt.timedelta(days=self.week.weekday()) + dt.timedelta(days=7)

    def title_text(self) -> str:
        return _("Monday approval: orders called back before {date} ({n})").format(
            date=self.week_end.strftime("%m-%d"), n=len(self.rows))

    # --- reading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="approval-load")
    def _load(self, first: bool = False) -> None:
        try:
            with database.connection_context():
                rows = approval_list(self.session.office, self.week)
                managers = active_managers(self.session.office) if first else None
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            self.app.call_from_thread(self.set_error, "", str(exc))
            return
        self.app.call_from_thread(self._show, rows, managers)

    def _show(self, rows: list[ListedOrder], managers) -> None:
        table = self.query_one("#ap-table", DataTable)
        keep = self.current_row()
        self.rows = {f"o{row.id}": row for row in rows}
        table.clear()
        for key, row in self.rows.items():
            table.add_row(*row_texts(row_cells(row, row.id not in self.deselected,
                                               self.session.tz)), key=key)
        if keep is not None and f"o{keep.id}" in self.rows:
            table.move_cursor(row=table.get_row_index(f"o{keep.id}"))
        self.query_one("#ap-title", Static).update(plain(self.title_text()))
        if managers is not None:
            select = self.query_one("#ap-manager", Select)
            self.managers = dict(managers)
            select.set_options([(plain(name), staff_id) for staff_id, name in managers])
            if len(managers) == 1:
                select.value = managers[0][0]
            elif not managers:
                self.set_error("manager", _("This office has no active manager."))
        self._show_detail()
        self._show_count()

    # --- the rows ------------------------------------------------------------------------------
    def current_row(self) -> ListedOrder | None:
        table = self.query_one("#ap-table", DataTable)
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        return self.rows.get(table.coordinate_to_cell_key((index, 0)).row_key.value)

    def selected_ids(self) -> list[int]:
        return [row.id for row in self.rows.values() if row.id not in self.deselected]

    def _show_detail(self) -> None:
        self.query_one("#ap-detail", Static).update(
            plain(detail_text(self.current_row(), self.session.tz)))

    def _show_count(self) -> None:
        chosen = [row for row in self.rows.values() if row.id not in self.deselected]
        text = _("{n} waiting · {k} selected · charges {amount} · ✓ on time ✗ late").format(
            n=len(self.rows), k=len(chosen), amount=format_fen(sum(r.charge for r in chosen)))
        self.query_one("#ap-count", Static).update(plain(fit(text, TEXT_WIDTH)))

    def _mark(self, row: ListedOrder) -> None:
        table = self.query_one("#ap-table", DataTable)
        table.update_cell_at((table.get_row_index(f"o{row.id}"), 0),
                             plain("[ ]" if row.id in self.deselected else "[x]"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

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
        ids = {row.id for row in self.rows.values()}
        if ids - self.deselected == ids:  # all selected: select none
            self.deselected |= ids
        else:
            self.deselected -= ids
        for row in self.rows.values():
            self._mark(row)
        self._show_count()

    # --- approving --------------------------------------------------------------------------
    @on(Input.Submitted, "#ap-pin")
    def _pin_submitted(self) -> None:
        self.action_approve()

    @on(Select.Changed, "#ap-manager")
    def _manager_changed(self) -> None:
        self.set_error("manager", "")

    def action_approve(self) -> None:
        if self.busy:
            return
        for field in ("", "manager", "pin"):
            self.set_error(field, "")
        value = self.query_one("#ap-manager", Select).value
        pin_box = self.query_one("#ap-pin", Input)
        pin, pin_box.value = pin_box.value, ""  # never kept on screen after a try
        self.busy = True
        manager_id = None if value is Select.NULL else value
        self._approve(manager_id, pin, self.selected_ids(), self.managers.get(manager_id, ""))

    @work(thread=True, exclusive=True, group="approval-save")
    def _approve(self, manager_id, pin: str, ids: list[int], name: str) -> None:
        def approve() -> tuple[int, list]:
            orders = approve_orders(self.session.office, manager_id, pin, ids,
                                    at_desk=self.session.staff)
            return len(orders), approval_list(self.session.office, self.week)

        run_duty(self, approve, lambda found: self._approved(*found, name), self._refused)

    def _refused(self, field: str, message: str) -> None:
        self.busy = False
        self.set_error(field, message)
        if field == "pin":
            self.query_one("#ap-pin", Input).focus()
        elif field == "manager":
            self.query_one("#ap-manager", Select).focus()
        elif field == "orders":  # another desk may have approved some meanwhile
            self._load()

    def _approved(self, count: int, rows: list[ListedOrder], name: str) -> None:
        self.busy = False
        self.approved += count
        self.set_result(_("✓ Approved {n} orders ({name}).").format(n=count, name=name))
        self._show(rows, None)
        self.query_one("#ap-table", DataTable).focus()

    # --- printing -----------------------------------------------------------------------------
    def action_print(self) -> None:
        if self.busy:
            return
        self.set_error("", "")
        self.print_list(Printout(self.title_text(), tuple(self.rows.values()),
                                 f"approval-{self.week_end.isoformat()}",
                                 (_("Approved by the manager"),)))

    # --- lines ------------------------------------------------------------------------------
    def set_error(self, field: str, message: str) -> None:
        target = {"manager": "#ap-manager-error", "pin": "#ap-pin-error"}.get(field, "#ap-error")
        line = self.query_one(target, Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)  # an empty line takes no room

    def set_result(self, message: str) -> None:
        self.query_one("#ap-result", Static).update(plain(message))

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(self.approved)
