"""The Monday approval and the month-end handover / filing screens
(deskterm.screens.repairs.approval, month_end_screen) driven with keys at 80×24 on SQLite
and PostgreSQL: what is listed, what each key stores, refusals that store nothing, and the
printable copies."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select

from deskterm.db import changes
from deskterm.db.models import District, RepairOrder, Staff
from deskterm.duties.pins import hash_pin
from deskterm.screens.repairs.approval import ApprovalScreen, open_approval
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import PIN, order, small_office

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


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


def cells(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def approved_rows(so) -> list[tuple[int, int | None, dt.datetime | None, str]]:
    return list(RepairOrder.select(RepairOrder.id, RepairOrder.approved_by,
                                   RepairOrder.approved_at, RepairOrder.state)
                .where(RepairOrder.office == so.office).order_by(RepairOrder.id).tuples())


# --- the Monday approval -------------------------------------------------------------------------

@pytest.fixture
def week(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    manager, cs = people(so)
    rows = [called_back(so, now - 10 * D, text="上周以前的"),  # a leftover
            called_back(so, now - 3 * D, text="[red]水龙头[/red]漏水", charge=12050),
            called_back(so, now - 2 * D, text="门锁坏了", callback_on_time=False,
                        result="not_done")]
    this_week = called_back(so, now - H, text="本周的")  # next Monday's batch
    return so, manager, cs, rows, this_week


async def open_approval_screen(app, pilot, tmp_path) -> ApprovalScreen:
    await panes_loaded(pilot)
    screen = open_approval(app, folder=tmp_path / "prints")
    assert screen is not None
    await wait_until(pilot, lambda: app.screen is screen and screen.rows)
    await pilot.pause()
    return screen


async def type_pin(pilot, screen, pin: str) -> None:
    while not isinstance(screen.focused, Input):
        await pilot.press("tab")
    await pilot.press(*pin)


async def test_the_list_is_last_weeks_called_back_orders(week, tmp_path):
    so, _manager, _cs, rows, this_week = week
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approval_screen(app, pilot, tmp_path)
        assert "called back before 11-30 (3)" in text_of(screen, "#ap-title")
        shown = cells(screen.query_one("#ap-table", DataTable))
        assert len(shown) == 3 and all(line.startswith("[x]") for line in shown)
        assert [r.number in line for r, line in zip(rows, shown, strict=True)] == [True] * 3
        assert this_week.number not in " ".join(shown)
        assert "[red]水龙头" in shown[1] and "120.50" in shown[1] and "11-27 ✓" in shown[1]
        assert "not done" in shown[2] and "11-28 ✗" in shown[2]
        assert text_of(screen, "#ap-count").startswith("3 waiting · 3 selected · charges ¥120.50")
        assert rows[0].number in text_of(screen, "#ap-detail")
        assert screen.query_one("#ap-manager", Select).value == week[1].id


async def test_space_deselects_and_the_manager_approves_the_rest(week, tmp_path):
    so, manager, _cs, rows, this_week = week
    now = dt.datetime.fromisoformat(NOW)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approval_screen(app, pilot, tmp_path)
        await pilot.press("down", "space")  # not the second one this week
        assert cells(screen.query_one("#ap-table", DataTable))[1].startswith("[ ]")
        assert "3 waiting · 2 selected · charges ¥0.00" in text_of(screen, "#ap-count")
        await type_pin(pilot, screen, MANAGER_PIN)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Approved" in text_of(screen, "#ap-result"))
        assert text_of(screen, "#ap-result") == "✓ Approved 2 orders (赵建国)."
        assert screen.query_one("#ap-pin", Input).value == ""
        shown = cells(screen.query_one("#ap-table", DataTable))
        assert len(shown) == 1 and shown[0].startswith("[ ]") and rows[1].number in shown[0]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not screen)
    state = {row_id: (by, at, st) for row_id, by, at, st in approved_rows(so)}
    for row in (rows[0], rows[2]):
        assert state[row.id] == (manager.id, now, "approved")
    for row in (rows[1], this_week):
        assert state[row.id] == (None, None, "called_back")


@pytest.mark.parametrize(("pin", "error"), [
    ("1111", "✗ Wrong PIN (1 of 5 tries)."),
    (PIN, "✗ Wrong PIN (1 of 5 tries)."),  # the clerk's PIN is not the manager's
    ("", "✗ Enter your PIN."),
], ids=["wrong", "clerks", "empty"])
async def test_a_wrong_or_clerks_pin_approves_nothing(week, tmp_path, pin, error):
    so, _manager, _cs, _rows, _this_week = week
    before = approved_rows(so)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approval_screen(app, pilot, tmp_path)
        await type_pin(pilot, screen, pin)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: text_of(screen, "#ap-error-pin"))
        assert text_of(screen, "#ap-error-pin") == error
        assert screen.query_one("#ap-pin", Input).value == ""
        assert screen.focused is screen.query_one("#ap-pin", Input)
        assert text_of(screen, "#ap-result") == ""
        assert screen.query_one("#ap-table", DataTable).row_count == 3
    assert approved_rows(so) == before


async def test_only_a_manager_approves(week, tmp_path):
    so, manager, _cs, _rows, _this_week = week
    before = approved_rows(so)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approval_screen(app, pilot, tmp_path)
        with changes.write():  # demoted while the screen was open
            Staff.update(role="clerk").where(Staff.id == manager.id).execute()
        await type_pin(pilot, screen, MANAGER_PIN)
        await pilot.press("enter")
        await wait_until(pilot, lambda: text_of(screen, "#ap-error-manager"))
        assert "Only the manager can approve orders: 赵建国 is not a manager." in text_of(
            screen, "#ap-error-manager")
    assert approved_rows(so) == before


async def test_with_two_managers_the_manager_chooses_themselves(week, tmp_path):
    so, manager, _cs, rows, _this_week = week
    with changes.write():
        deputy = Staff.create(office=so.office, name="钱副经理", role="manager",
                              pin_hash=hash_pin("5555"), created_at=so.office.created_at)
    before = approved_rows(so)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approval_screen(app, pilot, tmp_path)
        select = screen.query_one("#ap-manager", Select)
        assert select.value is Select.NULL  # nobody preselected
        await type_pin(pilot, screen, MANAGER_PIN)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: text_of(screen, "#ap-error-manager"))
        assert "Choose the manager" in text_of(screen, "#ap-error-manager")
        assert screen.focused is select and approved_rows(so) == before
        while select.value != deputy.id:  # the list's order is the database's collation
            await pilot.press("enter", "down", "enter")
        await type_pin(pilot, screen, "5555")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Approved" in text_of(screen, "#ap-result"))
        assert text_of(screen, "#ap-result") == "✓ Approved 3 orders (钱副经理)."
        assert text_of(screen, "#ap-error-manager") == ""
    assert {by for _id, by, _at, state in approved_rows(so) if state == "approved"} == {
        deputy.id}
    assert manager.id not in {by for _id, by, _at, _state in approved_rows(so)}


async def test_orders_approved_meanwhile_elsewhere_refuse_the_batch_whole(week, tmp_path):
    from deskterm.duties.repairs.approvals import approve_orders

    so, manager, _cs, rows, _this_week = week
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approval_screen(app, pilot, tmp_path)
        approve_orders(so.office, manager.id, MANAGER_PIN, [rows[1].id])  # another desk
        before = approved_rows(so)
        await type_pin(pilot, screen, MANAGER_PIN)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: text_of(screen, "#ap-message"))
        assert text_of(screen, "#ap-message") == (
            f"✗ Not called back, so not ready for approval: {rows[1].number}.")
        await wait_until(pilot, lambda: len(screen.rows) == 2)  # the list is read again
        assert approved_rows(so) == before


async def test_a_all_or_none_and_nothing_chosen(week, tmp_path):
    so, _manager, _cs, _rows, _this_week = week
    before = approved_rows(so)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approval_screen(app, pilot, tmp_path)
        table = screen.query_one("#ap-table", DataTable)
        await pilot.press("a")
        assert all(line.startswith("[ ]") for line in cells(table))
        await pilot.press("space")
        assert [line[:3] for line in cells(table)] == ["[x]", "[ ]", "[ ]"]
        await pilot.press("a")  # some selected: all
        assert all(line.startswith("[x]") for line in cells(table))
        await pilot.press("a")
        await type_pin(pilot, screen, MANAGER_PIN)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: text_of(screen, "#ap-message"))
        assert text_of(screen, "#ap-message") == "✗ Choose the orders to approve."
    assert approved_rows(so) == before


async def test_p_writes_the_printable_list(week, tmp_path):
    so, _manager, _cs, rows, _this_week = week
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approval_screen(app, pilot, tmp_path)
        await pilot.press("p")
        await wait_until(pilot, lambda: "written" in text_of(screen, "#ap-result"))
        files = list((tmp_path / "prints").iterdir())
        assert [f.name for f in files] == ["approval-2026-11-30-20261130-093000.txt"]
        assert text_of(screen, "#ap-result") == f"Printable list written: {files[0]}"
    text = files[0].read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == so.office.name
    assert lines[1] == "Monday approval: orders called back before 11-30 (3)"
    assert lines[2] == "Printed 2026-11-30 09:30 by 李静"
    body = lines[6:9]
    assert [line.split()[0] for line in body] == [r.number for r in rows]
    assert body[1].endswith("[red]水龙头[/red]漏水") and "11-27 09:30 on time" in body[1]
    assert "3 orders · charges ¥120.50" in text
    assert "Approved by the manager: ____" in text


async def test_nobody_signed_in_opens_nothing(week):
    so = week[0]
    app = desk_app(so, watch=False, signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert open_approval(app) is None


# --- the month end -------------------------------------------------------------------------------

DEC_1 = "2026-12-01T01:30:00"  # Tuesday 1 December, 09:30 in Shanghai: last month is November


@pytest.fixture
def month(desk_db, frozen_clock):
    now = frozen_clock(DEC_1)
    so = small_office()
    _manager, cs = people(so)
    with changes.write():
        so.district.cs_supervisor = cs
        so.district.save()
        west = District.create(office=so.office, code="B", name="西区")
        other_cs = Staff.create(office=so.office, name="吴刚", role="cs_supervisor",
                                created_at=now)
    approved = dict(state="approved", approved_at=now - 2 * D)
    nov = dt.datetime(2026, 11, 20, 2)
    made = {
        "east": [order(so, returned=nov, text="[red]厨房[/red]漏水", charge=5000, **approved),
                 order(so, returned=dt.datetime(2026, 10, 20, 2), **approved)],
        "west": [order(so, returned=nov, district=west, text="西区的", **approved)],
        "public": [order(so, returned=nov, is_public=True, unit=None, text="楼道灯", **approved),
                   order(so, returned=nov, is_public=True, unit=None, text="电梯", **approved)],
        "december": [order(so, returned=now - H, **approved)],
        "waiting": [order(so, state="called_back", returned=nov)],
    }
    return so, cs, other_cs, west, made


def states(so) -> dict[int, tuple]:
    return {row_id: rest for row_id, *rest in RepairOrder.select(
        RepairOrder.id, RepairOrder.state, RepairOrder.handed_over_to,
        RepairOrder.handed_over_at, RepairOrder.filed_at).where(
        RepairOrder.office == so.office).tuples()}


async def open_month_end_screen(app, pilot, tmp_path):
    from deskterm.screens.repairs.month_end import open_month_end

    await panes_loaded(pilot)
    screen = open_month_end(app, folder=tmp_path / "prints")
    assert screen is not None
    await wait_until(pilot, lambda: app.screen is screen and screen.groups)
    await pilot.pause()
    return screen


def printouts(tmp_path) -> list:
    folder = tmp_path / "prints"
    return sorted(folder.iterdir()) if folder.exists() else []


async def test_the_month_end_preview_by_district(month, tmp_path):
    so, _cs, _other, _west, made = month
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_month_end_screen(app, pilot, tmp_path)
        assert screen.query_one("#me-month", Input).value == "2026-11"
        assert text_of(screen, "#me-showing") == "2026-11: 3 to hand over, 2 to file"
        groups = cells(screen.query_one("#me-groups", DataTable))
        assert groups[0].split() == ["东区", "(A)", "周敏", "2", "50.00"]
        assert groups[1].split() == ["西区", "(B)", "choose", "below", "1", "0.00"]
        assert groups[2].split()[-2:] == ["2", "0.00"] and "Public area" in groups[2]
        orders = cells(screen.query_one("#me-orders", DataTable))
        assert [line.split()[0] for line in orders] == [r.number for r in made["east"]]
        assert "[red]厨房[/red]漏水" in orders[0] and "11-20 10:00" in orders[0]
        assert screen.query_one("#me-cs_supervisor", Select).disabled
        await pilot.press("down", "down")
        orders = cells(screen.query_one("#me-orders", DataTable))
        assert [line.split()[0] for line in orders] == [r.number for r in made["public"]]


async def test_h_hands_a_district_over_and_p_prints_it(month, tmp_path):
    so, cs, _other, _west, made = month
    now = dt.datetime.fromisoformat(DEC_1)
    before = states(so)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_month_end_screen(app, pilot, tmp_path)
        await pilot.press("h")
        await wait_until(pilot, lambda: "Handed over" in text_of(screen, "#me-result"))
        assert text_of(screen, "#me-result") == "✓ Handed over 2 orders of 东区 to 周敏."
        await wait_until(pilot, lambda: "d" + str(so.district.id) not in screen.groups)
        assert text_of(screen, "#me-showing") == "2026-11: 1 to hand over, 2 to file"
        await pilot.press("p")
        await wait_until(pilot, lambda: "written" in text_of(screen, "#me-result"))
        [path] = printouts(tmp_path)
        assert path.name.startswith("handover-2026-11-A-20261201-093000")
    after = states(so)
    for row in made["east"]:
        assert after[row.id] == ["handed_over", cs.id, now, None]
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {r.id for r in made["east"]}
    text = path.read_text(encoding="utf-8")
    assert "Handed over to 周敏: 东区, orders returned up to the end of 2026-11" in text
    assert [line.split()[0] for line in text.splitlines()[6:8]] == [
        r.number for r in made["east"]]
    assert "[red]厨房[/red]漏水" in text and "2 orders · charges ¥50.00" in text
    assert "Handed over by: ____" in text and "Received by 周敏: ____" in text


async def test_a_district_without_supervisor_needs_one_chosen(month, tmp_path):
    so, _cs, other, west, made = month
    now = dt.datetime.fromisoformat(DEC_1)
    before = states(so)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_month_end_screen(app, pilot, tmp_path)
        await pilot.press("down", "h")
        await wait_until(pilot, lambda: text_of(screen, "#me-error-cs_supervisor"))
        assert text_of(screen, "#me-error-cs_supervisor") == (
            "✗ Choose a customer-service supervisor of this office.")
        assert states(so) == before
        select = screen.query_one("#me-cs_supervisor", Select)
        assert not select.disabled and screen.focused is select
        while select.value != other.id:  # the list's order is the database's collation
            await pilot.press("enter", "down", "enter")
        assert cells(screen.query_one("#me-groups", DataTable))[1].split()[2] == "吴刚"
        await pilot.press("shift+tab")
        while screen.focused is not screen.query_one("#me-groups", DataTable):
            await pilot.press("shift+tab")
        await pilot.press("h")
        await wait_until(pilot, lambda: "Handed over" in text_of(screen, "#me-result"))
        assert text_of(screen, "#me-result") == "✓ Handed over 1 orders of 西区 to 吴刚."
    assert states(so)[made["west"][0].id] == ["handed_over", other.id, now, None]
    assert west.cs_supervisor_id is None  # the district's own is not changed


async def test_f_files_the_public_orders(month, tmp_path):
    so, _cs, _other, _west, made = month
    now = dt.datetime.fromisoformat(DEC_1)
    before = states(so)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_month_end_screen(app, pilot, tmp_path)
        await pilot.press("f")
        await wait_until(pilot, lambda: "Filed" in text_of(screen, "#me-result"))
        assert text_of(screen, "#me-result") == "✓ Filed 2 public-area orders."
        await wait_until(pilot, lambda: not screen.public)
        await pilot.press("p")
        await wait_until(pilot, lambda: "written" in text_of(screen, "#me-result"))
        [path] = printouts(tmp_path)
        await pilot.press("f")  # nothing left
        await wait_until(pilot, lambda: "No public" in text_of(screen, "#me-result"))
    after = states(so)
    assert {k for k in after if after[k] != before[k]} == {r.id for r in made["public"]}
    for row in made["public"]:
        assert after[row.id] == ["filed", None, None, now]
    text = path.read_text(encoding="utf-8")
    assert "Public-area orders filed: returned up to the end of 2026-11" in text
    assert "楼道灯" in text and "电梯" in text and "3栋" in text and "Filed by: ____" in text


async def test_another_month_and_a_bad_one(month, tmp_path):
    so, _cs, _other, _west, made = month
    before = states(so)
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_month_end_screen(app, pilot, tmp_path)
        await pilot.press("shift+tab")
        while not isinstance(screen.focused, Input):
            await pilot.press("shift+tab")
        await pilot.press(*["backspace"] * 7, *"2026-10")
        await wait_until(pilot, lambda: screen.month == "2026-10")
        assert text_of(screen, "#me-showing") == "2026-10: 1 to hand over, 0 to file"
        orders = cells(screen.query_one("#me-orders", DataTable))
        assert [line.split()[0] for line in orders] == [made["east"][1].number]
        await pilot.press(*["backspace"] * 7, *"2026-13", "enter")
        await wait_until(pilot, lambda: text_of(screen, "#me-error-month"))
        assert text_of(screen, "#me-error-month") == "✗ Enter a month like 2026-11."
        await pilot.press("tab")
        while screen.focused is not screen.query_one("#me-groups", DataTable):
            await pilot.press("tab")
        await pilot.press("h")  # the month shown is not the month typed: refused
        assert text_of(screen, "#me-error-month") == "✗ Press Enter to show 2026-13 first."
        await pilot.press("f")
        await pilot.pause()
        assert "Filed" not in text_of(screen, "#me-result")
    assert states(so) == before


async def test_p_before_any_action_prints_the_preview(month, tmp_path):
    so, _cs, _other, _west, made = month
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_month_end_screen(app, pilot, tmp_path)
        await pilot.press("p")
        await wait_until(pilot, lambda: "written" in text_of(screen, "#me-result"))
    [path] = printouts(tmp_path)
    assert path.name.startswith("to-hand-over-2026-11-A-")
    text = path.read_text(encoding="utf-8")
    assert "To hand over to 周敏 (preview): 东区" in text
    assert made["east"][0].number in text and made["west"][0].number not in text


# --- what it looks like, in 16 colours -----------------------------------------------------------

@pytest.fixture
def snap_office(sqlite_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    _manager, cs = people(so)
    with changes.write():
        so.district.cs_supervisor = cs
        so.district.save()
        west = District.create(office=so.office, code="B", name="西区")
    called_back(so, now - 3 * D, text="[red]水龙头[/red]漏水，厨房下面的阀门", charge=12050)
    order(so, state="approved", returned=dt.datetime(2026, 11, 15, 2), text="西区的",
          district=west)
    called_back(so, now - 2 * D, text="门锁坏了", callback_on_time=False, result="not_done")
    order(so, state="approved", returned=dt.datetime(2026, 11, 1, 2), text="楼道灯不亮",
          is_public=True, unit=None)
    order(so, state="approved", returned=dt.datetime(2026, 10, 20, 2), text="卫生间漏水")
    return so


@pytest.mark.parametrize("which", ["approval", "month_end"])
def test_snapshot_in_16_colours(snap_compare, snap_office, frozen_clock, tmp_path, which):
    from deskterm.screens.repairs.month_end import open_month_end

    if which == "month_end":
        frozen_clock(DEC_1)  # the month end of November

    app = desk_app(snap_office, watch=False, theme="ansi-dark")

    async def shown(pilot):
        await panes_loaded(pilot)
        opener = open_approval if which == "approval" else open_month_end
        screen = opener(app, folder=tmp_path)
        await wait_until(pilot, lambda: app.screen is screen and (
            screen.rows if which == "approval" else screen.groups))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)
