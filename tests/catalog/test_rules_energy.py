"""energy_certificate: only where the category's energy status is mandatory."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from tests.catalog.factories import make_category
from tests.catalog.test_rules_support import (
    candidate,
    check_one,
    desktop_category,
    ruleset_with,
)

pytestmark = pytest.mark.django_db


def test_energy_certificate_pass_with_valid_number_and_date():
    result = check_one("energy_certificate", candidate(desktop_category()))
    assert result.status == "pass"
    assert result.details == {"applies": True}


def test_energy_certificate_number_is_folded_before_matching():
    cand = candidate(desktop_category(), energy_cert_no=" cqc２２７０１３６８９７６ ")
    assert check_one("energy_certificate", cand).status == "pass"


@pytest.mark.parametrize("status", ["none", "preferred"])
def test_energy_certificate_not_required_outside_mandatory_categories(status):
    leaf = make_category(energy_status=status)
    cand = candidate(leaf, energy_cert_no="", energy_cert_expiry=None, attributes={})
    result = check_one("energy_certificate", cand)
    assert result.status == "pass"
    assert result.details == {"applies": False}


def test_energy_certificate_missing():
    cand = candidate(desktop_category(), energy_cert_no="", energy_cert_expiry=None)
    result = check_one("energy_certificate", cand)
    assert result.status == "fail"
    assert result.details["problems"] == ["number_missing", "expiry_missing"]
    assert result.message_zh == (
        "强制节能品目须提供有效的节能产品认证证书：缺少证书编号、缺少有效期"
    )


def test_energy_certificate_bad_format():
    cand = candidate(desktop_category(), energy_cert_no="ABC-123")
    result = check_one("energy_certificate", cand)
    assert result.details["problems"] == ["number_format"]
    assert "“ABC-123”" in result.message_en


@time_machine.travel("2026-03-10 23:30:00+08:00", tick=False)
def test_energy_certificate_expiry_is_judged_in_shanghai_time():
    # 15:30 UTC on the 10th is already the 10th in Shanghai; expiring on the 10th still passes.
    ok = candidate(desktop_category(), energy_cert_expiry=date(2026, 3, 10))
    assert check_one("energy_certificate", ok).status == "pass"
    expired = candidate(desktop_category(), energy_cert_expiry=date(2026, 3, 9))
    result = check_one("energy_certificate", expired)
    assert result.status == "fail"
    assert result.details["problems"] == ["expired"]
    assert result.message_en.endswith("the certificate expired on 2026-03-09")


@time_machine.travel("2026-03-11 00:30:00+08:00", tick=False)
def test_energy_certificate_expired_after_shanghai_midnight():
    # Still the 10th in UTC, but the 11th in Shanghai.
    cand = candidate(desktop_category(), energy_cert_expiry=date(2026, 3, 10))
    assert check_one("energy_certificate", cand).status == "fail"


def test_energy_certificate_pattern_is_a_param():
    ruleset = ruleset_with(energy_certificate={"params": {"pattern": r"^JN\d{6}$"}})
    cand = candidate(desktop_category(), energy_cert_no="JN123456")
    assert check_one("energy_certificate", cand, ruleset).status == "pass"
    default = candidate(desktop_category(), energy_cert_expiry=date.today() + timedelta(days=1))
    assert check_one("energy_certificate", default, ruleset).status == "fail"
