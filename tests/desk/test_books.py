"""The F10 books menu (deskterm.screens.desk.books): each letter opens its book over the
dashboard, Esc closes the menu, nothing opens before sign-in; ctrl+f opens the register
search directly; the help screen and the command palette list every book."""

from __future__ import annotations

import pytest

from deskterm.keys import BOOKS, OPENERS
from deskterm.screens.backoffice.canteen import CanteenScreen
from deskterm.screens.backoffice.listings import ListingsScreen
from deskterm.screens.backoffice.stock import StockScreen
from deskterm.screens.backoffice.stocktake import StocktakeScreen
from deskterm.screens.calls.return_book import ReturnBook
from deskterm.screens.cashdesk.charge_generation import ChargeGenerationScreen
from deskterm.screens.cashdesk.fee_items import FeeItemsScreen
from deskterm.screens.cashdesk.fee_summary import FeeSummaryScreen
from deskterm.screens.cashdesk.receipt_books import ReceiptBooksScreen
from deskterm.screens.cashdesk.unit_account import UnitAccountScreen
from deskterm.screens.desk.books import BooksScreen
from deskterm.screens.desk.help import HelpScreen
from deskterm.screens.repairs.approval import ApprovalScreen
from deskterm.screens.repairs.complaint_list import ComplaintListScreen
from deskterm.screens.repairs.complaint_summary import ComplaintSummaryScreen
from deskterm.screens.repairs.month_end import MonthEndScreen
from deskterm.screens.repairs.morning_view import MorningViewScreen
from deskterm.screens.repairs.register_search import RegisterSearchScreen
from deskterm.screens.residents.owner_roster import OwnerRosterScreen
from deskterm.screens.shift.attendance import AttendanceScreen
from deskterm.screens.shift.attendance_sheet import AttendanceSheetScreen
from deskterm.screens.shift.tasks_book import TasksBook
from deskterm.screens.shift.work_record import WorkRecordScreen
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, small_office

OPENS = {
    "r": RegisterSearchScreen,
    "o": OwnerRosterScreen,
    "c": ComplaintListScreen,
    "s": ComplaintSummaryScreen,
    "a": ApprovalScreen,
    "m": MonthEndScreen,
    "y": MorningViewScreen,  # the morning view by hand, seen today or not
    "n": ReturnBook,
    "u": UnitAccountScreen,
    "f": FeeSummaryScreen,
    "g": ChargeGenerationScreen,
    "b": ReceiptBooksScreen,
    "i": FeeItemsScreen,
    "d": AttendanceScreen,
    "h": AttendanceSheetScreen,
    "w": WorkRecordScreen,
    "j": TasksBook,
    "k": StockScreen,
    "t": StocktakeScreen,
    "e": CanteenScreen,
    "p": ListingsScreen,
    # Not the clerk's: the night log is the night staff's, assessments the supervisor's;
    # for a clerk they say so and open nothing.
    "l": None,
    "v": None,
    "x": None,  # the staff and office book is the manager's (tests/admin/test_staff_book)
}


@pytest.fixture
def so(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


def test_every_book_has_a_screen_and_its_own_letter():
    assert {book.letter for book in BOOKS} == set(OPENS)
    assert len({book.name for book in BOOKS}) == len(BOOKS)
    assert all(book.name in OPENERS for book in BOOKS)


@pytest.mark.parametrize("letter", sorted(OPENS))
async def test_f10_then_a_letter_opens_the_book(so, letter):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, BooksScreen))
        menu = app.screen
        box = menu.query_one("#books").region
        assert box.right <= 80 and box.bottom <= 24
        await pilot.press(letter)
        if OPENS[letter] is None:
            await wait_until(pilot, lambda: app.screen is app.dashboard and app._notifications)
            return
        await wait_until(pilot, lambda: isinstance(app.screen, OPENS[letter]))
        # The book sits over the dashboard, not over the menu: Esc goes straight back.
        assert menu not in app.screen_stack
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)


async def test_escape_closes_the_menu_and_opens_nothing(so):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, BooksScreen))
        await pilot.press("z")  # not a book: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, BooksScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        assert len(app.screen_stack) == 2  # the default screen and the dashboard


async def test_ctrl_f_opens_the_register_search(so):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, RegisterSearchScreen))


async def test_no_book_opens_before_sign_in(so):
    app = desk_app(so, signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        before = app.screen
        for key in ("f10", "ctrl+f"):
            await pilot.press(key)
            await pilot.pause()
        assert app.screen is before
        assert not isinstance(app.screen, (BooksScreen, RegisterSearchScreen))


async def test_help_and_palette_list_every_book(so):
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        palette = [command.title for command in app.get_system_commands(app.screen)]
        for book in BOOKS:
            assert f"{book.label} (f10 {book.letter})" in palette
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen._keys_table()
        keys = [str(cell) for cell in table.columns[0].cells]
        texts = [str(cell) for cell in table.columns[1].cells]
        for book in BOOKS:
            row = keys.index(f"f10 {book.letter}")
            assert texts[row].startswith(book.label)
