from django.apps import AppConfig


class TradingConfig(AppConfig):
    name = "govmall.trading"
    label = "trading"
    verbose_name = "Trading"

    def ready(self) -> None:
        from govmall.trading import registry

        registry.register()
