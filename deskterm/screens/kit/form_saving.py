"""Saving a ``DeskForm``: ``SavingPart``, one of the parts ``DeskForm`` is made of
(``form.py`` is the rest, ``form_drafts.py`` another).

- ctrl+s (``action_save``): a form whose load failed reads again first (the clerk sees
  what it needs before anything is saved); then ``check`` (every message at once), then
  ``save`` in the kit's worker (``duty.run_duty``); while it runs, ``saving``: ctrl+s and
  Esc do nothing, the hint says "Saving…";
- saved: ``saved_count``, the draft removed, ``saved(result)`` (by default the form
  closes with it);
- refused (a ``DutyError``): the message under its field, the cursor there, the PIN
  fields emptied (``emptied_on_refusal`` says which: a refused PIN is typed again, and a
  PIN is never reused for what the duty refused), nothing else;
- failed (database trouble, another ``DeskError``, a bug): nothing typed was refused, so
  nothing is emptied, PINs included, as the message says ("What you typed is kept"):
  ctrl+s again saves once the database is back. It reaches the form's ``refused("",
  message)`` too (forms override it), with ``save_failed`` set while it runs.

A PIN kept on screen is never in a draft (``Field.kept``: ``form_drafts``).
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from deskterm.display import plain
from deskterm.i18n import _
from deskterm.screens.kit.duty import run_duty


class SavingPart:
    """Mixed into ``DeskForm`` (see the module's docstring)."""

    def _init_saving(self) -> None:
        self.saving = False
        self.saved_count = 0  # saves done (for tests)

    def action_save(self) -> None:
        if self.saving:
            return
        if self.load_failed:  # what the form needs (a list to choose from) first: the
            self._start_load()  # clerk sees it and saves with the next ctrl+s, never unseen
            return
        self.clear_errors()
        values, errors = self.check(self.values())
        if errors:
            self.show_errors(errors)
            return
        self._set_saving(True)
        run_duty(self, lambda: self.save(values), done=self._saved, refused=self.refused,
                 failed=self._save_failed, group=f"{self.PREFIX}-save")

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        hint = self.query(f"#{self.PREFIX}-hint")
        if hint:
            hint.first(Static).update(plain(_("Saving…") if saving else _(self.HINT)))

    def _saved(self, result: Any) -> None:
        self._set_saving(False)
        self.saved_count += 1
        self._drop_draft()
        self.saved(result)

    def emptied_on_refusal(self, name: str) -> list[Input]:
        """The PIN boxes a refusal of field ``name`` empties: by default every one (never
        called for a save that failed: ``save_failed``)."""
        return [box for box in self.query(Input) if box.password]

    #: True while ``refused`` is told of a save that failed (database trouble, an
    #: unexpected error) rather than one the duty refused: nothing is emptied.
    save_failed = False

    def _save_failed(self, message: str) -> None:
        self.save_failed = True
        try:
            self.refused("", message)
        finally:
            self.save_failed = False

    def refused(self, field: str, message: str) -> None:
        """A save refused (``field``: the duty's name for it, "" for none) or failed
        (``save_failed``): the message under the field, the cursor there; a refusal
        empties the PIN fields, nothing else; a failure empties nothing."""
        self._set_saving(False)
        name = self.field_of(field) if field else "form"
        if not self.save_failed:
            for box in self.emptied_on_refusal(name):
                box.value = ""  # a refused PIN is typed again
        self.show_error(name, message)
        if name != "form":
            self.focus_field(name)
