from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "govmall.pricing"
    label = "pricing"
    verbose_name = "Pricing"

    def ready(self) -> None:
        from govmall.accounts.roles import OrgKind
        from govmall.audit.access import register_timeline

        register_timeline(
            "pricing.referenceimport",
            lambda actor, obj: (
                actor is not None
                and actor.is_authenticated
                and actor.organisation is not None
                and actor.organisation.kind in (OrgKind.OPERATOR, OrgKind.REGULATOR)
            ),
        )
