"""A purchasing unit's internal approval limit, set by its own admin.

Orders above the limit wait for the unit's approver (services_orders reads it through
`selectors_funds.approval_limit`); no limit means no internal approval step.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.trading.access import require_purchaser
from govmall.trading.models import PurchasingPolicy
from govmall.trading.services_funds import clean_amount


def _locked_policy(org_id: int, actor: User) -> PurchasingPolicy:
    """The unit's policy row, locked; created (no limit yet) on first use. A concurrent first
    use loses the unique race in a savepoint and then locks the winner's row."""
    qs = PurchasingPolicy.objects.select_for_update(of=("self",)).filter(organisation_id=org_id)
    policy = qs.first()
    if policy is not None:
        return policy
    try:
        with transaction.atomic():
            return PurchasingPolicy.objects.create(
                organisation_id=org_id,
                approval_limit=None,
                updated_by=actor,
                updated_at=timezone.now(),
            )
    except IntegrityError:
        return qs.get()


def policy_set_limit(*, actor: User | None, limit: Decimal | str | None) -> PurchasingPolicy:
    """The unit's PURCHASER_ADMIN sets (or, with None or "", removes) its own unit's
    approval limit: yuan ≥ 0 with 2 places (0 = every order waits for the approver)."""
    user = require_purchaser(actor, Role.PURCHASER_ADMIN)
    assert user.organisation_id is not None
    value = None if limit is None or limit == "" else clean_amount(limit, field="approval_limit")
    with transaction.atomic():
        policy = _locked_policy(user.organisation_id, user)
        before = policy.approval_limit
        if policy.audit_length and before == value:
            return policy
        policy.approval_limit = value
        policy.updated_by = user
        policy.updated_at = timezone.now()
        PurchasingPolicy.objects.filter(pk=policy.pk).update(
            approval_limit=value, updated_by=user, updated_at=policy.updated_at
        )
        record_event(
            obj=policy,
            action="purchasingpolicy.limit_set",
            actor=user,
            before={"approval_limit": before},
            after={"approval_limit": value},
        )
        return policy
