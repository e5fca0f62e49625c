"""The manager's commands for messages, on SQLite and PostgreSQL: an address set by
``deskterm staff notify`` (checked by apprise; a bad one refused with exit 2 and one line
on stderr; shown and logged masked), the office's group chat by ``office set notify_url``,
and ``deskterm outbox send`` delivering to a webhook on 127.0.0.1."""

from __future__ import annotations

import pytest

from deskterm.cli import main
from deskterm.db.models import ChangeLog, Office, OutboxMessage, Staff
from deskterm.messaging.addresses import masked, scrub
from tests.factories import order, small_office
from tests.messaging.fake_http import webhook

BOT = "wecombot://d6b2a9c4e8f04f1b9a3c5e7d1f2a4b6c"


@pytest.fixture
def so(desk_db):
    return small_office()


@pytest.fixture
def cli(so, desk_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--db", desk_db.deskterm_url, "--office", str(so.office.id)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_an_address_is_checked_and_never_shown_whole(so, cli):
    code, out, err = cli("staff", "notify", "张强", BOT)
    assert code == 0 and err == ""
    assert BOT not in out and "d6b2a9c4e8f04f1b9a3c5e7d1f2a4b6c" not in out
    assert out == f"张强's messages go to {masked(BOT)}.\n"
    assert Staff.get_by_id(so.technician.id).notify_url == BOT
    logged = ChangeLog.select().where(ChangeLog.topic == "staff").order_by(ChangeLog.id.desc())
    assert "d6b2a9c4" not in logged.first().detail
    for bad in ("wecombot://", "nonsense://abc", "not a url", "http://"):
        code, out, err = cli("staff", "notify", "张强", bad)
        assert code == 2 and out == "" and err.count("\n") == 1, (bad, err)
        assert err.startswith("deskterm: ")
    assert Staff.get_by_id(so.technician.id).notify_url == BOT
    assert cli("staff", "notify", "张强") == (0, "张强 has no notification address now.\n", "")
    assert Staff.get_by_id(so.technician.id).notify_url == ""


def test_the_office_group_chat_and_outbox_send(so, cli):
    with webhook() as hook:
        code, out, _err = cli("office", "set", "notify_url", hook.url)
        assert code == 0 and Office.get_by_id(so.office.id).notify_url == hook.url
        assert "notify_url\tjson://127.0.0.1" in out
        code, _out, err = cli("office", "set", "notify_url", "dingtalk://")
        assert code == 2 and err.count("\n") == 1
        from deskterm.duties.repairs.order_work import dispatch

        registered = order(so, state="registered", technician=None)
        dispatch(so.office, so.clerk, registered.id, so.technician)
        assert OutboxMessage.get().via == "office"
        assert cli("outbox", "send") == (0, "1 sent, 0 to be tried again, 0 failed.\n", "")
        assert len(hook.posts) == 1 and registered.number in hook.posts[0]["title"]
        assert cli("outbox", "send")[1] == "0 sent, 0 to be tried again, 0 failed.\n"


def test_a_reason_loses_the_secret():
    url = "mailto://clerk:s3cretpassw0rd@example.com"
    said = scrub(f"Failed to send to {url}: auth s3cretpassw0rd refused", url)
    assert "s3cretpassw0rd" not in said and "example.com" in said
