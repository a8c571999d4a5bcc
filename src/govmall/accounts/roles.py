"""The roles of REQUIREMENTS.md, and which organisation kind may hold each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    PURCHASER = "purchaser", _("Purchasing unit")
    OPERATOR = "operator", _("Operator")
    REGULATOR = "regulator", _("Regulator")


class Role(models.TextChoices):
    SUPPLIER_ADMIN = "supplier_admin", _("Supplier admin")
    SUPPLIER_STAFF = "supplier_staff", _("Supplier staff")
    PURCHASER_ADMIN = "purchaser_admin", _("Purchaser admin")
    BUYER = "buyer", _("Buyer")
    APPROVER = "approver", _("Approver")
    OPERATOR_ADMIN = "operator_admin", _("Operator admin")
    OPERATOR_REVIEWER = "operator_reviewer", _("Operator reviewer")
    REGULATOR = "regulator", _("Regulator")


ROLE_ORG_KIND: dict[str, str] = {
    Role.SUPPLIER_ADMIN: OrgKind.SUPPLIER,
    Role.SUPPLIER_STAFF: OrgKind.SUPPLIER,
    Role.PURCHASER_ADMIN: OrgKind.PURCHASER,
    Role.BUYER: OrgKind.PURCHASER,
    Role.APPROVER: OrgKind.PURCHASER,
    Role.OPERATOR_ADMIN: OrgKind.OPERATOR,
    Role.OPERATOR_REVIEWER: OrgKind.OPERATOR,
    Role.REGULATOR: OrgKind.REGULATOR,
}

# The role that manages an organisation's own users.
ORG_ADMIN_ROLE: dict[str, str] = {
    OrgKind.SUPPLIER: Role.SUPPLIER_ADMIN,
    OrgKind.PURCHASER: Role.PURCHASER_ADMIN,
    OrgKind.OPERATOR: Role.OPERATOR_ADMIN,
    OrgKind.REGULATOR: Role.REGULATOR,
}
