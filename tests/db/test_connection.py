"""Opening the database: every way it can go wrong is a SetupError with a clear message,
and a refused file is left exactly as it was (not a byte changed, nothing created beside it).

Tests run as root here, where chmod does not stop writes: the unwritable-folder cases use a
path under a regular file (which cannot become a folder) and, in a forked child that drops
to the ``nobody`` user, a root-owned folder, so the case is exercised rather than skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from peewee import PostgresqlDatabase, SqliteDatabase
from playhouse.migrations import Runner

from deskterm.db import schema
from deskterm.db.connection import (
    SQLITE_HEADER,
    close_database,
    describe,
    make_database,
    open_database,
)
from deskterm.db.models import database
from deskterm.errors import SetupError


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- malformed --db values -------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "No database given"),
        ("   ", "No database given"),
        (None, "No database given"),
        ("postgresql://host:notaport/x", "Malformed database URL"),
        ("postgresql://host:99999/x", "Malformed database URL"),
        ("postgresql://[::1/x", "Malformed database URL"),
        ("postgresql://host/", "name the database"),
        ("postgresql://host", "name the database"),
        ("postgres://host/a/b", "name the database"),
        ("postgresql://u@h/db?bogus=1", "unknown option 'bogus'"),
        ("postgresql://u@h/db?bogus", "unknown option 'bogus'"),
        ("postgresql://u@h/%00", "Malformed database URL"),
        ("postgresql://u@h/db?host=%00", "Malformed database URL"),
        ("mysql://x/y", "Unsupported database URL scheme 'mysql'"),
        ("sqlite://relative.db", "Unsupported database URL scheme 'sqlite'"),
        ("https://example.com/desk.db", "Unsupported database URL scheme 'https'"),
    ],
)
def test_malformed_db_values_are_setup_errors(value, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SetupError, match=words):
        open_database(value)
    assert list(tmp_path.iterdir()) == []  # nothing created on the way to refusing


def test_a_sqlite_url_is_a_path(tmp_path, monkeypatch):
    # As peewee's db_url reads them: three slashes, then the path (absolute: a fourth).
    monkeypatch.chdir(tmp_path)
    db = make_database(f"sqlite:///{tmp_path}/url.db")
    assert isinstance(db, SqliteDatabase) and db.database == f"{tmp_path}/url.db"
    db = make_database("sqlite:///here.db")
    assert db.database == "here.db"


@settings(max_examples=300)
@given(st.text(max_size=80))
@example("[red]h[/red]/db")
@example("\x1b[31mh/db")
@example("u:p@h:1:2/db")
@example("u@h/db?port=")
@example("u@h/db?" + "&".join(["host=x"] * 1000))
def test_any_postgres_url_is_a_database_or_a_setup_error(rest):
    for scheme in ("postgresql://", "postgres://"):
        try:
            db = make_database(scheme + rest)
        except SetupError as exc:
            assert exc.message
        else:
            assert isinstance(db, PostgresqlDatabase) and db.is_closed()
        assert isinstance(describe(scheme + rest), str)


@pytest.mark.parametrize(
    ("value", "secret"),
    [
        ("postgresql://clerk:s3cret@/desk?host=/nonexistent-dir", "s3cret"),
        ("postgresql://clerk:p%40ss@/desk?host=/nonexistent-dir", "p%40ss"),
        ("postgresql://clerk@/desk?host=/nonexistent-dir&password=s3cret", "s3cret"),
    ],
)
def test_passwords_never_show_in_messages(value, secret):
    assert secret not in describe(value)
    assert "***" in describe(value)
    with pytest.raises(SetupError) as caught:
        open_database(value)
    assert secret not in caught.value.message


def test_describe_of_a_broken_url_hides_everything():
    assert describe("postgresql://u:secret@[::1/x") == "postgresql://***"
    assert describe("/var/lib/desk.db") == "/var/lib/desk.db"


# --- a server that cannot be reached ---------------------------------------------------

def test_unreachable_postgres_is_a_quick_setup_error():
    start = time.perf_counter()
    with pytest.raises(SetupError, match="Cannot open the database") as caught:
        open_database("postgresql://postgres@/nonexistent?host=/nonexistent-dir")
    assert time.perf_counter() - start < 10  # no hang until a long TCP timeout
    assert "nonexistent-dir" in caught.value.message


def test_a_postgres_database_that_does_not_exist(pg_server):
    if pg_server is None:
        pytest.skip("no PostgreSQL server for this run")
    url = pg_server.url("no_such_database")
    with pytest.raises(SetupError, match="no_such_database"):
        open_database(url)


# --- folders -----------------------------------------------------------------------------

def test_a_folder_given_as_the_database(tmp_path):
    with pytest.raises(SetupError, match="is a folder, not a database file"):
        open_database(str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_device_given_as_the_database():
    with pytest.raises(SetupError, match="not a database file"):
        open_database("/dev/null")
    assert not Path("/dev/null-wal").exists()


def test_odd_paths_are_setup_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for value in ("a\x00b.db", "x" * 300 + ".db", "~no-such-user-here/desk.db"):
        with pytest.raises(SetupError):
            open_database(value)
    assert list(tmp_path.iterdir()) == []


def test_a_data_folder_that_cannot_be_created(tmp_path):
    # Works as root too: no one can make a folder where a regular file stands.
    blocker = tmp_path / "afile"
    blocker.write_text("I am a file\n")
    with pytest.raises(SetupError, match="Cannot create the data folder"):
        open_database(str(blocker / "deskterm" / "desk.db"))
    assert blocker.read_text() == "I am a file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_a_new_data_folder_is_created(tmp_path):
    db = open_database(str(tmp_path / "new" / "deeper" / "desk.db"))
    try:
        assert (tmp_path / "new" / "deeper").is_dir()
    finally:
        db.close()


def _as_nobody(func) -> str:
    """Run ``func()`` in a forked child as ``nobody``; what it returns (or raises), as text."""
    try:
        entry = pwd.getpwnam("nobody")
        uid, gid = entry.pw_uid, entry.pw_gid
    except KeyError:
        uid = gid = 65534
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            try:
                result = f"returned {func()!r}"
            except SetupError as exc:
                result = "SetupError: " + exc.message
            except BaseException as exc:  # reported to the parent
                result = f"{type(exc).__name__}: {exc}"
            os.write(write_end, result.encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return b"".join(chunks).decode()


@pytest.fixture
def shared_folder():
    """A folder outside pytest's 0700 tmp tree, so that ``nobody`` can reach into it."""
    folder = Path(tempfile.mkdtemp(prefix="deskterm-perm-"))
    os.chmod(folder, 0o755)
    yield folder
    for sub in folder.rglob("*"):
        if sub.is_dir():
            os.chmod(sub, 0o755)
    shutil.rmtree(folder)


