"""The back office when the database has a bad day, on SQLite and PostgreSQL: a lock held
past the busy timeout by another program, a full database, the server stopped and started
again. One representative of each family: the listing form's save and the meals form's
load (the forms), the stocktake's save of typed counts and the canteen's read (the
books). Each time the desk keeps running, what was typed stays, the screen says what
happened in the clerk's words (no driver text), nothing is stored, and the same key works
once it is over."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from deskterm.db.models import CanteenMeal, Listing, StocktakeLine
from deskterm.duties.backoffice import stock, stocktake
from deskterm.screens.backoffice.backoffice_form import ListingForm, MealsForm
from deskterm.screens.backoffice.canteen import CanteenScreen, open_canteen
from deskterm.screens.backoffice.listings import open_listings
from deskterm.screens.backoffice.stocktake import open_stocktake
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import small_office
from tests.faults import database_full, driver_text_in, server_down, write_lock_held

pytestmark = pytest.mark.both_databases

NOW = "2026-11-24T02:05:00"  # the 24th, 10:05 in Shanghai: stocktake day
ITEMS = 60  # a save of every count needs pages of its own (the full database)


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(NOW)
    return small_office()


@pytest.fixture
def store(so):
    for number in range(ITEMS):
        item = stock.add_item(so.office, so.clerk, code=f"FM-{number:03d}", name=f"角阀 {number}",
                              uom="个", location="仓库A-1")
        stock.receive(so.office, so.clerk, item.id, 10)
    stocktake.start_stocktake(so.office, so.clerk)
    return so


def postgres_only(desk_db, pg_server) -> None:
    if pg_server is None or not desk_db.deskterm_url.startswith("postgresql"):
        pytest.skip("the server case is PostgreSQL's")


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


def status(app) -> str:
    return app.dashboard.query_one("StatusLine").trouble


async def back_again(pilot, db) -> None:
    """The server is up and the desk has seen it (the status line is clear); the test's
    own connection, cut with the server, is opened afresh."""
    await wait_until(pilot, lambda: status(pilot.app) == "", timeout=20)
    db.close()


# --- the forms: the listing form's save ------------------------------------------------------

LISTING = {"unit": "3-2-501", "asking": "3000", "terms": "押一付三，家电齐全" * 20}


async def filled_listing(pilot) -> ListingForm:
    app = pilot.app
    await desk_ready(pilot)
    books = open_listings(app)
    await wait_until(pilot, lambda: app.screen is books and books.loads == 1)
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, ListingForm))
    form = app.screen
    for name, value in LISTING.items():
        form.query_one(f"#bo-{name}", Input).value = value
    form.set_value("kind", "rent")  # rent or sale: never by itself
    return form


def typed(form) -> dict:
    return {name: form.query_one(f"#bo-{name}", Input).value for name in LISTING}


async def listing_save_through(pilot, form, fault, words: str) -> None:
    app = pilot.app
    with fault:
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: text(form, "#bo-error-form") and not form.saving)
        assert words in text(form, "#bo-error-form")
        assert not driver_text_in(text(form, "#bo-error-form"))
        assert typed(form) == LISTING and app.screen is form


async def test_a_listing_saved_while_another_program_holds_the_lock(so, desk_db):
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await filled_listing(pilot)
        await listing_save_through(pilot, form, write_lock_held(desk_db),
                                   "the database is busy")
        assert Listing.select().count() == 0
        await pilot.press("ctrl+s")  # over: the same key saves
        await wait_until(pilot, lambda: app.screen is not form)
    assert Listing.get().terms == LISTING["terms"]


async def test_a_listing_saved_while_the_server_is_down(so, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await filled_listing(pilot)
        await listing_save_through(pilot, form, server_down(pg_server),
                                   "the database cannot be reached")
        await back_again(pilot, desk_db)
        assert Listing.select().count() == 0
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not form)
    assert Listing.select().count() == 1


# --- the forms: the meals form opened while the server is down ---------------------------

async def test_the_meals_form_opens_while_the_server_is_down(so, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        canteen = open_canteen(app)
        await wait_until(pilot, lambda: app.screen is canteen and canteen.loads == 1)
        with server_down(pg_server):
            await pilot.press("e")
            await wait_until(pilot, lambda: isinstance(app.screen, MealsForm)
                             and "Could not load" in text(app.screen, "#bo-error-form"))
            form = app.screen
            assert not driver_text_in(text(form, "#bo-error-form"))
            form.query_one("#bo-meals", Input).value = "2"
            form.query_one("#bo-price", Input).value = "12.50"
        await back_again(pilot, desk_db)
        # The database is back: who may eat is read by itself; the clerk chooses, saves.
        await wait_until(pilot, lambda: form.is_loaded and not form.load_failed)
        assert CanteenMeal.select().count() == 0  # nothing saved unseen
        assert (form.value("meals"), form.value("price")) == ("2", "12.50")  # kept
        form.query_one("#bo-person", Select).value = so.supervisor.id
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is canteen)
    meal = CanteenMeal.get()
    assert (meal.staff_id, meal.meals, meal.price) == (so.supervisor.id, 2, 1250)


# --- the books: the stocktake's counts, the canteen's read -----------------------------------

async def counted(pilot):
    """The stocktake open, every line's count typed (one more than the book)."""
    app = pilot.app
    await desk_ready(pilot)
    screen = open_stocktake(app)
    await wait_until(pilot, lambda: app.screen is screen and screen.loads >= 1
                     and screen.view is not None)
    for line in screen.view.lines:
        screen.query_one(f"#tk-count-{line.id}", Input).value = str(line.book + 1)
    return screen


