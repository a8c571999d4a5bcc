"""The rule-set editor's form: one group of fields per rule of the current version (enabled,
severity, params, messages) and a note. It only parses input into the rule list the service
validates; the service names the field at fault (`rules.<i>.params.<name>`), which
`field_for_error` maps back onto this form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govmall.catalog.rules.builtin import RULES, Param

LIST_KINDS = ("words", "choices", "regexes")

PARAM_LABELS: dict[str, Any] = {
    "fields": _("Fields checked (one per line)"),
    "words": _("Words (one per line)"),
    "patterns": _("Patterns: regular expressions, one per line"),
    "units": _("Allowed units (one per line)"),
    "min": _("Minimum"),
    "max": _("Maximum"),
    "min_width": _("Minimum width (pixels)"),
    "min_height": _("Minimum height (pixels)"),
    "pattern": _("Certificate number pattern (regular expression)"),
    "states": _("Listing states that count (one per line)"),
    "floor_months": _("Minimum warranty for every category (months)"),
    "fee_words": _("Fee words (one per line)"),
    "window_days": _("Window (days)"),
    "tolerance_percent": _("Tolerance (percent)"),
    "tolerance_amount": _("Tolerance (CNY)"),
    "min_percent": _("Review when below this percentage of the reference"),
}
SEVERITY_CHOICES = [("reject", _("Reject")), ("review", _("Manual review"))]


def field_name(code: str, part: str) -> str:
    return f"{code}__{part}"


def _param_field(spec: Param) -> forms.Field:
    if spec.kind in LIST_KINDS:
        help_text = ""
        if spec.kind == "choices":
            help_text = _("Allowed: %(values)s") % {"values": ", ".join(spec.allowed)}
        return forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
            help_text=help_text,
        )
    if spec.kind == "int":
        return forms.CharField(
            required=False, widget=forms.NumberInput(attrs={"min": 0, "step": 1})
        )
    if spec.kind == "number":
        return forms.CharField(
            required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
        )
    return forms.CharField(required=False, widget=forms.TextInput(attrs={"spellcheck": "false"}))


def _initial_param(spec: Param, value: Any) -> Any:
    if spec.kind in LIST_KINDS:
        return "\n".join(str(v) for v in value or [])
    return "" if value is None else str(value)


@dataclass
class RuleGroup:
    """One rule's bound fields, for the template."""

    code: str
    name: str
    enabled: forms.BoundField
    severity: forms.BoundField
    params: list[forms.BoundField]
    message_zh: forms.BoundField
    message_en: forms.BoundField

    @property
    def has_errors(self) -> bool:
        return any(
            f.errors
            for f in [self.enabled, self.severity, *self.params, self.message_zh, self.message_en]
        )


class RuleSetForm(forms.Form):
    note = forms.CharField(
        label=_("Note on this version"),
        max_length=500,
        required=False,
        help_text=_("What changed and why; shown in the version history."),
    )

    def __init__(self, *args: Any, rules: list[dict[str, Any]], **kwargs: Any) -> None:
        self.rules = rules
        initial: dict[str, Any] = {}
        for rule in rules:
            code = rule["code"]
            initial[field_name(code, "enabled")] = rule.get("enabled", True)
            initial[field_name(code, "severity")] = rule.get("severity", "reject")
            initial[field_name(code, "message_zh")] = rule.get("message_zh", "")
            initial[field_name(code, "message_en")] = rule.get("message_en", "")
            known = RULES.get(code)
            for name, spec in (known.params if known else {}).items():
                value = (rule.get("params") or {}).get(name)
                initial[field_name(code, f"param__{name}")] = _initial_param(spec, value)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for rule in rules:
            code = rule["code"]
            known = RULES.get(code)
            self.fields[field_name(code, "enabled")] = forms.BooleanField(
                label=_("Enabled"), required=False
            )
            self.fields[field_name(code, "severity")] = forms.ChoiceField(
                label=_("Severity"), choices=SEVERITY_CHOICES
            )
            for name, spec in (known.params if known else {}).items():
                field = _param_field(spec)
                field.label = PARAM_LABELS.get(name, name)
                self.fields[field_name(code, f"param__{name}")] = field
            self.fields[field_name(code, "message_zh")] = forms.CharField(
                label=_("Message (Chinese)"), max_length=500, required=False
            )
            self.fields[field_name(code, "message_en")] = forms.CharField(
                label=_("Message (English)"), max_length=500, required=False
            )

    def groups(self, language: str) -> list[RuleGroup]:
        groups = []
        for rule in self.rules:
            code = rule["code"]
            known = RULES.get(code)
            name = code
            if known is not None:
                name = known.name_en if language == "en" else known.name_zh
            params = [
                self[field_name(code, f"param__{p}")] for p in (known.params if known else {})
            ]
            groups.append(
                RuleGroup(
                    code=code,
                    name=name,
                    enabled=self[field_name(code, "enabled")],
                    severity=self[field_name(code, "severity")],
                    params=params,
                    message_zh=self[field_name(code, "message_zh")],
                    message_en=self[field_name(code, "message_en")],
                )
            )
        return groups

    def rule_list(self) -> list[dict[str, Any]]:
        """The rules as the service takes them (call after is_valid)."""
        data = self.cleaned_data
        out = []
        for rule in self.rules:
            code = rule["code"]
            known = RULES.get(code)
            params: dict[str, Any] = {}
            for name, spec in (known.params if known else {}).items():
                raw = data.get(field_name(code, f"param__{name}"), "") or ""
                if spec.kind in LIST_KINDS:
                    params[name] = [line.strip() for line in raw.splitlines() if line.strip()]
                else:
                    params[name] = raw.strip()
            out.append(
                {
                    "code": code,
                    "enabled": bool(data.get(field_name(code, "enabled"))),
                    "severity": data.get(field_name(code, "severity"), ""),
                    "params": params,
                    "message_zh": data.get(field_name(code, "message_zh"), ""),
                    "message_en": data.get(field_name(code, "message_en"), ""),
                }
            )
        return out

    def field_for_error(self, error_field: str | None) -> str | None:
        """`rules.3.params.words` → `forbidden_words__param__words`; None for the form."""
        if not error_field:
            return None
        if error_field in self.fields:
            return error_field
        parts = error_field.split(".")
        if len(parts) < 3 or parts[0] != "rules" or not parts[1].isdigit():
            return None
        index = int(parts[1])
        if index >= len(self.rules):
            return None
        code = self.rules[index]["code"]
        if parts[2] == "params" and len(parts) >= 4:
            name = field_name(code, f"param__{parts[3]}")
        else:
            name = field_name(code, parts[2])
        return name if name in self.fields else None
