"""The clerk's daily work record (个人工作控制日清记录表) [7.4.23] in the app.

Today's figures, counted from what the person at the desk did (``duties.work_records``),
and a notes box. The figures panel has the focus when the form opens, so its letter keys
work at once; Tab moves into the notes (and out again). ctrl+s saves a draft (the figures
are counted again at each save); ``u`` twice submits it (a submitted record can no longer
change: the first ``u`` says so). ``w`` / ``m`` open the weekly and monthly summary forms
(``work_summary_screen.py``). Esc closes.

``open_work_record(app)`` opens it for whoever is signed in.
"""

from __future__ import annotations

from importlib.resources import files

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from deskterm.db.models import database
from deskterm.display import fit, hhmm, long_day, money, plain
from deskterm.duties.shift.work_records import (
    MONEY_FIGURES,
    WorkRecord,
    figure_label,
    ordered_figures,
    save_work_record,
    submit_work_record,
    work_record,
)
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.screens.kit.form_kit import run_duty

#: Two columns of figures, each this many cells wide.
COLUMN = 36


def figure_lines(figures: dict[str, int], column: int = COLUMN) -> list[str]:
    """The figures as two columns of "label ....... value" lines."""
    cells = []
    for key, value in ordered_figures(figures):
        shown = money(value) if key in MONEY_FIGURES else str(value)
        label = fit(figure_label(key), column - cell_len(shown) - 2)
        cells.append(label + " " * (column - cell_len(label) - cell_len(shown)) + shown)
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:]
    return [(a + "  " + (right[i] if i < len(right) else "")).rstrip()
            for i, a in enumerate(left)]


def open_work_record(app) -> WorkRecordScreen | None:
    """Open today's work record of the person signed in; None when nobody is."""
    if app.session.staff is None:
        return None
    screen = WorkRecordScreen(app.session)
    app.push_screen(screen)
    return screen


class FocusPanel(Static, can_focus=True):
    """A read-only panel that can hold the focus, so the screen's letter keys reach it."""


class WorkRecordScreen(ModalScreen[None]):
    """Today's work record: figures and notes; ctrl+s draft, u u submit, w/m summaries."""

    CSS_PATH = str(files("deskterm.styles") / "records.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
        Binding("u", "submit", show=False),
        Binding("w", "summary('week')", show=False),
        Binding("m", "summary('month')", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="work-record")
        self.session = session
        self.record: WorkRecord | None = None
        self.saving = False
        self.confirming = False
        self.loads = 0  # reads finished, for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="wr-form", classes="form"):
            yield Static(plain(_("Daily work record")), id="wr-title", classes="form-title",
                         markup=False)
            yield Static(plain("…"), id="wr-state", markup=False)
            yield FocusPanel(plain(""), id="wr-figures", markup=False)
            yield Label(plain(_("Notes")), classes="field-label")
            yield TextArea(id="wr-notes", compact=True, tab_behavior="focus")
            yield Static(plain(""), id="wr-error-notes", classes="field-error", markup=False)
            yield Static(plain(""), id="wr-error", classes="field-error", markup=False)
            yield Static(plain(_("Tab notes · ctrl+s save draft · u submit · w week · "
                                 "m month · Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#wr-figures", FocusPanel).focus()
        self._load()

    # --- reading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="work-record-load")
    def _load(self) -> None:
        try:
            with database.connection_context():
                record = work_record(self.session.office, self.session.staff)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, "", exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - said on the screen; Esc still closes it
            self.app.call_from_thread(self._refused, "", str(exc))
            return
        self.app.call_from_thread(self._show, record)

    def _show(self, record: WorkRecord, *, keep_notes: bool = False) -> None:
        first = self.record is None
        self.record = record
        self.query_one("#wr-title", Static).update(plain(fit(
            _("Daily work record — {name} · {day}").format(
                name=record.staff_name, day=long_day(record.day)), 72)))
        self.query_one("#wr-state", Static).update(plain(self._state_text(record)))
        self.query_one("#wr-figures", FocusPanel).update(
            Text("\n").join(plain(line) for line in figure_lines(record.figures)))
        notes = self.query_one("#wr-notes", TextArea)
        if first or not keep_notes:
            notes.text = record.notes
        notes.read_only = record.submitted
        self.loads += 1

    def _state_text(self, record: WorkRecord) -> str:
        if record.submitted:
            return "✓ " + _("Submitted at {time}: it can no longer change.").format(
                time=hhmm(record.submitted_at, self.session.tz))
        if record.stored:
            return "… " + _("Draft saved; submit it at the end of the day.")
        return "· " + _("Not saved yet.")

    # --- writing ---------------------------------------------------------------------------
    def action_save(self) -> None:
        self._write(submit=False)

    def action_submit(self) -> None:
        if self.record is None or self.saving:
            return
        if self.record.submitted:
            self._set_error("", _("Already submitted: it can no longer change."))
            return
        if not self.confirming:
            self.confirming = True
            self.query_one("#wr-error", Static).update(plain("! " + _(
                "Press u again to submit: a submitted record can no longer change.")))
            return
        self._write(submit=True)

    def _write(self, *, submit: bool) -> None:
        if self.saving or self.record is None:
            return
        self.confirming = False
        self._set_error("", "")
        self._set_error("notes", "")
        self.saving = True
        self._save(self.query_one("#wr-notes", TextArea).text, submit)

    @work(thread=True, exclusive=True, group="work-record-save")
    def _save(self, notes: str, submit: bool) -> None:
        write = submit_work_record if submit else save_work_record

        def save() -> WorkRecord:
            write(self.session.office, self.session.staff, notes)
            return work_record(self.session.office, self.session.staff)

        run_duty(self, save, lambda record: self._saved(record, submit), self._refused)

    def _saved(self, record: WorkRecord, submit: bool) -> None:
        self.saving = False
        self._show(record)
        self.app.notify(_("Work record submitted.") if submit else _("Work record saved."),
                        markup=False, timeout=3)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.loads += 1
        self._set_error(field, message)

    def _set_error(self, field: str, message: str) -> None:
        target = "#wr-error-notes" if field == "notes" else "#wr-error"
        self.query_one(target, Static).update(plain(("✗ " + message) if message else ""))

    # --- the other keys --------------------------------------------------------------------
    def action_summary(self, kind: str) -> None:
        from deskterm.screens.shift.work_summary import WorkSummaryScreen

        self.confirming = False
        self.app.push_screen(WorkSummaryScreen(self.session, kind))

    def action_close(self) -> None:
        if not self.saving:
            self.dismiss(None)
