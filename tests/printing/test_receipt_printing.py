"""Receipts to real printers (issue #14): a fake ESC/POS printer on 127.0.0.1 gets the
customer copy and the stub in GB18030, each with a cut, and 补打 on a reprint; the terminal
passthrough wraps the same bytes; a printer that never answers is said within a few
seconds with the file kept and the payment as it was (SQLite and PostgreSQL)."""

from __future__ import annotations

import time

import pytest
from peewee import OperationalError, PostgresqlDatabase

from deskterm.db.models import ChangeLog, Payment, Receipt
from deskterm.db.trouble import trouble_of
from deskterm.duties.cashdesk.payments import take_payment
from deskterm.duties.cashdesk.receipt_print import PRINT_TOPIC, print_receipt
from deskterm.i18n import set_language
from deskterm.printing.backends import PRINTER_OFF, PRINTER_ON
from deskterm.printing.settings import PrinterSettings
from tests.factories import MORNING, small_office
from tests.faults import write_lock_held
from tests.payment_factories import cash_office
from tests.printing.fakes import fake_printer, silent_printer

OFFICE = "非凡物业翠湖管理处"
CAPITAL = "贰佰玖拾捌元陆角捌分"


@pytest.fixture
def paid(desk_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    so = small_office()
    dues = cash_office(so, 26868, 3000)
    result = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                          lines=[(d.id, d.amount) for d in dues], method="cash",
                          tendered=30000, payer_name="张三")
    return so, result


def network(port: int, **more) -> PrinterSettings:
    return PrinterSettings(kind="network", host="127.0.0.1", port=port, **more)


def counts():
    return (Payment.select().count(), Receipt.select().count())


def test_a_receipt_reaches_the_network_printer_then_a_reprint(paid, tmp_path, frozen_clock):
    so, result = paid
    set_language("zh_CN")
    with fake_printer() as printer:
        first = print_receipt(so.office, so.clerk.id, result.receipt_id,
                              printer=network(printer.port), folder=tmp_path)
        assert first.sent and first.path.suffix == ".prn"
        job = printer.wait_for(1)[0]
        assert job == first.path.read_bytes()  # the file kept is what the printer got
        assert job.startswith(b"\x1b@\x1c&")  # initialise; Chinese characters on
        text = job.decode("gb18030")
        for expected in (OFFICE, "A0000001", CAPITAL, "客户联", "存根联", "￥298.68"):
            assert expected in text, expected
        assert job.count(b"\x1dV") == 2  # GS V: a cut after each copy
        assert job.index("客户联".encode("gb18030")) < job.index(b"\x1dV") < job.index(
            "存根联".encode("gb18030"))
        assert "补打" not in text
        assert str(printer.port) in first.said and "A0000001" in first.said

        frozen_clock("2026-11-26T03:30:00")  # 11:30 in Shanghai
        again = print_receipt(so.office, so.clerk.id, result.receipt_id,
                              printer=network(printer.port), folder=tmp_path)
        job = printer.wait_for(2)[1]
    assert again.sent
    text = job.decode("gb18030")
    assert text.count("补打 2026-11-26 11:30") == 2  # on both copies
    assert OFFICE in text and CAPITAL in text and job.count(b"\x1dV") == 2
    rows = list(ChangeLog.select().where(ChangeLog.topic == PRINT_TOPIC)
                .order_by(ChangeLog.id))
    assert [(r.row_id, r.action, r.staff_id) for r in rows] == [
        (result.receipt_id, "printed", so.clerk.id),
        (result.receipt_id, "reprinted", so.clerk.id)]


