"""The office's banks and usual float, set by the manager: the first deposit proposes the
first bank, and Enter on an empty float opens the drawer with the usual float."""

from __future__ import annotations

import pytest

from deskterm.db.models import CashSession, Office
from deskterm.duties.cashdesk.cash_view import cash_view
from deskterm.duties.office_settings import bank_list, set_office
from deskterm.errors import DutyError
from deskterm.screens.cashdesk.cash_forms import OpenDrawerForm
from tests.desk_app import desk_app, desk_ready, wait_until
from tests.factories import small_office


@pytest.fixture
def so(sqlite_db):
    return small_office()


def test_banks_and_the_usual_float(so):
    changed = set_office(so.office, so.supervisor, banks="工商银行翠湖支行、 建设银行 ,工商银行翠湖支行",
                         default_float="300")
    assert changed == {"banks": "工商银行翠湖支行\n建设银行", "default_float": 30000}
    assert bank_list(Office.get_by_id(so.office.id)) == ["工商银行翠湖支行", "建设银行"]
    assert cash_view(so.office, so.clerk).last_bank == "工商银行翠湖支行"
    with pytest.raises(DutyError, match="At most 10 banks"):
        set_office(so.office, so.supervisor, banks=",".join(f"银行{n}" for n in range(11)))
    with pytest.raises(DutyError, match="negative"):
        set_office(so.office, so.supervisor, default_float="-1")
    assert set_office(so.office, so.supervisor, banks="") == {"banks": ""}


async def test_enter_on_an_empty_float_takes_the_usual_one(so):
    set_office(so.office, so.supervisor, default_float="250.50")
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, OpenDrawerForm)
                         and app.focused is not None and app.focused.screen is app.screen)
        assert "250.50: Enter takes the usual float" in app.focused.placeholder
        await pilot.press("enter")
        await wait_until(pilot, lambda: CashSession.select().exists())
    assert CashSession.get().opening_float == 25050
