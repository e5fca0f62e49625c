"""The cash desk's forms on the screen kit, driven with keys at 80×24: where the cursor
starts and where Tab takes it (F3: from the dues to the amount tendered, as the hint says;
F6 deposit: from the slip number to the time, never onto the bank filled in), the same
keys sent all at once (a fast typist, a laggy SSH link) landing as they do one by one, and
a paste inserted once in each kind of box the cash desk uses."""

from __future__ import annotations

import pytest

from deskterm.screens.cashdesk.charge_generation import ChargeGenerationScreen
from tests.cashdesk.counter import (
    BANK,
    counter_office,
    deposit_form,
    error,
    fee_item_form,
    focus_id,
    on_top,
    payment_form,
    typed,
    values,
    void_form,
)
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import MORNING
from tests.fee_rows import fee_office
from tests.pilot_keys import burst, paste

SIZE = (80, 24)


@pytest.fixture
def counter(sqlite_db, frozen_clock):
    frozen_clock(MORNING)  # 10:05 in Shanghai
    return counter_office()


def hint(screen) -> str:
    return str(screen.query_one(f"#{screen.PREFIX}-hint").content)


def dues_marks(screen) -> list[str]:
    table = screen.table
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


# --- where the cursor goes -------------------------------------------------------------------

async def test_f3_tab_after_the_pick_goes_to_the_amount_tendered(counter):
    """The hint on the dues says "Tab tendered": Tab goes there (it went to the lookup)."""
    app = desk_app(counter.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await payment_form(pilot)
        assert focus_id(app) == "lookup-input"
        assert "Tab tendered" not in hint(screen)
        await pilot.press(*"3-2-501", "enter")
        await wait_until(pilot, lambda: screen.table.row_count == 2 and not screen.reading_dues)
        assert focus_id(app) == "pay-dues"
        assert "Tab tendered" in hint(screen)
        await pilot.press("tab", *"500")
        assert focus_id(app) == "pay-tendered"
        assert typed(screen, "tendered") == "500"
        assert str(screen.query_one("#pay-change").content) == "Change ¥81.32"
        assert "Tab tendered" not in hint(screen) and "Enter or ctrl+s pay" in hint(screen)
        # Paid by card there is nothing to tender: the hint on the dues no longer names Tab.
        await pilot.press("shift+tab", "2")
        assert focus_id(app) == "pay-dues"
        assert "Tab" not in hint(screen)


async def test_f3_ctrl_s_after_another_unit_typed_never_pays_the_one_shown(counter):
    from deskterm.db.models import Payment

    app = desk_app(counter.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await payment_form(pilot)
        await pilot.press(*"3-2-501", "enter")
        await wait_until(pilot, lambda: screen.table.row_count == 2 and not screen.reading_dues)
        screen.set_focus(screen.lookup_input)
        await pilot.press("ctrl+u", *"9-9-999", "ctrl+s")
        await wait_until(pilot, lambda: "There is no unit 9-9-999" in error(screen, "lookup"))
        assert screen.unit is None and screen.table.row_count == 0
        assert app.screen is screen
    assert Payment.select().count() == 1  # the one of the office's morning, nothing more


async def test_f6_deposit_starts_at_the_slip_and_tab_never_lands_on_the_bank(counter):
    """The slip number typed, Tab, the time: the bank filled in stays (it was replaced)."""
    app = desk_app(counter.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await deposit_form(pilot)
        assert focus_id(app) == "cash-deposit-slip_number"
        await pilot.press(*"S-1", "tab", *"09:50")
        assert values(form, "slip_number", "at", "amount", "bank") == {
            "slip_number": "S-1", "at": "09:50", "amount": "268.23", "bank": BANK}
        assert focus_id(app) == "cash-deposit-at"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, type(form)))
    from deskterm.db.models import BankDeposit

    deposit = BankDeposit.get(BankDeposit.slip_number == "S-1")
    assert (deposit.amount, deposit.bank) == (26823, BANK)


# --- a burst lands as keys typed one by one -------------------------------------------------------

async def _twice(counter, opener, keys, read):
    """``read(screen)`` after ``keys`` pressed one by one, then after the same keys sent at
    once, each on a fresh desk."""
    seen = []
    for send in ("press", "burst"):
        app = desk_app(counter.so, watch=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await opener(pilot)
            if send == "press":
                await pilot.press(*keys)
            else:
                await burst(pilot, *keys)
            await pilot.pause()
            seen.append((read(screen), focus_id(app)))
        # What was typed is kept as a draft (written at the latest when the app closes):
        # not for the next desk.
        if screen.DRAFT:
            screen.drafts.discard(screen.DRAFT, screen.draft_subject())
    return seen


async def test_a_burst_on_the_payment_lands_as_typed(counter):
    def read(screen):
        return screen.unit, dues_marks(screen), typed(screen, "tendered")

    keys = [*"3-2-501", "enter", "down", "space", "tab", *"300"]
    pressed, burst_ = await _twice(counter, payment_form, keys, read)
    assert pressed == burst_
    assert pressed == (((counter.so.unit.id, "3-2-501"), ["[x]", "[ ]"], "300"),
                       "pay-tendered")


async def test_a_burst_on_the_deposit_lands_as_typed(counter):
    keys = [*"S-2", "tab", *"09:40", "tab", "ctrl+u", *"100"]
    pressed, burst_ = await _twice(counter, deposit_form, keys, lambda form: values(
        form, "slip_number", "at", "amount", "bank"))
    assert pressed == burst_
    assert pressed == ({"slip_number": "S-2", "at": "09:40", "amount": "100", "bank": BANK},
                       "cash-deposit-amount")


async def test_a_burst_on_the_void_form_lands_as_typed(counter):
    async def opener(pilot):
        return await void_form(pilot, counter)

    keys = [*"wrong amount", "enter", "tab", *"1234"]
    pressed, burst_ = await _twice(counter, opener, keys,
                                   lambda form: values(form, "reason", "approver", "pin"))
    assert pressed == burst_
    assert pressed == ({"reason": "wrong amount", "approver": counter.so.supervisor.id,
                        "pin": "1234"}, "vf-pin")


async def test_a_burst_on_the_fee_item_form_lands_as_typed(counter):
    keys = [*"WYF", "tab", *"物业服务费", "tab", "tab", "tab", *"1.80"]
    pressed, burst_ = await _twice(counter, fee_item_form, keys,
                                   lambda form: values(form, "code", "name", "rate"))
    assert pressed == burst_
    assert pressed == ({"code": "WYF", "name": "物业服务费", "rate": "1.80"}, "fi-rate")


# --- a paste is inserted once -------------------------------------------------------------------

async def test_a_paste_is_inserted_once_in_each_kind_of_box(counter):
    app = desk_app(counter.so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        payment = await payment_form(pilot)
        await paste(pilot, payment.lookup_input, "3-2-501")  # the roster lookup
        assert payment.lookup_input.value == "3-2-501"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard)

        form = await void_form(pilot, counter)
        await paste(pilot, form.widget("reason"), "wrong amount")  # a text box
        assert typed(form, "reason") == "wrong amount"
        await paste(pilot, form.widget("reason"), "x" * 300)  # longer than a reason
        await wait_until(pilot, lambda: "Too long to paste" in error(form, "reason"))
        assert typed(form, "reason") == "wrong amount"
        form.set_focus(form.widget("pin"))
        await paste(pilot, form.widget("pin"), "1234")  # a PIN
        assert typed(form, "pin") == "1234"
        await pilot.press("escape", "d")
        await wait_until(pilot, lambda: app.screen is app.dashboard)

        app.push_screen(ChargeGenerationScreen(app.session))
        generation = await on_top(pilot, ChargeGenerationScreen)
        box = generation.widget("period")
        box.value = ""
        await paste(pilot, box, "2026-12")  # a month
        assert box.value == "2026-12"


async def test_the_monthly_charges_month_steps_with_brackets(sqlite_db, frozen_clock):
    frozen_clock(MORNING)
    app = desk_app(fee_office().so, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await desk_ready(pilot)
        app.push_screen(ChargeGenerationScreen(app.session))
        form = await on_top(pilot, ChargeGenerationScreen)
        assert focus_id(app) == "cg-period" and "[ ] month" in hint(form)
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: form.settled and form.preview is not None
                         and form.preview.period == "2026-12")
        assert typed(form, "period") == "2026-12"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_until(pilot, lambda: form.settled and form.preview.period == "2026-10")
        await pilot.press("escape")  # a month is not kept: Esc never asks
        await wait_until(pilot, lambda: app.screen is app.dashboard)
