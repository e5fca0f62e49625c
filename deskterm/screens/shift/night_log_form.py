"""The night log (夜班记录) [7.3]: night staff write what happened, one entry at a time.

``open_night_log(app)`` opens ``NightLogForm`` for the night person signed in at the desk
(``ROLES``: anyone else is told that only night staff may open it). The form asks what
happened, when (the time as typed: ``23:40``, ``2:10``; the current time is proposed),
where, and whether the day shift must act. ctrl+s checks the time and the text first
(every message at once, under its field), then writes the entry (``night_log.write_entry``
in the kit's worker), clears the form for the next one and lists what has been written
since the last handover; a refusal shows under its field and stores nothing. What is
typed is kept as a draft until it is written; Esc with text typed asks first. Free text
is shown literally (markup off).
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from deskterm.clock import local, now_utc
from deskterm.display import fit, plain, when
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.shift.night_log import (
    NIGHT_ROLES,
    WHERE_LIMIT,
    LogItem,
    entries_since_handover,
    parse_night_time,
    write_entry,
)
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import add_columns, row_table

FIELDS = (
    Field("what", N_("What"), required=N_("Enter what happened."), max_length=TEXT_LIMIT,
          placeholder=N_("what happened"), wide=True),
    Field("at", N_("When"), max_length=40, placeholder=N_("23:40")),
    Field("where", N_("Where"), max_length=WHERE_LIMIT, placeholder=N_("3-2-501, east gate")),
    Field("needs_action", N_("Must act"), kind="check",
          placeholder=N_("the day shift must act on it")),
)


def open_night_log(app) -> NightLogForm | None:
    """The night log form for the night person at the desk; None (and a word) otherwise."""
    return open_screen(app, NightLogForm)


#: The log's time column: ``23:40`` today, ``12-06 23:40`` the evening before.
TIME_WIDTH = 11


def log_cells(item: LogItem, tz: str, now: dt.datetime, where_width: int = 12,
              what_width: int = 38) -> list:
    """Time (dated when not today), ``!`` when the day shift must act, where and what: one
    line of the log."""
    return [plain(when(item.at, tz, now)), plain("!" if item.needs_action else ""),
            plain(fit(item.where, where_width)), plain(fit(item.what, what_width))]


class NightLogForm(DeskForm[None]):
    CSS_PATH = str(files("deskterm.styles") / "handover.tcss")
    PREFIX = "nl"
    FIELDS = FIELDS
    ROLES = frozenset(NIGHT_ROLES)
    DRAFT = "night_log"
    HINT = N_("ctrl+s write · Tab next · Space ticks must act · Esc close")

    def __init__(self, session) -> None:
        super().__init__(session, id="night-log")
        self.form_title = _("Night log — {name}").format(name=session.staff.name)
        self.written = 0

    def compose_body(self):
        yield self.field("what")
        when = self.field("at")
        when.add_class("nl-when")
        yield Horizontal(when, self.field("where"), classes="kit-row")
        yield self.field("needs_action")
        yield Static(plain(""), id="nl-result", markup=False)
        yield Static(plain(_("Written since the last handover")), classes="nl-head",
                     markup=False)
        yield row_table("nl-table", zebra=False, show_cursor=False)

    def on_mount(self) -> None:  # Textual calls DeskForm.on_mount after this one
        add_columns(self.query_one("#nl-table", DataTable), (
            (N_("Time"), TIME_WIDTH), ("", 1), (N_("Where"), 12), (N_("What"), 38)))
        self._propose_time()

    def _propose_time(self) -> None:
        self.set_initial("at", local(now_utc(), self.session.tz).format("HH:mm"))

    # --- the log so far ------------------------------------------------------------------
    def load(self) -> list[LogItem]:
        return entries_since_handover(self.office)

    def loaded(self, items: list[LogItem]) -> None:
        table = self.query_one("#nl-table", DataTable)
        table.clear()
        now = now_utc()
        for item in items:
            table.add_row(*log_cells(item, self.session.tz, now), key=f"e{item.id}")
        if items:
            table.move_cursor(row=len(items) - 1)

    # --- writing ---------------------------------------------------------------------------
    def check(self, values):
        values, errors = super().check(values)
        try:
            values["at"] = parse_night_time(self.office, values.get("at") or "")
        except DutyError as exc:
            errors["at"] = exc.message
        values["needs_action"] = bool(values.get("needs_action"))
        return values, errors

    def save(self, values) -> list[LogItem]:
        write_entry(self.office, self.session.staff, **values)
        return entries_since_handover(self.office)

    def saved(self, items: list[LogItem]) -> None:
        """Written: the form empty again for the next entry, the list read again."""
        self.written += 1
        for name in ("what", "where"):
            self.set_initial(name, "")
        self.set_initial("needs_action", False)
        self._propose_time()
        self.query_one("#nl-result", Static).update(plain(_("✓ Written. Next entry, or Esc.")))
        self.loaded(items)
        self.focus_field("what")

    def refused(self, field: str, message: str) -> None:
        self.query_one("#nl-result", Static).update(plain(""))
        super().refused(field, message)
