"""The README's "A real office's database", run as written, on SQLite and PostgreSQL: its
``deskterm`` lines (read from the README itself, so the two cannot drift apart) bring an
empty database to an office with staff, an estate and owners from the roster; then, in
the desk, the manager adds the property fee (F10 i), issues a receipt book (F10 b) and
generates the month's charges (F10 g), and the clerk signs in, registers a call for an
owner of the imported roster (F2), counts her float (F6) and takes a payment with a
numbered receipt (F3). Bad input at each command is one line and exit 2, changing
nothing."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from openpyxl import Workbook
from textual.widgets import Input, Select

from deskterm.app import DeskApp
from deskterm.cli import main
from deskterm.db.connection import close_database, open_database
from deskterm.db.models import (
    Charge,
    Office,
    Owner,
    Payment,
    Place,
    Receipt,
    RepairOrder,
    Staff,
    Unit,
)
from deskterm.screens.cashdesk.cash_forms import OpenDrawerForm
from deskterm.screens.cashdesk.charge_generation import ChargeGenerationScreen
from deskterm.screens.cashdesk.fee_item_form import FeeItemFormScreen
from deskterm.screens.cashdesk.fee_items import FeeItemsScreen
from deskterm.screens.cashdesk.payment import PaymentScreen
from deskterm.screens.cashdesk.receipt import ReceiptScreen
from deskterm.screens.cashdesk.receipt_books import IssueBookForm, ReceiptBooksScreen
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from deskterm.session import DeskSession
from tests.desk_app import desk_ready, wait_until

README = Path(__file__).resolve().parents[2] / "README.md"
PINS = {"周敏": "4826", "刘芳": "5937", "王丽": "2468"}


def readme_commands() -> list[list[str]]:
    """The ``deskterm …`` lines of the section's first ``sh`` block, comments dropped."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## A real office's database", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = []
    for line in block.splitlines():
        line = line.split("  #", 1)[0].strip()
        if line.startswith("deskterm"):
            commands.append(shlex.split(line)[1:])
    return commands


def write_roster(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["业主名册一览表"])
    sheet.append(["楼栋", "单元", "房号", "业主姓名", "联系电话", "面积", "身份"])
    sheet.append(["1", "1", "101", "张三", "13812345678", 89.56, "业主"])
    sheet.append(["1", "1", "102", "李四", "13912345678", 120, "业主"])
    sheet.append(["2", "1", "301", "王五", "13712345678", 76.5, "租户"])
    book.save(path)
    return path


@pytest.fixture
def database(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "srv" / "desk.db")
    else:
        pg = request.getfixturevalue("pg_db")
        close_database()  # the README's commands open it themselves
        yield pg.deskterm_url
    close_database()


def cli(capsys, roster: Path, args: list[str]) -> tuple[int, str, str]:
    args = [str(roster) if a.endswith("业主名册.xlsx") else a for a in args]
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.both_databases
@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
async def test_the_readme_brings_up_an_office_from_an_empty_database(
        database, tmp_path, monkeypatch, capsys):
    if not database.startswith("postgresql"):
        Path(database).parent.mkdir()
    monkeypatch.setenv("DESKTERM_DB", database)
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("DESKTERM_LANG", "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)
    asked: list[str] = []

    def getpass(prompt: str) -> str:  # "asks for her PIN twice"
        return PINS[asked[-1]]

    monkeypatch.setattr("getpass.getpass", getpass)
    roster = write_roster(tmp_path / "业主名册.xlsx")
    commands = readme_commands()
    assert commands[-1] == [], "the block ends by opening the desk"
    for args in commands[:-1]:
        if args[:2] == ["staff", "add"]:
            asked.append(args[2])
        code, out, err = cli(capsys, roster, args)
        assert code == 0, (args, err)
        if args[:2] == ["roster", "import"] and "--dry-run" in args:
            assert "Districts new: Whole estate. Buildings new: 1栋、2栋." in out
    # What the commands made.
    open_database(database)
    office = Office.get()
    assert Unit.select().count() == 3 and Owner.select().count() == 3
    assert [(p.name, p.district.name) for p in Place.select()] == [("东门道闸", "Whole estate")]
    assert {s.name: s.role for s in Staff.select()} == {
        "周敏": "manager", "刘芳": "supervisor", "王丽": "clerk", "张强": "technician"}
    manager = Staff.get(Staff.name == "周敏")
    clerk = Staff.get(Staff.name == "王丽")

    # The manager's first morning in the desk.
    app = DeskApp(DeskSession(office=office, db_label="readme"), watch=False,
                  demo_staff_id=manager.id, demo_pin=PINS["周敏"])
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("f10", "i")
        items = await on_top(pilot, FeeItemsScreen)
        await pilot.press("n")
        form = await on_top(pilot, FeeItemFormScreen)
        await pilot.press(*"WYF", "tab", *"物业服务费")
        form.query_one("#fi-rate", Input).value = "1.80"  # per m² a month (the kind's basis)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is items and items.loads > 1)
        await pilot.press("escape", "f10", "b")
        books = await on_top(pilot, ReceiptBooksScreen)
        await pilot.press("n")
        issue = await on_top(pilot, IssueBookForm)
        await wait_until(pilot, lambda: issue.value("first") == "1")
        issue.query_one("#ib-clerk", Select).value = clerk.id
        issue.query_one("#ib-pin", Input).focus()
        await pilot.press(*PINS["周敏"], "ctrl+s")
        await wait_until(pilot, lambda: app.screen is books)
        await pilot.press("escape", "f10", "g")
        generation = await on_top(pilot, ChargeGenerationScreen)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: Charge.select().count() == 3)
        assert generation is not None
    close_database()

    # The clerk's: a call for an owner of the roster, her float, a payment and its receipt.
    open_database(database)
    app = DeskApp(DeskSession(office=office, db_label="readme"), watch=False,
                  demo_staff_id=clerk.id, demo_pin=PINS["王丽"])
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("f2")
        intake = await on_top(pilot, CallIntakeScreen)
        await pilot.press(*"1-1-101", "enter")
        await wait_until(pilot, lambda: intake.query_one("#ci-name", Input).value == "张三")
        await pilot.press(*"厨房水龙头滴水", "ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        assert RepairOrder.get().description == "厨房水龙头滴水"
        await pilot.press("f6")
        await on_top(pilot, OpenDrawerForm)
        await pilot.press(*"300", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, OpenDrawerForm))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        await pilot.press("f3")
        await on_top(pilot, PaymentScreen)
        await pilot.press(*"1-1-101", "enter", "1", "ctrl+s")  # 1: cash
        receipt = await on_top(pilot, ReceiptScreen)
        await wait_until(pilot, lambda: receipt.view is not None)
        assert "Receipt A0000001" in str(receipt.query_one("#rc-title").content)
    payment = Payment.get()
    assert payment.amount == 16121  # 89.56 m² × ¥1.80, to the fen
    assert Receipt.get().payment_id == payment.id


async def on_top(pilot, kind):
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, kind)
                     and getattr(app.screen, "is_loaded", True) and app.focused is not None
                     and app.focused.screen is app.screen)
    return app.screen
