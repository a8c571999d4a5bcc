"""Who may read an object's timeline: a registry of object types, one check per type.

The trail holds events of every app, but each app knows who may see its objects. An app
registers its types with one call, e.g. in its AppConfig.ready():

    register_timeline("trading.order", lambda actor, order: order_visible_to(actor, order))

A type nobody registered has no timeline: unknown, missing and not-allowed are one 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from govmall.accounts import access as accounts_access
from govmall.accounts.models import ApiToken, User
from govmall.core.errors import NotFound

TimelineCheck = Callable[[User, Any], bool]

_REGISTRY: dict[str, TimelineCheck] = {}


def register_timeline(object_type: str, check: TimelineCheck) -> None:
    """Let actors for whom `check(actor, obj)` holds read timelines of `object_type`.

    `object_type` is the model's lower-case label ("app_label.modelname"), as stored on events.
    """
    if object_type != object_type.lower() or object_type.count(".") != 1:
        raise ValueError(f"object type must look like 'app_label.modelname': {object_type!r}")
    _REGISTRY[object_type] = check


def registered_types() -> list[str]:
    return sorted(_REGISTRY)


def _model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def timeline_for_actor(actor: User, object_type: str, object_id: str) -> models.Model:
    """The object whose timeline `actor` may read; else NotFound, whatever the reason."""
    check = _REGISTRY.get(object_type)
    model = _model_for(object_type) if check is not None else None
    if check is None or model is None or not actor.is_active:
        raise NotFound()
    try:
        pk = model._meta.pk.to_python(object_id) if model._meta.pk is not None else None
    except ValidationError:
        raise NotFound() from None
    obj = model._default_manager.filter(pk=pk).first() if pk is not None else None
    if obj is None or not check(actor, obj):
        raise NotFound()
    return obj


def _api_token_visible_to(actor: User, token: ApiToken) -> bool:
    return actor.is_superuser or token.user_id == actor.pk


register_timeline("accounts.organisation", accounts_access.organisation_visible_to)
register_timeline("accounts.user", accounts_access.user_visible_to)
register_timeline("accounts.apitoken", _api_token_visible_to)
