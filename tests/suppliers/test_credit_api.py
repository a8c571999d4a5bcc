"""The credit API: a code's public status, imports, open flags, resolving; permission matrices."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from govmall.accounts.roles import OrgKind, Role
from govmall.suppliers.models import CreditFlag
from govmall.suppliers.services_credit import credit_list_import
from tests.factories import make_org, make_supplier, make_user
from tests.permissions import check_matrix, client_for, database_fingerprint
from tests.suppliers.credit_helpers import code, csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_day():
    with (
        time_machine.travel(datetime(2026, 6, 1, 2, 0, tzinfo=UTC), tick=True),
        translation.override("en"),
    ):
        yield


def upload(data: bytes, name: str = "lists.csv") -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


def test_code_status_is_public_and_lists_in_force_entries_only():
    c = code()
    data = csv_bytes(
        row(c, listed="2026-02-01", expiry="2027-01-31", reason="拒不履行", source="某法院"),
        row(c, list_type="tax_violation", listed="2024-01-01", expiry="2025-12-31"),
        row(c, list_type="procurement_violation", listed="2026-07-01"),
    )
    credit_list_import(actor=None, data=data, file_name="a.csv")
    response = client_for(None).get(f"/api/v1/credit/{c.lower()}")
    assert response.status_code == 200
    assert response.json() == {
        "credit_code": c,
        "valid": True,
        "listed": True,
        "entries": [
            {
                "list_type": "dishonest_judgment",
                "name": "包头市某某商贸有限公司",
                "reason": "拒不履行",
                "source": "某法院",
                "listed_date": "2026-02-01",
                "expiry_date": "2027-01-31",
            }
        ],
    }
    other = code("92")
    assert client_for(None).get(f"/api/v1/credit/{other}").json() == {
        "credit_code": other,
        "valid": True,
        "listed": False,
        "entries": [],
    }


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("91150202ABC", "credit_code_format"),
        ("B1150202MA0000000X", "credit_code_authority"),
    ],
)
def test_an_invalid_code_is_a_400_with_the_codes_error(value, error):
    response = client_for(None).get(f"/api/v1/credit/{value}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == error
    assert response.json()["error"]["details"] == {"field": "credit_code"}


def test_a_wrong_check_digit_is_refused():
    c = code()
    wrong = c[:17] + ("0" if c[17] != "0" else "1")
    body = client_for(None).get(f"/api/v1/credit/{wrong}").json()
    assert body["error"]["code"] == "credit_code_check_digit"


def test_import_matrix():
    supplier, supplier_admin = make_supplier()
    data = csv_bytes(row(supplier.credit_code), row("bad"))
    actors = {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "supplier admin": supplier_admin,
        "operator reviewer": make_user(Role.OPERATOR_REVIEWER, division="150200"),
        "operator admin of another city": make_user(Role.OPERATOR_ADMIN, division="150100"),
        "regulator": make_user(Role.REGULATOR, division="150000"),
    }
    expected = {
        "anonymous": 401,
        "buyer": 403,
        "supplier admin": 403,
        "operator reviewer": 403,
        "operator admin of another city": 201,
        "regulator": 201,
    }
    responses = check_matrix(
        lambda c: c.post("/api/v1/credit/imports", upload(data)), actors, expected
    )
    first = responses["operator admin of another city"].json()
    assert {k: v for k, v in first.items() if k not in ("id", "imported_at")} == {
        "file_name": "lists.csv",
        "imported_by": actors["operator admin of another city"].username,
        "rows_total": 2,
        "rows_imported": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "faults": 1,
        "flags_raised": 1,
        "report": [
            {
                "row": 3,
                "ok": False,
                "code": "credit_code_format",
                "message": first["report"][0]["message"],
            }
        ],
    }
    second = responses["regulator"].json()
    assert (second["created"], second["unchanged"], second["flags_raised"]) == (0, 1, 0)
    assert CreditFlag.objects.count() == 1


def test_a_structurally_bad_upload_is_a_400_that_imports_nothing():
    client = client_for(make_user(Role.OPERATOR_ADMIN, division="150200"))
    before = database_fingerprint()
    response = client.post("/api/v1/credit/imports", upload("列表,代码\n".encode("gbk"), "gbk.csv"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "csv_encoding"
    assert response.json()["error"]["details"] == {"field": "file", "line": 1}
    assert database_fingerprint() == before
    missing = client.post("/api/v1/credit/imports", {})
    assert missing.status_code == 422


@pytest.fixture
def flagged():
    city = make_org(OrgKind.OPERATOR, division="150200", name="包头市公共资源交易中心")
    supplier, supplier_admin = make_supplier(division="150202", name="包头某商贸有限公司")
    credit_list_import(
        actor=None,
        data=csv_bytes(row(supplier.credit_code, reason="失信", expiry="2027-05-31")),
        file_name="a.csv",
    )
    return {
        "city": city,
        "supplier": supplier,
        "supplier_admin": supplier_admin,
        "flag": CreditFlag.objects.get(),
    }


def test_open_flags_matrix(flagged):
    actors = {
        "anonymous": None,
        "supplier admin": flagged["supplier_admin"],
        "buyer": make_user(Role.BUYER),
        "operator of another city": make_user(Role.OPERATOR_ADMIN, division="150100"),
        "city reviewer": make_user(Role.OPERATOR_REVIEWER, org=flagged["city"]),
        "regulator of the city": make_user(Role.REGULATOR, division="150200"),
    }
    expected = {
        "anonymous": 401,
        "supplier admin": 403,
        "buyer": 403,
        "operator of another city": 200,
        "city reviewer": 200,
        "regulator of the city": 200,
    }
    responses = check_matrix(lambda c: c.get("/api/v1/credit/flags"), actors, expected)
    assert responses["operator of another city"].json() == []
    flag, supplier = flagged["flag"], flagged["supplier"]
    assert responses["city reviewer"].json() == [
        {
            "id": flag.pk,
            "supplier_id": supplier.pk,
            "supplier_name": "包头某商贸有限公司",
            "credit_code": supplier.credit_code,
            "division": "150202",
            "list_type": "dishonest_judgment",
            "entry_name": "包头市某某商贸有限公司",
            "reason": "失信",
            "listed_date": "2026-01-05",
            "expiry_date": "2027-05-31",
            "raised_at": responses["city reviewer"].json()[0]["raised_at"],
        }
    ]
    assert responses["regulator of the city"].json()[0]["id"] == flag.pk


def test_resolve_matrix(flagged):
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=flagged["city"])
    actors = {
        "anonymous": None,
        "supplier admin": flagged["supplier_admin"],
        "buyer": make_user(Role.BUYER),
        "regulator of the city": make_user(Role.REGULATOR, division="150200"),
        "operator of another city": make_user(Role.OPERATOR_ADMIN, division="150100"),
        "city reviewer": reviewer,
    }
    expected = {
        "anonymous": 401,
        "supplier admin": 403,
        "buyer": 403,
        "regulator of the city": 403,
        "operator of another city": 404,
        "city reviewer": 200,
    }
    url = f"/api/v1/credit/flags/{flagged['flag'].pk}/resolve"
    responses = check_matrix(
        lambda c: c.post(url, {"resolution": "经核实已履行"}, content_type="application/json"),
        actors,
        expected,
    )
    body = responses["city reviewer"].json()
    assert (body["id"], body["resolved_by"], body["resolution"]) == (
        flagged["flag"].pk,
        reviewer.username,
        "经核实已履行",
    )
    client = client_for(reviewer)
    before = database_fingerprint()
    again = client.post(url, {"resolution": "再次"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"
    for missing_id in ("999999999", "99999999999999999999999", "0"):
        missing = client.post(
            f"/api/v1/credit/flags/{missing_id}/resolve",
            {"resolution": "x"},
            content_type="application/json",
        )
        assert missing.status_code == 404, missing_id
    assert database_fingerprint() == before


def test_resolve_without_a_reason_is_refused_at_the_field(flagged):
    client = client_for(make_user(Role.OPERATOR_REVIEWER, org=flagged["city"]))
    before = database_fingerprint()
    response = client.post(
        f"/api/v1/credit/flags/{flagged['flag'].pk}/resolve",
        {"resolution": " "},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "resolution_required"
    assert response.json()["error"]["details"] == {"field": "resolution"}
    assert database_fingerprint() == before
