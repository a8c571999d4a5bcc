from django.urls import path

from govmall.audit import views

app_name = "audit"
urlpatterns = [
    path("checkpoints/", views.checkpoints, name="checkpoints"),
]
