"""A form's PIN fields, at the kit's depth (a bare ``DeskForm`` whose save checks the
supervisor's PIN and writes one change-log row): a PIN is emptied only when the duty
refused the save (a wrong PIN above all); a save that failed (the database locked past
the busy timeout, an unexpected error) keeps every field, the PIN too, as the message
says, so ctrl+s saves once the database is back. A draft never holds the PIN."""

from __future__ import annotations

import contextlib

import pytest
from textual.widgets import Static

from deskterm.db import changes
from deskterm.db.models import ChangeLog, database
from deskterm.drafts import DraftStore
from deskterm.duties.pin_checks import REFUSED, check_pin, pin_ok
from deskterm.errors import DutyError
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING, PIN, small_office
from tests.faults import driver_text_in, write_lock_held

pytestmark = pytest.mark.both_databases

SIGNED = "kit_note_signed"
NOTE = "lift 2 stuck"


class SignedNote(DeskForm):
    """A note the supervisor signs with their PIN; the change-log row is the record."""

    PREFIX = "kp"
    DRAFT = "kit-signed-note"
    FIELDS = (
        Field("note", "Note", required="Write the note.", max_length=60),
        Field("pin", "PIN", kind="pin", required="Enter the PIN."),
    )

    def __init__(self, session, signer) -> None:
        super().__init__(session, title="A signed note")
        self.signer = signer
        self.breaks = 0  # saves still to fail with a bug

    def save(self, values):
        if self.breaks:
            self.breaks -= 1
            raise RuntimeError("a bug in the duty")
        if values["note"] == "refused":
            raise DutyError("Not a note.", "note")
        signer = check_pin(self.office, self.signer, values["pin"], "void")
        with changes.write():
            pin_ok(self.office, signer, "void")
            return changes.record("kit", None, SIGNED, office=self.office, staff=signer,
                                  after={"note": values["note"]}).id


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


def stored() -> int:
    return ChangeLog.select().where(ChangeLog.action == SIGNED).count()


def wrong_pins() -> int:
    return ChangeLog.select().where(ChangeLog.action == REFUSED).count()


def said(form: SignedNote, name: str) -> str:
    return str(form.query_one(f"#kp-error-{name}", Static).content)


def fresh(db) -> None:
    """The test's own connection opened anew (the fault's shortened waits are over)."""
    with contextlib.suppress(Exception):
        db.close()


async def opened(pilot, so) -> SignedNote:
    app = pilot.app
    await desk_ready(pilot)
    form = SignedNote(app.session, so.supervisor)
    app.push_screen(form)
    await wait_until(pilot, lambda: app.screen is form and form.is_loaded
                     and app.focused is form.widget("note"))
    return form


async def typed_in(pilot, form: SignedNote, note: str, pin: str) -> None:
    await pilot.press(*note, "tab", *pin)
    await wait_until(pilot, lambda: form.value("note") == note and form.value("pin") == pin)


async def save_ends(pilot, form: SignedNote, name: str) -> None:
    """ctrl+s, then wait until the save is over and field ``name``'s line says why."""
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: not form.saving and said(form, name) != "")


async def test_a_locked_database_keeps_the_pin_and_ctrl_s_saves_after(so, desk_db):
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await opened(pilot, so)
        await typed_in(pilot, form, NOTE, PIN)
        store = DraftStore(so.clerk.id)
        with write_lock_held(desk_db):
            await save_ends(pilot, form, "form")
            message = said(form, "form")
            assert "Not saved: the database is busy" in message and "kept" in message
            assert not driver_text_in(message)
            assert (form.value("note"), form.value("pin")) == (NOTE, PIN)  # as it says
            assert said(form, "pin") == "" and app.screen is form
        fresh(database)
        assert stored() == 0 and wrong_pins() == 0  # nothing stored, no PIN counted
        await wait_until(pilot, lambda: store.load(form.DRAFT) is not None)
        assert store.load(form.DRAFT).values == {"note": NOTE}  # never the PIN
        await pilot.press("ctrl+s")  # the database is back: the same key saves
        await wait_until(pilot, lambda: app.screen is not form)
    assert stored() == 1 and wrong_pins() == 0
    assert store.load(form.DRAFT) is None  # saved: the draft is gone


async def test_an_unexpected_error_keeps_the_pin(so, desk_db):
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await opened(pilot, so)
        await typed_in(pilot, form, NOTE, PIN)
        form.breaks = 1
        await save_ends(pilot, form, "form")
        assert "Not saved: an unexpected error (RuntimeError)" in said(form, "form")
        assert (form.value("note"), form.value("pin")) == (NOTE, PIN)
        assert stored() == 0
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not form)
    assert stored() == 1


async def test_a_wrong_pin_is_emptied_and_the_rest_kept(so, desk_db):
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await opened(pilot, so)
        await typed_in(pilot, form, NOTE, "9999")
        await save_ends(pilot, form, "pin")
        assert said(form, "pin") == "✗ Wrong PIN (1 of 5 tries)."
        assert (form.value("note"), form.value("pin")) == (NOTE, "")  # typed again
        assert app.focused is form.widget("pin") and said(form, "form") == ""
        assert stored() == 0 and wrong_pins() == 1
        await pilot.press(*PIN)
        await wait_until(pilot, lambda: form.value("pin") == PIN and said(form, "pin") == "")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not form)
    assert stored() == 1


async def test_a_refusal_of_another_field_still_empties_the_pin(so, desk_db):
    """What the PIN authorised was refused: it is typed again for what is saved next."""
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await opened(pilot, so)
        await typed_in(pilot, form, "refused", PIN)
        await save_ends(pilot, form, "note")
        assert said(form, "note") == "✗ Not a note."
        assert (form.value("note"), form.value("pin")) == ("refused", "")
        assert app.focused is form.widget("note") and stored() == 0
