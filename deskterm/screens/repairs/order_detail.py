"""The repair order's detail view (Enter on an order's row anywhere): every field, every
lifecycle moment in office time, the callbacks, the materials drawn, and the order's full
history from the change log (scrollable) [5.2][5.8][7.4.8]-[7.4.10].

The actions that fit the order's state are one key each, listed in the hint line:
``d`` dispatch / reassign (registered, dispatched), ``r`` returned (dispatched), ``c``
callback (returned: the F4 form), ``o`` reopen (returned, called back). Each opens a
sub-form (``order_actions.py``) or the callback form; when it is saved the view reads the
order again. ``p`` prints the order's repair slip with its stub (dispatched or later;
a second print says 补打: ``slip_print.py``). The message to the technician has a
line under his, and ``m`` sends a failed one again (``order_messages.py``). Esc closes. The view is the kit's
``DetailScreen`` (shared with the
complaint's): the order is read through the kit, database trouble said on its message
line.

``order_target(dashboard)`` reads which order Enter means: the highlighted row of the
focused pane (``o<id>`` in Open orders and Overdue callbacks, ``appointment:<id>`` and
``callback:repair_order:<id>`` in the timeline). ``open_order_detail(app, order_id)`` opens
the view.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from textual.binding import Binding

from deskterm import display
from deskterm.display import ago, fit, when
from deskterm.duties.agenda.timeline import CATEGORY_LABELS
from deskterm.duties.parsing import format_phone
from deskterm.duties.repairs.order_view import HistoryLine, OrderView, order_view
from deskterm.duties.repairs.order_words import (
    CHANNEL_WORDS,
    OUTCOME_WORDS,
    RESULT_WORDS,
    STATE_WORDS,
    URGENCY_WORDS,
    word,
)
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.kit.detail import DetailAction, DetailScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.repairs.order_actions import DispatchScreen, ReopenScreen, ReturnScreen
from deskterm.screens.repairs.order_messages import (
    MessagePart,
    with_message,
    with_message_line,
)
from deskterm.screens.repairs.parts import pane_row_key
from deskterm.screens.repairs.slip_print import PrintsSlip

#: The change log's actions on an order, as the history lines name them.
HISTORY_WORDS = {
    "create": N_("registered"), "dispatch": N_("dispatched"), "return": N_("returned"),
    "callback": N_("called back"), "reopen": N_("reopened"), "approve": N_("approved"),
    "hand_over": N_("handed over"), "file": N_("filed"), "chase": N_("chased by the owner"),
    "print_slip": N_("slip printed"), "reprint_slip": N_("slip reprinted (补打)"),
    "slip_back": N_("slip copied in"),
}
#: What the view is wide inside its border and padding, for cutting long text.
TEXT_WIDTH = 74


# --- what the view shows (plain text; no Textual) ---------------------------------------------

def detail_lines(view: OrderView, tz: str, now: dt.datetime) -> list[str]:
    """The order's fields as lines of plain text, each at most TEXT_WIDTH cells."""
    def at(moment):
        return when(moment, tz, now)

    head = [word(STATE_WORDS, view.state), word(URGENCY_WORDS, view.urgency),
            word(CATEGORY_LABELS, view.category), _("via {channel}").format(
                channel=word(CHANNEL_WORDS, view.channel))]
    if view.reopened_count:
        head.append(_("reopened {n}×").format(n=view.reopened_count))
    place = [view.unit or view.place or _("public area"), view.building, view.district]
    reporter = " ".join(p for p in (view.reporter_name,
                                    format_phone(view.reporter_phone)) if p) or "—"
    lines = [
        " · ".join(head),
        " · ".join(p for p in place if p) + " · " + _("reporter {who}").format(who=reporter),
        _("Request: {text}").format(text=view.description),
        " · ".join((_("Technician {name}").format(name=view.technician or "—"),
                    _("appointment {when}").format(when=at(view.appointment_at)))),
        " · ".join((_("Registered {when} by {name}").format(
            when=at(view.registered_at), name=view.registered_by or "—"),
            _("dispatched {when}").format(when=at(view.dispatched_at)),
            _("returned {when}").format(when=at(view.returned_at)))),
        " · ".join((_("Result {result}").format(result=word(RESULT_WORDS, view.result)),
                    _("charge {amount}").format(amount=format_fen(view.charge)),
                    _("work: {text}").format(text=view.work_done or "—"))),
    ]
    if view.materials:
        lines.append(_("Materials: {items}").format(items=", ".join(
            f"{m.code} {m.name} ×{m.quantity}{m.uom}" for m in view.materials)))
    called = _("called back {when}").format(when=at(view.called_back_at))
    if view.callback_on_time is not None:
        called += " " + (_("(on time)") if view.callback_on_time else _("(late)"))
    later = [_("Callback due {when}").format(when=at(view.callback_due_at)), called]
    if view.approved_at:
        later.append(_("approved {when} by {name}").format(when=at(view.approved_at),
                                                          name=view.approved_by or "—"))
    if view.handed_over_at:
        later.append(_("handed over {when} to {name}").format(
            when=at(view.handed_over_at), name=view.handed_over_to or "—"))
    if view.filed_at:
        later.append(_("filed {when}").format(when=at(view.filed_at)))
    lines.append(" · ".join(later))
    if view.callbacks:
        lines.append(_("Callbacks: {items}").format(items="; ".join(
            " ".join(p for p in (at(c.at), word(OUTCOME_WORDS, c.outcome), c.by,
                                 c.note and f"“{c.note}”") if p)
            for c in view.callbacks)))
    # The request may take two lines; every other line one.
    return [fit(line, 2 * TEXT_WIDTH if number == 2 else TEXT_WIDTH)
            for number, line in enumerate(lines)]


