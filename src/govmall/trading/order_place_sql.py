"""The statements of `order_place_fast`, apart from its logic (PostgreSQL dialect).

Each mirrors a step of `services_order_place._place` (named in its comment); table and column
names are Django's defaults for the models involved.
"""

from govmall.core.calendar import VERSION_SQL

# The idempotency replay (the buyer's order with this key, if any), then each listing of the
# request with its category and its latest passing review (`order_snapshot.passing_reviews`).
LISTINGS = """
SELECT x.replay_id, l.id, l.number, l.state, l.supplier_id, l.price, l.title, l.brand,
       l.model_no, l.manufacturer, l.unit, l.attributes, l.energy_cert_no, l.energy_cert_expiry,
       l.warranty_months, l.origin, l.delivery_divisions, l.category_id,
       c.code, c.name_zh, c.name_en, c.gp_code,
       r.outcome, r.version, r.created_at, r.decided_at
FROM (SELECT (SELECT o.id FROM trading_order o WHERE o.buyer_id = %(buyer)s
              AND o.idempotency_key = %(key)s AND %(key)s <> '') AS replay_id) x
LEFT JOIN (catalog_listing l JOIN catalog_category c ON c.id = l.category_id)
       ON l.number = ANY(%(numbers)s)
LEFT JOIN LATERAL (
    SELECT lr.outcome, rs.version, lr.created_at, lr.decided_at
    FROM catalog_listingreview lr JOIN catalog_ruleset rs ON rs.id = lr.ruleset_id
    WHERE lr.listing_id = l.id AND (lr.outcome = 'passed' OR lr.decision = 'approved')
    ORDER BY lr.id DESC LIMIT 1
) r ON true
"""

# `check_supplier` and the rest of the context: the gate's facts mirror
# `suppliers.gate.trading_blockers` for an active supplier (a supplier that is not active, or
# fails any of them, is handed to trading_blockers for its reasons); the funding source, the
# delivery division's path, the unit's approval limit, the new order's id and the working-day
# calendar's version (`core.calendar.add_working_days` then asks nothing more).
CONTEXT = """
SELECT s.status, s.size, s.supplier_type, s.organisation_id, so.name,
  (s.status = 'active'
   AND NOT EXISTS (
     SELECT 1 FROM suppliers_creditflag f JOIN suppliers_creditlistentry e ON e.id = f.entry_id
     WHERE f.supplier_id = s.id AND f.resolved_at IS NULL AND e.listed_date <= %(today)s
       AND (e.expiry_date IS NULL OR e.expiry_date >= %(today)s))
   AND EXISTS (
     SELECT 1 FROM suppliers_commitmentsignature g
     WHERE g.supplier_id = s.id AND g.text_id = (
       SELECT t.id FROM suppliers_commitmenttext t ORDER BY t.version DESC LIMIT 1))
   AND NOT EXISTS (
     SELECT 1 FROM suppliers_documenttype dt
     WHERE dt.active AND dt.required_for @> to_jsonb(s.supplier_type::text)
       AND NOT EXISTS (
         SELECT 1 FROM suppliers_document d WHERE d.supplier_id = s.id
           AND d.doc_type_id = dt.code AND d.accepted_at IS NOT NULL))
  ) AS may_trade,
  (SELECT f.id FROM trading_fundingsource f
   WHERE f.id = %(source)s AND f.organisation_id = %(org)s AND f.active) AS source_id,
  (SELECT d.path FROM accounts_division d WHERE d.code = %(division)s) AS division_path,
  (SELECT p.approval_limit FROM trading_purchasingpolicy p
   WHERE p.organisation_id = %(org)s) AS approval_limit,
  nextval(pg_get_serial_sequence('trading_order', 'id')) AS order_id,
  {calendar_version} AS calendar_version
FROM suppliers_supplier s JOIN accounts_organisation so ON so.id = s.organisation_id
WHERE s.id = %(supplier)s
""".replace("{calendar_version}", VERSION_SQL)

# `trading.stock.take`, one line at a time in listing-id order.
TAKE = (
    "UPDATE catalog_listing SET stock = stock - %s "
    "WHERE id = %s AND state = 'listed' AND stock >= %s"
)

# The order's chain head (its event written by `audit.record_events_bulk`), the lines
# (`OrderLine` bulk insert), `trading.funds.reserve` with its ledger row, and `core.notify`'s
# rows for the recipients of `services_order_place.recipients`. Counts the ledger rows: 0 means
# the source had too little left.
FINISH = """
WITH heads AS (
  UPDATE trading_order SET audit_head = %(head)s, audit_length = %(length)s
  WHERE id = %(order)s
), lines AS (
  INSERT INTO trading_orderline
    (order_id, listing_id, quantity, unit_price, amount, snapshot, returned_quantity)
  SELECT %(order)s, v.listing, v.quantity, v.unit_price, v.amount, v.snapshot, 0
  FROM unnest(%(listings)s::bigint[], %(quantities)s::int[], %(prices)s::numeric[],
              %(amounts)s::numeric[], %(snapshots)s::jsonb[])
       AS v(listing, quantity, unit_price, amount, snapshot)
), source AS (
  UPDATE trading_fundingsource SET reserved = reserved + %(total)s, updated_at = %(now)s
  WHERE id = %(source)s AND active AND amount >= reserved + %(total)s
  RETURNING id
), movement AS (
  INSERT INTO trading_fundmovement (source_id, kind, amount, order_id, note, actor_id, at)
  SELECT id, 'reserve', %(total)s, %(order)s, '', %(actor)s, %(now)s FROM source
  RETURNING id
), notes AS (
  INSERT INTO core_notification (recipient_id, verb, message, link, created_at)
  SELECT DISTINCT u.id, %(verb)s, %(message)s, %(link)s, %(now)s
  FROM accounts_user u JOIN accounts_userrole r ON r.user_id = u.id
  WHERE u.organisation_id = %(recipients_org)s AND u.is_active AND r.role = ANY(%(roles)s)
)
SELECT count(*) FROM movement
"""
