"""Public portal pages (no login): contracts."""

from django.urls import URLPattern, path

from govmall.trading import views_public_contracts as views

urlpatterns: list[URLPattern] = [
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/<str:number>/", views.contract_detail, name="contract"),
]
