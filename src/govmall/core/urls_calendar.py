"""Calendar pages, included by the project's urls as `path("calendar/", include(...))`."""

from django.urls import path

from govmall.core import views_calendar

app_name = "calendar"
urlpatterns = [
    path("", views_calendar.calculator, name="calculator"),
    path("manage/", views_calendar.manage, name="manage"),
]
