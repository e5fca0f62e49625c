"""The kit's duty runner (``outcome_of``, what ``run_duty`` runs in its worker) hands a
duty's result or its refusal on, in the clerk's words, never a driver's. And the error lines of a form (the fee item form at
80×24, now a ``DeskForm``): Enter moves to the next field, a refused paste is said under
its field, a name with no field falls back to the form's own line, and a line clears once
the field changes."""

from __future__ import annotations

import sqlite3

import pytest

from deskterm.db.models import FeeItem
from deskterm.errors import DeskError, DutyError
from deskterm.screens.kit.duty import outcome, outcome_of
from tests.cashdesk.test_fee_items_screen import new_form, open_items
from tests.cashdesk.test_fee_screens import shown
from tests.desk_app import desk_app, wait_until
from tests.factories import MORNING, small_office
from tests.pilot_keys import paste

SIZE = (80, 24)


def _raise(exc: Exception):
    def call():
        raise exc
    return call


def test_a_duty_hands_over_its_result(sqlite_db):
    assert outcome_of(lambda: 41 + 1) == (True, 42, "", "")


@pytest.mark.parametrize(("exc", "said"), [
    (DutyError("Code taken.", "code"), ("code", "Code taken.")),
    (DutyError("No such unit."), ("", "No such unit.")),
    (DeskError("The desk is closed."), ("", "The desk is closed.")),
    (sqlite3.OperationalError("database is locked"),
     ("", "Not saved: the database is busy (another program holds it). What you typed is "
          "kept; ctrl+s tries again.")),
    (RuntimeError("database gone"),
     ("", "Not saved: an unexpected error (RuntimeError); it is in the desk's log. What you "
          "typed is kept.")),
])
def test_each_refusal_is_said_in_the_clerks_words(sqlite_db, exc, said):
    assert outcome_of(_raise(exc)) == (False, None, *said)


@pytest.mark.parametrize(("exc", "kind"), [
    (DutyError("Wrong PIN (1 of 5 tries).", "pin"), "refused"),
    (DutyError("No such unit."), "refused"),
    (DeskError("The desk is closed."), "failed"),
    (sqlite3.OperationalError("database is locked"), "failed"),
    (RuntimeError("database gone"), "failed"),
])
def test_only_a_duty_error_is_a_refusal(sqlite_db, exc, kind):
    """A form empties its PINs after a refusal, never after a failure (nothing typed was
    refused): ``run_duty`` hands a failure to ``failed`` when given."""
    assert outcome(_raise(exc)).kind == kind


def test_a_read_says_could_not_load(sqlite_db):
    ok, _result, _field, message = outcome_of(
        _raise(sqlite3.OperationalError("unable to open database file")), load=True)
    assert not ok and message.startswith("Could not load: the database cannot be reached")


@pytest.fixture
def empty(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


async def test_field_errors_in_the_fee_item_form(empty):
    app = desk_app(empty, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_items(app, pilot)
        form = await new_form(app, pilot)
        assert app.focused.id == "fi-code"
        await pilot.press(*"WYF", "enter")
        assert app.focused.id == "fi-name"  # Enter moves on; it never saves

        await paste(pilot, form.widget("name"), "x" * 1234)
        line = form.query_one("#fi-error-name")
        await wait_until(pilot, lambda: line.has_class("-shown"))
        assert shown(form, "#fi-error-name").startswith(
            "✗ Too long to paste: 1,234 characters; at most")
        assert form.value("name") == ""
        await pilot.press("x")  # the clerk changes the field: the message goes
        await pilot.pause()
        assert shown(form, "#fi-error-name") == "" and not line.has_class("-shown")

        form.show_error("nosuch", "Said on the form's line.")
        await pilot.pause()
        assert shown(form, "#fi-error-form") == "✗ Said on the form's line."
        form.clear_errors()
        await pilot.pause()
        assert shown(form, "#fi-error-form") == ""
        assert FeeItem.select().count() == 0  # nothing saved by any of it
        await pilot.press("escape", "d")  # typed: Esc asks, d throws it away
        await wait_until(pilot, lambda: app.screen is not form)
