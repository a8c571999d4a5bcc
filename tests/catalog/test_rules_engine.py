"""The engine: current rule set, whole batches, outcome mapping, skipped rules, versions,
defensive params, query counts."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govmall.audit.models import Event
from govmall.catalog.models import RuleSet
from govmall.catalog.rules.defaults import DEFAULT_RULES
from govmall.catalog.rules.engine import current_ruleset, format_message, review
from tests.catalog.factories import make_category
from tests.catalog.test_rules_support import (
    candidate,
    desktop_category,
    result_of,
    ruleset_with,
    verdicts,
)

pytestmark = pytest.mark.django_db


def test_current_ruleset_creates_version_one_from_the_defaults_once():
    assert not RuleSet.objects.exists()
    first = current_ruleset()
    assert first.version == 1
    assert [r["code"] for r in first.rules] == [r["code"] for r in DEFAULT_RULES]
    assert first.rules[0] == DEFAULT_RULES[0]
    assert current_ruleset().pk == first.pk
    events = Event.objects.filter(object_type="catalog.ruleset", object_id=str(first.pk))
    assert [e.action for e in events] == ["ruleset.published"]
    assert events[0].after["version"] == 1


def test_current_ruleset_is_the_highest_version():
    current_ruleset()
    newer = RuleSet.objects.create(version=2, rules=[], created_at=timezone.now())
    assert current_ruleset().pk == newer.pk


def test_review_uses_the_current_ruleset_by_default_and_records_its_version():
    category = desktop_category()
    [verdict] = review([candidate(category)])
    assert verdict.ruleset_version == 1
    custom = ruleset_with(version=7)
    [verdict] = review([candidate(category)], custom)
    assert verdict.ruleset_version == 7


def test_empty_batch():
    assert review([], ruleset_with()) == []


def test_conforming_listing_passes_every_rule_in_ruleset_order():
    [verdict] = verdicts([candidate(desktop_category())])
    assert verdict.outcome == "passed", [r.as_json() for r in verdict.failures]
    assert [r.code for r in verdict.results] == [r["code"] for r in DEFAULT_RULES]
    statuses = {r.code: r.status for r in verdict.results}
    assert statuses["reference_price"] == "no_reference"
    assert statuses["price_far_below_reference"] == "no_reference"
    others = {s for c, s in statuses.items() if "reference" not in c}
    assert others == {"pass"}
    assert verdict.failures == []


def test_outcome_mapping_in_one_batch():
    category = desktop_category()
    batch = [
        candidate(category, model_no="A1", title="联想 A1"),
        candidate(category, model_no="A2", title="联想 A2", description="官方授权"),
        candidate(category, model_no="A3", title="联想 A3 最好", description="官方授权"),
        candidate(category, model_no="A4", title="联想 A4", unit="坨"),
    ]
    results = verdicts(batch)
    assert [v.outcome for v in results] == ["passed", "manual", "rejected", "rejected"]
    assert [r.code for r in results[2].failures] == ["forbidden_words", "review_words"]
    assert [r.code for r in results[3].failures] == ["unit_allowed"]


def test_review_severity_from_data_turns_a_reject_into_manual():
    ruleset = ruleset_with(unit_allowed={"severity": "review"})
    [verdict] = verdicts([candidate(desktop_category(), unit="坨")], ruleset)
    assert verdict.outcome == "manual"
    assert result_of(verdict, "unit_allowed").severity == "review"


def test_disabled_rule_is_skipped():
    ruleset = ruleset_with(unit_allowed={"enabled": False})
    [verdict] = verdicts([candidate(desktop_category(), unit="坨")], ruleset)
    assert verdict.outcome == "passed"
    result = result_of(verdict, "unit_allowed")
    assert result.status == "skipped"
    assert result.message_zh == ""


def test_unknown_stored_rule_is_skipped_not_fatal():
    rules = [
        *ruleset_with().rules,
        {"code": "gone", "severity": "reject", "enabled": True, "params": {}},
    ]
    ruleset = RuleSet(version=5, rules=rules)
    [verdict] = review([candidate(desktop_category())], ruleset)
    assert verdict.outcome == "passed"
    assert verdict.results[-1].code == "gone"
    assert verdict.results[-1].status == "skipped"
    assert verdict.results[-1].details == {"reason": "unknown_rule"}


def test_bad_stored_params_fall_back_to_the_defaults():
    rules = ruleset_with().rules
    for rule in rules:
        if rule["code"] == "image_count":
            rule["params"] = {"min": "many", "max": 10}
    [verdict] = review(
        [candidate(desktop_category(), image_ids=[])], RuleSet(version=6, rules=rules)
    )
    result = result_of(verdict, "image_count")
    assert result.status == "fail"
    assert result.details["min"] == 1
    assert "params_error" in result.details


def test_results_are_json_ready():
    category = desktop_category()
    batch = [
        candidate(category, price=Decimal("1.00"), unit="坨", description="最好 运费另收"),
    ]
    [verdict] = verdicts(batch)
    json.dumps([r.as_json() for r in verdict.results], ensure_ascii=False)


def test_format_message_language_keys_lists_and_missing_names():
    details = {"found": ["a", "b"], "x_zh": ["甲", "乙"], "x_en": ["A", "B"], "n": 3}
    assert format_message("{found}/{x}/{n}/{nope}", details, "zh") == "a、b/甲、乙/3/"
    assert format_message("{found}/{x}", details, "en") == "a, b/A, B"
    assert format_message("bad {", details, "en") == "bad {"


def test_batch_query_count_does_not_grow_with_the_batch():
    categories = [desktop_category(), make_category(attributes=[])]

    def count(n):
        batch = [
            candidate(
                categories[i % 2],
                supplier_id=i % 5 + 1,
                model_no=f"M{i}",
                title=f"联想 M{i}",
                attributes={"cpu": "i5", "memory_gb": 8},
            )
            for i in range(n)
        ]
        ruleset = ruleset_with()
        with CaptureQueriesContext(connection) as ctx:
            review(batch, ruleset)
        return len(ctx.captured_queries)

    small = count(4)
    assert small <= 6
    assert count(300) == small
