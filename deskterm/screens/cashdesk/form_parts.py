"""What the cash desk's forms share.

- The forms that need a supervisor's own PIN (voiding a receipt, issuing a receipt book, a
  cash difference beyond the limit): the choice of the person and their PIN, declared
  once, and the people offered with the likely one chosen.

A form that cannot be saved without what its ``load`` reads (the approvers, the fee
items) needs nothing here: the kit's ``DeskForm`` reads it again at ctrl+s when the
first read failed and stops there, so the clerk sees it and saves with the next ctrl+s.
"""

from __future__ import annotations

from collections.abc import Sequence

from deskterm.display import plain
from deskterm.i18n import N_
from deskterm.screens.kit.fields import Field


def person_field(name: str, label: str, *, blank: str = N_("supervisor"),
                 options: Sequence[tuple[str, int]] = (), initial=None) -> Field:
    """A choice of a person (``options``: ``(name, staff id)``, often read in ``load``)."""
    return Field(name, label, kind="select", blank=blank, initial=initial,
                 options=tuple((plain(text), staff_id) for text, staff_id in options))


def pin_field(name: str = "pin") -> Field:
    return Field(name, N_("PIN"), kind="pin", placeholder=N_("their own PIN"))


def likely(people: Sequence[tuple[int, str]], me: int | None = None) -> int | None:
    """Who to choose first: the person at the desk when they are one of ``people``
    (``me``), else the only one; None when the clerk must choose."""
    ids = [staff_id for staff_id, _name in people]
    if me is not None and me in ids:
        return me
    return ids[0] if len(ids) == 1 else None


def offer(form, name: str, people: Sequence[tuple[int, str]], me: int | None = None) -> None:
    """The form's choice ``name`` filled with ``people`` (``(id, name)``, read in its
    ``load``); the likely one chosen while nothing is, unless the clerk has been in the
    field and left it (the cursor may be in it: the form starts there)."""
    box = form.widget(name)
    box.set_options([(plain(text), staff_id) for staff_id, text in people])
    chosen = likely(people, me)
    left = name in form.visited and form.focused is not box
    if chosen is not None and form.value(name) is None and not left:
        form.set_initial(name, chosen)
