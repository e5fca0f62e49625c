"""What is paid of each charge, stored (issue #15): ``charge.paid``, fen.

A charge's outstanding amount is ``amount - paid``. ``paid`` is the sum of the
``payment_line`` rows that point at the charge (a voided receipt's reversal adds negative
lines), kept by the database itself: a trigger after each payment line inserted adds its
amount to its charge, in the same statement and so in the same transaction as the payment
or the void that wrote the line. Payment lines are append-only (0002), so inserting is
the only way ``paid`` can change; every writer (the cash desk, the demo and benchmark
builders' bulk inserts) is covered alike. ``paid`` is derived: the payment line written
is what the change log records.

The backfill sums each charge's lines (exact: integer fen), inside the migration's
transaction, before the trigger exists, so no line is counted twice or missed.

``charge_owing (office_id, period) WHERE paid < amount``: the charges owing something now,
a few thousand among an office's millions, read by the fee summary's arrears
(``duties/cashdesk/fee_summary.py``) without walking every charge the office ever had.
"""

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION deskterm_charge_paid() RETURNS trigger AS $$
BEGIN
    UPDATE charge SET paid = paid + NEW.amount WHERE id = NEW.charge_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

BACKFILL = """
UPDATE charge SET paid = (SELECT SUM(l.amount) FROM payment_line l
                          WHERE l.charge_id = charge.id)
WHERE id IN (SELECT charge_id FROM payment_line)
"""

OWING_INDEX = "CREATE INDEX charge_owing ON charge (office_id, period) WHERE paid < amount"


def _is_postgres(db):
    return "postgres" in type(db).__name__.lower()


def up(migrator, db):
    db.execute_sql("ALTER TABLE charge ADD COLUMN paid BIGINT NOT NULL DEFAULT 0")
    db.execute_sql(BACKFILL)
    if _is_postgres(db):
        db.execute_sql(PG_FUNCTION)
        db.execute_sql("CREATE TRIGGER payment_line_paid AFTER INSERT ON payment_line "
                       "FOR EACH ROW EXECUTE FUNCTION deskterm_charge_paid()")
    else:
        db.execute_sql("CREATE TRIGGER payment_line_paid AFTER INSERT ON payment_line "
                       "BEGIN UPDATE charge SET paid = paid + NEW.amount "
                       "WHERE id = NEW.charge_id; END")
    db.execute_sql(OWING_INDEX)


def down(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS charge_owing")
    if _is_postgres(db):
        db.execute_sql("DROP TRIGGER IF EXISTS payment_line_paid ON payment_line")
        db.execute_sql("DROP FUNCTION IF EXISTS deskterm_charge_paid()")
    else:
        db.execute_sql("DROP TRIGGER IF EXISTS payment_line_paid")
    db.execute_sql("ALTER TABLE charge DROP COLUMN paid")
