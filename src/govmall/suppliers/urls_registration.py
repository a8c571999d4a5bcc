"""Supplier registration pages: the wizard, the supplier's home and profile, the commitment."""

from django.urls import URLPattern, path

from govmall.suppliers import views_commitment, views_registration

urlpatterns: list[URLPattern] = [
    path("register/", views_registration.register, name="register"),
    path("home/", views_registration.home, name="home"),
    path("profile/", views_registration.profile, name="profile"),
    path("commitment/", views_commitment.commitment, name="commitment"),
    path(
        "commitment/versions/",
        views_commitment.commitment_versions,
        name="commitment_versions",
    ),
]
