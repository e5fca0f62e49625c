"""Signing in: who is at the desk, proved by their own PIN [7.4.14].

The first real modal form: pick your name (arrow keys or type to jump), type your PIN,
Enter. A wrong PIN is refused beside the PIN field and counted; the form never closes on
a refusal. It dismisses with the signed-in Staff row. Esc cannot skip it: the desk is
not used anonymously (ctrl+q still quits).

``LockScreen`` is the same form when the desk locked itself after being idle: the person
who was at the desk is chosen already, the screen hides what was behind it, and the PIN
goes through ``desk.unlock`` (logged, not attendance); anyone else's own PIN unlocks it
too, and they become the one at the desk.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.db.models import Staff, database
from deskterm.display import plain
from deskterm.duties.desk import DeskPerson, desk_people, sign_in, unlock
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import N_, _

ROLE_WORDS = {
    "clerk": N_("clerk"),
    "supervisor": N_("supervisor"),
    "manager": N_("manager"),
    "night": N_("night shift"),
}


class SignInScreen(ModalScreen[Staff]):
    BINDINGS = [Binding("escape", "refuse_escape", show=False)]

    TITLE = N_("Who is at the desk?")
    HINT = N_("↑↓ choose · Tab next field · Enter sign in · ctrl+q quit")

    def __init__(self, session, *, reason: str = "") -> None:
        super().__init__(id="sign-in")
        self.session = session
        self.reason = reason
        self.people: list[DeskPerson] = []
        self.chosen: int | None = None  # who is highlighted first (the lock: who was here)

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-form", classes="form"):
            yield Static(plain(_(self.TITLE)), classes="form-title", markup=False)
            yield Static(plain(self.reason), id="sign-in-reason", classes="form-hint",
                         markup=False)
            yield Label(plain(_("Name")), classes="field-label")
            yield OptionList(id="sign-in-people")
            yield Static(plain(""), id="staff-error", classes="field-error", markup=False)
            yield Label(plain(_("PIN")), classes="field-label")
            yield Input(password=True, id="sign-in-pin", max_length=16,
                        placeholder=_("4 to 8 digits"))
            yield Static(plain(""), id="pin-error", classes="field-error", markup=False)
            yield Static(plain(_(self.HINT)),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.people = desk_people(self.session.office)
        options = self.query_one(OptionList)
        for person in self.people:
            role = _(ROLE_WORDS.get(person.role, person.role))
            options.add_option(Option(plain(f"{person.name}  · {role}"), id=str(person.id)))
        if self.people:
            ids = [person.id for person in self.people]
            options.highlighted = ids.index(self.chosen) if self.chosen in ids else 0
        if self.chosen is not None:
            self.query_one("#sign-in-pin", Input).focus()
        else:
            options.focus()

    def action_refuse_escape(self) -> None:
        self.notify(_("Sign in to use the desk, or press ctrl+q to quit."), markup=False)

    @on(OptionList.OptionSelected)
    def _name_chosen(self) -> None:
        self.query_one("#sign-in-pin", Input).focus()

    @on(Input.Submitted, "#sign-in-pin")
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        self._set_error("staff", "")
        self._set_error("pin", "")
        if options.highlighted is None or not self.people:
            self._set_error("staff", _("Choose who you are from the list."))
            options.focus()
            return
        person = self.people[options.highlighted]
        pin = self.query_one("#sign-in-pin", Input).value
        self._check(person.id, pin)

    @work(thread=True, exclusive=True, group="sign-in")
    def _check(self, staff_id: int, pin: str) -> None:
        # scrypt takes tens of milliseconds: off the UI thread.
        try:
            with database.connection_context():
                staff = self._prove(staff_id, pin)
        except DutyError as exc:
            self.app.call_from_thread(self._refused, exc.field or "pin", exc.message)
            return
        except DeskError as exc:
            self.app.call_from_thread(self._refused, "pin", exc.message)
            return
        self.app.call_from_thread(self.dismiss, staff)

    def _prove(self, staff_id: int, pin: str) -> Staff:
        return sign_in(self.session.office, staff_id, pin)

    def _refused(self, field: str, message: str) -> None:
        self._set_error(field, message)
        pin = self.query_one("#sign-in-pin", Input)
        pin.value = ""
        pin.focus()

    def _set_error(self, field: str, message: str) -> None:
        target = "#staff-error" if field == "staff" else "#pin-error"
        self.query_one(target, Static).update(plain(("✗ " + message) if message else ""))


class LockScreen(SignInScreen):
    """The desk locked after ``minutes`` idle; dismisses with whoever unlocked it."""

    TITLE = N_("The desk is locked")
    HINT = N_("↑↓ choose · Tab next field · Enter unlock · ctrl+q quit")

    def __init__(self, session, *, minutes: float) -> None:
        super().__init__(session, reason=_(
            "Locked after {n} min without a key. Your PIN unlocks it; another person's "
            "own PIN unlocks it for them.").format(n=f"{minutes:g}"))
        self.locked_for = session.staff
        self.chosen = session.staff.id if session.staff is not None else None

    def action_refuse_escape(self) -> None:
        self.notify(_("Type a PIN to unlock the desk, or press ctrl+q to quit."), markup=False)

    def _prove(self, staff_id: int, pin: str) -> Staff:
        return unlock(self.session.office, staff_id, pin, locked_for=self.locked_for)
