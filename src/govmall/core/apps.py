from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govmall.core"
    label = "core"
    verbose_name = "GovMall core"

    def ready(self) -> None:
        from govmall.audit.access import register_timeline

        # The calendar is public region-wide data: anyone logged in may read its trail.
        register_timeline("core.calendaroverride", lambda actor, obj: True)
        register_timeline("core.calendaryear", lambda actor, obj: True)
