"""One complaint in full (客户投诉记录表) [7.4.16]: every field in office time, its callbacks,
and its history from the change log (scrollable), with the actions that fit its state,
one key each, listed in the hint line:

- ``a`` assign (open) or pass to another handler (assigned): a Select of the office's
  staff who may handle it (``complaint_view.complaint_handlers``);
- ``h`` record the handling and its result (assigned): two TextAreas;
- ``b`` call back (handled): the callback form (F4) for this complaint;
- ``c`` close (called back: the duty closes a complaint only after its callback).

Each sub-form is a kit form (``complaint_actions.py``, built on the order detail's
``ActionForm``); when it is saved the view reads the complaint again. Esc closes. The
view is the kit's ``DetailScreen`` (shared with the order's).

``open_complaint_detail(app, complaint_id)`` opens the view; ``complaint_id_of(key)``
reads a pane's row key (``c7`` in Overdue callbacks, ``callback:complaint:7`` in the
timeline).
"""

from __future__ import annotations

import datetime as dt

from deskterm import display
from deskterm.display import age, ago, fit, when
from deskterm.duties.parsing import format_phone
from deskterm.duties.repairs.complaint_view import ComplaintView, complaint_view
from deskterm.duties.repairs.complaints import CATEGORIES, STATE_LABELS
from deskterm.duties.repairs.order_words import CHANNEL_WORDS, OUTCOME_WORDS, word
from deskterm.i18n import N_, _
from deskterm.screens.kit.detail import DetailAction, DetailScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.repairs.complaint_actions import (
    COMPLAINTS_CSS,
    TEXT_WIDTH,
    AssignScreen,
    CloseScreen,
    HandlingScreen,
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
    return open_screen(app, ComplaintDetailScreen, complaint_id, callback=callback)


# --- the view -----------------------------------------------------------------------------------------

def _callback_form(screen, view):
    from deskterm.screens.repairs.callback_form import CallbackFormScreen

    return CallbackFormScreen(screen.session, "complaint", view.id)


class ComplaintDetailScreen(DetailScreen):
    """One complaint, its callbacks, its history and its actions; reads itself again
    after each."""

    CSS_PATH = COMPLAINTS_CSS
    PREFIX = "cd"
    TITLE_TEXT = N_("Complaint")
    NOT_FOUND = N_("There is no such complaint at this office.")
    STATE_WORDS = STATE_LABELS
    ACTIONS = (
        DetailAction("a", "can_assign",
                     lambda view: N_("a reassign") if view.state == "assigned"
                     else N_("a assign"),
                     N_("The complaint is {state}: only an open or assigned complaint is "
                        "assigned."),
                     lambda screen, view: AssignScreen(screen.session, view)),
        DetailAction("h", "can_handle", N_("h handling"),
                     N_("The complaint is {state}: only an assigned complaint is handled (a "
                        "assigns it)."),
                     lambda screen, view: HandlingScreen(screen.session, view)),
        DetailAction("b", "can_call_back", N_("b call back"),
                     N_("The complaint is {state}: only a handled complaint is called back."),
                     _callback_form),
        DetailAction("c", "can_close", N_("c close"),
                     N_("The complaint is {state}: a complaint is closed only after its "
                        "callback."),
                     lambda screen, view: CloseScreen(screen.session, view)),
    )

    def __init__(self, session, complaint_id: int) -> None:
        super().__init__(session, complaint_id, id="complaint-detail")
        self.complaint_id = complaint_id

    def fetch(self, complaint_id: int) -> ComplaintView | None:
        return complaint_view(self.session.office, complaint_id, self.session.tz)

    def title_of(self, view: ComplaintView, now: dt.datetime) -> str:
        return title_text(view, now)

    def history_label(self, view: ComplaintView, now: dt.datetime) -> str:
        return history_label(view, now)

    def field_lines(self, view: ComplaintView, now: dt.datetime) -> list[str]:
        return detail_lines(view, self.session.tz, now)

    def history_lines(self, view: ComplaintView, now: dt.datetime) -> list[str]:
        return history_lines(view, self.session.tz, now)
