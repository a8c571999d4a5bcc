from django.urls import path

from govmall.core import views

app_name = "core"
urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("home/", views.home, name="home"),
]
