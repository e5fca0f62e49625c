"""The callback form's own widgets (``callback_form.py``): ``OutcomeSet``, one choice of a
few with one key each (the visit form's "then" too), and ``Question``, one question of the
service inspection (服务过程检验单), unanswered until the clerk answers it [6.5]."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import RadioButton, RadioSet, Static

from deskterm.display import plain
from deskterm.i18n import N_, _

QUESTION_WORDS = {
    "arrived_on_time": N_("Arrived on time"),
    "manner_ok": N_("Polite manner"),
    "site_clean": N_("Site left clean"),
    "problem_solved": N_("Problem solved"),
    "charge_as_quoted": N_("Charged as quoted"),
}


class OutcomeSet(RadioSet):
    """One choice of a few, one key each: the arrow keys choose (not only move), Enter
    saves the form. ``value`` is the chosen button's name (its id after the set's id and
    "-"), None before one is chosen; a form reads and sets it like any field."""

    BINDINGS = [Binding("enter", "screen.save", show=False)]

    def __init__(self, *buttons, on_choose: Callable[[], object] | None = None,
                 **kwargs) -> None:
        super().__init__(*buttons, **kwargs)
        self._on_choose = on_choose
        #: The chosen button's index, known at once: RadioSet learns its
        #: ``pressed_button`` only from a message, after keys already queued behind the
        #: choice (a burst) have been handled.
        self._chosen: int | None = None

    @property
    def value(self) -> str | None:
        button = (self._nodes[self._chosen] if self._chosen is not None
                  else self.pressed_button)
        if button is None or not button.id or not self.id:
            return None
        return button.id.removeprefix(f"{self.id}-")

    @value.setter
    def value(self, name: str | None) -> None:
        for index, button in enumerate(self.query(RadioButton)):
            if name is not None and button.id == f"{self.id}-{name}":
                self.choose(index)

    def choose(self, index: int) -> None:
        self._selected = index
        button = self._nodes[index]
        if isinstance(button, RadioButton) and not button.value:
            button.value = True
        self._chosen = index
        if self._on_choose is not None:
            self._on_choose()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._chosen = event.index  # a click, too (it bubbles on to the form)

    def action_next_button(self) -> None:
        if self.pressed_button is None and self._selected is not None:
            self.choose(self._selected)  # the first arrow takes the highlighted one
            return
        super().action_next_button()
        if self._selected is not None and self.pressed_button is not None:  # not at mount
            self.choose(self._selected)

    def action_previous_button(self) -> None:
        if self.pressed_button is None and self._selected is not None:
            self.choose(self._selected)
            return
        super().action_previous_button()
        if self._selected is not None:
            self.choose(self._selected)


class Question(Static, can_focus=True):
    """One inspection question: unanswered until the clerk answers it, its answer written
    out (never a colour alone); ``y``/``n`` answer it, space turns it (unanswered → yes →
    no → yes), Enter saves the form. ``value``: True, False, or None (unanswered)."""

    BINDINGS = [
        Binding("enter", "screen.save", show=False),
        Binding("y", "answer(True)", show=False),
        Binding("n", "answer(False)", show=False),
        Binding("space", "turn", show=False),
    ]
    value: reactive[bool | None] = reactive(None, init=False)

    class Changed(Message):
        """A question answered (or its answer changed)."""

    def __init__(self, field: str) -> None:
        self.field = field
        super().__init__(plain(self._text(None)), id=f"callback-q-{field}", markup=False)

    def _text(self, value: bool | None) -> str:
        answer = {True: "✓ " + _("yes"), False: "✗ " + _("no")}.get(
            value, "? " + _("not answered"))
        return f"{_(QUESTION_WORDS[self.field])}: {answer}"

    def watch_value(self, value: bool | None) -> None:
        self.update(plain(self._text(value)))
        self.post_message(self.Changed())

    def action_answer(self, value: bool) -> None:
        self.value = value

    def action_turn(self) -> None:
        self.value = not self.value if self.value is not None else True
