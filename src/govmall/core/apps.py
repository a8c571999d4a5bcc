from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govmall.core"
    label = "core"
    verbose_name = "GovMall core"
