"""``deskterm backup`` and ``deskterm restore``: a backup taken while another process takes
payments holds every payment committed before it began and passes the integrity check;
a restore checks the backup first and refuses while a desk has the database open; every
refusal is one line, exit 2, nothing changed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from deskterm.cli import main
from deskterm.db.backup import backup_sqlite, check_sqlite_backup, restore_sqlite
from deskterm.db.connection import close_database, open_database
from deskterm.db.models import Office
from deskterm.errors import SetupError
from tests.factories import small_office
from tests.payment_factories import book, charge

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent("""
    import sys
    from deskterm.db.connection import open_database
    from deskterm.db.models import Office
    from deskterm.duties.cashdesk.payments import take_payment
    open_database(sys.argv[1])
    office = Office.get_by_id(int(sys.argv[2]))
    clerk, unit, charge = (int(v) for v in sys.argv[3:6])
    while True:
        paid = take_payment(office, clerk, unit_id=unit, lines=[(charge, 1)], method="card")
        print(paid.payment_id, flush=True)
""")


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)


def payments_in(path: Path) -> set[int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return {row[0] for row in connection.execute("SELECT id FROM payment")}


def test_a_backup_while_payments_are_taken_holds_every_one_committed_before(
        sqlite_db, tmp_path):
    so = small_office()
    book(so, first=1, last=100_000)
    owed = charge(so, 10_000_000)
    path = Path(sqlite_db.database)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(so.office.id), str(so.clerk.id),
         str(so.unit.id), str(owed.id)], stdout=subprocess.PIPE, text=True, env=env)
    committed: list[int] = []
    try:
        while len(committed) < 30:  # the writer is well under way
            line = writer.stdout.readline()
            assert line, "the writer stopped"
            committed.append(int(line))
        before = set(committed)  # committed (and printed) before the backup begins
        result = backup_sqlite(path, tmp_path / "backup.db")
        for _ in range(10):  # and it goes on writing afterwards
            committed.append(int(writer.stdout.readline()))
    finally:
        writer.kill()
        writer.wait()
    copy = result.path
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert before <= payments_in(copy)
    assert len(payments_in(copy)) < len(committed)  # the later ones are not in it
    assert check_sqlite_backup(copy) == result.schema and result.schema
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    # Restored as a new database: the same payments, a whole file.
    restored = tmp_path / "restored.db"
    restore_sqlite(copy, restored)
    assert payments_in(restored) == payments_in(copy)


def test_a_restore_refuses_while_a_desk_has_the_database_open(sqlite_db, tmp_path):
    so = small_office()
    copy = backup_sqlite(Path(sqlite_db.database), tmp_path / "b.db").path
    book(so)
    charge(so, 100)  # written after the backup
    live = Path(sqlite_db.database)
    size = live.stat().st_size
    with pytest.raises(SetupError, match="Desks have .* open: close every desk"):
        restore_sqlite(copy, live)  # this test's own connection is the open desk
    assert live.stat().st_size == size and not list(tmp_path.glob("*.before-restore-*"))


def test_a_restore_replaces_a_closed_database_and_keeps_the_old_one(tmp_path, cli_env):
    live = tmp_path / "desk.db"
    assert main(["migrate", "--db", str(live)]) == 0
    assert main(["office", "add", "翠湖管理处", "--db", str(live)]) == 0
    assert main(["backup", str(tmp_path / "b.db"), "--db", str(live)]) == 0
    assert main(["office", "add", "second", "--db", str(live)]) == 0
    assert main(["restore", str(tmp_path / "b.db"), "--db", str(live)]) == 0
    with sqlite3.connect(live) as connection:
        assert connection.execute("SELECT name FROM office").fetchall() == [("翠湖管理处",)]
    (kept,) = tmp_path.glob("desk.db.before-restore-*")
    with sqlite3.connect(kept) as connection:
        assert connection.execute("SELECT count(*) FROM office").fetchone() == (2,)


def test_bad_backups_and_places_are_one_line_and_exit_2(tmp_path, cli_env, capsys):
    live = tmp_path / "desk.db"
    assert main(["migrate", "--db", str(live)]) == 0
    capsys.readouterr()

    def refused(*args: str) -> str:
        assert main([*args, "--db", str(live)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("deskterm: ")
        return err[0]

    assert "cannot be written to" in refused("backup", "/proc/deskterm-backup.db")
    assert "There is no folder" in refused("backup", str(tmp_path / "none" / "b.db"))
    (tmp_path / "taken.db").write_bytes(b"x")
    assert "exists already" in refused("backup", str(tmp_path / "taken.db"))
    assert (tmp_path / "taken.db").read_bytes() == b"x"
    assert "not a SQLite database" in refused("restore", str(tmp_path / "taken.db"))
    damaged = tmp_path / "damaged.db"
    assert main(["backup", str(damaged), "--db", str(live)]) == 0
    data = bytearray(damaged.read_bytes())
    data[4096: 4096 + 12] = b"\xff" * 12  # a page's header overwritten
    damaged.write_bytes(bytes(data))
    assert "nothing was restored" in refused("restore", str(damaged))
    newer = tmp_path / "newer.db"
    assert main(["backup", str(newer), "--db", str(live)]) == 0
    with sqlite3.connect(newer) as connection:
        connection.execute("INSERT INTO schema_migration (name, applied) "
                           "VALUES ('9999_future', '2030-01-01')")
    assert "made by a newer deskterm" in refused("restore", str(newer))
    assert "holds no deskterm office" in refused("restore", str(_empty_sqlite(tmp_path)))


def _empty_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "empty.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    return path


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not on PATH")
def test_postgresql_backup_and_restore_with_its_own_tools(pg_db, tmp_path, cli_env, capsys):
    so = small_office()
    url = pg_db.deskterm_url
    dump = tmp_path / "office.dump"
    assert main(["backup", str(dump), "--db", url]) == 0
    assert dump.stat().st_size > 0 and "backed up" in capsys.readouterr().out
    assert main(["office", "add", "second", "--db", url]) == 0
    # This test's connection is a desk with the database open: refused, nothing changed.
    assert main(["restore", str(dump), "--db", url]) == 2
    assert "close every desk first" in capsys.readouterr().err
    assert Office.select().count() == 2
    close_database()
    pg_db.close_all() if hasattr(pg_db, "close_all") else pg_db.close()  # the test's own
    assert main(["restore", str(dump), "--db", url]) == 0
    open_database(url)
    assert [o.name for o in Office.select()] == [so.office.name]


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not on PATH")
def test_a_postgresql_archive_from_a_newer_deskterm_is_refused_before_anything(
        pg_db, tmp_path, cli_env, capsys):
    small_office()
    url = pg_db.deskterm_url
    pg_db.execute_sql("INSERT INTO schema_migration (name, applied) "
                      "VALUES ('9999_from_the_future', now())")
    dump = tmp_path / "newer.dump"
    assert main(["backup", str(dump), "--db", url]) == 0
    pg_db.execute_sql("DELETE FROM schema_migration WHERE name = '9999_from_the_future'")
    assert main(["office", "add", "second", "--db", url]) == 0
    close_database()
    pg_db.close_all() if hasattr(pg_db, "close_all") else pg_db.close()
    capsys.readouterr()
    assert main(["restore", str(dump), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "newer deskterm" in err and "9999_from_the_future" in err
    assert len(err.strip().splitlines()) == 1
    open_database(url)
    assert Office.select().count() == 2  # nothing was restored
