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
from textual.widgets import Select, Static

from deskterm.db.models import Complaint, database
from deskterm.display import plain
from deskterm.duties.complaints import CATEGORIES, record_complaint
from deskterm.duties.orders import NAME_LIMIT, TEXT_LIMIT
from deskterm.duties.parsing import clean_free_text, parse_phone, parse_unit_code
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import N_, _
from deskterm.screens.lookup_form import LimitedInput, LookupForm
from deskterm.widgets.owner_lookup import OwnerLookup

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
        field = self._field
        with VerticalScroll(id="cf-form", classes="form"):
            yield Static(plain(_("Complaint — {office}").format(office=self.office.name)),
                         classes="form-title", markup=False)
            yield OwnerLookup(self.office, id="cf-lookup")
            yield self._who_row()
            yield field("description", _("What"),
                        LimitedInput(id="cf-description", compact=True, max_length=TEXT_LIMIT,
                                     placeholder=_("what the complaint is about")), wide=True)
            with Horizontal(classes="lf-row"):
                yield field("category", _("Category"), Select(
                    [(_(label), key) for key, label in CATEGORIES.items()],
                    value="other", allow_blank=False, compact=True, id="cf-category"))
                yield field("channel", _("Channel"), Select(
                    [(_(label), key) for key, label in CHANNEL_LABELS.items()],
                    value=self.channel, allow_blank=False, compact=True, id="cf-channel"))
            yield Static(plain(""), id="cf-error-form", classes="lf-error", markup=False)
            yield Static(plain(_("Enter pick · Tab next · ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

    # --- saving --------------------------------------------------------------------------
    def action_save(self) -> None:
        if self._saving:
            return
        self._clear_errors()
        values, errors = self._checked()
        if errors:
            self._show_errors(errors)
            return
        self._saving = True
        self._save(values)

    def _checked(self) -> tuple[dict, dict[str, str]]:
        """The values for ``record_complaint`` and the message for each field the pure
        parsers refuse (all of them at once)."""
        errors: dict[str, str] = {}
        check = self._check
        values: dict = dict(category=self._choice("category") or "other",
                            channel=self._choice("channel") or "phone")
        values["complainant_name"] = check(errors, "name", lambda: clean_free_text(
            self._text("name"), "complainant_name", max_length=NAME_LIMIT,
            empty_message=_("Enter the complainant's name.")))
        unit_text = self._text("unit").strip()
        values["unit_code"] = check(errors, "unit", lambda: parse_unit_code(
            unit_text).code) if unit_text else None
        values["phone"] = check(errors, "phone", lambda: parse_phone(self._text("phone")))
        values["description"] = check(errors, "description", lambda: clean_free_text(
            self._text("description"), "description", max_length=TEXT_LIMIT,
            empty_message=_("Enter what the complaint is about.")))
        return values, errors

    @work(thread=True, exclusive=True, group="cf-save")
    def _save(self, values: dict) -> None:
        try:
            with database.connection_context():
                unit = self._unit_id(values.pop("unit_code"))
                complaint = record_complaint(self.office, self._clerk_id(), unit=unit,
                                             **values)
        except DutyError as exc:
            self.app.call_from_thread(self._refused, exc.field, exc.message)
            return
        except DeskError as exc:
            self.app.call_from_thread(self._refused, None, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the form
            self.app.call_from_thread(self._refused, None, _("Not saved: {error}").format(
                error=exc))
            return
        self.app.call_from_thread(self._saved, complaint)

    def _saved(self, complaint: Complaint) -> None:
        self.app.notify(_("Complaint {number} recorded.").format(number=complaint.number),
                        markup=False)
        self.dismiss(complaint)
