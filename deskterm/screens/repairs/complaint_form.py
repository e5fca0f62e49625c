"""Recording a complaint (客户投诉, F7) [7.4.16][6.7].

The cursor starts in the roster lookup (``kit/owner_lookup.py``); Enter on a match
fills the complainant's name, unit and first phone and moves to the description. Then the
category (the summary's categories, translated) and the channel (phone or walk-in).
ctrl+s saves from any field: the pure parsers check every field first (all the messages
at once, each under its field), then ``complaints.record_complaint`` runs in a thread
worker; a refusal shows under the field its ``DutyError`` names and stores nothing.
Success dismisses with the Complaint; Esc cancels (``None``, nothing stored).

Every text the clerk typed is shown with markup off. The lookup and the caller's
fields come from ``kit.caller.CallerPart``; error lines, Esc, drafts from ``DeskForm``.
"""

from __future__ import annotations

from importlib.resources import files

from textual.containers import Horizontal

from deskterm.duties.parsing import clean_free_text
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.repairs.complaints import CATEGORIES, record_complaint
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.caller import CALLER_FIELDS, CallerPart
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm

CHANNEL_LABELS = {"phone": N_("phone"), "walk_in": N_("walk-in")}


class ComplaintFormScreen(CallerPart, DeskForm):
    """Record one complaint; dismisses with the Complaint row, or None."""

    CSS_PATH = str(files("deskterm.styles") / "complaint_form.tcss")
    PREFIX = "cf"
    DRAFT = "complaint"
    SCROLLS = True
    AFTER_PICK = "description"
    HINT = N_("Enter pick · Tab next · ctrl+s save · Esc cancel")

    def __init__(self, session, *, channel: str = "phone") -> None:
        self.channel = channel if channel in CHANNEL_LABELS else "phone"
        super().__init__(session, id="complaint-form",
                         classes="kit-form-screen complaint-form")
        self.form_title = _("Complaint — {office}").format(office=self.office.name)

    def form_fields(self):
        return (
            *CALLER_FIELDS,
            Field("description", N_("What"), max_length=TEXT_LIMIT, wide=True,
                  placeholder=N_("what the complaint is about")),
            Field("category", N_("Category"), kind="select", initial="other",
                  options=tuple((word, key) for key, word in CATEGORIES.items())),
            Field("channel", N_("Channel"), kind="select", initial=self.channel,
                  options=tuple((word, key) for key, word in CHANNEL_LABELS.items())),
        )

    def compose_body(self):
        yield from self.compose_caller()
        yield self.field("description")
        yield Horizontal(self.field("category"), self.field("channel"), classes="kit-row")

    def check(self, values):
        """The values for ``record_complaint`` and the message for each field the pure
        parsers refuse (all of them at once)."""
        values, errors = super().check(values)
        self.check_caller(values, errors, name_message=_("Enter the complainant's name."))
        try:
            values["description"] = clean_free_text(
                values.get("description") or "", "description", max_length=TEXT_LIMIT,
                empty_message=_("Enter what the complaint is about."))
        except DutyError as exc:
            errors["description"] = exc.message
        values["complainant_name"] = values.pop("name")
        values["category"] = values.get("category") or "other"
        values["channel"] = values.get("channel") or "phone"
        values.pop("owner", None)
        return values, errors

    def save(self, values):
        values = dict(values)
        unit = self.unit_id(values.pop("unit_code"))
        return record_complaint(self.office, self.clerk_id(), unit=unit, **values)

    def saved(self, complaint) -> None:
        self.app.notify(_("Complaint {number} recorded.").format(number=complaint.number),
                        markup=False)
        self.dismiss(complaint)
