"""Signing the handover (``handover_screen.py``): both sides with their own PINs [7.3].

``SignHandoverForm`` asks who handed over for the night (the office's night staff; the
only one is chosen already) and their PIN, the day clerk's own PIN (the person at the
desk) and a note. ctrl+s runs ``handover.sign_handover`` in a thread worker; a refusal
shows under its field and stores nothing (a wrong PIN is counted, like the desk's). It
dismisses with the Handover; with the refusal's text when the night log changed meanwhile
(the handover screen reads it again); None on Esc.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from deskterm.db.models import Handover, database
from deskterm.display import plain
from deskterm.duties.shift.handover import Disposition, HandoverView, sign_handover
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _

FIELDS = ("night_staff", "night_pin", "day_pin", "note")


class SignHandoverForm(ModalScreen[Handover | str | None]):
    CSS_PATH = str(files("deskterm.styles") / "handover.tcss")
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]

    def __init__(self, session, view: HandoverView,
                 dispositions: dict[int, Disposition]) -> None:
        super().__init__(id="sign-handover")
        self.session = session
        self.view = view
        self.dispositions = dispositions
        self.saving = False

    def compose(self) -> ComposeResult:
        people = [(plain(name), staff_id) for staff_id, name in self.view.night_staff]
        only = people[0][1] if len(people) == 1 else Select.NULL
        with Vertical(id="sh-form", classes="form"):
            yield Static(plain(_("Sign the handover: {count} items").format(
                count=len(self.dispositions))), classes="form-title", markup=False)
            with Horizontal(classes="ho-row"):
                yield Label(plain(_("Night")))
                yield Select(people, value=only, prompt=_("who hands over"), compact=True,
                             id="sh-night_staff")
                yield Label(plain(_("PIN")))
                yield Input(id="sh-night_pin", password=True, compact=True, max_length=32,
                            placeholder=_("their own PIN"))
            yield self._error("night_staff")
            yield self._error("night_pin")
            with Horizontal(classes="ho-row"):
                yield Label(plain(_("Day")))
                yield Static(plain(self.session.staff.name), id="sh-day", markup=False)
                yield Label(plain(_("PIN")))
                yield Input(id="sh-day_pin", password=True, compact=True, max_length=32,
                            placeholder=_("your own PIN"))
            yield self._error("day_pin")
            with Horizontal(classes="ho-row"):
                yield Label(plain(_("Note")))
                yield Input(id="sh-note", compact=True, max_length=2000)
            yield self._error("note")
            yield self._error("")
            yield Static(plain(_("Once signed it cannot change. ctrl+s sign · Esc back")),
                         classes="form-hint", markup=False)

    def _error(self, field: str) -> Static:
        return Static(plain(""), id=f"sh-error-{field or 'form'}", classes="ho-error",
                      markup=False)

    def on_mount(self) -> None:
        first = "#sh-night_pin" if len(self.view.night_staff) == 1 else "#sh-night_staff"
        self.query_one(first).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "sh-note":
            self.action_save()
        else:
            self.focus_next()

    def set_error(self, field: str, message: str) -> None:
        name = field if field in FIELDS else "form"
        line = self.query_one(f"#sh-error-{name}", Static)
        line.update(plain(("✗ " + message) if message else ""))
        line.display = bool(message)

    def action_save(self) -> None:
        if self.saving:
            return
        for field in (*FIELDS, ""):
            self.set_error(field, "")
        pins = {}
        for name in ("night_pin", "day_pin"):
            box = self.query_one(f"#sh-{name}", Input)
            pins[name], box.value = box.value, ""
        night = self.query_one("#sh-night_staff", Select).value
        values = dict(night_staff=None if night is Select.NULL else night,
                      day_clerk=self.session.staff.id, covers_until=self.view.covers_until,
                      dispositions=self.dispositions,
                      note=self.query_one("#sh-note", Input).value, **pins)
        self.saving = True
        self._sign(values)

    @work(thread=True, exclusive=True, group="sh-save")
    def _sign(self, values: dict) -> None:
        try:
            with database.connection_context():
                handover = sign_handover(self.session.office, **values)
        except DutyError as exc:
            self.app.call_from_thread(self._refused, exc.field or "", exc.message)
            return
        except DeskError as exc:
            self.app.call_from_thread(self._refused, "", exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the form
            self.app.call_from_thread(self._refused, "", _("Not signed: {error}").format(
                error=exc))
            return
        self.app.call_from_thread(self._done, handover)

    def _done(self, handover: Handover) -> None:
        self.saving = False
        self.dismiss(handover)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        if field == "items":  # the night log changed: back to the list, read again
            self.dismiss(message)
            return
        self.set_error(field, message)
        if field in FIELDS:
            self.query_one(f"#sh-{field}").focus()

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
