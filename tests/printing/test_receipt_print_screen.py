"""``p`` on the receipt screen prints to this terminal's printer: a fake ESC/POS printer on
127.0.0.1 gets the two copies, the second ``p`` is a reprint (补打 in Chinese), and a
printer that never answers is said on the screen within a few seconds, the file kept and
the keys answered meanwhile (SQLite and PostgreSQL)."""

from __future__ import annotations

import time

import pytest

from deskterm.db.models import ChangeLog, Payment, ReceiptVoid
from deskterm.duties.cashdesk.payments import take_payment
from deskterm.duties.cashdesk.receipt_print import PRINT_TOPIC
from deskterm.i18n import set_language
from deskterm.screens.cashdesk.receipt import ReceiptScreen, VoidForm, open_receipt
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, small_office
from tests.payment_factories import cash_office
from tests.printing.fakes import fake_printer, silent_printer


@pytest.fixture
def paid(desk_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    so = small_office()
    dues = cash_office(so, 26868, 3000)
    result = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                          lines=[(d.id, d.amount) for d in dues], method="cash",
                          tendered=30000, payer_name="张三")
    return so, result


def shown(screen, selector: str) -> str:
    widget = screen.query_one(selector)
    return str(widget.content) if widget.display else ""


async def open_it(pilot, receipt_id: int, folder) -> ReceiptScreen:
    app = pilot.app
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: app.session.staff is not None)
    open_receipt(app, receipt_id, folder=folder)
    await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen)
                     and app.screen.view is not None)
    return app.screen


@pytest.mark.both_databases
async def test_p_prints_to_the_network_printer_then_reprints(paid, tmp_path, monkeypatch):
    so, result = paid
    set_language("zh_CN")
    with fake_printer() as printer:
        monkeypatch.setenv("DESKTERM_PRINTER", f"network:127.0.0.1:{printer.port}")
        app = desk_app(so, watch=False)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_it(pilot, result.receipt_id, tmp_path)
            await pilot.press("p")
            await wait_until(pilot, lambda: "已送到" in shown(screen, "#rc-result"))
            assert f"127.0.0.1:{printer.port}" in shown(screen, "#rc-result")
            first = printer.wait_for(1)[0].decode("gb18030")
            await pilot.press("p")
            await wait_until(pilot, lambda: len(printer.jobs) == 2)
            await wait_until(pilot, lambda: not screen.busy)
            app.save_screenshot(str(tmp_path / "printed.svg"))
    second = printer.jobs[1].decode("gb18030")
    for text in (first, second):
        assert "非凡物业翠湖管理处" in text and "A0000001" in text
        assert "贰佰玖拾捌元陆角捌分" in text and "客户联" in text and "存根联" in text
    assert "补打" not in first and second.count("补打 2026-11-26 10:05") == 2
    assert [r.action for r in ChangeLog.select().where(ChangeLog.topic == PRINT_TOPIC)
            .order_by(ChangeLog.id)] == ["printed", "reprinted"]


async def test_a_printer_that_never_answers_is_said(paid, tmp_path, monkeypatch):
    so, result = paid
    with silent_printer() as port:
        monkeypatch.setenv("DESKTERM_PRINTER", f"network:127.0.0.1:{port}")
        app = desk_app(so, watch=False)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_it(pilot, result.receipt_id, tmp_path)
            started = time.monotonic()
            await pilot.press("p")
            await wait_until(pilot, lambda: screen.busy)
            # the desk answers keys while the printer is silent: v opens the void form
            await pilot.press("v")
            await wait_until(pilot, lambda: isinstance(app.screen, VoidForm))
            assert screen.busy
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen)
            await wait_until(pilot, lambda: "did not answer" in shown(screen, "#rc-message"))
            took = time.monotonic() - started
            said = shown(screen, "#rc-message")
            app.save_screenshot(str(tmp_path / "silent.svg"))
            assert isinstance(app.screen, ReceiptScreen)
    assert took < 8, took  # 3 s to give up; a silent printer must not hold it longer
    kept = list(tmp_path.glob("receipt-A0000001-*.prn"))
    assert len(kept) == 1 and kept[0].name in said.replace("\n", "")
    assert Payment.select().count() == 1 and ReceiptVoid.select().count() == 0
    assert not ChangeLog.select().where(ChangeLog.topic == PRINT_TOPIC).exists()


async def test_send_to_printer_is_one_line_for_a_screen(paid, tmp_path, monkeypatch):
    """The kit's helper (the repair slip's way to the printer): the document made in the
    worker at the printer's width, kept, sent, told; the headless test terminal cannot
    pass bytes to a printer, which is said, the file kept."""
    from deskterm.printing.document import Document
    from deskterm.screens.kit.printing import send_to_printer

    so, result = paid
    widths = []

    def make(printer):
        widths.append(printer.columns)
        return Document("slip-WX-1", ((("title", "维修任务单"),), (("", "存根"),)),
                        printer.columns)

    with fake_printer() as printer:
        monkeypatch.setenv("DESKTERM_PRINTER", f"network:127.0.0.1:{printer.port}")
        app = desk_app(so, watch=False)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_it(pilot, result.receipt_id, tmp_path)
            send_to_printer(screen, make, folder=tmp_path)
            await wait_until(pilot, lambda: "sent to 127.0.0.1" in shown(screen, "#rc-result"))
            assert "维修任务单".encode("gb18030") in printer.wait_for(1)[0]
            monkeypatch.setenv("DESKTERM_PRINTER", "terminal")
            send_to_printer(screen, make, folder=tmp_path)
            await wait_until(pilot, lambda: "cannot pass a printout" in shown(
                screen, "#rc-message"))
    assert widths == [32, 32]
    assert len(list(tmp_path.glob("slip-WX-1-*.prn"))) == 2
