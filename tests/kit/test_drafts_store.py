"""The draft store: one file per person, terminal and form, readable by this user only,
written whole, never holding a PIN (the form leaves PIN fields out)."""

from __future__ import annotations

import datetime as dt
import os
import stat

from deskterm.drafts import DraftStore, terminal_name


def test_a_draft_is_kept_per_person_terminal_and_form(tmp_path):
    store = DraftStore(7, terminal="ssh:10.0.0.5", folder=tmp_path)
    path = store.save("call_intake", {"name": "张三", "request": "漏水"},
                      now=dt.datetime(2026, 11, 26, 2, 42))
    draft = store.load("call_intake")
    assert draft.values == {"name": "张三", "request": "漏水"}
    assert draft.saved_at == dt.datetime(2026, 11, 26, 2, 42)
    assert DraftStore(8, terminal="ssh:10.0.0.5", folder=tmp_path).load("call_intake") is None
    assert DraftStore(7, terminal="ssh:10.0.0.6", folder=tmp_path).load("call_intake") is None
    assert store.load("complaint") is None
    assert store.load("call_intake", subject="42") is None
    store.discard("call_intake")
    assert store.load("call_intake") is None and not path.exists()


def test_a_draft_is_readable_by_this_user_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        path = DraftStore(7, terminal="t", folder=tmp_path / "drafts").save("visit", {"x": "y"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_a_damaged_draft_is_no_draft(tmp_path):
    store = DraftStore(7, terminal="t", folder=tmp_path)
    store.path("visit").write_text("{not json")
    assert store.load("visit") is None


def test_the_terminal_is_the_ssh_client_address_when_not_named(monkeypatch):
    monkeypatch.delenv("DESKTERM_TERMINAL", raising=False)
    monkeypatch.setenv("SSH_CLIENT", "192.168.1.20 54321 22")
    assert terminal_name() == "ssh:192.168.1.20"
    monkeypatch.setenv("DESKTERM_TERMINAL", "front-desk-2")
    assert terminal_name() == "front-desk-2"