def _unwritable_folder_case(folder: Path):
    data = folder / "data"
    data.mkdir()
    if os.geteuid() == 0:
        os.chmod(data, 0o755)  # root's folder: nobody may read it, not write to it
        return _as_nobody(lambda: make_database(str(data / "desk.db")))
    os.chmod(data, 0o500)
    try:
        make_database(str(data / "desk.db"))
    except SetupError as exc:
        return "SetupError: " + exc.message
    finally:
        os.chmod(data, 0o755)
    return "returned"


def test_an_unwritable_data_folder(shared_folder):
    result = _unwritable_folder_case(shared_folder)
    assert result.startswith("SetupError: ")
    assert "not writable by this user" in result and "write access to the folder" in result
    assert list((shared_folder / "data").iterdir()) == []


def test_a_database_file_this_user_cannot_write(shared_folder):
    path = shared_folder / "desk.db"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)
    if os.geteuid() == 0:
        os.chmod(shared_folder, 0o777)  # the folder is fine, the file is root's
        result = _as_nobody(lambda: make_database(str(path)))
    else:
        os.chmod(path, 0o444)
        try:
            make_database(str(path))
            result = "returned"
        except SetupError as exc:
            result = "SetupError: " + exc.message
    assert result.startswith("SetupError: ") and "not readable and writable" in result


# --- files that are not (deskterm) databases ---------------------------------------------

def _refused_unchanged(path: Path, words: str) -> None:
    before = files_in(path.parent)
    with pytest.raises(SetupError, match=words):
        open_database(str(path))
    assert files_in(path.parent) == before  # byte for byte, and no -wal/-shm beside it


def _sqlite_file(path: Path, *, wal: bool = False, table: str = "t") -> bytes:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=wal")
    conn.execute(f"CREATE TABLE {table} (x)")
    conn.execute(f"INSERT INTO {table} VALUES (1)")
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(5000),
        b"hello, this is a text file\n" * 100,
        "[red]日清记录表[/red]\n".encode(),
        b"x",
        SQLITE_HEADER,  # the magic, and nothing after it
        SQLITE_HEADER + b"\x00" * 20,
    ],
    ids=["random", "text", "markup", "one-byte", "bare-header", "short-header"],
)
def test_a_file_that_is_not_a_database(tmp_path, content):
    path = tmp_path / "desk.db"
    path.write_bytes(content)
    _refused_unchanged(path, "not a deskterm database")


