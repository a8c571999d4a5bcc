from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "govmall.accounts"
    label = "accounts"
    verbose_name = "Accounts"
