"""The order detail view's sub-forms: dispatch (or reassign / reschedule) a registered or
dispatched order, record the technician's return [5.8][7.4.8][7.4.9], and reopen a
returned order with the reason.

Each is a kit ``DeskForm`` (``ActionForm``: the order's line under the title, the fields
declared once with their error lines fed by ``DutyError.field``, the duty —
``order_work.dispatch``, ``return_order``, ``reopen_order`` — in the kit's worker;
database trouble on the form's line, what was typed kept). Each dismisses with True when
saved; Esc closes an untouched form at once and asks first when something was typed
(the return's and the reopening's text is kept as a draft of the order). The detail view
then reads the order again. A form whose list (the technicians) could not be read reads
it again at the next ctrl+s (the kit's ``load_failed``), or by itself once the database
answers.

The return form follows the returned repair slip [7.4.9] (``repair_slip``: 维修情况, 材料,
收费, 维修结果, 业主意见 and 业主签字 with its time), so the clerk copies the paper straight
down: work done, the materials, the charge, the result (chosen by the clerk: it never
starts as "done"), what the owner's lines show (signed and satisfied or not, or not
signed: chosen, never filled in) and the time the owner signed, when written (Enter there
saves). The form starts in "Work done". The materials are chosen by name from the stock
list, each with its quantity (``materials.MaterialsPart``); no code from memory. The
duty is ``slip_return.return_from_slip`` (the return and the owner's lines together).
"""

from __future__ import annotations

from importlib.resources import files

from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import fit, plain, when
from deskterm.duties.parsing_time import parse_local_datetime
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.repairs.order_view import OrderView
from deskterm.duties.repairs.order_words import OWNER_WORDS, RESULT_WORDS
from deskterm.duties.repairs.order_work import REASON_LIMIT, dispatch, reopen_order
from deskterm.duties.repairs.slip_return import return_from_slip
from deskterm.duties.residents.roster import active_technicians
from deskterm.i18n import N_, _
from deskterm.money import parse_amount
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.repairs.materials import QUERY_LIMIT, MaterialsPart

TEXT_WIDTH = 72
ACTIONS_CSS = str(files("deskterm.styles") / "order_detail.tcss")


class ActionForm(DeskForm[bool | None]):
    """What the sub-forms of the order's and the complaint's detail share: the record's
    line under the title, True when saved (see the module)."""

    CSS_PATH = ACTIONS_CSS
    ENTER_SAVES = True

    def __init__(self, session, view) -> None:
        self.view = view
        super().__init__(session, id=f"{self.PREFIX}-screen", note=self.record_line(),
                         classes="kit-form-screen action-screen")

    def record_line(self) -> str:
        unit = self.view.unit or _("public area")
        return fit(" · ".join((self.view.number, unit, self.view.description)), TEXT_WIDTH)

    def draft_subject(self) -> str:
        return str(self.view.id)

    def saved(self, result) -> None:
        self.dismiss(True)


class DispatchScreen(ActionForm):
    """Dispatch a registered order, or reassign / reschedule a dispatched one."""

    PREFIX = "dispatch"

    def __init__(self, session, view: OrderView) -> None:
        super().__init__(session, view)
        self.form_title = (_("Reassign order") if view.state == "dispatched"
                           else _("Dispatch order"))

    def form_fields(self):
        tz = self.session.tz
        return (
            Field("technician", N_("Technician"), kind="select", options=(),
                  blank=N_("choose a technician"),
                  required=N_("Choose an active technician of this office.")),
            Field("appointment", _("Appointment (empty: keep {when})").format(
                when=when(self.view.appointment_at, tz, now_utc())), max_length=40,
                placeholder=N_("14:30, 明天 9:00, 11-28 15:00"), also=("appointment_at",),
                parse=lambda text: parse_local_datetime(text, tz=tz, now=now_utc(),
                                                        field="appointment")),
        )

    def load(self):
        return active_technicians(self.office)

    def loaded(self, technicians: list[tuple[int, str]]) -> None:
        box = self.widget("technician")
        box.set_options([(plain(name), staff_id) for staff_id, name in technicians])
        ids = [staff_id for staff_id, _name in technicians]
        if self.value("technician") is None:  # the clerk has not chosen meanwhile
            if self.view.technician_id in ids:
                self.set_initial("technician", self.view.technician_id)
            elif len(ids) == 1:
                self.set_initial("technician", ids[0])
        if not ids:
            self.show_error("technician", _("This office has no active technician."))

    def save(self, values) -> None:
        dispatch(self.office, self.session.staff, self.view.id, values["technician"],
                 appointment_at=values["appointment"] or None)