async def counts_through(pilot, screen, fault, words: str) -> None:
    app = pilot.app
    before = screen.typed()
    with fault:
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: text(screen, "#tk-message") and not screen.busy)
        assert words in text(screen, "#tk-message")
        assert not driver_text_in(text(screen, "#tk-message"))
        assert screen.typed() == before and app.screen is screen


async def saved_after(pilot, screen) -> None:
    assert StocktakeLine.select().where(
        StocktakeLine.counted_quantity.is_null(False)).count() == 0  # nothing was stored
    loads = screen.loads
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: screen.loads > loads)
    assert {line.counted_quantity for line in StocktakeLine.select()} == {11}
    assert text(screen, "#tk-message") == ""


async def test_counts_saved_while_another_program_holds_the_lock(store, desk_db):
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await counted(pilot)
        await counts_through(pilot, screen, write_lock_held(desk_db), "the database is busy")
        await saved_after(pilot, screen)


async def test_counts_saved_into_a_full_database(store, desk_db):
    app = desk_app(store, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await counted(pilot)
        await counts_through(pilot, screen, database_full(desk_db), "the database is full")
        await saved_after(pilot, screen)


async def test_counts_saved_while_the_server_is_down(store, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await counted(pilot)
        await counts_through(pilot, screen, server_down(pg_server),
                             "the database cannot be reached")
        await back_again(pilot, desk_db)
        await saved_after(pilot, screen)


async def test_the_canteen_opens_while_the_server_is_down(so, desk_db, pg_server):
    postgres_only(desk_db, pg_server)
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        with server_down(pg_server):
            screen = open_canteen(app)
            await wait_until(pilot, lambda: isinstance(app.screen, CanteenScreen)
                             and screen.is_mounted and "Could not load" in text(
                                 screen, "#ct-message"))
            assert not driver_text_in(text(screen, "#ct-message"))
            assert screen.loads == 0
        await back_again(pilot, desk_db)
        await wait_until(pilot, lambda: screen.loads == 1)  # read again by itself
        assert "No purchases yet today" in text(screen, "#ct-total")
        assert not screen.query_one("#ct-message").display
