"""Pages of trading: funds (included by trading/urls.py under the "trading" namespace)."""

from django.urls import URLPattern, path

from govmall.trading import views_funds as views

urlpatterns: list[URLPattern] = [
    path("funds/", views.funds, name="funds"),
    path("funds/import/", views.funds_import, name="funds_import"),
    path("funds/units/<int:unit_id>/", views.funds_unit, name="funds_unit"),
    path("funds/sources/<int:source_id>/", views.funds_source, name="funds_source"),
    path("our-funds/", views.unit_funds, name="unit_funds"),
    path("approval-limit/", views.policy, name="policy"),
]
