"""The manager's changes to the staff list, each authorised by the manager's own PIN:
a role changed (``r``), a new PIN for someone who forgot theirs (``p``: the person types
it twice, then the manager's PIN), a PIN lockout lifted (``u``), a leaver marked (``l``),
their phone for dispatch (``c``), a technician's repair categories (``k``), and a new
person (``n``).

``StaffChangeForm`` is one ``DeskForm`` for the changes to one person (the fields
depend on the change); ``SkillsForm`` is its change ``skills``: one check box per repair
category, the technician's ticked, none ticked for "any repair", each box naming its
category whether ticked or not; ``NewPersonForm`` adds someone. ``check`` is pure (a role
chosen, the two PINs the same, 4 to 8 digits); ``save`` runs the duty through
``staff_admin.as_manager`` (the manager's PIN checked and counted like every PIN, the
change and the good PIN one transaction). A refusal is said under its field and changes
nothing; the PIN fields are emptied. Success dismisses with the person's id and the
book reads itself again. No draft is kept: these are short and hold PINs.
"""

from __future__ import annotations

from importlib.resources import files

from textual.widgets import Checkbox

from deskterm.display import plain
from deskterm.duties.pins import normalise_pin
from deskterm.duties.repairs.order_words import CATEGORY_LABELS
from deskterm.duties.setup import add_staff
from deskterm.duties.staff_admin import (
    DESK_ROLES,
    ROLE_WORDS,
    StaffLine,
    as_manager,
    change_role,
    lift_lockout,
    mark_leaver,
    new_pin_hash,
    set_contact,
    set_pin,
    set_skills,
    skills_said,
)
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field, field_box
from deskterm.screens.kit.form import DeskForm

ROLE_OPTIONS = tuple((words, role) for role, words in ROLE_WORDS.items())

def manager_pin_only(form: DeskForm, name: str) -> list:
    """A wrong manager's PIN empties only that PIN: the new one typed by the person stays."""
    if name == "manager_pin":
        return [form.widget("manager_pin")]
    return DeskForm.emptied_on_refusal(form, name)


MANAGER_PIN = Field("manager_pin", N_("Your PIN"), kind="pin", required=N_("Enter your PIN."),
                    placeholder=N_("the manager's own PIN"))
TITLES = {
    "role": N_("Role of {name}"),
    "pin": N_("A new PIN for {name}"),
    "unlock": N_("Unlock {name}'s PIN"),
    "leave": N_("{name} leaves"),
    "contact": N_("Phone of {name}"),
    "skills": N_("Repair categories of {name}"),
}
NOTES = {
    "role": N_("What they may open at the desk follows the role."),
    "pin": N_("{name} types the new PIN twice; then you type yours."),
    "unlock": N_("{name} may try again at once; the wrong PINs stay in the log."),
    "leave": N_("No sign-in from now on; orders, receipts and the log keep the name."),
    "contact": N_("Where {name} is reached (a technician's, for dispatch); empty clears it."),
    "skills": N_("Space ticks a category; none ticked: {name} takes any repair."),
}


def _pins_checked(values: dict, errors: dict[str, str], *, required: bool = True) -> None:
    """The new PIN twice: 4 to 8 digits, the same both times."""
    new, again = values.get("new_pin") or "", values.get("again") or ""
    if not new and not again and not required:
        return
    if not new:
        errors.setdefault("new_pin", _("Type the new PIN."))
        return
    try:
        pin = normalise_pin(new, "new_pin")
    except DutyError as exc:
        errors.setdefault("new_pin", exc.message)
        return
    try:
        same = normalise_pin(again, "again") == pin
    except DutyError:
        same = False
    if not same:
        errors.setdefault("again", _("Type the same PIN again."))


