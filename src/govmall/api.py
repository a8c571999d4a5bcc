"""/api/v1/: every app's router mounted on the one API."""

from govmall.accounts.api import router as accounts_router
from govmall.audit.api import router as audit_router
from govmall.catalog import (
    api_bulk,
    api_categories,
    api_listings,
    api_reviews,
    api_rules,
    api_search,
)
from govmall.core.api import router as core_router
from govmall.core.api_base import build_api
from govmall.core.api_notifications import router as notifications_router
from govmall.pricing.api import router as pricing_router
from govmall.stats.api import router as stats_router
from govmall.suppliers import (
    api_credit,
    api_directory,
    api_documents,
    api_registration,
    api_shared,
    api_verification,
)
from govmall.trading import (
    api_aftersales,
    api_changes,
    api_contracts,
    api_fulfilment,
    api_funds,
    api_orders,
    api_quotations,
)

api = build_api()
# Placing orders is the busiest call, and Django tries URL patterns in order: its router first.
api.add_router("/", api_orders.router)
api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/audit/", audit_router)
api.add_router("/", notifications_router)
api.add_router("/stats/", stats_router)
for supplier_api in (
    api_registration,
    api_documents,
    api_credit,
    api_verification,
    api_shared,
    api_directory,
):
    api.add_router("/", supplier_api.router)
for catalog_api in (api_categories, api_listings, api_reviews, api_rules, api_search, api_bulk):
    api.add_router("/catalog/", catalog_api.router)
api.add_router("/pricing/", pricing_router)
for trading_api in (
    api_funds,
    api_quotations,
    api_contracts,
    api_fulfilment,
    api_aftersales,
    api_changes,
):
    api.add_router("/", trading_api.router)
