"""Recomputing open deadlines when the calendar changes.

A capability that stores deadlines computed by `govmall.core.calendar` (supplier verification,
contract publication, return verification, objections …) registers one function here, usually
from its `AppConfig.ready()`:

    from govmall.core.deadlines import register_recompute

    def recompute_verification_deadlines(years: set[int], actor: User | None) -> int:
        # lock every application still open whose period touches `years`
        # (calendar.years_spanned(start, deadline) & years), recompute with
        # calendar.add_working_days, save the changed ones and record_event(...) for each.
        return changed_count

    register_recompute(recompute_verification_deadlines)

The calendar services call `recompute_open_deadlines` inside their own transaction, after the
change is written: a failing recompute rolls the calendar change back with it, so the calendar
and every deadline computed from it stay consistent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from govmall.accounts.models import User

log = logging.getLogger(__name__)

RecomputeFn = Callable[[set[int], "User | None"], object]

_registry: list[RecomputeFn] = []


def register_recompute(fn: RecomputeFn) -> RecomputeFn:
    """Register `fn(years, actor)`; registering the same function twice has no effect.
    Returns `fn`, so it can be used as a decorator."""
    if fn not in _registry:
        _registry.append(fn)
    return fn


def unregister_recompute(fn: RecomputeFn) -> None:
    if fn in _registry:
        _registry.remove(fn)


def registered() -> list[RecomputeFn]:
    return list(_registry)


def recompute_open_deadlines(years: Iterable[int], actor: User | None) -> list[object]:
    """Call every registered recompute with the changed years; their results, in order.

    Must run inside the calling service's transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("recompute_open_deadlines must run inside the service's transaction")
    changed = set(years)
    results = []
    for fn in list(_registry):
        log.info("recomputing deadlines for %s with %s", sorted(changed), fn)
        results.append(fn(set(changed), actor))
    return results
