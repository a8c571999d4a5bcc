"""Small presentation helpers shared by the templates: readable audit actions and links."""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govmall.accounts.models import User
from govmall.accounts.roles import Role

register = template.Library()

# Readable names of audit actions; a capability adds its own. Unknown codes show as they are.
ACTION_LABELS: dict[str, Promise] = {
    "organisation.created": _("Organisation created"),
    "user.created": _("User created"),
    "user.locked": _("Account locked after failed logins"),
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
}

OBJECT_TYPE_LABELS: dict[str, Promise] = {
    "accounts.organisation": _("Organisation"),
    "accounts.user": _("User"),
    "accounts.apitoken": _("API token"),
}


@register.filter
def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


@register.filter
def object_type_label(object_type: str) -> str:
    label = OBJECT_TYPE_LABELS.get(object_type)
    return str(label) if label is not None else object_type


@register.simple_tag
def timeline_url(object_type: str, object_id: str | int) -> str:
    """The public timeline of one object's audit chain."""
    return f"/audit/timeline/{quote(str(object_type), safe='')}/{quote(str(object_id), safe='')}/"


@register.filter
def role_labels(user: User) -> list[str]:
    """The user's roles, readable, in the order roles are declared."""
    held = {r.role for r in user.roles.all()}
    return [str(label) for value, label in Role.choices if value in held]
