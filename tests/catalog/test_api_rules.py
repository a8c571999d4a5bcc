"""The rule-set API: reading versions (signed-in users) and publishing (regional operator
admins); permission matrices where refused calls change nothing."""

from __future__ import annotations

import json

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.models import RuleSet
from govmall.catalog.rules.defaults import default_rules
from govmall.catalog.rules.engine import current_ruleset
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin
from tests.permissions import check_matrix, client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalog/rulesets"


def actors():
    _supplier, supplier_admin = make_supplier()
    return {
        "anonymous": None,
        "supplier": supplier_admin,
        "city_operator_admin": make_user(
            Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200")
        ),
        "regional_admin": regional_operator_admin(),
    }


def changed_rules(words):
    rules = default_rules()
    for rule in rules:
        if rule["code"] == "forbidden_words":
            rule["params"]["words"] = words
    return rules


def post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def test_publish_matrix():
    current_ruleset()
    body = {"rules": changed_rules(["最好", "史上最强"]), "note": "v2"}
    responses = check_matrix(
        lambda c: post(c, body),
        actors(),
        {"anonymous": 401, "supplier": 403, "city_operator_admin": 403, "regional_admin": 201},
    )
    data = responses["regional_admin"].json()
    assert data["version"] == 2
    assert data["note"] == "v2"
    forbidden = next(r for r in data["rules"] if r["code"] == "forbidden_words")
    assert forbidden["params"]["words"] == ["最好", "史上最强"]
    assert forbidden["name_zh"] == "禁用词、联系方式和链接"
    assert RuleSet.objects.count() == 2


def test_read_matrix():
    current_ruleset()
    expected = {
        "anonymous": 401,
        "supplier": 200,
        "city_operator_admin": 200,
        "regional_admin": 200,
    }
    who = actors()
    for url in (f"{URL}/current", URL, f"{URL}/1"):
        check_matrix(lambda c, url=url: c.get(url), who, expected)


def test_current_creates_version_one_and_lists_every_rule():
    _, supplier_admin = make_supplier()
    response = client_for(supplier_admin).get(f"{URL}/current")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 1
    assert data["created_by"] is None
    assert [r["code"] for r in data["rules"]] == [r["code"] for r in default_rules()]
    image_count = next(r for r in data["rules"] if r["code"] == "image_count")
    assert image_count == {
        "code": "image_count",
        "name_zh": "图片数量",
        "name_en": "Number of images",
        "severity": "reject",
        "enabled": True,
        "params": {"min": 1, "max": 10},
        "message_zh": "图片数量须为 {min}–{max} 张（现有 {count} 张）",
        "message_en": "A listing needs {min}–{max} images (it has {count})",
    }


def test_versions_list_newest_first_and_one_version():
    admin = regional_operator_admin()
    client = client_for(admin)
    assert post(client, {"rules": changed_rules(["顶级"]), "note": "只留顶级"}).status_code == 201
    versions = client.get(URL).json()
    assert [(v["version"], v["note"]) for v in versions] == [
        (2, "只留顶级"),
        (1, "内置商品发布规范 · Built-in listing specification"),
    ]
    assert versions[0]["created_by"] == admin.username
    old = client.get(f"{URL}/1").json()
    forbidden = next(r for r in old["rules"] if r["code"] == "forbidden_words")
    assert "最好" in forbidden["params"]["words"]
    missing = client.get(f"{URL}/99")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body,code,status",
    [
        ({"rules": [{"code": "teleport", "severity": "reject"}]}, "unknown_rule", 400),
        ({"rules": [*changed_rules(["ok"]), changed_rules(["ok"])[0]]}, "duplicate_rule", 400),
        ({"rules": []}, "invalid_ruleset", 400),
        ({"rules": default_rules()}, "ruleset_unchanged", 409),
        ({"note": "x"}, "validation_error", 422),
        ({"rules": [{"code": "image_count"}]}, "validation_error", 422),
    ],
)
def test_publish_errors_in_the_one_shape(body, code, status):
    current_ruleset()
    client = client_for(regional_operator_admin())
    response = post(client, body)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert RuleSet.objects.count() == 1


def test_publish_bad_param_names_rule_and_param():
    current_ruleset()
    rules = default_rules()
    rules[7]["params"] = {"min": "lots"}
    response = post(client_for(regional_operator_admin()), {"rules": rules, "note": ""})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_rule_params"
    assert error["details"] == {
        "field": "rules.7.params.min",
        "rule": "image_count",
        "param": "min",
    }
    assert RuleSet.objects.count() == 1
