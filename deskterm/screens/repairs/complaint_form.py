"""Recording a complaint (客户投诉, F7) [7.4.16][6.7].

The cursor starts in the roster lookup (``widgets/owner_lookup.py``); Enter on a match
fills the complainant's name, unit and first phone and moves to the description. Then the
category (the summary's categories, translated) and the channel (phone or walk-in).
ctrl+s saves from any field: the pure parsers check every field first (all the messages
at once, each under its field), then ``complaints.record_complaint`` runs in a thread
worker; a refusal shows under the field its ``DutyError`` names and stores nothing.
Success dismisses with the Complaint; Esc cancels (``None``, nothing stored).

Every text the clerk typed is shown with markup off. ``LookupForm`` (``lookup_form.py``:
the lookup, one error line per field, the paste guard) is shared with call intake and the
walk-in visitor form.
"""

from __future__ import annotations

from importlib.resources import files

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from deskterm.db.models import Complaint
from deskterm.display import plain
from deskterm.duties.parsing import clean_free_text, parse_phone
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.repairs.complaints import CATEGORIES, record_complaint
from deskterm.i18n import N_, _
from deskterm.screens.kit.lookup_form import LookupForm

CHANNEL_LABELS = {"phone": N_("phone"), "walk_in": N_("walk-in")}


class ComplaintFormScreen(LookupForm):
    """Record one complaint; dismisses with the Complaint row, or None."""

    CSS_PATH = str(files("deskterm.styles") / "complaint_form.tcss")
    PREFIX = "cf"
    FIELDS = ("name", "unit", "phone", "description", "category", "channel")
    FIELD_OF = {"complainant_name": "name", "name": "name", "unit": "unit", "phone": "phone",
                "description": "description", "category": "category", "channel": "channel"}
    AFTER_PICK = "description"

    def __init__(self, session, *, channel: str = "phone") -> None:
        super().__init__(session, id="complaint-form")
        self.channel = channel if channel in CHANNEL_LABELS else "phone"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="cf-form", classes="form"):
            yield from self._head(_("Complaint — {office}"))
            yield self._wide_text("description", _("What"), _("what the complaint is about"))
            with Horizontal(classes="lf-row"):
                yield self._choices("category", _("Category"), CATEGORIES, "other")
                yield self._choices("channel", _("Channel"), CHANNEL_LABELS, self.channel)
            yield self._form_error()
            yield Static(plain(_("Enter pick · Tab next · ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

    # --- saving (LookupForm.action_save) -----------------------------------------------
    def _checked(self) -> tuple[dict, dict[str, str]]:
        """The values for ``record_complaint`` and the message for each field the pure
        parsers refuse (all of them at once)."""
        errors: dict[str, str] = {}
        check = self._check
        values: dict = dict(category=self._choice("category") or "other",
                            channel=self._choice("channel") or "phone")
        values["complainant_name"] = self._checked_name(
            errors, "complainant_name", _("Enter the complainant's name."))
        values["unit_code"] = self._checked_unit(errors)
        values["phone"] = check(errors, "phone", lambda: parse_phone(self._text("phone")))
        values["description"] = check(errors, "description", lambda: clean_free_text(
            self._text("description"), "description", max_length=TEXT_LIMIT,
            empty_message=_("Enter what the complaint is about.")))
        return values, errors

    @work(thread=True, exclusive=True, group="cf-save")
    def _save(self, values: dict) -> None:
        unit_code = values.pop("unit_code")
        stored, complaint = self._stored(lambda: record_complaint(
            self.office, self._clerk_id(), unit=self._unit_id(unit_code), **values),
            any_error=True)
        if stored:
            self.app.call_from_thread(self._saved, complaint)

    def _saved(self, complaint: Complaint) -> None:
        self.app.notify(_("Complaint {number} recorded.").format(number=complaint.number),
                        markup=False)
        self.dismiss(complaint)
