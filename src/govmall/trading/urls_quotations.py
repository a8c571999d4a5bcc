"""Pages of trading: quotations (included by trading/urls.py under the "trading" namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
