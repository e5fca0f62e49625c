"""The kit's two questions: keep or throw away what was typed (Esc on a form with text
in it), and take back the draft kept from last time (a form opened again).

Each is a small modal answered by one key; its answer goes to the callback given to
``push_screen``. The keys are ones a clerk does not type into a field by accident in the
middle of a sentence: ``d`` / ``k`` here come only after Esc, and the draft offer takes
Enter or ``r`` to restore, ``d`` to throw it away and Esc to start empty.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from deskterm.display import fit, plain
from deskterm.i18n import _

KEEP, DISCARD, BACK, RESTORE, EMPTY = "keep", "discard", "back", "restore", "empty"


class _Question(ModalScreen[str]):
    DEFAULT_CSS = """
    _Question { align: center middle; }
    _Question > .kit-question { width: 60; max-width: 100%; height: auto;
        border: thick $warning; background: $surface; padding: 0 1; }
    """
    AUTO_FOCUS = None

    def __init__(self, title: str, lines: list[str], hint: str) -> None:
        super().__init__()
        self.lines = [title, *lines]
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="kit-question"):
            yield Static(plain(self.lines[0]), classes="form-title", markup=False)
            for line in self.lines[1:]:
                yield Static(plain(fit(line, 56)), markup=False)
            yield Static(plain(self.hint), classes="form-hint", markup=False)

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


#: The base of a question a form asks (a title, a few lines, a hint naming its keys;
#: each key is a binding to ``answer('...')``): the call intake's about an open order.
Question = _Question


class DiscardQuestion(_Question):
    """Esc on a form with something typed in it: throw it away, keep it as a draft (when
    the form keeps drafts), or go back to the form."""

    BINDINGS = [
        Binding("d", "answer('discard')", show=False),
        Binding("k", "answer('keep')", show=False),
        Binding("escape", "answer('back')", show=False),
        Binding("n", "answer('back')", show=False),
    ]

    def __init__(self, what: str, *, drafts: bool) -> None:
        self.drafts = drafts
        if drafts:
            hint = _("d throw it away · k keep it as a draft and close · Esc back to the form")
        else:
            hint = _("d throw it away · Esc back to the form")
        super().__init__(_("Close {form}?").format(form=what),
                         [_("What you typed here has not been saved.")], hint)

    def action_answer(self, answer: str) -> None:
        if answer == KEEP and not self.drafts:
            return
        super().action_answer(answer)


class DraftOffer(_Question):
    """A draft of this form was kept: restore it, throw it away, or start empty (the draft
    is replaced by what is typed next)."""

    BINDINGS = [
        Binding("enter", "answer('restore')", show=False),
        Binding("r", "answer('restore')", show=False),
        Binding("d", "answer('discard')", show=False),
        Binding("escape", "answer('empty')", show=False),
    ]

    def __init__(self, when: str, summary: list[str]) -> None:
        super().__init__(_("A draft typed at {when} was kept").format(when=when), summary,
                         _("Enter restore it · d throw it away · Esc start empty"))
