"""``RecordForm``: what the daily work record and the week's or month's summary share
[7.4.23]. A kit ``DeskForm`` of the person at the desk's own record: a read-only panel
(figures, the period) that has the focus when the form opens, so the letter keys work at
once, and multi-line texts (the kit's ``Field(kind="area")``) Tab moves into and out of.

- ``load()`` reads the record (the kit's worker); ``show(record)`` shows it. A text the
  clerk has typed in is never replaced by what arrives later; a submitted record's texts
  are read-only;
- the hint names the panel's letter keys only while the cursor is in the panel;
- ctrl+s saves the record as a draft on the server (``save(values)`` with
  ``values["submit"]`` False); ``u`` twice submits it (the first ``u`` asks on the
  ``#{PREFIX}-ask`` line); a submitted record can no longer change. After a save the
  record is read again and shown (the figures are counted at each save);
- ctrl+s before the record could be read reads it again first (nothing is written over
  a record the clerk has not seen);
- what is typed is kept as a kit draft until it is saved; Esc with text typed asks.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding
from textual.widgets import Static, TextArea

from deskterm.display import plain
from deskterm.i18n import N_, _
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.shift.parts import FocusPanel


class RecordForm(DeskForm[None]):
    """See the module's docstring."""

    #: The hint while the cursor is in the panel (its letter keys work) ...
    PANEL_HINT: ClassVar[str] = ""
    #: ... and in a text, where the letters are typed.
    TEXT_HINT: ClassVar[str] = N_("Tab next · ctrl+s save draft · Esc close")
    ALREADY: ClassVar[str] = N_("Already submitted: it can no longer change.")
    ASK: ClassVar[str] = ""  # the first u's question
    SAVED_WORDS: ClassVar[str] = ""
    SUBMITTED_WORDS: ClassVar[str] = ""
    BINDINGS = [Binding("u", "submit", show=False)]

    def __init__(self, session, **kwargs) -> None:
        super().__init__(session, **kwargs)
        self.record: Any = None
        self.submitting = False
        self.confirming = False
        self.loads = 0  # records shown, for tests
        self._put: dict[str, str] = {}  # what the form itself last put in each text
        self._sent: dict[str, str] = {}  # the texts of the save under way

    # --- what a record form gives ------------------------------------------------------------
    def texts(self, record) -> dict[str, str]:
        """The record's texts, by field name."""
        raise NotImplementedError

    def show_state(self, record) -> None:
        """Everything but the texts: title, panel, state."""
        raise NotImplementedError

    def ask_line(self) -> Static:
        line = Static(plain(""), id=f"{self.PREFIX}-ask", classes="form-hint", markup=False)
        line.display = False  # no room taken until it asks
        return line

    @property
    def HINT(self) -> str:  # the kit shows _(self.HINT): the letter keys only where they work
        return self.TEXT_HINT if isinstance(self.focused, TextArea) else self.PANEL_HINT

    def on_descendant_focus(self, event) -> None:  # the kit's own runs too
        hint = self.query(f"#{self.PREFIX}-hint")
        if hint and not self.saving:
            hint.first(Static).update(plain(_(self.HINT)))

    def first_focus(self):
        found = self.query(FocusPanel)
        return found.first() if found else None

    # --- showing -----------------------------------------------------------------------------
    def loaded(self, record) -> None:
        self.show(record)

    def show(self, record, *, replace: bool = False) -> None:
        """``record`` on the form; each text replaced unless the clerk has typed in it
        (``replace``: always, for another period the clerk asked for)."""
        self.record = record
        self.show_state(record)
        for name, text in self.texts(record).items():
            now = self.value(name)
            if replace or now in (self._put.get(name, ""), self._sent.get(name)):
                self.set_initial(name, text)
                self._put[name] = text
            box = self.widget(name)
            if isinstance(box, TextArea):
                box.read_only = record.submitted
        self.loads += 1

    def reload(self, *, replace: bool = False) -> None:
        """Read the record again (the kit's worker)."""
        run_duty(self, self.load, done=lambda record: self._reloaded(record, replace),
                 refused=lambda _field, message: self.show_error("form", message),
                 group=f"{self.PREFIX}-load", load=True)

    def _reloaded(self, record, replace: bool) -> None:
        self.show_error("form", "")
        self.show(record, replace=replace)

    # --- saving and submitting ---------------------------------------------------------------
    def ask(self, question: str) -> None:
        """The first u's question ("" clears it)."""
        self.confirming = bool(question)
        line = self.query_one(f"#{self.PREFIX}-ask", Static)
        line.update(plain(question))
        line.display = bool(question)

    def action_save(self) -> None:
        if self.saving:
            return
        if self.record is None:
            self.reload()  # never written over a record not seen
            return
        self._write(submit=False)

    def action_submit(self) -> None:
        if self.record is None or self.saving:
            return
        if self.record.submitted:
            self.show_error("form", _(self.ALREADY))
            return
        if not self.confirming:
            self.ask("! " + _(self.ASK))
            return
        self._write(submit=True)

    def _write(self, *, submit: bool) -> None:
        self.ask("")
        self.submitting = submit
        super().action_save()

    def check(self, values):
        values, errors = super().check(values)
        self._sent = {f.name: values.get(f.name) or "" for f in self.form_fields()
                      if f.kind == "area"}
        values["submit"] = self.submitting
        return values, errors

    def saved(self, record) -> None:
        self.show(record)
        self._sent = {}
        words = self.SUBMITTED_WORDS if self.submitting else self.SAVED_WORDS
        self.app.notify(_(words), markup=False, timeout=3)

    def refused(self, field: str, message: str) -> None:
        self._sent = {}
        super().refused(field, message)
