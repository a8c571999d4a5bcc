from django.urls import path

from govmall.core import views, views_notifications

app_name = "core"
urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("home/", views.home, name="home"),
    path("notifications/", views_notifications.notifications, name="notifications"),
]
