"""The complaint detail view's sub-forms [7.4.16]: assign (or pass on) a handler, record
the handling and its result, close a complaint that has been called back.

Each is a kit form built on the order detail's ``ActionForm`` (``order_actions.py``):
the complaint's line under the title, one error line per field fed by
``DutyError.field``, the duty (``complaints.assign_complaint``, ``record_handling``,
``close_complaint``) in the kit's worker, database trouble on the form's line. Each
dismisses with True when saved; Esc closes an untouched form and asks first when
something was typed (the handling is kept as a draft of the complaint). The detail view
then reads the complaint again.
"""

from __future__ import annotations

from importlib.resources import files

from textual.binding import Binding
from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import fit, plain, when
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.repairs.complaint_view import complaint_handlers
from deskterm.duties.repairs.complaints import (
    assign_complaint,
    close_complaint,
    handling_errors,
    record_handling,
)
from deskterm.duties.repairs.order_words import OUTCOME_WORDS, word
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field
from deskterm.screens.repairs.order_actions import ACTIONS_CSS, ActionForm

COMPLAINTS_CSS = str(files("deskterm.styles") / "complaints.tcss")
ROLE_WORDS = {
    "supervisor": N_("supervisor"), "cs_supervisor": N_("CS supervisor"),
    "technician": N_("technician"), "manager": N_("manager"), "clerk": N_("clerk"),
}
#: What the forms are wide inside their border and padding, for cutting long text.
TEXT_WIDTH = 74


class ComplaintAction(ActionForm):
    """The order detail's ``ActionForm`` over a complaint: its line, this family's styles."""

    CSS_PATH = [ACTIONS_CSS, COMPLAINTS_CSS]

    def record_line(self) -> str:
        view = self.view
        who = " ".join(p for p in (view.unit, view.complainant_name) if p)
        return fit(" · ".join(p for p in (view.number, who, view.description) if p),
                   TEXT_WIDTH - 2)


class AssignScreen(ComplaintAction):
    """Give the complaint to a handler, or pass it to another."""

    PREFIX = "assign"

    def __init__(self, session, view) -> None:
        super().__init__(session, view)
        self.form_title = (_("Pass complaint to another handler") if view.state == "assigned"
                           else _("Assign complaint"))

    def form_fields(self):
        return (Field("handler", _("Handler (now {name})").format(
            name=self.view.handler or "—"), kind="select", options=(),
            blank=N_("choose who handles it")),)

    def load(self):
        return complaint_handlers(self.office)

    def loaded(self, people: list[tuple[int, str, str]]) -> None:
        options = [(plain(f"{name} · {word(ROLE_WORDS, role)}"), staff_id)
                   for staff_id, name, role in people
                   if staff_id != self.view.handler_id or self.view.state != "assigned"]
        self.widget("handler").set_options(options)
        if not options:
            self.show_error("handler", _("Nobody else at this office can handle it."))

    def save(self, values) -> None:
        assign_complaint(self.office, self.session.staff, self.view.id, values["handler"])


class HandlingScreen(ComplaintAction):
    """The handler reports back: what was done, and the result."""

    PREFIX = "handle"
    TITLE_TEXT = N_("Complaint handled")
    DRAFT = "complaint_handling"

    def form_fields(self):
        return (Field("handling", _("Handling: what was done, by {name}").format(
                    name=self.view.handler or "—"), kind="area", max_length=TEXT_LIMIT,
                    wrap=False),
                Field("result", N_("Result"), kind="area", max_length=TEXT_LIMIT, wrap=False))

    def check(self, values):
        """Both texts checked before anything is sent: each message under its field."""
        values, errors = super().check(values)
        errors.update(handling_errors(values["handling"], values["result"]))
        return values, errors

    def save(self, values) -> None:
        record_handling(self.office, self.session.staff, self.view.id,
                        handling=values["handling"], result=values["result"])


class CloseScreen(ComplaintAction):
    """Close a complaint that has been called back."""

    PREFIX = "close"
    TITLE_TEXT = N_("Close complaint")
    HINT = N_("Enter or ctrl+s close it · Esc cancel")
    BINDINGS = [Binding("enter", "save", show=False)]

    def compose_body(self):
        view = self.view
        tz, now = self.session.tz, now_utc()
        last = view.callbacks[-1] if view.callbacks else None
        called = _("Called back {when}").format(when=when(view.called_back_at, tz, now))
        if last is not None:
            called += " · " + " ".join(p for p in (word(OUTCOME_WORDS, last.outcome), last.by)
                                       if p)
        yield Static(plain(fit(called, TEXT_WIDTH - 2)), id="close-callback", markup=False)
        yield Static(plain(fit(_("Result: {text}").format(text=view.result or "—"),
                               TEXT_WIDTH - 2)), markup=False)

    def save(self, values) -> None:
        close_complaint(self.office, self.session.staff, self.view.id)
