"""Signing the handover (``handover.py``): both sides with their own PINs [7.3].

``SignHandoverForm`` asks who handed over for the night (the office's night staff; the
only one is chosen already, and the cursor starts in their PIN) and their PIN, the day
clerk's own PIN (the person at the desk) and a note. ctrl+s (or Enter in the note) checks
that both PINs are there, then runs ``handover.sign_handover`` in the kit's worker; a
refusal shows under its field, empties both PINs and stores nothing (a wrong PIN is
counted, like the desk's). It dismisses with the signed handover; with the refusal's text
when the night log changed meanwhile (the handover screen reads it again); None on Esc.
"""

from __future__ import annotations

from importlib.resources import files

from textual.containers import Horizontal
from textual.widgets import Static

from deskterm.display import plain
from deskterm.duties.pins import normalise_pin
from deskterm.duties.shift.handover import Disposition, HandoverView, sign_handover
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field, field_box
from deskterm.screens.kit.form import DeskForm

NOTE_LIMIT = 2000


class SignHandoverForm(DeskForm):
    CSS_PATH = str(files("deskterm.styles") / "handover.tcss")
    PREFIX = "sh"
    ENTER_SAVES = True
    HINT = N_("Once signed it cannot change. ctrl+s sign · Esc back")

    def __init__(self, session, view: HandoverView,
                 dispositions: dict[int, Disposition]) -> None:
        super().__init__(session, id="sign-handover")
        self.view = view
        self.dispositions = dispositions
        self.form_title = _("Sign the handover: {count} items").format(count=len(dispositions))

    def form_fields(self):
        people = tuple((name, staff_id) for staff_id, name in self.view.night_staff)
        return (
            Field("night_staff", N_("Night"), kind="select", options=people,
                  blank=N_("who hands over"), initial=people[0][1] if len(people) == 1 else None,
                  required=N_("Choose who hands over for the night.")),
            Field("night_pin", N_("PIN"), kind="pin", placeholder=N_("their own PIN"),
                  required=N_("Enter the night person's PIN."), parse=normalise_pin),
            Field("day_pin", N_("PIN"), kind="pin", placeholder=N_("your own PIN"),
                  required=N_("Enter your PIN."), parse=normalise_pin),
            Field("note", N_("Note"), max_length=NOTE_LIMIT),
        )

    def compose_body(self):
        yield Horizontal(self.field("night_staff"), self.field("night_pin"), classes="kit-row")
        day = Static(plain(self.session.staff.name), id="sh-day", markup=False)
        yield Horizontal(field_box(self.PREFIX, "day", _("Day"), day), self.field("day_pin"),
                         classes="kit-row")
        yield self.field("note")

    def save(self, values):
        return sign_handover(self.office, night_staff=values["night_staff"],
                             night_pin=values["night_pin"], day_clerk=self.session.staff.id,
                             day_pin=values["day_pin"], covers_until=self.view.covers_until,
                             dispositions=self.dispositions, note=values["note"] or "")

    def refused(self, field: str, message: str) -> None:
        if field == "items":  # the night log changed: back to the list, read again
            self.dismiss(message)
            return
        super().refused(field, message)
