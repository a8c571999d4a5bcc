"""Role-aware navigation entries.

The header shows the public entries to everyone, then the signed-in entries, then every entry of
`ROLE_ENTRIES` whose `allowed(user)` is true. A later capability adds its pages by appending one
`RoleEntry` (label, path or URL name, who may see it) to `ROLE_ENTRIES`; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govmall.accounts.access import is_operator_admin, is_org_admin, is_regional_operator_admin
from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.suppliers.credit import can_view_credit_lists


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    active: bool = False
    in_bar: bool = True


@dataclass(frozen=True)
class RoleEntry:
    """One navigation entry for the users `allowed` admits.

    `target` is a URL name (``"app:name"``) or, for pages another app mounts later, a path.
    """

    key: str
    label: str | Promise
    target: str
    allowed: Callable[[User], bool]
    # False: an administrative page reached from the workspace's shortcuts, not the top bar.
    in_bar: bool = True


def _url(target: str) -> str:
    if target.startswith("/"):
        return target
    try:
        return reverse(target)
    except NoReverseMatch:
        return ""


def _any_user(_user: User) -> bool:
    return True


def _is_supplier(user: User) -> bool:
    return user.has_role(Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF)


def _is_operator(user: User) -> bool:
    return user.has_role(Role.OPERATOR_ADMIN, Role.OPERATOR_REVIEWER)


def _is_purchaser(user: User) -> bool:
    return user.has_role(Role.PURCHASER_ADMIN, Role.BUYER, Role.APPROVER)


def _is_buyer(user: User) -> bool:
    return user.has_role(Role.PURCHASER_ADMIN, Role.BUYER)


def _is_approver(user: User) -> bool:
    return user.has_role(Role.APPROVER)


def _is_regulator(user: User) -> bool:
    return user.has_role(Role.REGULATOR)


def _is_trader(user: User) -> bool:
    return _is_purchaser(user) or _is_supplier(user)


def _sees_orders(user: User) -> bool:
    return _is_trader(user) or _is_operator_or_regulator(user)


def _is_operator_or_regulator(user: User) -> bool:
    return user.has_role(Role.OPERATOR_ADMIN, Role.OPERATOR_REVIEWER, Role.REGULATOR)


PUBLIC_ENTRIES: list[RoleEntry] = [
    RoleEntry("public_home", _("Home"), "core:public_home", _any_user),
    RoleEntry("catalog", _("Catalogue"), "catalog:search", _any_user),
    RoleEntry("audit_checkpoints", _("Audit checkpoints"), "/audit/checkpoints/", _any_user),
    RoleEntry("calendar", _("Working-day calendar"), "/calendar/", _any_user),
    RoleEntry("supplier_directory", _("Supplier directory"), "suppliers:directory", _any_user),
    RoleEntry("supplier_stats", _("Supplier statistics"), "stats:suppliers", _any_user),
    RoleEntry("public_contracts", _("Published contracts"), "trading_public:contracts", _any_user),
    RoleEntry(
        "quotation_results",
        _("Quotation results"),
        "trading_public:quotation_results",
        _any_user,
        in_bar=False,
    ),
    RoleEntry(
        "change_stats",
        _("Return verification compliance"),
        "stats:changes",
        _any_user,
        in_bar=False,
    ),
]

SIGNED_IN_ENTRIES: list[RoleEntry] = [
    RoleEntry("workspace", _("My workspace"), "core:home", _any_user),
    RoleEntry("api_tokens", _("API tokens"), "accounts:tokens", _any_user),
]

# Entries that depend on the user's roles. Capabilities append theirs here.
ROLE_ENTRIES: list[RoleEntry] = [
    RoleEntry("supplier_home", _("Onboarding"), "suppliers:home", _is_supplier),
    RoleEntry(
        "supplier_documents", _("Qualification documents"), "suppliers:documents", _is_supplier
    ),
    RoleEntry("my_listings", _("My listings"), "catalog:my_listings", _is_supplier),
    RoleEntry(
        "listing_import", _("Import listings"), "catalog:bulk_import", _is_supplier, in_bar=False
    ),
    RoleEntry("cart", _("Cart"), "trading:cart", lambda u: u.has_role(Role.BUYER)),
    RoleEntry("orders", _("Orders"), "trading:orders", _sees_orders),
    RoleEntry("approvals", _("Orders to approve"), "trading:approvals", _is_approver),
    RoleEntry("supplier_orders", _("Orders to confirm"), "trading:supplier_orders", _is_supplier),
    RoleEntry(
        "quotations",
        _("Quotations"),
        "trading:quotations",
        lambda u: _is_buyer(u) or _is_operator_or_regulator(u),
    ),
    RoleEntry(
        "quotation_invitations",
        _("Quotation invitations"),
        "trading:quotation_invitations",
        _is_supplier,
    ),
    RoleEntry("contracts", _("Contracts"), "trading:contracts", _is_trader),
    RoleEntry("fulfilment", _("Fulfilment"), "trading:fulfilment", _is_supplier, in_bar=False),
    RoleEntry(
        "acceptance", _("Acceptance and payment"), "trading:acceptance", _is_buyer, in_bar=False
    ),
    RoleEntry("tickets", _("After-sales tickets"), "trading:tickets", _sees_orders, in_bar=False),
    RoleEntry(
        "changes", _("Returns and terminations"), "trading:changes", _is_trader, in_bar=False
    ),
    RoleEntry("unit_funds", _("Our funds"), "trading:unit_funds", _is_purchaser, in_bar=False),
    RoleEntry(
        "approval_limit",
        _("Approval limit"),
        "trading:policy",
        lambda u: u.has_role(Role.PURCHASER_ADMIN),
        in_bar=False,
    ),
    RoleEntry("funds", _("Funds"), "trading:funds", _is_regulator),
    RoleEntry("filed_contracts", _("Filed contracts"), "trading:filed_contracts", _is_regulator),
    RoleEntry("change_queue", _("Returns to verify"), "trading:change_queue", _is_operator),
    RoleEntry(
        "late_payments",
        _("Late payments"),
        "trading:acceptance",
        _is_operator_or_regulator,
        in_bar=False,
    ),
    RoleEntry("verification_queue", _("Verification queue"), "suppliers:queue", _is_operator),
    RoleEntry("listing_reviews", _("Listing reviews"), "catalog:review_queue", _is_operator),
    RoleEntry(
        "reference_prices",
        _("Reference prices"),
        "pricing:references",
        _is_operator_or_regulator,
        in_bar=False,
    ),
    RoleEntry("credit_lists", _("Credit lists"), "suppliers:credit_lists", can_view_credit_lists),
    RoleEntry("users", _("Users"), "accounts:users", is_org_admin, in_bar=False),
    RoleEntry(
        "purchasing_units",
        _("Purchasing units"),
        "accounts:purchasing_units",
        is_operator_admin,
        in_bar=False,
    ),
    RoleEntry(
        "calendar_manage",
        _("Calendar management"),
        "/calendar/manage/",
        is_regional_operator_admin,
        in_bar=False,
    ),
    RoleEntry(
        "commitment_versions",
        _("Commitment texts"),
        "suppliers:commitment_versions",
        is_regional_operator_admin,
        in_bar=False,
    ),
    RoleEntry(
        "shared_import",
        _("Shared recruitment"),
        "suppliers:shared_import",
        is_regional_operator_admin,
        in_bar=False,
    ),
    RoleEntry(
        "categories_manage",
        _("Category tree"),
        "catalog:categories_manage",
        is_regional_operator_admin,
        in_bar=False,
    ),
    RoleEntry(
        "listing_rules",
        _("Listing rules"),
        "catalog:rules",
        is_regional_operator_admin,
        in_bar=False,
    ),
    RoleEntry(
        "reference_import",
        _("Import reference prices"),
        "pricing:import",
        is_regional_operator_admin,
        in_bar=False,
    ),
]


def _entries_for(user: User | None) -> list[RoleEntry]:
    entries = list(PUBLIC_ENTRIES)
    if isinstance(user, User) and user.is_authenticated:
        entries += SIGNED_IN_ENTRIES
        entries += [entry for entry in ROLE_ENTRIES if entry.allowed(user)]
    return entries


def nav_items(request: HttpRequest) -> list[NavItem]:
    """The entries this request's user may see; the one matching the current path is active."""
    user = getattr(request, "user", None)
    resolved = [
        (entry, url)
        for entry in _entries_for(user if isinstance(user, User) else None)
        if (url := _url(entry.target))
    ]
    path = getattr(request, "path", "") or ""
    # The longest URL that is the current path or a parent of it marks the active entry.
    best = ""
    for _entry, url in resolved:
        matches = path == url or (url != "/" and path.startswith(url))
        if matches and len(url) > len(best):
            best = url
    return [
        NavItem(
            key=entry.key,
            label=str(entry.label),
            url=url,
            active=url == best,
            in_bar=entry.in_bar,
        )
        for entry, url in resolved
    ]
