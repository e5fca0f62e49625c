"""The night log (夜班记录) [7.3]: night staff write what happened, one entry at a time.

``open_night_log(app)`` opens ``NightLogForm`` for the night person signed in at the desk
(anyone else is told that the night log is the night staff's). The form asks when it
happened (the time as typed: ``23:40``, ``2:10``; the current time is proposed), what
happened, where, and whether the day shift must act. ctrl+s writes the entry
(``night_log.write_entry`` in a thread worker), clears the form for the next one and
lists what has been written since the last handover; a refusal shows under its field and
stores nothing. Esc closes. Free text is shown literally (markup off).
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, DataTable, Input, Label, Static

from deskterm.clock import local, now_utc
from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.shift.night_log import (
    NIGHT_ROLES,
    WHERE_LIMIT,
    LogItem,
    entries_since_handover,
    write_entry,
)
from deskterm.i18n import _
from deskterm.screens.kit.form_kit import run_duty

FIELDS = ("at", "what", "where", "needs_action")


def open_night_log(app) -> NightLogForm | None:
    """The night log form for the night person at the desk; None (and a word) otherwise."""
    staff = app.session.staff
    if staff is None:
        return None
    if staff.role not in NIGHT_ROLES:
        app.notify(_("The night log is written by night staff: sign in as them."),
                   severity="warning", markup=False)
        return None
    screen = NightLogForm(app.session)
    app.push_screen(screen)
    return screen


def log_cells(item: LogItem, tz: str, what_width: int = 44) -> list:
    return [plain(local(item.at, tz).format("HH:mm")), plain("!" if item.needs_action else ""),
            plain(fit(item.where, 12)), plain(fit(item.what, what_width))]


class NightLogForm(ModalScreen[None]):
    CSS_PATH = str(files("deskterm.styles") / "handover.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="night-log")
        self.session = session
        self.saving = False
        self.written = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="nl-form", classes="form"):
            yield Static(plain(_("Night log — {name}").format(name=self.session.staff.name)),
                         classes="form-title", markup=False)
            with Horizontal(classes="nl-row"):
                yield Label(plain(_("What")))
                yield Input(id="nl-what", compact=True, max_length=TEXT_LIMIT,
                            placeholder=_("what happened"))
            yield self._error("what")
            with Horizontal(classes="nl-row"):
                yield Label(plain(_("When")))
                yield Input(id="nl-at", compact=True, max_length=40, placeholder=_("23:40"))
                yield Label(plain(_("Where")))
                yield Input(id="nl-where", compact=True, max_length=WHERE_LIMIT,
                            placeholder=_("3-2-501, east gate"))
            yield self._error("at")
            yield self._error("where")
            yield Checkbox(_("The day shift must act on it"), id="nl-needs_action",
                           compact=True)
            yield self._error("")
            yield Static(plain(""), id="nl-result", markup=False)
            yield Static(plain(_("Written since the last handover")), classes="nl-head",
                         markup=False)
            yield DataTable(id="nl-table", cursor_type="row", cell_padding=0,
                            show_cursor=False)
            yield Static(plain(_("ctrl+s write · Tab next · Space must act · Esc close")),
                         classes="form-hint", markup=False)

    def _error(self, field: str) -> Static:
        return Static(plain(""), id=f"nl-error-{field or 'form'}", classes="nl-error",
                      markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#nl-table", DataTable)
        for label, width in ((_("Time"), 5), ("", 1), (_("Where"), 12), (_("What"), 44)):
            table.add_column(plain(fit(label, width)), width=width + 1)
        self._propose_time()
        self.query_one("#nl-what", Input).focus()
        self._load()

    def _propose_time(self) -> None:
        self.query_one("#nl-at", Input).value = local(now_utc(), self.session.tz).format("HH:mm")

    @work(thread=True, exclusive=True, group="nl-load")
    def _load(self) -> None:
        try:
            with database.connection_context():
                items = entries_since_handover(self.session.office)
        except Exception as exc:  # noqa: BLE001 - the form says so; it still writes
            self.app.call_from_thread(self.set_error, "", str(exc))
            return
        self.app.call_from_thread(self._show, items)

    def _show(self, items: list[LogItem]) -> None:
        table = self.query_one("#nl-table", DataTable)
        table.clear()
        for item in items:
            table.add_row(*log_cells(item, self.session.tz), key=f"e{item.id}")
        if items:
            table.move_cursor(row=len(items) - 1)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def set_error(self, field: str, message: str) -> None:
        name = field if field in FIELDS else "form"
        if name == "needs_action":
            name = "form"
        line = self.query_one(f"#nl-error-{name}", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def action_save(self) -> None:
        if self.saving:
            return
        for field in ("at", "what", "where", ""):
            self.set_error(field, "")
        values = dict(at=self.query_one("#nl-at", Input).value,
                      what=self.query_one("#nl-what", Input).value,
                      where=self.query_one("#nl-where", Input).value,
                      needs_action=self.query_one("#nl-needs_action", Checkbox).value)
        self.saving = True
        self._write(values)

    @work(thread=True, exclusive=True, group="nl-save")
    def _write(self, values: dict) -> None:
        def write() -> list[LogItem]:
            write_entry(self.session.office, self.session.staff, **values)
            return entries_since_handover(self.session.office)

        run_duty(self, write, self._written, self._refused)

    def _written(self, items: list[LogItem]) -> None:
        self.saving = False
        self.written += 1
        for name in ("what", "where"):
            self.query_one(f"#nl-{name}", Input).value = ""
        self.query_one("#nl-needs_action", Checkbox).value = False
        self._propose_time()
        self.query_one("#nl-result", Static).update(plain(_("✓ Written. Next entry, or Esc.")))
        self._show(items)
        self.query_one("#nl-what", Input).focus()

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.query_one("#nl-result", Static).update(plain(""))
        self.set_error(field, message)
        if field in ("at", "what", "where"):
            self.query_one(f"#nl-{field}", Input).focus()

    def action_close(self) -> None:
        if not self.saving:
            self.dismiss(None)
