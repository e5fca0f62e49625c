"""One complaint in full (客户投诉记录表) [7.4.16]: every field in office time, its callbacks,
and its history from the change log (scrollable), with the actions that fit its state,
one key each, listed in the hint line:

- ``a`` assign (open) or pass to another handler (assigned): a Select of the office's
  staff who may handle it (``complaint_view.complaint_handlers``);
- ``h`` record the handling and its result (assigned): two TextAreas;
- ``b`` call back (handled): the callback form (F4) for this complaint;
- ``c`` close (called back: the duty closes a complaint only after its callback).

Each sub-form is a small ``ModalScreen`` (``complaint_actions.py``, built on the order
detail's ``ActionForm``); when it is saved the view reads the complaint again. Esc closes.

``open_complaint_detail(app, complaint_id)`` opens the view; ``complaint_id_of(key)``
reads a pane's row key (``c7`` in Overdue callbacks, ``callback:complaint:7`` in the
timeline).
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from deskterm import display
from deskterm.clock import now_utc
from deskterm.db.models import database
from deskterm.display import age, ago, fit, plain, when
from deskterm.duties.parsing import format_phone
from deskterm.duties.repairs.complaint_view import ComplaintView, complaint_view
from deskterm.duties.repairs.complaints import CATEGORIES, STATE_LABELS
from deskterm.duties.repairs.order_words import CHANNEL_WORDS, OUTCOME_WORDS
from deskterm.i18n import N_, _
from deskterm.screens.repairs.complaint_actions import (
    COMPLAINTS_CSS,
    TEXT_WIDTH,
    AssignScreen,
    CloseScreen,
    HandlingScreen,
    word,
)

#: The change log's actions on a complaint, in the clerk's words.
HISTORY_WORDS = {
    "create": N_("recorded"), "assign": N_("assigned"), "handle": N_("handled"),
    "reopen": N_("back to the handler"), "callback": N_("called back"), "close": N_("closed"),
}


# --- what the view shows (plain text) -------------------------------------------------------

def detail_lines(view: ComplaintView, tz: str, now: dt.datetime) -> list[str]:
    """The complaint's fields as lines of plain text; the description and the handling
    may take two lines each, every other line one."""
    def at(moment):
        return when(moment, tz, now)

    who = " ".join(p for p in (view.complainant_name, format_phone(view.phone)) if p) or "—"
    lines = [
        (" · ".join((word(STATE_LABELS, view.state), word(CATEGORIES, view.category),
                     _("via {channel}").format(channel=word(CHANNEL_WORDS, view.channel)),
                     _("received {when} by {name}").format(
                         when=at(view.received_at), name=view.received_by or "—"))), 1),
        (" · ".join((view.unit or _("no unit"), _("complainant {who}").format(who=who))), 1),
        (_("Complaint: {text}").format(text=view.description), 2),
        (" · ".join((_("Handler {name}").format(name=view.handler or "—"),
                     _("handled {when}").format(when=at(view.handled_at)))), 1),
        (_("Handling: {text}").format(text=view.handling or "—"), 2),
        (_("Result: {text}").format(text=view.result or "—"), 1),
    ]
    due = _("Callback due {when}").format(when=at(view.callback_due_at))
    if view.state == "handled" and view.callback_due_at is not None:
        if now > view.callback_due_at:
            due += " " + _("! {age} late").format(age=age(view.callback_due_at, now))
        else:
            due += " " + _("({age} left)").format(age=age(now, view.callback_due_at))
    called = _("called back {when}").format(when=at(view.called_back_at))
    if view.callback_on_time is not None:
        called += " " + (_("✓ on time") if view.callback_on_time else _("✗ late"))
    lines.append((" · ".join((due, called, _("closed {when}").format(
        when=at(view.closed_at)))), 1))
    if view.callbacks:
        lines.append((_("Callbacks: {items}").format(items="; ".join(
            " ".join(p for p in (at(c.at), word(OUTCOME_WORDS, c.outcome), c.by,
                                 c.note and f"“{c.note}”") if p)
            for c in view.callbacks)), 2))
    return [fit(line, rows * TEXT_WIDTH) for line, rows in lines]


def title_text(view: ComplaintView, now: dt.datetime) -> str:
    """``Complaint TS-… · received 3 hours ago`` / ``… · received 3小时前``."""
    head = _("Complaint {number}").format(number=view.number)
    return fit(head + " · " + _("received {ago}").format(ago=ago(view.received_at, now)),
               TEXT_WIDTH)


def history_label(view: ComplaintView, now: dt.datetime) -> str:
    """``History · updated 35 minutes ago`` (``display.history_label``)."""
    return display.history_label(view.history, now, TEXT_WIDTH)


def history_lines(view: ComplaintView, tz: str, now: dt.datetime) -> list[str]:
    """One line per change-log row, newest last: ``11-26 10:05 李静 assigned: handler: …``.
    Long changes wrap in the view; nothing is cut."""
    if not view.history:
        return [_("No changes recorded for this complaint.")]
    return [f"{when(h.at, tz, now)} {h.who} {word(HISTORY_WORDS, h.action)}"
            + (f": {h.what}" if h.what else "") for h in view.history]


def action_hint(view: ComplaintView | None) -> str:
    keys = []
    if view is not None and view.can_assign:
        keys.append(_("a reassign") if view.state == "assigned" else _("a assign"))
    if view is not None and view.can_handle:
        keys.append(_("h handling"))
    if view is not None and view.can_call_back:
        keys.append(_("b call back"))
    if view is not None and view.can_close:
        keys.append(_("c close"))
    keys.append(_("↑↓ history"))
    keys.append(_("Esc close"))
    return " · ".join(keys)


def complaint_id_of(key: str | None) -> int | None:
    """A pane row key → the complaint id: ``c7``, ``callback:complaint:7`` → 7; else None."""
    if not key:
        return None
    for prefix in ("c", "callback:complaint:"):
        rest = key[len(prefix):]
        if key.startswith(prefix) and rest.isdigit():
            return int(rest)
    return None


def open_complaint_detail(app, complaint_id: int | None, *, callback=None
                          ) -> ComplaintDetailScreen | None:
    """Open the detail view of ``complaint_id`` (a signed-in desk only); the pushed screen,
    or None when nothing was opened. ``callback`` runs when the view closes."""
    if complaint_id is None:
        app.notify(_("Choose a complaint's row first, then press Enter."),
                   title=_("Complaint"), markup=False, timeout=4)
        return None
    if app.session.staff is None:
        return None
    screen = ComplaintDetailScreen(app.session, complaint_id)
    app.push_screen(screen, callback=callback)
    return screen


# --- the view -----------------------------------------------------------------------------------------

class ComplaintDetailScreen(ModalScreen[None]):
    """One complaint, its callbacks, its history and its actions; reads itself again
    after each."""

    CSS_PATH = [str(files("deskterm.styles") / "order_detail.tcss"), COMPLAINTS_CSS]
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("a", "assign", show=False),
        Binding("h", "handle", show=False),
        Binding("b", "call_back", show=False),
        Binding("c", "close_complaint", show=False),
    ]

    def __init__(self, session, complaint_id: int) -> None:
        super().__init__(id="complaint-detail")
        self.session = session
        self.complaint_id = complaint_id
        self.view: ComplaintView | None = None
        self.loaded = False  # the first read has finished (found or not)
        self.loads = 0  # how many reads have finished, for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="cd-form", classes="form"):
            yield Static(plain(_("Complaint")), id="cd-title", classes="form-title",
                         markup=False)
            yield Static(plain("…"), id="cd-fields", markup=False)
            yield Label(plain(_("History")), id="cd-history-label", classes="field-label")
            with VerticalScroll(id="cd-history"):
                yield Static(plain(""), id="cd-history-text", markup=False)
            yield Static(plain(""), id="cd-error", classes="field-error", markup=False)
            yield Static(plain(action_hint(None)), id="cd-hint", classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one("#cd-history").focus()
        self.reload()

    # --- reading the complaint ------------------------------------------------------------
    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="complaint-detail")
    def _load(self) -> None:
        try:
            with database.connection_context():
                view = complaint_view(self.session.office, self.complaint_id, self.session.tz)
        except Exception as exc:  # noqa: BLE001 - the view says so; Esc still closes it
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, view)

    def _failed(self, message: str) -> None:
        self.loaded = True
        self.loads += 1
        self._set_error(message)

    def _show(self, view: ComplaintView | None) -> None:
        self.view = view
        self.loaded = True
        self.loads += 1
        self._set_error("")
        fields = self.query_one("#cd-fields", Static)
        history = self.query_one("#cd-history-text", Static)
        if view is None:
            fields.update(plain(_("There is no such complaint at this office.")))
            history.update(plain(""))
        else:
            now = now_utc()
            self.query_one("#cd-title", Static).update(plain(title_text(view, now)))
            self.query_one("#cd-history-label", Label).update(plain(history_label(view, now)))
            fields.update(Text("\n").join(
                plain(line) for line in detail_lines(view, self.session.tz, now)))
            history.update(Text("\n").join(
                plain(line) for line in history_lines(view, self.session.tz, now)))
            self.query_one("#cd-history", VerticalScroll).scroll_end(animate=False)
        self.query_one("#cd-hint", Static).update(plain(action_hint(view)))

    def _set_error(self, message: str) -> None:
        self.query_one("#cd-error", Static).update(plain(("✗ " + message) if message else ""))

    # --- the actions ----------------------------------------------------------------------
    def _after(self, saved) -> None:
        """A sub-form closed: True (or the Callback row) when it stored something."""
        if saved is not None and saved is not False:
            self.reload()

    def _allowed(self, allowed: bool, message: str) -> bool:
        if self.view is None:
            return False
        if not allowed:
            self._set_error(message.format(state=word(STATE_LABELS, self.view.state)))
            return False
        self._set_error("")
        return True

    def action_assign(self) -> None:
        if self._allowed(self.view is not None and self.view.can_assign, _(
                "The complaint is {state}: only an open or assigned complaint is assigned.")):
            self.app.push_screen(AssignScreen(self.session, self.view), callback=self._after)

    def action_handle(self) -> None:
        if self._allowed(self.view is not None and self.view.can_handle, _(
                "The complaint is {state}: only an assigned complaint is handled (a "
                "assigns it).")):
            self.app.push_screen(HandlingScreen(self.session, self.view), callback=self._after)

    def action_call_back(self) -> None:
        if self._allowed(self.view is not None and self.view.can_call_back, _(
                "The complaint is {state}: only a handled complaint is called back.")):
            from deskterm.screens.repairs.callback_form import CallbackFormScreen

            self.app.push_screen(CallbackFormScreen(self.session, "complaint", self.view.id),
                                 callback=self._after)

    def action_close_complaint(self) -> None:
        if self._allowed(self.view is not None and self.view.can_close, _(
                "The complaint is {state}: a complaint is closed only after its callback.")):
            self.app.push_screen(CloseScreen(self.session, self.view), callback=self._after)

    def action_close(self) -> None:
        self.dismiss(None)
