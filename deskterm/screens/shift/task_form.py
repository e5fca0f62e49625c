"""Noting a task (任务) [6.2][6.3]: what, by when, who, from where.

``open_task_form(app)`` opens ``TaskForm`` over the dashboard (the desk key ``task``,
``t``): the morning meeting's assignments, a patrol's finding, the manager's word, a
call's follow-up. The handover's ``a`` opens ``NightTaskForm`` for one night-log entry
(what prefilled from it, from "handover"); the tasks book's ``n`` opens the form too.

Fields: what (required), by when (a time is today, ``明天 9:00`` another day, a day alone
its end: ``tasks.parse_due``), who (a person of the office, or nobody yet), from where
(required: nothing is assumed; the handover's is "handover"). ctrl+s checks every field
at once, then ``tasks.add_task`` writes the task in the kit's worker; a refusal is said
under its field and nothing is stored. The form dismisses with the new task.
"""

from __future__ import annotations

from importlib.resources import files

from textual.containers import Horizontal

from deskterm.display import plain
from deskterm.duties.shift.night_log import LogItem
from deskterm.duties.shift.tasks import (
    SOURCE_WORDS,
    SOURCES,
    TITLE_LIMIT,
    add_task,
    parse_due,
    task_people,
)
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import word

CSS = str(files("deskterm.styles") / "tasks.tcss")
ROLE_WORDS = {
    "clerk": N_("clerk"), "supervisor": N_("supervisor"), "manager": N_("manager"),
    "night": N_("night shift"), "technician": N_("technician"),
    "cs_supervisor": N_("CS supervisor"),
}


def open_task_form(app) -> TaskForm | None:
    """The desk key ``task``: a new task, for whoever is at the desk."""
    def noted(task) -> None:
        if task is not None:
            app.notify(_("Task noted: {what}").format(what=task.title), markup=False,
                       timeout=4)

    return open_screen(app, TaskForm, callback=noted)


class TaskForm(DeskForm):
    CSS_PATH = CSS
    PREFIX = "tk"
    DRAFT = "task"
    TITLE_TEXT = N_("New task")
    #: Where the task comes from when the form knows it ("" : the clerk chooses).
    SOURCE = ""

    def __init__(self, session, **kwargs) -> None:
        kwargs.setdefault("id", "task-form")
        super().__init__(session, **kwargs)

    def form_fields(self):
        return (
            Field("title", N_("What"), required=N_("Enter what is to be done."),
                  max_length=TITLE_LIMIT, placeholder=N_("what is to be done"), wide=True),
            Field("due", N_("By when"), required=N_("Enter by when, like 16:00 or 明天 9:00."),
                  max_length=40, placeholder=N_("16:00, 明天 9:00"), also=("due_at",)),
            Field("assigned_to", N_("Given to"), kind="select", options=(),
                  blank=N_("nobody yet")),
            Field("source", N_("From where"), kind="select",
                  options=tuple((SOURCE_WORDS[s], s) for s in SOURCES),
                  blank=N_("from where"), initial=self.SOURCE or None,
                  required=N_("Choose where the task comes from.")),
        )

    def compose_body(self):
        yield self.field("title")
        due = self.field("due")
        due.add_class("tk-due")
        yield Horizontal(due, self.field("assigned_to"), classes="kit-row")
        source = self.field("source")
        source.add_class("tk-source")
        yield source

    # --- who may be given it -------------------------------------------------------------
    def load(self) -> list[tuple[int, str, str]]:
        return task_people(self.office)

    def loaded(self, people: list[tuple[int, str, str]]) -> None:
        self.widget("assigned_to").set_options(
            [(plain(f"{name} · {word(ROLE_WORDS, role)}"), staff_id)
             for staff_id, name, role in people])

    # --- saving ----------------------------------------------------------------------------
    def check(self, values):
        values, errors = super().check(values)
        if values.get("due") and "due" not in errors:
            try:
                values["due"] = parse_due(self.office, values["due"])
            except DutyError as exc:
                errors["due"] = exc.message
        return values, errors

    def save(self, values):
        return add_task(self.office, self.session.staff, title=values["title"],
                        due=values["due"], source=values["source"],
                        assigned_to=values.get("assigned_to"))


class NightTaskForm(TaskForm):
    """The task form for one night-log entry at the handover: what prefilled from it,
    from "handover"; its draft its own."""

    SOURCE = "handover"

    def __init__(self, session, item: LogItem) -> None:
        super().__init__(session, id="night-task-form")
        self.item = item
        self.form_title = _("Task from the night log")

    def on_mount(self) -> None:  # runs before the kit's on_mount (its focus comes after)
        what = " ".join(p for p in (self.item.where, self.item.what) if p)
        self.set_initial("title", what[:TITLE_LIMIT])

    def draft_subject(self) -> str:
        return f"night-log-{self.item.id}"
