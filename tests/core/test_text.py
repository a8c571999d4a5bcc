import pytest

from govmall.core.errors import DomainError
from govmall.core.text import clean_text


def test_clean_text_strips_and_accepts():
    assert clean_text("  包头  ", field="name", limit=10) == "包头"
    assert clean_text(None, field="name", limit=10, required=False) == ""


@pytest.mark.parametrize(
    ("value", "kwargs", "code"),
    [
        (42, {}, "invalid"),
        ("a\x00b", {}, "invalid"),
        ("   ", {}, "required"),
        ("   ", {"required_code": "reason_required"}, "reason_required"),
        ("x" * 11, {}, "too_long"),
    ],
)
def test_each_fault_names_the_field(value, kwargs, code):
    with pytest.raises(DomainError) as exc:
        clean_text(value, field="note", limit=10, **kwargs)
    assert (exc.value.code, exc.value.field) == (code, "note")
