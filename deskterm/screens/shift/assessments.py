"""The supervisor's written assessments of clerks [5.9] in the app.

The list shows each active clerk with this week's count against the two a week
(``duties.assessments.week_counts``) and says who is short; under it the highlighted
clerk's latest assessments. ``n`` writes one for the highlighted clerk: the text and an
optional score from 1 to 5; ctrl+s saves, Esc cancels. A supervisor or a manager only:
``open_assessments(app)`` says so to anyone else and opens nothing.
"""

from __future__ import annotations

from importlib.resources import files

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static, TextArea

from deskterm.clock import now_utc
from deskterm.db.models import Assessment, database
from deskterm.display import fit, plain, when
from deskterm.duties.parsing import clean_free_text
from deskterm.duties.shift.assessments import (
    ASSESSOR_ROLES,
    TEXT_LIMIT,
    WEEKLY_MINIMUM,
    AssessmentRow,
    ClerkWeek,
    assessments_of,
    parse_score,
    week_counts,
    write_assessment,
)
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.screens.kit.form_kit import run_duty

LATEST = 4  # assessments shown under the list
WIDTH = 74  # text width inside the form


def open_assessments(app) -> AssessmentsScreen | None:
    """Open this week's assessments (a supervisor or manager signed in), else say why."""
    staff = app.session.staff
    if staff is None:
        return None
    if staff.role not in ASSESSOR_ROLES:
        app.notify(_("Only a supervisor or a manager writes assessments."),
                   title=_("Assessments"), markup=False, timeout=4)
        return None
    screen = AssessmentsScreen(app.session)
    app.push_screen(screen)
    return screen


def count_cells(row: ClerkWeek, tz: str) -> tuple[Text, Text, Text, Text]:
    needed = ("✓ " + _("enough") if not row.short
              else "! " + _("{n} more").format(n=row.short))
    last = when(row.last_at, tz, now_utc()) if row.last_at else "—"
    return (plain(fit(row.name, 20)), plain(f"{row.count} / {WEEKLY_MINIMUM}"),
            plain(needed), plain(fit(last, 20)))


def latest_line(row: AssessmentRow, tz: str) -> str:
    score = f" [{row.score}]" if row.score is not None else ""
    head = f"{when(row.at, tz, now_utc())} {row.supervisor}{score}: "
    return fit(head + " ".join(row.text.split()), WIDTH)


