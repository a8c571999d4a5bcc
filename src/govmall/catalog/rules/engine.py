"""The rules engine: the current rule set, validating rule lists, and reviewing candidates.

`review()` judges a whole batch with a few queries (categories and templates, duplicates,
reference prices) and then pure Python per candidate. It writes nothing; callers record the
verdict (rule-set version and every rule's outcome) on their ListingReview.
"""

from __future__ import annotations

import gc
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.audit.services import record_event
from govmall.catalog.models import ReviewOutcome, RuleSet
from govmall.catalog.rules.builtin import FAIL, NO_REFERENCE, RULES, Param, Rule
from govmall.catalog.rules.context import BatchContext
from govmall.catalog.rules.defaults import default_for, default_rules
from govmall.catalog.types import Candidate, RuleResult, Verdict
from govmall.core.errors import DomainError

SEVERITIES = ("reject", "review")
SKIPPED = "skipped"
MAX_WORDS = 500
MAX_WORD_LENGTH = 100
MAX_REGEX_LENGTH = 300
MAX_MESSAGE_LENGTH = 500
NO_REFERENCE_ZH = "无参考价格（近 {window_days} 天内未采集到）"
NO_REFERENCE_EN = "No reference price (none captured in the last {window_days} days)"


# -- validating rule lists -------------------------------------------------------------------
def _bad_param(code: str, param: str, index: int, message: str) -> DomainError:
    return DomainError(
        "invalid_rule_params",
        _("Rule %(rule)s, parameter %(param)s: %(problem)s")
        % {"rule": code, "param": param, "problem": message},
        field=f"rules.{index}.params.{param}",
        rule=code,
        param=param,
    )


