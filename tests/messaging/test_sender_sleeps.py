"""A desk's sender sleeps until a message is due or it is told (issue #15: it looked at
the outbox every second in every desk): its next look is the earliest ``next_at`` of the
waiting messages or the moment a claim goes stale; a wake (the desk's watcher saw an
``outbox_message`` change), a moved clock or the desk closing end the sleep."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from deskterm.db.models import OutboxMessage
from deskterm.duties.staff_admin import set_notify
from deskterm.messaging import sender as sender_module
from deskterm.messaging.sender import Sender
from tests.messaging.test_outbox import _call, _messages


@pytest.fixture
def so(desk_db):
    from tests.factories import small_office

    return small_office()


def _wait(condition, timeout=10.0) -> None:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "not within the timeout"
        time.sleep(0.01)


def test_the_next_look_is_the_next_attempt_or_a_stale_claim(so, frozen_clock):
    now = frozen_clock("2026-11-26T02:05:00")
    sender = Sender(so.office.id, send=lambda *a: (False, "HTTP 500"), backoff=(30.0, 60.0))
    assert sender.next_due() is None  # nothing waits
    set_notify(so.office, None, so.technician.id, "json://127.0.0.1:9/")
    placed = _call(so, technician=so.technician)
    assert sender.next_due() == now  # due at once
    assert sender.run_once() == 1
    assert sender.next_due() == now + dt.timedelta(seconds=30)  # the retry
    (message,) = _messages(placed.id)
    OutboxMessage.update(next_at=now, claimed_at=now, claimed_by="a stopped sender").where(
        OutboxMessage.id == message.id).execute()
    assert sender.next_due() == now + dt.timedelta(minutes=sender.claim_minutes)
    other = Sender(so.office.id + 1000)  # another office's sender sees none of it
    assert other.next_due() is None


def test_asleep_until_told_or_due_and_the_desk_closing_ends_it(so, frozen_clock,
                                                                monkeypatch):
    frozen_clock("2026-11-26T02:05:00")
    set_notify(so.office, None, so.technician.id, "json://127.0.0.1:9/")
    sent: list[str] = []
    looks: list[float] = []
    sender = Sender(so.office.id, send=lambda url, title, body: sent.append(title) or (
        False, "HTTP 500"), backoff=(30.0, 60.0))
    real_look = sender.run_once
    monkeypatch.setattr(sender, "run_once", lambda stop=None: looks.append(
        time.monotonic()) or real_look(stop))
    stop = threading.Event()
    thread = threading.Thread(target=sender.run, args=(stop,), kwargs={"told": True})
    thread.start()
    try:
        _wait(lambda: len(looks) == 1)
        time.sleep(0.5)
        assert len(looks) == 1  # nothing waits: asleep (it looked every second before)
        _call(so, technician=so.technician)  # another desk queues one ...
        time.sleep(0.2)
        assert sent == []
        sender.wake()  # ... and the watcher tells this one
        _wait(lambda: len(sent) == 1)
        time.sleep(0.3)
        assert len(sent) == 1  # failed: the retry is due in 30 s of the office's clock
        frozen_clock("2026-11-26T02:05:31")  # the clock moved past it: looked again
        _wait(lambda: len(sent) == 2)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()  # the close woke it at once
    assert sender.wake not in sender_module.clock._listeners


def test_a_clock_moved_short_of_the_next_attempt_sends_nothing(so, frozen_clock):
    frozen_clock("2026-11-26T02:05:00")
    set_notify(so.office, None, so.technician.id, "json://127.0.0.1:9/")
    sent: list[str] = []
    sender = Sender(so.office.id, send=lambda url, title, body: sent.append(title) or (
        False, "HTTP 500"), backoff=(30.0, 60.0))
    _call(so, technician=so.technician)
    stop = threading.Event()
    thread = threading.Thread(target=sender.run, args=(stop,), kwargs={"told": True})
    thread.start()
    try:
        _wait(lambda: len(sent) == 1)
        frozen_clock("2026-11-26T02:05:20")
        time.sleep(0.3)
        assert len(sent) == 1
        assert sender._sleep_for(1.0) == pytest.approx(10.0)
    finally:
        stop.set()
        thread.join(5)
