from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "govmall.audit"
    label = "audit"
    verbose_name = "Audit trail"
