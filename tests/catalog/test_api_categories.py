"""Category API: public reads, regional-admin writes (permission matrices), the error shape."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog.models import AttributeSpec, Category
from tests.catalog.factories import make_category
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin
from tests.permissions import check_matrix, client_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/catalog/categories"


def actors():
    _supplier, supplier_admin = make_supplier()
    return {
        "anonymous": None,
        "supplier": supplier_admin,
        "city operator admin": make_user(
            Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200")
        ),
        "regional reviewer": make_user(
            Role.OPERATOR_REVIEWER, org=regional_operator_admin().organisation
        ),
        "regional admin": regional_operator_admin(),
    }


def expect(ok: int) -> dict[str, int]:
    return {
        "anonymous": 401,
        "supplier": 403,
        "city operator admin": 403,
        "regional reviewer": 403,
        "regional admin": ok,
    }


@pytest.fixture
def tree():
    root = make_category("A", name_zh="货物", name_en="Goods")
    comp = make_category(
        "A02", parent=root, attributes=[{"key": "cpu", "kind": "text", "is_key": True}]
    )
    desk = make_category(
        "A02010104",
        parent=comp,
        name_zh="台式计算机",
        name_en="Desktop computer",
        energy_status="mandatory",
        min_warranty_months=36,
        attributes=[
            {"key": "memory_gb", "kind": "number", "unit": "GB", "min_value": 1},
            {"key": "os", "kind": "choice", "choices": ["国产操作系统", "Windows"]},
        ],
    )
    return {"root": root, "comp": comp, "desk": desk}


def test_tree_is_public(client, tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(BASE)
    assert response.status_code == 200
    [root] = response.json()
    assert root["code"] == "A" and root["attribute_count"] == 0
    desk = root["children"][0]["children"][0]
    assert desk == {
        "code": "A02010104",
        "name_zh": "台式计算机",
        "name_en": "Desktop computer",
        "gp_code": "",
        "unspsc": "",
        "cpv": "",
        "energy_status": "mandatory",
        "min_warranty_months": 36,
        "position": 0,
        "is_active": True,
        "attribute_count": 2,
        "children": [],
    }


def test_inactive_hidden_unless_asked(client, tree):
    Category.objects.filter(code="A02010104").update(is_active=False)
    assert client.get(BASE).json()[0]["children"][0]["children"] == []
    assert client.get(BASE + "?include_inactive=true").json()[0]["children"][0]["children"]


def test_detail_has_effective_template(client, tree):
    body = client.get(f"{BASE}/A02010104").json()
    assert body["path"] == ["A", "A02", "A02010104"]
    assert body["parent"] == "A02"
    assert [(a["key"], a["category"]) for a in body["attributes"]] == [
        ("cpu", "A02"),
        ("memory_gb", "A02010104"),
        ("os", "A02010104"),
    ]
    assert body["attributes"][1]["min_value"] == "1.0000"
    missing = client.get(f"{BASE}/NOPE")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_create_matrix(tree):
    payload = {
        "code": "A020202",
        "parent_code": "A02",
        "name_zh": "投影仪",
        "name_en": "Projector",
        "energy_status": "preferred",
    }
    responses = check_matrix(
        lambda c: c.post(BASE, payload, content_type="application/json"), actors(), expect(201)
    )
    body = responses["regional admin"].json()
    assert body["path"] == ["A", "A02", "A020202"] and body["energy_status"] == "preferred"
    assert [a["key"] for a in body["attributes"]] == ["cpu"]


def test_create_errors_in_one_shape(tree):
    client = client_for(regional_operator_admin())
    for payload, code, field in [
        ({"code": "A02", "name_zh": "x", "name_en": "x"}, "duplicate_code", "code"),
        ({"code": "B-1", "name_zh": "x", "name_en": "x"}, "invalid_code", "code"),
        (
            {"code": "B1", "parent_code": "Z", "name_zh": "x", "name_en": "x"},
            "unknown_parent",
            "parent_code",
        ),
    ]:
        response = client.post(BASE, payload, content_type="application/json")
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == code
        if field:
            assert error["details"]["field"] == field
    response = client.post(BASE, {"code": "B1"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_patch_matrix_and_move(tree):
    make_category("B")
    responses = check_matrix(
        lambda c: c.patch(
            f"{BASE}/A02010104",
            {"parent_code": "B", "name_en": "Desktop PC"},
            content_type="application/json",
        ),
        actors(),
        expect(200),
    )
    body = responses["regional admin"].json()
    assert body["path"] == ["B", "A02010104"] and body["name_en"] == "Desktop PC"
    # the template no longer inherits A02's cpu
    assert [a["key"] for a in body["attributes"]] == ["memory_gb", "os"]


def test_patch_cycle_and_deactivate(tree):
    client = client_for(regional_operator_admin())
    response = client.patch(
        f"{BASE}/A", {"parent_code": "A02010104"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "cycle"
    response = client.patch(f"{BASE}/A02", {"is_active": False}, content_type="application/json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert not Category.objects.get(code="A02010104").is_active
    again = client.patch(f"{BASE}/A02", {"is_active": False}, content_type="application/json")
    assert again.status_code == 200  # no change requested: nothing happens
    missing = client.patch(f"{BASE}/NOPE", {"name_en": "x"}, content_type="application/json")
    assert missing.status_code == 404


def test_patch_unknown_code_is_403_for_others(tree):
    buyer = make_user(Role.BUYER)
    response = client_for(buyer).patch(
        f"{BASE}/NOPE", {"name_en": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_attribute_add_matrix(tree):
    payload = {
        "key": "screen_in",
        "name_zh": "显示器尺寸",
        "name_en": "Monitor size",
        "kind": "number",
        "unit": "英寸",
        "min_value": "10",
        "max_value": "40",
        "is_filter": True,
    }
    responses = check_matrix(
        lambda c: c.post(f"{BASE}/A02010104/attributes", payload, content_type="application/json"),
        actors(),
        expect(201),
    )
    body = responses["regional admin"].json()
    assert body["key"] == "screen_in" and body["category"] == "A02010104"
    assert body["position"] == 2
    event = Event.objects.filter(action="category.attribute_added").get()
    assert event.object_id == str(tree["desk"].pk)


def test_attribute_add_errors(tree):
    client = client_for(regional_operator_admin())
    url = f"{BASE}/A02010104/attributes"
    cases = [
        ({"key": "cpu", "kind": "text"}, "duplicate_attribute"),
        ({"key": "colour", "kind": "choice"}, "choices_required"),
        ({"key": "x", "kind": "number", "min_value": 5, "max_value": 1}, "invalid_range"),
        ({"key": "x", "kind": "date"}, "invalid_attribute_kind"),
    ]
    for extra, code in cases:
        payload = {"name_zh": "甲", "name_en": "A", **extra}
        response = client.post(url, payload, content_type="application/json")
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == code
    assert AttributeSpec.objects.count() == 3


def test_attribute_patch_and_delete_matrix(tree):
    responses = check_matrix(
        lambda c: c.patch(
            f"{BASE}/A02010104/attributes/os",
            {"choices": ["国产操作系统", "Windows", "无"], "is_filter": True},
            content_type="application/json",
        ),
        actors(),
        expect(200),
    )
    assert responses["regional admin"].json()["choices"] == ["国产操作系统", "Windows", "无"]
    check_matrix(lambda c: c.delete(f"{BASE}/A02010104/attributes/os"), actors(), expect(204))
    assert not AttributeSpec.objects.filter(key="os").exists()
    client = client_for(regional_operator_admin())
    assert client.delete(f"{BASE}/A02010104/attributes/os").status_code == 404


NODES = [
    {
        "code": "A09",
        "parent": "A",
        "name_zh": "办公消耗用品",
        "name_en": "Office consumables",
        "children": [
            {
                "code": "A090101",
                "name_zh": "复印纸",
                "name_en": "Copy paper",
                "attributes": [
                    {
                        "key": "size",
                        "name_zh": "规格",
                        "name_en": "Size",
                        "kind": "choice",
                        "choices": ["A4", "A3"],
                    }
                ],
            }
        ],
    }
]


def test_import_json_body_matrix(tree):
    responses = check_matrix(
        lambda c: c.post(f"{BASE}/import", NODES, content_type="application/json"),
        actors(),
        expect(200),
    )
    body = responses["regional admin"].json()
    assert (body["ok"], body["written"], body["created"], body["attributes_added"]) == (
        True,
        True,
        2,
        1,
    )
    assert Category.objects.get(code="A090101").path == "/A/A09/A090101/"


def test_import_file_upload_and_refusal(tree):
    client = client_for(regional_operator_admin())
    upload = SimpleUploadedFile(
        "cats.json", json.dumps(NODES).encode(), content_type="application/json"
    )
    response = client.post(f"{BASE}/import", {"file": upload})
    assert response.status_code == 200 and response.json()["created"] == 2
    bad = json.loads(json.dumps(NODES))
    bad[0]["children"][0]["attributes"][0]["choices"] = []
    bad[0]["children"].append({"code": "A090102", "name_zh": "信纸", "name_en": "Letter paper"})
    before = Category.objects.count()
    response = client.post(f"{BASE}/import", bad, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import_refused"
    lines = error["details"]["report"]["lines"]
    assert [(line["code"], line["error_code"]) for line in lines if not line["ok"]] == [
        ("A090101", "choices_required")
    ]
    assert Category.objects.count() == before
    garbage = client.post(f"{BASE}/import", "{oops", content_type="application/json")
    assert garbage.status_code == 400 and garbage.json()["error"]["code"] == "invalid_file"


def test_export_for_admins(tree):
    check_matrix(lambda c: c.get("/api/v1/catalog/categories-export"), actors(), expect(200))
    body = client_for(regional_operator_admin()).get("/api/v1/catalog/categories-export").json()
    assert body[0]["code"] == "A"


def test_patch_is_all_or_nothing(tree):
    """A name change with an activation the tree refuses: neither happens."""
    Category.objects.filter(code__in=["A", "A02", "A02010104"]).update(is_active=False)
    client = client_for(regional_operator_admin())
    response = client.patch(
        f"{BASE}/A02010104",
        {"name_en": "Desktop PC", "is_active": True},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "parent_inactive"
    assert Category.objects.get(code="A02010104").name_en == "Desktop computer"
    assert not Event.objects.filter(action="category.updated").exists()
