"""The unit's card (issue #13): as soon as a form knows the caller's unit, what the desk
knows about it — open orders (late or not, chased), what it owes, open complaints, the
last callback — without a key. The call intake (F2), the complaint (F7) and the visit
(F8) get it from ``caller.CallerPart``; the payment (F3) composes it itself.

``UnitCard.show_unit(unit_id=..., code=...)`` reads ``duties.repairs.unit_card`` in the
kit's worker (``run_duty``): one read per unit (asking again for the unit shown does
nothing), a newer unit supersedes an older read (its answer is dropped). What it shows:

- nothing (no room taken) until a unit is asked for, and after ``clear()``;
- "reading" while the read runs, then the card (``card_lines``), or that the office has
  no such unit;
- database trouble as a state, in the clerk's words ("Could not load: ..."): the form
  works on, and ``retry()`` (the form's ``after_trouble``, when the database answers
  again) reads it again.

Each answer posts ``UnitCard.Answered`` (a form waiting for the card before it saves).
The lines fit the card's width, CJK-aware; all text is plain (no markup).
"""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import SYMBOLS, age, fit, plain, when
from deskterm.duties.agenda.timeline import CATEGORY_LABELS
from deskterm.duties.repairs.complaints import STATE_LABELS as COMPLAINT_STATES
from deskterm.duties.repairs.order_words import OUTCOME_WORDS, STATE_WORDS, word
from deskterm.duties.repairs.unit_card import CardOrder, unit_card
from deskterm.duties.repairs.unit_card import UnitCard as CardData
from deskterm.i18n import _, ngettext
from deskterm.money import format_fen
from deskterm.screens.kit.duty import run_duty

#: The card's lines at most: the summary, then the orders, a complaint, the callback.
MAX_LINES = 5
WIDTH = 76  # until the card has been laid out

EMPTY, READING, SHOWN, UNKNOWN, TROUBLE = "empty", "reading", "shown", "unknown", "trouble"
RETRY_SECONDS = 1.0


def _pad(text: str, width: int) -> str:
    text = fit(text, width)
    return text + " " * max(0, width - cell_len(text))


def _summary(card: CardData, chase_key: str) -> str:
    parts = [card.code]
    if card.open_orders:
        orders = ngettext("{n} open order", "{n} open orders", card.open_orders).format(
            n=card.open_orders)
        if chase_key:
            orders += " " + _("({key}: chase)").format(key=chase_key)
        parts.append(orders)
    else:
        parts.append(_("no open orders"))
    if card.owed:
        owed = _("owes {amount}").format(amount=format_fen(card.owed))
        if card.oldest_due:
            owed += " " + _("since {month}").format(month=card.oldest_due)
        parts.append(owed)
    else:
        parts.append(_("owes nothing"))
    return " · ".join(parts)


def order_lines(orders: tuple[CardOrder, ...], tz: str, now: dt.datetime,
                 width: int) -> list[str]:
    states = [word(STATE_WORDS, o.state) for o in orders]
    techs = [o.technician or "—" for o in orders]
    state_width = max(cell_len(s) for s in states)
    tech_width = min(8, max(cell_len(t) for t in techs))
    lines = []
    for order, state, tech in zip(orders, states, techs, strict=True):
        if order.appointment_at is None:
            appt = _("no time")
        else:
            appt = when(order.appointment_at, tz, now)
            if order.late:
                appt += " " + _("late {age}").format(age=age(order.appointment_at, now))
            else:
                appt += " " + _("in {age}").format(age=age(now, order.appointment_at))
        chased = f" {SYMBOLS['chased']}{order.chases}" if order.chases else ""
        what = _("{category}: {what}").format(category=word(CATEGORY_LABELS, order.category),
                                              what=" ".join(order.description.split()))
        mark = SYMBOLS["overdue"] if order.late else SYMBOLS["upcoming"]
        lines.append(fit(f"{mark} {order.number} {_pad(state, state_width)} "
                         f"{_pad(tech, tech_width)} {appt}{chased}  {what}", width))
    return lines


def card_lines(card: CardData, tz: str, now: dt.datetime, width: int = WIDTH, *,
               chase_key: str = "") -> list[str]:
    """The card as plain lines of at most ``width`` cells (at most ``MAX_LINES``)."""
    tail: list[str] = []
    if card.complaints:
        complaint = card.complaints[0]
        what = " ".join(complaint.description.split())
        if card.open_complaints > 1:
            what += " " + _("(+{n} more)").format(n=card.open_complaints - 1)
        tail.append(fit(_("Open complaint {number} · {state} · {what}").format(
            number=complaint.number, state=word(COMPLAINT_STATES, complaint.state),
            what=what), width))
    if card.last_callback is not None:
        back = card.last_callback
        tail.append(fit(_("Last callback {when} {number}: {outcome}").format(
            when=when(back.at, tz, now), number=back.number,
            outcome=word(OUTCOME_WORDS, back.outcome)), width))
    room = max(1, MAX_LINES - 1 - len(tail))
    orders = order_lines(card.orders[:room], tz, now, width) if card.orders else []
    return [fit(_summary(card, chase_key), width), *orders, *tail]


