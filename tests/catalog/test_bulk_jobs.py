"""Import jobs: upload page, stepping (htmx polls), report and its CSV, the template, access;
the `catalog_import_listings` command."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.catalog import services_bulk
from govmall.catalog.bulk_rows import csv_bytes
from govmall.catalog.models import Listing, ListingImportJob
from govmall.core.errors import DomainError
from tests.catalog.bulk_helpers import bulk_world, private_media  # noqa: F401
from tests.factories import make_supplier, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

HEADERS = [
    "商品编码",
    "品目编码",
    "商品名称",
    "品牌",
    "型号",
    "制造商",
    "计量单位",
    "价格",
    "库存",
    "质保月数",
    "节能认证编号",
    "节能认证有效期",
    "售后服务",
    "无额外费用",
    "图片",
    "描述",
    "打印速度",
    "最大幅面",
]


def file_rows(w, n_good: int, bad: bool = True) -> list[list[str]]:
    rows = [HEADERS]
    for i in range(n_good):
        raw = w.item(f"J-{i}", brand="惠普", model_no=f"M{i}")
        rows.append(
            [
                raw["sku"],
                raw["category"],
                raw["title"],
                raw["brand"],
                raw["model_no"],
                raw["manufacturer"],
                raw["unit"],
                raw["price"],
                "5",
                "12",
                raw["energy_cert_no"],
                raw["energy_cert_expiry"],
                raw["after_sales"],
                "是",
                str(w.image.pk),
                raw["description"],
                "38",
                "A4",
            ]
        )
    if bad:
        rows.append(
            [
                "J-bad",
                w.category.code,
                "惠普 MX 打印机",
                "惠普",
                "MX",
                "",
                "台",
                "免费",
                "1",
                "12",
                "",
                "",
                "",
                "是",
                "",
                "",
                "abc",
                "A5",
            ]
        )
    return rows


def upload(client, data: bytes, name: str = "清单.csv"):
    return client.post(
        reverse("catalog:bulk_import"),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_upload_step_and_report(client, english, monkeypatch):
    monkeypatch.setattr(services_bulk, "JOB_CHUNK", 2)
    w = bulk_world()
    client.force_login(w.user)
    page = client.get(reverse("catalog:bulk_import"))
    assert page.status_code == 200
    response = upload(client, csv_bytes(file_rows(w, 3)))
    job = ListingImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:bulk_job", kwargs={"job_id": job.pk})
    assert (job.total, job.done, job.state) == (4, 0, "running")
    assert not Listing.objects.exists()
    assert Event.objects.filter(object_type="catalog.listingimportjob", action="import.created")
    page = client.get(response["Location"])
    assert b'hx-post="' in page.content and b"0 of 4 rows processed" in page.content

    step = reverse("catalog:bulk_job_step", kwargs={"job_id": job.pk})
    partial = client.post(step, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert b"2 of 4 rows processed" in partial.content and b"hx-post" in partial.content
    assert b"<html" not in partial.content
    partial = client.post(step, HTTP_HX_REQUEST="true")
    assert b"4 of 4 rows processed" in partial.content
    assert b"hx-post" not in partial.content  # done: polling stops
    job.refresh_from_db()
    assert job.state == "done" and job.rows == [] and job.finished_at is not None
    assert [line["line"] for line in job.report] == [2, 3, 4, 5]
    assert [line["outcome"] for line in job.report] == ["created"] * 3 + ["error"]
    assert {e["code"] for e in job.report[3]["errors"]} == {"invalid_price", "invalid_attribute"}
    assert Listing.objects.filter(state="listed").count() == 3
    assert Event.objects.filter(object_id=str(job.pk), action="import.finished").count() == 1
    # further polls change nothing
    client.post(step, HTTP_HX_REQUEST="true")
    assert Listing.objects.count() == 3

    page = client.get(reverse("catalog:bulk_job", kwargs={"job_id": job.pk}))
    assert b'data-testid="job-report"' in page.content
    assert b"Enter a price greater than 0" in page.content
    report = client.get(reverse("catalog:bulk_job_report", kwargs={"job_id": job.pk}))
    assert report["Content-Type"].startswith("text/csv")
    text = report.content.decode("utf-8-sig").splitlines()
    assert text[0] == "line,sku,outcome,number,state,review,messages"
    assert text[1].startswith("2,J-0,created,LST-")
    assert text[4].startswith("5,J-bad,error,,,,")


def test_step_without_htmx_redirects(client):
    w = bulk_world()
    client.force_login(w.user)
    upload(client, csv_bytes(file_rows(w, 1, bad=False)))
    job = ListingImportJob.objects.get()
    response = client.post(reverse("catalog:bulk_job_step", kwargs={"job_id": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "done"


def test_file_faults_show_at_the_field(client, english):
    w = bulk_world()
    client.force_login(w.user)
    response = upload(client, b"sku,title\r\nA,B\r\n")
    assert response.status_code == 400
    assert b'id="error-file"' in response.content
    assert b"Required columns are missing" in response.content
    response = upload(client, b"sku,category,title,brand,model,unit,price\r\n")
    assert b"The file has a header but no rows." in response.content
    assert not ListingImportJob.objects.exists()


def test_xlsx_upload(client):
    from tests.catalog.test_bulk_rows import xlsx_bytes

    w = bulk_world()
    client.force_login(w.user)
    response = client.post(
        reverse("catalog:bulk_import"),
        {"file": SimpleUploadedFile("list.xlsx", xlsx_bytes(file_rows(w, 2)))},
    )
    assert response.status_code == 302
    job = ListingImportJob.objects.get()
    assert job.total == 3 and job.rows[0]["item"]["stock"] == 5


def test_jobs_are_the_suppliers_own(client):
    w = bulk_world()
    client.force_login(w.user)
    upload(client, csv_bytes(file_rows(w, 1)))
    job = ListingImportJob.objects.get()
    _other, other_user = make_supplier()
    client.force_login(other_user)
    for name in ("catalog:bulk_job", "catalog:bulk_job_report"):
        assert client.get(reverse(name, kwargs={"job_id": job.pk})).status_code == 404
    assert (
        client.post(reverse("catalog:bulk_job_step", kwargs={"job_id": job.pk})).status_code == 404
    )
    job.refresh_from_db()
    assert job.done == 0
    client.force_login(make_user(Role.BUYER))
    assert client.get(reverse("catalog:bulk_import")).status_code == 403
    client.logout()
    assert client.get(reverse("catalog:bulk_import")).status_code == 302  # to the login page


def test_template_download(client):
    w = bulk_world()
    client.force_login(w.user)
    response = client.get(reverse("catalog:bulk_template") + f"?category={w.category.code}")
    assert response.status_code == 200
    first = response.content.decode("utf-8-sig").splitlines()[0]
    assert first.startswith("商品编码,品目编码,商品名称") and first.endswith(
        "打印速度,最大幅面,自动双面"
    )
    english = client.get(reverse("catalog:bulk_template") + "?lang=en").content.decode("utf-8-sig")
    assert english.startswith("sku,category,title,brand,model,")
    assert client.get(reverse("catalog:bulk_template") + "?category=NOPE").status_code == 404


def test_a_supplier_blocked_midway_fails_the_job(client):
    from govmall.suppliers.models import CommitmentSignature

    w = bulk_world()
    client.force_login(w.user)
    upload(client, csv_bytes(file_rows(w, 2)))
    job = ListingImportJob.objects.get()
    CommitmentSignature.objects.filter(supplier=w.supplier).delete()
    job = services_bulk.import_job_step(actor=w.user, job_id=job.pk)
    assert job.state == "failed" and job.done == 0
    assert Event.objects.filter(object_id=str(job.pk), action="import.failed").exists()
    assert not Listing.objects.exists()
    with pytest.raises(DomainError) as err:
        services_bulk.import_job_create(
            actor=w.user, data=csv_bytes(file_rows(w, 1)), file_name="x"
        )
    assert err.value.code == "supplier_cannot_trade"


# ---- the command ---------------------------------------------------------------------------


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("catalog_import_listings", *args, stdout=out)
    return out.getvalue()


def test_command_imports_prints_progress_and_fails_on_bad_rows(tmp_path):
    w = bulk_world()
    path = tmp_path / "清单.csv"
    rows = file_rows(w, 3)
    path.write_bytes(csv_bytes(rows))
    args = (str(path), "--supplier", w.supplier.credit_code, "--user", w.user.username)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("catalog_import_listings", *args, "--chunk", "2", stdout=out)
    assert exit_.value.code == 1
    text = out.getvalue()
    assert "4 rows from 清单.csv" in text
    assert "2/4 rows" in text and "4/4 rows" in text and "rows/s" in text
    assert "summary: created 3, error 1; failed 1" in text
    assert "row 5 J-bad:" in text
    assert Listing.objects.count() == 3

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(rows[:-1]))
    text = run_command(str(good), "--supplier", w.supplier.credit_code, "--user", w.user.username)
    assert "summary: unchanged 3; failed 0" in text


def test_command_refuses_unknown_supplier_or_foreign_user(tmp_path):
    w = bulk_world()
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(file_rows(w, 1)))
    with pytest.raises(CommandError, match="no supplier"):
        run_command(str(path), "--supplier", "X", "--user", w.user.username)
    _other, other_user = make_supplier()
    with pytest.raises(CommandError, match="is not a user of"):
        run_command(str(path), "--supplier", w.supplier.credit_code, "--user", other_user.username)
    with pytest.raises(CommandError, match="no such file"):
        run_command(str(tmp_path / "missing.csv"), "--supplier", "X", "--user", "y")
