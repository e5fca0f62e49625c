"""The weekly and monthly work summaries and next month's plan [7.4.23] in the app.

Opened from the daily work record (``w`` / ``m``). A new summary starts from the person's
day records of the period (``duties.work_summaries``: their figures summed and their
notes, day by day); a stored one shows as stored. The info line has the focus when the
form opens; ``[`` / ``]`` step to the period before / after from there (not while
something typed is unsaved: the form says so), Tab moves into the summary and the plan.
ctrl+s saves a draft; ``u`` twice (from the info line) submits (a month's needs next
month's plan); a submitted summary can no longer change. Esc closes (asking first when
something was typed). The reading, saving and submitting are ``RecordForm``'s, on the kit.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from textual.binding import Binding
from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import plain, when
from deskterm.duties.shift.work_summaries import (
    TEXT_LIMIT,
    SummaryDraft,
    current_period,
    period_of,
    save_summary,
    submit_summary,
    work_summary,
)
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field
from deskterm.screens.shift.parts import FocusPanel
from deskterm.screens.shift.record_form import RecordForm


class WorkSummaryScreen(RecordForm):
    """One week's or month's summary of the person at the desk."""

    CSS_PATH = str(files("deskterm.styles") / "records.tcss")
    PREFIX = "ws"
    DRAFT = "work_summary"
    PANEL_HINT = N_("[ ] before/after · Tab texts · ctrl+s save draft · u submit · Esc close")
    ASK = N_("Press u again to submit: a submitted summary can no longer change.")
    SAVED_WORDS = N_("Summary saved.")
    SUBMITTED_WORDS = N_("Summary submitted.")
    BINDINGS = [
        Binding("left_square_bracket", "step(-1)", show=False),
        Binding("right_square_bracket", "step(1)", show=False),
    ]

    def __init__(self, session, kind: str = "week", period: str | None = None) -> None:
        super().__init__(session, id="work-summary")
        self.kind = kind if kind in ("week", "month") else "week"
        self.period = period or current_period(session.office, self.kind)

    def form_fields(self):
        plan = N_("Next week's plan") if self.kind == "week" else N_("Next month's plan")
        return (Field("summary", N_("Summary"), kind="area", max_length=TEXT_LIMIT),
                Field("plan", plan, kind="area", max_length=TEXT_LIMIT))

    def compose_body(self):
        yield Static(plain(self._title()), id="ws-title", classes="form-title", markup=False)
        yield FocusPanel(plain("…"), id="ws-info", markup=False)
        yield self.field("summary")
        yield self.field("plan")
        yield self.ask_line()

    def _title(self) -> str:
        text = _("Weekly work summary") if self.kind == "week" else _("Monthly work summary")
        name = self.session.staff.name if self.session.staff is not None else ""
        return f"{text} — {name} · {self.period}"

    def draft_subject(self) -> str:
        shown = self.record.period if self.record is not None else self.period
        return f"{self.kind}-{shown}"

    # --- the summary -----------------------------------------------------------------------
    def load(self) -> SummaryDraft:
        return work_summary(self.office, self.session.staff, self.kind, self.period)

    def texts(self, draft: SummaryDraft) -> dict[str, str]:
        return {"summary": draft.summary, "plan": draft.plan}

    def show_state(self, draft: SummaryDraft) -> None:
        self.period = draft.period
        self.query_one("#ws-title", Static).update(plain(self._title()))
        self.query_one("#ws-info", FocusPanel).update(plain(self._info(draft)))

    def _info(self, draft: SummaryDraft) -> str:
        days = _("{first} to {last}, {days} day records").format(
            first=draft.first.isoformat(), last=draft.last.isoformat(), days=draft.days)
        if draft.submitted:
            state = "✓ " + _("submitted at {time}").format(
                time=when(draft.submitted_at, self.session.tz, now_utc()))
        elif draft.stored:
            state = "… " + _("draft saved")
        else:
            state = _("not saved yet")
        return f"{days} · {state}"

    def save(self, values) -> SummaryDraft:
        write = submit_summary if values["submit"] else save_summary
        period = self.record.period  # the one shown (a step may be on its way)
        write(self.office, self.session.staff, self.kind, period,
              summary=values["summary"], plan=values["plan"])
        return work_summary(self.office, self.session.staff, self.kind, period)

    # --- the period before or after ----------------------------------------------------------
    def action_step(self, by: int) -> None:
        draft = self.record
        if self.saving or draft is None:
            return
        self.ask("")
        if self.touched():
            self.show_error("form", _("Save it first (ctrl+s), or Esc: what you typed here "
                                      "is not saved."))
            return
        self.show_error("form", "")
        if self.kind == "week":
            day = draft.first + dt.timedelta(days=7 * by)
        else:
            day = (draft.first if by < 0 else draft.last) + dt.timedelta(days=by)
        self.period = period_of(self.kind, day)  # shown once read
        self.reload(replace=True)
