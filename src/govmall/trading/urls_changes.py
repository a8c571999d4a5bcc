"""Pages of trading: returns and terminations (included by trading/urls.py under the "trading"
namespace)."""

from django.urls import URLPattern, path

from govmall.trading import views_changes

urlpatterns: list[URLPattern] = [
    path("changes/", views_changes.change_list, name="changes"),
    path("changes/queue/", views_changes.change_queue, name="change_queue"),
    path("changes/<str:number>/", views_changes.change_detail, name="change_detail"),
    path("orders/<str:number>/changes/new/", views_changes.change_new, name="change_new"),
]
