"""The clerk's daily work record (个人工作控制日清记录表) [7.4.23] in the app.

Today's figures, counted from what the person at the desk did (``duties.work_records``),
the open tasks (theirs or nobody's) carried to tomorrow, and a notes box. The figures
panel has the focus when the form opens, so its letter keys work at once; Tab moves into
the notes (and out again). ctrl+s saves a draft (the figures are counted again at each
save); ``u`` twice submits it (a submitted record can no longer change: the first ``u``
says so). ``w`` / ``m`` open the weekly and monthly summary forms (``work_summary.py``).
Esc closes (asking first when notes were typed). The reading, saving and submitting are
``record_form.RecordForm``'s, on the kit.

``open_work_record(app)`` opens it for whoever is signed in.
"""

from __future__ import annotations

from importlib.resources import files

from rich.cells import cell_len
from textual.binding import Binding
from textual.widgets import Static

from deskterm.clock import now_utc, today_local
from deskterm.display import fit, long_day, money, plain, when
from deskterm.duties.shift.tasks import TaskList, open_tasks_of
from deskterm.duties.shift.work_records import (
    MONEY_FIGURES,
    NOTES_LIMIT,
    WorkRecord,
    figure_label,
    ordered_figures,
    save_work_record,
    submit_work_record,
    work_record,
)
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import lines_text
from deskterm.screens.shift.parts import FocusPanel
from deskterm.screens.shift.record_form import RecordForm

#: Two columns of figures, each this many cells wide.
COLUMN = 36
#: Open tasks named under the figures at most (the count is of all).
TASK_LINES = 2


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


def task_lines(tasks: TaskList | None, tz: str, width: int = 2 * COLUMN + 2) -> list[str]:
    """The open tasks (the clerk's or nobody's) carried to tomorrow, the first due first,
    one a line after the count (the tasks book, F10 j, lists them all)."""
    if tasks is None or not tasks.count:
        return []
    now = now_utc()
    head = _("Open tasks {count}:").format(count=tasks.count)
    return [fit(f"{head if i == 0 else ' ' * cell_len(head)} {when(t.due_at, tz, now)}"
                f"{' !' if t.overdue(now) else ''} {t.title}", width)
            for i, t in enumerate(tasks.lines)]


def open_work_record(app) -> WorkRecordScreen | None:
    """Open today's work record of the person signed in; None when nobody is."""
    return open_screen(app, WorkRecordScreen)


class WorkRecordScreen(RecordForm):
    """Today's work record: figures and notes; ctrl+s draft, u u submit, w/m summaries."""

    CSS_PATH = str(files("deskterm.styles") / "records.tcss")
    PREFIX = "wr"
    FIELDS = (Field("notes", N_("Notes"), kind="area", max_length=NOTES_LIMIT),)
    DRAFT = "work_record"
    PANEL_HINT = N_("Tab notes · ctrl+s save draft · u submit · w week · m month · Esc close")
    ASK = N_("Press u again to submit: a submitted record can no longer change.")
    SAVED_WORDS = N_("Work record saved.")
    SUBMITTED_WORDS = N_("Work record submitted.")
    BINDINGS = [
        Binding("w", "summary('week')", show=False),
        Binding("m", "summary('month')", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="work-record")
        self.day = today_local(session.tz)
        self.open_tasks: TaskList | None = None

    def compose_body(self):
        yield Static(plain(_("Daily work record")), id="wr-title", classes="form-title",
                     markup=False)
        yield Static(plain("…"), id="wr-state", markup=False)
        yield FocusPanel(plain(""), id="wr-figures", markup=False)
        yield Static(plain(""), id="wr-tasks", markup=False)
        yield self.field("notes")
        yield self.ask_line()

    def draft_subject(self) -> str:
        return self.day.isoformat()

    # --- the record ------------------------------------------------------------------------
    def load(self) -> WorkRecord:
        # The open tasks carried to tomorrow, read in the same worker before the record.
        self.open_tasks = open_tasks_of(self.office, self.session.staff.id, limit=TASK_LINES)
        return work_record(self.office, self.session.staff)

    def texts(self, record: WorkRecord) -> dict[str, str]:
        return {"notes": record.notes}

    def show_state(self, record: WorkRecord) -> None:
        self.query_one("#wr-title", Static).update(plain(fit(
            _("Daily work record — {name} · {day}").format(
                name=record.staff_name, day=long_day(record.day)), 72)))
        self.query_one("#wr-state", Static).update(plain(self._state_text(record)))
        self.query_one("#wr-figures", FocusPanel).update(
            lines_text(figure_lines(record.figures)))
        self.query_one("#wr-tasks", Static).update(lines_text(task_lines(
            self.open_tasks, self.session.tz)))

    def _state_text(self, record: WorkRecord) -> str:
        if record.submitted:
            return "✓ " + _("Submitted at {time}: it can no longer change.").format(
                time=when(record.submitted_at, self.session.tz, now_utc()))
        if record.stored:
            return "… " + _("Draft saved; submit it at the end of the day.")
        return "· " + _("Not saved yet.")

    def save(self, values) -> WorkRecord:
        write = submit_work_record if values["submit"] else save_work_record
        write(self.office, self.session.staff, values["notes"])
        return work_record(self.office, self.session.staff)

    # --- the other keys --------------------------------------------------------------------
    def action_summary(self, kind: str) -> None:
        from deskterm.screens.shift.work_summary import WorkSummaryScreen

        self.ask("")
        self.app.push_screen(WorkSummaryScreen(self.session, kind))
