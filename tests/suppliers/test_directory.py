"""The public supplier directory: active suppliers, public fields only, search and filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govmall.suppliers.models import Supplier
from tests.factories import make_supplier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def suppliers():
    made = {
        "baotou": make_supplier(name="包头市目录办公设备有限公司", division="150202")[0],
        "shop": make_supplier(
            name="昆都仑区目录文具店", supplier_type="individual", division="150203"
        )[0],
        "hohhot": make_supplier(name="呼和浩特市目录科技有限公司", division="150102")[0],
        "xian": make_supplier(name="西安目录商贸有限公司", division="610113")[0],
        "pending": make_supplier(name="包头市待审商贸有限公司", status="pending")[0],
    }
    Supplier.objects.update(
        legal_representative="法人秘密名",
        contact_phone="0472-9876543",
        contact_email="secret@example.cn",
        hotline_hours="周一至周五 8:30-17:30",
        intended_categories=["办公设备"],
    )
    return made


def names(body):
    return [r["name"] for r in body["results"]]


def test_api_lists_active_suppliers_with_public_fields_only(client, suppliers):
    response = client.get("/api/v1/suppliers/directory")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"], body["page_size"]) == (4, 1, 1, 25)
    assert names(body) == sorted(names(body))
    assert "包头市待审商贸有限公司" not in names(body)
    first = next(r for r in body["results"] if r["name"] == "包头市目录办公设备有限公司")
    assert first == {
        "name": "包头市目录办公设备有限公司",
        "credit_code": suppliers["baotou"].credit_code,
        "supplier_type": "enterprise",
        "supplier_type_label": "Enterprise",
        "size": "small",
        "size_label": "Small",
        "division_code": "150202",
        "division_name": "包头市 东河区",
        "in_region": True,
        "business_scope": "办公设备销售",
        "categories": ["办公设备"],
        "hotline_hours": "周一至周五 8:30-17:30",
        "shared": False,
        "admitted_on": first["admitted_on"],
    }
    text = response.content.decode()
    for secret in ("0472-9876543", "secret@example.cn", "法人秘密名", "李四"):
        assert secret not in text


def test_page_shows_no_private_fields(client, suppliers):
    response = client.get("/suppliers/directory/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "包头市目录办公设备有限公司" in html and "西安目录商贸有限公司" in html
    assert "包头市待审商贸有限公司" not in html
    for secret in ("0472-9876543", "secret@example.cn", "法人秘密名", "李四"):
        assert secret not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "q=目录",
            [
                "包头市目录办公设备有限公司",
                "呼和浩特市目录科技有限公司",
                "昆都仑区目录文具店",
                "西安目录商贸有限公司",
            ],
        ),
        ("type=individual", ["昆都仑区目录文具店"]),
        ("region=out", ["西安目录商贸有限公司"]),
        ("region=in&type=enterprise", ["包头市目录办公设备有限公司", "呼和浩特市目录科技有限公司"]),
        ("city=150200", ["包头市目录办公设备有限公司", "昆都仑区目录文具店"]),
        ("q=待审", []),
    ],
)
def test_search_and_filters(client, suppliers, query, expected):
    body = client.get(f"/api/v1/suppliers/directory?{query}").json()
    assert sorted(names(body)) == sorted(expected)


def test_search_by_credit_code(client, suppliers):
    code = suppliers["xian"].credit_code
    body = client.get(f"/api/v1/suppliers/directory?q={code.lower()}").json()
    assert names(body) == ["西安目录商贸有限公司"]
    html = client.get(f"/suppliers/directory/?q={code}").content.decode()
    assert "西安目录商贸有限公司" in html and "包头市目录办公设备有限公司" not in html


def test_pagination_by_25_in_constant_queries(client):
    for n in range(27):
        make_supplier(name=f"包头市分页{n:02d}有限公司", with_admin=False)
    with CaptureQueriesContext(connection) as first_page:
        body = client.get("/api/v1/suppliers/directory").json()
    assert (body["count"], body["pages"], len(body["results"])) == (27, 2, 25)
    second = client.get("/api/v1/suppliers/directory?page=2").json()
    assert names(second) == ["包头市分页25有限公司", "包头市分页26有限公司"]
    assert len(first_page.captured_queries) <= 3
    html = client.get("/suppliers/directory/?page=2").content.decode()
    assert "包头市分页26有限公司" in html and 'rel="prev"' in html
