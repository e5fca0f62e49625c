"""Signing in: who is at the desk, proved by their own PIN [7.4.14].

The first form of the desk, a ``DeskForm``: pick your name (arrow keys), Enter or Tab to
the PIN (the kit's ``PinInput``: dots, digits only), Enter. The people are read in
``load``; keys typed before they came wait for them (the app's key fence), so a clerk who
types ahead lands where slow typing would. The PIN is checked in the kit's worker
(scrypt takes tens of milliseconds: never on the UI thread). A wrong PIN is refused
under the PIN field and counted; the form never closes on a refusal, and the PIN is
typed again. When the database cannot be used (unreachable, busy, full) the form says
so in the clerk's words and keeps the person chosen; Enter tries again. It dismisses
with the signed-in person. Esc cannot skip it: the desk is not used anonymously (ctrl+q
still quits).

``LockScreen`` is the same form when the desk locked itself after being idle: the person
who was at the desk is chosen already (even before the list is read, or when it cannot
be), the screen hides what was behind it, and the PIN goes through ``desk.unlock``
(logged, not attendance); anyone else's own PIN unlocks it too, and they become the one
at the desk.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.db.trouble import SAVE_WORDS
from deskterm.display import plain
from deskterm.duties.desk import DeskPerson, desk_people, sign_in, unlock
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field, error_line
from deskterm.screens.kit.form import DeskForm

ROLE_WORDS = {
    "clerk": N_("clerk"),
    "supervisor": N_("supervisor"),
    "manager": N_("manager"),
    "night": N_("night shift"),
}

#: What the form says when the database could not be used for the sign-in (by the kind
#: of trouble ``deskterm.db.trouble`` names): the person chosen stays, the PIN is typed
#: again (it never waits in the form for the next one at the desk).
TROUBLE_WORDS = {
    "unreachable": N_("Not signed in: the database cannot be reached. Type your PIN "
                      "again once it is back."),
    "locked": N_("Not signed in: the database is busy (another program holds it). Type "
                 "your PIN again."),
    "full": N_("Not signed in: the database is full (no disk space). Type your PIN again "
               "once space is freed."),
    "readonly": N_("Not signed in: the database refuses writes. Type your PIN again."),
    "forked": N_("Not signed in: the database file was removed or replaced while this "
                 "desk was open. Close the desk and open it again; tell the "
                 "administrator."),
}

ON_NAMES = N_("↑↓ choose · Enter or Tab: the PIN · ctrl+q quit")
ON_PIN = N_("Enter sign in · shift+Tab the names · ctrl+q quit")


def trouble_words(message: str) -> str:
    """The sign-in's words for the kit's words of a save that met database trouble (any
    other message as it is)."""
    for kind, words in SAVE_WORDS.items():
        if message == _(words):
            return _(TROUBLE_WORDS[kind])
    return message


class SignInScreen(DeskForm):
    PREFIX = "sign-in"
    TITLE_TEXT = N_("Who is at the desk?")
    FIELDS = (Field("pin", N_("PIN"), kind="pin", placeholder=N_("4 to 8 digits")),)
    ENTER_SAVES = True
    HINT = ON_NAMES  # in the names; the instance's while the cursor is in the PIN
    PIN_HINT: ClassVar[str] = ON_PIN

    def __init__(self, session, *, reason: str = "") -> None:
        super().__init__(session, id="sign-in", note=reason)
        self.people: list[DeskPerson] = []
        self.chosen: int | None = None  # who is highlighted first (the lock: who was here)

    def compose_body(self):
        yield Label(plain(_("Name")), classes="kit-label")
        yield OptionList(id="sign-in-people")
        yield error_line(self.PREFIX, "staff")
        yield self.field("pin")

    @property
    def names(self) -> OptionList:
        return self.query_one("#sign-in-people", OptionList)

    def first_focus(self):
        return self.widget("pin") if self.chosen is not None else self.names

    def on_mount(self) -> None:  # Textual calls DeskForm.on_mount after this one
        fence = getattr(self.app, "key_fence", None)
        if fence is not None:  # keys typed before the names came wait for them
            fence.hold(self)

    # --- the people --------------------------------------------------------------------
    def load(self) -> list[DeskPerson]:
        return desk_people(self.office)

    def loaded(self, people: list[DeskPerson]) -> None:
        self.show_people(people)
        self._release_keys()

    def _load_refused(self, field: str, message: str) -> None:
        super()._load_refused(field, message)
        self._release_keys()

    def _release_keys(self) -> None:
        fence = getattr(self.app, "key_fence", None)
        if fence is not None:
            fence.release(self)

    def show_people(self, people: list[DeskPerson]) -> None:
        """The list, the person chosen before (if any) highlighted; else the first."""
        highlighted = self.highlighted_person()
        keep = highlighted.id if highlighted is not None else self.chosen
        self.people = list(people)
        options = self.names
        options.clear_options()
        for person in self.people:
            role = _(ROLE_WORDS.get(person.role, person.role))
            options.add_option(Option(plain(f"{person.name}  · {role}"), id=str(person.id)))
        if self.people:
            ids = [person.id for person in self.people]
            options.highlighted = ids.index(keep) if keep in ids else 0

    def highlighted_person(self) -> DeskPerson | None:
        index = self.names.highlighted
        return self.people[index] if index is not None and 0 <= index < len(self.people) \
            else None

    # --- keys --------------------------------------------------------------------------
    def action_cancel(self) -> None:
        self.notify(_("Sign in to use the desk, or press ctrl+q to quit."), markup=False)

    @on(OptionList.OptionSelected, "#sign-in-people")
    def _name_chosen(self) -> None:
        self.focus_field("pin")

    def on_descendant_focus(self, event) -> None:
        """The hint names the keys of where the cursor is (Enter signs in only in the
        PIN; in the names it moves to the PIN)."""
        super().on_descendant_focus(event)
        self.HINT = self.PIN_HINT if event.widget is self.widget("pin") else type(self).HINT
        hint = self.query(f"#{self.PREFIX}-hint")
        if hint and not self.saving:
            hint.first(Static).update(plain(_(self.HINT)))

    # --- signing in --------------------------------------------------------------------
    def check(self, values):
        values, errors = super().check(values)
        person = self.highlighted_person()
        if person is None:
            errors["staff"] = _("Choose who you are from the list.")
        values["staff"] = person.id if person is not None else None
        return values, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        super().show_errors(errors)
        if "staff" in errors:
            self.focus_field("staff")

    def field_of(self, duty_field: str | None) -> str:
        return "staff" if duty_field == "staff" else super().field_of(duty_field)

    def focus_field(self, name: str) -> None:
        if name == "staff":
            self.set_focus(self.names)
        else:
            super().focus_field(name)

    def save(self, values):
        return self.prove(values["staff"], values["pin"] or "")

    def prove(self, staff_id: int, pin: str):
        """The duty (in the worker): the signed-in person, or DutyError."""
        return sign_in(self.office, staff_id, pin)

    def refused(self, field: str, message: str) -> None:
        super().refused(field, trouble_words(message) if not field else message)
        if not field:
            self.focus_field("pin")  # the person stays chosen, the PIN kept: Enter again


class LockScreen(SignInScreen):
    """The desk locked after ``minutes`` idle; dismisses with whoever unlocked it."""

    TITLE_TEXT = N_("The desk is locked")
    PIN_HINT = N_("Enter unlock · shift+Tab the names · ctrl+q quit")

    def __init__(self, session, *, minutes: float) -> None:
        super().__init__(session, reason=_(
            "Locked after {n} min without a key. Your PIN unlocks it; another person's "
            "own PIN unlocks it for them.").format(n=f"{minutes:g}"))
        self.locked_for = session.staff
        staff = session.staff
        self.chosen = staff.id if staff is not None else None
        if staff is not None:  # shown at once, and kept if the list cannot be read
            self.people = [DeskPerson(staff.id, staff.name, staff.role)]

    def on_mount(self) -> None:
        self.show_people(self.people)

    def action_cancel(self) -> None:
        self.notify(_("Type a PIN to unlock the desk, or press ctrl+q to quit."), markup=False)

    def prove(self, staff_id: int, pin: str):
        return unlock(self.office, staff_id, pin, locked_for=self.locked_for)
