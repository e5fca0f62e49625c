"""Importing the owner roster (业主名册一览表) from a CSV or XLSX file: all of it, or nothing.

A ``DeskForm`` of one field: the clerk types the file's path (``~`` is the home folder;
quotes a terminal adds around a dropped file are taken off) and presses ctrl+s (or
Enter): ``roster_import.import_roster`` checks the whole file and imports it in one
transaction, in the kit's worker. When the file has problems nothing is stored and the
table lists each one with the row number Excel shows and the column's header (the line
under the table shows the highlighted one in full); when it landed, the counts. A file
that cannot be read at all is said under the path; database trouble on the form's line,
the path kept. Esc closes, with the ``RosterResult`` when one landed (a path already
tried closes without asking).
"""

from __future__ import annotations

from importlib.resources import files

from textual import on
from textual.widgets import DataTable, Static

from deskterm.display import fit, plain
from deskterm.duties.residents.roster_import import (
    Problem,
    RosterRefused,
    RosterResult,
    import_roster,
    result_text,
)
from deskterm.i18n import N_, _, ngettext
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm

ROW_WIDTH = 5
COLUMN_WIDTH = 14
MESSAGE_WIDTH = 75 - 3 - ROW_WIDTH - COLUMN_WIDTH
DETAIL_WIDTH = 76


def clean_path(text: str) -> str:
    """A typed or dropped path: spaces and one pair of surrounding quotes removed."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    return text


def problem_cells(problem: Problem) -> tuple[str, str, str]:
    column = problem.column + (f" ({problem.letter})" if problem.letter else "")
    return (fit("" if problem.row is None else str(problem.row), ROW_WIDTH),
            fit(column or "—", COLUMN_WIDTH), fit(problem.message, MESSAGE_WIDTH))


class RosterImportScreen(DeskForm[RosterResult | None]):
    """One path, ctrl+s: the problems, or the counts of what landed."""

    CSS_PATH = str(files("deskterm.styles") / "roster.tcss")
    PREFIX = "ri"
    TITLE_TEXT = N_("Import the owner roster")
    HINT = N_("ctrl+s check and import · Esc close")
    ENTER_SAVES = True
    FIELDS = (
        Field("path", N_("File"), max_length=1000, placeholder=N_("~/业主名册.xlsx"),
              required=N_("Enter the roster file's path, like ~/业主名册.xlsx."),
              parse=clean_path, wide=True),
    )

    def __init__(self, session) -> None:
        super().__init__(session, id="roster-import", note=_(
            "A .xlsx or .csv file with the columns 楼栋 单元 房号 业主姓名 电话, and if you "
            "have them 面积 身份 备注. All of it is imported, or nothing."))
        self.result: RosterResult | None = None
        self.problems: list[Problem] = []

    def compose_body(self):
        yield self.field("path")
        yield Static(plain(""), id="ri-status", markup=False)
        yield DataTable(id="ri-problems", cursor_type="row", zebra_stripes=True,
                        cell_padding=0)
        yield Static(plain(""), id="ri-detail", markup=False)

    def on_mount(self) -> None:  # Textual calls DeskForm.on_mount after this one
        table = self.query_one("#ri-problems", DataTable)
        for label, width in ((_("Row"), ROW_WIDTH), (_("Column"), COLUMN_WIDTH),
                             (_("Problem"), MESSAGE_WIDTH)):
            table.add_column(plain(fit(label, width)), width=width + 1)
        table.display = False

    # --- lines ---------------------------------------------------------------------------------
    def _status(self, text: str) -> None:
        self.query_one("#ri-status", Static).update(plain(text))

    def _detail(self, problem: Problem | None) -> None:
        text = fit(str(problem), 2 * DETAIL_WIDTH) if problem is not None else ""
        self.query_one("#ri-detail", Static).update(plain(text))

    @on(DataTable.RowHighlighted, "#ri-problems")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = event.cursor_row
        self._detail(self.problems[index] if 0 <= index < len(self.problems) else None)

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        table = self.query_one("#ri-problems", DataTable)
        table.clear()
        for index, problem in enumerate(self.problems):
            table.add_row(*(plain(c) for c in problem_cells(problem)), key=str(index))
        table.display = bool(self.problems)
        self._detail(self.problems[0] if self.problems else None)

    # --- importing -----------------------------------------------------------------------------
    def action_save(self) -> None:
        was = self.saving
        super().action_save()
        if self.saving and not was:
            self._status(_("Checking {file}…").format(file=clean_path(self.value("path"))))

    def save(self, values):
        try:
            return import_roster(self.office, self.session.staff, values["path"])
        except RosterRefused as refused:  # the file's problems: nothing was stored
            return refused

    def saved(self, result) -> None:
        self.set_initial("path", self.value("path"))  # tried: Esc need not ask about it
        if isinstance(result, RosterRefused):
            self._refused_file(result.problems)
            return
        self.result = result
        self._show_problems([])
        path = clean_path(self.value("path"))
        self._status("✓ " + result_text(result, path.replace("\\", "/").rsplit("/", 1)[-1]))
        self.app.notify(_("Roster imported."), markup=False)

    def _refused_file(self, problems: list[Problem]) -> None:
        if len(problems) == 1 and problems[0].row is None:  # the file as a whole
            self.refused("path", str(problems[0]))
            return
        self._show_problems(problems)
        self._status(ngettext("{n} problem: nothing was imported. Correct the file, then "
                              "ctrl+s again.",
                              "{n} problems: nothing was imported. Correct the file, then "
                              "ctrl+s again.", len(problems)).format(n=len(problems)))
        self.set_focus(self.query_one("#ri-problems", DataTable))

    def refused(self, field: str, message: str) -> None:
        self._status("")
        self._show_problems([])
        super().refused(field, message)

    def dismiss(self, result=None):
        """Closing hands back the import that landed, however the form is closed."""
        return super().dismiss(result if result is not None else self.result)
