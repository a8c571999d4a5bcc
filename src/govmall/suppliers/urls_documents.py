"""Supplier documents pages."""

from django.urls import URLPattern, path

from govmall.suppliers import views_documents

urlpatterns: list[URLPattern] = [
    path("documents/", views_documents.documents, name="documents"),
    path("documents/<int:pk>/file/", views_documents.document_file, name="document_file"),
]
