"""Public statistics pages."""

from django.urls import URLPattern, path

from govmall.stats import views

app_name = "stats"
urlpatterns: list[URLPattern] = [
    path("suppliers/", views.suppliers, name="suppliers"),
    path("changes/", views.changes, name="changes"),
]
