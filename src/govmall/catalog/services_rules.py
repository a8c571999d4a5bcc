"""Business verbs of the listing specification: publishing a new rule-set version
(operator admins of the regional centre). A rule set is never edited; each change of
parameters, severities or messages is the next version."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import require_regional_operator_admin
from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.catalog.models import RuleSet
from govmall.catalog.rules.engine import clean_rules, current_ruleset
from govmall.core.errors import DomainError
from govmall.core.text import clean_text

NOTE_LIMIT = 500


def _changed_codes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    old = {rule["code"]: rule for rule in before if isinstance(rule, dict) and "code" in rule}
    changed = [rule["code"] for rule in after if old.get(rule["code"]) != rule]
    removed = [code for code in old if code not in {rule["code"] for rule in after}]
    return changed + removed


def ruleset_publish(*, actor: User | None, rules: list[dict[str, Any]], note: str) -> RuleSet:
    """Validate every rule (known code, severity, params of their kinds, messages) and publish
    them as version max+1. Refused when nothing changed. Audited as `ruleset.published`."""
    actor = require_regional_operator_admin(actor)
    note = clean_text(note, field="note", limit=NOTE_LIMIT, required=False)
    cleaned = clean_rules(rules)
    current_ruleset()  # version 1 exists before anyone publishes version 2
    try:
        with transaction.atomic():
            latest = RuleSet.objects.select_for_update(of=("self",)).order_by("-version").first()
            assert latest is not None
            if latest.rules == cleaned:
                raise DomainError(
                    "ruleset_unchanged",
                    _("These rules are the same as the current version."),
                    status=409,
                    field="rules",
                )
            ruleset = RuleSet.objects.create(
                version=latest.version + 1,
                rules=cleaned,
                note=note,
                created_by=actor,
                created_at=timezone.now(),
            )
            record_event(
                obj=ruleset,
                action="ruleset.published",
                actor=actor,
                after={
                    "version": ruleset.version,
                    "previous_version": latest.version,
                    "changed": _changed_codes(latest.rules, cleaned),
                    "rules": len(cleaned),
                    "note": note,
                },
            )
    except IntegrityError:
        raise DomainError(
            "ruleset_conflict",
            _("Another version was published at the same moment; reload and try again."),
            status=409,
        ) from None
    return ruleset
