"""Browser journey: a supplier admin uploads a PDF and a PNG on the documents page, sees a
refused file's error at the field, uploads a new version and sees the history with previews."""

from __future__ import annotations

import pytest

from govmall.suppliers.models import Document
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_supplier
from tests.suppliers import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, doc_type: str, name: str, mime: str, data: bytes) -> None:
    page.select_option("select[name=doc_type]", doc_type)
    page.set_input_files("input[name=file]", {"name": name, "mimeType": mime, "buffer": data})
    page.click("[data-testid=upload]")


def test_supplier_admin_uploads_documents_and_sees_versions(page, settings, tmp_path):
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"
    supplier, admin = make_supplier(
        status="draft", documents=False, name="内蒙古草原办公设备有限公司"
    )
    login(page, admin.username, PASSWORD)
    page.goto(page.base_url + "/suppliers/documents/")
    assert (
        page.locator("[data-testid=missing-required]").inner_text().endswith("营业执照、授权委托书")
    )

    choose(page, "business_license", "营业执照.pdf", "application/pdf", files.pdf_bytes())
    page.wait_for_selector(".message-success")
    row = page.locator("[data-testid=document-types] tr[data-type=business_license]")
    assert row.get_attribute("data-status") == "pending"
    assert "v1" in row.locator("[data-testid=type-status]").inner_text()

    choose(
        page,
        "authorization_letter",
        "授权委托书.png",
        "image/png",
        files.png_with_exif_and_payload(),
    )
    page.wait_for_selector("[data-testid=missing-required-none]")

    # A renamed executable is refused at the field and nothing is stored.
    choose(page, "business_license", "营业执照-新.pdf", "application/pdf", files.elf_executable())
    assert (
        page.locator("#field-file.has-error #error-file").inner_text().startswith("营业执照-新.pdf")
    )
    screenshot(page, "suppliers-documents-error")

    choose(page, "business_license", "营业执照-新.pdf", "application/pdf", files.pdf_bytes(2))
    page.wait_for_selector(
        "[data-testid=document-types] tr[data-type=business_license][data-status=pending]"
    )
    status = page.locator(
        "[data-testid=document-types] tr[data-type=business_license] [data-testid=type-status]"
    )
    assert "v2" in status.inner_text()

    history = page.locator("[data-testid=document-list] tbody tr")
    assert history.count() == 3
    versions = [
        (history.nth(i).get_attribute("data-type"), history.nth(i).get_attribute("data-version"))
        for i in range(3)
    ]
    assert sorted(versions) == [
        ("authorization_letter", "1"),
        ("business_license", "1"),
        ("business_license", "2"),
    ]
    thumb = page.locator("[data-testid=preview-image] img")
    thumb.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 64", arg=thumb.element_handle()
    )
    png = Document.objects.get(supplier=supplier, doc_type="authorization_letter")
    assert page.locator(f"tr[data-document='{png.pk}'] [data-testid=sha256]").inner_text() == (
        png.sha256[:12] + "…"
    )
    pdf_link = page.locator("[data-testid=preview-pdf]").first
    assert pdf_link.get_attribute("target") == "_blank"
    screenshot(page, "suppliers-documents")
    assert Document.objects.filter(supplier=supplier).count() == 3
