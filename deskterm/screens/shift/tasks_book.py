"""The tasks book (任务, F10 j) [6.2][6.3]: every open task, then those done today.

One row a task: by when (``HH:MM`` today, ``MM-DD HH:MM`` another day), ``!`` when it is
overdue or ``✓`` done, who, from where, what; the highlighted task in full under the
table. Keys: ``d`` done (now, by the person it was given to, else the person at the
desk: ``tasks.complete_task``), ``u`` open again (a task marked done by mistake), ``n`` a
new task (``task_form.TaskForm``), ctrl+r read again, Esc close. Each write runs in the
kit's worker (``BookScreen.act``); a refusal is said on the book's line, and the book is
read again after each.

``open_tasks_book(app)`` opens it for whoever is signed in.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import now_utc
from deskterm.display import SYMBOLS, plain, when
from deskterm.duties.shift.tasks import (
    TaskLine,
    TaskList,
    complete_task,
    reopen_task,
    source_word,
    tasks_book,
)
from deskterm.i18n import N_, _
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import add_columns, cells_of, refill, row_table
from deskterm.screens.shift.task_form import CSS, TaskForm

#: Each column takes one cell more than its width: 76 cells inside the border.
COLUMNS = ((N_("By when"), 11), ("", 1), (N_("Given to"), 8), (N_("From where"), 15),
           (N_("What"), 36))


def open_tasks_book(app) -> TasksBook | None:
    return open_screen(app, TasksBook)


def mark(line: TaskLine, now) -> str:
    if line.done:
        return SYMBOLS["done"]
    return SYMBOLS["overdue"] if line.overdue(now) else ""


def task_detail(line: TaskLine | None, tz: str, now) -> str:
    """The highlighted task in full: what, who, from where, by when, done."""
    if line is None:
        return ""
    parts = [line.title, line.assigned or _("nobody yet"), source_word(line.source),
             _("by {when}").format(when=when(line.due_at, tz, now))]
    if line.done:
        parts.append(_("done {when} by {name}").format(when=when(line.done_at, tz, now),
                                                      name=line.done_by or "—"))
    elif line.overdue(now):
        parts.append(_("overdue"))
    return " · ".join(parts)


class TasksBook(BookScreen):
    CSS_PATH = CSS
    PREFIX = "tb"
    BINDINGS = [
        Binding("d", "done", show=False),
        Binding("u", "reopen", show=False),
        Binding("n", "new", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="tasks-book")
        self.now = now_utc()

    def compose(self) -> ComposeResult:
        with Vertical(id="tb-form", classes="form"):
            yield Static(plain(_("Tasks")), id="tb-title", classes="form-title", markup=False)
            yield row_table("tb-table")
            yield self.detail_line()
            yield self.result_line()
            yield self.message_line()
            yield Static(plain(_("d done · u open again · n new task · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#tb-table", DataTable)
        add_columns(table, COLUMNS)
        self.set_focus(table)
        self.read()

    # --- reading ---------------------------------------------------------------------------
    def fetch(self) -> tuple[TaskList, tuple[TaskLine, ...]]:
        return tasks_book(self.office)

    def show(self, data: tuple[TaskList, tuple[TaskLine, ...]]) -> None:
        open_list, done = data
        self.now = now_utc()
        self.rows = open_list.lines + done
        title = _("Tasks: {open} open · {overdue} overdue · {done} done today").format(
            open=open_list.count, overdue=open_list.overdue, done=len(done))
        self.query_one("#tb-title", Static).update(plain(title))
        tz = self.session.tz
        refill(self.query_one("#tb-table", DataTable), (
            (f"t{line.id}", cells_of(
                (when(line.due_at, tz, self.now), mark(line, self.now),
                 line.assigned or "—", source_word(line.source), line.title), COLUMNS))
            for line in self.rows))
        self.show_detail()

    def row_detail(self, line: TaskLine | None) -> str:
        return task_detail(line, self.session.tz, self.now)

    # --- keys ------------------------------------------------------------------------------
    def action_done(self) -> None:
        line = self.current_row()
        if line is None or self.busy:
            return
        if line.done:
            self.say(_("Done already: u opens it again."))
            return
        self.act(lambda: complete_task(self.office, self.session.staff, line.id),
                 lambda _task: self._wrote(_("Done: {what}").format(what=line.title)))

    def action_reopen(self) -> None:
        line = self.current_row()
        if line is None or self.busy:
            return
        if not line.done:
            self.say(_("It is still open: d marks it done."))
            return
        self.act(lambda: reopen_task(self.office, self.session.staff, line.id),
                 lambda _task: self._wrote(_("Open again: {what}").format(what=line.title)))

    def action_new(self) -> None:
        self.app.push_screen(TaskForm(self.session), callback=self._added)

    def _added(self, task) -> None:
        if task is not None:
            self._wrote(_("Task noted: {what}").format(what=task.title))

    def _wrote(self, words: str) -> None:
        self.tell(words)
        self.read()
