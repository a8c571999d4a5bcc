"""Public portal pages of trading (no login): published contracts and quotation results."""

from govmall.trading import urls_public_contracts, urls_public_quotations

app_name = "trading_public"

urlpatterns = [*urls_public_contracts.urlpatterns, *urls_public_quotations.urlpatterns]
