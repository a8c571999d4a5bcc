from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "govmall.suppliers"
    label = "suppliers"
    verbose_name = "Suppliers"

    def ready(self) -> None:
        from govmall.audit.access import register_timeline
        from govmall.suppliers.access import can_view_supplier_file
        from govmall.suppliers.deadlines import register as register_verification_deadlines

        register_timeline("suppliers.supplier", can_view_supplier_file)
        for object_type in ("suppliers.application", "suppliers.document", "suppliers.creditflag"):
            register_timeline(
                object_type, lambda actor, obj: can_view_supplier_file(actor, obj.supplier)
            )
        register_timeline("suppliers.commitmenttext", lambda actor, obj: True)
        register_timeline(
            "suppliers.creditlistimport",
            lambda actor, obj: (
                actor.organisation is not None
                and actor.organisation.kind in ("operator", "regulator")
            ),
        )
        register_verification_deadlines()
