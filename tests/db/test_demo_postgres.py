"""``deskterm demo --db postgresql://…``: the demo office on the server a company means to
use, built into an empty database, kept while it is today's, never over a real office."""

from __future__ import annotations

import pytest

from deskterm.cli import main
from deskterm.db.connection import close_database, open_database
from deskterm.db.models import ChangeLog, Office, RepairOrder, Staff
from tests.factories import small_office


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)


def test_the_demo_is_built_on_postgresql_and_kept_while_it_is_today_s(pg_db, cli_env,
                                                                       capsys):
    url = pg_db.deskterm_url
    close_database()
    assert main(["demo", "--db", url, "--orders", "300", "--no-open"]) == 0
    assert "Building the demo office" in capsys.readouterr().err
    open_database(url)
    office = Office.get()
    assert ChangeLog.select().where(ChangeLog.action == "seed").exists()
    assert RepairOrder.select().count() >= 300
    assert Staff.select().where(Staff.role == "clerk").exists()
    close_database()
    assert main(["demo", "--db", url, "--orders", "300", "--no-open"]) == 0
    assert "Building" not in capsys.readouterr().err  # today's demo: kept
    open_database(url)
    assert Office.get().id == office.id


def test_a_real_office_is_never_turned_into_the_demo(pg_db, cli_env, capsys):
    so = small_office()
    url = pg_db.deskterm_url
    close_database()
    assert main(["demo", "--db", url, "--no-open"]) == 2
    assert "holds a real office, not the demo" in capsys.readouterr().err
    open_database(url)
    assert [o.id for o in Office.select()] == [so.office.id]
