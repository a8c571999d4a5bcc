from django.urls import path

from govmall.audit import views

app_name = "audit"
urlpatterns = [
    path("checkpoints/", views.checkpoints, name="checkpoints"),
    path("checkpoints/roots.json", views.roots_json, name="roots_json"),
    path(
        "timeline/<str:object_type>/<str:object_id>/",
        views.object_timeline,
        name="timeline",
    ),
]