def test_the_terminal_gets_the_same_bytes_wrapped(paid, tmp_path):
    so, result = paid
    with fake_printer() as printer:
        over_network = print_receipt(so.office, so.clerk.id, result.receipt_id,
                                     printer=network(printer.port), folder=tmp_path)
        sent = printer.wait_for(1)[0]
    # the network print made it a reprint: compare a reprint with a reprint
    with fake_printer() as printer:
        print_receipt(so.office, so.clerk.id, result.receipt_id,
                      printer=network(printer.port), folder=tmp_path)
        reprint = printer.wait_for(1)[0]
    written: list[bytes] = []
    done = print_receipt(so.office, so.clerk.id, result.receipt_id,
                         printer=PrinterSettings(kind="terminal"), terminal=written.append,
                         folder=tmp_path)
    assert over_network.sent and done.sent and len(written) == 1
    assert written[0] == PRINTER_ON + reprint + PRINTER_OFF  # ESC[5i … ESC[4i
    assert written[0].startswith(b"\x1b[5i\x1b@") and written[0].endswith(b"\x1b[4i")
    assert sent.startswith(b"\x1b@") and "补打".encode("gb18030") not in sent
    assert done.path.read_bytes() == reprint


def test_a_printer_that_never_answers(paid, tmp_path):
    so, result = paid
    before = counts()
    with silent_printer() as port:
        started = time.monotonic()
        printed = print_receipt(so.office, so.clerk.id, result.receipt_id,
                                printer=network(port), folder=tmp_path)
        took = time.monotonic() - started
    assert took < 8  # the connection's timeout is 3 s (more only on a loaded machine)
    assert not printed.sent
    assert "did not answer within 3 s" in printed.said and printed.path.name in printed.said
    assert printed.path.exists() and CAPITAL.encode("gb18030") in printed.path.read_bytes()
    assert counts() == before  # the payment and the receipt are as they were
    assert not ChangeLog.select().where(ChangeLog.topic == PRINT_TOPIC).exists()
    with fake_printer() as printer:  # it answers again: the first print, not a reprint
        print_receipt(so.office, so.clerk.id, result.receipt_id,
                      printer=network(printer.port), folder=tmp_path)
        assert "补打".encode("gb18030") not in printer.wait_for(1)[0]


def test_a_refused_connection_is_said_at_once(paid, tmp_path):
    so, result = paid
    with fake_printer() as printer:
        port = printer.port
    started = time.monotonic()
    printed = print_receipt(so.office, so.clerk.id, result.receipt_id,
                            printer=network(port), folder=tmp_path)
    assert time.monotonic() - started < 3
    assert not printed.sent and "cannot be reached" in printed.said
    assert printed.path.exists()


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "gb18030"])
def test_the_encoding_setting_is_honoured(paid, tmp_path, encoding):
    so, result = paid
    with fake_printer() as printer:
        print_receipt(so.office, so.clerk.id, result.receipt_id,
                      printer=network(printer.port, encoding=encoding, width=48),
                      folder=tmp_path)
        job = printer.wait_for(1)[0]
    assert OFFICE.encode(encoding) in job and CAPITAL.encode(encoding) in job
    mode = b"\x1c(C\x02\x000\x02" if encoding == "utf-8" else b"\x1c&"
    assert job.startswith(b"\x1b@" + mode)
    if encoding != "utf-8":
        with pytest.raises(UnicodeDecodeError):
            job.decode("utf-8")
    lines = [line for line in job.decode(encoding).split("\n") if line.startswith("Unit")]
    assert lines and all(len(line) <= 48 for line in lines)


def test_a_print_not_noted_when_the_database_is_locked(paid, tmp_path, desk_db):
    """SQLite: the read passes the write lock, the paper comes out, the note cannot be
    written: said, not raised. PostgreSQL: the lock on the change log stops the read, so
    nothing is printed and the trouble is the kit's to say."""
    so, result = paid
    with fake_printer() as printer:
        with write_lock_held(desk_db):
            if isinstance(desk_db, PostgresqlDatabase):
                with pytest.raises(OperationalError) as caught:
                    print_receipt(so.office, so.clerk.id, result.receipt_id,
                                  printer=network(printer.port), folder=tmp_path)
                assert trouble_of(caught.value).kind == "locked"
                printed = None
            else:
                printed = print_receipt(so.office, so.clerk.id, result.receipt_id,
                                        printer=network(printer.port), folder=tmp_path)
        if printed is None:
            time.sleep(0.3)
            assert printer.jobs == []
        else:
            assert printer.wait_for(1)  # the paper is out
            assert printed.sent and "Not noted as printed" in printed.said
    assert not ChangeLog.select().where(ChangeLog.topic == PRINT_TOPIC).exists()
