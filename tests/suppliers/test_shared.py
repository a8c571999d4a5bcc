"""Shared recruitment: import (service, API, command, page) and the one-time activation."""

import csv
import hashlib
import io
import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from govmall.accounts.models import LoginFailure, User
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.suppliers.codes import make_credit_code
from govmall.suppliers.commitment import current_commitment, text_sha256
from govmall.suppliers.documents import required_types
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import (
    ActivationCode,
    CommitmentSignature,
    CreditListEntry,
    CreditListImport,
    Document,
    Supplier,
)
from govmall.suppliers.services_shared import (
    COLUMNS,
    shared_suppliers_import,
    supplier_admin_activate,
)
from tests.factories import make_supplier, make_user, regional_operator_admin
from tests.permissions import check_matrix, client_for, database_fingerprint

pytestmark = pytest.mark.django_db

CODE_FORMAT = re.compile(r"^[34679ACDEFGHJKMNPQRTWXY]{4}(-[34679ACDEFGHJKMNPQRTWXY]{4}){3}$")
NEW_PASSWORD = "Shared-admin-pass-2026"


def row(n: int, **overrides: str) -> dict[str, str]:
    division = overrides.get("division_code", "150202")
    kind = overrides.get("supplier_type", "enterprise")
    prefix = {"enterprise": "91", "individual": "92", "other": "52"}[kind]
    return {
        "source_mall": "呼和浩特市政府采购网上商城",
        "name": f"包头市共享{n}商贸有限公司",
        "credit_code": make_credit_code(prefix, division, 700000 + n),
        "supplier_type": kind,
        "size": "small",
        "division_code": division,
        "legal_representative": "张三",
        "contact_name": "李四",
        "contact_phone": "0472-1234567",
        "contact_email": "",
        "business_scope": "办公用品销售",
        "admin_username": f"shared{n}",
        "admin_display_name": f"共享{n}管理员",
        **overrides,
    }


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def list_code(code: str) -> None:
    imported = CreditListImport.objects.create(file_name="list.csv", imported_at=timezone.now())
    CreditListEntry.objects.create(
        list_type="dishonest_judgment",
        credit_code=code,
        name="被执行人",
        listed_date=date(2020, 1, 1),
        imported_in=imported,
    )


def test_valid_rows_are_active_at_once_with_an_admin_and_a_one_time_code():
    operator = regional_operator_admin()
    rows = [
        row(1),
        row(2, supplier_type="individual", division_code="610113", name="雁塔区共享2店"),
    ]
    report = shared_suppliers_import(actor=operator, data=csv_bytes(rows), file_name="shared.csv")
    assert (report.rows_total, report.rows_imported) == (2, 2)
    for result, data in zip(report.rows, rows, strict=True):
        assert (result.ok, result.code, result.credit_code) == (
            True,
            "imported",
            data["credit_code"],
        )
        assert CODE_FORMAT.match(result.activation_code)
        supplier = Supplier.objects.select_related("organisation").get(
            credit_code=data["credit_code"]
        )
        assert (supplier.status, supplier.source, supplier.source_mall) == (
            "active",
            "shared",
            "呼和浩特市政府采购网上商城",
        )
        assert supplier.activated_at is not None
        assert supplier.organisation.kind == OrgKind.SUPPLIER
        assert supplier.organisation.division_id == data["division_code"]
        admin = User.objects.get(username=data["admin_username"])
        assert admin.organisation_id == supplier.organisation_id
        assert admin.role_set == {Role.SUPPLIER_ADMIN}
        assert not admin.has_usable_password()
        stored = ActivationCode.objects.get(user=admin)
        plain = result.activation_code.replace("-", "")
        assert stored.code_hash == hashlib.sha256(plain.encode()).hexdigest()
        assert stored.used_at is None
        actions = list(
            Event.objects.filter(organisation=supplier.organisation)
            .order_by("id")
            .values_list("action", "actor")
        )
        assert actions == [
            ("organisation.created", operator.pk),
            ("user.created", operator.pk),
            ("supplier.shared_imported", operator.pk),
        ]
    # The code exists nowhere in the database, only its hash.
    assert not ActivationCode.objects.filter(code_hash__in=[r.activation_code for r in report.rows])


