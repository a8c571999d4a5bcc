"""Uploading qualification documents: versions, private storage, audit, refusals that change
nothing, and immediate acceptance for suppliers of shared recruitment."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db import IntegrityError

import tests.settings as base_settings
from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.suppliers import services_documents
from govmall.suppliers.documents import document_overview, missing_required_types
from govmall.suppliers.models import Document, DocumentType, Supplier
from govmall.suppliers.services_documents import clean_original_name, document_upload
from tests.factories import make_supplier, make_user
from tests.permissions import database_fingerprint
from tests.suppliers import files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    root = tmp_path / "private"
    settings.GOVMALL_PRIVATE_MEDIA = root
    return root


def stored_files(root: Path) -> list[str]:
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def draft_supplier(**kwargs):
    return make_supplier(status="draft", documents=False, **kwargs)


def upload(actor, supplier, data=None, doc_type="business_license", name="营业执照.pdf"):
    return document_upload(
        actor=actor,
        supplier=supplier,
        doc_type_code=doc_type,
        data=files.pdf_bytes() if data is None else data,
        original_name=name,
    )


def test_upload_stores_the_file_privately_and_records_its_hash(private_media):
    supplier, admin = draft_supplier()
    data = files.pdf_bytes(2)
    doc = upload(admin, supplier, data)
    sha = hashlib.sha256(data).hexdigest()
    assert (doc.version, doc.doc_type_id, doc.sha256, doc.size) == (
        1,
        "business_license",
        sha,
        len(data),
    )
    assert (doc.content_type, doc.original_name, doc.uploaded_by, doc.accepted_at) == (
        "application/pdf",
        "营业执照.pdf",
        admin,
        None,
    )
    assert doc.storage_name == f"{supplier.pk}/{sha}.pdf"
    assert stored_files(private_media) == [f"{supplier.pk}/{sha}.pdf"]
    assert (private_media / doc.storage_name).read_bytes() == data
    assert not list(private_media.rglob(".upload-*"))  # no temporary file left


def test_sha256_is_of_the_stored_reencoded_bytes(private_media):
    supplier, admin = draft_supplier()
    data = files.png_with_exif_and_payload()
    doc = upload(admin, supplier, data, name="licence.png")
    stored = (private_media / doc.storage_name).read_bytes()
    assert stored != data and files.PAYLOAD not in stored and files.exif_of(stored) == {}
    assert doc.sha256 == hashlib.sha256(stored).hexdigest() != hashlib.sha256(data).hexdigest()
    assert doc.size == len(stored)
    assert doc.storage_name.endswith(".png") and doc.content_type == "image/png"


def test_jpeg_with_gps_is_stored_without_it(private_media):
    supplier, admin = draft_supplier()
    doc = upload(admin, supplier, files.jpeg_with_exif_gps(), name="photo.JPEG")
    stored = (private_media / doc.storage_name).read_bytes()
    assert files.exif_of(stored) == {} and b"TestCam" not in stored
    assert (doc.content_type, doc.original_name) == ("image/jpeg", "photo.jpg")


def test_reupload_is_a_new_version_and_the_old_one_is_kept(private_media):
    supplier, admin = draft_supplier()
    first = upload(admin, supplier, files.pdf_bytes(1))
    second = upload(admin, supplier, files.pdf_bytes(2))
    other = upload(admin, supplier, files.png_bytes(), doc_type="authorization_letter")
    assert [first.version, second.version, other.version] == [1, 2, 1]
    assert Document.objects.filter(supplier=supplier, doc_type="business_license").count() == 2
    assert (private_media / first.storage_name).exists()
    assert (private_media / second.storage_name).exists()
    overview = {row.doc_type.code: row for row in document_overview(supplier)}
    assert [d.version for d in overview["business_license"].versions] == [2, 1]
    assert overview["business_license"].status == "pending"
    assert overview["sme_declaration"].status == "missing"
    assert missing_required_types(supplier) == []


def test_identical_bytes_share_one_file(private_media):
    supplier, admin = draft_supplier()
    data = files.pdf_bytes()
    a = upload(admin, supplier, data)
    b = upload(admin, supplier, data)
    assert (a.version, b.version) == (1, 2)
    assert a.storage_name == b.storage_name
    assert len(stored_files(private_media)) == 1


def test_upload_is_audited_on_the_document_and_the_supplier():
    supplier, admin = draft_supplier()
    doc = upload(admin, supplier)
    doc_events = Event.objects.filter(object_type="suppliers.document", object_id=str(doc.pk))
    assert list(doc_events.values_list("action", "actor", "organisation")) == [
        ("document.uploaded", admin.pk, supplier.organisation_id)
    ]
    assert doc_events.get().after == {
        "doc_type": "business_license",
        "version": 1,
        "sha256": doc.sha256,
        "size": doc.size,
        "content_type": "application/pdf",
        "original_name": "营业执照.pdf",
    }
    sup_event = Event.objects.filter(
        object_type="suppliers.supplier", object_id=str(supplier.pk)
    ).latest("seq")
    assert (sup_event.action, sup_event.actor_id) == ("supplier.document_uploaded", admin.pk)
    assert sup_event.after["document_id"] == doc.pk and sup_event.after["accepted"] is False
    supplier.refresh_from_db()
    assert supplier.audit_head == sup_event.hash


def test_supplier_staff_may_upload():
    supplier, _admin = draft_supplier()
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    assert upload(staff, supplier).uploaded_by == staff


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (files.elf_executable, "file_type_not_allowed"),
        (files.mz_executable, "file_type_not_allowed"),
        (files.gif_bytes, "file_type_not_allowed"),
        (files.html_bytes, "file_type_not_allowed"),
        (files.polyglot_html_pdf, "file_type_not_allowed"),
        (files.truncated_pdf, "file_truncated"),
        (files.pdf_with_trailing_payload, "file_trailing_data"),
        (files.encrypted_pdf, "file_encrypted"),
        (files.decompression_bomb_png, "file_invalid"),
        (lambda: b"", "file_empty"),
        (lambda: files.oversized(10 * 1024 * 1024), "file_too_large"),
    ],
)
def test_bad_files_write_nothing(private_media, make, code):
    supplier, admin = draft_supplier()
    before = database_fingerprint()
    events = Event.objects.count()
    with pytest.raises(DomainError) as exc:
        upload(admin, supplier, make(), name="licence.pdf")
    assert (exc.value.code, exc.value.field) == (code, "file")
    assert database_fingerprint() == before
    assert Event.objects.count() == events
    assert not Document.objects.filter(supplier=supplier).exists()
    assert stored_files(private_media) == []


@pytest.mark.parametrize("code", ["no_such_type", "retired"])
def test_unknown_or_inactive_type_is_refused(private_media, code):
    DocumentType.objects.create(code="retired", name_zh="旧", name_en="Old", active=False)
    supplier, admin = draft_supplier()
    before = database_fingerprint()
    with pytest.raises(DomainError) as exc:
        upload(admin, supplier, doc_type=code)
    assert (exc.value.code, exc.value.field) == ("unknown_document_type", "doc_type")
    assert database_fingerprint() == before
    assert stored_files(private_media) == []


def test_only_the_suppliers_own_admin_or_staff_may_upload(private_media):
    supplier, _admin = draft_supplier()
    other_supplier, other_admin = draft_supplier()
    outsiders = {
        "other supplier admin": (other_admin, 404),
        "operator": (make_user(Role.OPERATOR_REVIEWER, division="150200"), 404),
        "regulator": (make_user(Role.REGULATOR, division="150200"), 404),
        "buyer": (make_user(Role.BUYER), 404),
        "anonymous": (None, 404),
    }
    before = database_fingerprint()
    for label, (actor, status) in outsiders.items():
        with pytest.raises(DomainError) as exc:
            upload(actor, supplier)
        assert exc.value.status == status, label
    assert database_fingerprint() == before
    assert stored_files(private_media) == []
    assert other_supplier.pk != supplier.pk


def test_if_writing_the_rows_fails_the_new_file_is_removed(private_media, monkeypatch):
    supplier, admin = draft_supplier()

    def boom(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(services_documents, "_record", boom)
    before = database_fingerprint()
    with pytest.raises(IntegrityError):
        upload(admin, supplier)
    assert database_fingerprint() == before
    assert stored_files(private_media) == []


def test_a_failed_upload_keeps_an_identical_file_stored_before(private_media, monkeypatch):
    supplier, admin = draft_supplier()
    data = files.pdf_bytes()
    first = upload(admin, supplier, data)
    monkeypatch.setattr(
        services_documents, "_record", lambda *a: (_ for _ in ()).throw(IntegrityError("x"))
    )
    with pytest.raises(IntegrityError):
        upload(admin, supplier, data)
    assert stored_files(private_media) == [first.storage_name]


def test_if_writing_the_file_fails_no_row_is_written(private_media, monkeypatch):
    supplier, admin = draft_supplier()

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(services_documents.os, "replace", failing_replace)
    before = database_fingerprint()
    with pytest.raises(OSError, match="disk full"):
        upload(admin, supplier)
    assert database_fingerprint() == before
    assert stored_files(private_media) == []


def test_storage_is_outside_static_and_not_served_statically(client, private_media):
    default_root = Path(base_settings.GOVMALL_PRIVATE_MEDIA).resolve()
    static_root = Path(base_settings.STATIC_ROOT).resolve()
    assert not default_root.is_relative_to(static_root)
    assert not static_root.is_relative_to(default_root)
    from django.contrib.staticfiles import finders

    for finder in finders.get_finders():
        for _path, storage in finder.list([]):
            location = Path(storage.location).resolve()
            assert not default_root.is_relative_to(location)
            assert not private_media.resolve().is_relative_to(location)
    supplier, admin = draft_supplier()
    doc = upload(admin, supplier)
    client.force_login(admin)
    for url in (
        f"/static/{doc.storage_name}",
        f"/static/private/{doc.storage_name}",
        f"/media/{doc.storage_name}",
        f"/private/{doc.storage_name}",
        f"/{doc.storage_name}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/suppliers/documents/{doc.pk}/file/").status_code == 200


def test_clean_original_name():
    assert clean_original_name("C:\\Users\\x\\营业执照.PDF", "pdf") == "营业执照.pdf"
    assert clean_original_name("../../etc/passwd", "png") == "passwd.png"
    assert clean_original_name("a\x00b\n.jpg", "jpg") == "ab.jpg"
    assert clean_original_name("", "pdf") == "document.pdf"
    assert clean_original_name("licence.gif", "png") == "licence.png"
    assert len(clean_original_name("长" * 300 + ".pdf", "pdf")) == 200


# ---- shared recruitment -------------------------------------------------------------------


def shared_supplier():
    supplier, admin = make_supplier(status="active", documents=False)
    Supplier.objects.filter(pk=supplier.pk).update(source="shared", source_mall="呼和浩特商城")
    supplier.refresh_from_db()
    return supplier, admin


def test_shared_supplier_missing_required_type_is_accepted_at_once():
    supplier, admin = shared_supplier()
    assert [t.code for t in missing_required_types(supplier, accepted_only=True)] == [
        "business_license",
        "authorization_letter",
    ]
    doc = upload(admin, supplier)
    assert doc.accepted_at == doc.uploaded_at
    assert [t.code for t in missing_required_types(supplier, accepted_only=True)] == [
        "authorization_letter"
    ]
    actions = list(
        Event.objects.filter(object_type="suppliers.document", object_id=str(doc.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["document.uploaded", "document.accepted"]
    sup_event = Event.objects.filter(
        object_type="suppliers.supplier", object_id=str(supplier.pk)
    ).latest("seq")
    assert sup_event.after["accepted"] is True


def test_shared_supplier_later_versions_and_optional_types_await_verification():
    supplier, admin = shared_supplier()
    first = upload(admin, supplier)
    second = upload(admin, supplier)
    optional = upload(admin, supplier, doc_type="sme_declaration")
    assert first.accepted_at is not None
    assert second.accepted_at is None and optional.accepted_at is None


def test_self_registered_supplier_uploads_await_verification():
    supplier, admin = make_supplier(status="active", documents=False)
    assert upload(admin, supplier).accepted_at is None


def test_a_stored_file_that_no_longer_matches_its_hash_is_rewritten(private_media):
    supplier, admin = draft_supplier()
    data = files.pdf_bytes()
    first = upload(admin, supplier, data)
    (private_media / first.storage_name).write_bytes(b"tampered")
    second = upload(admin, supplier, data)
    assert second.storage_name == first.storage_name
    assert (private_media / second.storage_name).read_bytes() == data
