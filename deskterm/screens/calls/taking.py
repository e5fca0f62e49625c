"""The dashboard's side of a ringing call (issue #14): the banner read, F2 takes the call,
F3 takes a payment from the caller's unit.

- ``load_ringing(dashboard)``: ``answering.ringing_now`` in the kit's worker, shown on the
  banner; the dashboard calls it on its first load, on the ``incoming_call`` topic and
  when the call shown rang out.
- ``take_ringing(app)``: F2 while a call rings: the call-intake form opens at once with the
  caller filled in (name, unit, phone: ``kit.caller.KnownCaller``; only the phone for a
  number not on the roster) and, meanwhile, ``answering.answer_call`` marks the call
  answered by this clerk; another desk that took it first is said in a notification
  (the form stays: the clerk is on the phone with someone).
- ``pay_ringing(app)``: F3 while a call from the roster rings: the payment form with the
  caller's unit found.
- ``add_ringing_to_owner(app)``: F10 o while a number not on the roster rings: the roster,
  and the owner chosen there gets the number.
Each answers False when no call rings, so the key does what it always does.
"""

from __future__ import annotations

from deskterm.duties.calls.answering import answer_call, ringing_now
from deskterm.duties.residents.roster import OwnerHit
from deskterm.i18n import _
from deskterm.screens.kit.caller import KnownCaller
from deskterm.screens.kit.duty import run_duty
from deskterm.widgets.ringing import RingingBanner


def load_ringing(dashboard) -> None:
    office = dashboard.session.office
    banner = dashboard.query_one(RingingBanner)
    run_duty(dashboard, lambda: ringing_now(office), done=banner.show,
             refused=lambda _field, _message: None,  # the status line says the trouble
             group="ringing", name="ringing calls", load=True)


def _ringing(app):
    """The call the dashboard's banner shows, when the dashboard is on top and someone is
    signed in; else None."""
    dashboard = app.dashboard
    if dashboard is None or app.screen is not dashboard or app.session.staff is None:
        return None
    found = dashboard.query(RingingBanner)
    return found.first().ringing if found else None


def take_ringing(app) -> bool:
    """F2 while a call rings (see the module); False when none rings."""
    call = _ringing(app)
    if call is None:
        return False
    from deskterm.screens.kit.opening import open_screen
    from deskterm.screens.repairs.call_intake import CallIntakeScreen

    known = KnownCaller(phone=call.number, name=call.owner_name, unit_code=call.unit_code,
                        owner_id=call.owner_id, unit_id=call.unit_id)
    if open_screen(app, CallIntakeScreen, caller=known) is None:
        return True
    office, staff, dashboard = app.session.office, app.session.staff, app.dashboard
    run_duty(dashboard, lambda: answer_call(office, staff, call.id),
             refused=lambda _field, message: app.notify(
                 message, severity="warning", markup=False, timeout=6),
             group="answer-call", exclusive=False, name="answer call")
    return True


def pay_ringing(app) -> bool:
    """F3 while a call from the roster rings: the payment form with the caller's unit."""
    call = _ringing(app)
    if call is None or call.unit_id is None:
        return False
    from deskterm.screens.cashdesk.payment import open_payment

    screen = open_payment(app)
    if screen is None:
        return True
    hit = OwnerHit(owner_id=call.owner_id, name=call.owner_name, kind="owner",
                   unit_id=call.unit_id, unit_code=call.unit_code, phones=(call.number,),
                   matched="phone")

    def found() -> None:
        screen._card_of(call.unit_id, call.unit_code)  # noqa: SLF001 - the lookup's path
        screen.unit_found(call.unit_id, call.unit_code, hit)

    screen.call_after_refresh(found)
    return True


def add_ringing_to_owner(app) -> bool:
    """F10 o while a number not on the roster rings: the roster opens to find the owner
    it belongs to; Enter on them opens their card with the number added (ctrl+s keeps
    it). False when no such call rings, so F10 o opens the roster as always."""
    call = _ringing(app)
    if call is None or call.owner_id is not None:
        return False
    from deskterm.screens.residents.owner_roster import open_owner_roster

    open_owner_roster(app, add_phone=call.number)
    return True


def returned_words(count: int) -> str:
    from deskterm.i18n import ngettext

    return ngettext("{count} call returned.", "{count} calls returned.", count).format(
        count=count) if count > 1 else _("Call returned.")
