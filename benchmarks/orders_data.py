"""Data for the direct-order benchmark (benchmarks/orders_http.py): purchasing units that may
buy, suppliers that may trade and listed products with ample stock, loaded with COPY.

- `units` purchasing units (Organisation kind purchaser) in the counties of Inner Mongolia
  (150xxx), each with one buyer user, a personal API token (only its SHA-256 stored, as
  `api_token_create` does) and one funding source of ¥1,000,000,000 for the current year;
- `suppliers` active suppliers that pass the trading gate (`suppliers.gate.trading_blockers`):
  an admin user, the current credit commitment signed, every required document accepted —
  made with `catalog_generate.suppliers` and completed here;
- `listings` LISTED listings spread over them, built from `catalog_generate.build_models`
  (realistic titles, brands, attributes, prices), with stock 1,000,000,000, delivery
  everywhere, and one passed automatic review each (the order line snapshots it).

No audit events are written for the generated rows (as in catalog_generate); no search rows
either (orders name listings by number). Only for a throw-away PostgreSQL database.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from benchmarks.catalog_generate import GENESIS, LISTING_COLUMNS, build_models, suppliers
from benchmarks.common import analyze, load_rows, say

UNIT_PREFIX = "基准采购单位"
FUNDS = Decimal("1000000000.00")
STOCK = 1_000_000_000
# Orders stay well below the direct-purchase limit (default ¥300,000): listings dearer than
# this are not offered to the load generator.
MAX_PRICE = Decimal("50000.00")


@dataclass
class Dataset:
    # (API token secret, funding source id, delivery division) per purchasing unit
    units: list[tuple[str, int, str]] = field(default_factory=list)
    # supplier id → [(listing number, price)] of its listings the load may order
    offers: dict[int, list[tuple[str, Decimal]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _fetch(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def _users(rows: list[tuple[int, str, str]], role: str, now: datetime) -> dict[str, int]:
    """Users (org id, username, display name) with an unusable password and one role;
    returns username → id."""
    load_rows(
        "accounts_user",
        [
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "organisation_id",
            "display_name",
            "audit_head",
            "audit_length",
        ],
        (
            ("!bench", False, name, "", "", "", False, True, now, org, display, GENESIS, 0)
            for org, name, display in rows
        ),
        total=len(rows),
        label=f"{role} users",
    )
    names = [name for _org, name, _d in rows]
    ids = dict(_fetch("SELECT username, id FROM accounts_user WHERE username = ANY(%s)", [names]))
    load_rows(
        "accounts_userrole",
        ["user_id", "role"],
        ((ids[name], role) for name in names),
        total=len(names),
        label=f"{role} roles",
    )
    return ids


def _make_gate_pass(sups: list[tuple[int, str, str]], now: datetime) -> None:
    """An admin, the current commitment signed and every required document accepted."""
    from govmall.suppliers.commitment import current_commitment, text_sha256
    from govmall.suppliers.documents import required_types

    text = current_commitment()
    assert text is not None, "the migration seeds the first commitment text"
    orgs = dict(
        _fetch(
            "SELECT id, organisation_id FROM suppliers_supplier WHERE id = ANY(%s)",
            [[sid for sid, _c, _p in sups]],
        )
    )
    admins = _users(
        [(orgs[sid], f"bench-supplier-{sid}", f"供应商管理员{sid}") for sid, _c, _p in sups],
        "supplier_admin",
        now,
    )
    admin_of = {sid: admins[f"bench-supplier-{sid}"] for sid, _c, _p in sups}
    digest = text_sha256(text.text_zh)
    load_rows(
        "suppliers_commitmentsignature",
        [
            "supplier_id",
            "text_id",
            "language",
            "text_sha256",
            "signed_by_id",
            "signed_at",
            "user_agent",
        ],
        ((sid, text.pk, "zh-hans", digest, admin_of[sid], now, "") for sid in admin_of),
        total=len(admin_of),
        label="commitment signatures",
    )
    types = [t.code for t in required_types("enterprise")]
    load_rows(
        "suppliers_document",
        [
            "supplier_id",
            "doc_type_id",
            "version",
            "storage_name",
            "content_type",
            "size",
            "sha256",
            "original_name",
            "uploaded_by_id",
            "uploaded_at",
            "accepted_at",
            "audit_head",
            "audit_length",
        ],
        (
            (
                sid,
                code,
                1,
                f"bench/{sid}/{code}.pdf",
                "application/pdf",
                1,
                "0" * 64,
                f"{code}.pdf",
                admin_of[sid],
                now,
                now,
                GENESIS,
                0,
            )
            for sid in admin_of
            for code in types
        ),
        total=len(admin_of) * len(types),
        label="accepted documents",
    )


def _listings(
    n: int, sups: list[tuple[int, str, str]], rng: random.Random, now: datetime
) -> dict[int, list[tuple[str, Decimal]]]:
    """n LISTED listings from catalog_generate's models, each with a passed review."""
    from django.db import connection

    from govmall.catalog.rules import engine

    t = time.perf_counter()
    per_brand = max(2, n // 2_000)
    models, _info = build_models(rng, per_brand)
    say(
        f"  {sum(len(m) for m in models.values()):,} models over {len(models)} categories: "
        f"{time.perf_counter() - t:.1f} s"
    )
    all_models = [m for leaf in models.values() for m in leaf]
    start = int(_fetch("SELECT coalesce(max(id), 0) FROM catalog_listing")[0][0])
    now_txt = now.isoformat()
    offers: dict[int, list[tuple[str, Decimal]]] = {}
    lines: list[str] = []
    for i in range(n):
        lid = start + i + 1
        model = all_models[int(rng.random() * len(all_models))]
        variant = int(rng.random() * len(model.static))
        sid = sups[i % len(sups)][0]
        cents = int(model.base_price * 100 * (0.93 + rng.random() * 0.17))
        price = Decimal(cents) / 100
        number = f"LST-2026-B{lid:07d}"
        lines.append(
            f"{lid}\t{GENESIS}\t0\t{model.static[variant]}\t{price}\t[]\t{number}\t{sid}\t"
            f"\tlisted\t{STOCK}\t{now_txt}\t{now_txt}\t{now_txt}\t"
        )
        if price <= MAX_PRICE:
            offers.setdefault(sid, []).append((number, price))
    connection.ensure_connection()
    sql = f"COPY catalog_listing ({', '.join(LISTING_COLUMNS)}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for k in range(0, len(lines), 5_000):
            copy.write("\n".join(lines[k : k + 5_000]) + "\n")
    say(f"  listings: {n:,} copied")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('catalog_listing', 'id'), %s)", [start + n]
        )
    ruleset = engine.current_ruleset()
    load_rows(
        "catalog_listingreview",
        ["listing_id", "ruleset_id", "outcome", "results", "created_at", "decision", "reasons"],
        ((start + i + 1, ruleset.pk, "passed", "[]", now, "", "") for i in range(n)),
        total=n,
        label="listing reviews",
    )
    return offers


