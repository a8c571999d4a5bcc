"""The listing specification pages: the rule-set editor (operator admins of the regional
centre publish a new version) and read-only views of the current and past versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govmall.accounts.access import is_regional_operator_admin, request_user
from govmall.catalog.forms_rules import LIST_KINDS, PARAM_LABELS, RuleSetForm
from govmall.catalog.models import RuleSet
from govmall.catalog.rules.builtin import RULES
from govmall.catalog.rules.engine import current_ruleset
from govmall.catalog.services_rules import ruleset_publish
from govmall.core.errors import DomainError


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _versions() -> Any:
    return RuleSet.objects.select_related("created_by").order_by("-version")


def rule_rows(ruleset: RuleSet, language: str) -> list[dict[str, Any]]:
    """A version's rules for a read-only table."""
    rows = []
    for rule in ruleset.rules:
        known = RULES.get(rule.get("code", ""))
        params = []
        for name, value in (rule.get("params") or {}).items():
            spec = known.params.get(name) if known else None
            is_list = spec is not None and spec.kind in LIST_KINDS
            params.append(
                {"label": PARAM_LABELS.get(name, name), "value": value, "is_list": is_list}
            )
        name = ""
        if known is not None:
            name = known.name_en if language == "en" else known.name_zh
        rows.append(
            {
                "code": rule.get("code", ""),
                "name": name or rule.get("code", ""),
                "enabled": rule.get("enabled", True),
                "severity": rule.get("severity", ""),
                "params": params,
                "message": rule.get("message_en" if language == "en" else "message_zh", ""),
            }
        )
    return rows


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The current version. Regional operator admins edit it and publish the next version;
    everyone else signed in reads it."""
    actor = request_user(request)
    current = current_ruleset()
    may_edit = is_regional_operator_admin(actor)
    language = _language()
    form = None
    if may_edit:
        form = RuleSetForm(request.POST or None, rules=current.rules)
        if request.method == "POST" and form.is_valid():
            try:
                ruleset = ruleset_publish(
                    actor=actor, rules=form.rule_list(), note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                form.add_error(form.field_for_error(exc.field), exc.message)
            else:
                messages.success(
                    request,
                    _("Version %(version)d of the listing rules is published and in force.")
                    % {"version": ruleset.version},
                )
                return redirect("catalog:rules")
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "current": current,
        "form": form,
        "groups": form.groups(language) if form is not None else [],
        "rows": rule_rows(current, language) if form is None else [],
        "versions": _versions()[:200],
        "may_edit": may_edit,
    }
    return render(request, "catalog/rules/editor.html", context)


@login_required
def rules_version(request: HttpRequest, version: int) -> HttpResponse:
    """One version, read-only."""
    request_user(request)
    current = current_ruleset()
    ruleset = _versions().filter(version=version).first()
    if ruleset is None:
        raise Http404
    context = {
        "ruleset": ruleset,
        "is_current": ruleset.pk == current.pk,
        "rows": rule_rows(ruleset, _language()),
        "versions": _versions()[:200],
    }
    return render(request, "catalog/rules/version.html", context)
