"""The clerk's words for a repair order's fields and values (N_: translate when shown),
shared by the order's views and its history lines (the change log keeps the field names
and values as stored: ``state: registered → dispatched`` reads 状态：已登记 → 已派工)."""

from __future__ import annotations

from deskterm.duties.agenda.timeline import CATEGORY_LABELS
from deskterm.i18n import N_, _

STATE_WORDS = {
    "registered": N_("registered"), "dispatched": N_("dispatched"),
    "returned": N_("returned"), "called_back": N_("called back"),
    "approved": N_("approved"), "handed_over": N_("handed over"), "filed": N_("filed"),
    "cancelled": N_("cancelled"),
}
URGENCY_WORDS = {"normal": N_("normal"), "urgent": N_("urgent")}
CHANNEL_WORDS = {
    "phone": N_("phone"),
    "walk_in": N_("walk-in"),
    "patrol": N_("patrol"),
    "technician": N_("technician's report"),
    "night_log": N_("night log"),
}
RESULT_WORDS = {"done": N_("done"), "not_done": N_("not done")}
#: What the returned slip's owner lines show (``slip_return``).
OWNER_WORDS = {
    "satisfied": N_("signed: satisfied"),
    "not_satisfied": N_("signed: not satisfied"),
    "not_signed": N_("not signed"),
}
OUTCOME_WORDS = {
    "satisfied": N_("satisfied"), "not_satisfied": N_("not satisfied"),
    "unreachable": N_("unreachable"), "refused": N_("refused"),
}

#: A repair order's fields as its history names them.
FIELD_WORDS = {
    "number": N_("number"),
    "is_public": N_("public area"),
    "channel": N_("channel"),
    "category": N_("category"),
    "urgency": N_("urgency"),
    "description": N_("request"),
    "reporter_name": N_("caller"),
    "reporter_phone": N_("caller's phone"),
    "technician": N_("technician"),
    "appointment_at": N_("appointment"),
    "state": N_("state"),
    "reopened_count": N_("times reopened"),
    "chases": N_("times chased"),
    "chased_at": N_("chased at"),
    "registered_at": N_("registered at"),
    "registered_by": N_("registered by"),
    "dispatched_at": N_("dispatched at"),
    "returned_at": N_("returned at"),
    "result": N_("result"),
    "work_done": N_("work done"),
    "charge": N_("charge"),
    "callback_due_at": N_("callback due"),
    "called_back_at": N_("called back at"),
    "callback_on_time": N_("called back in time"),
    "approved_at": N_("approved at"),
    "approved_by": N_("approved by"),
    "handed_over_at": N_("handed over at"),
    "handed_over_to": N_("handed over to"),
    "filed_at": N_("filed at"),
    "reason": N_("reason"),
    "outcome": N_("outcome"),
    "note": N_("note"),
    "by": N_("by"),
    "amount": N_("amount"),
    "owner_note": N_("owner on the slip"),
    "signed_at": N_("owner signed at"),
    # a complaint's own
    "complainant_name": N_("complainant"),
    "phone": N_("phone"),
    "received_at": N_("received at"),
    "received_by": N_("received by"),
    "handler": N_("handler"),
    "handling": N_("handling"),
    "handled_at": N_("handled at"),
    "closed_at": N_("closed at"),
}
#: The fields whose stored values are words of their own.
VALUE_WORDS = {"state": STATE_WORDS, "urgency": URGENCY_WORDS, "channel": CHANNEL_WORDS,
               "result": RESULT_WORDS, "outcome": OUTCOME_WORDS, "category": CATEGORY_LABELS,
               "owner_note": OWNER_WORDS}


def word(words: dict, key: str | None) -> str:
    """The translated word for ``key``, the key itself when there is none, — for nothing."""
    if not key:
        return "—"
    return _(words[key]) if key in words else key


def field_word(name: str) -> str:
    return _(FIELD_WORDS[name]) if name in FIELD_WORDS else name.replace("_", " ")
