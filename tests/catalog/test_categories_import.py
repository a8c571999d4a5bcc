"""Category import (JSON, CSV), export, the demo tree, and the management command."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from govmall.audit.models import Event
from govmall.catalog.attribute_template import template_for
from govmall.catalog.categories import demo_codes, ensure_demo_categories, leaf_categories
from govmall.catalog.categories_import import categories_import, export_json, export_tree
from govmall.catalog.models import AttributeSpec, Category
from govmall.core.errors import DomainError
from tests.factories import make_user, regional_operator_admin

pytestmark = pytest.mark.django_db

GOOD = [
    {
        "code": "X",
        "name_zh": "货物",
        "name_en": "Goods",
        "children": [
            {
                "code": "X01",
                "name_zh": "台式计算机",
                "name_en": "Desktop computer",
                "energy_status": "mandatory",
                "min_warranty_months": 36,
                "attributes": [
                    {
                        "key": "memory_gb",
                        "name_zh": "内存容量",
                        "name_en": "Memory",
                        "kind": "number",
                        "unit": "GB",
                        "is_key": True,
                        "min_value": "1",
                    },
                    {
                        "key": "os",
                        "name_zh": "操作系统",
                        "name_en": "OS",
                        "kind": "choice",
                        "choices": ["国产操作系统", "Windows", "无"],
                    },
                ],
            },
            {"code": "X02", "name_zh": "投影仪", "name_en": "Projector"},
        ],
    }
]


@pytest.fixture
def admin():
    return regional_operator_admin()


def run(admin, data, name="tree.json"):
    content = data if isinstance(data, str | bytes) else json.dumps(data, ensure_ascii=False)
    return categories_import(actor=admin, content=content, file_name=name)


def test_json_import_creates_tree_with_attributes_and_events(admin):
    report = run(admin, GOOD)
    assert report.ok and report.written
    assert (report.created, report.updated, report.attributes_added) == (3, 0, 2)
    x01 = Category.objects.get(code="X01")
    assert (x01.path, x01.depth, x01.energy_status) == ("/X/X01/", 1, "mandatory")
    assert [s.key for s in template_for(x01)] == ["memory_gb", "os"]
    assert AttributeSpec.objects.get(key="os").choices == ["国产操作系统", "Windows", "无"]
    event = Event.objects.get(object_type="catalog.category", object_id=str(x01.pk))
    assert event.action == "category.created"
    assert event.actor_id == admin.pk
    assert [a["key"] for a in event.after["attributes"]] == ["memory_gb", "os"]


def test_reimport_is_idempotent_and_updates_by_code(admin):
    run(admin, GOOD)
    events = Event.objects.count()
    again = run(admin, GOOD)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Event.objects.count() == events
    changed = json.loads(json.dumps(GOOD))
    changed[0]["children"][1]["energy_status"] = "preferred"
    changed[0]["children"][0]["attributes"][0]["is_filter"] = True
    changed[0]["children"][0]["attributes"].append(
        {"key": "cpu", "name_zh": "CPU型号", "name_en": "CPU", "kind": "text"}
    )
    report = run(admin, changed)
    assert (report.updated, report.unchanged) == (2, 1)
    assert (report.attributes_added, report.attributes_updated) == (1, 1)
    assert Category.objects.get(code="X02").energy_status == "preferred"
    assert AttributeSpec.objects.get(key="memory_gb").is_filter
    event = Event.objects.filter(action="category.updated").order_by("-id").first()
    assert event.after["via"] == "import"


def test_bad_node_leaves_nothing_and_report_names_it(admin):
    bad = json.loads(json.dumps(GOOD))
    bad[0]["children"][1]["energy_status"] = "sometimes"
    bad[0]["children"][0]["attributes"][1]["choices"] = []
    report = run(admin, bad)
    assert not report.ok and not report.written
    errors = [(line.code, line.error_code) for line in report.lines if not line.ok]
    assert errors == [("X01", "choices_required"), ("X02", "invalid_energy_status")]
    assert "os" in report.lines[1].message
    assert not Category.objects.exists()
    assert not AttributeSpec.objects.exists()
    assert not Event.objects.filter(object_type="catalog.category").exists()


def test_bad_update_keeps_existing_data(admin):
    run(admin, GOOD)
    before = list(Category.objects.order_by("code").values())
    bad = json.loads(json.dumps(GOOD))
    bad[0]["name_en"] = "Everything"
    bad[0]["children"].append({"code": "X 3", "name_zh": "坏", "name_en": "Bad"})
    report = run(admin, bad)
    assert not report.written
    assert [line.error_code for line in report.lines if not line.ok] == ["invalid_code"]
    assert list(Category.objects.order_by("code").values()) == before


def test_unknown_parent_and_moves(admin):
    run(admin, GOOD)
    report = run(admin, [{"code": "Y", "parent": "NOPE", "name_zh": "乙", "name_en": "Y"}])
    assert [line.error_code for line in report.lines] == ["unknown_parent"]
    run(admin, [{"code": "Y", "name_zh": "乙", "name_en": "Y"}])
    moved = run(
        admin, [{"code": "X01", "parent": "Y", "name_zh": "台式计算机", "name_en": "Desktop"}]
    )
    assert moved.ok
    assert Category.objects.get(code="X01").path == "/Y/X01/"
    cycle = run(admin, [{"code": "Y", "parent": "X01", "name_zh": "乙", "name_en": "Y"}])
    assert [line.error_code for line in cycle.lines] == ["cycle"]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        ("{not json", "t.json"),
        ('{"code": "X", "colour": "red"}', "t.json"),
        ('[{"code": "X", "children": {}}]', "t.json"),
        ("[]", "t.json"),
        ("code,name_zh\nX,甲\n", "t.csv"),
        ("type,code\nthing,X\n", "t.csv"),
        ("type,code,colour\ncategory,X,red\n", "t.csv"),
    ],
)
def test_malformed_files(admin, content, name):
    with pytest.raises(DomainError) as info:
        run(admin, content, name)
    assert info.value.code == "invalid_file"
    assert not Category.objects.exists()


HEADER = (
    "type,code,parent,name_zh,name_en,energy_status,min_warranty_months,"
    "key,kind,unit,required,choices,min_value,max_value,is_key,is_filter"
)
CSV = (
    HEADER
    + """
