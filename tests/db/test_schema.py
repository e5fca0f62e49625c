"""Migrations, schema checks and the append-only rule, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from peewee import DatabaseError, IntegrityError
from playhouse.schema_diff import diff_models

from deskterm.clock import now_utc
from deskterm.db import schema
from deskterm.db.models import APPEND_ONLY, MODELS, ChangeLog, Office
from deskterm.errors import SetupError


def test_migrations_build_exactly_the_models(desk_db):
    diff = diff_models(desk_db, MODELS)
    assert not diff, f"models and migrations disagree: {diff!r}"


def test_fresh_database_is_current(desk_db):
    state = schema.status(desk_db)
    assert state.current and not state.empty
    schema.check(desk_db, "test")


def test_append_only_tables_refuse_update_and_delete(desk_db):
    office = Office.create(name="T", created_at=now_utc())
    row = ChangeLog.create(office=office, at=now_utc(), topic="office", action="create")
    with pytest.raises((IntegrityError, DatabaseError), match="append-only"):
        with desk_db.atomic():
            ChangeLog.update(action="edited").where(ChangeLog.id == row.id).execute()
    with pytest.raises((IntegrityError, DatabaseError), match="append-only"):
        with desk_db.atomic():
            ChangeLog.delete().where(ChangeLog.id == row.id).execute()
    assert ChangeLog.get_by_id(row.id).action == "create"


def test_every_append_only_table_has_its_guard(desk_db):
    names = {m._meta.table_name for m in MODELS}
    assert set(APPEND_ONLY) <= names
    if "sqlite" in type(desk_db).__name__.lower():
        rows = desk_db.execute_sql("SELECT tbl_name FROM sqlite_master WHERE type='trigger'")
    else:
        rows = desk_db.execute_sql(
            "SELECT event_object_table FROM information_schema.triggers")
    guarded = {r[0] for r in rows}
    assert guarded == set(APPEND_ONLY)


def test_database_newer_than_code_is_refused(desk_db):
    desk_db.execute_sql(
        "INSERT INTO schema_migration (name, applied) "
        "VALUES ('9999_from_the_future', CURRENT_TIMESTAMP)")
    with pytest.raises(SetupError, match="newer deskterm"):
        schema.check(desk_db, "test")


def test_pending_migration_is_refused(desk_db):
    desk_db.execute_sql("DELETE FROM schema_migration WHERE name = '0002_append_only'")
    with pytest.raises(SetupError, match="deskterm migrate"):
        schema.check(desk_db, "test")
