"""``p`` on the order's detail prints its repair slip (deskterm.screens.repairs.slip_print),
driven at 80×24: the slip written and said, the order's history naming it, a second ``p``
补打; a registered order says why not; database trouble said with nothing recorded or
written. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from deskterm.db.models import ChangeLog, RepairOrder
from deskterm.duties.repairs.repair_slip import PRINT_ACTIONS
from deskterm.i18n import set_language
from deskterm.screens.repairs.order_detail import OrderDetailScreen, open_order_detail
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, busy_morning, order
from tests.faults import write_lock_held

pytestmark = pytest.mark.both_databases


@pytest.fixture
def office(desk_db, frozen_clock, tmp_path, monkeypatch):
    frozen_clock(MORNING)
    monkeypatch.setenv("DESKTERM_EXPORT_DIR", str(tmp_path / "exports"))
    return busy_morning("电梯异响")


def text(screen, name: str) -> str:
    return str(screen.query_one(f"#od-{name}").content)


def slips(tmp_path) -> list:
    folder = tmp_path / "exports"
    return sorted(folder.glob("slip-*.txt")) if folder.exists() else []


def prints(row_id: int) -> list[str]:
    return [a for (a,) in ChangeLog.select(ChangeLog.action).where(
        (ChangeLog.topic == "repair_order") & (ChangeLog.row_id == row_id)
        & ChangeLog.action.in_(PRINT_ACTIONS)).order_by(ChangeLog.id).tuples()]


def a_dispatched_order(so) -> RepairOrder:
    return RepairOrder.select().where((RepairOrder.office == so.office)
                                      & (RepairOrder.state == "dispatched")).first()


async def open_view(app, pilot, order_id: int) -> OrderDetailScreen:
    await desk_ready(pilot)
    screen = open_order_detail(app, order_id)
    await wait_until(pilot, lambda: app.screen is screen and screen.loaded)
    return screen


async def test_p_prints_the_slip_and_a_second_p_says_reprint(office, tmp_path):
    row = a_dispatched_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(app, pilot, row.id)
        assert "p print slip" in text(screen, "hint")
        loads = screen.loads
        await pilot.press("p")
        await wait_until(pilot, lambda: len(slips(tmp_path)) == 1 and screen.loads > loads)
        said = text(screen, "result")
        assert f"Slip {row.number} written to" in said and str(slips(tmp_path)[0]) in said
        assert "slip printed" in text(screen, "history-text")
        assert "p reprint slip" in text(screen, "hint")
        first = slips(tmp_path)[0]
        written = first.read_text(encoding="utf-8")
        assert row.number in written and "Repair slip stub" in written
        loads = screen.loads
        await pilot.press("p")
        await wait_until(pilot, lambda: len(slips(tmp_path)) == 2 and screen.loads > loads)
        assert f"Slip {row.number} (补打) written to" in text(screen, "result")
        assert "slip reprinted (补打)" in text(screen, "history-text")
        again = (set(slips(tmp_path)) - {first}).pop().read_text(encoding="utf-8")
        assert "REPRINT (补打)" in again
        assert prints(row.id) == ["print_slip", "reprint_slip"]
        form = screen.query_one("#od-form").region
        assert form.right <= 80 and form.bottom <= 24
        app.save_screenshot("/tmp/slip-en.svg")


async def test_a_registered_order_says_dispatch_first(office, tmp_path):
    row = order(office, state="registered", technician=None)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(app, pilot, row.id)
        assert "print slip" not in text(screen, "hint")
        await pilot.press("p")
        await wait_until(pilot, lambda: "dispatch it first (d)" in text(screen, "message"))
        assert app.screen is screen and slips(tmp_path) == [] and prints(row.id) == []


async def test_in_chinese_the_key_and_the_slip_are_the_offices_words(office, tmp_path):
    set_language("zh_CN")
    row = a_dispatched_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(app, pilot, row.id)
        await pilot.press("p")
        await wait_until(pilot, lambda: len(slips(tmp_path)) == 1
                         and "维修任务单" in text(screen, "result"))
        written = slips(tmp_path)[0].read_text(encoding="utf-8")
        assert "维修任务单" in written and "存根" in written and "业主签字" in written
        await wait_until(pilot, lambda: "补打" in text(screen, "hint"))
        app.save_screenshot("/tmp/slip-zh.svg")


async def test_the_database_locked_while_printing_is_said_and_nothing_left(office, desk_db,
                                                                          tmp_path):
    row = a_dispatched_order(office)
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(app, pilot, row.id)
        with write_lock_held(desk_db):
            await pilot.press("p")
            await wait_until(pilot, lambda: "busy" in text(screen, "message"))
            await wait_until(pilot, lambda: not screen.busy)
        assert slips(tmp_path) == [] and prints(row.id) == []
        # Once it is over the same key prints, as a first print.
        await pilot.press("p")
        await wait_until(pilot, lambda: len(slips(tmp_path)) == 1)
        await wait_until(pilot, lambda: "written to" in text(screen, "result"))
        assert prints(row.id) == ["print_slip"]


async def test_a_receipt_printer_gets_the_slip_and_its_stub_cut_apart(office, tmp_path,
                                                                      monkeypatch):
    """The terminal's printer a network receipt printer (a fake on 127.0.0.1): the slip is
    laid out to its 32 characters, in GB18030, the slip and the stub each ended by a cut;
    the file of the same bytes is kept. In Chinese, the office's words."""
    from tests.printing.fakes import fake_printer

    set_language("zh_CN")
    row = a_dispatched_order(office)
    with fake_printer() as printer:
        monkeypatch.setenv("DESKTERM_PRINTER", f"network:127.0.0.1:{printer.port}")
        app = desk_app(office, watch=False)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_view(app, pilot, row.id)
            await pilot.press("p")
            await wait_until(pilot, lambda: "127.0.0.1" in text(screen, "result"))
        [job] = printer.wait_for(1)
    assert "维修任务单".encode("gb18030") in job and row.number.encode() in job
    assert "业主签字".encode("gb18030") in job and "存根".encode("gb18030") in job
    assert job.count(b"\x1dV") == 2  # a cut after the slip, one after the stub
    lines = [line for line in job.split(b"\n") if b"\x1b" not in line and b"\x1d" not in line]
    assert all(len(line.decode("gb18030")) <= 32 for line in lines)
    assert prints(row.id) == ["print_slip"]
    assert list((tmp_path / "exports").glob("slip-*.prn"))


async def test_a_folder_that_cannot_be_written_records_no_print(office, tmp_path,
                                                                monkeypatch):
    row = a_dispatched_order(office)
    wall = tmp_path / "wall"
    wall.write_text("a file where the folder should be")
    monkeypatch.setenv("DESKTERM_EXPORT_DIR", str(wall / "exports"))
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(app, pilot, row.id)
        await pilot.press("p")
        await wait_until(pilot, lambda: "folder" in text(screen, "message").lower()
                         or "Cannot" in text(screen, "message"))
        await wait_until(pilot, lambda: not screen.busy)
    assert prints(row.id) == []
