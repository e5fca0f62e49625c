"""The command line's way out when the desk found its SQLite file removed or replaced: it
says so (status 2) and leaves the desk's connections open, so no close checkpoints the
stale WAL over another desk's file (deskterm/db/history.py)."""

from __future__ import annotations

import os

import pytest

from deskterm import cli
from deskterm.db import changes, schema
from deskterm.db.connection import close_database, open_database
from deskterm.db.history import kept_connections
from deskterm.errors import HistoryForked
from tests.factories import small_office


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)
    yield
    close_database()


def test_a_forked_desk_says_so_on_the_way_out_and_keeps_its_connections(
        tmp_path, capsys, monkeypatch):
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    schema.migrate(db)
    small_office()
    close_database()
    seen = {}

    def desk(settings, demo=None) -> int:  # what the app does, without the screens
        with cli._current_database(settings) as opened:
            with changes.write():
                changes.record("before", None, "test")
            os.remove(f"{path}-wal")
            try:
                with changes.write():
                    changes.record("after", None, "test")
            except HistoryForked:
                pass  # the screens show it and the clerk quits
            seen["connections"] = list(opened.history._open.values())
        return 0

    monkeypatch.setattr(cli, "_open", desk)
    assert cli.main(["--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deskterm: The file ") and f"{path}-wal" in err
    assert "tell the administrator" in err
    assert seen["connections"]
    kept = kept_connections()
    for conn in seen["connections"]:
        assert conn in kept
        assert conn.total_changes >= 0  # open: a closed one raises ProgrammingError


def test_a_desk_that_did_not_fork_exits_as_before(tmp_path, capsys, monkeypatch):
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    schema.migrate(db)
    small_office()
    close_database()

    def desk(settings, demo=None) -> int:
        with cli._current_database(settings):
            with changes.write():
                changes.record("fine", None, "test")
        return 0

    monkeypatch.setattr(cli, "_open", desk)
    assert cli.main(["--db", str(path)]) == 0
    assert capsys.readouterr().err == ""
    assert not os.path.exists(f"{path}-wal")  # closed: the last close removed it