class UnitCard(Static):
    """The card of the unit a form is about (see the module's docstring)."""

    DEFAULT_CSS = """
    UnitCard { height: auto; display: none; color: $text; border-left: outer $secondary;
               padding-left: 1; }
    UnitCard.-shown { display: block; }
    UnitCard.-muted { color: $text-muted; }
    UnitCard.-trouble { color: $warning; }
    """

    class Answered(Message):
        """The card's read came back (shown, unknown or trouble)."""

        def __init__(self, card: UnitCard) -> None:
            super().__init__()
            self.card = card

    def __init__(self, office, tz: str, *, chase_key: str = "", **kwargs) -> None:
        super().__init__(plain(""), markup=False, **kwargs)
        self.office = office
        self.tz = tz
        self.chase_key = chase_key
        self.state = EMPTY
        self.card: CardData | None = None  # what is shown (None until a read answered)
        self.code = ""  # the unit asked for
        self._unit_id: int | None = None
        self._message = ""
        self.reads = 0  # reads started (tests: one per unit)

    # --- asking ----------------------------------------------------------------------------
    def show_unit(self, *, unit_id: int | None = None, code: str = "") -> None:
        """Show the card of the unit ``unit_id`` (or with ``code``, as ``parse_unit_code``
        writes it). The unit shown already (or being read) is not read again."""
        if not unit_id and not code:
            self.clear()
            return
        same = (code and code == self.code) or (unit_id and unit_id == self._unit_id)
        if same and self.state in (READING, SHOWN, UNKNOWN):
            return
        self.code, self._unit_id = code, unit_id
        self._retries = 0
        self._read()

    _retries = 0  # reads again by itself after failures (see ``_failed``)

    def clear(self) -> None:
        """No unit: nothing shown, and a read under way is dropped."""
        self.code, self._unit_id, self.card = "", None, None
        self.state = EMPTY
        self.workers.cancel_group(self, "unit-card")
        self._show_lines()

    def retry(self) -> None:
        """Read again a card the database could not give (its trouble is over)."""
        if self.state == TROUBLE:
            self._read()

    @property
    def pending(self) -> bool:
        return self.state == READING

    def _read(self) -> None:
        self.state, self.card = READING, None
        self.reads += 1
        unit_id, code = self._unit_id, self.code
        self._show_lines()
        run_duty(self, lambda: unit_card(self.office, unit_id, code=code or None),
                 done=lambda card: self._answered(unit_id, code, card),
                 refused=lambda _field, message: self._failed(unit_id, code, message),
                 group="unit-card", load=True)

    def _current(self, unit_id, code) -> bool:
        return (unit_id, code) == (self._unit_id, self.code)

    def _answered(self, unit_id, code, card: CardData | None) -> None:
        if not self._current(unit_id, code):
            return  # an answer for a unit since left
        self.card = card
        self.state = SHOWN if card is not None else UNKNOWN
        if card is not None:
            self.code, self._unit_id = card.code, card.unit_id
        self._show_lines()
        self.post_message(self.Answered(self))

    def _failed(self, unit_id, code, message: str) -> None:
        if not self._current(unit_id, code):
            return
        self.state, self._message = TROUBLE, message
        self._show_lines()
        self.post_message(self.Answered(self))
        health = getattr(self.app, "db_health", None)
        if health is None or not health.troubled:
            # The database answered again before this failure arrived (the form's
            # ``after_trouble`` has been and gone), or it was no trouble of the database
            # (a bug, in the desk's log): read again a moment later, less often each time.
            self._retries += 1
            self.set_timer(min(RETRY_SECONDS * 2 ** (self._retries - 1), 30.0), self.retry)

    # --- showing ---------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._show_lines()

    def shown_lines(self) -> list[str]:
        width = self.content_region.width or WIDTH
        if self.state == SHOWN and self.card is not None:
            return card_lines(self.card, self.tz, now_utc(), width, chase_key=self.chase_key)
        if self.state == READING:
            return [fit(_("{unit}: reading the unit's card…").format(unit=self.code or "…"),
                        width)]
        if self.state == UNKNOWN:
            return [fit(_("There is no unit {unit} at this office.").format(unit=self.code),
                        width)]
        if self.state == TROUBLE:
            return [fit(f"{self.code}: {self._message}", width)]
        return []

    def _show_lines(self) -> None:
        lines = self.shown_lines()
        self.set_class(bool(lines), "-shown")
        self.set_class(self.state in (READING, UNKNOWN), "-muted")
        self.set_class(self.state == TROUBLE, "-trouble")
        self.update(Text("\n").join(plain(line) for line in lines))
