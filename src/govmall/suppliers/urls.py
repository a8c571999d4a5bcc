"""Supplier pages, one module per area, one namespace."""

from govmall.suppliers import (
    urls_credit,
    urls_directory,
    urls_documents,
    urls_registration,
    urls_shared,
    urls_verification,
)

app_name = "suppliers"
urlpatterns = [
    *urls_registration.urlpatterns,
    *urls_documents.urlpatterns,
    *urls_credit.urlpatterns,
    *urls_verification.urlpatterns,
    *urls_shared.urlpatterns,
    *urls_directory.urlpatterns,
]