def title_text(view: OrderView, now: dt.datetime) -> str:
    """``Repair order WX-… · registered 3 hours ago`` / ``… · registered 3小时前``."""
    head = _("Repair order {number}").format(number=view.number)
    return fit(head + " · " + _("registered {ago}").format(ago=ago(view.registered_at, now)),
               TEXT_WIDTH)


def history_label(view: OrderView, now: dt.datetime) -> str:
    """``History · updated 35 minutes ago`` (``display.history_label``)."""
    return display.history_label(view.history, now, TEXT_WIDTH)


def history_lines(history: tuple[HistoryLine, ...], tz: str, now: dt.datetime) -> list[str]:
    """One line per change-log row, newest last: ``11-26 10:05 李静 dispatch: state: …``.
    Long changes wrap in the view; nothing is cut."""
    if not history:
        # The demo's history is seeded in bulk, without a change-log row per order.
        return [_("No changes recorded for this order.")]
    return [f"{when(h.at, tz, now)} {h.who} {word(HISTORY_WORDS, h.action)}"
            + (f": {h.what}" if h.what else "")
            for h in history]


# --- which order Enter means ---------------------------------------------------------------------

def order_id_of(key: str | None) -> int | None:
    """A pane row key → the order id: ``o12``, ``appointment:12``,
    ``callback:repair_order:12`` → 12; anything else (complaints, cash sessions) → None."""
    if not key:
        return None
    for prefix in ("o", "appointment:", "callback:repair_order:"):
        rest = key[len(prefix):]
        if key.startswith(prefix) and rest.isdigit():
            return int(rest)
    return None


def order_target(dashboard) -> int | None:
    """The order under the cursor of the focused pane, or None (no pane focused, an empty
    pane, or a row that is not an order)."""
    from deskterm.widgets.pane import Pane

    return order_id_of(pane_row_key(dashboard, Pane))


def open_order_detail(app, order_id: int | None) -> OrderDetailScreen | None:
    """Open the detail view of ``order_id`` (a signed-in desk only); the pushed screen, or
    None when nothing was opened. Wire Enter as
    ``open_order_detail(app, order_target(app.dashboard))``."""
    if order_id is None:
        app.notify(_("Choose an order's row first, then press Enter."), title=_("Order"),
                   markup=False, timeout=4)
        return None
    return open_screen(app, OrderDetailScreen, order_id)


# --- the view ------------------------------------------------------------------------------------

def _callback_form(screen, view):
    from deskterm.screens.repairs.callback_form import CallbackFormScreen

    return CallbackFormScreen(screen.session, "order", view.id)


class OrderDetailScreen(MessagePart, PrintsSlip, DetailScreen):
    """One repair order, its history and its actions; reads itself again after each.
    ``p`` prints its repair slip (``slip_print.py``)."""

    CSS_PATH = str(files("deskterm.styles") / "order_detail.tcss")
    PREFIX = "od"
    TITLE_TEXT = N_("Repair order")
    NOT_FOUND = N_("There is no such repair order at this office.")
    STATE_WORDS = STATE_WORDS
    BINDINGS = [Binding("p", "print_slip", show=False),
                Binding("m", "send_again", show=False)]  # the message: order_messages.py
    ACTIONS = (
        DetailAction("d", "can_dispatch",
                     lambda view: N_("d reassign") if view.state == "dispatched"
                     else N_("d dispatch"),
                     N_("The order is {state}: only an open order can be dispatched."),
                     lambda screen, view: DispatchScreen(screen.session, view)),
        DetailAction("r", "can_return", N_("r returned"),
                     N_("The order is {state}: only a dispatched order can be returned."),
                     lambda screen, view: ReturnScreen(screen.session, view)),
        DetailAction("c", "can_call_back", N_("c callback"),
                     N_("The order is {state}: only a returned order is called back."),
                     _callback_form),
        DetailAction("o", "can_reopen", N_("o reopen"),
                     N_("The order is {state}: only a returned or called-back order can be "
                        "reopened."),
                     lambda screen, view: ReopenScreen(screen.session, view)),
    )

    def __init__(self, session, order_id: int) -> None:
        super().__init__(session, order_id, id="order-detail")
        self.order_id = order_id

    def fetch(self, order_id: int) -> OrderView | None:
        return with_message(self.session.office,
                            order_view(self.session.office, order_id, self.session.tz))

    def title_of(self, view: OrderView, now: dt.datetime) -> str:
        return title_text(view, now)

    def history_label(self, view: OrderView, now: dt.datetime) -> str:
        return history_label(view, now)

    def field_lines(self, view: OrderView, now: dt.datetime) -> list[str]:
        return with_message_line(detail_lines(view, self.session.tz, now), view,
                                 self.session.tz, now)

    def history_lines(self, view: OrderView, now: dt.datetime) -> list[str]:
        return history_lines(view.history, self.session.tz, now)
