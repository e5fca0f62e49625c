"""The night-to-day handover (交接班, F5) [7.3].

``open_handover(app)`` opens ``HandoverScreen`` for the day clerk at the desk: the desk's
figures at that moment (open orders, overdue callbacks, cash not yet banked) and the night
log since the last handover, one row per entry, the highlighted entry's full text under
the list. Each entry gets its disposition with a key:

- ``t`` taken over;
- ``o`` a repair order: call intake opens prefilled from the entry (channel "night log",
  the night person as caller, the entry's text, its unit when it names one); saving it
  writes the order at once, and the entry shows its number;
- ``c`` a complaint: the complaint form, prefilled the same way.

ctrl+s, once every entry has its disposition, asks both sides to sign
(``SignHandoverForm``: the night person and their own PIN, the day clerk's own PIN, a
note) and runs ``handover.sign_handover``; the signed handover closes the screen and
turns the timeline's handover item done. Esc closes without signing (orders and complaints
made in place stay: they are real calls). Free text is shown literally (markup off).
"""

from __future__ import annotations

from importlib.resources import files

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.clock import local, today_local
from deskterm.db.models import Handover, database
from deskterm.display import day_label, fit, money, plain
from deskterm.duties.parsing import parse_unit_code
from deskterm.duties.shift.handover import DAY_ROLES, Disposition, HandoverView, handover_view
from deskterm.duties.shift.night_log import LogItem
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from deskterm.screens.repairs.complaint_form import ComplaintFormScreen
from deskterm.screens.shift.handover_sign import SignHandoverForm

CSS = str(files("deskterm.styles") / "handover.tcss")
TITLE_WIDTH = 76  # inside the border and padding
WIDTHS = (("time", 5), ("action", 1), ("taken", 12), ("where", 10), ("what", 42))
TAKEN_WORDS = {"taken_over": N_("taken over")}


def open_handover(app) -> HandoverScreen | None:
    """F5: the handover for the day clerk at the desk; None (and a word) otherwise."""
    staff = app.session.staff
    if staff is None:
        return None
    if staff.role not in DAY_ROLES:
        app.notify(_("The day clerk opens the handover: sign in as the day clerk."),
                   severity="warning", markup=False)
        return None
    screen = HandoverScreen(app.session)
    app.push_screen(screen)
    return screen


def _unit_code(where: str) -> str:
    try:
        parse_unit_code(where)
    except DutyError:
        return ""
    return where.strip()


def title_text(office: str, tz: str) -> str:
    """``Handover — <office> · Thu 11-26``: the office's name is cut, never the day."""
    day = " · " + day_label(today_local(tz))
    return fit(_("Handover — {office}").format(office=office), TITLE_WIDTH - cell_len(day)) + day


class NightCallIntake(CallIntakeScreen):
    """Call intake for a night-log entry: channel "night log", prefilled from the entry."""

    def __init__(self, session, item: LogItem) -> None:
        super().__init__(session, channel="night_log")
        self.item = item

    def on_mount(self) -> None:  # runs before the base classes' own on_mount
        self.set_initial("name", self.item.writer)
        self.set_initial("unit", _unit_code(self.item.where))
        self.set_initial("request", " ".join(p for p in (self.item.where, self.item.what) if p))

    def draft_subject(self) -> str:
        return f"night-log-{self.item.id}"


class NightComplaint(ComplaintFormScreen):
    """The complaint form for a night-log entry, prefilled from it."""

    def __init__(self, session, item: LogItem) -> None:
        super().__init__(session, channel="phone")
        self.item = item

    def on_mount(self) -> None:
        self.set_initial("unit", _unit_code(self.item.where))
        self.set_initial("description",
                         " ".join(p for p in (self.item.where, self.item.what) if p))

    def draft_subject(self) -> str:
        return f"night-log-{self.item.id}"


