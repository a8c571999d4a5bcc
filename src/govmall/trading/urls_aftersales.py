"""Pages of trading: aftersales (included by trading/urls.py under the "trading" namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
