"""The public supplier directory."""

from django.urls import URLPattern, path

from govmall.suppliers import views_directory

urlpatterns: list[URLPattern] = [
    path("directory/", views_directory.directory, name="directory"),
]
