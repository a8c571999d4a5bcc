"""Supplier credit pages: the operator credit-list page, an import's report, resolving a flag."""

from django.urls import URLPattern, path

from govmall.suppliers import views_credit

urlpatterns: list[URLPattern] = [
    path("credit/", views_credit.credit_lists, name="credit_lists"),
    path("credit/imports/<int:pk>/", views_credit.credit_import, name="credit_import"),
    path(
        "credit/flags/<int:pk>/resolve/",
        views_credit.credit_flag_resolve,
        name="credit_flag_resolve",
    ),
]
