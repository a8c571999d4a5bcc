from django.contrib.auth import views as auth_views
from django.urls import path

from govmall.accounts import views, views_manage

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views_manage.users, name="users"),
    path("purchasing-units/", views_manage.purchasing_units, name="purchasing_units"),
]