class ReturnScreen(MaterialsPart, ActionForm):
    """The technician is back with the slip: its lines in its order (see the module)."""

    PREFIX = "return"
    TITLE_TEXT = N_("Order returned")
    DRAFT = "order_return"
    SCROLLS = True  # many material lines scroll, at 80×24 too
    HINT = N_("Tab next · ctrl+s save (Enter in the owner's time) · Esc cancel")
    MATERIALS_LABEL = N_("Materials used: part of a name, Enter, the quantity, Enter")

    def form_fields(self):
        tz = self.session.tz
        return (
            Field("work_done", N_("Work done"), max_length=TEXT_LIMIT,
                  required=N_("Enter what was done."),
                  placeholder=N_("what the technician did")),
            # The materials' lookup box; the lines chosen are the part's (materials.py).
            Field("materials", N_("Materials"), max_length=QUERY_LIMIT),
            Field("charge", N_("Charge to the owner (¥, empty: none)"), max_length=20,
                  placeholder="0.00", parse=lambda text: parse_amount(text, field="charge")),
            # Never "done" by itself: the clerk says it (honest records [6.5]).
            Field("result", N_("Result"), kind="select", blank=N_("done or not done?"),
                  required=N_("Choose the result: done or not done."),
                  options=tuple((word, key) for key, word in RESULT_WORDS.items())),
            # What the owner's lines of the slip show: read off the paper, never assumed.
            Field("owner_note", N_("The owner on the slip"), kind="select",
                  blank=N_("signed? satisfied?"),
                  required=N_("Say what the slip shows: the owner's signature and opinion."),
                  options=tuple((word, key) for key, word in OWNER_WORDS.items())),
            Field("signed_at", N_("Time the owner signed (as written; empty: not written)"),
                  max_length=40, placeholder=N_("15:20, 昨天 17:30"),
                  parse=lambda text: parse_local_datetime(
                      text, tz=tz, now=now_utc(), field="signed_at", allow_past=True)),
        )

    def compose_body(self):
        yield self.field("work_done")
        yield self.compose_materials()
        yield self.field("charge")
        yield self.field("result")
        yield self.field("owner_note")
        yield self.field("signed_at")

    def check(self, values):
        values, errors = super().check(values)
        self.check_materials(values, errors)
        return values, errors

    def save(self, values) -> None:
        return_from_slip(self.office, self.session.staff, self.view.id,
                         result=values["result"], work_done=values["work_done"] or "",
                         materials=values["materials"], charge_fen=values["charge"] or 0,
                         owner_note=values["owner_note"], signed_at=values["signed_at"] or None)


class ReopenScreen(ActionForm):
    """Reopen a returned (or called-back) order: back to its technician, with the reason."""

    PREFIX = "reopen"
    TITLE_TEXT = N_("Reopen order")
    DRAFT = "order_reopen"
    HINT = N_("Enter or ctrl+s reopen · Esc cancel")
    FIELDS = (
        Field("reason", N_("Why is it reopened?"), max_length=REASON_LIMIT,
              placeholder=N_("e.g. the owner rang: still leaking"), wide=True),
    )

    def compose_body(self):
        back_to = self.view.technician or _("the desk (no technician yet)")
        yield Static(plain(fit(_("It goes back to {name}; its callback starts again after "
                                 "the next return.").format(name=back_to), TEXT_WIDTH)),
                     id="reopen-note", markup=False)
        yield from super().compose_body()

    def save(self, values) -> None:
        reopen_order(self.office, self.session.staff, self.view.id,
                     reason=values["reason"] or "")