class StaffChangeForm(DeskForm[int | None]):
    """One change (``role``, ``pin``, ``unlock``, ``leave``) to the person ``line``."""

    CSS_PATH = str(files("deskterm.styles") / "admin.tcss")
    PREFIX = "sc"
    ENTER_SAVES = True

    def emptied_on_refusal(self, name: str) -> list:
        return manager_pin_only(self, name)

    def __init__(self, session, line: StaffLine, change: str) -> None:
        if change not in TITLES:
            raise ValueError(f"unknown change {change!r}")
        super().__init__(session, id="staff-change",
                         title=_(TITLES[change]).format(name=line.name),
                         note=_(NOTES[change]).format(name=line.name))
        self.line = line
        self.change = change

    def form_fields(self):
        if self.change == "role":
            return (Field("role", N_("Role"), kind="select", options=ROLE_OPTIONS,
                          initial=self.line.role), MANAGER_PIN)
        if self.change == "pin":
            return (Field("new_pin", N_("New PIN"), kind="pin", placeholder=N_("4 to 8 digits"),
                          required=N_("Type the new PIN.")),
                    Field("again", N_("Again"), kind="pin", placeholder=N_("the same again")),
                    MANAGER_PIN)
        if self.change == "contact":
            return (Field("phone", N_("Phone"), max_length=20, initial=self.line.phone),
                    MANAGER_PIN)
        return (MANAGER_PIN,)

    def first_focus(self):
        if self.change == "contact":
            return self.widget("phone")  # filled in: what is to change
        return super().first_focus()

    def check(self, values):
        values, errors = super().check(values)
        if self.change == "pin":
            _pins_checked(values, errors)
        return values, errors

    def save(self, values):
        office, manager, person = self.office, self.session.staff, self.line.id
        pin = values["manager_pin"]
        if self.change == "role":
            return as_manager(office, manager, pin,
                              lambda: change_role(office, manager, person, values["role"]))
        if self.change == "pin":
            stored = new_pin_hash(values["new_pin"])  # scrypt before the write
            return as_manager(office, manager, pin,
                              lambda: set_pin(office, manager, person, pin_hash=stored))
        if self.change == "unlock":
            return as_manager(office, manager, pin,
                              lambda: lift_lockout(office, manager, person))
        if self.change == "contact":
            return as_manager(office, manager, pin, lambda: set_contact(
                office, manager, person, values.get("phone") or ""))
        return as_manager(office, manager, pin, lambda: mark_leaver(office, manager, person))

    def saved(self, person) -> None:
        words = {
            "role": _("{name} is now {role}."),
            "pin": _("{name} has a new PIN."),
            "unlock": _("{name}'s PIN is unlocked."),
            "leave": _("{name} has left: no sign-in from now on; the history keeps the name."),
            "contact": _("{name}'s phone is saved."),
        }[self.change]
        self.app.notify(words.format(name=person.name, role=_(ROLE_WORDS[person.role])),
                        markup=False)
        self.dismiss(person.id)


class SkillsForm(StaffChangeForm):
    """The repair categories of the technician ``line`` (``k``): a check box each."""

    def __init__(self, session, line: StaffLine) -> None:
        super().__init__(session, line, "skills")

    def form_fields(self):
        return (*(Field(f"skill_{key}", label, kind="check", initial=key in self.line.skills,
                        also=("skills",) if i == 0 else ())
                  for i, (key, label) in enumerate(CATEGORY_LABELS.items())),
                MANAGER_PIN)

    def compose_body(self):
        for i, field in enumerate(self.form_fields()):
            if field.kind != "check":
                yield self.field(field.name)
                continue
            box = Checkbox(plain(""), bool(field.initial), compact=True,
                           id=f"{self.PREFIX}-{field.name}")
            self._name_box(box, field)
            yield field_box(self.PREFIX, field.name, _("Repairs") if i == 0 else "", box)

    def _name_box(self, box: Checkbox, field: Field) -> None:
        """The box says its category, ticked or not (the kit's says only "no" unticked)."""
        box.label = plain(("✓ " if box.value else "✗ ") + _(field.label))

    def field_changed(self, name: str) -> None:
        box, field = self.widget(name), self.fields.get(name)
        if isinstance(box, Checkbox) and field is not None:
            self._name_box(box, field)

    def first_focus(self):
        return self.widget(self.form_fields()[0].name)

    def save(self, values):
        office, manager, person = self.office, self.session.staff, self.line.id
        keys = [key for key in CATEGORY_LABELS if values.get(f"skill_{key}")]
        return as_manager(office, manager, values["manager_pin"],
                          lambda: set_skills(office, manager, person, keys))

    def saved(self, person) -> None:
        self.app.notify(skills_said(person), markup=False)
        self.dismiss(person.id)


class NewPersonForm(DeskForm[int | None]):
    """Someone new on the staff list: a desk role needs a PIN, a technician none."""

    CSS_PATH = str(files("deskterm.styles") / "admin.tcss")
    PREFIX = "np"
    FIELDS = (
        Field("name", N_("Name"), required=N_("Enter a name."), max_length=40),
        Field("role", N_("Role"), kind="select", options=ROLE_OPTIONS, blank=N_("choose"),
              required=N_("Choose the role.")),
        Field("phone", N_("Phone"), max_length=20, placeholder=N_("for dispatch (optional)")),
        Field("new_pin", N_("PIN"), kind="pin", placeholder=N_("4 to 8 digits (desk roles)")),
        Field("again", N_("Again"), kind="pin", placeholder=N_("the same again")),
        MANAGER_PIN,
    )

    def emptied_on_refusal(self, name: str) -> list:
        return manager_pin_only(self, name)

    def __init__(self, session) -> None:
        super().__init__(session, id="new-person", title=_("Someone new on the staff list"))

    def check(self, values):
        values, errors = super().check(values)
        _pins_checked(values, errors, required=values.get("role") in DESK_ROLES)
        return values, errors

    def save(self, values):
        office, manager = self.office, self.session.staff
        stored = new_pin_hash(values["new_pin"]) if values.get("new_pin") else ""
        return as_manager(office, manager, values["manager_pin"], lambda: add_staff(
            office, values["name"], values["role"], phone=values.get("phone") or "",
            by=manager, pin_hash=stored))

    def saved(self, person) -> None:
        self.app.notify(_("{name} ({role}) added to {office}").format(
            name=person.name, role=_(ROLE_WORDS[person.role]), office=self.office.name),
            markup=False)
        self.dismiss(person.id)
