"""The callback form (回访): one call back to the owner of a returned order, or to the
complainant of a handled complaint, with the service process inspection (服务过程检验单)
[5.8][7.4.9][7.4.16].

Made for a clerk with the phone in one hand: the form opens on the outcome, one key
chooses it (1 satisfied, 2 not satisfied, 3 unreachable, 4 refused; the arrow keys move
it too), and Enter saves. The five inspection questions are shown only when the owner was
reached and answered (1 and 2), and start unanswered: nothing the owner was not asked is
stored as said [6.5]. ``y``/``n`` answer the focused one; ``a`` answers all five "yes", a
conscious act the hint line names. Saving with one unanswered is refused at the questions.
From the dashboard a satisfied callback is ``3`` (the Overdue callbacks pane), F4, ``1``,
``a``, Enter: five keys. "Not satisfied" needs a note (the duty says so, and the form shows
it under the note).

The form is a kit ``DeskForm``: the outcome and the note are its declared fields (the
outcome an ``OutcomeSet``, whose ``value`` is the chosen outcome), the subject is read in
its ``load``, the record itself is ``duties.callbacks.record_callback`` in the kit's
worker (database trouble on the form's line, what was chosen and typed kept). It
dismisses with the Callback row (``None`` on Esc, nothing stored); Esc with an outcome
chosen or a note typed asks first, and what was said is kept as a draft of this callback.
The Overdue callbacks pane then updates by itself from the change log.

``callback_target(dashboard)`` reads which order or complaint F4 means: the highlighted
row of the focused Overdue callbacks pane. ``open_callback_form(app)`` is what F4 calls.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from typing import Any

from rich.cells import cell_len
from textual import on
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Label, RadioButton, RadioSet, Static

from deskterm.clock import now_utc
from deskterm.display import age, fit, plain, when
from deskterm.duties.parsing import format_phone
from deskterm.duties.repairs.callbacks import (
    INSPECTION_FIELDS,
    REACHED,
    CallbackSubject,
    callback_subject,
    record_callback,
)
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field, error_line, field_above
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import lines_text
from deskterm.screens.repairs.callback_parts import QUESTION_WORDS, OutcomeSet, Question
from deskterm.screens.repairs.parts import pane_row_key

__all__ = ["CallbackFormScreen", "OutcomeSet", "Question", "callback_target",
           "open_callback_form", "parse_row_key", "subject_lines"]

#: The outcomes in key order: "1" is the first.
OUTCOMES = ("satisfied", "not_satisfied", "unreachable", "refused")
OUTCOME_WORDS = {
    "satisfied": N_("Satisfied"),
    "not_satisfied": N_("Not satisfied"),
    "unreachable": N_("Unreachable"),
    "refused": N_("Refused"),
}
FIELDS = (
    Field("outcome", N_("Outcome (1-4)"), required=N_(
        "Choose the outcome: 1 satisfied, 2 not satisfied, 3 unreachable, 4 refused.")),
    # No max_length: a long paste is refused under the field by the duty, never cut.
    Field("note", N_("Note"), wide=True,
          placeholder=N_("what the owner said; required if not satisfied")),
)
#: What the form is 76 cells wide inside its border and padding, for cutting long text.
TEXT_WIDTH = 72


# --- what is being called back (read-only; no Textual below this line until the screen) ---

def subject_lines(subject: CallbackSubject, tz: str, now: dt.datetime) -> list[str]:
    """Three lines of plain text: who to call, what was done, how late it is."""
    unit = subject.unit or _("public area")
    first = " · ".join(p for p in (subject.number, unit, subject.name,
                                   format_phone(subject.phone) or _("no phone")) if p)
    what = subject.what
    if subject.done:
        what += " → " + subject.done
    who = (_("technician {name}") if subject.kind == "order" else _("handler {name}")).format(
        name=subject.who or "—")
    second = fit(what, max(10, TEXT_WIDTH - 3 - cell_len(who))) + " · " + who
    if subject.kind == "order":
        done = _("returned {when}").format(when=when(subject.returned_at, tz, now))
    else:
        done = _("handled {when}").format(when=when(subject.returned_at, tz, now))
    third = done + " · " + _("due {when}").format(when=when(subject.due_at, tz, now))
    if subject.due_at is not None:
        if now > subject.due_at:
            third += " · ! " + _("{age} late").format(age=age(subject.due_at, now))
        else:
            third += " · " + _("{age} left").format(age=age(now, subject.due_at))
    if not subject.can_call_back:
        third = _("Now {state}: nothing to call back.").format(state=subject.state)
    return [fit(first, TEXT_WIDTH), fit(second, TEXT_WIDTH), fit(third, TEXT_WIDTH)]


def unanswered_message(inspection: dict[str, bool | None] | None) -> str:
    """What the form says while inspection questions are unanswered ("" when none)."""
    unanswered = [_(QUESTION_WORDS[name]) for name, answer in (inspection or {}).items()
                  if answer is None]
    if not unanswered:
        return ""
    return _("Not answered: {questions}. Ask the owner: y yes, n no; a if all are yes."
             ).format(questions=", ".join(unanswered))


# --- which row F4 means ----------------------------------------------------------------------

def parse_row_key(key: str | None) -> tuple[str, int] | None:
    """``"o123"`` → ``("order", 123)``, ``"c7"`` → ``("complaint", 7)``; else None."""
    if not key or key[0] not in "oc" or not key[1:].isdigit():
        return None
    return ("order" if key[0] == "o" else "complaint"), int(key[1:])


def callback_target(dashboard) -> tuple[str, int] | None:
    """The order or complaint under the cursor of the focused Overdue callbacks pane.

    Only that pane lists what can be called back (returned orders, handled complaints):
    the Open orders pane's rows are not returned yet, and the other panes hold no orders,
    so for them (or an empty pane, or nothing focused) the answer is None.
    """
    from deskterm.widgets.panes import CallbacksPane

    return parse_row_key(pane_row_key(dashboard, CallbacksPane))


def open_callback_form(app, dashboard=None) -> CallbackFormScreen | None:
    """What F4 does: open the form for the highlighted callback, or say how to pick one.

    Returns the pushed screen (its result, the Callback row or None, goes nowhere: the
    pane updates itself from the change log), or None when nothing was opened.
    """
    dashboard = dashboard if dashboard is not None else getattr(app, "dashboard", None)
    if dashboard is None or app.screen is not dashboard or app.session.staff is None:
        return None
    target = callback_target(dashboard)
    if target is None:
        app.notify(_("Choose a row in Overdue callbacks first, then press F4."),
                   title=_("Callback"), markup=False, timeout=4)
        return None
    return open_screen(app, CallbackFormScreen, *target)


# --- the form ----------------------------------------------------------------------------------

class CallbackFormScreen(DeskForm):
    """Call back one order or complaint; dismisses with the Callback row, or None."""

    CSS_PATH = str(files("deskterm.styles") / "callback_form.tcss")
    PREFIX = "callback"
    FIELDS = FIELDS
    DRAFT = "callback"
    ENTER_SAVES = True
    HINT = N_("1-4 outcome · a all yes · Tab next · Enter or ctrl+s save · Esc cancel")
    BINDINGS = [
        Binding("1", "outcome(0)", show=False),
        Binding("2", "outcome(1)", show=False),
        Binding("3", "outcome(2)", show=False),
        Binding("4", "outcome(3)", show=False),
        Binding("a", "all_yes", show=False),
    ]

    def __init__(self, session, kind: str, target_id: int) -> None:
        if kind not in ("order", "complaint"):
            raise ValueError(f"kind must be 'order' or 'complaint', not {kind!r}")
        super().__init__(session, id="callback")
        self.form_title = (_("Callback of order") if kind == "order"
                           else _("Callback of complaint"))
        self.kind = kind
        self.target_id = target_id
        self.subject: CallbackSubject | None = None

    def draft_subject(self) -> str:
        return f"{self.kind}:{self.target_id}"

    def draft_summary(self, values: dict[str, Any]) -> list[str]:
        outcome = values.get("outcome")
        words = [_(OUTCOME_WORDS[outcome]) if outcome in OUTCOME_WORDS else "",
                 values.get("note") or ""]
        text = " · ".join(w for w in words if isinstance(w, str) and w.strip())
        return [fit(text, 56)] if text else []

    def compose_body(self):
        yield Static(plain("…"), id="callback-subject", markup=False)
        buttons = [RadioButton(plain(f"{number} {_(OUTCOME_WORDS[outcome])}"), compact=True,
                               id=f"callback-outcome-{outcome}")
                   for number, outcome in enumerate(OUTCOMES, start=1)]
        yield field_above(self.PREFIX, "outcome", _(self.fields["outcome"].label),
                          OutcomeSet(*buttons, id="callback-outcome", compact=True,
                                     on_choose=self._outcome_chosen))
        with Vertical(id="callback-inspection"):
            yield Label(plain(_("Service inspection (y yes, n no, a all yes)")),
                        classes="kit-label")
            with Grid(id="callback-questions"):
                for field in INSPECTION_FIELDS if self.kind == "order" else ():
                    yield Question(field)
            yield error_line(self.PREFIX, "inspection")
        yield self.field("note")

    def on_mount(self) -> None:  # Textual calls DeskForm.on_mount after this one
        self._show_inspection()

    # --- what is being called back ----------------------------------------------------
    def load(self):
        # A tuple: "no such order" (None) is an answer too.
        return (callback_subject(self.office, self.kind, self.target_id),)

    def loaded(self, data) -> None:
        subject, = data
        self.subject = subject
        box = self.query_one("#callback-subject", Static)
        if subject is None:
            box.update(plain(_("There is no such order or complaint at this office.")))
            return
        lines = subject_lines(subject, self.session.tz, now_utc())
        box.update(lines_text(lines))

    # --- choosing -----------------------------------------------------------------------
    @property
    def outcome(self) -> str | None:
        return self.value("outcome")

    def action_outcome(self, index: int) -> None:
        self.query_one(OutcomeSet).choose(index)
        if OUTCOMES[index] == "not_satisfied":
            self.focus_field("note")

    def _outcome_chosen(self) -> None:
        """At once, in the key's own turn: the questions shown or hidden before the next
        key of a burst (a Tab) looks for where to go."""
        self.show_error("outcome", "")
        self._mark_outcome()
        self._show_inspection()

    @on(RadioSet.Changed)
    def _outcome_changed(self, event: RadioSet.Changed) -> None:
        self._outcome_chosen()
        self._changed(event)  # as the kit's own fields: a draft written

    def _mark_outcome(self) -> None:
        """The chosen outcome says so in words ("✓"), not only by the radio's colour,
        which 16-colour terminals lose."""
        for number, outcome in enumerate(OUTCOMES, start=1):
            button = self.query_one(f"#callback-outcome-{outcome}", RadioButton)
            mark = "✓" if button.value else ""
            button.label = plain(f"{number} {_(OUTCOME_WORDS[outcome])}{mark}")

    def _show_inspection(self) -> None:
        shown = self.kind == "order" and self.outcome in REACHED
        self.query_one("#callback-inspection").display = shown

    def inspection(self) -> dict[str, bool | None] | None:
        if self.kind != "order" or self.outcome not in REACHED:
            return None
        return {q.field: q.value for q in self.query(Question)}

    # --- the inspection's answers ---------------------------------------------------------
    def action_all_yes(self) -> None:
        """``a``: the owner said yes to all five, answered at once (a conscious act: the
        questions never start as yes)."""
        if self.kind != "order":
            return
        if self.outcome not in REACHED:
            self.show_error("outcome", _("The inspection is asked when the owner answered: "
                                         "choose 1 or 2 first."))
            return
        for question in self.query(Question):
            question.value = True

    def on_question_changed(self, event: Question.Changed) -> None:
        """An answer given: a refusal shown names only those still unanswered."""
        event.stop()
        if "inspection" in self._error_for:
            self.show_error("inspection", unanswered_message(self.inspection()))
        self._want_draft()

    def field_of(self, duty_field: str | None) -> str:
        if duty_field == "inspection":
            return "inspection"  # its own line, under the questions
        return super().field_of(duty_field)

    def show_errors(self, errors: dict[str, str]) -> None:
        """The cursor to the first question left unanswered when the inspection is the
        first refusal in reading order (the outcome is above it, the note under it)."""
        super().show_errors(errors)
        if "inspection" in errors and "outcome" not in errors:
            questions = list(self.query(Question))
            first = next((q for q in questions if q.value is None), None)
            if first is not None or questions:
                self.set_focus(first or questions[0])

    # --- drafts keep the inspection answers too -----------------------------------------
    def kept_values(self) -> dict[str, Any]:
        kept = super().kept_values()
        kept["_inspection"] = {q.field: q.value for q in self.query(Question)}
        return kept

    def restore(self, values: dict[str, Any]) -> None:
        super().restore(values)
        answers = values.get("_inspection")
        for question in self.query(Question):
            answer = answers.get(question.field) if isinstance(answers, dict) else None
            question.value = answer if isinstance(answer, bool) else None

    # --- saving -------------------------------------------------------------------------
    def check(self, values):
        values, errors = super().check(values)
        values["inspection"] = self.inspection()
        message = unanswered_message(values["inspection"])
        if message:
            errors["inspection"] = message
        if values.get("outcome") == "not_satisfied" and not (values.get("note") or "").strip():
            errors["note"] = _("Say what the owner is not satisfied with.")  # as the duty
        return values, errors

    def save(self, values):
        ids = {"order_id": self.target_id} if self.kind == "order" else {
            "complaint_id": self.target_id}
        return record_callback(self.office, self.session.staff, outcome=values["outcome"],
                               note=values["note"] or "", inspection=values["inspection"],
                               **ids)

    def saved(self, callback) -> None:
        number = self.subject.number if self.subject else f"#{self.target_id}"
        outcome = _(OUTCOME_WORDS[callback.outcome])
        if callback.outcome == "not_satisfied":
            what = (_("reopened for the technician") if self.kind == "order"
                    else _("back to the handler"))
        elif callback.outcome == "unreachable":
            what = _("try again later")
        else:
            what = _("called back")
        self.app.notify(_("{number}: {outcome}, {what}.").format(
            number=number, outcome=outcome, what=what), title=_("Callback recorded"),
            markup=False, timeout=4)
        self.dismiss(callback)