@pytest.mark.parametrize("journal_byte", [1, 2])
def test_a_damaged_sqlite_file(tmp_path, journal_byte):
    good = _sqlite_file(tmp_path / "good.db")
    damaged = bytearray(good[:100] + os.urandom(len(good) - 100))
    damaged[18] = damaged[19] = journal_byte
    path = tmp_path / "desk.db"
    path.write_bytes(bytes(damaged))
    (tmp_path / "good.db").unlink()
    _refused_unchanged(path, "not a deskterm database")


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_another_programs_sqlite_database_is_refused_untouched(tmp_path, wal):
    path = tmp_path / "places.sqlite"
    _sqlite_file(path, wal=wal)
    # Connecting would switch a rollback-journal file to WAL, rewriting its header.
    _refused_unchanged(path, "another program")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(min_size=1, max_size=4096).filter(lambda b: not b.startswith(SQLITE_HEADER)),
        st.binary(min_size=0, max_size=4096).map(lambda b: SQLITE_HEADER + b),
    )
)
def test_any_garbage_file_is_refused_or_opened_never_a_crash(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "desk.db"
        path.write_bytes(content)
        try:
            db = open_database(str(path))
        except SetupError:
            assert files_in(Path(folder)) == {"desk.db": content}
        else:  # SQLite found it a (strange but) readable database
            db.close()


def test_an_empty_file_is_an_empty_database(tmp_path):
    path = tmp_path / "desk.db"
    path.touch()
    db = open_database(str(path))
    try:
        with pytest.raises(SetupError, match="no deskterm tables yet"):
            schema.check(db, str(path))
    finally:
        close_database()


def test_a_refused_open_leaves_the_previous_database_bound(sqlite_db, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all")
    with pytest.raises(SetupError):
        open_database(str(bad))
    assert database.obj is sqlite_db


def test_a_deskterm_database_opens_again(tmp_path):
    path = tmp_path / "desk.db"
    schema.migrate(open_database(str(path)))
    close_database()
    db = open_database(str(path))
    try:
        schema.check(db, str(path))
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        close_database()


# --- schema versions -----------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def bare_db(request, tmp_path):
    """An empty database, not migrated, on each backend."""
    if request.param == "sqlite":
        db = open_database(str(tmp_path / "bare.db"))
        yield db
        close_database()
        return
    pg_server = request.getfixturevalue("pg_server")
    if pg_server is None:
        pytest.skip("no PostgreSQL server for this run")
    url = pg_server.fresh_database_url()
    db = open_database(url)
    yield db
    close_database()
    pg_server.drop(url)


def test_an_unmigrated_database_says_what_to_run(bare_db):
    with pytest.raises(SetupError, match="no deskterm tables yet.*deskterm migrate"):
        schema.check(bare_db, "desk")


def test_pending_migrations_are_refused_until_migrated(bare_db):
    names = sorted(path.stem for path in schema.MIGRATIONS_DIR.glob("0*.py"))
    last = names[-1]
    Runner(bare_db, directory=str(schema.MIGRATIONS_DIR)).up(target=names[-2])
    with pytest.raises(SetupError, match=rf"needs 1 migration \({last}\)") as caught:
        schema.check(bare_db, "desk")
    assert "deskterm migrate --db desk" in caught.value.message
    assert schema.migrate(bare_db) == [last]
    schema.check(bare_db, "desk")
    assert schema.migrate(bare_db) == []


def test_a_database_newer_than_the_code(desk_db):
    desk_db.execute_sql(
        "INSERT INTO schema_migration (name, applied) VALUES ('0099_from_the_future', "
        "CURRENT_TIMESTAMP)")
    with pytest.raises(SetupError, match="newer") as caught:
        schema.check(desk_db, "desk")
    assert "0099_from_the_future" in caught.value.message
    before = schema.status(desk_db)
    with pytest.raises(SetupError, match="newer"):
        schema.migrate(desk_db)
    assert schema.status(desk_db) == before


def test_a_newer_database_file_is_refused_after_reopening(tmp_path):
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    schema.migrate(db)
    db.execute_sql(
        "INSERT INTO schema_migration (name, applied) VALUES ('9999_next', CURRENT_TIMESTAMP)")
    close_database()
    db = open_database(str(path))
    try:
        with pytest.raises(SetupError, match="newer deskterm"):
            schema.check(db, str(path))
    finally:
        close_database()
