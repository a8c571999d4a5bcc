"""Pages of trading: contracts (included by trading/urls.py under the "trading" namespace)."""

from django.urls import URLPattern, path

from govmall.trading import views_contracts as views

urlpatterns: list[URLPattern] = [
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/filed/", views.filed_contracts, name="filed_contracts"),
    path("contracts/<str:number>/", views.contract_detail, name="contract_detail"),
    path("contracts/<str:number>/print/", views.contract_print, name="contract_print"),
    path("contracts/<str:number>/sign/", views.contract_sign, name="contract_sign"),
    path("contracts/<str:number>/publish/", views.contract_publish, name="contract_publish"),
    path("contracts/<str:number>/file/", views.contract_file, name="contract_file"),
]
