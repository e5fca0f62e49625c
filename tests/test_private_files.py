"""Who can read the desk's files (deskterm/private_files.py): every file deskterm creates
(the database and its -wal and -shm, the migration lock, exported reports, printouts,
drafts) is 0600 whatever the umask, or 0660 in a group folder (setgid); an existing
database others may read is tightened, or warned about."""

from __future__ import annotations

import datetime as dt
import logging
import os
import pwd
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest

from deskterm.db import changes, schema
from deskterm.db.connection import close_database, open_database
from deskterm.drafts import DraftStore
from deskterm.duties.cashdesk.receipt_print import write_receipt
from deskterm.duties.cashdesk.receipt_text import ReceiptItem, ReceiptView
from deskterm.duties.repairs.approval_lists import write_printout
from deskterm.duties.reporting.report_period import report_period
from deskterm.duties.reporting.reports import Column, ReportTable
from deskterm.export import export_table
from deskterm.private_files import (
    create_private,
    make_private_folder,
    private_mode,
    replacing_private,
    tighten,
    write_private,
    write_private_new,
)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


@pytest.fixture(params=["own", "group"])
def place(request, tmp_path):
    """A folder of this user's (files 0600) or a group folder (chmod 2770: files 0660)."""
    where = tmp_path / "desk"
    where.mkdir()
    group = request.param == "group"
    os.chmod(where, 0o2770 if group else 0o700)
    return SimpleNamespace(folder=where, expected=0o660 if group else 0o600, group=group)


def report() -> ReportTable:
    period = report_period(SimpleNamespace(timezone="Asia/Shanghai"), "2026-11",
                           now=dt.datetime(2026, 11, 26, 2, 5))
    return ReportTable("owner-phones", "业主电话", period,
                       (Column("业主", "text"), Column("电话", "text")),
                       (("张三", "13912345678"),), None)


def receipt() -> ReceiptView:
    return ReceiptView(1, "A0000001", "非凡物业翠湖管理处", "3-2-501", "张三",
                       (ReceiptItem("物业服务费", "2026-11", 26868),), 26868, "贰佰陆拾捌元陆角捌分",
                       "cash", 30000, 3132, "李静", dt.datetime(2026, 11, 26, 2, 5),
                       "2026-11-26 10:05")


def test_every_file_the_desk_creates_is_private(umask, place):
    folder, expected = place.folder, place.expected
    db_path = folder / "desk.db"
    db = open_database(str(db_path))
    try:
        schema.migrate(db)
        with changes.write():
            changes.record("test", None, "test")
        made = {"db": db_path, "wal": Path(f"{db_path}-wal"), "shm": Path(f"{db_path}-shm"),
                "migrate lock": Path(f"{db_path}.migrate.lock")}
        for name, path in made.items():
            assert mode(path) == expected, name  # SQLite gave -wal and -shm the db's mode
    finally:
        close_database()
    made = {
        "csv": export_table(report(), "csv", folder),
        "xlsx": export_table(report(), "xlsx", folder),
        "csv over one": export_table(report(), "csv", path=folder / "owners.csv"),
        "printout": write_printout("张三 13912345678\n", "approval", folder),
        "receipt": write_receipt(receipt(), folder, "text"),
        "receipt for the printer": write_receipt(receipt(), folder, "escpos"),
        "draft": DraftStore(1, terminal="t", folder=folder).save("call", {"phone": "139"}),
    }
    for name, path in made.items():
        assert mode(path) == expected, name
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_an_export_over_a_readable_file_is_private(umask, tmp_path):
    old = tmp_path / "owners.csv"
    old.write_text("old")
    os.chmod(old, 0o644)
    export_table(report(), "csv", path=old)
    assert mode(old) == 0o600 and old.read_text("utf-8-sig").startswith("业主,电话")


def test_folders_the_desk_creates_are_private(umask, place):
    folder, folder_mode = place.folder, 0o2770 if place.group else 0o700
    printed = write_printout("x\n", "approval", folder / "printouts" / "2026")
    for made in (printed.parent, printed.parent.parent):
        assert mode(made) == folder_mode
    assert mode(printed) == place.expected
    open_database(str(folder / "data" / "desk.db"))
    close_database()
    assert mode(folder / "data") == folder_mode
    assert mode(folder / "data" / "desk.db") == place.expected


# --- the calls -----------------------------------------------------------------------------

def test_private_mode_is_the_folders(tmp_path):
    assert private_mode(tmp_path) == 0o600
    os.chmod(tmp_path, 0o2770)
    assert private_mode(tmp_path) == 0o660
    assert private_mode(tmp_path / "missing") == 0o600


def test_create_private_exclusive_or_not(umask, tmp_path):
    path = tmp_path / "a"
    os.close(create_private(path))
    assert mode(path) == 0o600
    with pytest.raises(FileExistsError):
        create_private(path)
    path.write_bytes(b"kept")
    os.chmod(path, 0o640)
    handle = create_private(path, exclusive=False)  # opened as it is: not truncated
    os.close(handle)
    assert path.read_bytes() == b"kept" and mode(path) == 0o640


def test_write_private_replaces_whole_or_not_at_all(tmp_path):
    path = tmp_path / "draft.json"
    write_private(path, b"one")
    write_private(path, b"two")
    assert path.read_bytes() == b"two" and mode(path) == 0o600
    with pytest.raises(RuntimeError), replacing_private(path) as out:
        out.write(b"half")
        raise RuntimeError("killed")
    assert path.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.json"]


def test_write_private_new_never_replaces(tmp_path):
    first = write_private_new(tmp_path, "list", ".txt", b"1")
    second = write_private_new(tmp_path, "list", ".txt", b"2")
    third = write_private_new(tmp_path, "list", ".txt", b"3")
    assert [first.name, second.name, third.name] == ["list.txt", "list-2.txt", "list-3.txt"]
    assert [p.read_bytes() for p in (first, second, third)] == [b"1", b"2", b"3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list-2.txt", "list-3.txt",
                                                          "list.txt"]


def test_make_private_folder_leaves_an_existing_one(tmp_path):
    os.chmod(tmp_path, 0o755)
    assert make_private_folder(tmp_path) == tmp_path and mode(tmp_path) == 0o755
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError):
        make_private_folder(tmp_path / "file")


# --- a database others can read -------------------------------------------------------------

def test_a_database_others_can_read_is_tightened(tmp_path, caplog):
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    schema.migrate(db)
    close_database()
    os.chmod(path, 0o664)  # as an older deskterm made it, group shared by the administrator
    with caplog.at_level(logging.WARNING, logger="deskterm"):
        open_database(str(path))
        close_database()
    assert mode(path) == 0o660  # the others' bits off, the group's kept
    assert "took their access away" in caplog.text and str(path) in caplog.text


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the file to another user")
def test_a_database_of_another_user_is_warned_about(tmp_path, caplog):
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    schema.migrate(db)
    close_database()
    os.chmod(path, 0o666)
    os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)
    assert not tighten(path)
    with caplog.at_level(logging.WARNING, logger="deskterm"):
        open_database(str(path))
        close_database()
    assert mode(path) == 0o666
    assert f"`chmod o= {path}`" in caplog.text
