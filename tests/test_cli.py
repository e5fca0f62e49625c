"""The command line: every mistake a person can make gets one clear line and status 2."""

from __future__ import annotations

import pytest

from deskterm.cli import main
from deskterm.db import schema
from deskterm.db.connection import close_database, open_database


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_THEME", "DESKTERM_MOUSE",
                 "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)
    yield
    close_database()


def _fails(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.startswith("deskterm: ") and "Traceback" not in err
    return err


def test_migrate_creates_then_reports_up_to_date(tmp_path, capsys):
    db = tmp_path / "desk.db"
    assert main(["migrate", "--db", str(db)]) == 0
    assert "applied 0001_initial, 0002_append_only" in capsys.readouterr().out
    assert main(["migrate", "--db", str(db)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_opening_a_missing_database_creates_nothing(tmp_path, capsys):
    db = tmp_path / "nothing.db"
    err = _fails(capsys, "--db", str(db))
    assert "deskterm migrate" in err
    assert not db.exists()


def test_opening_an_empty_schema_says_what_to_run(tmp_path, capsys):
    db = tmp_path / "empty.db"
    open_database(str(db))
    close_database()
    assert "deskterm migrate" in _fails(capsys, "--db", str(db))


def test_a_file_that_is_not_a_database(tmp_path, capsys):
    db = tmp_path / "notes.db"
    db.write_text("shopping list\n" * 100)
    before = db.read_bytes()
    assert "not a deskterm database" in _fails(capsys, "--db", str(db))
    assert db.read_bytes() == before


def test_a_database_newer_than_the_code(tmp_path, capsys):
    db = tmp_path / "newer.db"
    handle = open_database(str(db))
    schema.migrate(handle)
    handle.execute_sql("INSERT INTO schema_migration (name, applied) "
                       "VALUES ('0099_future', CURRENT_TIMESTAMP)")
    close_database()
    assert "newer deskterm" in _fails(capsys, "--db", str(db))


@pytest.mark.parametrize("url", ["postgresql://host:port/x", "mysql://x/y",
                                 "postgresql://u@h/db?bogus=1", "postgresql://host/"])
def test_malformed_database_urls(capsys, url):
    err = _fails(capsys, "migrate", "--db", url)
    assert "URL" in err or "url" in err


def test_an_unwritable_data_folder(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert "data folder" in _fails(capsys, "migrate", "--db", str(blocker / "desk.db"))


def test_an_invalid_config_file_names_its_line(tmp_path, capsys, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('lang = "en"\nmouse = "maybe"\n')
    monkeypatch.setenv("DESKTERM_CONFIG", str(config))
    err = _fails(capsys, "migrate", "--db", str(tmp_path / "d.db"))
    assert "line 2" in err and "mouse" in err


def test_a_config_syntax_error_names_its_line(tmp_path, capsys, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('lang = "en"\n\ntheme = \n')
    monkeypatch.setenv("DESKTERM_CONFIG", str(config))
    assert "line 3" in _fails(capsys, "migrate", "--db", str(tmp_path / "d.db"))


def test_demo_refuses_to_replace_a_real_office(tmp_path, capsys):
    from deskterm.clock import now_utc
    from deskterm.db.models import Office

    db = tmp_path / "real.db"
    handle = open_database(str(db))
    schema.migrate(handle)
    Office.create(name="真的管理处", created_at=now_utc())
    close_database()
    err = _fails(capsys, "demo", "--no-open", "--rebuild", "--db", str(db))
    assert "real office" in err
    handle = open_database(str(db))
    assert Office.select().count() == 1


def test_a_real_office_is_set_up_from_the_command_line(tmp_path, capsys, monkeypatch):
    import io

    from deskterm.db.models import Staff
    from deskterm.duties.pins import pin_matches

    db = str(tmp_path / "desk.db")
    assert main(["migrate", "--db", db]) == 0
    assert main(["office", "add", "非凡物业翠湖管理处", "--db", db]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("2468\n"))
    assert main(["staff", "add", "王丽", "--role", "clerk", "--pin-stdin", "--db", db]) == 0
    assert "王丽 (clerk) added" in capsys.readouterr().out
    assert main(["staff", "add", "张师傅", "--role", "technician", "--db", db]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert "4 to 8 digits" in _fails(capsys, "staff", "add", "李四", "--role", "clerk",
                                      "--pin-stdin", "--db", db)
    assert "already" in _fails(capsys, "staff", "add", "王丽", "--role", "technician",
                               "--db", db)
    assert "Unknown role" in _fails(capsys, "staff", "add", "赵六", "--role", "boss",
                                    "--db", db)
    open_database(db)
    clerk = Staff.get(Staff.name == "王丽")
    assert clerk.pinyin_initials == "wl" and pin_matches("2468", clerk.pin_hash)
    assert Staff.select().count() == 2  # the refused ones stored nothing
