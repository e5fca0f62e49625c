"""The daily backup on the deadline calendar (issue #12), on SQLite and PostgreSQL: only for an
office whose ``backup_at`` is set, due then, missed without a backup that office-local day,
done once ``deskterm backup`` made one (its change-log row), whichever office the row names;
a refused backup records nothing and proves nothing."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from peewee import OperationalError, SqliteDatabase

from deskterm.cli import main
from deskterm.db import changes
from deskterm.db.models import ChangeLog, Office
from deskterm.duties.agenda.deadlines import (
    deadlines_on,
    is_done,
    next_deadline,
    short_label,
    upcoming,
)
from deskterm.duties.agenda.timeline import day_timeline
from deskterm.duties.office_settings import set_office
from deskterm.i18n import set_language
from tests.agenda.test_deadline_records import THU, at
from tests.factories import small_office

WED, FRI = THU - dt.timedelta(days=1), THU + dt.timedelta(days=1)


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(at(dt.date(2026, 11, 2), "09:00"))
    return small_office()


@pytest.fixture
def cli(desk_db, tmp_path, monkeypatch, capsys):
    """``deskterm ARGS --db <the test's database>``: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)
    if not isinstance(desk_db, SqliteDatabase) and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not on PATH")

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--db", desk_db.deskterm_url])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def backup(so, day: dt.date) -> object | None:
    found = [d for d in deadlines_on(so.office, day) if d.key == "backup"]
    assert len(found) <= 1
    return found[0] if found else None


def backups_logged() -> int:
    return ChangeLog.select().where(ChangeLog.topic == "backup").count()


def test_not_on_the_calendar_without_a_backup_time(so, frozen_clock):
    frozen_clock(at(THU, "01:00"))
    assert so.office.backup_at == ""
    assert backup(so, THU) is None
    assert "backup" not in {d.key for d in upcoming(so.office, days=7, include_done=True)}
    assert next_deadline(so.office).key == "deposit"


def test_due_at_the_set_time_and_missed_without_a_backup(so, frozen_clock):
    set_office(so.office, None, backup_at="2:00")
    deadline = backup(so, THU)
    assert (deadline.label, short_label("backup"), deadline.period, deadline.due_at,
            deadline.markable) == ("Database backed up", "Backup", "2026-11-26",
                                   at(THU, "02:00"), False)
    frozen_clock(at(THU, "01:30"))
    assert backup(so, THU).state == "due"
    assert next_deadline(so.office).key == "backup"
    frozen_clock(at(WED, "23:50"))  # the evening before is the day before's
    with changes.write():
        changes.record("backup", None, "backup")
    frozen_clock(at(THU, "02:30"))
    assert backup(so, THU).state == "missed"
    assert backup(so, WED).state == "done"
    assert next_deadline(so.office).key == "deposit"
    # A time taken off the calendar: no deadline any more.
    set_office(so.office, None, backup_at="")
    assert backup(so, THU) is None


def test_done_after_deskterm_backup_and_not_after_a_refused_one(so, cli, frozen_clock,
                                                                 tmp_path):
    set_office(so.office, None, backup_at="02:00")
    frozen_clock(at(THU, "02:01"))
    (tmp_path / "taken.db").write_bytes(b"x")
    code, out, err = cli("backup", str(tmp_path / "taken.db"))
    assert (code, out) == (2, "") and "exists already" in err
    code, _out, err = cli("backup", str(tmp_path / "none" / "b.db"))
    assert code == 2 and "There is no folder" in err
    assert backups_logged() == 0
    assert backup(so, THU).state == "missed"
    code, out, err = cli("backup", str(tmp_path / "b.db"))
    assert (code, err) == (0, "") and "backed up to" in out
    entry = ChangeLog.get(ChangeLog.topic == "backup")
    assert (entry.action, entry.office_id, entry.staff_id) == ("backup", None, None)
    assert f'"file": "{tmp_path / "b.db"}"' in entry.detail
    assert f'"size": {(tmp_path / "b.db").stat().st_size}' in entry.detail
    office = Office.get_by_id(so.office.id)
    assert backup(so, THU).state == "done" and is_done(office, backup(so, THU))
    assert backup(so, FRI).state == "upcoming"  # tomorrow's is tomorrow's backup
    items = {item.key: item for item in day_timeline(office) if item.kind == "deadline"}
    shown = items["deadline:backup:2026-11-26"]
    assert (shown.local_time, shown.label, shown.state) == ("02:00", "Database backed up",
                                                            "done")


def test_a_backup_recorded_for_any_office_counts(so, frozen_clock):
    other = small_office("另一处")
    set_office(so.office, None, backup_at="02:00")
    frozen_clock(at(THU, "00:40"))
    with changes.write():
        changes.record("backup", None, "backup", office=other.office)
    frozen_clock(at(THU, "09:00"))
    assert backup(so, THU).state == "done"


def test_a_backup_whose_record_the_database_refuses_is_still_a_backup(
        so, cli, frozen_clock, tmp_path, monkeypatch):
    set_office(so.office, None, backup_at="02:00")
    frozen_clock(at(THU, "02:01"))

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(changes, "record", busy)
    code, out, err = cli("backup", str(tmp_path / "b.db"))
    assert code == 0 and "backed up to" in out and (tmp_path / "b.db").stat().st_size
    assert err == ("deskterm: The backup is made but not on the deadline calendar: The "
                   "database is busy: another program holds it.\n")
    monkeypatch.undo()
    assert backups_logged() == 0 and backup(so, THU).state == "missed"


def test_the_proof_reads_the_change_log_by_its_topic_index(so, desk_db, frozen_clock):
    set_office(so.office, None, backup_at="02:00")
    frozen_clock(at(THU, "09:00"))
    seen = []
    original = desk_db.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return original(sql, params, *args, **kwargs)

    desk_db.execute_sql = spy
    try:
        upcoming(so.office, days=7)
    finally:
        del desk_db.execute_sql
    (sql, params), = [(s, p) for s, p in seen if '"change_log"' in s]
    if isinstance(desk_db, SqliteDatabase):
        plan = " ".join(row[3] for row in desk_db.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                               params))
        assert "USING INDEX changelog_topic_row_id" in plan, plan
    else:  # a table this small is read whole unless told not to
        with desk_db.atomic():
            desk_db.execute_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(row[0] for row in desk_db.execute_sql("EXPLAIN " + sql, params))
        assert "changelog_topic_row_id" in plan and "Seq Scan" not in plan, plan


def test_its_words_in_chinese(so):
    set_office(so.office, None, backup_at="02:00")
    set_language("zh_CN")
    assert short_label("backup") != "Backup"
    assert backup(so, THU).label != "Database backed up"


async def test_the_status_line_names_it_shortly_in_chinese(so, frozen_clock):
    from textual.widgets import Static

    from tests.desk_app import desk_app, desk_ready, wait_until

    set_office(so.office, None, backup_at="02:00")
    frozen_clock(at(dt.date(2026, 11, 23), "01:00"))  # Monday: the stocktake is tomorrow
    set_language("zh_CN")
    app = desk_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_ready(pilot)
        line = app.dashboard.query_one("#status-deadline", Static)
        await wait_until(pilot, lambda: "11-24" in str(line.content))
        assert str(line.content).startswith(f"02:00 {short_label('backup')} · ")
