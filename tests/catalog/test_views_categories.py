"""Category management pages: access, the tree, editing, attributes, import, export."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog.categories import ensure_demo_categories
from govmall.catalog.models import AttributeSpec, Category
from tests.catalog.factories import make_category
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin
from tests.permissions import client_for, database_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(english):
    return client_for(regional_operator_admin())


@pytest.fixture
def desk():
    root = make_category("A", name_zh="货物", name_en="Goods")
    return make_category(
        "A02010104",
        parent=root,
        name_zh="台式计算机",
        name_en="Desktop computer",
        energy_status="mandatory",
        attributes=[{"key": "memory_gb", "kind": "number", "unit": "GB", "is_key": True}],
    )


def test_pages_refused_to_others(desk, english):
    city = make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200"))
    _supplier, supplier_admin = make_supplier()
    urls = [
        reverse("catalog:categories_manage"),
        reverse("catalog:category_new"),
        reverse("catalog:categories_import"),
        reverse("catalog:categories_export"),
        reverse("catalog:category_edit", args=["A02010104"]),
        reverse("catalog:category_attribute_edit", args=["A02010104", "memory_gb"]),
    ]
    for user in (city, supplier_admin):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
    client = client_for(city)
    before = database_fingerprint()
    posts = [
        (reverse("catalog:category_new"), {"code": "X", "name_zh": "x", "name_en": "x"}),
        (reverse("catalog:category_active", args=["A02010104"]), {}),
        (
            reverse("catalog:category_attribute_add", args=["A02010104"]),
            {"attr-key": "x", "attr-name_zh": "x", "attr-name_en": "x", "attr-kind": "text"},
        ),
        (reverse("catalog:category_attribute_remove", args=["A02010104", "memory_gb"]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert database_fingerprint() == before
    anonymous = client_for(None).get(reverse("catalog:categories_manage"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_tree_page_shows_codes_badges_and_counts(admin_client, django_assert_max_num_queries):
    ensure_demo_categories()
    response = admin_client.get(reverse("catalog:categories_manage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="A02010104"' in html
    assert "★ Mandatory" in html and "Preferred" in html
    assert "55 categories, 30 leaves" in html


def test_create_category_and_errors_at_the_field(admin_client, desk):
    url = reverse("catalog:category_new")
    data = {
        "code": "A02010105",
        "parent_code": "A",
        "name_zh": "便携式计算机",
        "name_en": "Laptop",
        "energy_status": "mandatory",
        "min_warranty_months": "36",
        "position": "2",
    }
    response = admin_client.post(url, {**data, "code": "A02010104"})
    assert response.status_code == 200
    assert 'id="error-code"' in response.content.decode()
    assert "already exists" in response.content.decode()
    response = admin_client.post(url, {**data, "cpv": "nope"})
    assert 'id="error-cpv"' in response.content.decode()
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:category_edit", args=["A02010105"])
    created = Category.objects.get(code="A02010105")
    assert (created.path, created.min_warranty_months) == ("/A/A02010105/", 36)


def test_edit_category_moves_it(admin_client, desk):
    make_category("B")
    url = reverse("catalog:category_edit", args=["A02010104"])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "memory_gb" in page.content.decode()
    response = admin_client.post(
        url,
        {
            "parent_code": "B",
            "name_zh": "台式计算机",
            "name_en": "Desktop PC",
            "energy_status": "mandatory",
            "min_warranty_months": "36",
            "position": "0",
        },
    )
    assert response.status_code == 302
    desk.refresh_from_db()
    assert (desk.path, desk.name_en, desk.min_warranty_months) == (
        "/B/A02010104/",
        "Desktop PC",
        36,
    )
    bad = admin_client.post(
        url,
        {
            "parent_code": "B",
            "name_zh": "",
            "name_en": "x",
            "energy_status": "none",
            "min_warranty_months": "0",
        },
    )
    assert bad.status_code == 400 and 'id="error-name_zh"' in bad.content.decode()
    missing = admin_client.get(reverse("catalog:category_edit", args=["NOPE"]))
    assert missing.status_code == 404


def test_add_edit_remove_attribute(admin_client, desk):
    add = reverse("catalog:category_attribute_add", args=["A02010104"])
    data = {
        "attr-key": "os",
        "attr-name_zh": "操作系统",
        "attr-name_en": "Operating system",
        "attr-kind": "choice",
        "attr-choices": "国产操作系统\nWindows\n无",
        "attr-min_value": "5",  # ignored for a choice
        "attr-is_filter": "on",
    }
    response = admin_client.post(add, data)
    assert response.status_code == 302
    spec = AttributeSpec.objects.get(key="os")
    assert spec.choices == ["国产操作系统", "Windows", "无"]
    assert spec.min_value is None and spec.is_filter and spec.position == 1
    assert Event.objects.filter(action="category.attribute_added").count() == 1
    # errors at the field
    dup = admin_client.post(add, data)
    assert dup.status_code == 400 and 'id="error-attr-key"' in dup.content.decode()
    empty = admin_client.post(add, {**data, "attr-key": "os2", "attr-choices": ""})
    assert 'id="error-attr-choices"' in empty.content.decode()
    rng = admin_client.post(
        add,
        {
            **data,
            "attr-key": "cores",
            "attr-kind": "number",
            "attr-min_value": "9",
            "attr-max_value": "2",
        },
    )
    assert 'id="error-attr-min_value"' in rng.content.decode()
    # edit
    edit = reverse("catalog:category_attribute_edit", args=["A02010104", "os"])
    assert admin_client.get(edit).status_code == 200
    response = admin_client.post(
        edit,
        {
            "name_zh": "操作系统",
            "name_en": "OS",
            "kind": "choice",
            "choices": "国产操作系统\n无",
            "required": "on",
        },
    )
    assert response.status_code == 302
    spec.refresh_from_db()
    assert (spec.name_en, spec.choices, spec.required, spec.is_filter) == (
        "OS",
        ["国产操作系统", "无"],
        True,
        False,
    )
    # remove
    remove = reverse("catalog:category_attribute_remove", args=["A02010104", "os"])
    assert admin_client.post(remove).status_code == 302
    assert not AttributeSpec.objects.filter(key="os").exists()
    assert admin_client.get(edit).status_code == 404


def test_toggle_active(admin_client, desk):
    url = reverse("catalog:category_active", args=["A"])
    assert admin_client.post(url).status_code == 302
    assert not Category.objects.get(code="A02010104").is_active
    admin_client.post(reverse("catalog:category_active", args=["A02010104"]))
    assert not Category.objects.get(code="A02010104").is_active  # parent inactive: refused
    admin_client.post(url)
    assert Category.objects.get(code="A").is_active


def test_import_page_report_and_refusal(admin_client, desk):
    url = reverse("catalog:categories_import")
    assert admin_client.get(url).status_code == 200
    nodes = [{"code": "A09", "parent": "A", "name_zh": "办公消耗用品", "name_en": "Consumables"}]
    upload = SimpleUploadedFile("c.json", json.dumps(nodes).encode())
    response = admin_client.post(url, {"file": upload})
    assert response.status_code == 200
    assert "1 created" in response.content.decode()
    bad = [
        {
            "code": "A0901",
            "parent": "A09",
            "name_zh": "纸",
            "name_en": "Paper",
            "energy_status": "always",
        }
    ]
    response = admin_client.post(
        url, {"file": SimpleUploadedFile("b.json", json.dumps(bad).encode())}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was imported" in html and "invalid_energy_status" in html
    assert not Category.objects.filter(code="A0901").exists()
    garbage = admin_client.post(url, {"file": SimpleUploadedFile("g.json", b"{oops")})
    assert garbage.status_code == 400 and 'id="error-file"' in garbage.content.decode()


def test_export_download(admin_client, desk):
    response = admin_client.get(reverse("catalog:categories_export"))
    assert response["Content-Disposition"] == 'attachment; filename="categories.json"'
    assert json.loads(response.content)[0]["code"] == "A"