class HandoverScreen(ModalScreen[Handover | None]):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("t", "dispose('taken_over')", show=False),
        Binding("o", "dispose('order')", show=False),
        Binding("c", "dispose('complaint')", show=False),
        Binding("r", "reload", show=False),
        Binding("ctrl+s", "sign", show=False, priority=True),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="handover")
        self.session = session
        self.view: HandoverView | None = None
        self.dispositions: dict[int, Disposition] = {}
        self.labels: dict[int, str] = {}  # entry id -> what it became (order number...)

    def compose(self) -> ComposeResult:
        with Vertical(id="ho-form", classes="form"):
            yield Static(plain(title_text(self.session.office.name, self.session.tz)),
                         classes="form-title", markup=False)
            yield Static(plain("…"), id="ho-figures", markup=False)
            yield DataTable(id="ho-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="ho-detail", markup=False)
            yield Static(plain(""), id="ho-error", classes="ho-error", markup=False)
            yield Static(plain(""), id="ho-result", markup=False)
            yield Static(plain(_("t taken over · o order · c complaint · ctrl+s sign · "
                                 "Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#ho-table", DataTable)
        labels = {"time": _("Time"), "action": "", "taken": _("Taken as"),
                  "where": _("Where"), "what": _("What")}
        for key, width in WIDTHS:
            table.add_column(plain(fit(labels[key], width)), width=width + 1, key=key)
        table.focus()
        self._load()

    # --- loading ---------------------------------------------------------------------------
    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="ho-load")
    def _load(self) -> None:
        try:
            with database.connection_context():
                view = handover_view(self.session.office)
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            self.app.call_from_thread(self._say, str(exc))
            return
        self.app.call_from_thread(self._show, view)

    def _show(self, view: HandoverView) -> None:
        self.view = view
        ids = {e.id for e in view.entries}
        self.dispositions = {k: v for k, v in self.dispositions.items() if k in ids}
        f = view.figures
        figures = _("Open orders {orders} ({overdue} overdue) · overdue callbacks {callbacks} "
                    "· cash not banked {cash}").format(
            orders=f.open_orders, overdue=f.overdue_orders, callbacks=f.overdue_callbacks,
            cash=money(f.undeposited))
        night = _("Night log since the last handover: {count} items").format(
            count=len(view.entries)) if view.entries else _(
            "Nothing in the night log since the last handover.")
        if view.last is not None:
            night += " " + _("(last signed {when}, {night} → {day})").format(
                when=local(view.last.signed_at, self.session.tz).format("MM-DD HH:mm"),
                night=view.last.from_name, day=view.last.to_name)
        self.query_one("#ho-figures", Static).update(plain(figures + "\n" + night))
        table = self.query_one("#ho-table", DataTable)
        table.clear()
        for item in view.entries:
            table.add_row(*self._cells(item), key=str(item.id))
        self._show_detail()

    def _taken(self, entry_id: int) -> str:
        disposition = self.dispositions.get(entry_id)
        if disposition is None:
            return "—"
        return self.labels.get(entry_id) or _(TAKEN_WORDS.get(disposition.kind,
                                                              disposition.kind))

    def _cells(self, item: LogItem) -> list:
        return [plain(local(item.at, self.session.tz).format("HH:mm")),
                plain("!" if item.needs_action else ""),
                plain(fit(self._taken(item.id), 12)), plain(fit(item.where, 10)),
                plain(fit(item.what, 42))]

    def _current(self) -> LogItem | None:
        if self.view is None or not self.view.entries:
            return None
        table = self.query_one("#ho-table", DataTable)
        row = min(max(table.cursor_row, 0), len(self.view.entries) - 1)
        return self.view.entries[row]

    @on(DataTable.RowHighlighted, "#ho-table")
    def _show_detail(self, _event=None) -> None:
        item = self._current()
        text = ""
        if item is not None:
            text = f"{item.writer} · {item.where} · {item.what}" if item.where else \
                f"{item.writer} · {item.what}"
        self.query_one("#ho-detail", Static).update(plain(text))

    def _say(self, message: str, *, good: bool = False) -> None:
        error = self.query_one("#ho-error", Static)
        error.update(plain("" if good else "✗ " + message))
        error.display = bool(message) and not good
        self.query_one("#ho-result", Static).update(plain(message if good else ""))

    # --- dispositions -----------------------------------------------------------------------
    def action_dispose(self, kind: str) -> None:
        item = self._current()
        if item is None:
            return
        made = self.dispositions.get(item.id)
        if made is not None and made.kind != "taken_over":
            self._say(_("It is already {what}: that stays.").format(what=self.labels[item.id]))
            return
        if kind == "taken_over":
            self._set(item, Disposition("taken_over"), "")
            return
        form = NightCallIntake(self.session, item) if kind == "order" else \
            NightComplaint(self.session, item)
        self.app.push_screen(form, callback=lambda result: self._made(item, kind, result))

    def _made(self, item: LogItem, kind: str, made) -> None:
        if made is None:
            return
        if kind == "order":
            _entry, order = made
            if order is None:
                self._say(_("That was written to the register but is no repair order: "
                            "mark the item again."))
                return
            self._set(item, Disposition("order", order_id=order.id), order.number)
        else:
            self._set(item, Disposition("complaint", complaint_id=made.id), made.number)

    def _set(self, item: LogItem, disposition: Disposition, label: str) -> None:
        self.dispositions[item.id] = disposition
        if label:
            self.labels[item.id] = label
        table = self.query_one("#ho-table", DataTable)
        table.update_cell(str(item.id), "taken", plain(fit(self._taken(item.id), 12)))
        self._say("")
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    # --- signing --------------------------------------------------------------------------
    def action_sign(self) -> None:
        if self.view is None:
            return
        left = [e for e in self.view.entries if e.id not in self.dispositions]
        if left:
            self._say(_("{count} items still need t, o or c.").format(count=len(left)))
            table = self.query_one("#ho-table", DataTable)
            table.move_cursor(row=self.view.entries.index(left[0]))
            return
        self.app.push_screen(SignHandoverForm(self.session, self.view, dict(self.dispositions)),
                             callback=self._signed)

    def _signed(self, result: Handover | str | None) -> None:
        if result is None:
            return
        if isinstance(result, str):  # the night log changed meanwhile: read it again
            self._say(result)
            self._load()
            return
        self.app.notify(_("Handover signed."), markup=False)
        self.dismiss(result)

    def action_close(self) -> None:
        self.dismiss(None)
