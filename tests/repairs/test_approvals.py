"""The Monday approval, the month-end handover by district and the filing of public-area
orders (deskterm.duties.repairs.approvals), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskterm.db import changes
from deskterm.db.models import ChangeLog, District, RepairOrder, Staff
from deskterm.duties.pins import hash_pin
from deskterm.duties.repairs import approval_lists, approvals
from deskterm.errors import DutyError
from tests.factories import PIN, order, small_office
from tests.repairs.test_orders import log_of, refused

NOW = "2026-11-30T01:30:00"  # Monday 30 November, 09:30 in Shanghai
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
MANAGER_PIN = "9876"


def people(so):
    now = so.office.created_at
    with changes.write():
        manager = Staff.create(office=so.office, name="赵建国", role="manager",
                               pin_hash=hash_pin(MANAGER_PIN), created_at=now)
        cs = Staff.create(office=so.office, name="周敏", role="cs_supervisor", created_at=now)
    return manager, cs


def called_back(so, at, **fields):
    fields.setdefault("callback_on_time", True)
    return order(so, state="called_back", returned=at - 3 * H, called_back_at=at, **fields)


def test_approval_list_is_last_weeks_called_back_orders_and_leftovers(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    last_week = called_back(so, now - 3 * D)  # Friday
    leftover = called_back(so, now - 10 * D)  # the week before, never approved
    called_back(so, now - H)  # this week: next Monday's list
    order(so, state="approved", returned=now - 4 * D, called_back_at=now - 4 * D + H)
    order(so, state="returned", returned=now - 2 * D)
    listed = approvals.approval_list(so.office, dt.date(2026, 11, 23))
    assert [r.id for r in listed] == [leftover.id, last_week.id]
    assert listed[1].place == "3-2-501" and listed[1].technician == "张强"
    assert listed[1].called_back_at == now - 3 * D
    # any day of the week means that week
    assert approvals.approval_list(so.office, dt.date(2026, 11, 26)) == listed


def test_the_manager_approves_a_batch_with_the_managers_pin(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    manager, _cs = people(so)
    rows = [called_back(so, now - 3 * D), called_back(so, now - 2 * D)]
    approved = approvals.approve_orders(so.office, manager.id, MANAGER_PIN,
                                        [r.id for r in rows] + [rows[0].id])
    assert sorted(o.id for o in approved) == sorted(r.id for r in rows)
    for row in rows:
        row = RepairOrder.get_by_id(row.id)
        assert (row.state, row.approved_at, row.approved_by_id) == ("approved", now, manager.id)
        action, detail = log_of("repair_order", row.id)[-1]
        assert action == "approve" and detail["before"]["state"] == "called_back"
        assert detail["after"]["approved_by"] == manager.id
    assert approvals.approval_list(so.office, dt.date(2026, 11, 23)) == []


def test_a_clerks_pin_cannot_approve(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    people(so)
    row = called_back(so, now - 3 * D)
    for person in (so.clerk, so.supervisor):
        error = refused(lambda person=person: approvals.approve_orders(
            so.office, person.id, PIN, [row.id]), "manager")
        assert "manager" in error.message


def test_wrong_or_unusable_approvals_are_refused_whole(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    manager, _cs = people(so)
    good = called_back(so, now - 3 * D)
    returned = order(so, state="returned", returned=now - 5 * H)
    approve = approvals.approve_orders
    with pytest.raises(DutyError) as wrong:  # a wrong PIN: only its refusal is stored
        approve(so.office, manager.id, "1111", [good.id])
    assert (wrong.value.field, wrong.value.message) == ("pin", "Wrong PIN (1 of 5 tries).")
    refusal = ChangeLog.select().order_by(ChangeLog.id.desc()).first()
    assert (refusal.topic, refusal.row_id, refusal.action) == ("staff", manager.id,
                                                               "pin_refused")
    assert RepairOrder.get_by_id(good.id).state == "called_back"
    refused(lambda: approve(so.office, manager.id, "", [good.id]), "pin")
    refused(lambda: approve(so.office, manager.id, MANAGER_PIN, []), "orders")
    error = refused(lambda: approve(so.office, manager.id, MANAGER_PIN, [good.id, returned.id]),
                    "orders")
    assert returned.number in error.message and good.number not in error.message
    refused(lambda: approve(so.office, manager.id, MANAGER_PIN, [good.id, 999]), "orders")
    other = small_office("非凡物业枫林管理处")
    foreign = called_back(other, now - 3 * D)
    refused(lambda: approve(so.office, manager.id, MANAGER_PIN, [foreign.id]), "orders")
    refused(lambda: approve(other.office, manager.id, MANAGER_PIN, [foreign.id]), "manager")
    with changes.write():
        Staff.update(active=False).where(Staff.id == manager.id).execute()
    refused(lambda: approve(so.office, manager.id, MANAGER_PIN, [good.id]), "manager")


def test_month_end_handover_by_district(desk_db, frozen_clock):
    now = frozen_clock(NOW)  # 30 November
    so = small_office()
    _manager, cs = people(so)
    with changes.write():
        west = District.create(office=so.office, code="B", name="西区")
    approved = dict(state="approved", approved_at=now - D)
    this_month = order(so, returned=now - 5 * D, **approved)
    earlier = order(so, returned=dt.datetime(2026, 10, 20), **approved)
    order(so, returned=now - 5 * D, district=west, **approved)  # other district
    order(so, returned=now - 5 * D, is_public=True, **approved)  # public: filed instead
    order(so, state="called_back", returned=now - 5 * D)  # not approved yet
    next_month = order(so, returned=dt.datetime(2026, 11, 30, 16, 30), **approved)  # 1 Dec
    listed = approvals.month_end_handover(so.office, so.clerk, "2026-11", so.district.id,
                                          cs.id)
    assert [r.id for r in listed] == sorted([this_month.id, earlier.id])
    for row in (this_month, earlier):
        row = RepairOrder.get_by_id(row.id)
        assert (row.state, row.handed_over_at, row.handed_over_to_id) == (
            "handed_over", now, cs.id)
        assert log_of("repair_order", row.id)[-1][0] == "hand_over"
    assert RepairOrder.get_by_id(next_month.id).state == "approved"
    # nothing left: an empty list and no write
    assert approvals.month_end_handover(so.office, so.clerk, "202611", so.district, cs) == []


@pytest.mark.parametrize(("args", "field"), [
    (("2026-13",), "month"),
    (("November",), "month"),
])
def test_handover_refuses_a_bad_month(desk_db, frozen_clock, args, field):
    frozen_clock(NOW)
    so = small_office()
    _manager, cs = people(so)
    refused(lambda: approvals.month_end_handover(so.office, so.clerk, *args, so.district.id,
                                                 cs.id), field)


def test_handover_refuses_wrong_district_or_supervisor(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    manager, cs = people(so)
    order(so, returned=now - 5 * D, state="approved")
    other = small_office("非凡物业枫林管理处")
    hand = approvals.month_end_handover
    refused(lambda: hand(so.office, so.clerk, "2026-11", other.district.id, cs.id), "district")
    refused(lambda: hand(so.office, so.clerk, "2026-11", so.district.id, manager.id),
            "cs_supervisor")
    refused(lambda: hand(so.office, so.technician, "2026-11", so.district.id, cs.id), "clerk")


def test_public_orders_are_filed_for_the_month(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    public = order(so, state="approved", returned=now - 5 * D, is_public=True, unit=None)
    order(so, state="approved", returned=now - 5 * D)  # private: handed over instead
    order(so, state="called_back", returned=now - 5 * D, is_public=True, unit=None)
    listed = approvals.file_public_orders(so.office, so.clerk, dt.date(2026, 11, 1))
    assert [r.id for r in listed] == [public.id] and listed[0].place == "3栋"
    row = RepairOrder.get_by_id(public.id)
    assert (row.state, row.filed_at) == ("filed", now)
    assert log_of("repair_order", row.id)[-1][0] == "file"
    assert approvals.file_public_orders(so.office, so.clerk, "2026-11") == []


# --- the read-only previews and the printable copy (deskterm.duties.repairs.approval_lists) -----------

def test_approval_week_is_always_last_week():
    monday, tuesday, sunday = dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 6)
    for today in (monday, tuesday, sunday):
        assert approvals.week_bounds(_office(), approval_lists.approval_week(today)) == (
            dt.datetime(2026, 11, 22, 16), dt.datetime(2026, 11, 29, 16))
    assert approval_lists.previous_month(dt.date(2026, 11, 30)) == "2026-10"
    assert approval_lists.previous_month(dt.date(2027, 1, 1)) == "2026-12"


def _office():
    from deskterm.db.models import Office

    return Office(name="x", timezone="Asia/Shanghai")


def test_the_previews_list_what_the_duties_would_take(desk_db, frozen_clock):
    now = frozen_clock(NOW)  # 30 November
    so = small_office()
    _manager, cs = people(so)
    with changes.write():
        so.district.cs_supervisor = cs
        so.district.save()
        west = District.create(office=so.office, code="B", name="西区")
        north = District.create(office=so.office, code="C", name="北区")
        gone = Staff.create(office=so.office, name="离职", role="cs_supervisor", active=False,
                            created_at=now)
        north.cs_supervisor = gone
        north.save()
    approved = dict(state="approved", approved_at=now - D)
    east = [order(so, returned=now - 5 * D, **approved),
            order(so, returned=dt.datetime(2026, 10, 20), **approved)]
    west_one = order(so, returned=now - 6 * D, district=west, **approved)
    north_one = order(so, returned=now - 6 * D, district=north, **approved)
    public = order(so, returned=now - 5 * D, is_public=True, unit=None, **approved)
    order(so, state="called_back", returned=now - 5 * D)  # not approved yet
    order(so, returned=dt.datetime(2026, 11, 30, 16, 30), **approved)  # 1 December
    other = small_office("非凡物业枫林管理处")
    order(other, returned=now - 5 * D, **approved)

    groups = approval_lists.pending_handover(so.office, "2026-11")
    assert [(g.district_code, g.cs_supervisor_id, g.cs_supervisor_name) for g in groups] == [
        ("A", cs.id, "周敏"), ("B", None, ""), ("C", None, "")]
    assert sorted(r.id for r in groups[0].orders) == sorted(o.id for o in east)
    assert [r.id for r in groups[1].orders] == [west_one.id]
    assert [r.id for r in groups[2].orders] == [north_one.id]
    assert [r.id for r in approval_lists.pending_filing(so.office, "2026-11")] == [public.id]
    assert approval_lists.pending_handover(so.office, "2026-09") == []
    # the preview is exactly what the duty then takes
    handed = approvals.month_end_handover(so.office, so.clerk, "2026-11", so.district.id, cs.id)
    assert handed == list(groups[0].orders)
    assert [g.district_code for g in approval_lists.pending_handover(so.office, "2026-11")] == [
        "B", "C"]
    refused(lambda: approval_lists.pending_filing(so.office, "2026-13"), "month")


def test_the_people_offered(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    manager, cs = people(so)
    assert approval_lists.active_managers(so.office) == [(manager.id, "赵建国")]
    assert approval_lists.cs_supervisors(so.office) == [(cs.id, "周敏")]
    with changes.write():
        Staff.update(active=False).where(Staff.id == manager.id).execute()
    assert approval_lists.active_managers(so.office) == []


def test_the_printable_list_aligns_cjk_and_keeps_text_verbatim(desk_db, frozen_clock, tmp_path):
    now = frozen_clock(NOW)
    so = small_office()
    rows = [called_back(so, now - 3 * D, text="[red]水龙头[/red]漏水\x1b[31m\n第二行",
                        charge=12050),
            called_back(so, now - 2 * D, text="door", callback_on_time=False,
                        result="not_done")]
    listed = approvals.approval_list(so.office, dt.date(2026, 11, 23))
    text = approval_lists.printable_list("Approval list", listed, "Asia/Shanghai",
                                         office_name=so.office.name, printed_by="李静",
                                         signatures=["Manager"])
    lines = text.splitlines()
    assert lines[:3] == [so.office.name, "Approval list", "Printed 2026-11-30 09:30 by 李静"]
    head, rule, first, second = lines[4:8]
    assert head.startswith("No.") and rule.startswith("---")
    assert first.startswith(rows[0].number) and second.startswith(rows[1].number)
    # the columns line up in terminal cells, CJK counting two
    from rich.cells import cell_len

    for cell in ("张强", "done", "120.50"):
        assert cell in first
    tech_at = cell_len(first[:first.index("张强")])
    assert cell_len(second[:second.index("张强")]) == tech_at
    assert cell_len(head[:head.index("Technician")]) == tech_at
    assert first.index("120.50") + len("120.50") == second.index("0.00") + len("0.00")
    assert "11-27 09:30 on time" in first and "11-28 09:30 late" in second
    assert "not done" in second
    assert first.endswith("[red]水龙头[/red]漏水 [31m 第二行")  # verbatim, one line, no ESC
    assert "2 orders · charges ¥120.50" in text
    assert "Manager: ____" in text

    path = approval_lists.write_printout(text, "approval", tmp_path / "out", tz="Asia/Shanghai")
    assert path == tmp_path / "out" / "approval-20261130-093000.txt"
    assert path.read_text(encoding="utf-8") == text
    again = approval_lists.write_printout(text, "approval", tmp_path / "out",
                                          tz="Asia/Shanghai")
    assert again.name == "approval-20261130-093000-2.txt"
    odd = approval_lists.write_printout("x", "handover 2026-11/东区", tmp_path / "out")
    assert odd.parent == tmp_path / "out" and odd.name.startswith("handover_2026-11_东区-")


def test_printouts_go_to_the_export_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("DESKTERM_EXPORT_DIR", str(tmp_path / "exports"))
    assert approval_lists.printout_folder() == tmp_path / "exports"
    assert (tmp_path / "exports").is_dir()
    (tmp_path / "bad.toml").write_text("nonsense = 1\n")
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "bad.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert approval_lists.printout_folder() == tmp_path / "data" / "deskterm" / "printouts"
    (tmp_path / "file").write_text("")
    with pytest.raises(DutyError) as caught:
        approval_lists.printout_folder(tmp_path / "file" / "sub")
    assert caught.value.field == "print"


_field = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def _one_line(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_field, _field, _field, _field.filter(_one_line),
                          st.integers(0, 10**9), st.sampled_from(["done", "not_done", ""]),
                          st.sampled_from([True, False, None])), max_size=6))
def test_printable_columns_line_up_whatever_the_text(fields):
    from rich.cells import cell_len

    rows = [approvals.ListedOrder(i, number, place, text, who, result, charge,
                                  dt.datetime(2026, 11, 20, 2), dt.datetime(2026, 11, 21, 2),
                                  on_time)
            for i, (number, place, who, text, charge, result, on_time) in enumerate(fields)]
    printed = approval_lists.printable_list("T", rows, "Asia/Shanghai",
                                            now=dt.datetime(2026, 11, 30, 1, 30))
    lines = printed.split("\n")
    assert len(lines) == 3 + 2 + len(rows) + 3  # heading, header + rule, rows, count, ""
    head = lines[3]
    start = cell_len(head) - cell_len("Description")  # where the description column starts
    for row, line in zip(rows, lines[5:5 + len(rows)], strict=True):
        text = _one_line(row.description)
        assert line.endswith(text)
        assert cell_len(line) - cell_len(text) == start
        assert all(c.isprintable() for c in line)
