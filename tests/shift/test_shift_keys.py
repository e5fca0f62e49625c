"""The shift's forms typed fast and pasted into: each form family given the same keys in a
burst (a fast typist, a laggy SSH link) and one at a time ends with the same fields and
the same focus; a paste lands once in every kind of field the package uses, and one too
long for a text box is refused aloud. Also what the kit changes for the clerk here: the
first field, drafts kept, a period never stepped over unsaved text."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static, TextArea

from deskterm.db.models import DailyWorkRecord, WorkSummary
from deskterm.screens.kit.asking import DiscardQuestion, DraftOffer
from deskterm.screens.shift.assessments import AssessmentFormScreen, open_assessments
from deskterm.screens.shift.attendance import open_attendance
from deskterm.screens.shift.attendance_forms import AttendanceForm
from deskterm.screens.shift.attendance_sheet import open_attendance_sheet
from deskterm.screens.shift.handover import open_handover
from deskterm.screens.shift.handover_sign import SignHandoverForm
from deskterm.screens.shift.night_log_form import NightLogForm, open_night_log
from deskterm.screens.shift.work_record import open_work_record
from deskterm.screens.shift.work_summary import WorkSummaryScreen
from tests.desk_app import desk_app, panes_loaded, wait_until
from tests.factories import MORNING, small_office
from tests.pilot_keys import burst, paste
from tests.shift.test_attendance import utc
from tests.shift.test_handover import night_of
from tests.shift.test_night_log import NIGHT, night_staff


async def signed_in(pilot, staff_id: int) -> None:
    await panes_loaded(pilot)
    await wait_until(pilot, lambda: pilot.app.session.staff is not None
                     and pilot.app.session.staff.id == staff_id)


def shown(screen, selector: str) -> str:
    found = screen.query(selector)
    return str(found.first(Static).content) if found else ""


async def typed_both_ways(make_app, opened, keys, fields):
    """``keys`` into the form ``opened(pilot)`` gives, by ``burst`` and by ``press``: the
    fields' values and the focused widget's id, each way."""
    results = []
    for send in (burst, lambda pilot, *keys: pilot.press(*keys)):
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            form = await opened(pilot)
            await send(pilot, *keys)
            await wait_until(pilot, lambda form=form: not form.saving)
            results.append(({name: form.value(name) for name in fields},
                            getattr(app.focused, "id", None)))
            await pilot.press("escape")  # and throw it away: no draft for the next run
            if isinstance(app.screen, DiscardQuestion):
                await pilot.press("d")
            await wait_until(pilot, lambda form=form: not form.is_attached)
    return results


# --- F5: the night log and the handover's signatures ----------------------------------------

@pytest.fixture
def night(sqlite_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    return so, night_staff(so)


async def open_log(pilot, sun) -> NightLogForm:
    await signed_in(pilot, sun.id)
    form = open_night_log(pilot.app)
    await wait_until(pilot, lambda: pilot.app.screen is form and form.is_loaded)
    return form


async def test_the_night_log_typed_in_a_burst(night):
    so, sun = night
    keys = [*"gate stuck", "tab", "tab", *"east gate", "tab", "space"]
    fast, slow = await typed_both_ways(
        lambda: desk_app(so, watch=False, demo_staff_id=sun.id),
        lambda pilot: open_log(pilot, sun), keys, ("what", "at", "where", "needs_action"))
    assert fast == slow
    assert fast == ({"what": "gate stuck", "at": "03:00", "where": "east gate",
                     "needs_action": True}, "nl-needs_action")


@pytest.fixture
def morning(sqlite_db, frozen_clock):
    frozen_clock(NIGHT)
    so = small_office()
    night_of(so)
    frozen_clock("2026-11-26T00:30:00")
    return so


async def open_sign(pilot, so) -> SignHandoverForm:
    await signed_in(pilot, so.clerk.id)
    screen = open_handover(pilot.app)
    await wait_until(pilot, lambda: screen.view is not None)
    await pilot.press("t", "t", "t", "ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SignHandoverForm))
    return pilot.app.screen


async def test_both_signatures_typed_in_a_burst(morning):
    keys = [*"1234", "tab", *"5678", "tab", *"ok"]
    fast, slow = await typed_both_ways(
        lambda: desk_app(morning, watch=False), lambda pilot: open_sign(pilot, morning), keys,
        ("night_staff", "night_pin", "day_pin", "note"))
    assert fast == slow
    assert fast[0]["night_pin"] == "1234" and fast[0]["day_pin"] == "5678"
    assert fast == (fast[0], "sh-note")


# --- the attendance forms -------------------------------------------------------------------

@pytest.fixture
def day(sqlite_db, frozen_clock):
    frozen_clock(utc("08:10"))
    return small_office()


async def open_leave(pilot, so) -> AttendanceForm:
    await signed_in(pilot, so.supervisor.id)
    screen = open_attendance(pilot.app)
    await wait_until(pilot, lambda: screen.loads >= 1)
    await pilot.press("l")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, AttendanceForm))
    return pilot.app.screen


async def test_leave_typed_in_a_burst(day):
    keys = [*"sick", "tab", "tab", *"12"]
    fast, slow = await typed_both_ways(
        lambda: desk_app(day, watch=False, demo_staff_id=day.supervisor.id),
        lambda pilot: open_leave(pilot, day), keys, ("staff", "day", "reason", "by", "pin"))
    assert fast == slow
    assert fast[0]["reason"] == "sick" and fast[0]["pin"] == "12"
    assert fast[1] == "att-pin"


# --- the record forms -----------------------------------------------------------------------

@pytest.fixture
def office(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


async def open_record(pilot, so):
    await signed_in(pilot, so.clerk.id)
    form = open_work_record(pilot.app)
    await wait_until(pilot, lambda: pilot.app.screen is form and form.loads == 1)
    return form


async def test_the_work_record_typed_in_a_burst(office):
    """Tab into the notes, type (a u there is only a u), back to the figures, u asks."""
    keys = ["tab", *"up to date", "shift+tab", "u"]
    fast, slow = await typed_both_ways(
        lambda: desk_app(office, watch=False), lambda pilot: open_record(pilot, office), keys,
        ("notes",))
    assert fast == slow == ({"notes": "up to date"}, "wr-figures")


async def open_assessment(pilot, so) -> AssessmentFormScreen:
    await signed_in(pilot, so.supervisor.id)
    screen = open_assessments(pilot.app)
    await wait_until(pilot, lambda: screen.loads >= 1)
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, AssessmentFormScreen))
    return pilot.app.screen


async def test_an_assessment_typed_in_a_burst(office):
    keys = [*"good calls", "tab", "4"]
    fast, slow = await typed_both_ways(
        lambda: desk_app(office, watch=False, demo_staff_id=office.supervisor.id),
        lambda pilot: open_assessment(pilot, office), keys, ("text", "score"))
    assert fast == slow == ({"text": "good calls", "score": "4"}, "af-score")


# --- pastes -----------------------------------------------------------------------------------

async def test_a_paste_lands_once_in_each_kind_of_field(night):
    so, sun = night
    app = desk_app(so, watch=False, demo_staff_id=sun.id)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_log(pilot, sun)
        what = form.query_one("#nl-what", Input)  # a TextInput, the focus is there
        await paste(pilot, what, "东门道闸")
        await wait_until(pilot, lambda: what.value != "")
        await paste(pilot, what, "漏" * 3000)
        await wait_until(pilot, lambda: "Too long to paste" in shown(form, "#nl-error-what"))
        assert "Too long to paste: 3,000 characters" in shown(form, "#nl-error-what")
        assert what.value == "东门道闸"  # once, and nothing of the long one


async def test_a_paste_lands_once_in_a_pin(morning):
    app = desk_app(morning, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_sign(pilot, morning)
        pin = form.query_one("#sh-night_pin", Input)  # a PinInput, the focus is there
        await wait_until(pilot, lambda: app.focused is pin)
        await paste(pilot, pin, "1234")
        await wait_until(pilot, lambda: pin.value != "")
        await pilot.press("end")  # anything more would have landed by now
        assert pin.value == "1234"


async def test_a_paste_lands_once_in_the_month(day, frozen_clock):
    app = desk_app(day, watch=False, demo_staff_id=day.supervisor.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, day.supervisor.id)
        sheet = open_attendance_sheet(app)
        await wait_until(pilot, lambda: sheet.loads == 1)
        month = sheet.query_one("#ats-month", Input)  # a MonthInput
        sheet.set_focus(month)
        month.value = ""
        await wait_until(pilot, lambda: app.focused is month)
        await paste(pilot, month, "2026-10")
        await wait_until(pilot, lambda: month.value != "")
        await pilot.press("end")
        assert month.value == "2026-10"
        await pilot.press("enter")
        await wait_until(pilot, lambda: sheet.loads == 2)
        assert sheet.month == "2026-10"
        await pilot.press("h")  # the sheet handed over, never an h in the month
        await wait_until(pilot, lambda: "handed over" in shown(sheet, "#ats-title"))
        assert month.value == "2026-10"


async def test_a_paste_lands_once_in_a_text_box_and_a_long_one_is_refused(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_record(pilot, office)
        await pilot.press("tab")
        notes = form.query_one("#wr-notes", TextArea)  # a TextBox
        await wait_until(pilot, lambda: app.focused is notes)
        await paste(pilot, notes, "跟进欠费\n回访3-2-501")
        await wait_until(pilot, lambda: notes.text != "")
        await pilot.press("end")
        assert notes.text == "跟进欠费\n回访3-2-501"
        await paste(pilot, notes, "漏" * 5000)
        await wait_until(pilot, lambda: "Too long" in shown(form, "#wr-error-notes"))
        assert notes.text == "跟进欠费\n回访3-2-501"
        assert "Too long to paste: 5,000 characters; at most 2,000." in shown(
            form, "#wr-error-notes")


# --- what the kit changes for the clerk -------------------------------------------------------

async def test_notes_kept_as_a_draft_come_back(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_record(pilot, office)
        await pilot.press("tab", *"half a note", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DiscardQuestion))
        await pilot.press("k")  # keep it as a draft
        await wait_until(pilot, lambda: app.screen is app.dashboard)
        assert DailyWorkRecord.select().count() == 0
        form = open_work_record(app)
        await wait_until(pilot, lambda: isinstance(app.screen, DraftOffer))
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is form
                         and form.value("notes") == "half a note")


async def test_a_period_is_not_stepped_over_unsaved_text(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        record = await open_record(pilot, office)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkSummaryScreen)
                         and app.screen.loads == 1)
        week = app.screen
        assert record is not week
        await pilot.press("tab", *" more", "shift+tab", "left_square_bracket")
        await wait_until(pilot, lambda: "Save it first" in shown(week, "#ws-error-form"))
        assert "2026-W48" in shown(week, "#ws-title")
        assert " more" in week.value("summary")  # nothing typed is dropped
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: WorkSummary.select().count() == 1 and not week.saving)
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: "2026-W47" in shown(week, "#ws-title"))
        assert " more" not in week.value("summary")


async def test_the_hint_names_the_letter_keys_only_where_they_work(office):
    app = desk_app(office, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_record(pilot, office)
        await wait_until(pilot, lambda: "u submit" in shown(form, "#wr-hint"))
        await pilot.press("tab")  # in the notes a u is a u
        await wait_until(pilot, lambda: "u submit" not in shown(form, "#wr-hint"))
        assert "ctrl+s save draft" in shown(form, "#wr-hint")
        await pilot.press("shift+tab")
        await wait_until(pilot, lambda: "u submit" in shown(form, "#wr-hint"))
