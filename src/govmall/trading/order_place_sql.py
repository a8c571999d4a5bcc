"""The two statements of `order_place_fast` (PostgreSQL dialect), apart from its logic.

`READ` mirrors the reads of `services_order_place._place`; `WRITE` calls the function of
migration trading/0002, which does its writes. Table and column names are Django's defaults
for the models involved.
"""

from govmall.core.calendar import VERSION_SQL
from govmall.suppliers.gate import MAY_TRADE_SQL

# One row per listing of the request (one row of NULLs when none is found), each with
#  - the idempotency replay (the buyer's order with this key, if any);
#  - the listing with its category and latest passing review (`order_snapshot.passing_reviews`);
#  - the context, read once (MATERIALIZED: its sequences are drawn once), for the supplier of
#    the first listing and only when there is no replay: the supplier with the trading gate's
#    answer (`suppliers.gate.MAY_TRADE_SQL`; when it says no, `trading_blockers` is asked for the
#    reasons), the funding source, the delivery division's path, the unit's approval limit, the
#    new order's id and number (`core.numbers`, sequence "ord") and the working-day calendar's
#    version (`core.calendar.add_working_days` then asks nothing more).
# A request refused after this statement leaves a gap in the order ids and numbers, as any
# rolled-back use of a sequence does.
READ = """
WITH replay AS (
  SELECT (SELECT o.id FROM trading_order o WHERE o.buyer_id = %(buyer)s
          AND o.idempotency_key = %(key)s AND %(key)s <> '') AS replay_id
), context AS MATERIALIZED (
  SELECT s.status, s.size, s.supplier_type, s.organisation_id, so.name,
    {may_trade} AS may_trade,
    (SELECT f.id FROM trading_fundingsource f
     WHERE f.id = %(source)s AND f.organisation_id = %(org)s AND f.active) AS source_id,
    (SELECT d.path FROM accounts_division d WHERE d.code = %(division)s) AS division_path,
    (SELECT p.approval_limit FROM trading_purchasingpolicy p
     WHERE p.organisation_id = %(org)s) AS approval_limit,
    nextval(pg_get_serial_sequence('trading_order', 'id')) AS order_id,
    nextval('govmall_seq_ord') AS order_seq,
    {calendar_version} AS calendar_version
  FROM suppliers_supplier s JOIN accounts_organisation so ON so.id = s.organisation_id
  WHERE s.id = (SELECT l.supplier_id FROM catalog_listing l
                WHERE l.number = ANY(%(numbers)s) ORDER BY l.id LIMIT 1)
    AND (SELECT replay_id FROM replay) IS NULL
)
SELECT x.replay_id, l.id, l.number, l.state, l.supplier_id, l.price, l.title, l.brand,
       l.model_no, l.manufacturer, l.unit, l.attributes, l.energy_cert_no, l.energy_cert_expiry,
       l.warranty_months, l.origin, l.delivery_divisions, l.category_id,
       c.code, c.name_zh, c.name_en, c.gp_code,
       r.outcome, r.version, r.created_at, r.decided_at,
       ctx.*
FROM replay x
LEFT JOIN (catalog_listing l JOIN catalog_category c ON c.id = l.category_id)
       ON l.number = ANY(%(numbers)s)
LEFT JOIN LATERAL (
    SELECT lr.outcome, rs.version, lr.created_at, lr.decided_at
    FROM catalog_listingreview lr JOIN catalog_ruleset rs ON rs.id = lr.ruleset_id
    WHERE lr.listing_id = l.id AND (lr.outcome = 'passed' OR lr.decision = 'approved')
    ORDER BY lr.id DESC LIMIT 1
) r ON true
LEFT JOIN context ctx ON true
""".replace("{may_trade}", MAY_TRADE_SQL).replace("{calendar_version}", VERSION_SQL)

# The writes (migration trading/0002): `ok` or `conflict`; raises `out_of_stock <listing id>`
# or `insufficient_funds` (SQLSTATE P0001), undoing its writes.
WRITE = "SELECT trading_place_order(%s::jsonb)"
