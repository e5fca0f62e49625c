"""The order detail view's sub-forms: dispatch (or reassign / reschedule) a registered or
dispatched order, record the technician's return [5.8][7.4.8][7.4.9], and reopen a
returned order with the reason.

Each is a ``ModalScreen`` with one error line per field fed by ``DutyError.field``; the
duty (``order_work.dispatch``, ``return_order``, ``reopen_order``) runs in a thread worker inside
``database.connection_context()``. Each dismisses with True when saved, None on Esc
(nothing stored). The detail view then reads the order again.
"""

from __future__ import annotations

from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from deskterm.clock import now_utc
from deskterm.db.models import database
from deskterm.display import fit, plain, when
from deskterm.duties.parsing_time import parse_local_datetime
from deskterm.duties.repairs.order_view import OrderView, parse_materials
from deskterm.duties.repairs.order_words import RESULT_WORDS
from deskterm.duties.repairs.order_work import REASON_LIMIT, dispatch, reopen_order, return_order
from deskterm.duties.residents.roster import active_technicians
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import parse_amount
from deskterm.screens.kit.form_kit import run_duty

TEXT_WIDTH = 72


class ActionForm(ModalScreen[bool | None]):
    """What the two sub-forms share: the order line, error lines, saving in a worker."""

    CSS_PATH = str(files("deskterm.styles") / "order_detail.tcss")
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False, priority=True),
    ]
    PREFIX = ""
    FIELDS: tuple[str, ...] = ()
    #: The duty's field names → this form's error lines.
    FIELD_OF: dict[str, str] = {}

    def __init__(self, session, view: OrderView) -> None:
        super().__init__(id=f"{self.PREFIX}-screen")
        self.session = session
        self.view = view
        self.saving = False

    def order_line(self) -> str:
        unit = self.view.unit or _("public area")
        return fit(" · ".join((self.view.number, unit, self.view.description)), TEXT_WIDTH)

    def error_line(self, field: str) -> Static:
        name = f"{self.PREFIX}-{field}-error" if field else f"{self.PREFIX}-error"
        return Static(plain(""), id=name, classes="field-error", markup=False)

    def set_error(self, field: str, message: str) -> None:
        field = self.FIELD_OF.get(field, field)
        name = field if field in self.FIELDS else ""
        target = f"#{self.PREFIX}-{name}-error" if name else f"#{self.PREFIX}-error"
        self.query_one(target, Static).update(plain(("✗ " + message) if message else ""))

    def clear_errors(self) -> None:
        for field in ("", *self.FIELDS):
            self.set_error(field, "")

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)

    def action_save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        self.saving = True
        self._save(self.values())

    def values(self) -> dict:
        raise NotImplementedError

    def write(self, values: dict) -> None:
        """The duty itself (in the worker, inside the connection context)."""
        raise NotImplementedError

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @work(thread=True, exclusive=True, group="order-action")
    def _save(self, values: dict) -> None:
        run_duty(self, lambda: self.write(values), lambda _written: self._saved(),
                 self._refused)

    def _refused(self, field: str, message: str) -> None:
        self.saving = False
        self.set_error(field, message)
        field = self.FIELD_OF.get(field, field)
        if field in self.FIELDS:
            self.query_one(f"#{self.PREFIX}-{field}").focus()

    def _saved(self) -> None:
        self.saving = False
        self.dismiss(True)