category,P,,办公消耗用品,Office consumables,,,,,,,,,,,
category,P01,P,复印纸,Copy paper,none,0,,,,,,,,,
attribute,P01,,规格,Paper size,,,size,choice,,是,A4|A3|B5,,,1,1
attribute,P01,,克重,Grammage,,,gsm,number,g/m²,yes,,50,300,true,true
"""
)


def test_csv_import_one_file_with_type_column(admin):
    report = run(admin, CSV.encode("utf-8-sig"), "cats.csv")
    assert report.ok, report.as_dict()
    assert (report.created, report.attributes_added) == (2, 2)
    size, gsm = template_for(Category.objects.get(code="P01"))
    assert (size.key, size.kind, size.choices, size.required) == (
        "size",
        "choice",
        ["A4", "A3", "B5"],
        True,
    )
    assert (gsm.unit, str(gsm.min_value), gsm.is_key, gsm.is_filter) == (
        "g/m²",
        "50.0000",
        True,
        True,
    )
    # GB18030 (Excel in China) works too, and re-importing changes nothing.
    again = run(admin, CSV.encode("gb18030"), "cats.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_csv_attribute_rows_for_an_existing_category(admin):
    run(admin, GOOD)
    csv = "type,code,key,name_zh,name_en,kind\nattribute,X02,lumens,亮度,Brightness,number\n"
    report = run(admin, csv, "a.csv")
    assert report.ok and report.attributes_added == 1
    unknown = run(admin, csv.replace("X02", "ZZ"), "a.csv")
    assert [line.error_code for line in unknown.lines] == ["unknown_category"]


def test_import_requires_regional_admin():
    with pytest.raises(DomainError) as info:
        categories_import(actor=make_user("buyer"), content=json.dumps(GOOD), file_name="t.json")
    assert info.value.status == 403
    assert not Category.objects.exists()


def test_export_round_trips(admin):
    run(admin, GOOD)
    tree = export_tree()
    assert tree[0]["code"] == "X"
    assert [c["code"] for c in tree[0]["children"]] == ["X01", "X02"]
    report = run(admin, export_json())
    assert report.ok and report.unchanged == 3 and report.updated == 0


# --- the demo tree ----------------------------------------------------------------------------

CONTRACT = {
    "A02010104": ("台式计算机", "mandatory", "/A/A02/A0201/A020101/A02010104/"),
    "A02010105": ("便携式计算机", "mandatory", "/A/A02/A0201/A020101/A02010105/"),
    "A0201060102": ("激光打印机", "mandatory", "/A/A02/A0201/A020106/A02010601/A0201060102/"),
    "A0201060101": ("喷墨打印机", "preferred", "/A/A02/A0201/A020106/A02010601/A0201060101/"),
    "A020202": ("投影仪", "preferred", "/A/A02/A0202/A020202/"),
    "A0206180203": ("空调机", "mandatory", "/A/A02/A0206/A020618/A02061802/A0206180203/"),
    "A090101": ("复印纸", "none", "/A/A09/A0901/A090101/"),
    "A060201": ("办公桌", "none", "/A/A06/A0602/A060201/"),
    "A060301": ("办公椅", "none", "/A/A06/A0603/A060301/"),
    "A060501": ("文件柜", "none", "/A/A06/A0605/A060501/"),
}


def test_demo_categories_contract_and_idempotent():
    created = ensure_demo_categories()
    assert created == len(demo_codes()) == Category.objects.count()
    for code, (name, energy, path) in CONTRACT.items():
        c = Category.objects.get(code=code)
        assert (c.name_zh, c.energy_status, c.path, c.gp_code) == (name, energy, path, code)
        assert c.depth == path.count("/") - 2
        assert not c.children.exists()
    assert 25 <= leaf_categories().count() <= 40
    # every leaf has a template with at least one key attribute
    for leaf in leaf_categories():
        template = template_for(leaf)
        assert template, leaf.code
        assert any(spec.is_key for spec in template), leaf.code
    desktop = template_for(Category.objects.get(code="A02010104"))
    memory = next(s for s in desktop if s.key == "memory_gb")
    assert (memory.kind, memory.unit, memory.is_key, memory.is_filter) == (
        "number",
        "GB",
        True,
        True,
    )
    laser = {s.key: s for s in template_for(Category.objects.get(code="A0201060102"))}
    assert laser["max_paper"].choices == ["A4", "A3"] and laser["duplex"].kind == "boolean"
    assert Category.objects.get(code="A02010104").min_warranty_months == 36
    events = Event.objects.filter(object_type="catalog.category", action="category.created")
    assert events.count() == created
    assert ensure_demo_categories() == 0
    assert Event.objects.filter(object_type="catalog.category").count() == created


def test_demo_fills_in_only_missing_codes(admin):
    ensure_demo_categories()
    Category.objects.filter(code="A020202").update(name_en="Beamer")
    AttributeSpec.objects.filter(category__code="A090101").delete()
    Category.objects.filter(code="A090101").delete()
    assert ensure_demo_categories() == 1
    assert Category.objects.get(code="A020202").name_en == "Beamer"
    assert Category.objects.get(code="A090101").parent.code == "A0901"
    assert AttributeSpec.objects.filter(category__code="A090101").count() == 5


def test_demo_file_imports_cleanly_through_the_import(admin):
    from govmall.catalog.categories import DEMO_FILE

    report = categories_import(
        actor=admin, content=DEMO_FILE.read_bytes(), file_name="categories.json"
    )
    assert report.ok, [line for line in report.lines if not line.ok]
    assert report.created == len(demo_codes())
    # and after the demo loader, the file is unchanged by re-import
    assert ensure_demo_categories() == 0


def test_command_import_and_export(admin, tmp_path):
    path = tmp_path / "tree.json"
    path.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("catalog_categories", "import", str(path), "--as", admin.username, stdout=out)
    assert "3 created" in out.getvalue()
    assert Category.objects.count() == 3
    out = io.StringIO()
    call_command("catalog_categories", "export", stdout=out)
    assert json.loads(out.getvalue())[0]["code"] == "X"
    bad = tmp_path / "bad.json"
    bad.write_text('[{"code": "B B", "name_zh": "x", "name_en": "x"}]', encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("catalog_categories", "import", str(bad), "--as", admin.username, stderr=err)
    assert "invalid_code" in err.getvalue()
