"""The complaint detail view's sub-forms [7.4.16]: assign (or pass on) a handler, record
the handling and its result, close a complaint that has been called back.

Each is a small ``ModalScreen`` built on the order detail's ``ActionForm``
(``order_actions.py``): the complaint's line at the top, one error line per field fed by
``DutyError.field``, the duty (``complaints.assign_complaint``, ``record_handling``,
``close_complaint``) in a thread worker inside ``database.connection_context()``. Each
dismisses with True when saved, None on Esc (nothing stored); the detail view then reads
the complaint again.
"""

from __future__ import annotations

from importlib.resources import files

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Select, Static, TextArea

from deskterm.clock import now_utc
from deskterm.db.models import database
from deskterm.display import fit, plain, when
from deskterm.duties.repairs.complaint_view import complaint_handlers
from deskterm.duties.repairs.complaints import (
    assign_complaint,
    close_complaint,
    handling_errors,
    record_handling,
)
from deskterm.duties.repairs.order_words import OUTCOME_WORDS
from deskterm.i18n import N_, _
from deskterm.screens.repairs.order_actions import ActionForm

COMPLAINTS_CSS = str(files("deskterm.styles") / "complaints.tcss")
ROLE_WORDS = {
    "supervisor": N_("supervisor"), "cs_supervisor": N_("CS supervisor"),
    "technician": N_("technician"), "manager": N_("manager"), "clerk": N_("clerk"),
}
#: What the forms are wide inside their border and padding, for cutting long text.
TEXT_WIDTH = 74


def word(words: dict, key: str | None) -> str:
    """``key``'s word from ``words``, translated; ``—`` for none."""
    if not key:
        return "—"
    return _(words[key]) if key in words else key


class ComplaintAction(ActionForm):
    """The order detail's ``ActionForm`` over a complaint: its line, this family's styles."""

    CSS_PATH = [ActionForm.CSS_PATH, COMPLAINTS_CSS]

    def order_line(self) -> str:
        view = self.view
        who = " ".join(p for p in (view.unit, view.complainant_name) if p)
        return fit(" · ".join(p for p in (view.number, who, view.description) if p),
                   TEXT_WIDTH - 2)

    def hint(self, text: str) -> Static:
        return Static(plain(text), classes="form-hint", markup=False)


class AssignScreen(ComplaintAction):
    """Give the complaint to a handler, or pass it to another."""

    PREFIX = "assign"
    FIELDS = ("handler",)

    def compose(self) -> ComposeResult:
        title = (_("Pass complaint to another handler") if self.view.state == "assigned"
                 else _("Assign complaint"))
        with Vertical(id="assign-form", classes="form action-form"):
            yield Static(plain(title), classes="form-title", markup=False)
            yield Static(plain(self.order_line()), id="assign-complaint", markup=False)
            yield self.error_line("")
            yield Label(plain(_("Handler (now {name})").format(
                name=self.view.handler or "—")), classes="field-label")
            yield Select([], prompt=_("choose who handles it"), compact=True,
                         id="assign-handler")
            yield self.error_line("handler")
            yield self.hint(_("Tab next · ctrl+s save · Esc cancel"))

    def on_mount(self) -> None:
        self.query_one("#assign-handler", Select).focus()
        self._load()

    @work(thread=True, exclusive=True, group="assign-handlers")
    def _load(self) -> None:
        try:
            with database.connection_context():
                people = complaint_handlers(self.session.office)
        except Exception as exc:  # noqa: BLE001 - the form says so; Esc still closes it
            self.app.call_from_thread(self.set_error, "", str(exc))
            return
        self.app.call_from_thread(self._show_people, people)

    def _show_people(self, people: list[tuple[int, str, str]]) -> None:
        options = [(plain(f"{name} · {word(ROLE_WORDS, role)}"), staff_id)
                   for staff_id, name, role in people
                   if staff_id != self.view.handler_id or self.view.state != "assigned"]
        self.query_one("#assign-handler", Select).set_options(options)
        if not options:
            self.set_error("handler", _("Nobody else at this office can handle it."))

    def values(self) -> dict:
        value = self.query_one("#assign-handler", Select).value
        return {"handler": None if value is Select.NULL else value}

    def write(self, values: dict) -> None:
        assign_complaint(self.session.office, self.session.staff, self.view.id,
                         values["handler"])


class HandlingScreen(ComplaintAction):
    """The handler reports back: what was done, and the result."""

    PREFIX = "handle"
    FIELDS = ("handling", "result")

    def compose(self) -> ComposeResult:
        with Vertical(id="handle-form", classes="form action-form"):
            yield Static(plain(_("Complaint handled")), classes="form-title", markup=False)
            yield Static(plain(self.order_line()), id="handle-complaint", markup=False)
            yield self.error_line("")
            yield Label(plain(_("Handling: what was done, by {name}").format(
                name=self.view.handler or "—")), classes="field-label")
            yield TextArea(id="handle-handling", compact=True, tab_behavior="focus")
            yield self.error_line("handling")
            yield Label(plain(_("Result")), classes="field-label")
            yield TextArea(id="handle-result", compact=True, tab_behavior="focus")
            yield self.error_line("result")
            yield self.hint(_("Tab next · ctrl+s save · Esc cancel"))

    def on_mount(self) -> None:
        self.query_one("#handle-handling", TextArea).focus()

    def values(self) -> dict:
        return {"handling": self.query_one("#handle-handling", TextArea).text,
                "result": self.query_one("#handle-result", TextArea).text}

    def action_save(self) -> None:
        """Both texts are checked before anything is sent: each message under its field."""
        if self.saving:
            return
        self.clear_errors()
        values = self.values()
        errors = handling_errors(values["handling"], values["result"])
        if errors:
            for field, message in errors.items():
                self.set_error(field, message)
            self.query_one(f"#handle-{next(iter(errors))}", TextArea).focus()
            return
        self.saving = True
        self._save(values)

    def write(self, values: dict) -> None:
        record_handling(self.session.office, self.session.staff, self.view.id,
                        handling=values["handling"], result=values["result"])


class CloseScreen(ComplaintAction):
    """Close a complaint that has been called back."""

    PREFIX = "close"
    FIELDS = ()
    BINDINGS = [Binding("enter", "save", show=False)]

    def compose(self) -> ComposeResult:
        view = self.view
        tz, now = self.session.tz, now_utc()
        last = view.callbacks[-1] if view.callbacks else None
        called = _("Called back {when}").format(when=when(view.called_back_at, tz, now))
        if last is not None:
            called += " · " + " ".join(p for p in (word(OUTCOME_WORDS, last.outcome), last.by)
                                       if p)
        with Vertical(id="close-form", classes="form action-form"):
            yield Static(plain(_("Close complaint")), classes="form-title", markup=False)
            yield Static(plain(self.order_line()), id="close-complaint", markup=False)
            yield Static(plain(fit(called, TEXT_WIDTH - 2)), id="close-callback",
                         markup=False)
            yield Static(plain(fit(_("Result: {text}").format(text=view.result or "—"),
                                   TEXT_WIDTH - 2)), markup=False)
            yield self.error_line("")
            yield self.hint(_("Enter or ctrl+s close it · Esc cancel"))

    def values(self) -> dict:
        return {}

    def write(self, values: dict) -> None:
        close_complaint(self.session.office, self.session.staff, self.view.id)