def generate(*, units: int, n_suppliers: int, listings: int, seed: int) -> Dataset:
    from django.utils import timezone

    from govmall.accounts.models import Division
    from govmall.accounts.services import TOKEN_PREFIX, hash_token
    from govmall.catalog.categories import ensure_demo_categories

    rng = random.Random(seed)
    now = datetime.now(UTC)
    data = Dataset()
    t = time.perf_counter()

    say(f"catalogue: {n_suppliers:,} suppliers, {listings:,} listings …")
    ensure_demo_categories()
    sups = suppliers(n_suppliers, rng)
    _make_gate_pass(sups, now)
    data.offers = _listings(listings, sups, rng, now)

    say(f"purchasing units: {units:,} …")
    counties = list(
        Division.objects.filter(code__startswith="15", level="county").values_list(
            "code", flat=True
        )
    )
    divisions = [counties[i % len(counties)] for i in range(units)]
    load_rows(
        "accounts_organisation",
        ["kind", "name", "division_id", "created_at", "audit_head", "audit_length"],
        (
            ("purchaser", f"{UNIT_PREFIX}{i:05d}", divisions[i], now, GENESIS, 0)
            for i in range(units)
        ),
        total=units,
        label="purchasing units",
    )
    org_ids = dict(
        _fetch(
            "SELECT name, id FROM accounts_organisation WHERE kind = 'purchaser' AND name LIKE %s",
            [UNIT_PREFIX + "%"],
        )
    )
    orgs = [org_ids[f"{UNIT_PREFIX}{i:05d}"] for i in range(units)]
    buyers = _users(
        [(orgs[i], f"bench-buyer-{i:05d}", f"采购员{i:05d}") for i in range(units)], "buyer", now
    )
    secrets_ = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in range(units)]
    load_rows(
        "accounts_apitoken",
        ["user_id", "name", "prefix", "token_hash", "created_at", "audit_head", "audit_length"],
        (
            (buyers[f"bench-buyer-{i:05d}"], "bench", s[:10], hash_token(s), now, GENESIS, 0)
            for i, s in enumerate(secrets_)
        ),
        total=units,
        label="API tokens",
    )
    year = timezone.localtime().year
    load_rows(
        "trading_fundingsource",
        [
            "organisation_id",
            "fiscal_year",
            "budget_line",
            "name",
            "amount",
            "reserved",
            "active",
            "created_at",
            "updated_at",
            "audit_head",
            "audit_length",
        ],
        (
            (org, year, "2010101", "办公设备购置", FUNDS, "0.00", True, now, now, GENESIS, 0)
            for org in orgs
        ),
        total=units,
        label="funding sources",
    )
    source_of = dict(
        _fetch(
            "SELECT organisation_id, id FROM trading_fundingsource WHERE organisation_id = ANY(%s)",
            [orgs],
        )
    )
    data.units = [(secrets_[i], source_of[orgs[i]], divisions[i]) for i in range(units)]
    analyze(
        "accounts_organisation",
        "accounts_user",
        "accounts_userrole",
        "accounts_apitoken",
        "trading_fundingsource",
        "catalog_listing",
        "catalog_listingreview",
        "suppliers_supplier",
        "suppliers_document",
    )
    data.counts = {
        "units": units,
        "suppliers": len(sups),
        "listings": listings,
        "orderable listings": sum(len(v) for v in data.offers.values()),
    }
    say(f"data ready in {time.perf_counter() - t:.1f} s")
    return data
