"""The repair slip 维修任务单 and its stub 存根 (deskterm.duties.repairs.repair_slip), on
SQLite and PostgreSQL: its text at a unit and at a public place, in English and Chinese,
every line within the width; the print recorded, a second one 补打; the states without a
slip refused; a folder that cannot be written and a database that cannot record the
print leave nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len

from deskterm.clock import now_utc
from deskterm.db.models import ChangeLog, Place, RepairOrder, StockItem
from deskterm.duties.backoffice import stock
from deskterm.duties.repairs import order_work
from deskterm.duties.repairs.order_view import order_view
from deskterm.duties.repairs.repair_slip import (
    PRINT_ACTION,
    REPRINT_ACTION,
    print_slip,
    read_slip,
    slip_document,
)
from deskterm.errors import DutyError
from deskterm.i18n import set_language
from deskterm.printing.document import document_text
from tests.factories import order, small_office
from tests.faults import write_lock_held

NOW = "2026-11-26T02:05:00"  # Thursday 10:05 in Shanghai
LONG_REQUEST = ("厨房水龙头一直漏水，水槽下面的柜子已经泡坏了，业主说下午三点以后家里有人，"
                "请带生料带和阀芯，进门前先打电话 13812345678")


@pytest.fixture
def so(desk_db, frozen_clock, tmp_path, monkeypatch):
    frozen_clock(NOW)
    monkeypatch.setenv("DESKTERM_EXPORT_DIR", str(tmp_path / "exports"))
    return small_office()


def dispatched(so, **fields) -> RepairOrder:
    """An order registered, then dispatched by the clerk to 张强 for tomorrow 09:00."""
    row = order(so, state="registered", technician=None, text=LONG_REQUEST,
                reporter_name="张三", reporter_phone="13812345678", urgency="urgent",
                category="water", **fields)
    order_work.dispatch(so.office, so.clerk, row.id, so.technician.id,
                        appointment_at=now_utc() + dt.timedelta(hours=23))
    return RepairOrder.get_by_id(row.id)


def public_order(so) -> RepairOrder:
    place = Place.create(office=so.office, district=so.district, name="东门道闸")
    return dispatched(so, unit=None, building=None, is_public=True, place=place)


def text_of(so, row, width=40, now=None) -> str:
    slip = read_slip(so.office, row.id)
    return document_text(slip_document(slip, so.office.timezone, width=width, now=now,
                                       printed_by="李静"))


def within(text: str, width: int) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= width, (line, cell_len(line))


def prints(row) -> list[str]:
    return [c.action for c in ChangeLog.select().where(
        (ChangeLog.topic == "repair_order") & (ChangeLog.row_id == row.id)
        & ChangeLog.action.in_((PRINT_ACTION, REPRINT_ACTION))).order_by(ChangeLog.id)]


# --- the text --------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [32, 40, 48])
def test_a_units_slip_in_english_every_line_within_the_width(so, width):
    text = text_of(so, dispatched(so), width)
    within(text, width)
    slip, stub = text.split("✂\n")
    assert "非凡物业翠湖管理处" in slip and "Repair slip" in slip
    for words in ("Unit: 3-2-501", "Building: 3栋", "District: 东区", "Caller: 张三",
                  "138 1234 5678", "Technician: 张强", "2026-11-27 09:05", "urgent",
                  "Category: water"):
        assert words in slip, words
    assert "Dispatched by 李静 at 2026-11-26 10:05" in " ".join(slip.split())
    for blank in ("Work done: ___", "Materials (name, qty):", "Charge: ¥___",
                  "□ done  □ not done", "Owner's signature: ___", "Time: ___",
                  "Technician's signature: ___"):
        assert blank in slip, blank
    # The request wraps (at any character: no spaces in Chinese) and is all there.
    assert "".join(LONG_REQUEST.split()) in "".join(slip.split())
    assert "REPRINT" not in text
    # The stub: what the desk keeps, with a line for the return time.
    assert "Repair slip stub" in stub
    for words in ("Slip no. WX-TEST-0001", "Unit: 3-2-501", "Caller: 张三", "138 1234 5678",
                  "Technician: 张强", "Appointment: 2026-11-27 09:05", "Returned at: ___",
                  "Printed 2026-11-26 10:05 by 李静"):
        assert words in stub, words
    assert "Work done" not in stub


def test_a_public_places_slip_in_chinese(so):
    set_language("zh_CN")
    text = text_of(so, public_order(so))
    within(text, 40)
    slip, stub = text.split("✂\n")
    assert "维修任务单" in slip and "存根" in stub
    for words in ("单号：WX-TEST-0001", "公共部位：东门道闸", "辖区：东区", "报修人：张三",
                  "联系电话：138 1234 5678", "维修人员：张强", "预约时间：2026-11-27 09:05",
                  "紧急", "维修情况：", "材料", "业主签字：", "维修人员签字："):
        assert words in slip, words
    assert "房号" not in slip and "楼栋" not in slip
    for words in ("公共部位：东门道闸", "报修人：张三", "维修人员：张强", "返回时间："):
        assert words in stub, words
    # Every Chinese line of the request is full to the width or the last one.
    lines = slip.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("服务要求："))
    end = next(n for n, line in enumerate(lines) if line.startswith("类别："))
    request = lines[start:end]
    assert len(request) >= 3 and all(cell_len(line) >= 38 for line in request[:-1])
    assert all(line.startswith("  ") for line in request[1:])


def test_a_returned_order_prints_what_the_return_recorded(so):
    row = dispatched(so)
    item = stock.add_item(so.office, so.clerk, code="SLT-01", name="水龙头（单冷）")
    stock.receive(so.office, so.clerk, item.id, 10)
    order_work.return_order(so.office, so.clerk, row.id, result="done", work_done="换阀芯",
                            materials=[(StockItem.get_by_id(item.id).id, 2)], charge_fen=3550)
    text = text_of(so, row)
    within(text, 40)
    slip, stub = text.split("✂\n")
    assert "Work done: 换阀芯" in slip and "水龙头（单冷） ×2" in slip
    assert "Charge: ¥35.50" in slip and "Result: done" in slip
    assert "Owner's signature: ___" in slip  # the owner signs the paper, not the desk
    assert "Returned: 2026-11-26 10:05" in stub


# --- printing: the record, 补打 ----------------------------------------------------------------------

def test_a_print_is_recorded_and_the_second_says_reprint(so, frozen_clock, tmp_path):
    row = dispatched(so)
    first = print_slip(so.office, so.clerk, row.id)
    assert first.copy_of is None and first.path.parent == tmp_path / "exports"
    written = first.path.read_text(encoding="utf-8")
    assert "Repair slip" in written and "REPRINT" not in written
    assert prints(row) == [PRINT_ACTION]
    frozen_clock("2026-11-26T05:40:00")  # 13:40
    second = print_slip(so.office, so.clerk, row.id)
    assert second.path != first.path and second.copy_of is not None
    text = second.path.read_text(encoding="utf-8")
    assert "REPRINT (补打) 2026-11-26 13:40" in text
    assert "first printed 2026-11-26 10:05 by 李静" in text
    assert prints(row) == [PRINT_ACTION, REPRINT_ACTION]
    # The order's history names both.
    actions = [h.action for h in order_view(so.office, row.id).history]
    assert actions[-2:] == [PRINT_ACTION, REPRINT_ACTION]


def test_reprint_in_chinese_says_buda(so):
    row = dispatched(so)
    print_slip(so.office, so.clerk, row.id)
    set_language("zh_CN")
    text = print_slip(so.office, so.clerk, row.id).path.read_text(encoding="utf-8")
    assert "补打 2026-11-26 10:05" in text and "首次打印 2026-11-26 10:05 李静" in text
    within(text, 40)


@pytest.mark.parametrize("state", ["registered", "cancelled"])
def test_an_order_without_a_slip_says_why_and_nothing_is_written(so, state, tmp_path):
    row = order(so, state=state, technician=None)
    with pytest.raises(DutyError) as caught:
        print_slip(so.office, so.clerk, row.id)
    assert caught.value.field == "order"
    assert ("dispatch it first" if state == "registered" else "cancelled") in \
        caught.value.message
    assert prints(row) == []
    assert not list((tmp_path / "exports").glob("*")) if (tmp_path / "exports").exists() \
        else True


def test_another_offices_order_is_not_printed(so):
    row = dispatched(so)
    other = small_office("别的管理处")
    with pytest.raises(DutyError):
        print_slip(other.office, other.clerk, row.id)
    with pytest.raises(DutyError):  # the technician is no clerk of a desk
        print_slip(so.office, so.technician, row.id)
    assert prints(row) == []


def test_a_folder_that_cannot_be_written_records_nothing(so, tmp_path):
    row = dispatched(so)
    wall = tmp_path / "wall"
    wall.write_text("a file, not a folder")
    with pytest.raises(DutyError) as caught:
        print_slip(so.office, so.clerk, row.id, folder=wall / "slips")
    assert caught.value.field == "print"
    assert prints(row) == []


def test_a_width_not_a_printers_is_refused(so):
    with pytest.raises(DutyError) as caught:
        print_slip(so.office, so.clerk, dispatched(so).id, width=20)
    assert caught.value.field == "print"


def test_database_trouble_while_recording_leaves_no_file(so, desk_db, tmp_path):
    row = dispatched(so)
    exports = tmp_path / "exports"
    before = ChangeLog.select().count()
    with write_lock_held(desk_db), pytest.raises(Exception) as caught:
        print_slip(so.office, so.clerk, row.id)
    assert not isinstance(caught.value, DutyError)  # trouble, said by the kit
    assert ChangeLog.select().count() == before
    assert not exports.exists() or not list(exports.glob("slip-*"))
    # Once the lock is gone the same key prints, as a first print.
    assert print_slip(so.office, so.clerk, row.id).copy_of is None


def test_wrap_cuts_chinese_anywhere_and_keeps_words_and_numbers_whole():
    from deskterm.duties.repairs.repair_slip import wrap

    lines = wrap("Request: 进门前先打电话 13812345678 please ring first", 24, 2)
    assert lines == ["Request: 进门前先打电话", "  13812345678 please", "  ring first"]
    assert wrap("水" * 30, 20, 2) == ["水" * 10, "  " + "水" * 9, "  " + "水" * 9,
                                      "  " + "水" * 2]
    assert all(cell_len(line) <= 20 for line in wrap("a" * 50, 20, 2))
    assert wrap("", 20) == [""]


def test_record_slip_lays_out_to_the_printers_width_and_records_without_a_file(so, tmp_path):
    from deskterm.duties.repairs.repair_slip import record_slip

    row = dispatched(so)
    done = record_slip(so.office, so.clerk, row.id, width=32)
    assert done.path is None and done.document.width == 32
    within(document_text(done.document), 32)
    assert not (tmp_path / "exports").exists() or not list((tmp_path / "exports").iterdir())
    assert prints(row) == [PRINT_ACTION]
    assert record_slip(so.office, so.clerk, row.id, width=48).copy_of is not None
