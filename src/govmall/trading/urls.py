"""Trading pages: each area's patterns under one "trading" namespace."""

from govmall.trading import (
    urls_aftersales,
    urls_changes,
    urls_contracts,
    urls_fulfilment,
    urls_funds,
    urls_orders,
    urls_quotations,
)

app_name = "trading"

urlpatterns = [
    *urls_funds.urlpatterns,
    *urls_orders.urlpatterns,
    *urls_quotations.urlpatterns,
    *urls_contracts.urlpatterns,
    *urls_fulfilment.urlpatterns,
    *urls_aftersales.urlpatterns,
    *urls_changes.urlpatterns,
]