def test_each_bad_row_is_refused_with_its_own_code_and_leaves_nothing():
    operator = regional_operator_admin()
    existing, _admin = make_supplier()
    make_user(Role.BUYER, username="taken-user")
    listed = row(7)
    list_code(listed["credit_code"])
    bad_check = row(3)
    bad_check["credit_code"] = bad_check["credit_code"][:17] + (
        "1" if bad_check["credit_code"][17] != "1" else "2"
    )
    rows = [
        row(1),
        row(2, credit_code=existing.credit_code),
        bad_check,
        row(4, supplier_type="individual"),
        row(5, division_code="159999"),
        row(6, admin_username="TAKEN-user"),
        listed,
        row(8, credit_code=row(1)["credit_code"]),
        row(9, size="huge"),
        row(10, contact_phone=""),
    ]
    rows[3]["credit_code"] = make_credit_code("91", "150202", 700004)  # an enterprise's code
    before = Supplier.objects.count()
    report = shared_suppliers_import(actor=operator, data=csv_bytes(rows), file_name="mixed.csv")
    assert [(r.row, r.ok, r.code, r.field) for r in report.rows] == [
        (1, True, "imported", None),
        (2, False, "credit_code_taken", "credit_code"),
        (3, False, "credit_code_check_digit", "credit_code"),
        (4, False, "credit_code_type_mismatch", "credit_code"),
        (5, False, "unknown_division", "division_code"),
        (6, False, "username_taken", "admin_username"),
        (7, False, "credit_listed", "credit_code"),
        (8, False, "duplicate_in_file", "credit_code"),
        (9, False, "invalid_choice", "size"),
        (10, False, "required", "contact_phone"),
    ]
    assert all(r.activation_code is None for r in report.rows[1:])
    assert report.rows_imported == 1
    assert Supplier.objects.count() == before + 1
    assert not User.objects.filter(username__in=[f"shared{n}" for n in range(2, 11)]).exists()
    assert ActivationCode.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "file_name"),
    [
        (b"", "empty.csv"),
        (csv_bytes([row(1)], COLUMNS[:-1]), "missing-column.csv"),
        (csv_bytes([row(1)], (*COLUMNS, "fee")), "extra-column.csv"),
        (csv_bytes([row(1)]) + b"a,b\n", "ragged.csv"),
        (csv_bytes([row(1)]).decode().encode("gb18030"), "gbk.csv"),
        (csv_bytes([]), "no-rows.csv"),
        (b"", "empty.csv"),
        (b'{"name": "x"}', "object.json"),
        (b"[1, 2]", "numbers.json"),
        (json.dumps([{**row(1), "size": 3}]).encode(), "number-value.json"),
        (b"[{", "broken.json"),
    ],
)
def test_a_structurally_bad_file_imports_nothing(data, file_name):
    operator = regional_operator_admin()
    before = database_fingerprint()
    with pytest.raises(DomainError) as caught:
        shared_suppliers_import(actor=operator, data=data, file_name=file_name)
    assert (caught.value.code, caught.value.field) == ("shared_file_invalid", "file")
    assert database_fingerprint() == before


def test_json_files_are_imported_and_may_omit_optional_keys():
    operator = regional_operator_admin()
    item = row(1)
    del item["contact_email"], item["admin_display_name"]
    data = json.dumps([item], ensure_ascii=False).encode("utf-8")
    report = shared_suppliers_import(actor=operator, data=data, file_name="shared.json")
    assert [(r.ok, r.code) for r in report.rows] == [(True, "imported")]


def test_only_regional_centre_operator_admins_import():
    city_admin = make_user(Role.OPERATOR_ADMIN, division="150200")
    with pytest.raises(DomainError) as caught:
        shared_suppliers_import(actor=city_admin, data=csv_bytes([row(1)]), file_name="a.csv")
    assert caught.value.status == 403
    assert not Supplier.objects.exists()


def _imported(n: int = 1) -> tuple[str, str]:
    report = shared_suppliers_import(
        actor=regional_operator_admin(), data=csv_bytes([row(n)]), file_name="a.csv"
    )
    return f"shared{n}", report.rows[0].activation_code


def test_the_code_works_once_and_sets_the_password(client):
    username, code = _imported()
    user = supplier_admin_activate(username=username, code=code.lower(), password=NEW_PASSWORD)
    assert user.check_password(NEW_PASSWORD)
    assert ActivationCode.objects.get(user=user).used_at is not None
    assert client.login(username=username, password=NEW_PASSWORD)
    assert Event.objects.filter(object_id=str(user.pk), action="user.activated").count() == 1
    with pytest.raises(DomainError) as caught:
        supplier_admin_activate(username=username, code=code, password="Another-pass-2026")
    assert caught.value.code == "activation_used"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_wrong_codes_are_refused_counted_and_lock_the_account():
    username, code = _imported()
    for _attempt in range(5):
        with pytest.raises(DomainError) as caught:
            supplier_admin_activate(
                username=username, code="AAAA-AAAA-AAAA-AAAA", password=NEW_PASSWORD
            )
        assert (caught.value.code, caught.value.field) == ("activation_invalid", "code")
    assert LoginFailure.objects.filter(username=username, reason="bad_password").count() == 5
    with pytest.raises(DomainError) as caught:  # even the right code, while locked
        supplier_admin_activate(username=username, code=code, password=NEW_PASSWORD)
    assert (caught.value.code, caught.value.status) == ("account_locked", 429)
    assert ActivationCode.objects.get().used_at is None


def test_unknown_user_looks_like_a_wrong_code_and_a_weak_password_keeps_the_code():
    username, code = _imported()
    with pytest.raises(DomainError) as caught:
        supplier_admin_activate(username="nobody", code=code, password=NEW_PASSWORD)
    assert caught.value.code == "activation_invalid"
    with pytest.raises(DomainError) as caught:
        supplier_admin_activate(username=username, code=code, password="123")
    assert (caught.value.code, caught.value.field) == ("weak_password", "password")
    assert ActivationCode.objects.get().used_at is None


