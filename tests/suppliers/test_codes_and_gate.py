import pytest

from govmall.core.errors import DomainError
from govmall.suppliers.codes import (
    check_character,
    division_warning,
    make_credit_code,
    validate_credit_code,
)
from govmall.suppliers.gate import trading_blockers
from tests.factories import make_supplier


def test_check_character_of_published_codes():
    assert check_character("91350100M000100Y4") == "3"
    assert check_character("91110000802100433") == "B"


def test_generated_codes_validate_and_fit_their_type():
    code = make_credit_code("92", "150202", 42)
    assert validate_credit_code(code.lower(), "individual") == code
    assert validate_credit_code(make_credit_code("91", "150202", 1), "enterprise")
    assert validate_credit_code(make_credit_code("51", "150202", 1), "other")


@pytest.mark.parametrize(
    ("code", "supplier_type", "error"),
    [
        ("91350100M000100Y4", "enterprise", "credit_code_format"),
        ("91350100M000100Y4O", "enterprise", "credit_code_format"),  # O is not in the alphabet
        ("91350100M000100Y44", "enterprise", "credit_code_check_digit"),
        ("Z1350100M000100Y43", "enterprise", "credit_code_format"),
        ("94350100M000100Y4X", "enterprise", "credit_code_authority"),
        ("91350100M000100Y43", "individual", "credit_code_type_mismatch"),
        ("91350100M000100Y43", "other", "credit_code_type_mismatch"),
    ],
)
def test_each_fault_has_its_own_error(code, supplier_type, error):
    with pytest.raises(DomainError) as exc:
        validate_credit_code(code, supplier_type)
    assert exc.value.code == error
    assert exc.value.field == "credit_code"


def test_individual_business_code_must_be_declared_individual():
    code = make_credit_code("92", "150202", 7)
    with pytest.raises(DomainError) as exc:
        validate_credit_code(code, "enterprise")
    assert exc.value.code == "credit_code_type_mismatch"


def test_division_difference_is_a_warning_only():
    code = make_credit_code("91", "150202", 3)
    assert division_warning(code, "150202") is None
    assert "150202" in (division_warning(code, "150203") or "")


@pytest.mark.django_db
def test_trading_gate_lists_every_blocker():
    supplier, _admin = make_supplier()
    assert trading_blockers(supplier) == []
    pending, _ = make_supplier(status="pending", signed=False, documents=False)
    codes = [code for code, _msg in trading_blockers(pending)]
    assert codes == ["supplier_not_active", "commitment_not_signed", "documents_missing"]


@pytest.mark.django_db
def test_gate_counts_uploaded_documents_before_activation_and_accepted_ones_after():
    from django.utils import translation

    returned, _ = make_supplier(status="returned")  # documents uploaded, not yet accepted
    codes = [code for code, _msg in trading_blockers(returned)]
    assert codes == ["supplier_not_active"]
    active, _ = make_supplier()
    active.documents.update(accepted_at=None)  # new versions awaiting verification only
    with translation.override("zh-hans"):
        blockers = dict(trading_blockers(active))
    assert blockers["documents_missing"].endswith("营业执照、授权委托书")
