"""Pages of trading: changes (included by trading/urls.py under the "trading" namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
