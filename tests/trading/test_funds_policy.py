"""The unit's approval limit: only its own PURCHASER_ADMIN sets it; audited before/after."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.trading.models import PurchasingPolicy
from govmall.trading.selectors_funds import approval_limit
from govmall.trading.services_policy import policy_set_limit
from tests.factories import make_user
from tests.trading.factories import make_unit

pytestmark = pytest.mark.django_db


def _events(policy):
    return list(
        Event.objects.filter(
            object_type="trading.purchasingpolicy", object_id=str(policy.pk)
        ).order_by("seq")
    )


def test_admin_sets_changes_and_clears_the_limit():
    unit = make_unit()
    assert approval_limit(unit.org.pk) is None
    policy = policy_set_limit(actor=unit.admin, limit=Decimal("50000"))
    assert policy.organisation_id == unit.org.pk
    assert approval_limit(unit.org.pk) == Decimal("50000.00")
    policy_set_limit(actor=unit.admin, limit="80000.50")
    assert approval_limit(unit.org.pk) == Decimal("80000.50")
    policy_set_limit(actor=unit.admin, limit=None)
    assert approval_limit(unit.org.pk) is None
    assert PurchasingPolicy.objects.filter(organisation=unit.org).count() == 1
    events = _events(policy)
    assert [(e.action, e.before, e.after) for e in events] == [
        ("purchasingpolicy.limit_set", {"approval_limit": None}, {"approval_limit": "50000.00"}),
        (
            "purchasingpolicy.limit_set",
            {"approval_limit": "50000.00"},
            {"approval_limit": "80000.50"},
        ),
        ("purchasingpolicy.limit_set", {"approval_limit": "80000.50"}, {"approval_limit": None}),
    ]
    assert all(e.actor_id == unit.admin.pk for e in events)


def test_setting_the_same_limit_again_records_nothing():
    unit = make_unit()
    policy = policy_set_limit(actor=unit.admin, limit="100.00")
    policy_set_limit(actor=unit.admin, limit="100")
    assert len(_events(policy)) == 1


def test_zero_means_every_order_is_approved():
    unit = make_unit()
    policy_set_limit(actor=unit.admin, limit="0")
    assert approval_limit(unit.org.pk) == Decimal("0.00")


@pytest.mark.parametrize("value", ["-1", "1.001", "abc", "1000000000000"])
def test_bad_limits_are_refused_at_the_field(value):
    unit = make_unit()
    with pytest.raises(DomainError) as err:
        policy_set_limit(actor=unit.admin, limit=value)
    assert (err.value.code, err.value.field) == ("invalid_amount", "approval_limit")
    assert not PurchasingPolicy.objects.exists()


@pytest.mark.parametrize("who", ["buyer", "approver", "regulator", "operator", "other_admin"])
def test_only_the_units_admin_may_set_it(who):
    unit = make_unit()
    other = make_unit()
    actor = {
        "buyer": unit.buyer,
        "approver": unit.approver,
        "regulator": make_user(Role.REGULATOR, division="150200"),
        "operator": make_user(Role.OPERATOR_ADMIN, division="150200"),
        "other_admin": other.admin,
    }[who]
    if who == "other_admin":  # there is no unit argument: an admin sets its OWN unit's limit
        policy_set_limit(actor=actor, limit="1.00")
        assert approval_limit(other.org.pk) == Decimal("1.00")
        assert approval_limit(unit.org.pk) is None
        return
    with pytest.raises(DomainError) as err:
        policy_set_limit(actor=actor, limit="1.00")
    assert err.value.status == 403
    assert not PurchasingPolicy.objects.exists()


def test_anonymous_is_refused():
    with pytest.raises(DomainError) as err:
        policy_set_limit(actor=None, limit="1")
    assert err.value.code == "unauthenticated"
