"""Benchmark: re-screening every active supplier against the credit lists (issue 3: ≤ 10 s for
100,000 active suppliers against 1,000,000 list entries on PostgreSQL).

Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall .venv/bin/python \
        benchmarks/rescreen.py [--suppliers 100000 --entries 1000000] [--explain]

It creates its own throw-away database (`<name>_rescreen_bench`), loads the data with COPY,
runs `rescreen_active_suppliers()` twice (the first run raises the flags; the second is the
steady state after an import that brings nothing new: every pair already has its flag) and
prints timings and counts; the database is dropped at the end.

The data: suppliers in counties of Inner Mongolia and some outside; 90 % active. For every
100 suppliers (`--hit-every N`): one active supplier has an entry in force (it must be
flagged), one an expired entry, one an entry listed only in the future, one pending supplier
an entry in force (none of these three may be flagged). Every other entry belongs to a code
no supplier has.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.common import (
    analyze,
    bench_database,
    load_rows,
    say,
    setup_django,
    timed,
)

GENESIS = "0" * 64
# Every supplier row starts from these values; the loader fills in the rest per row.
SUPPLIER_FIXED: dict[str, object] = {
    "supplier_type": "enterprise",
    "size": "small",
    "legal_representative": "张三",
    "contact_name": "李四",
    "contact_phone": "0472-1234567",
    "contact_email": "",
    "address": "",
    "business_scope": "办公设备销售",
    "intended_categories": "[]",
    "service_outlets": "",
    "hotline_hours": "",
    "source": "self",
    "source_mall": "",
    "audit_head": GENESIS,
    "audit_length": 0,
}
SUPPLIER_COLUMNS = [
    "organisation_id",
    "credit_code",
    "status",
    "registered_at",
    "activated_at",
    *SUPPLIER_FIXED,
]
ENTRY_COLUMNS = [
    "list_type",
    "credit_code",
    "name",
    "reason",
    "source",
    "listed_date",
    "expiry_date",
    "imported_in_id",
]


def supplier_divisions() -> list[str]:
    from govmall.accounts.models import Division

    region = list(
        Division.objects.filter(code__startswith="15", level="county")
        .order_by("code")
        .values_list("code", flat=True)
    )
    outside = list(
        Division.objects.filter(level="county")
        .exclude(code__startswith="15")
        .order_by("code")
        .values_list("code", flat=True)[:20]
    )
    return region + outside


def load(n_suppliers: int, n_entries: int, hit_every: int) -> dict[str, int]:
    from django.db import connection

    from govmall.accounts.models import Organisation, User
    from govmall.accounts.roles import OrgKind, Role
    from govmall.accounts.services import user_create
    from govmall.suppliers.codes import make_credit_code
    from govmall.suppliers.models import CreditListImport

    regional = Organisation.objects.create(
        kind=OrgKind.OPERATOR, name="内蒙古自治区公共资源交易中心", division_id="150000"
    )
    user_create(
        actor=None,
        organisation=regional,
        username="bench-reviewer",
        password="Bench-password-2026!",  # noqa: S106 - a throw-away database
        roles=[Role.OPERATOR_REVIEWER],
        display_name="bench",
    )
    assert User.objects.count() == 1
    divisions = supplier_divisions()
    at = datetime.now(UTC)
    now = at.isoformat()
    load_rows(
        "accounts_organisation",
        ["kind", "name", "division_id", "created_at", "audit_head", "audit_length"],
        (
            ("supplier", f"基准供应商{i:07d}", divisions[i % len(divisions)], now, GENESIS, 0)
            for i in range(n_suppliers)
        ),
        total=n_suppliers,
        label="organisations",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, division_id FROM accounts_organisation WHERE kind = 'supplier' ORDER BY id"
        )
        orgs = cursor.fetchall()
    codes = [make_credit_code("91", div, 100_000 + i) for i, (_id, div) in enumerate(orgs)]

    def status(i: int) -> str:
        return "pending" if i % 10 == 5 else "active"

    fixed = tuple(SUPPLIER_FIXED.values())

    def supplier_row(i: int, org_id: int) -> tuple[object, ...]:
        activated = now if status(i) == "active" else None
        return (org_id, codes[i], status(i), now, activated, *fixed)

    load_rows(
        "suppliers_supplier",
        SUPPLIER_COLUMNS,
        (supplier_row(i, org_id) for i, (org_id, _div) in enumerate(orgs)),
        total=len(orgs),
        label="suppliers",
    )
    imp = CreditListImport.objects.create(file_name="benchmark.csv", imported_at=at)
    today = date.today()
    listed = "2025-01-01"
    expired = "2025-12-31"
    future = (today + timedelta(days=30)).isoformat()
    expected = 0
    planted: list[tuple[str, str, str | None]] = []  # (code, listed, expiry)
    for i in range(n_suppliers):
        kind = i % hit_every
        if kind == 0:  # in force: flagged when active
            planted.append((codes[i], listed, None))
            expected += status(i) == "active"
        elif kind == 1:  # active, expired
            planted.append((codes[i], listed, expired))
        elif kind == 2:  # active, listed in the future
            planted.append((codes[i], future, None))
        elif kind == 5:  # pending, in force
            planted.append((codes[i], listed, None))
    planted = planted[:n_entries]
    others = n_entries - len(planted)
    list_types = ("dishonest_judgment", "tax_violation", "procurement_violation")

    def entries() -> Iterator[tuple[object, ...]]:
        for n, (code, start, end) in enumerate(planted):
            yield (
                list_types[n % 3],
                code,
                "列入名单的主体",
                "未履行",
                "信用中国",
                start,
                end,
                imp.pk,
            )
        for j in range(others):
            code = make_credit_code("91", "110101", 50_000_000 + j)
            end = None if j % 4 else expired
            yield (list_types[j % 3], code, "其他主体", "未履行", "信用中国", listed, end, imp.pk)

    load_rows(
        "suppliers_creditlistentry",
        ENTRY_COLUMNS,
        entries(),
        total=n_entries,
        label="credit-list entries",
    )
    analyze(
        "accounts_organisation",
        "suppliers_supplier",
        "suppliers_creditlistentry",
        "suppliers_creditflag",
    )
    active = sum(1 for i in range(n_suppliers) if status(i) == "active")
    return {"active": active, "expected_flags": expected}


def explain() -> None:
    from django.db import connection

    from govmall.suppliers.credit import today

    with connection.cursor() as cursor:
        cursor.execute(
            """EXPLAIN (ANALYZE, BUFFERS)
            SELECT s.id, e.id FROM suppliers_supplier s
              JOIN suppliers_creditlistentry e ON e.credit_code = s.credit_code
             WHERE s.status = 'active' AND e.listed_date <= %s
               AND (e.expiry_date IS NULL OR e.expiry_date >= %s)
               AND NOT EXISTS (SELECT 1 FROM suppliers_creditflag f
                                WHERE f.supplier_id = s.id AND f.entry_id = e.id)""",
            [today(), today()],
        )
        say("\n".join("    " + row[0] for row in cursor.fetchall()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument(
        "--hit-every",
        type=int,
        default=100,
        help="one supplier in N has an entry in force (default 100: 1 %% of the suppliers)",
    )
    parser.add_argument("--explain", action="store_true", help="print the query plan (PostgreSQL)")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from govmall.core.models import Notification
    from govmall.suppliers.models import CreditFlag
    from govmall.suppliers.services_credit import rescreen_active_suppliers

    timings: dict[str, float] = {}
    with bench_database("rescreen_bench") as vendor:
        say(f"loading {args.suppliers:,} suppliers and {args.entries:,} entries …")
        with timed("load", timings):
            facts = load(args.suppliers, args.entries, max(args.hit_every, 10))
        if args.explain and vendor == "postgresql":
            explain()
        say("re-screening …")
        with timed("first re-screen", timings):
            first = rescreen_active_suppliers()
        with timed("second re-screen (nothing new)", timings):
            second = rescreen_active_suppliers()
        flags = CreditFlag.objects.count()
        notes = Notification.objects.count()
        server = (
            connection.cursor().connection.info.server_version if vendor == "postgresql" else ""
        )
    ok = first == facts["expected_flags"] == flags and second == 0
    met = max(timings["first re-screen"], timings["second re-screen (nothing new)"]) <= 10
    print(
        f"database: {vendor} {server}\n"
        f"suppliers: {args.suppliers:,} ({facts['active']:,} active); entries: {args.entries:,}\n"
        f"first re-screen: {timings['first re-screen']:.2f} s, {first:,} flags raised "
        f"(expected {facts['expected_flags']:,}), {notes} notifications\n"
        f"second re-screen: {timings['second re-screen (nothing new)']:.2f} s, {second} flags\n"
        f"load: {timings['load']:.1f} s\n"
        f"result: {'OK' if ok else 'WRONG COUNTS'}; target ≤ 10 s: {'met' if met else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    say(f"total {time.perf_counter() - started:.1f} s")
    sys.exit(code)
