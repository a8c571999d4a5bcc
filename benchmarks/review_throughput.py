"""Benchmark: automatic listing review in bulk (issue 4: ≥ 2,000 listings/s).

Run on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall_bench_review \\
        .venv/bin/python benchmarks/review_throughput.py [--batches 10] [--size 1000]

It creates its own throw-away database (`<name>_review`), loads the demo category tree and the
built-in rule set, one supplier that may trade with one uploaded 800×800 picture, and
reference prices for half of the models (and the overpriced ones); then it sends `--batches`
calls of `--size` items (85 % conforming, 15 % not: a forbidden word, a missing required
attribute, a price above the reference) through `services_bulk.listings_bulk_upsert`, the
supplier API's code path. It prints listings/s for

- the rules engine alone (`engine.review` on the parsed candidates of each batch),
- the whole bulk path (parse, lock by SKU, review, numbers, inserts, ListingReview rows, one
  audit event per listing, search sync, commit),
- the same calls again (idempotent re-sync: every item "unchanged"),
- an update of every listed item's price (each a revision reviewed and applied),

each with the CPU time of this (the client) process per 1,000 items (whole loops, a final full
garbage collection included), which varies less than the wall time on a shared machine, and
the load average before and after. It then checks what
was written: a sample of search rows against `tokens.index_terms` (the index builds its terms
from memoised parts) and the whole audit trail (`audit.verify`: every hash chain and head).

The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
import tempfile
import time
from decimal import Decimal
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.common import bench_database, say, setup_django

# (category, attributes, unit, warranty, energy certificate needed)
KINDS: list[tuple[str, dict[str, Any], str, int, bool]] = [
    (
        "A02010104",
        {"cpu": "Intel 酷睿 i5-12400", "memory_gb": 16, "storage_gb": 512, "os": "Windows"},
        "台",
        36,
        True,
    ),
    (
        "A0201060102",
        {"speed_ppm": 38, "max_paper": "A4", "colour": "黑白", "duplex": True},
        "台",
        12,
        True,
    ),
    (
        "A090101",
        {"size": "A4", "gsm": 70, "sheets_per_ream": 500, "reams_per_box": 5},
        "箱",
        0,
        False,
    ),
    ("A060301", {"material": "网布", "swivel": True}, "把", 36, False),
    (
        "A0206180203",
        {"type": "壁挂式", "cooling_w": 3500, "efficiency": "1级", "inverter": True},
        "台",
        36,
        True,
    ),
]
BRANDS = ["惠普", "联想", "戴尔", "华为", "得力", "格力", "美的", "震旦", "兄弟", "佳能"]


def make_item(run: int, n: int, image_id: int) -> dict[str, Any]:
    category, attributes, unit, warranty, cert = KINDS[n % len(KINDS)]
    brand = BRANDS[(n // len(KINDS)) % len(BRANDS)]
    model = f"B{run}-{n:06d}"
    item: dict[str, Any] = {
        "sku": f"SKU-{run}-{n:06d}",
        "category": category,
        "title": f"{brand} {model} 基准测试商品",
        "brand": brand,
        "model_no": model,
        "manufacturer": f"{brand}（中国）有限公司",
        "attributes": dict(attributes),
        "unit": unit,
        "price": f"{1000 + n % 500}.00",
        "stock": n % 100,
        "warranty_months": warranty,
        "image_ids": [image_id],
        "description": "正品行货，全国联保，提供增值税专用发票。",
        "no_extra_fees": True,
        "after_sales": "原厂质保，4 小时响应、24 小时内上门。",
    }
    if cert:
        item["energy_cert_no"] = f"CQC{20240000 + n:010d}"
        item["energy_cert_expiry"] = "2029-12-31"
    bad = n % 20
    if bad == 3:
        item["description"] = "同类产品中最好的选择"  # forbidden word
    elif bad == 7:
        item["attributes"].pop(next(iter(item["attributes"])))  # missing required attribute
    elif bad == 11:
        item["price"] = "9999.00"  # above the reference price
    return item


def seed(media: str) -> tuple[Any, Any, int]:
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone
    from PIL import Image

    from govmall.accounts import services as accounts
    from govmall.accounts.roles import OrgKind, Role
    from govmall.catalog.categories import ensure_demo_categories
    from govmall.catalog.rules import engine
    from govmall.catalog.services_images import image_upload
    from govmall.suppliers.codes import make_credit_code
    from govmall.suppliers.commitment import current_commitment, text_sha256
    from govmall.suppliers.documents import required_types
    from govmall.suppliers.models import CommitmentSignature, Document, Supplier

    settings.GOVMALL_PRIVATE_MEDIA = media
    ensure_demo_categories()
    engine.current_ruleset()
    accounts.organisation_create(
        actor=None, kind=OrgKind.OPERATOR, name="基准测试运营中心", division_code="150200"
    )
    org = accounts.organisation_create(
        actor=None, kind=OrgKind.SUPPLIER, name="基准测试供应商有限公司", division_code="150202"
    )
    user = accounts.user_create(
        actor=None,
        organisation=org,
        username="bench-supplier",
        password="bench-password-123456",  # noqa: S106 - a throw-away database
        roles=[Role.SUPPLIER_ADMIN],
        display_name="bench",
    )
    now = timezone.now()
    with transaction.atomic():
        supplier = Supplier.objects.create(
            organisation=org,
            credit_code=make_credit_code("91", "150202", 987654321),
            supplier_type="enterprise",
            size="small",
            legal_representative="张三",
            contact_name="李四",
            contact_phone="0472-1234567",
            business_scope="办公设备销售",
            status="active",
            registered_at=now,
            activated_at=now,
        )
        text = current_commitment()
        if text is not None:
            CommitmentSignature.objects.create(
                supplier=supplier,
                text=text,
                language="zh-hans",
                text_sha256=text_sha256(text.text_zh),
                signed_by=user,
                signed_at=now,
            )
        for doc_type in required_types("enterprise"):
            Document.objects.create(
                supplier=supplier,
                doc_type=doc_type,
                version=1,
                storage_name=f"bench/{doc_type.code}.pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
                original_name=f"{doc_type.code}.pdf",
                uploaded_by=user,
                uploaded_at=now,
                accepted_at=now,
            )
    out = io.BytesIO()
    Image.new("RGB", (800, 800), (40, 120, 200)).save(out, format="JPEG")
    out.seek(0)
    image = image_upload(actor=user, upload=out, name="bench.jpg")
    return supplier, user, image.pk


def seed_references(runs: int, size: int) -> int:
    from django.utils import timezone

    from govmall.pricing.services import reference_import

    captured = timezone.localtime() - timezone.timedelta(days=1)
    rows = []
    for run in range(runs):
        for n in range(size):
            if n % 2 and n % 20 != 11:  # half of the models (and the overpriced ones)
                continue
            brand = BRANDS[(n // len(KINDS)) % len(BRANDS)]
            rows.append(
                {
                    "source": "京东",
                    "brand": brand,
                    "model": f"B{run}-{n:06d}",
                    "price": "1800.00",
                    "captured_at": captured.strftime("%Y-%m-%d %H:%M"),
                }
            )
    imp = reference_import(actor=None, rows=rows, channel="csv")
    return imp.rows_imported


def _time_phases() -> dict[str, Any]:
    """Wrap the search sync and the bulk audit writer to add up their time."""
    from govmall.catalog import services_bulk
    from govmall.catalog.search import index

    phases: dict[str, Any] = {"search": 0.0, "audit": 0.0, "on": True}

    def timed(key: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                if phases["on"]:
                    phases[key] += time.perf_counter() - start

        return wrapper

    index.sync_listings = timed("search", index.sync_listings)  # type: ignore[assignment]
    services_bulk.record_events_bulk = timed(  # type: ignore[assignment]
        "audit", services_bulk.record_events_bulk
    )
    return phases


def _settled_cpu(since: float) -> float:
    """This process's CPU seconds since `since`, after a full garbage collection: the bulk path
    pauses the cyclic collector during a call, so what it defers is counted here too."""
    gc.collect()
    return time.process_time() - since


def check_search_rows(limit: int) -> int:
    """Recompute the terms of up to `limit` search rows the plain way (`tokens.index_terms`
    per listing, as the index did before it memoised its parts); exit on any difference."""
    from govmall.catalog.models import AttributeSpec, Category, Listing, SearchRow
    from govmall.catalog.search.tokens import division_ancestors, index_terms

    rows = {r.listing_id: r for r in SearchRow.objects.order_by("?")[:limit]}
    listings = Listing.objects.filter(pk__in=list(rows)).select_related(
        "category", "supplier__organisation__division"
    )
    names = {c.code: (c.name_zh, c.name_en) for c in Category.objects.all()}
    filters: dict[str, list[str]] = {}
    for code, key in AttributeSpec.objects.filter(is_filter=True).values_list(
        "category__code", "key"
    ):
        filters.setdefault(code, []).append(key)
    for listing in listings:
        row = rows[listing.pk]
        path = [c for c in listing.category.path.split("/") if c]
        division = listing.supplier.organisation.division
        expected = index_terms(
            title=listing.title,
            brand=listing.brand,
            model_no=listing.model_no,
            manufacturer=listing.manufacturer,
            category_names=[n for code in path for n in names.get(code, ())],
            category_codes=path,
            division_codes=division_ancestors(division.path),
            delivery_codes=[str(c) for c in (listing.delivery_divisions or [])],
            attributes=listing.attributes if isinstance(listing.attributes, dict) else {},
            filter_keys=[k for code in path for k in filters.get(code, [])],
            price=listing.price,
            listed_at=row.listed_at,
        )
        if (row.terms, row.title_terms) != expected:
            raise SystemExit(f"search row of listing {listing.pk} differs from index_terms")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="cProfile one bulk call")
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction

    from govmall.audit.verify import verify
    from govmall.catalog import content
    from govmall.catalog.models import Listing
    from govmall.catalog.rules import engine
    from govmall.catalog.search.tokens import tokenizer
    from govmall.catalog.services_bulk import listings_bulk_upsert, summary_of

    with tempfile.TemporaryDirectory() as media, bench_database("review") as vendor:
        if vendor != "postgresql":
            say("note: not PostgreSQL; the target is measured on PostgreSQL")
        supplier, user, image_id = seed(media)
        say(f"reference prices: {seed_references(args.batches, args.size):,}")
        batches = [
            [make_item(run, n, image_id) for n in range(args.size)] for run in range(args.batches)
        ]
        total = args.batches * args.size

        tokenizer()  # jieba's dictionary, loaded once per process (~2 s), not timed
        load_before = os.getloadavg()
        cpu: dict[str, float] = {}

        # -- the engine alone (parsing and candidates excluded)
        ruleset = engine.current_ruleset()
        engine_s = parse_s = 0.0
        for items in batches:
            start = time.perf_counter()
            cpu_start = time.process_time()
            parsed = content.parse_many(items, supplier=supplier)
            candidates = content.candidates_for(
                [(data, supplier.pk, None) for data, errors in parsed if data is not None]
            )
            middle = time.perf_counter()
            cpu_middle = time.process_time()
            with transaction.atomic():
                engine.review(candidates, ruleset)
            engine_s += time.perf_counter() - middle
            parse_s += middle - start
            cpu["engine"] = cpu.get("engine", 0.0) + time.process_time() - cpu_middle
            cpu["parse"] = cpu.get("parse", 0.0) + cpu_middle - cpu_start

        # -- the whole bulk path (time in the search sync and the audit writer measured apart)
        phases = _time_phases()
        outcomes: dict[str, int] = {}
        states: dict[str, int] = {}
        bulk_s = 0.0
        per_call: list[float] = []
        loop_cpu = time.process_time()
        for i, items in enumerate(batches):
            if args.profile and i == 1:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.enable()
            start = time.perf_counter()
            results = listings_bulk_upsert(actor=user, items=items)
            took = time.perf_counter() - start
            if args.profile and i == 1:
                profiler.disable()
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
            per_call.append(took)
            bulk_s += took
            for key, value in summary_of(results).items():
                outcomes[key] = outcomes.get(key, 0) + value
            for r in results:
                states[r.state] = states.get(r.state, 0) + 1
        cpu["new"] = _settled_cpu(loop_cpu)

        phases["on"] = False

        # -- the same calls again: idempotent, nothing written
        again_s = 0.0
        unchanged = 0
        loop_cpu = time.process_time()
        for items in batches:
            start = time.perf_counter()
            results = listings_bulk_upsert(actor=user, items=items)
            again_s += time.perf_counter() - start
            unchanged += sum(1 for r in results if r.outcome == "unchanged")
        cpu["again"] = _settled_cpu(loop_cpu)

        # -- a price change of every item (listed ones become applied revisions)
        update_s = 0.0
        revised: dict[str, int] = {}
        loop_cpu = time.process_time()
        for items in batches:
            changed = [{**item, "price": str(Decimal(item["price"]) - 1)} for item in items]
            start = time.perf_counter()
            results = listings_bulk_upsert(actor=user, items=changed)
            update_s += time.perf_counter() - start
            for key, value in summary_of(results).items():
                revised[key] = revised.get(key, 0) + value
        cpu["update"] = _settled_cpu(loop_cpu)

        load_after = os.getloadavg()
        listings = Listing.objects.count()
        checked = check_search_rows(500)
        trail = verify()
        if not trail.ok:
            raise SystemExit(f"audit trail: {trail.summary()}")

        def per(key: str) -> str:  # client CPU seconds per 1,000 items
            return f"cpu {cpu[key] * 1000 / total:.2f} s/1,000"

        print(f"database: {connection.vendor}; {args.batches} calls × {args.size} items")
        print(
            f"load average: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} "
            f"(start), {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} (end); "
            f"{os.cpu_count()} cores"
        )
        print(
            f"parse + candidates:  {total / parse_s:10,.0f} listings/s ({parse_s:.2f} s; "
            f"{per('parse')})"
        )
        print(
            f"rules engine alone:  {total / engine_s:10,.0f} listings/s ({engine_s:.2f} s; "
            f"{per('engine')})"
        )
        print(
            f"bulk upsert (new):   {total / bulk_s:10,.0f} listings/s ({bulk_s:.2f} s; "
            f"per call {min(per_call):.2f}–{max(per_call):.2f} s; {per('new')})"
        )
        inner = bulk_s - phases["search"] - phases["audit"]
        print(
            f"  of which search sync {phases['search']:.2f} s, audit events "
            f"{phases['audit']:.2f} s; the rest {total / inner:,.0f} listings/s ({inner:.2f} s)"
        )
        print(
            f"bulk re-sync:        {total / again_s:10,.0f} listings/s ({again_s:.2f} s; "
            f"{per('again')})"
        )
        print(
            f"bulk price update:   {total / update_s:10,.0f} listings/s ({update_s:.2f} s; "
            f"{per('update')})"
        )
        print(f"outcomes (new): { {k: v for k, v in outcomes.items() if v} }")
        print(f"states (new):   {states}")
        print(
            f"re-sync unchanged: {unchanged:,}; update outcomes: "
            f"{ {k: v for k, v in revised.items() if v} }; listings: {listings:,}"
        )
        print(f"checks: {checked} search rows equal index_terms; audit trail {trail.summary()}")


if __name__ == "__main__":
    main()
