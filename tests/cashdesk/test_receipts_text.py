"""The receipt as read, as text lines within their width, and as .txt / ESC/POS files."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from deskterm.duties.cashdesk.payments import take_payment
from deskterm.duties.cashdesk.receipt_print import receipt_document, write_receipt
from deskterm.duties.cashdesk.receipt_text import (
    ReceiptItem,
    ReceiptView,
    VoidMark,
    receipt_text,
    receipt_view,
)
from deskterm.duties.cashdesk.receipts import void_receipt
from deskterm.errors import DutyError
from deskterm.printing.document import document_text
from tests.factories import MORNING, PIN, small_office
from tests.payment_factories import cash_office, charge, fee_item


@pytest.fixture
def paid(desk_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    so = small_office()
    dues = cash_office(so, 26868, 26868)
    parking = charge(so, 15000, "2026-11", item=fee_item(so, "PK", "停车管理费", "parking"))
    result = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                          lines=[(d.id, d.amount) for d in dues] + [(parking.id, 10000)],
                          method="cash", tendered=70000, payer_name="张三")
    return so, result


def test_the_view_has_everything_printed(paid):
    so, result = paid
    view = receipt_view(so.office, result.receipt_id)
    assert (view.number, view.office, view.unit, view.payer, view.clerk) == (
        "A0000001", "非凡物业翠湖管理处", "3-2-501", "张三", "李静")
    assert view.items == (ReceiptItem("物业服务费", "2026-01", 26868),
                          ReceiptItem("物业服务费", "2026-02", 26868),
                          ReceiptItem("停车管理费", "2026-11", 10000))
    assert (view.total, view.total_capital) == (63736, "陆佰叁拾柒元叁角陆分")
    assert (view.method, view.tendered, view.change) == ("cash", 70000, 6264)
    assert view.issued == "2026-11-26 10:05" and not view.voided
    text = receipt_text(view)
    for expected in ("非凡物业翠湖管理处", "Receipt", "No. A0000001", "2026-11-26 10:05",
                     "Unit: 3-2-501", "Payer: 张三", "2026-02 ¥268.68", "¥100.00",
                     "¥637.36", "In words: 陆佰叁拾柒元叁角陆分", "Paid by: cash",
                     "¥700.00", "¥62.64", "Clerk: 李静"):
        assert expected in text, expected
    assert "VOID" not in text
    assert all(cell_len(line) <= 40 for line in text.splitlines())


def test_a_voided_receipt_says_so(paid, frozen_clock):
    so, result = paid
    frozen_clock("2026-11-26T02:20:00")
    void_receipt(so.office, so.clerk.id, result.receipt_id, reason="金额录入错误",
                 approver_id=so.supervisor.id, approver_pin=PIN)
    view = receipt_view(so.office, result.receipt_id)
    assert view.void == VoidMark("金额录入错误", "2026-11-26 10:20", "李静", "刘芳")
    text = receipt_text(view)
    assert "*** VOID ***" in text
    assert "VOID 2026-11-26 10:20: 金额录入错误 (by 李静, approved by 刘芳)" in " ".join(
        text.splitlines())
    assert view.total == 63736  # the receipt itself is unchanged


def test_another_offices_receipt_is_not_shown(paid):
    _so, result = paid
    other = small_office("别的管理处")
    with pytest.raises(DutyError) as caught:
        receipt_view(other.office, result.receipt_id)
    assert caught.value.field == "receipt"


def test_text_and_escpos_files(paid, tmp_path):
    so, result = paid
    view = receipt_view(so.office, result.receipt_id)
    text_path = write_receipt(view, tmp_path, "text", tz="Asia/Shanghai")
    assert text_path.name == "receipt-A0000001-20261126-100500.txt"
    assert text_path.read_text(encoding="utf-8") == document_text(receipt_document(view))
    assert receipt_text(view).split("\n")[2] in text_path.read_text(encoding="utf-8")
    again = write_receipt(view, tmp_path, "text", tz="Asia/Shanghai")
    assert again.name == "receipt-A0000001-20261126-100500-2.txt"
    raw = write_receipt(view, tmp_path, "escpos", tz="Asia/Shanghai").read_bytes()
    assert raw.startswith(b"\x1b@")  # ESC @: initialise
    assert b"\x1bE\x01\x1ba\x01" + "非凡物业翠湖管理处".encode("gb18030") in raw  # bold, centred
    assert "陆佰叁拾柒元叁角陆分".encode("gb18030") in raw
    assert "￥637.36".encode("gb18030") in raw
    assert raw.endswith(b"\x1dV\x00") and raw.count(b"\x1dV") == 2  # GS V: two cuts
    body = [line for line in raw.decode("gb18030").split("\n") if "\x1b" not in line]
    assert body and all(cell_len(line) <= 32 for line in body)


def test_the_export_folder_is_the_default(paid, tmp_path, monkeypatch):
    so, result = paid
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("DESKTERM_EXPORT_DIR", str(tmp_path / "exports"))
    path = write_receipt(receipt_view(so.office, result.receipt_id))
    assert path.parent == tmp_path / "exports" and path.suffix == ".txt"


def test_an_unwritable_folder_is_said(paid, tmp_path):
    so, result = paid
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(DutyError) as caught:
        write_receipt(receipt_view(so.office, result.receipt_id), blocker / "sub")
    assert caught.value.field == "print"


_names = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(office=_names, payer=_names, fee=_names, reason=_names,
       amounts=st.lists(st.integers(1, 10**10), min_size=1, max_size=4),
       width=st.integers(24, 60), voided=st.booleans())
def test_every_line_fits_its_width(office, payer, fee, reason, amounts, width, voided):
    total = sum(amounts)
    view = ReceiptView(
        receipt_id=1, number="A0000001", office=office, unit="12-3-1501", payer=payer,
        items=tuple(ReceiptItem(fee, "2026-11", a) for a in amounts), total=total,
        total_capital="壹" * 30, method="cash", tendered=total, change=0, clerk=payer,
        issued_at=dt.datetime(2026, 11, 26, 2, 5), issued="2026-11-26 10:05",
        void=VoidMark(reason, "2026-11-26 10:20", payer, "刘芳") if voided else None)
    text = receipt_text(view, width)
    assert text.endswith("\n")
    for line in text.splitlines():
        assert cell_len(line) <= width, (line, width)
        assert all(ch.isprintable() for ch in line)
