"""Pages of trading: fulfilment (included by trading/urls.py under the "trading" namespace)."""

from django.urls import URLPattern, path

from govmall.trading import views_fulfilment as views

urlpatterns: list[URLPattern] = [
    path("fulfilment/", views.fulfilment, name="fulfilment"),
    path("acceptance/", views.acceptance, name="acceptance"),
    path("fulfilment/orders/<str:number>/", views.order_fulfilment, name="order_fulfilment"),
]
