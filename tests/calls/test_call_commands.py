"""``deskterm call`` and the webhook listener, as a PBX or a caller-ID box drives them:
one line and an exit code, nothing half-written while the database is locked or down, and
the listener's guards (token, rate, body, loopback) through a client on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import threading

import pytest

from deskterm.call_listener import make_server
from deskterm.db.models import ChangeLog, IncomingCall
from tests.calls.calls_data import WANG_PHONE, wang_jian_office
from tests.calls.test_ringing_desk import run_call
from tests.faults import _reconnect, server_down, write_lock_held

TOKEN = "s3cret-token"


@pytest.mark.both_databases
def test_the_command_records_a_call_and_a_hang_up(desk_db):
    so, _owner, _unit = wang_jian_office()
    done = run_call(desk_db.deskterm_url, so.office.id, "+86 178 3022 5795")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ringing: 178 3022 5795 王健 27-2-1802"
    unknown = run_call(desk_db.deskterm_url, so.office.id, "13900001111", "--line", "2")
    assert unknown.stdout.strip() == "ringing: 139 0000 1111 not on the roster (line 2)"
    hung = run_call(desk_db.deskterm_url, so.office.id, "13900001111", "--hangup")
    assert hung.returncode == 0 and hung.stdout.startswith("missed call:")
    assert sorted(c.state for c in IncomingCall.select()) == ["missed", "ringing"]


def test_a_bad_number_exits_2_with_one_line(desk_db):
    so, _owner, _unit = wang_jian_office()
    done = run_call(desk_db.deskterm_url, so.office.id, "anonymous")
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert IncomingCall.select().count() == 0


@pytest.mark.both_databases
def test_a_locked_database_exits_3_with_one_line_and_nothing_written(desk_db):
    so, _owner, _unit = wang_jian_office()
    before = ChangeLog.select().count()
    with write_lock_held(desk_db):
        done = run_call(desk_db.deskterm_url, so.office.id, WANG_PHONE)
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == ["deskterm: The call was not recorded: the database is busy (another "
                     "program holds it)."]
    assert IncomingCall.select().count() == 0 and ChangeLog.select().count() == before


def test_a_database_that_is_down_exits_3_with_one_line(desk_db, request):
    if "sqlite" in type(desk_db).__name__.lower():
        pytest.skip("a SQLite file is never down; PostgreSQL's server is")
    so, _owner, _unit = wang_jian_office()
    with server_down(request.getfixturevalue("pg_server")):
        done = run_call(desk_db.deskterm_url, so.office.id, WANG_PHONE)
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()  # open_database's own words: where, and why
    assert len(lines) == 1 and lines[0].startswith("deskterm: Cannot open the database")
    _reconnect(desk_db)  # this test's own connection was cut with the server
    assert IncomingCall.select().count() == 0


# --- the listener ------------------------------------------------------------------------

@pytest.fixture
def listener(desk_db):
    so, _owner, _unit = wang_jian_office()
    heard: list[str] = []
    server = make_server(so.office, TOKEN, port=0, per_minute=5, say=heard.append)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.heard = heard
    yield server
    server.shutdown()
    server.server_close()


def post(server, body, *, token: str | None = TOKEN, kind: str = "application/json",
         path: str = "/call", raw: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    data = raw if raw is not None else (json.dumps(body) if "json" in kind else body).encode()
    headers = {"Content-Type": kind}
    if token is not None:
        headers["X-Deskterm-Token"] = token
    connection.request("POST", path, body=data, headers=headers)
    answer = connection.getresponse()
    payload = json.loads(answer.read() or b"{}")
    connection.close()
    return answer.status, payload


def test_the_listener_is_on_loopback_by_default(listener):
    assert listener.server_address[0] == "127.0.0.1"


@pytest.mark.both_databases
def test_a_webhook_records_the_call_as_json_or_a_form(listener):
    status, body = post(listener, {"number": "178 3022 5795", "line": "front"})
    assert status == 200 and body["owner"] == "王健" and body["unit"] == "27-2-1802"
    status, body = post(listener, "number=13900001111&event=hangup",
                        kind="application/x-www-form-urlencoded")
    assert (status, body["call"]) == (200, None)  # nothing ringing from it: nothing written
    assert [(c.number, c.source) for c in IncomingCall.select()] == [(WANG_PHONE, "listener")]


def test_a_wrong_or_missing_token_is_403(listener):
    assert post(listener, {"number": WANG_PHONE}, token="wrong-token")[0] == 403
    assert post(listener, {"number": WANG_PHONE}, token=None)[0] == 403
    assert IncomingCall.select().count() == 0
    assert not any(TOKEN in line for line in listener.heard)


def test_a_bad_number_is_refused_with_400(listener):
    status, body = post(listener, {"number": "hello"})
    assert status == 400 and body["field"] == "number" and not body["ok"]
    assert post(listener, b"", raw=b"{not json")[0] == 400
    assert IncomingCall.select().count() == 0


def test_a_body_too_large_or_a_wrong_path_is_refused(listener):
    assert post(listener, None, raw=b"x" * 5000)[0] == 413
    assert post(listener, {"number": WANG_PHONE}, path="/other")[0] == 404


def test_a_source_sending_too_fast_gets_429(listener):
    answers = [post(listener, {"number": "hello"})[0] for _ in range(7)]
    assert answers[:5] == [400] * 5 and answers[5:] == [429, 429]
