"""services_rules.ruleset_publish: who, validation, versions, audit; refusals write nothing."""

from __future__ import annotations

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog.models import RuleSet
from govmall.catalog.rules.defaults import default_rules
from govmall.catalog.rules.engine import current_ruleset
from govmall.catalog.services_rules import ruleset_publish
from govmall.core.errors import DomainError
from tests.factories import make_org, make_user, regional_operator_admin

pytestmark = pytest.mark.django_db


def rules_with(code, **change):
    rules = default_rules()
    for rule in rules:
        if rule["code"] == code:
            params = change.pop("params", None)
            if params is not None:
                rule["params"].update(params)
            rule.update(change)
    return rules


def snapshot():
    return (
        list(RuleSet.objects.values_list("version", flat=True)),
        Event.objects.filter(action="ruleset.published").count(),
    )


def test_publish_makes_the_next_version_with_its_event():
    admin = regional_operator_admin()
    rules = rules_with("forbidden_words", params={"words": ["最好", "史上最强"]})
    ruleset = ruleset_publish(actor=admin, rules=rules, note="加入“史上最强”")
    assert ruleset.version == 2
    assert current_ruleset().pk == ruleset.pk
    assert ruleset.created_by == admin
    stored = next(r for r in ruleset.rules if r["code"] == "forbidden_words")
    assert stored["params"]["words"] == ["最好", "史上最强"]
    event = Event.objects.get(object_type="catalog.ruleset", object_id=str(ruleset.pk))
    assert event.action == "ruleset.published"
    assert event.actor == admin
    assert event.after == {
        "version": 2,
        "previous_version": 1,
        "changed": ["forbidden_words"],
        "rules": len(rules),
        "note": "加入“史上最强”",
    }
    again = ruleset_publish(actor=admin, rules=rules_with("image_count", enabled=False), note="")
    assert again.version == 3


def test_publish_cleans_params_and_fills_missing_ones():
    admin = regional_operator_admin()
    rules = rules_with("reference_price", params={"tolerance_percent": "2.50"})
    del next(r for r in rules if r["code"] == "reference_price")["params"]["window_days"]
    words = next(r for r in rules if r["code"] == "review_words")
    words["params"]["words"] = ["  限量 ", "限量", "", "官方授权"]
    ruleset = ruleset_publish(actor=admin, rules=rules, note="")
    ref = next(r for r in ruleset.rules if r["code"] == "reference_price")
    assert ref["params"] == {"window_days": 7, "tolerance_percent": "2.5", "tolerance_amount": 0}
    words = next(r for r in ruleset.rules if r["code"] == "review_words")
    assert words["params"]["words"] == ["限量", "官方授权"]


@pytest.mark.parametrize(
    "rules,code,field",
    [
        ({"code": "unit_allowed"}, "invalid_ruleset", "rules"),
        ([], "invalid_ruleset", "rules"),
        ([*default_rules(), {"code": "teleport", "severity": "reject"}], "unknown_rule", None),
        (rules_with("unit_allowed", severity="block"), "invalid_rule", "severity"),
        (rules_with("unit_allowed", enabled="yes"), "invalid_rule", "enabled"),
        (rules_with("unit_allowed", message_zh="  "), "invalid_rule", "message_zh"),
        (rules_with("unit_allowed", message_en="{unit"), "invalid_rule", "message_en"),
        (rules_with("unit_allowed", params={"units": "台"}), None, None),
        (rules_with("unit_allowed", params={"units": [1, 2]}), "invalid_rule_params", "units"),
        (rules_with("image_count", params={"min": -1}), "invalid_rule_params", "min"),
        (rules_with("image_count", params={"min": "2.5"}), "invalid_rule_params", "min"),
        (rules_with("image_count", params={"min": 5, "max": 2}), "invalid_rule_params", "min"),
        (rules_with("image_count", params={"min": True}), "invalid_rule_params", "min"),
        (rules_with("image_count", params={"colour": 1}), "invalid_rule_params", "colour"),
        (
            rules_with("energy_certificate", params={"pattern": "CQC(["}),
            "invalid_rule_params",
            "pattern",
        ),
        (
            rules_with("forbidden_words", params={"patterns": ["ok", "(unclosed"]}),
            "invalid_rule_params",
            "patterns",
        ),
        (
            rules_with("required_fields", params={"fields": ["title", "colour"]}),
            "invalid_rule_params",
            "fields",
        ),
        (
            rules_with("reference_price", params={"tolerance_amount": "abc"}),
            "invalid_rule_params",
            "tolerance_amount",
        ),
        (
            rules_with("reference_price", params={"window_days": 0}),
            "invalid_rule_params",
            "window_days",
        ),
        (
            rules_with("duplicate", params={"states": ["listed", "sold"]}),
            "invalid_rule_params",
            "states",
        ),
    ],
)
def test_publish_refuses_bad_rules_and_writes_nothing(rules, code, field):
    admin = regional_operator_admin()
    current_ruleset()
    before = snapshot()
    if code is None:  # a one-line string is accepted as a one-item list
        ruleset_publish(actor=admin, rules=rules, note="")
        return
    with pytest.raises(DomainError) as exc:
        ruleset_publish(actor=admin, rules=rules, note="")
    assert exc.value.code == code
    if code == "invalid_rule_params":
        assert exc.value.details["param"] == field
        assert exc.value.field.endswith(f".params.{field}")
        assert exc.value.details["rule"]
    elif field is not None:
        assert exc.value.field.endswith(field)
    assert snapshot() == before


def test_unknown_rule_names_the_code():
    admin = regional_operator_admin()
    with pytest.raises(DomainError) as exc:
        ruleset_publish(actor=admin, rules=[*default_rules(), {"code": "teleport"}], note="")
    assert exc.value.code == "unknown_rule"
    assert exc.value.details["rule"] == "teleport"
    assert exc.value.field == f"rules.{len(default_rules())}.code"


def test_duplicate_code_refused():
    admin = regional_operator_admin()
    rules = default_rules()
    with pytest.raises(DomainError) as exc:
        ruleset_publish(actor=admin, rules=[*rules, rules[0]], note="")
    assert exc.value.code == "duplicate_rule"


def test_unchanged_rules_refused():
    admin = regional_operator_admin()
    current_ruleset()
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        ruleset_publish(actor=admin, rules=default_rules(), note="same")
    assert exc.value.code == "ruleset_unchanged"
    assert exc.value.status == 409
    assert snapshot() == before


@pytest.mark.parametrize(
    "make_actor",
    [
        lambda: None,
        lambda: make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200")),
        lambda: make_user(
            Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR, division="150000")
        ),
        lambda: make_user(Role.SUPPLIER_ADMIN),
    ],
)
def test_only_regional_operator_admins_publish(make_actor):
    actor = make_actor()
    current_ruleset()
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        ruleset_publish(actor=actor, rules=rules_with("image_count", enabled=False), note="")
    assert exc.value.status in (401, 403)
    assert snapshot() == before


def test_note_too_long_refused():
    admin = regional_operator_admin()
    with pytest.raises(DomainError) as exc:
        ruleset_publish(actor=admin, rules=rules_with("image_count", enabled=False), note="x" * 501)
    assert exc.value.field == "note"
