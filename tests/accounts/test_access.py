import pytest

from govmall.accounts.access import (
    in_jurisdiction,
    is_regional_operator_admin,
    jurisdiction_divisions,
    owning_operator,
)
from govmall.accounts.models import Division
from govmall.accounts.roles import OrgKind, Role
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def div(code: str) -> Division:
    return Division.objects.get(code=code)


def test_divisions_cover_china_with_paths():
    assert Division.objects.count() == 3339
    assert div("150271").path == "150000/150200/150271"
    assert div("440300").name_zh == "深圳市"


def test_owning_operator_is_the_nearest_ancestor_and_the_centre_outside_the_region():
    centre = make_org(OrgKind.OPERATOR, division="150000")
    baotou = make_org(OrgKind.OPERATOR, division="150200")
    assert owning_operator(div("150271")) == baotou  # a development zone under 包头市
    assert owning_operator(div("150200")) == baotou  # equal counts as nearest
    assert owning_operator(div("150102")) == centre  # 呼和浩特 has no operator of its own
    assert owning_operator(div("440305")) == centre  # 深圳 南山区: outside the region


def test_jurisdiction_is_the_division_and_everything_under_it():
    city_op = make_user(Role.OPERATOR_REVIEWER, division="150200")
    regulator = make_user(Role.REGULATOR, division="150000")
    buyer = make_user(Role.BUYER, division="150202")
    assert in_jurisdiction(city_op, div("150271"))
    assert not in_jurisdiction(city_op, div("150102"))
    assert in_jurisdiction(regulator, div("150102"))
    assert not in_jurisdiction(buyer, div("150202"))  # purchasers have no jurisdiction
    codes = set(jurisdiction_divisions(city_op).values_list("code", flat=True))
    assert "150200" in codes and "150271" in codes and "150100" not in codes
    assert jurisdiction_divisions(buyer).count() == 0


def test_only_operator_admins_of_the_regional_centre_edit_region_wide_data():
    assert is_regional_operator_admin(make_user(Role.OPERATOR_ADMIN, division="150000"))
    assert not is_regional_operator_admin(make_user(Role.OPERATOR_ADMIN, division="150200"))
    assert not is_regional_operator_admin(make_user(Role.OPERATOR_REVIEWER, division="150000"))
    assert not is_regional_operator_admin(None)