class AssessmentsScreen(ModalScreen[None]):
    """Clerks with this week's count; n writes one."""

    CSS_PATH = str(files("deskterm.styles") / "records.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("n", "write", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="assessments")
        self.session = session
        self.rows: list[ClerkWeek] = []
        self.loads = 0  # reads finished, for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="as-form", classes="form"):
            yield Static(plain(_("Written assessments this week (at least {n} per clerk)")
                               .format(n=WEEKLY_MINIMUM)), classes="form-title",
                         markup=False)
            yield DataTable(id="as-table", cursor_type="row", cell_padding=1)
            yield Static(plain(""), id="as-latest", markup=False)
            yield Static(plain(""), id="as-error", classes="field-error", markup=False)
            yield Static(plain(_("↑↓ clerk · n write one · Esc close")), classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#as-table", DataTable)
        table.add_column(_("Clerk"), width=20)
        table.add_column(_("This week"), width=9)
        table.add_column(_("Needed"), width=12)
        table.add_column(_("Last assessment"), width=20)
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="assessments-load")
    def _load(self) -> None:
        try:
            with database.connection_context():
                rows = week_counts(self.session.office)
                latest = {row.staff_id: assessments_of(self.session.office, row.staff_id,
                                                       LATEST) for row in rows}
        except Exception as exc:  # noqa: BLE001 - said on the screen; Esc still closes it
            self.app.call_from_thread(self._say, str(exc))
            return
        self.app.call_from_thread(self._show, rows, latest)

    def _show(self, rows: list[ClerkWeek], latest: dict) -> None:
        self.rows = rows
        self.latest = latest
        table = self.query_one("#as-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in rows:
            table.add_row(*count_cells(row, self.session.tz), key=str(row.staff_id))
        if rows:
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))
        else:
            self._say(_("This office has no active clerks."))
        self._show_latest()
        self.loads += 1

    @on(DataTable.RowHighlighted)
    def _show_latest(self) -> None:
        clerk = self.highlighted()
        box = self.query_one("#as-latest", Static)
        if clerk is None:
            box.update(plain(""))
            return
        rows = getattr(self, "latest", {}).get(clerk.staff_id, [])
        lines = [latest_line(r, self.session.tz) for r in rows] or [
            _("No assessments of {name} yet.").format(name=clerk.name)]
        box.update(Text("\n").join(plain(line) for line in lines))

    def highlighted(self) -> ClerkWeek | None:
        table = self.query_one("#as-table", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    def _say(self, message: str) -> None:
        self.query_one("#as-error", Static).update(plain(("✗ " + message) if message else ""))

    def action_write(self) -> None:
        clerk = self.highlighted()
        if clerk is None:
            return
        self.app.push_screen(AssessmentFormScreen(self.session, clerk.staff_id, clerk.name),
                             callback=self._written)

    def _written(self, row: Assessment | None) -> None:
        if row is not None:
            self._load()

    def action_close(self) -> None:
        self.dismiss(None)


class AssessmentFormScreen(ModalScreen[Assessment | None]):
    """Write one assessment of one clerk; dismisses with the row, or None."""

    CSS_PATH = str(files("deskterm.styles") / "records.tcss")
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, session, clerk_id: int, clerk_name: str) -> None:
        super().__init__(id="assessment-form")
        self.session = session
        self.clerk_id = clerk_id
        self.clerk_name = clerk_name
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="af-form", classes="form"):
            yield Static(plain(fit(_("Assessment of {name}").format(name=self.clerk_name),
                                   WIDTH)), classes="form-title", markup=False)
            yield Label(plain(_("Assessment")), classes="field-label")
            yield TextArea(id="af-text", compact=True, tab_behavior="focus")
            yield Static(plain(""), id="af-error-text", classes="field-error", markup=False)
            yield Label(plain(_("Score (1-5, may be empty)")), classes="field-label")
            yield Input(id="af-score", compact=True, placeholder="1-5")
            yield Static(plain(""), id="af-error-score", classes="field-error", markup=False)
            yield Static(plain(""), id="af-error", classes="field-error", markup=False)
            yield Static(plain(_("Tab next · ctrl+s save · Esc cancel")), classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one("#af-text", TextArea).focus()

    @on(Input.Submitted, "#af-score")
    def _score_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Both fields are checked before anything is sent: each message under its field."""
        if self.saving:
            return
        text = self.query_one("#af-text", TextArea).text
        score = self.query_one("#af-score", Input).value
        errors = {}
        for field, check in (("text", lambda: clean_free_text(
                text, "text", max_length=TEXT_LIMIT, multiline=True,
                empty_message=_("Write the assessment."))), ("score", lambda: parse_score(score))):
            try:
                check()
            except DutyError as exc:
                errors[field] = exc.message
        for field in ("text", "score", ""):
            self._set_error(field, errors.get(field, ""))
        if errors:
            self._focus(next(iter(errors)))
            return
        self.saving = True
        self._save(text, score)

    @work(thread=True, exclusive=True, group="assessment-save")
    def _save(self, text: str, score: str) -> None:
        run_duty(self, lambda: write_assessment(self.session.office, self.session.staff,
                                                self.clerk_id, text=text, score=score),
                 self._saved, self._refused)

    def _saved(self, row: Assessment) -> None:
        self.app.notify(_("Assessment of {name} saved.").format(name=self.clerk_name),
                        markup=False, timeout=3)
        self.dismiss(row)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self._set_error(field, message)
        self._focus(field)

    def _focus(self, field: str) -> None:
        if field == "text":
            self.query_one("#af-text", TextArea).focus()
        elif field == "score":
            self.query_one("#af-score", Input).focus()

    def _set_error(self, field: str, message: str) -> None:
        target = f"#af-error-{field}" if field in ("text", "score") else "#af-error"
        self.query_one(target, Static).update(plain(("✗ " + message) if message else ""))

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
