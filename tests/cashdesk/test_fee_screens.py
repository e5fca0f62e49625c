"""The fee screens driven with keys at 80×24, at 10:05 in Shanghai on Thursday 2026-11-26:
a unit's account found with the lookup, the monthly charge generation (preview, ctrl+s,
twice, bad months), and the fee-collection summary stepped by week and month. Each test
checks the database or the duty's figures against what is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from deskterm.clock import now_utc
from deskterm.db.models import Charge
from deskterm.duties.cashdesk.fee_summary import fee_summary, summary_period
from deskterm.money import format_fen
from deskterm.screens.cashdesk.charge_generation import (
    ChargeGenerationScreen,
    open_charge_generation,
)
from deskterm.screens.cashdesk.fee_summary import FeeSummaryScreen, open_fee_summary
from deskterm.screens.cashdesk.figure_table import FigureTable
from deskterm.screens.cashdesk.unit_account import UnitAccountScreen, open_unit_account
from deskterm.screens.repairs.morning_view import MorningViewScreen
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING
from tests.fee_rows import charge, fee_office, monthly, pay, void

H = dt.timedelta(hours=1)
SIZE = (80, 24)


@pytest.fixture
def fo(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return fee_office()


@pytest.fixture
def paid(fo):
    """3-2-501 (张三) owes parking and November; September and October paid, one receipt
    voided (its reason written with markup, shown literally)."""
    b = fo.units[0]
    now = now_utc()
    sep = monthly(fo, b, "2026-09", at=now - 80 * 24 * H)
    oct_ = monthly(fo, b, "2026-10", at=now - 50 * 24 * H)
    park = charge(fo, b, fo.parking, "2026-10", 15000, key=f"parking:{b.id}:2026-10",
                  at=now - 50 * 24 * H)
    monthly(fo, b, "2026-11", at=now - 25 * 24 * H)
    pay(fo, b, [(sep, sep.amount)], method="wechat", at=now - 70 * 24 * H)
    wrong = pay(fo, b, [(oct_, oct_.amount), (park, 15000)], at=now - 2 * 24 * H)
    void(fo, wrong, at=now - 2 * 24 * H + H, reason="[b]金额[/b]错误")
    pay(fo, b, [(oct_, oct_.amount)], method="alipay", at=now - 2 * 24 * H + 2 * H)
    return fo


def rows(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


def fits(screen, box_id: str, parts: tuple[str, ...]) -> None:
    box = screen.query_one(box_id).region
    assert box.x >= 0 and box.y >= 0 and box.right <= SIZE[0] and box.bottom <= SIZE[1]
    for part in parts:
        region = screen.query_one(part).region
        assert region.height > 0 and box.contains_region(region), part


def on_top(app, screen) -> bool:
    """``screen`` is shown, mounted, and has the focus."""
    return app.screen is screen and app.focused is not None and app.focused.screen is screen


async def ready(app, pilot) -> None:
    await panes_loaded(pilot)
    await pilot.pause()
    if isinstance(app.screen, MorningViewScreen):
        await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is app.dashboard)


# --- a unit's account ---------------------------------------------------------------------

async def test_the_lookup_finds_the_unit_and_shows_its_account(paid):
    app = desk_app(paid.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = open_unit_account(app)
        await wait_until(pilot, lambda: on_top(app, screen))
        assert isinstance(screen, UnitAccountScreen)
        assert app.focused is screen.query_one("#lookup-input", Input)
        await pilot.press(*"zs")
        await wait_until(pilot, lambda: screen.query_one("#lookup-hits").display)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.loads == 1)
        await pilot.pause()
        account = screen.account
        assert account.code == "3-2-501"
        assert shown(screen, "#ua-title") == "Unit account 3-2-501"
        assert shown(screen, "#ua-owners") == "89.56 m² · 张三 138 1234 5678"
        assert shown(screen, "#ua-totals").startswith(
            f"Owed {format_fen(account.owed)} (2 items)")
        assert not screen.query_one("#lookup-hits").display
        dues = rows(screen.query_one("#ua-dues", DataTable))
        assert [r.split()[0] for r in dues] == ["2026-10", "2026-11"]
        assert "车位管理费" in dues[0] and "¥150.00" in dues[0]
        history = rows(screen.query_one("#ua-history", DataTable))
        assert len(history) == 8
        assert history[0].split()[1:3] == ["paid", "A0000003"]
        assert history[1].split()[1:3] == ["reversal", "A0000002"]
        assert history[2].split()[1:3] == ["voided", "A0000002"]
        # The history has the cursor; ↓ to the reversal shows its reason, literally.
        assert isinstance(app.focused, DataTable) and app.focused.id == "ua-history"
        await pilot.press("down")
        await pilot.pause()
        assert "reason: [b]金额[/b]错误" in shown(screen, "#ua-detail")
        fits(screen, "#ua-form", ("#ua-lookup", "#ua-totals", "#ua-dues", "#ua-history",
                                  "#ua-detail"))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_no_match_is_said_and_nothing_is_read(paid):
    app = desk_app(paid.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = open_unit_account(app)
        await wait_until(pilot, lambda: on_top(app, screen))
        await pilot.press("enter")
        await pilot.pause()
        assert "Type a unit" in shown(screen, "#ua-message")
        await pilot.press(*"nobody")
        await wait_until(pilot, lambda: screen.query_one("#lookup-status").display)
        assert "Nobody on the roster matches" in shown(screen, "#lookup-status")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "“nobody”" in shown(screen, "#ua-message"))
        assert screen.account is None and screen.loads == 0


async def test_a_unit_nobody_lives_in_is_found_by_its_code(paid):
    charge(paid, paid.units[1], paid.water, "2026-11", 4100)
    app = desk_app(paid.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = open_unit_account(app)
        await wait_until(pilot, lambda: on_top(app, screen))
        await pilot.press(*"3栋2单元502")
        await wait_until(pilot, lambda: screen.query_one("#lookup-status").display)
        assert "Enter reads a unit code" in shown(screen, "#lookup-status")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.loads == 1)
        await pilot.pause()
        assert shown(screen, "#ua-title") == "Unit account 3-2-502"
        assert shown(screen, "#ua-owners") == "120.34 m² · nobody on the roster"
        assert shown(screen, "#ua-totals").startswith("Owed ¥41.00 (1 items)")


async def test_opened_at_a_unit_it_reads_it_straight_away(paid):
    app = desk_app(paid.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = open_unit_account(app, paid.units[2].id)
        await wait_until(pilot, lambda: screen.loads == 1)
        await pilot.pause()
        assert shown(screen, "#ua-title") == "Unit account 3-2-503"
        assert shown(screen, "#ua-totals").startswith("Owed ¥0.00 (0 items)")
        assert "Nothing has been charged" in shown(screen, "#ua-detail")


async def test_the_screens_need_a_signed_in_desk(fo):
    app = desk_app(fo.so, signed_in=False, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert open_unit_account(app) is None
        assert open_charge_generation(app) is None
        assert open_fee_summary(app) is None


# --- the monthly charges ------------------------------------------------------------------

async def open_generation(app, pilot) -> ChargeGenerationScreen:
    await ready(app, pilot)
    screen = open_charge_generation(app)
    await wait_until(pilot, lambda: app.screen is screen and screen.settled)
    await pilot.pause()
    return screen


async def test_ctrl_s_generates_the_month_once(fo):
    b = fo.units[1]
    charge(fo, b, fo.parking, "2026-10", 15000, key=f"parking:{b.id}:2026-10")
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_generation(app, pilot)
        assert screen.query_one("#cg-period", Input).value == "2026-11"
        preview = shown(screen, "#cg-preview")
        assert "2026-11: 3 charges to create (property fee 2, parking fee 1)." in preview
        assert "Skipped, no floor area: 3-2-503" in preview
        assert "物业服务费 ¥1.80 per m² a month" in shown(screen, "#cg-rates")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.result is not None and screen.settled)
        await pilot.pause()
        assert shown(screen, "#cg-done") == (
            "Created 3 charges for 2026-11 (property fee 2, parking fee 1).")
        assert Charge.select().where(Charge.period == "2026-11").count() == 3
        assert "nothing to create" in shown(screen, "#cg-preview")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.settled and "Nothing new" in shown(
            screen, "#cg-done"))
        assert Charge.select().where(Charge.period == "2026-11").count() == 3
        fits(screen, "#cg-form", ("#cg-period", "#cg-preview", "#cg-done"))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


@pytest.mark.parametrize("typed, message", [("2026-13", "A month is 01 to 12"),
                                            ("2027-02", "too far ahead"),
                                            ("soon", "Enter a month like 2026-11.")])
async def test_a_bad_month_is_said_under_the_field_and_nothing_is_written(fo, typed, message):
    app = desk_app(fo.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_generation(app, pilot)
        await pilot.press("end", "ctrl+u", *typed)
        await wait_until(pilot, lambda: screen.settled and shown(screen, "#cg-error-period"))
        assert message in shown(screen, "#cg-error-period")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.settled)
        await pilot.pause()
        assert message in shown(screen, "#cg-error-period")
        assert screen.result is None and Charge.select().count() == 0
        # Next month is allowed: typing it clears the error and previews it.
        await pilot.press("end", "ctrl+u", *"2026年12月")
        await wait_until(pilot, lambda: screen.settled and screen.preview is not None)
        await pilot.pause()
        assert shown(screen, "#cg-error-period") == ""
        assert "2026-12: 2 charges to create" in shown(screen, "#cg-preview")


# --- the fee summary ----------------------------------------------------------------------

async def open_summary(app, pilot, kind: str = "month") -> FeeSummaryScreen:
    await ready(app, pilot)
    screen = open_fee_summary(app, kind)
    await wait_until(pilot, lambda: app.screen is screen and screen.loads == 1)
    await pilot.pause()
    return screen


def total_of(table: DataTable) -> str:
    return " ".join(rows(table))


async def test_the_month_then_the_weeks(paid):
    app = desk_app(paid.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(app, pilot)
        month = fee_summary(paid.office, summary_period(paid.office, "month", "2026-11"))
        assert shown(screen, "#fs-title") == "Fee collection · month 2026-11 · so far"
        figures = shown(screen, "#fs-figures")
        assert (f"Payments, net of voids {format_fen(month.collected)} · 2 taken "
                f"({format_fen(month.gross)})") in figures
        assert (f"Voided 1 ({format_fen(month.reversed)}) · receipts issued 2, voided 1"
                in figures)
        assert f"Arrears now: {format_fen(month.arrears_total)} · 1 units owe" in figures
        items = rows(screen.query_one("#fs-items", FigureTable))
        assert [r.split()[0] for r in items] == [b.label for b in month.by_item]
        methods = rows(screen.query_one("#fs-methods", FigureTable))
        assert [r.split()[0] for r in methods] == ["cash", "card", "bank", "WeChat",
                                                   "Alipay"]
        assert methods[0].split()[1:] == ["↺1", "1", "¥0.00"]  # paid in cash, then voided
        assert len(rows(screen.query_one("#fs-days", FigureTable))) == 30
        arrears = rows(screen.query_one("#fs-arrears", FigureTable))
        assert arrears and arrears[0].split()[0] in ("物业服务费", "车位管理费")
        fits(screen, "#fs-form", ("#fs-title", "#fs-figures", "#fs-items", "#fs-methods",
                                  "#fs-clerks", "#fs-days", "#fs-arrears"))

        await pilot.press("w")
        await wait_until(pilot, lambda: screen.loads == 2)
        await pilot.pause()
        assert shown(screen, "#fs-title") == "Fee collection · week 2026-11-23–11-29 · so far"
        days = rows(screen.query_one("#fs-days", FigureTable))
        assert [d.split()[:2] for d in days[:2]] == [["Mon", "11-23"], ["Tue", "11-24"]]
        week = fee_summary(paid.office, screen.period)
        assert f"Payments, net of voids {format_fen(week.collected)}" in shown(
            screen, "#fs-figures")

        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: screen.loads == 3)
        await pilot.pause()
        assert shown(screen, "#fs-title") == "Fee collection · week 2026-11-16–11-22"
        assert "Arrears at the end" in shown(screen, "#fs-figures")

        await pilot.press("m")
        await wait_until(pilot, lambda: screen.loads == 4)
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: screen.loads == 5)
        await pilot.pause()
        assert shown(screen, "#fs-title").startswith("Fee collection · month 2026-12")
        assert "Payments, net of voids ¥0.00 · 0 taken (¥0.00)" in shown(screen, "#fs-figures")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_t_toggles_and_tab_reaches_the_tables(paid):
    app = desk_app(paid.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(app, pilot, "week")
        assert screen.period.kind == "week"
        await pilot.press("t")
        await wait_until(pilot, lambda: screen.loads == 2)
        assert screen.period.kind == "month" and screen.period.label == "2026-11"
        seen = set()
        for _ in range(5):
            await pilot.press("tab")
            await pilot.pause()
            seen.add(app.focused.id)
        assert {"fs-items", "fs-methods", "fs-clerks", "fs-days", "fs-arrears"} <= seen


async def test_a_focused_table_scrolls_under_its_header(paid):
    """The days of a month do not fit at 80×24: the days table, focused, scrolls with the
    arrows, End and Home, its header staying; PgDn still steps the month."""
    app = desk_app(paid.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(app, pilot)
        days = screen.query_one("#fs-days", FigureTable)
        for _ in range(6):
            if app.focused is days:
                break
            await pilot.press("tab")
            await pilot.pause()
        assert app.focused is days and days.scroll_y == 0
        await pilot.press("down")
        await wait_until(pilot, lambda: days.scroll_y == 1)
        await pilot.press("end")
        await wait_until(pilot, lambda: days.scroll_y == days.max_scroll_y > 1)
        lines = [days.render_line(y).text for y in range(days.size.height)]
        assert lines[0].split()[:2] == ["Day", "Paid"]
        assert lines[-1].split()[:2] == ["Mon", "11-30"]
        await pilot.press("home")
        await wait_until(pilot, lambda: days.scroll_y == 0)
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: screen.loads == 2)
        assert screen.period.label == "2026-12" and days.scroll_y == 0
