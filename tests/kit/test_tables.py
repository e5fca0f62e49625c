"""``kit.tables.refill``: a long table is drawn with its first rows and filled after that
frame (issue #15); the cursor still ends on the row it was on, and a newer fill drops the
rest of an older one."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from deskterm.screens.kit.tables import FIRST_ROWS, book_table, cursor_key, refill
from tests.desk_app import wait_until

COLUMNS = (("Key", 8), ("Text", 20))


def rows(n: int, word: str = "row"):
    return ((f"k{i}", (f"k{i}", f"{word} {i}")) for i in range(n))


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield book_table("t", COLUMNS)


async def test_a_long_table_is_filled_after_its_first_frame_and_keeps_the_cursor():
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(DataTable)
        refill(table, rows(FIRST_ROWS + 70))
        assert table.row_count == FIRST_ROWS  # what the first frame needs
        await wait_until(pilot, lambda: table.row_count == FIRST_ROWS + 70)
        assert str(table.get_row_at(FIRST_ROWS + 69)[1]) == f"row {FIRST_ROWS + 69}"
        table.move_cursor(row=FIRST_ROWS + 10, animate=False)
        refill(table, rows(FIRST_ROWS + 70, "again"))  # the same keys, read again
        await wait_until(pilot, lambda: table.row_count == FIRST_ROWS + 70)
        await wait_until(pilot, lambda: cursor_key(table) == f"k{FIRST_ROWS + 10}")
        assert str(table.get_row_at(0)[1]) == "again 0"


async def test_a_newer_fill_drops_the_rest_of_an_older_one():
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(DataTable)
        refill(table, rows(FIRST_ROWS + 70))
        refill(table, rows(3, "newer"))
        after: list[bool] = []
        table.call_after_refresh(lambda: after.append(True))  # behind the older rest
        await wait_until(pilot, lambda: after)
        assert table.row_count == 3
        assert [str(table.get_row_at(i)[1]) for i in range(3)] == [
            "newer 0", "newer 1", "newer 2"]
