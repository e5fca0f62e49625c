"""Facts are never updated or deleted: the database itself refuses it.

On SQLite, BEFORE UPDATE / BEFORE DELETE triggers RAISE(ABORT); on PostgreSQL a trigger
function raises an exception. A mistake is corrected by a reversal row instead.
The table list is frozen here (not imported) so that this migration never changes.
"""

APPEND_ONLY = (
    "change_log", "callback", "payment", "payment_line", "receipt", "receipt_void",
    "cash_entry", "bank_deposit", "night_log_entry", "handover", "handover_item",
    "attendance_event", "stock_move",
)

# %% is a literal % once psycopg has bound the (empty) parameters.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION deskterm_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% is append-only: %% refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
"""


def _is_postgres(db):
    return "postgres" in type(db).__name__.lower()


def up(migrator, db):
    if _is_postgres(db):
        db.execute_sql(PG_FUNCTION)
        for table in APPEND_ONLY:
            db.execute_sql(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION deskterm_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
            )


def down(migrator, db):
    for table in APPEND_ONLY:
        if _is_postgres(db):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            for op in ("update", "delete"):
                db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
    if _is_postgres(db):
        db.execute_sql("DROP FUNCTION IF EXISTS deskterm_append_only()")
