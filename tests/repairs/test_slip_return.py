"""The returned slip copied in (deskterm.duties.repairs.slip_return), on SQLite and
PostgreSQL: the return and the owner's lines in one transaction, the owner's lines never
assumed, the time he signed neither in the future nor before the dispatch; refused,
nothing stored."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import RepairOrder
from deskterm.duties.repairs import order_work
from deskterm.duties.repairs.order_view import order_view
from deskterm.duties.repairs.slip_return import SLIP_BACK_ACTION, return_from_slip
from tests.factories import order, small_office
from tests.repairs.test_orders import refused

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai
H = dt.timedelta(hours=1)


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(NOW)
    return small_office()


def dispatched(so) -> RepairOrder:
    row = order(so, state="registered", technician=None)
    order_work.dispatch(so.office, so.clerk, row.id, so.technician.id)  # at 10:05
    return row


def test_the_return_and_the_owners_lines_together(so, frozen_clock):
    row = dispatched(so)
    frozen_clock("2026-11-26T07:40:00")  # 15:40
    signed = now_utc() - H  # 14:40
    return_from_slip(so.office, so.clerk, row.id, result="done", work_done="换阀芯",
                     owner_note="not_satisfied", signed_at=signed)
    stored = RepairOrder.get_by_id(row.id)
    assert (stored.state, stored.result, stored.work_done) == ("returned", "done", "换阀芯")
    last = list(changes.history("repair_order", row.id))[-1]
    assert last.action == SLIP_BACK_ACTION and last.staff_id == so.clerk.id
    assert json.loads(last.detail)["after"] == {"owner_note": "not_satisfied",
                                                "signed_at": "2026-11-26 06:40:00"}
    [line] = [h for h in order_view(so.office, row.id).history if h.action == SLIP_BACK_ACTION]
    assert line.what == "owner on the slip: signed: not satisfied, owner signed at: 11-26 14:40"


def test_not_written_time_is_left_out(so):
    row = dispatched(so)
    return_from_slip(so.office, so.clerk, row.id, result="not_done", work_done="缺配件",
                     owner_note="not_signed", signed_at=None)
    last = list(changes.history("repair_order", row.id))[-1]
    assert json.loads(last.detail)["after"] == {"owner_note": "not_signed"}


@pytest.mark.parametrize(("note", "signed", "field"), [
    (None, None, "owner_note"),  # never assumed
    ("signed", None, "owner_note"),  # not one of the slip's
    ("satisfied", H, "signed_at"),  # later than now
    ("satisfied", -2 * H, "signed_at"),  # before the dispatch
])
def test_refused_at_its_field_and_nothing_stored(so, note, signed, field):
    row = dispatched(so)
    at = None if signed is None else now_utc() + signed
    refused(lambda: return_from_slip(so.office, so.clerk, row.id, result="done",
                                     work_done="换阀芯", owner_note=note, signed_at=at), field)


def test_the_returns_own_refusals_store_nothing_either(so):
    row = dispatched(so)
    refused(lambda: return_from_slip(so.office, so.clerk, row.id, result="done",
                                     work_done="换阀芯", charge_fen=-5,
                                     owner_note="satisfied"), "charge")
    return_from_slip(so.office, so.clerk, row.id, result="done", work_done="换阀芯",
                     owner_note="satisfied")
    refused(lambda: return_from_slip(so.office, so.clerk, row.id, result="done",
                                     work_done="again", owner_note="satisfied"), "order")