def test_the_gate_blocks_until_signed_and_documents_uploaded():
    username, code = _imported()
    admin = supplier_admin_activate(username=username, code=code, password=NEW_PASSWORD)
    supplier = Supplier.objects.get(organisation=admin.organisation)
    assert [c for c, _m in trading_blockers(supplier)] == [
        "commitment_not_signed",
        "documents_missing",
    ]
    text = current_commitment()
    CommitmentSignature.objects.create(
        supplier=supplier,
        text=text,
        language="zh-hans",
        text_sha256=text_sha256(text.text_zh),
        signed_by=admin,
        signed_at=timezone.now(),
    )
    assert [c for c, _m in trading_blockers(supplier)] == ["documents_missing"]
    for doc_type in required_types(supplier.supplier_type):
        Document.objects.create(
            supplier=supplier,
            doc_type=doc_type,
            version=1,
            storage_name=f"t/{doc_type.code}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            original_name="x.pdf",
            uploaded_by=admin,
            uploaded_at=timezone.now(),
            accepted_at=timezone.now(),
        )
    assert trading_blockers(supplier) == []


# ---- API ----------------------------------------------------------------------------------


def test_import_endpoint_permission_matrix():
    supplier_admin = make_supplier()[1]
    actors = {
        "anonymous": None,
        "supplier admin": supplier_admin,
        "buyer": make_user(Role.BUYER),
        "operator reviewer of the regional centre": make_user(
            Role.OPERATOR_REVIEWER, division="150000"
        ),
        "city operator admin": make_user(Role.OPERATOR_ADMIN, division="150200"),
        "regional operator admin": regional_operator_admin(),
    }
    expected = {label: 403 for label in actors}
    expected["anonymous"] = 401
    expected["regional operator admin"] = 201
    data = csv_bytes([row(1)])
    responses = check_matrix(
        lambda c: c.post(
            "/api/v1/suppliers/shared-imports",
            {"file": SimpleUploadedFile("shared.csv", data, content_type="text/csv")},
        ),
        actors,
        expected,
    )
    body = responses["regional operator admin"].json()
    assert (body["rows_total"], body["rows_imported"]) == (1, 1)
    assert CODE_FORMAT.match(body["rows"][0]["activation_code"])


def test_import_endpoint_refuses_a_bad_file_with_the_error_shape():
    client = client_for(regional_operator_admin())
    response = client.post(
        "/api/v1/suppliers/shared-imports",
        {"file": SimpleUploadedFile("bad.csv", b"name\nx\n", content_type="text/csv")},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "shared_file_invalid"


def test_activate_endpoint_sets_the_password_and_lists_the_blockers(client):
    username, code = _imported()
    before = database_fingerprint()
    wrong = client.post(
        "/api/v1/suppliers/activate",
        {"username": username, "code": "AAAA", "password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "activation_invalid")
    assert database_fingerprint() == before  # a LoginFailure only, which the throttle keeps
    response = client.post(
        "/api/v1/suppliers/activate",
        {"username": username, "code": code, "password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["supplier"]) == (username, "包头市共享1商贸有限公司")
    assert [b["code"] for b in body["blockers"]] == ["commitment_not_signed", "documents_missing"]


# ---- command and pages --------------------------------------------------------------------


def test_command_imports_and_prints_the_codes(tmp_path):
    operator = regional_operator_admin()
    path = tmp_path / "shared.csv"
    path.write_bytes(csv_bytes([row(1), row(2, division_code="159999")]))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_shared_suppliers", str(path), "--as", operator.username, stdout=out, stderr=err
    )
    text = out.getvalue()
    assert "row 1: imported 包头市共享1商贸有限公司" in text
    assert CODE_FORMAT.search(text.split("activation code ")[1].split()[0])
    assert "row 2: refused (unknown_division)" in text
    assert "1 of 2 rows imported from shared.csv" in text
    assert "2/2 rows checked" in err.getvalue()
    path.write_bytes(b"nonsense")
    with pytest.raises(CommandError, match="shared_file_invalid"):
        call_command("import_shared_suppliers", str(path), "--as", operator.username, stdout=out)


def test_import_page_shows_the_codes_once_and_is_for_regional_admins_only():
    city = client_for(make_user(Role.OPERATOR_ADMIN, division="150200"))
    assert city.get("/suppliers/shared-import/").status_code == 403
    client = client_for(regional_operator_admin())
    assert client.get("/suppliers/shared-import/").status_code == 200
    response = client.post(
        "/suppliers/shared-import/",
        {"file": SimpleUploadedFile("shared.csv", csv_bytes([row(1)]), content_type="text/csv")},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert CODE_FORMAT.search(
        re.search(r'data-testid="activation-code">([^<]+)<', response.content.decode()).group(1)
    )


def test_activation_page_logs_the_admin_in(client):
    username, code = _imported()
    response = client.post(
        "/suppliers/activate/",
        {"username": username, "code": code, "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me").json()["username"] == username
    wrong = client.post(
        "/suppliers/activate/",
        {"username": username, "code": code, "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "field-error" in wrong.content.decode()
