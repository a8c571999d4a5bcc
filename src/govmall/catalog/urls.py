"""Catalogue pages, one module per area, one namespace."""

from govmall.catalog import (
    urls_bulk,
    urls_categories,
    urls_images,
    urls_listings,
    urls_reviews,
    urls_rules,
    urls_search,
)

app_name = "catalog"
urlpatterns = [
    *urls_categories.urlpatterns,
    *urls_images.urlpatterns,
    # before the listing pages: their my/<number>/ would take my/import/
    *urls_bulk.urlpatterns,
    *urls_listings.urlpatterns,
    *urls_reviews.urlpatterns,
    *urls_rules.urlpatterns,
    *urls_search.urlpatterns,
]
