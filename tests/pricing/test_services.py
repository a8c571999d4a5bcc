"""reference_import: row checks and their codes, normalisation, dedupe, limits, atomicity,
the one audit event, who may import."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError
from django.utils import translation

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.pricing import selectors, services
from govmall.pricing.models import ReferenceImport, ReferencePrice
from govmall.pricing.services import (
    IMPORTED_ACTION,
    parse_captured_at,
    parse_price,
    parse_source,
    reference_import,
)
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin
from tests.pricing.helpers import NOW, ref_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def run(rows, **kwargs):
    kwargs.setdefault("actor", None)
    kwargs.setdefault("channel", "api")
    return reference_import(rows=rows, **kwargs)


def only_line(imp: ReferenceImport) -> dict:
    assert len(imp.report) == 1, imp.report
    return imp.report[0]


# ---- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("jd", "jd"),
        ("京东", "jd"),
        ("京东自营", "jd"),
        ("JD.com self-operated", "jd"),
        ("ＪＤ", "jd"),
        ("天猫", "tmall"),
        ("Tmall", "tmall"),
        ("苏宁", "suning"),
        ("Suning self-operated", "suning"),
        ("厂商官方", "manufacturer"),
        ("Manufacturer", "manufacturer"),
        ("manufacturer's official price", "manufacturer"),
        ("other", "other"),
        ("拼多多", None),
        ("", None),
    ],
)
def test_source_names(name, expected):
    assert parse_source(name) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1999", Decimal("1999.00")),
        ("1999.5", Decimal("1999.50")),
        (" ¥1,299.00 ", Decimal("1299.00")),
        ("￥88", Decimal("88.00")),
        (1299, Decimal("1299.00")),
        (12.5, Decimal("12.50")),
        ("0", Decimal("0.00")),
        ("-3", Decimal("-3.00")),
        ("1.234", None),
        ("abc", None),
        ("1e3", None),
        ("NaN", None),
        (float("inf"), None),
        ("12345678901", None),
        (True, None),
        (None, None),
        ("", None),
    ],
)
def test_price_parsing(value, expected):
    assert parse_price(value) == expected


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-05-30 10:00", datetime(2026, 5, 30, 2, 0, tzinfo=UTC)),
        ("2026-05-30 10:00:30", datetime(2026, 5, 30, 2, 0, 30, tzinfo=UTC)),
        ("2026/5/30 10:00", datetime(2026, 5, 30, 2, 0, tzinfo=UTC)),
        ("2026-05-30T10:00:00+08:00", datetime(2026, 5, 30, 2, 0, tzinfo=UTC)),
        ("2026-05-30T02:00:00Z", datetime(2026, 5, 30, 2, 0, tzinfo=UTC)),
        ("2026-05-30T02:00:00.5+00:00", datetime(2026, 5, 30, 2, 0, 0, 500000, tzinfo=UTC)),
        ("2026-05-30T10:00:00", datetime(2026, 5, 30, 2, 0, tzinfo=UTC)),
    ],
)
def test_capture_times(text, utc):
    assert parse_captured_at(text) == utc


@pytest.mark.parametrize(
    "text", ["2026-05-30", "yesterday", "2026-02-30 10:00", "2026-05-30 25:00", "30/05/2026 10:00"]
)
def test_bad_capture_times(text):
    assert parse_captured_at(text) is None


# ---- good rows and normalisation --------------------------------------------------------


def test_good_rows_go_in_with_normalised_keys():
    imp = run(
        [
            ref_row(brand="ＨＰ", model="M 404-dn", source="京东"),
            ref_row(brand="hp", model="m404dn", source="天猫", price="1899", url=""),
        ]
    )
    assert (imp.rows_total, imp.rows_imported, imp.rows_failed) == (2, 2, 0)
    assert imp.report == []
    rows = list(ReferencePrice.objects.order_by("id").values())
    assert [(r["source"], r["brand"], r["model_no"]) for r in rows] == [
        ("jd", "ＨＰ", "M 404-dn"),
        ("tmall", "hp", "m404dn"),
    ]
    assert {(r["brand_norm"], r["model_norm"]) for r in rows} == {("hp", "m404dn")}
    assert [r["price"] for r in rows] == [Decimal("1999.00"), Decimal("1899.00")]
    assert rows[0]["captured_at"] == datetime(2026, 5, 30, 2, 0, tzinfo=UTC)
    assert rows[0]["url"] == "https://item.jd.com/100001.html"
    assert {r["batch_id"] for r in rows} == {imp.pk}
    assert imp.channel == "api"
    assert imp.imported_at == NOW


def test_spellings_of_one_model_find_each_other():
    run([ref_row(brand="ＨＰ", model="M 404-dn", price="1999")])
    assert selectors.references(brand="hp", model="m404dn").count() == 1
    assert selectors.references(brand="Hp", model="M404").count() == 1
    assert selectors.references(brand="HP", model="m-405").count() == 0
    assert selectors.references(brand="Canon").count() == 0
    ref, _since = selectors.lowest_reference("hp", "M404DN")
    assert ref is not None and ref.price == Decimal("1999.00")


def test_lowest_reference_uses_the_window():
    run(
        [
            ref_row(price="1500", captured_at="2026-05-20 10:00"),  # 12 days ago
            ref_row(price="1800", captured_at="2026-05-28 10:00", source="tmall"),
            ref_row(price="1900", captured_at="2026-05-31 09:59", source="suning"),
        ]
    )
    ref, since = selectors.lowest_reference("HP", "M404dn")
    assert ref is not None and ref.price == Decimal("1800.00") and ref.source == "tmall"
    assert since == datetime(2026, 5, 25, 2, 0, tzinfo=UTC)
    ref, _ = selectors.lowest_reference("HP", "M404dn", days=30)
    assert ref is not None and ref.price == Decimal("1500.00")
    assert selectors.lowest_reference("HP", "M404dn", days=1)[0] is None


def test_chinese_and_english_keys_are_accepted():
    imp = run(
        [
            {
                "来源": "苏宁",
                "品牌": "联想",
                "型号": "ThinkPad E14",
                "价格": "4999",
                "采集时间": "2026-05-31 09:00",
            }
        ]
    )
    assert imp.rows_imported == 1
    ref = ReferencePrice.objects.get()
    assert (ref.source, ref.brand_norm, ref.model_norm, ref.url) == (
        "suning",
        "联想",
        "thinkpade14",
        "",
    )


def test_small_future_skew_is_accepted():
    imp = run([ref_row(captured_at="2026-06-01T02:04:00Z")])
    assert imp.rows_imported == 1


# ---- bad rows: one code each ------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "code", "field"),
    [
        ("not a row", "invalid_row", None),
        (ref_row(brand={"x": 1}), "invalid_value", "brand"),
        (ref_row(brand="a\x00b"), "invalid_value", "brand"),
        (ref_row(source=""), "missing_value", "source"),
        (ref_row(brand="  "), "missing_value", "brand"),
        (ref_row(model=None), "missing_value", "model"),
        (ref_row(price=""), "missing_value", "price"),
        (ref_row(captured_at=""), "missing_value", "captured_at"),
        (ref_row(model="- -"), "missing_value", "model"),
        (ref_row(source="拼多多"), "unknown_source", "source"),
        (ref_row(brand="B" * 101), "value_too_long", "brand"),
        (ref_row(model="M" * 101), "value_too_long", "model"),
        (ref_row(price="12.345"), "invalid_price", "price"),
        (ref_row(price="abc"), "invalid_price", "price"),
        (ref_row(price=[1]), "invalid_price", "price"),
        (ref_row(price="0"), "price_not_positive", "price"),
        (ref_row(price=-5), "price_not_positive", "price"),
        (ref_row(captured_at="2026-05-30"), "invalid_captured_at", "captured_at"),
        (ref_row(captured_at="2026-06-01 10:06"), "captured_in_future", "captured_at"),
        (ref_row(url="ftp://example.com/x"), "invalid_url", "url"),
        (ref_row(url="javascript:alert(1)"), "invalid_url", "url"),
        (ref_row(url="https://example.com/" + "a" * 500), "invalid_url", "url"),
    ],
)
def test_each_bad_row_code(row, code, field):
    imp = run([ref_row(model="GOOD-1"), row])
    assert (imp.rows_total, imp.rows_imported, imp.rows_failed) == (2, 1, 1)
    line = only_line(imp)
    assert (line["row"], line["code"], line["field"], line["failed"]) == (2, code, field, True)
    assert line["message"]
    assert ReferencePrice.objects.get().model_norm == "good1"


def test_report_line_shows_the_value_and_a_clear_message():
    imp = run([ref_row(price="12.345")])
    assert only_line(imp) == {
        "row": 1,
        "code": "invalid_price",
        "field": "price",
        "value": "12.345",
        "message": "The price 12.345 is not an amount in yuan with at most 2 decimal places "
        "(at most 9,999,999,999.99).",
        "failed": True,
    }


def test_rows_from_a_reader_keep_their_line_numbers():
    imp = run([{**ref_row(), "_row": 7}, {**ref_row(price="x"), "_row": 9}], channel="csv")
    assert only_line(imp)["row"] == 9


# ---- duplicates -------------------------------------------------------------------------


def test_duplicates_in_one_import_are_skipped_not_failed():
    imp = run(
        [
            ref_row(),
            ref_row(brand="ｈｐ", model="m404-DN", price="1999"),  # the same observation
            ref_row(price="1998"),  # another price: a new observation
            ref_row(captured_at="2026-05-30T02:00:00Z"),  # same instant, other notation
        ]
    )
    assert (imp.rows_total, imp.rows_imported, imp.rows_failed) == (4, 2, 0)
    assert services.rows_duplicate(imp) == 2
    assert [(line["row"], line["code"], line["failed"]) for line in imp.report] == [
        (2, "duplicate_in_file", False),
        (4, "duplicate_in_file", False),
    ]
    assert imp.report[0]["message"] == "Skipped: the same observation as row 1."


def test_reimport_is_idempotent():
    rows = [ref_row(), ref_row(source="tmall"), ref_row(price="bad")]
    first = run(rows)
    second = run(rows)
    assert (first.rows_imported, first.rows_failed) == (2, 1)
    assert (second.rows_total, second.rows_imported, second.rows_failed) == (3, 0, 1)
    assert [(line["row"], line["code"]) for line in second.report] == [
        (1, "already_imported"),
        (2, "already_imported"),
        (3, "invalid_price"),
    ]
    assert ReferencePrice.objects.count() == 2


def test_duplicates_are_found_across_batches():
    rows = [ref_row(model=f"M{i}") for i in range(5)] + [ref_row(model="M0")]
    imp = run(rows, batch_size=2)
    assert (imp.rows_imported, services.rows_duplicate(imp)) == (5, 1)
    assert imp.report[0]["code"] == "duplicate_in_file"


# ---- limits, empty, batches -------------------------------------------------------------


def test_api_limit_refuses_the_whole_call():
    rows = [ref_row(model=f"M{i}") for i in range(services.LIMITS["api"] + 1)]
    with pytest.raises(DomainError) as exc:
        run(rows)
    assert exc.value.code == "import_too_large"
    assert exc.value.details["limit"] == 5000
    assert ReferenceImport.objects.count() == 0 and ReferencePrice.objects.count() == 0


def test_streamed_rows_past_the_limit_leave_nothing():
    rows = (ref_row(model=f"M{i}") for i in range(7))
    with pytest.raises(DomainError) as exc:
        run(rows, channel="csv", max_rows=5, batch_size=2)
    assert exc.value.code == "import_too_large"
    assert ReferenceImport.objects.count() == 0 and ReferencePrice.objects.count() == 0
    assert not Event.objects.filter(action=IMPORTED_ACTION).exists()


def test_csv_limit_is_larger():
    assert services.LIMITS == {"csv": 50_000, "api": 5_000}


def test_no_rows_is_refused():
    with pytest.raises(DomainError) as exc:
        run([])
    assert exc.value.code == "no_rows"
    assert ReferenceImport.objects.count() == 0


def test_progress_is_reported_per_batch():
    seen = []
    run([ref_row(model=f"M{i}") for i in range(5)], batch_size=2, progress=seen.append)
    assert seen == [2, 4, 5]


def test_report_is_capped_but_counts_are_not(monkeypatch):
    monkeypatch.setattr(services, "REPORT_LIMIT", 3)
    imp = run([ref_row(price="x")] * 5)
    assert imp.rows_failed == 5
    assert [line["code"] for line in imp.report] == ["invalid_price"] * 3 + ["report_truncated"]
    assert imp.report[-1]["message"] == "2 more report lines are not listed."


# ---- atomicity and the trail ------------------------------------------------------------


def test_a_database_error_half_way_leaves_nothing(monkeypatch):
    calls = {"n": 0}
    original = ReferencePrice.objects.bulk_create

    def failing(objs, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise DatabaseError("disk full")
        return original(objs, **kwargs)

    monkeypatch.setattr(ReferencePrice.objects, "bulk_create", failing)
    events = Event.objects.count()
    with pytest.raises(DatabaseError):
        run([ref_row(model=f"M{i}") for i in range(4)], batch_size=2)
    assert calls["n"] == 2
    assert ReferencePrice.objects.count() == 0
    assert ReferenceImport.objects.count() == 0
    assert Event.objects.count() == events


def test_one_audit_event_with_the_counts():
    actor = regional_operator_admin()
    imp = run(
        [ref_row(), ref_row(), ref_row(price="0"), ref_row(source="tmall")],
        actor=actor,
        file_name="C:\\data\\jd-0530.csv",
        channel="csv",
    )
    events = list(Event.objects.filter(object_type="pricing.referenceimport"))
    assert len(events) == 1
    event = events[0]
    assert event.object_id == str(imp.pk)
    assert event.action == IMPORTED_ACTION
    assert event.actor_id == actor.pk
    assert event.organisation_id == actor.organisation_id
    assert event.after == {
        "channel": "csv",
        "file_name": "jd-0530.csv",
        "rows_total": 4,
        "rows_imported": 2,
        "rows_failed": 1,
        "rows_duplicate": 1,
    }
    imp.refresh_from_db()
    assert imp.file_name == "jd-0530.csv"
    assert imp.imported_by == actor
    assert imp.audit_length == 1


def test_the_system_imports_without_an_actor():
    imp = run([ref_row()])
    event = Event.objects.get(object_type="pricing.referenceimport")
    assert imp.imported_by is None
    assert event.actor_id is None and event.actor_label == "system"


# ---- who may import ---------------------------------------------------------------------


def _city_operator_admin():
    return make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200"))


@pytest.mark.parametrize(
    "make_actor",
    [
        _city_operator_admin,
        lambda: make_user(
            Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR, division="150000")
        ),
        lambda: make_user(Role.REGULATOR),
        lambda: make_user(Role.BUYER),
        lambda: make_supplier()[1],
    ],
)
def test_only_regional_operator_admins_import(make_actor):
    actor = make_actor()
    events = Event.objects.count()
    with pytest.raises(DomainError) as exc:
        run([ref_row()], actor=actor)
    assert exc.value.status == 403
    assert ReferenceImport.objects.count() == 0 and ReferencePrice.objects.count() == 0
    assert Event.objects.count() == events


def test_refused_before_looking_at_the_rows():
    actor = _city_operator_admin()
    with pytest.raises(DomainError) as exc:
        run([ref_row()] * 6000, actor=actor)
    assert exc.value.status == 403
