"""The unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet: [1] registration authority, [2] organisation type,
[3-8] the registering administrative division, [9-17] the organisation code, [18] a check
character computed over the first 17.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from govmall.core.errors import DomainError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}

# Registration authority → the organisation type characters it issues.
AUTHORITY_TYPES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直管, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商/市场监管: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业
    "Y": "1",  # 其他
}

ENTERPRISE_PREFIX = "91"
INDIVIDUAL_PREFIX = "92"


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return code.strip().upper()


def validate_credit_code(code: str, supplier_type: str) -> str:
    """The normalised code if it is well formed and fits `supplier_type`; else a DomainError
    with a code of its own for each kind of fault (field `credit_code`)."""
    from govmall.suppliers.models import SupplierType

    code = normalise(code)
    if len(code) != 18 or any(c not in _VALUE for c in code):
        raise DomainError(
            "credit_code_format",
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "other than I, O, Z, S and V."
            ),
            field="credit_code",
        )
    if code[0] not in AUTHORITY_TYPES or code[1] not in AUTHORITY_TYPES[code[0]]:
        raise DomainError(
            "credit_code_authority",
            _(
                "The first two characters (%(prefix)s) are not a valid registration authority "
                "and organisation type."
            )
            % {"prefix": code[:2]},
            field="credit_code",
        )
    if check_character(code[:17]) != code[17]:
        raise DomainError(
            "credit_code_check_digit",
            _(
                "The check character of this credit code is wrong: please check it for typing "
                "errors."
            ),
            field="credit_code",
        )
    prefix = code[:2]
    mismatch = (
        (supplier_type == SupplierType.ENTERPRISE and prefix != ENTERPRISE_PREFIX)
        or (supplier_type == SupplierType.INDIVIDUAL and prefix != INDIVIDUAL_PREFIX)
        or (
            supplier_type == SupplierType.OTHER and prefix in (ENTERPRISE_PREFIX, INDIVIDUAL_PREFIX)
        )
    )
    if mismatch:
        raise DomainError(
            "credit_code_type_mismatch",
            _("A credit code beginning with %(prefix)s does not belong to the declared type.")
            % {"prefix": prefix},
            field="credit_code",
            prefix=prefix,
            supplier_type=supplier_type,
        )
    return code


def division_warning(code: str, division_code: str) -> str | None:
    """Characters 3-8 name the division where the code was issued; a company that has moved
    keeps its code, so a difference is only a warning."""
    if code[2:8] == division_code:
        return None
    return _(
        "The credit code was issued in division %(issued)s, not the registered division "
        "%(registered)s. This is allowed (companies move); please make sure it is right."
    ) % {"issued": code[2:8], "registered": division_code}


def make_credit_code(prefix: str, division_code: str, serial: int) -> str:
    """A valid code for tests and demo data: `prefix` (e.g. "91"), division, a serial number."""
    body = f"{prefix}{division_code}{serial:09d}"[:17]
    if len(body) != 17:
        raise ValueError("prefix must have 2 characters and the division 6")
    return body + check_character(body)
