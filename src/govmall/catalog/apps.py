from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "govmall.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from govmall.audit.access import register_timeline
        from govmall.catalog import deadlines
        from govmall.catalog.access import can_view_listing_trail

        deadlines.register()

        register_timeline("catalog.listing", can_view_listing_trail)
        for object_type in ("catalog.listingimage", "catalog.listingimportjob"):
            register_timeline(
                object_type,
                lambda actor, obj: (
                    actor is not None
                    and actor.is_authenticated
                    and actor.organisation_id == obj.supplier.organisation_id
                ),
            )
        register_timeline("catalog.category", lambda actor, obj: True)
        register_timeline("catalog.ruleset", lambda actor, obj: True)
