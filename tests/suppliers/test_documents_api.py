"""Documents over HTTP: the access-checked file (page and API), the documents list, uploads
through the API and the documents page, each with its permission matrix."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govmall.accounts.roles import OrgKind, Role
from govmall.suppliers.models import Document
from govmall.suppliers.services_documents import document_upload
from tests.factories import make_org, make_supplier, make_user
from tests.permissions import check_matrix, client_for, database_fingerprint
from tests.suppliers import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    root = tmp_path / "private"
    settings.GOVMALL_PRIVATE_MEDIA = root
    return root


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def world():
    """A supplier in 包头市昆都仑区 (150203) with a PDF and a PNG, and everyone around it."""
    supplier, admin = make_supplier(status="draft", documents=False, division="150203")
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    pdf = document_upload(
        actor=admin,
        supplier=supplier,
        doc_type_code="business_license",
        data=files.pdf_bytes(),
        original_name="营业执照.pdf",
    )
    png = document_upload(
        actor=staff,
        supplier=supplier,
        doc_type_code="authorization_letter",
        data=files.png_bytes(),
        original_name="授权委托书.png",
    )
    _other, other_admin = make_supplier(division="150203")
    superuser = make_user(Role.BUYER)
    superuser.is_superuser = True
    superuser.save()
    actors = {
        "anonymous": None,
        "other supplier": other_admin,
        "buyer": make_user(Role.BUYER, division="150203"),
        "operator of another city": make_user(Role.OPERATOR_REVIEWER, division="150100"),
        "regulator of another city": make_user(Role.REGULATOR, division="150100"),
        "operator with jurisdiction": make_user(Role.OPERATOR_REVIEWER, division="150200"),
        "regional centre operator": make_user(
            Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150000")
        ),
        "regulator": make_user(Role.REGULATOR, division="150200"),
        "owner staff": staff,
        "owner admin": admin,
        "superuser": superuser,
    }
    return {
        "supplier": supplier,
        "admin": admin,
        "staff": staff,
        "pdf": pdf,
        "png": png,
        "actors": actors,
    }


ALLOWED = {
    "operator with jurisdiction",
    "regional centre operator",
    "regulator",
    "owner staff",
    "owner admin",
    "superuser",
}


def expected(denied: int, anonymous: int, allowed: int = 200) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        **{
            label: allowed if label in ALLOWED else denied
            for label in (
                "other supplier",
                "buyer",
                "operator of another city",
                "regulator of another city",
                *sorted(ALLOWED),
            )
        },
    }


def test_file_view_permission_matrix(world, private_media):
    pdf = world["pdf"]
    responses = check_matrix(
        lambda c: c.get(f"/suppliers/documents/{pdf.pk}/file/"),
        world["actors"],
        expected(denied=404, anonymous=302),
    )
    assert responses["anonymous"]["Location"].startswith("/accounts/login/")
    assert body(responses["regulator"]) == (private_media / pdf.storage_name).read_bytes()


def test_file_api_permission_matrix(world):
    png = world["png"]
    responses = check_matrix(
        lambda c: c.get(f"/api/v1/documents/{png.pk}/file"),
        world["actors"],
        expected(denied=404, anonymous=401),
    )
    content = body(responses["operator with jurisdiction"])
    assert hashlib.sha256(content).hexdigest() == png.sha256
    assert responses["buyer"].json()["error"]["code"] == "not_found"


def test_missing_document_is_the_same_404(world):
    client = client_for(world["admin"])
    assert client.get("/suppliers/documents/999999/file/").status_code == 404
    assert client.get("/api/v1/documents/999999/file").json()["error"]["code"] == "not_found"


def test_file_headers_keep_the_content_inert(world):
    client = client_for(world["admin"])
    png = client.get(f"/suppliers/documents/{world['png'].pk}/file/")
    assert png["Content-Type"] == "image/png"
    assert png["X-Content-Type-Options"] == "nosniff"
    assert png["Cache-Control"] == "private, no-store"
    assert png["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    assert png["Content-Disposition"] == (
        f'inline; filename="document-{world["png"].pk}.png"; '
        "filename*=UTF-8''%E6%8E%88%E6%9D%83%E5%A7%94%E6%89%98%E4%B9%A6.png"
    )
    assert png["Content-Length"] == str(world["png"].size)
    assert png["X-Frame-Options"] == "DENY"
    pdf = client.get(f"/suppliers/documents/{world['pdf'].pk}/file/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Security-Policy"].startswith("default-src 'none'; object-src 'self';")
    assert pdf["Content-Disposition"].startswith("inline; ")
    download = client.get(f"/suppliers/documents/{world['pdf'].pk}/file/?download=1")
    assert download["Content-Disposition"].startswith("attachment; ")
    api = client.get(f"/api/v1/documents/{world['pdf'].pk}/file")
    assert (api["Content-Type"], api["X-Content-Type-Options"]) == ("application/pdf", "nosniff")


def test_a_row_whose_file_is_gone_is_a_404(world, private_media):
    (private_media / world["pdf"].storage_name).unlink()
    client = client_for(world["admin"])
    assert client.get(f"/suppliers/documents/{world['pdf'].pk}/file/").status_code == 404


def test_a_storage_name_leading_outside_the_root_is_a_404(world, private_media):
    secret = private_media.parent / "secret.pdf"
    secret.write_bytes(files.pdf_bytes())
    Document.objects.filter(pk=world["pdf"].pk).update(storage_name="../secret.pdf")
    client = client_for(world["admin"])
    assert client.get(f"/suppliers/documents/{world['pdf'].pk}/file/").status_code == 404


def test_document_list_api_matrix_and_content(world):
    supplier = world["supplier"]
    responses = check_matrix(
        lambda c: c.get(f"/api/v1/suppliers/{supplier.pk}/documents"),
        world["actors"],
        expected(denied=404, anonymous=401),
    )
    data = responses["operator with jurisdiction"].json()
    assert data["supplier_id"] == supplier.pk
    assert data["missing_required"] == []
    by_code = {t["code"]: t for t in data["types"]}
    assert [t["code"] for t in data["types"]] == [
        "business_license",
        "authorization_letter",
        "sme_declaration",
        "qualification_other",
    ]
    lic = by_code["business_license"]
    assert (lic["required"], lic["status"], lic["accepted"]) == (True, "pending", None)
    pdf = world["pdf"]
    assert lic["latest"] == {
        "id": pdf.pk,
        "doc_type": "business_license",
        "version": 1,
        "content_type": "application/pdf",
        "size": pdf.size,
        "sha256": pdf.sha256,
        "original_name": "营业执照.pdf",
        "uploaded_by": world["admin"].username,
        "uploaded_at": lic["latest"]["uploaded_at"],
        "accepted_at": None,
        "file_url": f"/api/v1/documents/{pdf.pk}/file",
    }
    assert lic["versions"] == [lic["latest"]]
    assert by_code["sme_declaration"] == {
        "code": "sme_declaration",
        "name_zh": "中小企业声明函",
        "name_en": "SME declaration",
        "required": False,
        "status": "missing",
        "latest": None,
        "accepted": None,
        "versions": [],
    }


def test_history_lists_every_version_newest_first(world):
    admin, supplier = world["admin"], world["supplier"]
    second = document_upload(
        actor=admin,
        supplier=supplier,
        doc_type_code="business_license",
        data=files.pdf_bytes(2),
        original_name="营业执照-新.pdf",
    )
    Document.objects.filter(pk=world["pdf"].pk).update(accepted_at=second.uploaded_at)
    data = client_for(admin).get("/api/v1/suppliers/me/documents").json()
    lic = next(t for t in data["types"] if t["code"] == "business_license")
    assert [v["version"] for v in lic["versions"]] == [2, 1]
    assert (lic["status"], lic["latest"]["id"], lic["accepted"]["id"]) == (
        "pending",
        second.pk,
        world["pdf"].pk,
    )


def multipart(doc_type="business_license", data=None, name="营业执照.pdf", ctype="application/pdf"):
    content = files.pdf_bytes(3) if data is None else data
    return {"doc_type": doc_type, "file": SimpleUploadedFile(name, content, content_type=ctype)}


def test_api_upload_matrix(world):
    actors = {
        "anonymous": None,
        "buyer": world["actors"]["buyer"],
        "operator with jurisdiction": world["actors"]["operator with jurisdiction"],
        "regulator": world["actors"]["regulator"],
        "owner staff": world["staff"],
        "owner admin": world["admin"],
    }
    responses = check_matrix(
        lambda c: c.post("/api/v1/suppliers/me/documents", multipart()),
        actors,
        {
            "anonymous": 401,
            "buyer": 403,
            "operator with jurisdiction": 403,
            "regulator": 403,
            "owner staff": 201,
            "owner admin": 201,
        },
    )
    created = responses["owner admin"].json()
    assert (created["doc_type"], created["version"], created["uploaded_by"]) == (
        "business_license",
        3,
        world["admin"].username,
    )
    assert created["sha256"] == hashlib.sha256(files.pdf_bytes(3)).hexdigest()
    assert responses["owner staff"].json()["version"] == 2


@pytest.mark.parametrize(
    ("kwargs", "status", "code", "field"),
    [
        (
            {"data": files.elf_executable(), "name": "licence.pdf"},
            400,
            "file_type_not_allowed",
            "file",
        ),
        ({"data": files.truncated_pdf()}, 400, "file_truncated", "file"),
        ({"data": files.pdf_with_trailing_payload()}, 400, "file_trailing_data", "file"),
        ({"data": files.encrypted_pdf()}, 400, "file_encrypted", "file"),
        ({"data": files.gif_bytes(), "ctype": "image/png"}, 400, "file_type_not_allowed", "file"),
        ({"data": b""}, 400, "file_empty", "file"),
        ({"doc_type": "passport"}, 400, "unknown_document_type", "doc_type"),
    ],
)
def test_api_upload_refusals_change_nothing(world, private_media, kwargs, status, code, field):
    client = client_for(world["admin"])
    files_before = sorted(p for p in private_media.rglob("*") if p.is_file())
    before = database_fingerprint()
    response = client.post("/api/v1/suppliers/me/documents", multipart(**kwargs))
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error["details"]["field"]) == (code, field)
    assert database_fingerprint() == before
    assert sorted(p for p in private_media.rglob("*") if p.is_file()) == files_before


def test_api_upload_refuses_oversized_file(world, settings):
    settings.GOVMALL_DOCUMENT_MAX_BYTES = 200
    client = client_for(world["admin"])
    before = database_fingerprint()
    response = client.post("/api/v1/suppliers/me/documents", multipart())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert response.json()["error"]["details"]["max_bytes"] == 200
    assert database_fingerprint() == before


def test_api_upload_without_a_file_is_a_validation_error(world):
    response = client_for(world["admin"]).post(
        "/api/v1/suppliers/me/documents", {"doc_type": "business_license"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["fields"] == {"file.file": ["Field required"]}  # ninja's location


# ---- the documents page -------------------------------------------------------------------


def test_documents_page_matrix(world):
    actors = {
        "anonymous": None,
        "buyer": world["actors"]["buyer"],
        "operator": world["actors"]["operator with jurisdiction"],
        "owner staff": world["staff"],
        "owner admin": world["admin"],
    }
    responses = check_matrix(
        lambda c: c.get("/suppliers/documents/"),
        actors,
        {"anonymous": 302, "buyer": 403, "operator": 403, "owner staff": 200, "owner admin": 200},
    )
    html = responses["owner admin"].content.decode()
    assert 'data-type="business_license" data-status="pending"' in html
    assert 'data-type="sme_declaration" data-status="missing"' in html
    assert f"/suppliers/documents/{world['png'].pk}/file/" in html
    assert world["pdf"].sha256[:12] in html
    assert 'enctype="multipart/form-data"' in html


def test_documents_page_upload_and_field_error(world, private_media):
    client = client_for(world["admin"])
    response = client.post("/suppliers/documents/", multipart(data=files.png_bytes(), name="x.png"))
    assert response.status_code == 302 and response["Location"] == "/suppliers/documents/"
    latest = Document.objects.filter(supplier=world["supplier"], doc_type="business_license")
    assert latest.order_by("-version").first().version == 2
    before = database_fingerprint()
    response = client.post(
        "/suppliers/documents/", multipart(data=files.elf_executable(), name="setup.pdf")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="field has-error" id="field-file"' in html
    assert "setup.pdf is not a PDF, JPEG or PNG file." in html
    assert database_fingerprint() == before


def test_documents_page_shows_missing_required_types(private_media):
    _supplier, admin = make_supplier(status="draft", documents=False)
    html = client_for(admin).get("/suppliers/documents/?type=authorization_letter").content
    html = html.decode()
    assert 'data-testid="missing-required"' in html
    assert '<option value="authorization_letter" selected>' in html
    assert 'data-testid="document-list-empty"' in html


def test_document_list_partial_for_the_operator_page(world):
    from django.template.loader import render_to_string

    from govmall.suppliers.documents import latest_documents, missing_required_types

    supplier = world["supplier"]
    html = render_to_string(
        "suppliers/_document_list.html",
        {
            "supplier": supplier,
            "documents": list(latest_documents(supplier).values()),
            "missing": missing_required_types(supplier),
            "caption": "提交的材料",
            "changed_documents": {"authorization_letter"},
        },
    )
    assert html.count('data-testid="changed-document"') == 1
    assert f'data-supplier="{supplier.pk}"' in html
    assert html.count("<tr data-document=") == 2
    assert f'href="/suppliers/documents/{world["pdf"].pk}/file/"' in html
    assert f'<img src="/suppliers/documents/{world["png"].pk}/file/"' in html
    assert "<caption>提交的材料</caption>" in html
    assert "documents-missing" not in html  # nothing required is missing
    empty = render_to_string(
        "suppliers/_document_list.html",
        {
            "supplier": supplier,
            "documents": [],
            "missing": [t for t in missing_required_types(supplier, accepted_only=True)],
        },
    )
    assert 'data-testid="document-list-empty"' in empty
    assert "Business licence, Letter of authorisation" in empty  # names in the page's language
