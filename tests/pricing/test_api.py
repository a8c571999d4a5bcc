"""The pricing API: imports (JSON and CSV), searches, the lowest reference, imports and their
reports; the permission matrix of every endpoint (refused calls change nothing)."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.pricing.models import ReferenceImport, ReferencePrice
from govmall.pricing.services import reference_import
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin
from tests.permissions import check_matrix, client_for, database_fingerprint
from tests.pricing.helpers import GOOD_LINE, NOW, csv_bytes, ref_row

pytestmark = pytest.mark.django_db

BASE = "/api/v1/pricing"
READ = {"anonymous": 401, "supplier": 403, "purchaser": 403, "city_operator_admin": 200}
READ |= {"regulator": 200, "regional_admin": 200}
WRITE = {"anonymous": 401, "supplier": 403, "purchaser": 403, "city_operator_admin": 403}
WRITE |= {"regulator": 403, "regional_admin": 201}


@pytest.fixture(autouse=True)
def _clock(english):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def actors():
    return {
        "anonymous": None,
        "supplier": make_supplier()[1],
        "purchaser": make_user(Role.BUYER),
        "city_operator_admin": make_user(
            Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200")
        ),
        "regulator": make_user(Role.REGULATOR),
        "regional_admin": regional_operator_admin(),
    }


@pytest.fixture
def admin():
    return regional_operator_admin()


def post_rows(client, rows):
    return client.post(f"{BASE}/references", {"rows": rows}, content_type="application/json")


def post_csv(client, data: bytes, name: str = "prices.csv"):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(f"{BASE}/references/csv", {"file": upload})


# ---- matrices ---------------------------------------------------------------------------


def test_json_import_matrix(actors):
    responses = check_matrix(lambda c: post_rows(c, [ref_row()]), actors, WRITE)
    assert responses["regional_admin"].json()["rows_imported"] == 1
    assert ReferencePrice.objects.count() == 1


def test_csv_import_matrix(actors):
    check_matrix(lambda c: post_csv(c, csv_bytes(GOOD_LINE)), actors, WRITE)
    assert ReferenceImport.objects.get().channel == "csv"


@pytest.mark.parametrize(
    "path",
    [
        "/references?brand=hp",
        "/references/lowest?brand=hp&model=m404dn",
        "/imports",
        "/imports/{id}",
    ],
)
def test_read_matrix(actors, path):
    imp = reference_import(actor=None, rows=[ref_row()], channel="api")
    check_matrix(lambda c: c.get(BASE + path.format(id=imp.pk)), actors, READ)


def test_refused_bad_csv_from_an_outsider_is_403_not_400(actors):
    check_matrix(
        lambda c: post_csv(c, b"\x89PNG\r\n\x1a\n\x00"),
        {"supplier": actors["supplier"]},
        {"supplier": 403},
    )


# ---- imports ----------------------------------------------------------------------------


def test_json_import_answer(admin):
    response = post_rows(
        client_for(admin),
        [ref_row(brand="ＨＰ", model="M 404-dn"), ref_row(price="0"), ref_row(), 42],
    )
    assert response.status_code == 201
    body = response.json()
    imp = ReferenceImport.objects.get()
    assert body == {
        "import_id": imp.pk,
        "channel": "api",
        "file_name": "",
        "imported_at": "2026-06-01T02:00:00Z",
        "imported_by": admin.username,
        "rows_total": 4,
        "rows_imported": 1,
        "rows_failed": 2,
        "rows_duplicate": 1,
        "report": [
            {
                "row": 2,
                "code": "price_not_positive",
                "field": "price",
                "value": "0",
                "message": "The price must be greater than zero.",
                "failed": True,
            },
            {
                "row": 3,
                "code": "duplicate_in_file",
                "field": None,
                "value": "",
                "message": "Skipped: the same observation as row 1.",
                "failed": False,
            },
            {
                "row": 4,
                "code": "invalid_row",
                "field": None,
                "value": "",
                "message": "The row is not an object of named fields.",
                "failed": True,
            },
        ],
    }


def test_numbers_in_json_are_accepted(admin):
    response = post_rows(client_for(admin), [ref_row(price=1999.5, model=404)])
    assert response.status_code == 201
    ref = ReferencePrice.objects.get()
    assert (str(ref.price), ref.model_no) == ("1999.50", "404")


def test_too_many_rows(admin):
    client = client_for(admin)
    before = database_fingerprint()
    response = post_rows(client, [ref_row(model=f"M{i}") for i in range(5001)])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_too_large"
    assert error["details"] == {"field": "rows", "limit": 5000, "rows": 5001}
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    "body", [{}, {"rows": "x"}, {"rows": None}, {"rows": [ref_row()], "extra": {"a": 1}}]
)
def test_malformed_bodies(admin, body):
    response = client_for(admin).post(f"{BASE}/references", body, content_type="application/json")
    if "extra" in body:  # unknown top-level keys are ignored
        assert response.status_code == 201
        return
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_empty_rows(admin):
    response = post_rows(client_for(admin), [])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_rows"


def test_csv_import_answer(admin):
    data = csv_bytes(GOOD_LINE, "拼多多,HP,M404dn,1,2026-05-30 10:00,", bom=True)
    response = post_csv(client_for(admin), data, name="jd.csv")
    assert response.status_code == 201
    body = response.json()
    assert (body["file_name"], body["channel"], body["rows_total"]) == ("jd.csv", "csv", 2)
    assert (body["rows_imported"], body["rows_failed"]) == (1, 1)
    assert [(line["row"], line["code"], line["field"]) for line in body["report"]] == [
        (3, "unknown_source", "source")
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (csv_bytes(GOOD_LINE, header="brand,model,price,captured_at"), "missing_column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "invalid_file"),
        (b"", "empty_file"),
    ],
)
def test_structurally_bad_csv_imports_nothing(admin, data, code):
    client = client_for(admin)
    before = database_fingerprint()
    response = post_csv(client, data)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert database_fingerprint() == before


def test_missing_column_is_named_in_the_error(admin):
    response = post_csv(client_for(admin), csv_bytes(GOOD_LINE, header="source,brand,model,price"))
    error = response.json()["error"]
    assert error["details"]["column"] == "captured_at"
    assert "captured_at" in error["message"]


def test_csv_over_the_limit(admin, monkeypatch):
    from govmall.pricing import api

    monkeypatch.setitem(api.LIMITS, "csv", 2)
    response = post_csv(client_for(admin), csv_bytes(GOOD_LINE, GOOD_LINE, GOOD_LINE))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "import_too_large"
    assert ReferenceImport.objects.count() == 0


def test_csv_file_too_large(admin, monkeypatch):
    from govmall.pricing import api

    monkeypatch.setattr(api, "MAX_FILE_BYTES", 10)
    response = post_csv(client_for(admin), csv_bytes(GOOD_LINE))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"


def test_missing_file_part(admin):
    response = client_for(admin).post(f"{BASE}/references/csv", {})
    assert response.status_code == 422


# ---- reads ------------------------------------------------------------------------------


def test_search_uses_normalised_keys_and_pages(admin, monkeypatch):
    from govmall.pricing import selectors

    reference_import(
        actor=None,
        rows=[
            ref_row(brand="ＨＰ", model="M 404-dn", price="1999"),
            ref_row(brand="HP", model="M404n", price="1799", source="tmall"),
            ref_row(brand="Canon", model="LBP2900", price="999"),
        ],
        channel="api",
    )
    client = client_for(admin)
    body = client.get(f"{BASE}/references", {"brand": "hp", "model": "m404-DN"}).json()
    assert body["count"] == 1 and body["pages"] == 1
    (ref,) = body["results"]
    assert ref["brand"] == "ＨＰ" and ref["model"] == "M 404-dn"
    assert (ref["brand_norm"], ref["model_norm"], ref["price"]) == ("hp", "m404dn", "1999.00")
    assert ref["source"] == "jd" and ref["source_label"] == "JD.com self-operated"
    assert ref["captured_at"] == "2026-05-30T02:00:00Z"
    assert client.get(f"{BASE}/references", {"brand": "Ｈｐ", "model": "M404"}).json()["count"] == 2
    assert client.get(f"{BASE}/references", {"source": "tmall"}).json()["count"] == 1
    assert client.get(f"{BASE}/references", {"source": "ebay"}).json()["count"] == 0
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    page2 = client.get(f"{BASE}/references", {"page": 2}).json()
    assert (page2["count"], page2["page"], page2["pages"], len(page2["results"])) == (3, 2, 2, 1)
    assert client.get(f"{BASE}/references", {"page": 0}).status_code == 422


def test_lowest(admin):
    reference_import(
        actor=None,
        rows=[
            ref_row(price="1500", captured_at="2026-05-20 10:00"),
            ref_row(price="1800", source="tmall", captured_at="2026-05-29 10:00"),
        ],
        channel="api",
    )
    client = client_for(admin)
    body = client.get(f"{BASE}/references/lowest", {"brand": "ｈｐ", "model": "m404 DN"}).json()
    assert body["reference"]["price"] == "1800.00" and body["reference"]["source"] == "tmall"
    assert body["days"] == 7 and body["since"] == "2026-05-25T02:00:00Z"
    body = client.get(f"{BASE}/references/lowest", {"brand": "hp", "model": "m404dn", "days": 30})
    assert body.json()["reference"]["price"] == "1500.00"
    body = client.get(f"{BASE}/references/lowest", {"brand": "hp", "model": "nothing"}).json()
    assert body["reference"] is None
    assert client.get(f"{BASE}/references/lowest", {"brand": "hp"}).status_code == 422
    bad_days = client.get(f"{BASE}/references/lowest", {"brand": "a", "model": "b", "days": 0})
    assert bad_days.status_code == 422


def test_imports_list_and_detail(admin):
    first = reference_import(actor=None, rows=[ref_row()], channel="api")
    second = reference_import(actor=admin, rows=[ref_row(), ref_row(price="x")], channel="api")
    client = client_for(make_user(Role.REGULATOR))
    body = client.get(f"{BASE}/imports").json()
    assert body["count"] == 2
    assert [i["import_id"] for i in body["results"]] == [second.pk, first.pk]
    assert "report" not in body["results"][0]
    assert body["results"][1]["imported_by"] is None
    detail = client.get(f"{BASE}/imports/{second.pk}").json()
    assert (detail["rows_imported"], detail["rows_failed"], detail["rows_duplicate"]) == (0, 1, 1)
    assert [line["code"] for line in detail["report"]] == ["already_imported", "invalid_price"]
    for missing in (second.pk + 100, 0, 2**63):
        response = client.get(f"{BASE}/imports/{missing}")
        assert response.status_code == 404, missing
        assert response.json()["error"]["code"] == "not_found"


def test_import_event_is_on_the_trail(admin):
    post_rows(client_for(admin), [ref_row()])
    assert Event.objects.filter(action="reference.imported").count() == 1
