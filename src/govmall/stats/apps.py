from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "govmall.stats"
    label = "stats"
    verbose_name = "Statistics"
