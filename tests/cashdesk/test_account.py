"""A unit's account (deskterm.duties.cashdesk.account): who lives there, what is owed (the same dues
as the payment form), what was paid, and the history newest first with receipt numbers,
a voided receipt and its reversal shown, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Owner, OwnerPhone
from deskterm.duties.cashdesk.account import receipt_label, unit_account, unit_by_code
from deskterm.duties.cashdesk.cash import open_session
from deskterm.duties.cashdesk.dues import unit_dues
from deskterm.duties.cashdesk.fee_summary import fee_summary, summary_period
from deskterm.duties.cashdesk.payments import take_payment
from deskterm.duties.cashdesk.receipts import issue_book, void_receipt
from deskterm.errors import DutyError
from tests.factories import MORNING, PIN, order
from tests.fee_rows import charge, fee_office, monthly, pay, void

H = dt.timedelta(hours=1)


@pytest.fixture
def fo(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return fee_office()


def history_rows(account):
    return [(line.kind, line.amount, line.receipt, line.voided) for line in account.history]


def test_a_unit_with_a_few_months(fo):
    unit = fo.units[0]
    now = now_utc()
    sep = monthly(fo, unit, "2026-09", at=now - 60 * 24 * H)
    oct_ = monthly(fo, unit, "2026-10", at=now - 30 * 24 * H)
    park = charge(fo, unit, fo.parking, "2026-10", 15000, at=now - 30 * 24 * H + H)
    nov = monthly(fo, unit, "2026-11", at=now - 25 * 24 * H)
    first = pay(fo, unit, [(sep, sep.amount)], at=now - 50 * 24 * H)
    wrong = pay(fo, unit, [(oct_, oct_.amount), (park, 15000)], method="wechat",
                at=now - 20 * 24 * H)
    void(fo, wrong, at=now - 20 * 24 * H + H, reason="收费项目选错")
    again = pay(fo, unit, [(oct_, oct_.amount), (park, 5000)], method="wechat",
                at=now - 20 * 24 * H + 2 * H)

    account = unit_account(fo.office, unit.id)
    assert (account.code, account.area_centi_m2) == ("3-2-501", 8956)
    assert [(o.name, o.phones) for o in account.owners] == [("张三", ("13812345678",))]
    # Owed: the rest of parking and November, as the payment form's dues say.
    assert [(d.charge_id, d.outstanding) for d in account.dues] == [
        (park.id, 10000), (nov.id, nov.amount)]
    assert account.dues == tuple(unit_dues(fo.office, unit.id))
    charged = sep.amount + oct_.amount + 15000 + nov.amount
    paid = sep.amount + oct_.amount + 5000
    assert (account.charged, account.paid, account.owed) == (charged, paid, charged - paid)
    assert history_rows(account) == [
        ("payment", oct_.amount + 5000, "A0000003", False),
        ("reversal", -(oct_.amount + 15000), "A0000002", False),
        ("payment", oct_.amount + 15000, "A0000002", True),
        ("charge", nov.amount, "", False),
        ("charge", 15000, "", False),
        ("charge", oct_.amount, "", False),
        ("payment", sep.amount, "A0000001", False),
        ("charge", sep.amount, "", False),
    ]
    latest, reversal = account.history[0], account.history[1]
    assert latest.ref_id == again.id and latest.method == "wechat" and latest.clerk == "李静"
    assert latest.text == "车位管理费 2026-10, 物业服务费 2026-10"  # as the dues: by code
    assert reversal.note == "收费项目选错" and reversal.text == latest.text
    assert account.history[3].text == "物业服务费" and account.history[3].period == "2026-11"
    # The history adds up: charges less payments (reversals negative) is what is owed.
    total = sum(line.amount if line.kind == "charge" else -line.amount
                for line in account.history)
    assert total == account.owed == charged - paid
    assert first.id in {line.ref_id for line in account.history}


def test_a_repair_charge_names_its_order_once(fo):
    job = order(fo.so, state="returned", returned=now_utc() - H)
    row = charge(fo, fo.units[0], fo.repair, "2026-11", 8000, note=job.number)
    row.order = job
    with changes.write():
        row.save()
    line = unit_account(fo.office, fo.units[0].id).history[0]
    assert (line.kind, line.text, line.note, line.fee_kind) == ("charge", "有偿维修费",
                                                                 job.number, "repair")


def test_a_new_unit_has_an_empty_account(fo):
    account = unit_account(fo.office, fo.units[2].id)
    assert (account.code, account.owners, account.dues, account.history) == (
        "3-2-503", (), (), ())
    assert (account.charged, account.paid, account.owed, account.more) == (0, 0, 0, False)


def test_owners_who_moved_out_come_last_and_tenants_after_owners(fo):
    unit = fo.units[0]
    with changes.write():
        gone = Owner.create(office=fo.office, unit=unit, name="王五", kind="owner",
                            active=False, created_at=now_utc())
        tenant = Owner.create(office=fo.office, unit=unit, name="Smith", kind="tenant",
                              created_at=now_utc())
        OwnerPhone.create(owner=tenant, phone="02787654321")
    assert [(o.name, o.kind, o.active) for o in unit_account(fo.office, unit.id).owners] == [
        ("张三", "owner", True), ("Smith", "tenant", True), ("王五", "owner", False)]
    assert gone.id


def test_only_this_offices_units(fo):
    other = fee_office("另一个管理处")
    monthly(other, other.units[0], "2026-11")
    with pytest.raises(DutyError) as refused:
        unit_account(fo.office, other.units[0].id)
    assert refused.value.field == "unit"
    with pytest.raises(DutyError):
        unit_account(fo.office, 999_999)


def test_receipt_labels():
    assert receipt_label("A", 1234) == "A0001234"
    assert receipt_label("", 7) == "0000007"
    assert receipt_label("A", None) == ""


def test_a_unit_by_its_code_as_typed(fo):
    assert unit_by_code(fo.office, "3栋2单元503") == fo.units[2].id
    assert unit_by_code(fo.office, " 3-2-502 ") == fo.units[1].id
    assert unit_by_code(fo.office, "3-2-999") is None
    assert unit_by_code(fo.office, "[b]zs[/b]") is None
    assert unit_by_code(fee_office("另一个管理处").office, "9-9-901") is None


def test_the_payment_desks_own_records_read_the_same(fo):
    """Payments taken and voided through take_payment / void_receipt (not the test
    builders) show in the account and the summary as the builders' do."""
    unit = fo.units[0]
    oct_ = monthly(fo, unit, "2026-10", at=now_utc() - 30 * 24 * H)
    nov = monthly(fo, unit, "2026-11", at=now_utc() - 25 * 24 * H)
    issue_book(fo.office, fo.so.supervisor.id, PIN, fo.clerk.id, 1, 100, "C")
    open_session(fo.office, fo.clerk, 30000)
    first = take_payment(fo.office, fo.clerk, unit_id=unit.id,
                         lines=[(oct_.id, oct_.amount), (nov.id, 1000)], method="cash",
                         tendered=None, payer_name="张三")
    void_receipt(fo.office, fo.clerk, first.receipt_id, reason="金额录入错误",
                 approver_id=fo.so.supervisor.id, approver_pin=PIN)
    take_payment(fo.office, fo.clerk, unit_id=unit.id, lines=[(oct_.id, oct_.amount)],
                 method="wechat")
    account = unit_account(fo.office, unit.id)
    assert history_rows(account)[:3] == [
        ("payment", oct_.amount, "C0000002", False),
        ("reversal", -(oct_.amount + 1000), "C0000001", False),
        ("payment", oct_.amount + 1000, "C0000001", True)]
    assert account.history[1].note == "金额录入错误"
    assert account.owed == nov.amount
    summary = fee_summary(fo.office, summary_period(fo.office, "month", "2026-11"))
    assert (summary.collected, summary.payments, summary.reversals) == (oct_.amount, 2, 1)
    assert (summary.receipts_issued, summary.receipts_voided) == (2, 1)
    assert {b.key: b.amount for b in summary.by_method if b.count} == {
        "cash": 0, "wechat": oct_.amount}
    assert summary.arrears_total == nov.amount
