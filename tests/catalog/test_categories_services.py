"""Category tree and attribute template services: validation codes, moves, the trail, access."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog import services_categories as svc
from govmall.catalog.categories import (
    category_tree,
    descendant_ids,
    flatten,
    get_by_code,
    leaf_categories,
)
from govmall.catalog.models import AttributeSpec, Category
from govmall.core.errors import DomainError, InvalidTransition, NotFound
from tests.catalog.factories import make_category, make_listing_row
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return regional_operator_admin()


def events(category: Category, action: str | None = None) -> list[Event]:
    qs = Event.objects.filter(object_type="catalog.category", object_id=str(category.pk))
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("seq"))


def create(admin, code, parent=None, **kw):
    kw.setdefault("name_zh", f"品目{code}")
    kw.setdefault("name_en", f"Category {code}")
    return svc.category_create(actor=admin, code=code, parent_code=parent, **kw)


def add_attr(admin, category, key="memory_gb", **kw):
    kw.setdefault("name_zh", "内存容量")
    kw.setdefault("name_en", "Memory")
    kw.setdefault("kind", "number")
    return svc.attribute_add(actor=admin, category=category, key=key, **kw)


def code_of(call) -> str:
    with pytest.raises(DomainError) as info:
        call()
    return info.value.code


# --- create -----------------------------------------------------------------------------------


def test_create_root_and_child_sets_path_depth_and_audits(admin):
    root = create(admin, "X")
    child = create(
        admin,
        "X01",
        "X",
        name_zh="台式计算机",
        name_en="Desktop",
        gp_code="A02010104",
        unspsc="43211507",
        cpv="30213300-8",
        energy_status="mandatory",
        min_warranty_months=36,
        position=3,
    )
    assert (root.path, root.depth) == ("/X/", 0)
    assert (child.path, child.depth, child.parent_id) == ("/X/X01/", 1, root.pk)
    child.refresh_from_db()
    assert child.energy_status == "mandatory"
    assert child.min_warranty_months == 36
    [event] = events(child)
    assert event.action == "category.created"
    assert event.actor_id == admin.pk
    assert event.after["code"] == "X01"
    assert event.after["parent"] == "X"
    assert event.after["energy_status"] == "mandatory"


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"code": "A-1"}, "invalid_code", "code"),
        ({"code": ""}, "invalid_code", "code"),
        ({"code": "A" * 31}, "invalid_code", "code"),
        ({"code": "B1", "parent_code": "NOPE"}, "unknown_parent", "parent_code"),
        ({"code": "B1", "name_zh": ""}, "required", "name_zh"),
        ({"code": "B1", "energy_status": "maybe"}, "invalid_energy_status", "energy_status"),
        ({"code": "B1", "min_warranty_months": -1}, "invalid_warranty", "min_warranty_months"),
        ({"code": "B1", "min_warranty_months": 121}, "invalid_warranty", "min_warranty_months"),
        ({"code": "B1", "unspsc": "4321-1507"}, "invalid_unspsc", "unspsc"),
        ({"code": "B1", "cpv": "3021330"}, "invalid_cpv", "cpv"),
        ({"code": "B1", "gp_code": "A02 01"}, "invalid_gp_code", "gp_code"),
        ({"code": "B1", "position": "x"}, "invalid_position", "position"),
    ],
)
def test_create_refuses_bad_input(admin, kwargs, code, field):
    args = {"code": "B1", "parent_code": None, "name_zh": "甲", "name_en": "A", **kwargs}
    with pytest.raises(DomainError) as info:
        svc.category_create(actor=admin, **args)
    assert (info.value.code, info.value.field) == (code, field)
    assert not Category.objects.exists()
    assert not Event.objects.filter(object_type="catalog.category").exists()


def test_duplicate_code(admin):
    create(admin, "X")
    assert code_of(lambda: create(admin, "X")) == "duplicate_code"
    assert Category.objects.count() == 1


@pytest.mark.parametrize(
    "role", [Role.OPERATOR_REVIEWER, Role.SUPPLIER_ADMIN, Role.BUYER, Role.REGULATOR]
)
def test_only_regional_operator_admins(role):
    user = make_user(role)
    with pytest.raises(DomainError) as info:
        svc.category_create(actor=user, code="X", parent_code=None, name_zh="甲", name_en="A")
    assert info.value.status == 403
    assert not Category.objects.exists()


def test_city_operator_admin_refused():
    city = make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200"))
    with pytest.raises(DomainError) as info:
        svc.category_create(actor=city, code="X", parent_code=None, name_zh="甲", name_en="A")
    assert info.value.status == 403


def test_anonymous_refused():
    with pytest.raises(DomainError) as info:
        svc.category_create(actor=None, code="X", parent_code=None, name_zh="甲", name_en="A")
    assert info.value.status == 401


# --- update and move --------------------------------------------------------------------------


def test_update_fields_records_only_changes(admin):
    c = create(admin, "X", energy_status="none")
    svc.category_update(actor=admin, category=c, name_en="Computers", energy_status="preferred")
    c.refresh_from_db()
    assert (c.name_en, c.energy_status, c.name_zh) == ("Computers", "preferred", "品目X")
    event = events(c, "category.updated")[0]
    assert event.before == {"name_en": "Category X", "energy_status": "none"}
    assert event.after == {"name_en": "Computers", "energy_status": "preferred"}


def test_update_without_change_records_nothing(admin):
    c = create(admin, "X")
    svc.category_update(actor=admin, category=c, name_en="Category X")
    assert events(c, "category.updated") == []


def test_moving_a_subtree_updates_paths_and_depths(admin):
    create(admin, "A")
    create(admin, "B")
    a1 = create(admin, "A1", "A")
    create(admin, "A11", "A1")
    create(admin, "A111", "A11")
    svc.category_update(actor=admin, category=a1, parent_code="B")
    paths = dict(Category.objects.values_list("code", "path"))
    depths = dict(Category.objects.values_list("code", "depth"))
    assert paths["A1"] == "/B/A1/"
    assert paths["A11"] == "/B/A1/A11/"
    assert paths["A111"] == "/B/A1/A11/A111/"
    assert (depths["A1"], depths["A11"], depths["A111"]) == (1, 2, 3)
    assert get_by_code("A1").parent.code == "B"
    moved = events(a1, "category.updated")[0]
    assert moved.before["parent"] == "A" and moved.after["parent"] == "B"
    assert moved.after["path"] == "/B/A1/"
    assert len(events(get_by_code("A111"), "category.path_changed")) == 1
    # to the root
    svc.category_update(actor=admin, category=get_by_code("A11"), parent_code="")
    assert get_by_code("A111").path == "/A11/A111/"
    assert get_by_code("A111").depth == 1


def test_move_under_itself_or_descendant_is_a_cycle(admin):
    a = create(admin, "A")
    create(admin, "A1", "A")
    for target in ("A", "A1"):
        assert (
            code_of(lambda t=target: svc.category_update(actor=admin, category=a, parent_code=t))
            == "cycle"
        )
    assert get_by_code("A1").path == "/A/A1/"


def test_update_unknown_parent(admin):
    a = create(admin, "A")
    assert (
        code_of(lambda: svc.category_update(actor=admin, category=a, parent_code="Z"))
        == "unknown_parent"
    )


# --- activate / deactivate --------------------------------------------------------------------


def test_deactivate_cascades_activate_needs_active_parent(admin):
    a = create(admin, "A")
    a1 = create(admin, "A1", "A")
    svc.category_deactivate(actor=admin, category=a)
    assert not get_by_code("A").is_active and not get_by_code("A1").is_active
    assert events(a1, "category.deactivated")
    with pytest.raises(InvalidTransition):
        svc.category_deactivate(actor=admin, category=get_by_code("A"))
    assert code_of(lambda: svc.category_activate(actor=admin, category=a1)) == "parent_inactive"
    svc.category_activate(actor=admin, category=get_by_code("A"))
    svc.category_activate(actor=admin, category=get_by_code("A1"))
    assert get_by_code("A1").is_active
    assert [e.action for e in events(a)][-1] == "category.activated"


# --- attributes -------------------------------------------------------------------------------


def test_attribute_add_audited_on_category(admin):
    c = create(admin, "X")
    spec = add_attr(
        admin,
        c,
        unit="GB",
        required=True,
        min_value="1",
        max_value="4096",
        is_key=True,
        is_filter=True,
    )
    assert spec.position == 0
    assert (spec.min_value, spec.max_value) == (Decimal("1"), Decimal("4096"))
    second = add_attr(
        admin, c, key="os", kind="choice", choices=["国产操作系统", "Windows", "无"], name_zh="OS"
    )
    assert second.position == 1
    event = events(c, "category.attribute_added")[0]
    assert event.after["attribute"]["key"] == "memory_gb"
    assert event.after["attribute"]["unit"] == "GB"
    assert event.after["attribute"]["is_key"] is True


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"key": "Memory GB"}, "invalid_attribute_key", "key"),
        ({"key": "9x"}, "invalid_attribute_key", "key"),
        ({"kind": "date"}, "invalid_attribute_kind", "kind"),
        ({"kind": "choice"}, "choices_required", "choices"),
        ({"kind": "choice", "choices": ["", " "]}, "choices_required", "choices"),
        ({"kind": "choice", "choices": ["A4", "A4"]}, "duplicate_choice", "choices"),
        ({"kind": "text", "choices": ["A4"]}, "choices_not_allowed", "choices"),
        ({"min_value": "10", "max_value": "2"}, "invalid_range", "min_value"),
        ({"min_value": "abc"}, "invalid_number", "min_value"),
        ({"kind": "boolean", "min_value": "1"}, "range_not_allowed", "min_value"),
        ({"name_zh": ""}, "required", "name_zh"),
    ],
)
def test_attribute_add_refuses(admin, kwargs, code, field):
    c = create(admin, "X")
    before = Event.objects.count()
    with pytest.raises(DomainError) as info:
        add_attr(admin, c, **kwargs)
    assert (info.value.code, info.value.field) == (code, field)
    assert not AttributeSpec.objects.exists()
    assert Event.objects.count() == before


def test_duplicate_attribute_in_category_ancestor_or_descendant(admin):
    a = create(admin, "A")
    a1 = create(admin, "A1", "A")
    a11 = create(admin, "A11", "A1")
    add_attr(admin, a1)
    assert code_of(lambda: add_attr(admin, a1)) == "duplicate_attribute"
    assert code_of(lambda: add_attr(admin, a11)) == "duplicate_attribute"  # ancestor has it
    assert code_of(lambda: add_attr(admin, a)) == "duplicate_attribute"  # descendant has it
    b = create(admin, "B")
    add_attr(admin, b)  # another branch may use the key
    assert AttributeSpec.objects.filter(key="memory_gb").count() == 2


def test_attribute_update_partial_and_audited(admin):
    c = create(admin, "X")
    add_attr(admin, c, key="paper", kind="choice", choices=["A4"], name_zh="幅面")
    spec = svc.attribute_update(
        actor=admin, category=c, key="paper", choices=["A4", "A3"], is_filter=True
    )
    assert spec.choices == ["A4", "A3"] and spec.is_filter and spec.name_zh == "幅面"
    event = events(c, "category.attribute_updated")[0]
    assert event.before == {"key": "paper", "choices": ["A4"], "is_filter": False}
    assert event.after == {"key": "paper", "choices": ["A4", "A3"], "is_filter": True}
    # The combination is checked: a choice attribute cannot lose all its values.
    assert (
        code_of(lambda: svc.attribute_update(actor=admin, category=c, key="paper", choices=[]))
        == "choices_required"
    )
    # Switching to number drops the values; min > max refused.
    assert (
        code_of(
            lambda: svc.attribute_update(
                actor=admin, category=c, key="paper", min_value=5, max_value=1
            )
        )
        == "range_not_allowed"
    )
    with pytest.raises(NotFound):
        svc.attribute_update(actor=admin, category=c, key="nope", name_en="x")
    assert (
        code_of(lambda: svc.attribute_update(actor=admin, category=c, key="paper", colour="red"))
        == "unknown_field"
    )


def test_attribute_kind_change_refused_when_in_use(admin):
    c = make_category("X", attributes=[{"key": "gsm", "kind": "number"}])
    supplier, _ = make_supplier()
    make_listing_row(supplier, c, attributes={"gsm": 70})
    assert (
        code_of(lambda: svc.attribute_update(actor=admin, category=c, key="gsm", kind="text"))
        == "attribute_in_use"
    )
    # Other changes are fine.
    svc.attribute_update(actor=admin, category=c, key="gsm", unit="g/m²")
    assert AttributeSpec.objects.get(key="gsm").unit == "g/m²"


def test_attribute_remove_audited(admin):
    c = create(admin, "X")
    add_attr(admin, c)
    svc.attribute_remove(actor=admin, category=c, key="memory_gb")
    assert not AttributeSpec.objects.exists()
    event = events(c, "category.attribute_removed")[0]
    assert event.before["attribute"]["key"] == "memory_gb"
    with pytest.raises(NotFound):
        svc.attribute_remove(actor=admin, category=c, key="memory_gb")


# --- selectors --------------------------------------------------------------------------------


def test_selectors(admin, django_assert_num_queries):
    create(admin, "B", position=2)
    create(admin, "A", position=1)
    create(admin, "A2", "A", position=2)
    a1 = create(admin, "A1", "A", position=1)
    create(admin, "A11", "A1")
    add_attr(admin, a1)
    with django_assert_num_queries(1):
        tree = category_tree()
    assert [n.category.code for n in flatten(tree)] == ["A", "A1", "A11", "A2", "B"]
    assert flatten(tree)[1].attribute_count == 1
    below = Category.objects.filter(pk__in=descendant_ids(a1))
    assert sorted(below.values_list("code", flat=True)) == [
        "A1",
        "A11",
    ]
    assert [c.code for c in leaf_categories()] == ["A11", "A2", "B"]
    assert get_by_code("A11").parent.code == "A1"
    assert get_by_code("nope") is None


def test_move_reindexes_live_listings_below(admin, monkeypatch):
    calls = []
    monkeypatch.setattr(svc, "sync_listings", lambda ids: calls.append(sorted(ids)))
    a = make_category("A")
    a1 = make_category("A1", parent=a)
    make_category("B")
    supplier, _ = make_supplier()
    live = make_listing_row(supplier, a1, state="listed")
    make_listing_row(supplier, a1, state="draft")
    svc.category_update(actor=admin, category=a, name_en="Renamed")
    assert calls == []
    svc.category_update(actor=admin, category=a, parent_code="B")
    assert calls == [[live.pk]]
