"""PostgreSQL: the writes of a direct order's placement as one function call
(`trading.order_place_fast`; ADR 0009). Python has checked the request and built every row —
the order (its id drawn, its first audit event's hash as chain head), the lines, the event —
as JSON; the function inserts them, takes the stock line by line in listing-id order, reserves
the funds with their ledger row and notifies the recipients. It answers `ok`, or `conflict`
when the order row was kept out by a unique constraint (a concurrent replay of the same
idempotency key: nothing was written), or raises `out_of_stock <listing id>` /
`insufficient_funds` (SQLSTATE P0001), which undoes everything it wrote: the one statement is
the placement's transaction (or rolls back to the caller's savepoint).

Rows are made with `jsonb_populate_record` of the table's own row type, so the function names
no column of the order, its lines or the event: Python sends every column of the model.
"""

from django.db import migrations

PLACE_ORDER = r"""
CREATE OR REPLACE FUNCTION trading_place_order(plan jsonb) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  item jsonb;
  inserted bigint;
  total numeric := (plan->>'total')::numeric;
  at timestamptz := (plan->>'now')::timestamptz;
  notice jsonb := plan->'notification';
BEGIN
  INSERT INTO trading_order
  SELECT * FROM jsonb_populate_record(NULL::trading_order, plan->'order')
  ON CONFLICT DO NOTHING
  RETURNING id INTO inserted;
  IF inserted IS NULL THEN
    RETURN 'conflict';
  END IF;

  FOR item IN
    SELECT value FROM jsonb_array_elements(plan->'lines')
    ORDER BY (value->>'listing_id')::bigint
  LOOP
    UPDATE catalog_listing SET stock = stock - (item->>'quantity')::integer
    WHERE id = (item->>'listing_id')::bigint AND state = 'listed'
      AND stock >= (item->>'quantity')::integer;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING MESSAGE = 'out_of_stock ' || (item->>'listing_id');
    END IF;
  END LOOP;

  UPDATE trading_fundingsource SET reserved = reserved + total, updated_at = at
  WHERE id = (plan->>'source')::bigint AND active AND amount >= reserved + total;
  IF FOUND THEN
    INSERT INTO trading_fundmovement (source_id, kind, amount, order_id, note, actor_id, at)
    VALUES ((plan->>'source')::bigint, 'reserve', total, inserted, '',
            (plan->>'actor')::bigint, at);
  ELSIF total > 0 THEN
    RAISE EXCEPTION 'insufficient_funds';
  END IF;

  INSERT INTO trading_orderline
  SELECT r.* FROM jsonb_array_elements(plan->'lines') AS l(value),
    LATERAL jsonb_populate_record(NULL::trading_orderline, l.value || jsonb_build_object(
      'id', nextval(pg_get_serial_sequence('trading_orderline', 'id')))) AS r;

  INSERT INTO audit_event
  SELECT r.* FROM jsonb_array_elements(plan->'events') AS e(value),
    LATERAL jsonb_populate_record(NULL::audit_event, e.value || jsonb_build_object(
      'id', nextval(pg_get_serial_sequence('audit_event', 'id')))) AS r;

  INSERT INTO core_notification (recipient_id, verb, message, link, created_at)
  SELECT DISTINCT u.id, notice->>'verb', notice->>'message', notice->>'link', at
  FROM accounts_user u JOIN accounts_userrole ur ON ur.user_id = u.id
  WHERE u.organisation_id = (notice->>'organisation')::bigint AND u.is_active
    AND ur.role IN (SELECT jsonb_array_elements_text(notice->'roles'));

  RETURN 'ok';
END
$fn$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLACE_ORDER)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS trading_place_order(jsonb)")


class Migration(migrations.Migration):
    dependencies = [
        ("trading", "0001_initial"),
        ("audit", "0001_initial"),
        ("core", "0004_number_sequences"),
    ]

    operations = [migrations.RunPython(create, drop)]
