"""The repair order's detail view (Enter on an order's row anywhere): every field, every
lifecycle moment in office time, the callbacks, the materials drawn, and the order's full
history from the change log (scrollable) [5.2][5.8][7.4.8]-[7.4.10].

The actions that fit the order's state are one key each, listed in the hint line:
``d`` dispatch / reassign (registered, dispatched), ``r`` returned (dispatched), ``c``
callback (returned: the F4 form), ``o`` reopen (returned, called back). Each opens a sub-form (``order_actions.py``) or the
callback form; when it is saved the view reads the order again. Esc closes.

``order_target(dashboard)`` reads which order Enter means: the highlighted row of the
focused pane (``o<id>`` in Open orders and Overdue callbacks, ``appointment:<id>`` and
``callback:repair_order:<id>`` in the timeline). ``open_order_detail(app, order_id)`` opens
the view.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from deskterm import display
from deskterm.clock import now_utc
from deskterm.db.models import database
from deskterm.display import ago, fit, plain, when
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
from deskterm.screens.repairs.order_actions import (
    DispatchScreen,
    ReopenScreen,
    ReturnScreen,
)

#: The change log's actions on an order, as the history lines name them.
HISTORY_WORDS = {
    "create": N_("registered"), "dispatch": N_("dispatched"), "return": N_("returned"),
    "callback": N_("called back"), "reopen": N_("reopened"), "approve": N_("approved"),
    "hand_over": N_("handed over"), "file": N_("filed"),
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
    place = [view.unit or _("public area"), view.building, view.district]
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


def action_hint(view: OrderView | None) -> str:
    keys = []
    if view is not None and view.can_dispatch:
        keys.append(_("d reassign") if view.state == "dispatched" else _("d dispatch"))
    if view is not None and view.can_return:
        keys.append(_("r returned"))
    if view is not None and view.can_call_back:
        keys.append(_("c callback"))
    if view is not None and view.can_reopen:
        keys.append(_("o reopen"))
    keys.append(_("↑↓ history"))
    keys.append(_("Esc close"))
    return " · ".join(keys)


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

    focused = dashboard.focused
    if focused is None:
        return None
    pane = next((node for node in focused.ancestors_with_self if isinstance(node, Pane)), None)
    if pane is None:
        return None
    table = pane.table
    if table.row_count == 0:
        return None
    row = min(max(table.cursor_row, 0), table.row_count - 1)
    key = table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
    return order_id_of(key)


def open_order_detail(app, order_id: int | None) -> OrderDetailScreen | None:
    """Open the detail view of ``order_id`` (a signed-in desk only); the pushed screen, or
    None when nothing was opened. Wire Enter as
    ``open_order_detail(app, order_target(app.dashboard))``."""
    if order_id is None:
        app.notify(_("Choose an order's row first, then press Enter."), title=_("Order"),
                   markup=False, timeout=4)
        return None
    if app.session.staff is None:
        return None
    screen = OrderDetailScreen(app.session, order_id)
    app.push_screen(screen)
    return screen


# --- the view ------------------------------------------------------------------------------------

class OrderDetailScreen(ModalScreen[None]):
    """One repair order, its history and its actions; reads itself again after each."""

    CSS_PATH = str(files("deskterm.styles") / "order_detail.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("d", "dispatch", show=False),
        Binding("r", "return_order", show=False),
        Binding("c", "callback", show=False),
        Binding("o", "reopen", show=False),
    ]

    def __init__(self, session, order_id: int) -> None:
        super().__init__(id="order-detail")
        self.session = session
        self.order_id = order_id
        self.view: OrderView | None = None
        self.loaded = False  # the first read has finished (found or not)
        self.loads = 0  # how many reads have finished, for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="od-form", classes="form"):
            yield Static(plain(_("Repair order")), id="od-title", classes="form-title",
                         markup=False)
            yield Static(plain("…"), id="od-fields", markup=False)
            yield Label(plain(_("History")), id="od-history-label", classes="field-label")
            with VerticalScroll(id="od-history"):
                yield Static(plain(""), id="od-history-text", markup=False)
            yield Static(plain(""), id="od-error", classes="field-error", markup=False)
            yield Static(plain(action_hint(None)), id="od-hint", classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one("#od-history").focus()
        self.reload()

    # --- reading the order ----------------------------------------------------------------
    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="order-detail")
    def _load(self) -> None:
        try:
            with database.connection_context():
                view = order_view(self.session.office, self.order_id, self.session.tz)
        except Exception as exc:  # noqa: BLE001 - the view says so; Esc still closes it
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, view)

    def _failed(self, message: str) -> None:
        self.loaded = True
        self.loads += 1
        self._set_error(message)

    def _show(self, view: OrderView | None) -> None:
        self.view = view
        self.loaded = True
        self.loads += 1
        self._set_error("")
        fields = self.query_one("#od-fields", Static)
        history = self.query_one("#od-history-text", Static)
        if view is None:
            fields.update(plain(_("There is no such repair order at this office.")))
            history.update(plain(""))
        else:
            now = now_utc()
            self.query_one("#od-title", Static).update(plain(title_text(view, now)))
            self.query_one("#od-history-label", Label).update(plain(history_label(view, now)))
            fields.update(Text("\n").join(
                plain(line) for line in detail_lines(view, self.session.tz, now)))
            history.update(Text("\n").join(
                plain(line) for line in history_lines(view.history, self.session.tz, now)))
            self.query_one("#od-history", VerticalScroll).scroll_end(animate=False)
        self.query_one("#od-hint", Static).update(plain(action_hint(view)))

    def _set_error(self, message: str) -> None:
        self.query_one("#od-error", Static).update(plain(("✗ " + message) if message else ""))

    # --- the actions ----------------------------------------------------------------------
    def _after(self, saved) -> None:
        """A sub-form closed: True (or the Callback row) when it stored something."""
        if saved is not None and saved is not False:
            self.reload()

    def _refuse(self, message: str) -> None:
        self._set_error(message)

    def _stateword(self) -> str:
        return word(STATE_WORDS, self.view.state if self.view else None)

    def action_dispatch(self) -> None:
        if self.view is None:
            return
        if not self.view.can_dispatch:
            self._refuse(_("The order is {state}: only an open order can be dispatched.")
                         .format(state=self._stateword()))
            return
        self._set_error("")
        self.app.push_screen(DispatchScreen(self.session, self.view), callback=self._after)

    def action_return_order(self) -> None:
        if self.view is None:
            return
        if not self.view.can_return:
            self._refuse(_("The order is {state}: only a dispatched order can be returned.")
                         .format(state=self._stateword()))
            return
        self._set_error("")
        self.app.push_screen(ReturnScreen(self.session, self.view), callback=self._after)

    def action_callback(self) -> None:
        if self.view is None:
            return
        if not self.view.can_call_back:
            self._refuse(_("The order is {state}: only a returned order is called back.")
                         .format(state=self._stateword()))
            return
        from deskterm.screens.repairs.callback_form import CallbackFormScreen

        self._set_error("")
        self.app.push_screen(CallbackFormScreen(self.session, "order", self.view.id),
                             callback=self._after)

    def action_reopen(self) -> None:
        if self.view is None:
            return
        if not self.view.can_reopen:
            self._refuse(_("The order is {state}: only a returned or called-back order can be "
                           "reopened.").format(state=self._stateword()))
            return
        self._set_error("")
        self.app.push_screen(ReopenScreen(self.session, self.view), callback=self._after)

    def action_close(self) -> None:
        self.dismiss(None)
