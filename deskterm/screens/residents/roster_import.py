"""Importing the owner roster (业主名册一览表) from a CSV or XLSX file: all of it, or nothing.

The clerk types the file's path (``~`` is the home folder; quotes a terminal adds around a
dropped file are taken off) and presses ctrl+s: ``roster_import.import_roster`` checks the
whole file and imports it in one transaction, in a thread worker. When the file has
problems nothing is stored and the table lists each one with the row number Excel shows
and the column's header (the line under the table shows the highlighted one in full);
when it landed, the counts. Esc closes, with the ``RosterResult`` when one landed.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.residents.roster_import import (
    Problem,
    RosterRefused,
    RosterResult,
    import_roster,
    result_text,
)
from deskterm.errors import DeskError
from deskterm.i18n import _, ngettext
from deskterm.screens.kit.lookup_form import LimitedInput, field_box

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


class RosterImportScreen(ModalScreen[RosterResult | None]):
    """One path, ctrl+s: the problems, or the counts of what landed."""

    CSS_PATH = str(files("deskterm.styles") / "roster.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="roster-import")
        self.session = session
        self.office = session.office
        self.result: RosterResult | None = None
        self.problems: list[Problem] = []
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="ri-box", classes="form"):
            yield Static(plain(_("Import the owner roster")), classes="form-title",
                         markup=False)
            yield Static(plain(_(
                "A .xlsx or .csv file with the columns 楼栋 单元 房号 业主姓名 电话, and if "
                "you have them 面积 身份 备注. All of it is imported, or nothing.")),
                id="ri-about", markup=False)
            yield field_box("ri", "path", _("File"), LimitedInput(
                id="ri-path", compact=True, max_length=1000,
                placeholder=_("~/业主名册.xlsx")), wide=True)
            yield Static(plain(""), id="ri-status", markup=False)
            yield DataTable(id="ri-problems", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="ri-detail", markup=False)
            yield Static(plain(_("ctrl+s check and import · Esc close")), classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#ri-problems", DataTable)
        for label, width in ((_("Row"), ROW_WIDTH), (_("Column"), COLUMN_WIDTH),
                             (_("Problem"), MESSAGE_WIDTH)):
            table.add_column(plain(fit(label, width)), width=width + 1)
        table.display = False
        self.query_one("#ri-path", Input).focus()

    # --- messages ------------------------------------------------------------------------------
    def _error(self, message: str) -> None:
        error = self.query_one("#ri-error-path", Static)
        error.update(plain(("✗ " + message) if message else ""))
        error.set_class(bool(message), "-shown")

    def _status(self, text: str) -> None:
        self.query_one("#ri-status", Static).update(plain(text))

    def _detail(self, problem: Problem | None) -> None:
        text = fit(str(problem), 2 * DETAIL_WIDTH) if problem is not None else ""
        self.query_one("#ri-detail", Static).update(plain(text))

    def paste_refused(self, widget: Input, length: int) -> None:
        self._error(_("Too long to paste: {count} characters; at most {limit}.").format(
            count=f"{length:,}", limit=f"{widget.max_length:,}"))

    @on(Input.Changed, "#ri-path")
    def _typed(self, _event) -> None:
        self._error("")

    @on(Input.Submitted, "#ri-path")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(DataTable.RowHighlighted, "#ri-problems")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = event.cursor_row
        self._detail(self.problems[index] if 0 <= index < len(self.problems) else None)

    # --- importing -----------------------------------------------------------------------------
    def action_save(self) -> None:
        if self._saving:
            return
        path = clean_path(self.query_one("#ri-path", Input).value)
        if not path:
            self._error(_("Enter the roster file's path, like ~/业主名册.xlsx."))
            return
        self._error("")
        self._saving = True
        self._status(_("Checking {file}…").format(file=path))
        self._import(path)

    @work(thread=True, exclusive=True, group="roster-import")
    def _import(self, path: str) -> None:
        try:
            with database.connection_context():
                result = import_roster(self.office, self.session.staff, path)
        except RosterRefused as exc:
            self.app.call_from_thread(self._refused, exc.problems)
            return
        except DeskError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the screen
            self.app.call_from_thread(self._failed, _("Not imported: {error}").format(
                error=exc))
            return
        self.app.call_from_thread(self._landed, result)

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        table = self.query_one("#ri-problems", DataTable)
        table.clear()
        for index, problem in enumerate(self.problems):
            table.add_row(*(plain(c) for c in problem_cells(problem)), key=str(index))
        table.display = bool(self.problems)
        self._detail(self.problems[0] if self.problems else None)

    def _refused(self, problems: list[Problem]) -> None:
        self._saving = False
        self._show_problems(problems)
        if len(problems) == 1 and problems[0].row is None:
            self._status("")
            self._show_problems([])
            self._error(str(problems[0]))
            return
        self._status(ngettext("{n} problem: nothing was imported. Correct the file, then "
                              "ctrl+s again.",
                              "{n} problems: nothing was imported. Correct the file, then "
                              "ctrl+s again.", len(problems)).format(n=len(problems)))
        self.query_one("#ri-problems", DataTable).focus()

    def _failed(self, message: str) -> None:
        self._saving = False
        self._status("")
        self._show_problems([])
        self._error(message)

    def _landed(self, result: RosterResult) -> None:
        self._saving = False
        self.result = result
        self._show_problems([])
        path = clean_path(self.query_one("#ri-path", Input).value)
        self._status("✓ " + result_text(result, path.replace("\\", "/").rsplit("/", 1)[-1]))
        self.app.notify(_("Roster imported."), markup=False)

    def action_close(self) -> None:
        if not self._saving:
            self.dismiss(self.result)
