"""What a ``DeskForm`` holds and keeps: ``DraftsPart``, one of the parts ``DeskForm`` is
made of (``form.py`` is the rest).

- what the form opened with (``set_initial``: the form's own doing, never "typed") and
  whether anything differs from it (``touched``);
- what a draft keeps (``kept_values``: every field but PINs) and puts back (``restore``);
- Esc: an untouched form closes; with something typed it asks first
  (``asking.DiscardQuestion``): throw it away, keep it as a draft, or back to the form;
- drafts (``DRAFT`` names the form; ``draft_subject()`` the record it is about): what is
  typed is written to the draft store ``DRAFT_SECONDS`` after a key (a kill loses at most
  that), at once when the form closes or the app exits (``flush_draft``); it is offered
  back when the same person opens the form again on this terminal (``asking.DraftOffer``,
  after the form's load: a draft's choices need it) and removed when saved or thrown
  away. A draft that cannot be written (a full home folder) is logged; the form works on.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from deskterm.clock import local
from deskterm.display import fit
from deskterm.i18n import _
from deskterm.screens.kit import asking

#: How long after a key the draft is written (the keys meanwhile go with it).
DRAFT_SECONDS = 0.25
log = logging.getLogger("deskterm")


class DraftsPart:
    """Mixed into ``DeskForm`` (see the module's docstring)."""

    #: The name of the form in the drafts store ("" keeps no drafts).
    DRAFT: ClassVar[str] = ""

    def _init_drafts(self) -> None:
        self._initial: dict[str, object] = {}
        self._draft_wanted = False
        self._draft_ready = not self.DRAFT  # nothing is written before the offer is answered
        self._drafts = None
        self._offered = False

    # --- what a form gives -------------------------------------------------------------------
    def draft_subject(self) -> str:
        """The record the form is about, for its draft ("" for a new one)."""
        return ""

    def draft_summary(self, values: dict[str, Any]) -> list[str]:
        """A line or two that tell the clerk which draft this is."""
        texts = [str(v) for k, v in values.items()
                 if isinstance(v, str) and v.strip() and k in self.fields]
        return [fit(" · ".join(texts), 56)] if texts else []

    # --- what the form holds -----------------------------------------------------------------
    def kept_values(self) -> dict[str, Any]:
        """What a draft keeps: every field but PINs, as JSON values."""
        kept = {}
        for field in self.form_fields():
            value = self.value(field.name)
            if field.kept and isinstance(value, str | int | float | bool | type(None)):
                kept[field.name] = value
        return kept

    def restore(self, values: dict[str, Any]) -> None:
        """Put a draft's values back into the fields."""
        for name, value in values.items():
            if name in self.fields and self.fields[name].kept:
                self.set_value(name, value)

    def touched(self) -> bool:
        """Whether anything differs from what the form opened with."""
        return self.kept_values() != self._initial

    def set_initial(self, name: str, value: Any) -> None:
        """Set field ``name`` as the form's own doing (a default, a proposal): it does
        not count as typed (Esc closes without asking; no draft)."""
        self.set_value(name, value)
        if name in self.fields and self.fields[name].kept:
            self._initial[name] = self.value(name)

    # --- Esc ---------------------------------------------------------------------------------
    def action_cancel(self) -> None:
        if self.saving:
            return
        if not self.touched():
            self._drop_draft()
            self.dismiss(None)
            return
        title = self.form_title or _(self.TITLE_TEXT) or _("this form")
        self.app.push_screen(asking.DiscardQuestion(title, drafts=bool(self.DRAFT)),
                             callback=self._cancel_answered)

    def _cancel_answered(self, answer: str | None) -> None:
        if answer == asking.DISCARD:
            self._drop_draft()
            self.dismiss(None)
        elif answer == asking.KEEP:
            self._draft_wanted = True
            self._write_draft()
            self.dismiss(None)

    # --- drafts ------------------------------------------------------------------------------
    @property
    def drafts(self):
        staff = self.session.staff
        if not self.DRAFT or staff is None:
            return None
        if self._drafts is None:
            from deskterm.drafts import DraftStore

            self._drafts = DraftStore(staff.id)
        return self._drafts

    def _offer_draft_once(self) -> None:
        """After the form's first load (answered or not): offer the draft kept, once."""
        if self.DRAFT and not self._offered:
            self._offered = True
            self._offer_draft()

    def _offer_draft(self) -> None:
        store = self.drafts
        draft = store.load(self.DRAFT, self.draft_subject()) if store is not None else None
        if draft is None:
            self._draft_ready = True
            return
        when = local(draft.saved_at, self.session.tz).format("MM-DD HH:mm")
        self.app.push_screen(asking.DraftOffer(when, self.draft_summary(draft.values)),
                             callback=lambda answer: self._draft_answered(answer, draft))

    def _draft_answered(self, answer: str | None, draft) -> None:
        self._draft_ready = True
        if answer == asking.RESTORE:
            self.restore(draft.values)
            self.focus_first()
        elif answer == asking.DISCARD:
            self._drop_draft()
        if self.touched():
            self._want_draft()

    def _want_draft(self) -> None:
        """Write the draft soon: once for the keys of the next ``DRAFT_SECONDS`` (a
        write per key cost a file's rename per key); at once when the form closes, the
        app exits or the connection drops (SIGHUP: ``DeskApp``)."""
        if not self.DRAFT or self._draft_wanted or not self._draft_ready:
            return
        self._draft_wanted = True
        self.set_timer(DRAFT_SECONDS, self._write_draft, name="draft")

    def flush_draft(self) -> None:
        """Write a draft still waiting for its timer (the app is closing)."""
        if self._draft_wanted:
            self._write_draft()

    def on_unmount(self) -> None:
        self.flush_draft()

    def _write_draft(self) -> None:
        if not self._draft_wanted:
            return  # written already, or thrown away meanwhile
        self._draft_wanted = False
        store = self.drafts
        if store is None or not self._draft_ready:
            return
        try:
            if self.touched():
                store.save(self.DRAFT, self.kept_values(), subject=self.draft_subject())
            else:
                store.discard(self.DRAFT, self.draft_subject())
        except OSError as exc:  # a full home folder: the form still works
            log.warning("draft not written: %s", exc)

    def _drop_draft(self) -> None:
        self._draft_wanted = False
        store = self.drafts
        if store is not None:
            try:
                store.discard(self.DRAFT, self.draft_subject())
            except OSError as exc:
                log.warning("draft not removed: %s", exc)