class DispatchScreen(ActionForm):
    """Dispatch a registered order, or reassign / reschedule a dispatched one."""

    PREFIX = "dispatch"
    FIELDS = ("technician", "appointment")
    FIELD_OF = {"appointment_at": "appointment"}

    def compose(self) -> ComposeResult:
        title = _("Reassign order") if self.view.state == "dispatched" else _("Dispatch order")
        with Vertical(id="dispatch-form", classes="form action-form"):
            yield Static(plain(title), classes="form-title", markup=False)
            yield Static(plain(self.order_line()), id="dispatch-order", markup=False)
            yield self.error_line("")
            yield Label(plain(_("Technician")), classes="field-label")
            yield Select([], prompt=_("choose a technician"), compact=True,
                         id="dispatch-technician")
            yield self.error_line("technician")
            yield Label(plain(_("Appointment (empty: keep {when})").format(
                when=when(self.view.appointment_at, self.session.tz, now_utc()))),
                classes="field-label")
            yield Input(id="dispatch-appointment", max_length=40, compact=True,
                        placeholder=_("14:30, 明天 9:00, 11-28 15:00"))
            yield self.error_line("appointment")
            yield Static(plain(_("Tab next · Enter or ctrl+s save · Esc cancel")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#dispatch-technician", Select).focus()
        self._load()

    @work(thread=True, exclusive=True, group="dispatch-technicians")
    def _load(self) -> None:
        try:
            with database.connection_context():
                technicians = active_technicians(self.session.office)
        except Exception as exc:  # noqa: BLE001 - the form says so; Esc still closes it
            self.app.call_from_thread(self.set_error, "", str(exc))
            return
        self.app.call_from_thread(self._show_technicians, technicians)

    def _show_technicians(self, technicians: list[tuple[int, str]]) -> None:
        select = self.query_one("#dispatch-technician", Select)
        select.set_options([(plain(name), staff_id) for staff_id, name in technicians])
        ids = [staff_id for staff_id, _name in technicians]
        if self.view.technician_id in ids:
            select.value = self.view.technician_id
        elif len(ids) == 1:
            select.value = ids[0]
        if not ids:
            self.set_error("technician", _("This office has no active technician."))

    def values(self) -> dict:
        value = self.query_one("#dispatch-technician", Select).value
        return {"technician": None if value is Select.NULL else value,
                "appointment": self.query_one("#dispatch-appointment", Input).value}

    def write(self, values: dict) -> None:
        if values["technician"] is None:
            raise DutyError(_("Choose an active technician of this office."), "technician")
        text = values["appointment"]
        appointment = parse_local_datetime(text, tz=self.session.tz, now=now_utc(),
                                           field="appointment") if text.strip() else None
        dispatch(self.session.office, self.session.staff, self.view.id, values["technician"],
                 appointment_at=appointment)


class ReturnScreen(ActionForm):
    """The technician is back: result, what was done, materials, any charge."""

    PREFIX = "return"
    FIELDS = ("result", "work_done", "materials", "charge")

    def compose(self) -> ComposeResult:
        with Vertical(id="return-form", classes="form action-form"):
            yield Static(plain(_("Order returned")), classes="form-title", markup=False)
            yield Static(plain(self.order_line()), id="return-order", markup=False)
            yield self.error_line("")
            yield Label(plain(_("Result")), classes="field-label")
            yield Select([(_(word), key) for key, word in RESULT_WORDS.items()],
                         value="done", allow_blank=False, compact=True, id="return-result")
            yield self.error_line("result")
            yield Label(plain(_("Work done")), classes="field-label")
            yield Input(id="return-work_done", compact=True, placeholder=_("what the technician did"))
            yield self.error_line("work_done")
            yield Label(plain(_("Materials: one \"code qty\" a line, or leave empty")),
                        classes="field-label")
            yield TextArea(id="return-materials", compact=True, soft_wrap=False,
                           tab_behavior="focus", placeholder="FM-01 2")
            yield self.error_line("materials")
            yield Label(plain(_("Charge to the owner (¥, empty: none)")),
                        classes="field-label")
            yield Input(id="return-charge", max_length=20, compact=True, placeholder="0.00")
            yield self.error_line("charge")
            yield Static(plain(_("Tab next · ctrl+s save (Enter in a line) · Esc cancel")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#return-work_done", Input).focus()

    def values(self) -> dict:
        return {"result": self.query_one("#return-result", Select).value,
                "work_done": self.query_one("#return-work_done", Input).value,
                "materials": self.query_one("#return-materials", TextArea).text,
                "charge": self.query_one("#return-charge", Input).value}

    def write(self, values: dict) -> None:
        charge = values["charge"]
        charge_fen = parse_amount(charge, field="charge") if charge.strip() else 0
        materials = parse_materials(self.session.office, values["materials"])
        return_order(self.session.office, self.session.staff, self.view.id,
                     result=values["result"], work_done=values["work_done"],
                     materials=materials, charge_fen=charge_fen)


class ReopenScreen(ActionForm):
    """Reopen a returned (or called-back) order: back to its technician, with the reason."""

    PREFIX = "reopen"
    FIELDS = ("reason",)

    def compose(self) -> ComposeResult:
        back_to = self.view.technician or _("the desk (no technician yet)")
        with Vertical(id="reopen-form", classes="form action-form"):
            yield Static(plain(_("Reopen order")), classes="form-title", markup=False)
            yield Static(plain(self.order_line()), id="reopen-order", markup=False)
            yield Static(plain(fit(_("It goes back to {name}; its callback starts again after "
                                     "the next return.").format(name=back_to), TEXT_WIDTH)),
                         id="reopen-note", markup=False)
            yield self.error_line("")
            yield Label(plain(_("Why is it reopened?")), classes="field-label")
            yield Input(id="reopen-reason", max_length=REASON_LIMIT, compact=True,
                        placeholder=_("e.g. the owner rang: still leaking"))
            yield self.error_line("reason")
            yield Static(plain(_("Enter or ctrl+s reopen · Esc cancel")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#reopen-reason", Input).focus()

    def values(self) -> dict:
        return {"reason": self.query_one("#reopen-reason", Input).value}

    def write(self, values: dict) -> None:
        reopen_order(self.session.office, self.session.staff, self.view.id,
                     reason=values["reason"])
