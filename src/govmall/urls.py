"""Top-level URLs. API errors under /api/ keep the JSON shape even for unknown paths."""

from django.contrib import admin
from django.urls import include, path

from govmall.api import api
from govmall.core.views_health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("govmall.accounts.urls")),
    path("audit/", include("govmall.audit.urls")),
    path("calendar/", include("govmall.core.urls_calendar")),
    path("suppliers/", include("govmall.suppliers.urls")),
    path("catalog/", include("govmall.catalog.urls")),
    path("pricing/", include("govmall.pricing.urls")),
    path("stats/", include("govmall.stats.urls")),
    path("trading/", include("govmall.trading.urls")),
    path("public/", include("govmall.trading.urls_public")),
    path("admin/", admin.site.urls),
    path("", include("govmall.core.urls")),
]

handler400 = "govmall.core.views_errors.bad_request"
handler403 = "govmall.core.views_errors.permission_denied"
handler404 = "govmall.core.views_errors.page_not_found"
handler500 = "govmall.core.views_errors.server_error"
