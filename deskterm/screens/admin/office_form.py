"""The office's settings, changed by its manager (``o`` in the staff book): the name the
phone greeting says, the time zone, the day's schedule, the summer and winter dates, the
idle lock, the callback window, the cash desk's limit, float and banks, and the daily
backup's time (``office_settings.SETTINGS``).

A ``DeskForm`` of one line per setting, filled with today's values, and the manager's PIN
last; it scrolls at 80×24. ``check`` runs every setting's own parser (pure) and says every
refusal at once under its field; ``save`` writes what changed, authorised by the PIN
(``staff_admin.as_manager``), the before and after in the change log. The desk goes on
with the new values at once (the session's office is the one changed).
"""

from __future__ import annotations

from importlib.resources import files

from deskterm.duties.office_settings import SETTINGS, set_office
from deskterm.duties.staff_admin import as_manager
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.admin.staff_forms import MANAGER_PIN
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm


def typed_value(office, key: str) -> str:
    """A setting as the manager types it (money without the ¥, banks between commas)."""
    value = getattr(office, key)
    if key in ("cash_difference_limit", "default_float"):
        return format_fen(value or 0, symbol=False)
    if key == "banks":
        return "、".join((value or "").splitlines())
    return str(value)


#: The settings that may be left empty: no banks; no daily backup on the calendar.
OPTIONAL = ("banks", "backup_at")
#: What an empty field says it means.
PLACEHOLDERS = {"backup_at": N_("e.g. 02:30; empty: not on the calendar")}


class OfficeSettingsForm(DeskForm[dict | None]):
    """Dismisses with the settings that changed ({} when none), or None on Esc."""

    CSS_PATH = str(files("deskterm.styles") / "admin.tcss")
    PREFIX = "os"
    SCROLLS = True
    HINT = N_("ctrl+s save · Tab next · Esc cancel")

    def __init__(self, session) -> None:
        super().__init__(session, id="office-settings",
                         title=_("Settings of {office}").format(office=session.office.name))

    def form_fields(self):
        return (*(Field(s.key, s.label, initial=typed_value(self.office, s.key),
                        max_length=440 if s.key == "banks" else 60,
                        required="" if s.key in OPTIONAL else N_("Fill this in."),
                        placeholder=PLACEHOLDERS.get(s.key, ""))
                  for s in SETTINGS), MANAGER_PIN)

    def first_focus(self):
        return self.widget(SETTINGS[0].key)  # all filled in: the manager starts at the top

    def check(self, values):
        values, errors = super().check(values)
        for setting in SETTINGS:
            if setting.key in errors:
                continue
            try:
                setting.parse(values.get(setting.key) or "", setting.key)
            except DutyError as exc:
                errors[setting.key] = exc.message
        return values, errors

    def save(self, values):
        office, manager = self.office, self.session.staff
        typed = {s.key: values[s.key] for s in SETTINGS}
        return as_manager(office, manager, values["manager_pin"],
                          lambda: set_office(office, manager, **typed))

    def saved(self, changed: dict) -> None:
        if changed:
            self.app.notify(_("{n} settings changed.").format(n=len(changed)), markup=False)
        else:
            self.app.notify(_("Nothing changed."), markup=False)
        self.dismiss(changed)
