"""The message to the technician at the desk (issue #14's Done-when): the desk's own
sender delivers it through apprise to a webhook on 127.0.0.1 once the webhook is up,
retrying while it is down, and Open orders and the order detail change without a
restart; ``m`` sends a failed one again; a hung webhook never holds the clerk's save."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from textual.widgets import Select

from deskterm.clock import now_utc
from deskterm.db.models import OutboxMessage
from deskterm.duties.orders import register_call
from deskterm.duties.staff_admin import set_notify
from deskterm.i18n import set_language
from deskterm.screens.repairs.order_actions import DispatchScreen
from deskterm.screens.repairs.order_detail import OrderDetailScreen, open_order_detail
from tests.desk_app import desk_app, pane_text, panes_loaded, wait_until
from tests.factories import MORNING, order, small_office
from tests.messaging.fake_http import hung_server, webhook


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


def _dispatch_call(so):
    return register_call(so.office, so.clerk, channel="phone", kind="repair",
                         caller_name="张三", phone="13812345678", request="厨房水龙头漏水",
                         unit=so.unit, technician=so.technician,
                         appointment_at=now_utc() + dt.timedelta(hours=2))[1]


def _message(order_id) -> OutboxMessage:
    return OutboxMessage.get(OutboxMessage.order == order_id)


def _row(app, number_text: str) -> str:
    return next((line for line in pane_text(app, "orders").splitlines()
                 if number_text in line), "")


async def _detail(app, pilot, order_id) -> OrderDetailScreen:
    screen = open_order_detail(app, order_id)
    await wait_until(pilot, lambda: app.screen is screen and screen.loaded)
    return screen


def _fields(screen) -> str:
    return str(screen.query_one("#od-fields").content)


@pytest.mark.both_databases
async def test_the_desk_sends_it_when_the_webhook_is_up(so, frozen_clock):
    with webhook(up=False) as hook:
        set_notify(so.office, None, so.technician.id, hook.url)
        app = desk_app(so, watch=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await panes_loaded(pilot)
            placed = _dispatch_call(so)  # another desk's F2: this desk sends it
            await wait_until(pilot, lambda: _message(placed.id).attempts == 1)
            assert _message(placed.id).state == "waiting"
            await wait_until(pilot, lambda: "…张强" in _row(app, "3-2-501"))
            hook.up()
            frozen_clock(dt.datetime.fromisoformat(MORNING) + dt.timedelta(seconds=31))
            await wait_until(pilot, lambda: "✓张强" in _row(app, "3-2-501"))
            assert _message(placed.id).state == "sent"
            (post,) = hook.posts
            assert placed.number in post["title"] and "3-2-501" in post["message"]
            screen = await _detail(app, pilot, placed.id)
            assert "Message: sent ✓ 10:05 to 张强" in _fields(screen)


@pytest.mark.both_databases
async def test_m_sends_a_failed_one_again_and_the_detail_follows(so):
    with webhook() as hook:
        set_notify(so.office, None, so.technician.id, hook.url)
        placed = _dispatch_call(so)
        OutboxMessage.update(state="failed", attempts=6, reason="HTTP 500",
                             next_at=None).execute()
        app = desk_app(so, watch=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await panes_loaded(pilot)
            assert "✗张强" in _row(app, "3-2-501")
            screen = await _detail(app, pilot, placed.id)
            assert "Message: failed ✗ HTTP 500" in _fields(screen)
            assert "m send again" in str(screen.query_one("#od-hint").content)
            await pilot.press("m")
            await wait_until(pilot, lambda: "Message: sent ✓" in _fields(screen))
            assert len(hook.posts) == 1
            assert "m send again" not in str(screen.query_one("#od-hint").content)
            await pilot.press("m")  # sent already: said, nothing sent
            await wait_until(pilot, lambda: "sent already" in str(
                screen.query_one("#od-message").content))
            app.save_screenshot("/tmp/messages-detail-en.svg")
        assert len(hook.posts) == 1


async def test_no_address_is_said_on_the_order(so):
    placed = _dispatch_call(so)
    set_language("zh_CN")
    app = desk_app(so, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        assert "-张强" in _row(app, "3-2-501")
        screen = await _detail(app, pilot, placed.id)
        assert "无通知地址：未发送" in _fields(screen)
        app.save_screenshot("/tmp/messages-detail-zh.svg")


async def test_a_hung_webhook_never_holds_the_clerks_save(so):
    with hung_server() as url:
        set_notify(so.office, None, so.technician.id, url)
        first = _dispatch_call(so)  # the sender hangs on this one
        waiting = order(so, state="registered", technician=None, text="楼道灯不亮")
        app = desk_app(so, watch=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await panes_loaded(pilot)
            await wait_until(pilot, lambda: _message(first.id).claimed_by != "")
            screen = await _detail(app, pilot, waiting.id)
            await pilot.press("d")
            await wait_until(pilot, lambda: isinstance(app.screen, DispatchScreen))
            select = app.screen.query_one("#dispatch-technician", Select)
            await wait_until(pilot, lambda: select.value == so.technician.id)
            loads, started = screen.loads, time.monotonic()
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: screen.loads > loads and app.screen is screen)
            took = time.monotonic() - started
            # held by the hung server, it would wait out the 10 s read timeout at least; a
            # bound far from the ~0.1 s it takes, so a loaded machine cannot flake it
            assert took < 5.0, took
            assert _message(first.id).state == "waiting"  # still on its way, or retried
            assert "Message: waiting" in _fields(screen)
