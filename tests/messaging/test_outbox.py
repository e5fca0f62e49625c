"""The outbox on SQLite and PostgreSQL: a message written with its dispatch or not at all,
sent through apprise to a webhook on 127.0.0.1 (retried while it is down), never twice
by two senders, and "no address: not sent" when nobody has one."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from deskterm.clock import now_utc
from deskterm.db.models import ChangeLog, Office, OutboxMessage, RepairOrder, Staff
from deskterm.duties.orders import register_call
from deskterm.duties.repairs.order_work import dispatch
from deskterm.duties.staff_admin import set_notify
from deskterm.errors import DutyError
from deskterm.messaging.outbox import order_message, send_again
from deskterm.messaging.sender import Sender
from tests.factories import order, small_office
from tests.faults import write_lock_held
from tests.messaging.fake_http import webhook

FAST = (0.0, 0.0)  # three attempts, each due at once: the test decides when the server is up


@pytest.fixture
def so(desk_db):
    return small_office()


def _call(so, technician=None, **extra):
    appointment = now_utc() + dt.timedelta(hours=2)
    return register_call(so.office, so.clerk, channel="phone", kind="repair",
                         caller_name="张三", phone="13812345678", request="厨房水龙头漏水",
                         unit=so.unit, technician=technician, appointment_at=appointment,
                         **extra)[1]


def _messages(order_id=None):
    query = OutboxMessage.select().order_by(OutboxMessage.id)
    if order_id is not None:
        query = query.where(OutboxMessage.order == order_id)
    return list(query)


def test_a_dispatch_writes_its_message_in_its_transaction(so, frozen_clock):
    frozen_clock("2026-11-26T02:05:00")  # 10:05 in Shanghai
    set_notify(so.office, None, so.technician.id, "json://127.0.0.1:9/")
    placed = _call(so, technician=so.technician)
    (message,) = _messages(placed.id)
    assert (message.state, message.event, message.via, message.attempts) == (
        "waiting", "dispatch", "technician", 0)
    for words in (placed.number, "3-2-501", "张三", "138 1234 5678", "厨房水龙头漏水",
                  "2026-11-26 12:05", "李静", "张强"):
        assert words in message.title + message.body, words
    logged = ChangeLog.get((ChangeLog.topic == "outbox_message")
                           & (ChangeLog.row_id == message.id))
    assert logged.staff_id == so.clerk.id
    # Reassigned: the waiting message is superseded by the new technician's.
    other = Staff.create(office=so.office, name="王建军", role="technician",
                         created_at=now_utc(), notify_url="json://127.0.0.1:9/x")
    dispatch(so.office, so.clerk, placed.id, other)
    first, second = _messages(placed.id)
    assert (first.state, second.state, second.event) == ("superseded", "waiting", "reassign")
    assert "王建军" in second.title
    dispatch(so.office, so.clerk, placed.id, other,
             appointment_at=now_utc() + dt.timedelta(days=1))
    assert _messages(placed.id)[-1].event == "reschedule"
    assert "2026-11-27 10:05" in _messages(placed.id)[-1].body


def test_a_refused_or_locked_dispatch_leaves_no_message(so, desk_db):
    set_notify(so.office, None, so.technician.id, "json://127.0.0.1:9/")
    registered = order(so, state="registered", technician=None)
    placed = _call(so, technician=so.technician)
    before = len(_messages())
    with pytest.raises(DutyError, match="already with"):
        dispatch(so.office, so.clerk, placed.id, so.technician)
    with write_lock_held(desk_db), pytest.raises(Exception):  # noqa: B017, PT011
        dispatch(so.office, so.clerk, registered.id, so.technician)
    assert len(_messages()) == before
    assert RepairOrder.get_by_id(registered.id).state == "registered"


def test_no_address_nothing_is_queued_and_the_order_says_so(so):
    placed = _call(so, technician=so.technician)
    (message,) = _messages(placed.id)
    assert message.state == "unsent" and message.next_at is None
    sent = []
    sender = Sender(so.office.id, send=lambda *a: sent.append(a) or (True, ""))
    assert sender.run_once() == 0 and sent == []
    state = order_message(so.office, placed.id)
    assert state.words("Asia/Shanghai", now_utc()) == "no address: not sent"
    with pytest.raises(DutyError, match="no notification address"):
        send_again(so.office, so.clerk, placed.id)
    # The manager sets the office's group chat; the clerk sends it again.
    Office.update(notify_url="json://127.0.0.1:9/group").execute()
    assert send_again(so.office, so.clerk, placed.id).via == "office"
    assert sender.run_once() == 1 and len(sent) == 1
    assert sent[0][0] == "json://127.0.0.1:9/group"


def test_the_webhook_gets_it_once_it_is_up(so):
    with webhook(up=False) as hook:
        set_notify(so.office, None, so.technician.id, hook.url)
        placed = _call(so, technician=so.technician)
        sender = Sender(so.office.id, backoff=FAST)
        assert sender.run_once() == 1
        (message,) = _messages(placed.id)
        assert (message.state, message.attempts) == ("waiting", 1)
        assert "127.0.0.1" in message.reason and message.claimed_by == ""
        words = order_message(so.office, placed.id).words("Asia/Shanghai", now_utc())
        assert words.startswith("waiting (attempt 2, next ")
        hook.up()
        assert sender.run_once() == 1
        (message,) = _messages(placed.id)
        assert (message.state, message.attempts, message.reason) == ("sent", 2, "")
        (post,) = hook.posts
        assert placed.number in post["title"] and "厨房水龙头漏水" in post["message"]
        assert sender.run_once() == 0 and len(hook.posts) == 1
        words = order_message(so.office, placed.id).words("Asia/Shanghai", now_utc())
        assert words.startswith("sent ✓ ") and words.endswith(" to 张强")


def test_failures_back_off_then_fail_until_sent_again(so):
    set_notify(so.office, None, so.technician.id, "json://127.0.0.1:9/")
    placed = _call(so, technician=so.technician)
    sender = Sender(so.office.id, send=lambda *a: (False, "HTTP 500"), backoff=(0.0, 60.0))
    assert sender.run_once() == 1  # attempt 1: due again at once
    assert sender.run_once() == 1  # attempt 2: due in a minute
    assert sender.run_once() == 0
    message = OutboxMessage.get_by_id(_messages(placed.id)[0].id)
    assert (message.state, message.attempts) == ("waiting", 2)
    OutboxMessage.update(next_at=now_utc()).execute()
    assert sender.run_once() == 1
    message = OutboxMessage.get_by_id(message.id)
    assert (message.state, message.attempts, message.reason) == ("failed", 3, "HTTP 500")
    assert order_message(so.office, placed.id).words("UTC", now_utc()) == "failed ✗ HTTP 500"
    send_again(so.office, so.clerk, placed.id)
    message = OutboxMessage.get_by_id(message.id)
    assert (message.state, message.attempts) == ("waiting", 0)


def test_two_senders_never_send_one_message_twice(so):
    set_notify(so.office, None, so.technician.id, "json://127.0.0.1:9/")
    orders = [_call(so, technician=so.technician) for _ in range(8)]
    sent: list[str] = []
    lock = threading.Lock()

    def slow_send(url, title, body):
        with lock:
            sent.append(title)
        threading.Event().wait(0.02)
        return True, ""

    senders = [Sender(so.office.id, send=slow_send) for _ in range(3)]
    start = threading.Barrier(len(senders))

    def run(sender):
        start.wait()
        sender.run_once()

    threads = [threading.Thread(target=run, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(sent) == sorted(m.title for m in _messages())
    assert len(sent) == len(orders) == len(set(sent))
    assert {m.state for m in _messages()} == {"sent"}


def test_a_claim_left_by_a_stopped_sender_is_taken_again(so):
    set_notify(so.office, None, so.technician.id, "json://127.0.0.1:9/")
    placed = _call(so, technician=so.technician)
    first = Sender(so.office.id, send=lambda *a: (True, ""))
    (message,) = _messages(placed.id)
    assert first.claim(message.id) is not None  # then it stops before sending
    second = Sender(so.office.id, send=lambda *a: (True, ""))
    assert second.run_once() == 0  # the claim is fresh
    OutboxMessage.update(claimed_at=now_utc() - dt.timedelta(minutes=6)).execute()
    assert second.run_once() == 1
    assert first.finish(message.id, True, "", now_utc()) is None  # not its claim now
    assert OutboxMessage.get_by_id(message.id).state == "sent"
