"""The chase (催单) in the call intake (F2, issue #13): the caller's unit already has an open
order, and the owner rings about it ("where is my repairman?").

The unit's card (``kit.unit_card``, from ``CallerPart``) shows the unit's open orders the
moment the unit is known. ``ChasePart``, mixed into the call intake before ``CallerPart``,
adds:

- ``CHASE_KEY`` (ctrl+o; the form binds it to ``chase``): records that the caller chased
  the open order instead of registering a new one (``duties.repairs.chases.chase_order``:
  counted on the order, in its history, raised on Open orders; the call itself a
  service-register line pointing at the order). With several open orders a question asks
  which (1-3). The form closes: no new order is made.
- ctrl+s on a repair for a unit with an open order of the same category (not "other",
  which names no fault) asks first
  (``SameCategoryQuestion``): ``c`` chase that order instead, ``s`` save a new order all
  the same (not asked again for that unit and category), Esc back to the form. A ctrl+s
  that comes while the card is still being read waits for it.
"""

from __future__ import annotations

from textual.binding import Binding

from deskterm.clock import now_utc
from deskterm.duties.repairs.chases import chase_order
from deskterm.duties.repairs.unit_card import CardOrder
from deskterm.i18n import _
from deskterm.screens.kit.asking import Question
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.unit_card import UnitCard, order_lines

CHASE, SAVE = "chase", "save"
#: Orders the chase question offers at most (keys 1-3).
CHOICES = 3


class SameCategoryQuestion(Question):
    """Saving a repair for a unit with an open order of the same category."""

    BINDINGS = [
        Binding("c", "answer('chase')", show=False),
        Binding("s", "answer('save')", show=False),
        Binding("escape", "answer('back')", show=False),
    ]

    def __init__(self, code: str, order: CardOrder, line: str) -> None:
        super().__init__(
            _("{unit} already has an open order of this category").format(unit=code),
            [line, _("The owner may be chasing it, not reporting a new fault.")],
            _("c chase that order instead · s save a new order · Esc back to the form"))
        self.order = order


class ChaseChoice(Question):
    """Which of the unit's open orders the caller chases."""

    BINDINGS = [
        *(Binding(str(n), f"answer('{n - 1}')", show=False) for n in range(1, CHOICES + 1)),
        Binding("escape", "answer('back')", show=False),
    ]

    def __init__(self, code: str, lines: list[str]) -> None:
        super().__init__(_("Which order of {unit} does the caller chase?").format(unit=code),
                         [f"{n} {line}" for n, line in enumerate(lines, start=1)],
                         _("1-{n} chase that order · Esc back to the form").format(
                             n=len(lines)))
        self.count = len(lines)

    def action_answer(self, answer: str) -> None:
        if answer.isdigit() and int(answer) >= self.count:
            return
        super().action_answer(answer)


class ChasePart:
    """Mixed into the call intake before ``CallerPart`` (see the module's docstring)."""

    CHASE_KEY = "ctrl+o"

    _save_after_card = False  # ctrl+s came while the card was being read
    _new_order_confirmed: tuple[str, str] | None = None  # (unit, category) answered "s"

    # --- the chase key ---------------------------------------------------------------------
    def action_chase(self) -> None:
        if self.saving:
            return
        card = self.unit_card
        if card.pending:
            self.show_error("form", _("The unit's card is still being read: a moment."))
            return
        orders = card.card.orders if card.card is not None else ()
        if not orders:
            self.show_error("form", _("No open order to chase: the unit's card shows none."))
            return
        if len(orders) == 1:
            self._chase(orders[0])
            return
        offered = orders[:CHOICES]
        lines = order_lines(offered, self.session.tz, now_utc(), 52)
        self.app.push_screen(ChaseChoice(card.card.code, lines),
                             callback=lambda answer: self._chosen(offered, answer))

    def _chosen(self, offered: tuple[CardOrder, ...], answer: str | None) -> None:
        if answer is not None and answer.isdigit() and int(answer) < len(offered):
            self._chase(offered[int(answer)])

    def _chase(self, order: CardOrder) -> None:
        """The caller chased ``order``: recorded in the kit's worker; the form closes."""
        self.clear_errors()
        values = self.values()
        name = (values.get("name") or "").strip()
        picked = self._picked_owner
        owner = (picked[0] if picked is not None and picked[1] == name
                 and picked[2] == self.unit_card.code else None)
        phone, request = (values.get("phone") or "").strip(), values.get("request") or ""
        self._set_saving(True)
        run_duty(self, lambda: chase_order(
            self.office, self.clerk_id(), order.id, caller_name=name, phone=phone,
            owner=owner, request=request, channel=self.channel),
            done=self._chased, refused=self.refused, failed=self._save_failed,
            group=f"{self.PREFIX}-chase")

    def _chased(self, result) -> None:
        entry, order = result
        self._set_saving(False)
        self._drop_draft()
        self.app.notify(_("Order {number} chased (×{count}): no new order.").format(
            number=order.number, count=order.chases), markup=False)
        self.dismiss((entry, None))

    # --- saving a second order of the same category asks first ------------------------------
    def action_save(self) -> None:
        if self.saving or self.load_failed or not self._repair_of_unit():
            super().action_save()
            return
        self.card_now()  # a unit typed just now: its card, without waiting
        card = self.unit_card
        if card.pending:
            self._save_after_card = True  # saved (or asked) once the card answers
            return
        _values, errors = self.check(self.values())
        category = self.value("category")
        # "other" names no fault: two such orders are not the same one.
        same = (card.card.same_category(category)
                if card.card is not None and category != "other" else ())
        if errors or not same or self._new_order_confirmed == (card.code, category):
            super().action_save()
            return
        line = order_lines(same[:1], self.session.tz, now_utc(), 56)[0]
        self.app.push_screen(SameCategoryQuestion(card.code, same[0], line),
                             callback=lambda answer: self._same_answered(same[0], category,
                                                                         answer))

    def _repair_of_unit(self) -> bool:
        return (self.value("kind") or "repair") == "repair" and \
            self.value("place") in (None, "unit")

    def _same_answered(self, order: CardOrder, category, answer: str | None) -> None:
        if answer == CHASE:
            self._chase(order)
        elif answer == SAVE:
            self._new_order_confirmed = (self.unit_card.code, category)
            self.action_save()

    def on_unit_card_answered(self, event: UnitCard.Answered) -> None:
        if self._save_after_card:
            self._save_after_card = False
            self.action_save()
