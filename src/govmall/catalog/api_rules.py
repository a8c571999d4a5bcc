"""Catalogue API: the listing specification as data (rule-set versions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from govmall.accounts.access import request_user
from govmall.catalog import services_rules
from govmall.catalog.models import RuleSet
from govmall.catalog.rules.builtin import RULES
from govmall.catalog.rules.engine import current_ruleset
from govmall.core.api_base import ERRORS
from govmall.core.errors import NotFound

router = Router(tags=["catalog"])


class RuleIn(Schema):
    code: str = Field(..., max_length=60)
    severity: str = Field(..., description="reject | review")
    enabled: bool = True
    params: dict[str, Any] = Field(
        default_factory=dict, description="Missing params take the built-in defaults."
    )
    message_zh: str = Field("", max_length=500)
    message_en: str = Field("", max_length=500)


class PublishIn(Schema):
    rules: list[RuleIn] = Field(..., max_length=100)
    note: str = Field("", max_length=500)


class RuleOut(Schema):
    code: str
    name_zh: str
    name_en: str
    severity: str
    enabled: bool
    params: dict[str, Any]
    message_zh: str
    message_en: str


class VersionOut(Schema):
    version: int
    note: str
    created_at: datetime
    created_by: str | None


class RuleSetOut(VersionOut):
    rules: list[RuleOut]


def version_out(ruleset: RuleSet) -> dict[str, Any]:
    return {
        "version": ruleset.version,
        "note": ruleset.note,
        "created_at": ruleset.created_at,
        "created_by": ruleset.created_by.get_username() if ruleset.created_by else None,
    }


def ruleset_out(ruleset: RuleSet) -> dict[str, Any]:
    rules = []
    for rule in ruleset.rules:
        known = RULES.get(rule.get("code", ""))
        rules.append(
            {
                "code": rule.get("code", ""),
                "name_zh": known.name_zh if known else "",
                "name_en": known.name_en if known else "",
                "severity": rule.get("severity", ""),
                "enabled": rule.get("enabled", True),
                "params": rule.get("params", {}),
                "message_zh": rule.get("message_zh", ""),
                "message_en": rule.get("message_en", ""),
            }
        )
    return {**version_out(ruleset), "rules": rules}


@router.get(
    "/rulesets/current",
    response={200: RuleSetOut, **ERRORS},
    summary="The current listing rule set (signed-in users)",
)
def ruleset_current(request: HttpRequest) -> dict[str, Any]:
    request_user(request)
    return ruleset_out(current_ruleset())


@router.get(
    "/rulesets",
    response={200: list[VersionOut], **ERRORS},
    summary="Every rule-set version, newest first (signed-in users)",
)
def ruleset_versions(request: HttpRequest) -> list[dict[str, Any]]:
    request_user(request)
    current_ruleset()
    return [
        version_out(r)
        for r in RuleSet.objects.select_related("created_by").order_by("-version")[:1000]
    ]


@router.get(
    "/rulesets/{version}",
    response={200: RuleSetOut, **ERRORS},
    summary="One rule-set version (signed-in users)",
)
def ruleset_version(request: HttpRequest, version: int) -> dict[str, Any]:
    request_user(request)
    current_ruleset()
    ruleset = RuleSet.objects.select_related("created_by").filter(version=version).first()
    if ruleset is None:
        raise NotFound()
    return ruleset_out(ruleset)


@router.post(
    "/rulesets",
    response={201: RuleSetOut, **ERRORS},
    summary="Publish the next rule-set version (operator admins of the regional centre)",
    description="The whole list of rules, in order. Errors: unknown_rule, invalid_rule_params "
    "(details: rule, param), invalid_rule, duplicate_rule, ruleset_unchanged (409).",
)
def ruleset_publish(request: HttpRequest, payload: PublishIn) -> Status:
    actor = request_user(request)
    ruleset = services_rules.ruleset_publish(
        actor=actor, rules=[rule.model_dump() for rule in payload.rules], note=payload.note
    )
    return Status(201, ruleset_out(ruleset))
