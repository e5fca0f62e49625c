"""The supervisor's written assessments of clerks [5.9] in the app.

The list (a kit ``BookScreen``) shows each active clerk with this week's count against the
two a week (``duties.assessments.week_counts``) and says who is short; under it the
highlighted clerk's latest assessments. ``n`` writes one for the highlighted clerk
(``AssessmentFormScreen``, a kit ``DeskForm``): the text and an optional score from 1 to
5, both checked before anything is sent; ctrl+s (or Enter in the score) saves; what is
typed is kept as a draft until then; Esc with text typed asks first. A supervisor or a
manager only (``ROLES``): ``open_assessments(app)`` says so to anyone else and opens
nothing.
"""

from __future__ import annotations

from importlib.resources import files

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import now_utc
from deskterm.display import fit, plain, when
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
from deskterm.i18n import N_, _
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import add_columns, refill

LATEST = 4  # assessments shown under the list
WIDTH = 74  # text width inside the form
CSS = str(files("deskterm.styles") / "records.tcss")


def open_assessments(app) -> AssessmentsScreen | None:
    """Open this week's assessments (a supervisor or manager signed in), else say why."""
    return open_screen(app, AssessmentsScreen)


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


class AssessmentsScreen(BookScreen):
    """Clerks with this week's count; n writes one."""

    CSS_PATH = CSS
    PREFIX = "as"
    ROLES = frozenset(ASSESSOR_ROLES)
    BINDINGS = [Binding("n", "write", show=False)]

    def __init__(self, session) -> None:
        super().__init__(session, id="assessments")
        self.latest: dict[int, list[AssessmentRow]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="as-form", classes="form"):
            yield Static(plain(_("Written assessments this week (at least {n} per clerk)")
                               .format(n=WEEKLY_MINIMUM)), classes="form-title",
                         markup=False)
            yield DataTable(id="as-table", cursor_type="row", cell_padding=1)
            yield Static(plain(""), id="as-detail", markup=False)
            yield self.message_line()
            yield Static(plain(_("↑↓ clerk · n write one · Esc close")), classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#as-table", DataTable)
        add_columns(table, ((N_("Clerk"), 19), (N_("This week"), 9), (N_("Needed"), 11),
                            (N_("Last assessment"), 19)))
        self.set_focus(table)
        self.read()

    def fetch(self):
        rows = week_counts(self.office)
        return rows, {row.staff_id: assessments_of(self.office, row.staff_id, LATEST)
                      for row in rows}

    def show(self, data) -> None:
        self.rows, self.latest = data
        refill(self.query_one("#as-table", DataTable),
               ((str(row.staff_id), count_cells(row, self.session.tz)) for row in self.rows))
        if not self.rows:
            self.say(_("This office has no active clerks."))
        self.on_data_table_row_highlighted(None)

    def row_detail(self, clerk: ClerkWeek | None) -> str:
        if clerk is None:
            return ""
        lines = [latest_line(r, self.session.tz) for r in self.latest.get(clerk.staff_id, [])]
        return "\n".join(lines or [_("No assessments of {name} yet.").format(name=clerk.name)])

    def action_write(self) -> None:
        clerk = self.current_row()
        if clerk is None:
            return
        self.app.push_screen(AssessmentFormScreen(self.session, clerk.staff_id, clerk.name),
                             callback=self._written)

    def _written(self, row) -> None:
        if row is not None:
            self.action_reread()


class AssessmentFormScreen(DeskForm):
    """Write one assessment of one clerk; dismisses with the row written, or None."""

    CSS_PATH = CSS
    PREFIX = "af"
    FIELDS = (
        Field("text", N_("Assessment"), kind="area", required=N_("Write the assessment."),
              max_length=TEXT_LIMIT),
        Field("score", N_("Score (1-5, may be empty)"), max_length=2, placeholder="1-5",
              parse=parse_score),
    )
    DRAFT = "assessment"
    ENTER_SAVES = True
    HINT = N_("Tab next · ctrl+s save · Esc cancel")

    def __init__(self, session, clerk_id: int, clerk_name: str) -> None:
        super().__init__(session, id="assessment-form")
        self.clerk_id = clerk_id
        self.clerk_name = clerk_name
        self.form_title = fit(_("Assessment of {name}").format(name=clerk_name), WIDTH)

    def compose_body(self):
        yield self.field("text")
        yield self.field("score")

    def draft_subject(self) -> str:
        return str(self.clerk_id)

    def save(self, values):
        return write_assessment(self.office, self.session.staff, self.clerk_id,
                                text=values["text"], score=values["score"])

    def saved(self, row) -> None:
        self.app.notify(_("Assessment of {name} saved.").format(name=self.clerk_name),
                        markup=False, timeout=3)
        self.dismiss(row)
