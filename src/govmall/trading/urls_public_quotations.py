"""Public portal pages (no login): quotation results, by number."""

from django.urls import URLPattern, path

from govmall.trading import views_public_quotations as views

urlpatterns: list[URLPattern] = [
    path("quotations/", views.result_list, name="quotation_results"),
    path("quotations/<str:number>/", views.result_detail, name="quotation_result"),
]