def _clean_param(code: str, name: str, spec: Param, value: Any, index: int) -> Any:
    kind = spec.kind
    if kind in ("words", "choices", "regexes"):
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, (list, tuple)):
            raise _bad_param(code, name, index, _("expected a list of words"))
        items: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise _bad_param(code, name, index, _("expected a list of words"))
            item = item.strip()
            if item and item not in items:
                items.append(item)
        if len(items) > MAX_WORDS:
            raise _bad_param(code, name, index, _("at most %(n)d entries") % {"n": MAX_WORDS})
        for item in items:
            if kind == "choices" and item not in spec.allowed:
                raise _bad_param(
                    code, name, index, _("unknown value “%(value)s”") % {"value": item}
                )
            if kind == "regexes":
                _check_regex(code, name, index, item)
            elif len(item) > MAX_WORD_LENGTH:
                raise _bad_param(
                    code, name, index, _("“%(value)s…” is too long") % {"value": item[:20]}
                )
        return items
    if kind == "regex":
        if not isinstance(value, str) or not value.strip():
            raise _bad_param(code, name, index, _("expected a regular expression"))
        _check_regex(code, name, index, value.strip())
        return value.strip()
    if kind in ("int", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise _bad_param(code, name, index, _("expected a number of zero or more"))
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise _bad_param(code, name, index, _("expected a number of zero or more")) from None
        if not number.is_finite() or number < 0:
            raise _bad_param(code, name, index, _("expected a number of zero or more"))
        if number > Decimal("1000000000"):
            raise _bad_param(code, name, index, _("too large"))
        if kind == "int":
            if number != number.to_integral_value():
                raise _bad_param(code, name, index, _("expected a whole number"))
            return int(number)
        if number == number.to_integral_value():
            return int(number)
        return str(number.normalize())
    raise _bad_param(code, name, index, "unknown parameter kind")  # pragma: no cover


def _check_regex(code: str, name: str, index: int, source: str) -> None:
    if len(source) > MAX_REGEX_LENGTH:
        raise _bad_param(code, name, index, _("the regular expression is too long"))
    try:
        re.compile(source)
    except re.error as exc:
        raise _bad_param(
            code, name, index, _("invalid regular expression: %(error)s") % {"error": exc}
        ) from None


def clean_params(rule: Rule, params: Any, index: int = 0) -> dict[str, Any]:
    """Params of the right kinds, missing ones taken from the built-in defaults."""
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise _bad_param(rule.code, "params", index, _("expected an object"))
    unknown = sorted(set(params) - set(rule.params))
    if unknown:
        raise _bad_param(rule.code, unknown[0], index, _("unknown parameter"))
    defaults = (default_for(rule.code) or {}).get("params", {})
    cleaned: dict[str, Any] = {}
    for name, spec in rule.params.items():
        value = params[name] if name in params else defaults.get(name)
        cleaned[name] = _clean_param(rule.code, name, spec, value, index)
    problem = rule.validate(cleaned)
    if problem is not None:
        raise _bad_param(rule.code, problem[0], index, problem[1])
    return cleaned


def clean_rules(rules: Any) -> list[dict[str, Any]]:
    """A rule list fit to publish, or the first DomainError (`unknown_rule`,
    `invalid_rule_params`, `invalid_rule`, `duplicate_rule`, `invalid_ruleset`)."""
    if not isinstance(rules, list) or not rules:
        raise DomainError("invalid_ruleset", _("A rule set needs a list of rules."), field="rules")
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, entry in enumerate(rules):
        if not isinstance(entry, dict):
            raise DomainError(
                "invalid_rule", _("Each rule is an object."), field=f"rules.{index}", index=index
            )
        code = entry.get("code")
        rule = RULES.get(code) if isinstance(code, str) else None
        if rule is None or not isinstance(code, str):
            raise DomainError(
                "unknown_rule",
                _("Unknown rule “%(rule)s”.") % {"rule": code},
                field=f"rules.{index}.code",
                rule=str(code),
            )
        if code in seen:
            raise DomainError(
                "duplicate_rule",
                _("Rule %(rule)s appears twice.") % {"rule": code},
                field=f"rules.{index}.code",
                rule=code,
            )
        seen.add(code)
        severity = entry.get("severity")
        if severity not in SEVERITIES:
            raise DomainError(
                "invalid_rule",
                _("Rule %(rule)s: the severity must be reject or review.") % {"rule": code},
                field=f"rules.{index}.severity",
                rule=code,
            )
        enabled = entry.get("enabled", True)
        if not isinstance(enabled, bool):
            raise DomainError(
                "invalid_rule",
                _("Rule %(rule)s: enabled must be true or false.") % {"rule": code},
                field=f"rules.{index}.enabled",
                rule=code,
            )
        messages = {}
        for lang in ("zh", "en"):
            message = entry.get(f"message_{lang}")
            if not isinstance(message, str) or not message.strip():
                raise DomainError(
                    "invalid_rule",
                    _("Rule %(rule)s: the message may not be empty.") % {"rule": code},
                    field=f"rules.{index}.message_{lang}",
                    rule=code,
                )
            if len(message) > MAX_MESSAGE_LENGTH:
                raise DomainError(
                    "invalid_rule",
                    _("Rule %(rule)s: the message is too long.") % {"rule": code},
                    field=f"rules.{index}.message_{lang}",
                    rule=code,
                )
            try:
                list(string.Formatter().parse(message))
            except ValueError:
                raise DomainError(
                    "invalid_rule",
                    _("Rule %(rule)s: the message has unbalanced braces.") % {"rule": code},
                    field=f"rules.{index}.message_{lang}",
                    rule=code,
                ) from None
            messages[lang] = message.strip()
        cleaned.append(
            {
                "code": code,
                "severity": severity,
                "enabled": enabled,
                "params": clean_params(rule, entry.get("params"), index),
                "message_zh": messages["zh"],
                "message_en": messages["en"],
            }
        )
    return cleaned


# -- the current rule set --------------------------------------------------------------------
def current_ruleset() -> RuleSet:
    """The highest version; version 1 from the built-in defaults (audited) if none exists."""
    ruleset = RuleSet.objects.order_by("-version").first()
    if ruleset is not None:
        return ruleset
    try:
        with transaction.atomic():
            ruleset = RuleSet.objects.create(
                version=1,
                rules=clean_rules(default_rules()),
                note="内置商品发布规范 · Built-in listing specification",
                created_at=timezone.now(),
            )
            record_event(
                obj=ruleset,
                action="ruleset.published",
                after={"version": 1, "rules": len(ruleset.rules), "note": ruleset.note},
            )
    except IntegrityError:
        # Another process created version 1 at the same moment.
        return RuleSet.objects.order_by("-version").first()  # type: ignore[return-value]
    return ruleset


# -- reviewing -------------------------------------------------------------------------------
@dataclass
class _Entry:
    code: str
    severity: str
    enabled: bool
    params: dict[str, Any]
    message_zh: str
    message_en: str
    rule: Rule | None
    params_error: str = ""


_COMPILED: dict[tuple[int, int], list[_Entry]] = {}


def compiled_entries(ruleset: RuleSet) -> list[_Entry]:
    """The rule set's entries with params checked again (a rule set is never edited, so the
    result is kept per id and version). Bad stored params fall back to the defaults."""
    key = (ruleset.pk or 0, ruleset.version)
    entries = _COMPILED.get(key) if ruleset.pk else None
    if entries is not None:
        return entries
    entries = []
    for index, raw in enumerate(ruleset.rules or []):
        raw = raw if isinstance(raw, dict) else {}
        code = str(raw.get("code", ""))
        rule = RULES.get(code)
        severity = raw.get("severity") if raw.get("severity") in SEVERITIES else "reject"
        params: dict[str, Any] = {}
        error = ""
        if rule is not None:
            try:
                params = clean_params(rule, raw.get("params"), index)
            except DomainError as exc:
                error = exc.message
                params = clean_params(rule, {}, index)
        entries.append(
            _Entry(
                code=code,
                severity=str(severity),
                enabled=raw.get("enabled", True) is not False,
                params=params,
                message_zh=str(raw.get("message_zh") or ""),
                message_en=str(raw.get("message_en") or ""),
                rule=rule,
                params_error=error,
            )
        )
    if ruleset.pk:
        _COMPILED[key] = entries
    return entries


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _text(value: Any, sep: str) -> str:
    if isinstance(value, (list, tuple)):
        return sep.join(_text(v, sep) for v in value)
    if isinstance(value, dict):
        return sep.join(f"{k}={_text(v, sep)}" for k, v in value.items())
    return str(value)


def format_message(template: str, details: dict[str, Any], lang: str) -> str:
    """Fill `{name}` from details (`name_<lang>` first); lists joined; unknown names empty."""
    sep = "、" if lang == "zh" else ", "
    values = _Values()
    for key, value in details.items():
        if key.endswith(("_zh", "_en")):
            continue
        values[key] = _text(value, sep)
    suffix = f"_{lang}"
    for key, value in details.items():
        if key.endswith(suffix):
            values[key[: -len(suffix)]] = _text(value, sep)
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch. A batch allocates hundreds of
    thousands of short-lived objects (results, details, messages), which trigger full
    collections over the whole heap: about a third of the time of a review batch and of a bulk
    call. Reference counting still frees everything (none of it forms cycles that matter); the
    collector resumes, if it ran before, when the batch ends, also on errors."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def review(candidates: list[Candidate], ruleset: RuleSet | None = None) -> list[Verdict]:
    """Judge every candidate against every rule of the rule set (default: the current one).

    A few queries for the whole batch, then pure Python; no writes. Duplicates are checked
    against the suppliers' listings and within the batch (a later candidate with an earlier
    one's signature fails).
    """
    if ruleset is None:
        ruleset = current_ruleset()
    if not candidates:
        return []
    with paused_gc():
        return _review(candidates, ruleset)


def _review(candidates: list[Candidate], ruleset: RuleSet) -> list[Verdict]:
    entries = compiled_entries(ruleset)
    ctx = BatchContext(candidates)
    # (entry, the rule's bound check or None when skipped, its prepared state)
    plan: list[tuple[_Entry, Any, Any]] = []
    for entry in entries:
        if entry.enabled and entry.rule is not None:
            plan.append((entry, entry.rule.check, entry.rule.prepare(entry.params, ctx)))
        else:
            plan.append((entry, None, None))
    verdicts: list[Verdict] = []
    no_reference: dict[Any, tuple[str, str]] = {}
    passed, rejected_outcome, manual_outcome = (
        ReviewOutcome.PASSED.value,
        ReviewOutcome.REJECTED.value,
        ReviewOutcome.MANUAL.value,
    )
    version = ruleset.version
    for index, candidate in enumerate(candidates):
        results: list[RuleResult] = []
        rejected = manual = False
        for entry, check, state in plan:
            if check is None:
                details = {} if entry.rule is not None else {"reason": "unknown_rule"}
                results.append(RuleResult(entry.code, entry.severity, SKIPPED, details=details))
                continue
            status, details = check(index, candidate, entry.params, state, ctx)
            if entry.params_error:
                details = {**details, "params_error": entry.params_error}
            result = RuleResult(entry.code, entry.severity, status, "", "", details)
            if status == FAIL:
                result.message_zh = format_message(entry.message_zh, details, "zh")
                result.message_en = format_message(entry.message_en, details, "en")
                if entry.severity == "reject":
                    rejected = True
                else:
                    manual = True
            elif status == NO_REFERENCE:
                window = details.get("window_days")
                messages = no_reference.get(window)
                if messages is None:
                    messages = (
                        format_message(NO_REFERENCE_ZH, details, "zh"),
                        format_message(NO_REFERENCE_EN, details, "en"),
                    )
                    no_reference[window] = messages
                result.message_zh, result.message_en = messages
            results.append(result)
        outcome = rejected_outcome if rejected else manual_outcome if manual else passed
        verdicts.append(Verdict(version, outcome, results))
    return verdicts
