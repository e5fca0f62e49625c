"""The weekly and monthly work summaries and next month's plan [7.4.23] in the app.

Opened from the daily work record (``w`` / ``m``). A new summary starts from the person's
day records of the period (``duties.work_summaries``: their figures summed and their
notes, day by day); a stored one shows as stored. The info line has the focus when the
form opens; ``[`` / ``]`` step to the period before / after from there, Tab moves into the
summary and the plan. ctrl+s saves a draft; ``u`` twice (from the info line) submits
(a month's needs next month's plan); a submitted summary can no longer change. Esc closes.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from deskterm.db.models import database
from deskterm.display import hhmm, plain
from deskterm.duties.shift.work_summaries import (
    SummaryDraft,
    current_period,
    period_of,
    save_summary,
    submit_summary,
    work_summary,
)
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.screens.kit.form_kit import run_duty
from deskterm.screens.shift.work_record import FocusPanel

ERROR_LINES = {"summary": "#ws-error-summary", "plan": "#ws-error-plan"}


class WorkSummaryScreen(ModalScreen[None]):
    """One week's or month's summary of the person at the desk."""

    CSS_PATH = str(files("deskterm.styles") / "records.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
        Binding("u", "submit", show=False),
        Binding("left_square_bracket", "step(-1)", show=False),
        Binding("right_square_bracket", "step(1)", show=False),
    ]

    def __init__(self, session, kind: str = "week", period: str | None = None) -> None:
        super().__init__(id="work-summary")
        self.session = session
        self.kind = kind if kind in ("week", "month") else "week"
        self.period = period or current_period(session.office, self.kind)
        self.draft: SummaryDraft | None = None
        self.saving = False
        self.confirming = False
        self.loads = 0  # reads finished, for tests

    def compose(self) -> ComposeResult:
        plan = _("Next week's plan") if self.kind == "week" else _("Next month's plan")
        with Vertical(id="ws-form", classes="form"):
            yield Static(plain(self._title()), id="ws-title", classes="form-title",
                         markup=False)
            yield FocusPanel(plain("…"), id="ws-info", markup=False)
            yield Label(plain(_("Summary")), classes="field-label")
            yield TextArea(id="ws-summary", compact=True, tab_behavior="focus")
            yield Static(plain(""), id="ws-error-summary", classes="field-error",
                         markup=False)
            yield Label(plain(plan), classes="field-label")
            yield TextArea(id="ws-plan", compact=True, tab_behavior="focus")
            yield Static(plain(""), id="ws-error-plan", classes="field-error", markup=False)
            yield Static(plain(""), id="ws-error", classes="field-error", markup=False)
            yield Static(plain(_("[ ] before/after · Tab texts · ctrl+s save draft · "
                                 "u submit · Esc close")), classes="form-hint", markup=False)

    def _title(self) -> str:
        text = _("Weekly work summary") if self.kind == "week" else _("Monthly work summary")
        name = self.session.staff.name if self.session.staff is not None else ""
        return f"{text} — {name} · {self.period}"

    def on_mount(self) -> None:
        self.query_one("#ws-info", FocusPanel).focus()
        self._load(self.period)

    # --- reading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="work-summary-load")
    def _load(self, period: str) -> None:
        try:
            with database.connection_context():
                draft = work_summary(self.session.office, self.session.staff, self.kind,
                                     period)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, "", exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - said on the screen; Esc still closes it
            self.app.call_from_thread(self._refused, "", str(exc))
            return
        self.app.call_from_thread(self._show, draft)

    def _show(self, draft: SummaryDraft) -> None:
        self.draft = draft
        self.period = draft.period
        self.query_one("#ws-title", Static).update(plain(self._title()))
        self.query_one("#ws-info", FocusPanel).update(plain(self._info(draft)))
        for field, text in (("summary", draft.summary), ("plan", draft.plan)):
            box = self.query_one(f"#ws-{field}", TextArea)
            box.text = text
            box.read_only = draft.submitted
        self.loads += 1

    def _info(self, draft: SummaryDraft) -> str:
        days = _("{first} to {last}, {days} day records").format(
            first=draft.first.isoformat(), last=draft.last.isoformat(), days=draft.days)
        if draft.submitted:
            state = "✓ " + _("submitted at {time}").format(
                time=hhmm(draft.submitted_at, self.session.tz))
        elif draft.stored:
            state = "… " + _("draft saved")
        else:
            state = _("not saved yet")
        return f"{days} · {state}"

    # --- writing ---------------------------------------------------------------------------
    def action_save(self) -> None:
        self._write(submit=False)

    def action_submit(self) -> None:
        if self.draft is None or self.saving:
            return
        if self.draft.submitted:
            self._set_error("", _("Already submitted: it can no longer change."))
            return
        if not self.confirming:
            self.confirming = True
            self.query_one("#ws-error", Static).update(plain("! " + _(
                "Press u again to submit: a submitted summary can no longer change.")))
            return
        self._write(submit=True)

    def _write(self, *, submit: bool) -> None:
        if self.saving or self.draft is None:
            return
        self.confirming = False
        for field in ("", "summary", "plan"):
            self._set_error(field, "")
        self.saving = True
        self._save(self.period, self.query_one("#ws-summary", TextArea).text,
                   self.query_one("#ws-plan", TextArea).text, submit)

    @work(thread=True, exclusive=True, group="work-summary-save")
    def _save(self, period: str, summary: str, plan: str, submit: bool) -> None:
        write = submit_summary if submit else save_summary

        def save() -> SummaryDraft:
            write(self.session.office, self.session.staff, self.kind, period,
                  summary=summary, plan=plan)
            return work_summary(self.session.office, self.session.staff, self.kind, period)

        run_duty(self, save, lambda draft: self._saved(draft, submit), self._refused)

    def _saved(self, draft: SummaryDraft, submit: bool) -> None:
        self.saving = False
        self._show(draft)
        self.app.notify(_("Summary submitted.") if submit else _("Summary saved."),
                        markup=False, timeout=3)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.loads += 1
        self._set_error(field, message)
        if field in ERROR_LINES:
            self.query_one(f"#ws-{field}", TextArea).focus()

    def _set_error(self, field: str, message: str) -> None:
        target = ERROR_LINES.get(field, "#ws-error")
        self.query_one(target, Static).update(plain(("✗ " + message) if message else ""))

    # --- the other keys --------------------------------------------------------------------
    def action_step(self, by: int) -> None:
        if self.saving or self.draft is None:
            return
        self.confirming = False
        self._set_error("", "")
        if self.kind == "week":
            day = self.draft.first + dt.timedelta(days=7 * by)
        else:
            day = (self.draft.first if by < 0 else self.draft.last) + dt.timedelta(days=by)
        self.period = period_of(self.kind, day)
        self.query_one("#ws-title", Static).update(plain(self._title()))
        self._load(self.period)

    def action_close(self) -> None:
        if not self.saving:
            self.dismiss(None)
