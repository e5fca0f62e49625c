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

The return form starts in "Work done", the first field shown and the first the clerk
has to fill; the result (chosen by the clerk: it never starts as "done"), the materials
and the charge follow in reading order. The materials are chosen by name from the stock
list, each with its quantity (``materials.MaterialsPart``); no code from memory.
"""

from __future__ import annotations

from importlib.resources import files

from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import fit, plain, when
from deskterm.duties.parsing_time import parse_local_datetime
from deskterm.duties.records import TEXT_LIMIT
from deskterm.duties.repairs.order_view import OrderView
from deskterm.duties.repairs.order_words import RESULT_WORDS
from deskterm.duties.repairs.order_work import REASON_LIMIT, dispatch, reopen_order, return_order
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
    """The technician is back: what was done, the result, materials, any charge."""

    PREFIX = "return"
    TITLE_TEXT = N_("Order returned")
    DRAFT = "order_return"
    SCROLLS = True  # many material lines scroll, at 80×24 too
    HINT = N_("Tab next · ctrl+s save (Enter in the charge) · Esc cancel")
    MATERIALS_LABEL = N_("Materials used: part of a name, Enter, the quantity, Enter")
    FIELDS = (
        Field("work_done", N_("Work done"), max_length=TEXT_LIMIT,
              required=N_("Enter what was done."), placeholder=N_("what the technician did")),
        # Never "done" by itself: the clerk says it (honest records [6.5]).
        Field("result", N_("Result"), kind="select", blank=N_("done or not done?"),
              required=N_("Choose the result: done or not done."),
              options=tuple((word, key) for key, word in RESULT_WORDS.items())),
        # The materials' lookup box; the lines chosen are the part's (materials.py).
        Field("materials", N_("Materials"), max_length=QUERY_LIMIT),
        Field("charge", N_("Charge to the owner (¥, empty: none)"), max_length=20,
              placeholder="0.00", parse=lambda text: parse_amount(text, field="charge")),
    )

    def compose_body(self):
        yield self.field("work_done")
        yield self.field("result")
        yield self.compose_materials()
        yield self.field("charge")

    def check(self, values):
        values, errors = super().check(values)
        self.check_materials(values, errors)
        return values, errors

    def save(self, values) -> None:
        return_order(self.office, self.session.staff, self.view.id, result=values["result"],
                     work_done=values["work_done"] or "", materials=values["materials"],
                     charge_fen=values["charge"] or 0)


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
