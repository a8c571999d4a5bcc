"""The credit commitment: publishing versions, signing the current one, re-signing."""

from __future__ import annotations

import hashlib

import pytest

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.core.models import Notification
from govmall.suppliers.commitment import current_commitment, has_signed_current
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import CommitmentSignature, CommitmentText
from govmall.suppliers.services_commitment import commitment_publish, commitment_sign
from tests.factories import make_supplier, make_user, regional_operator_admin
from tests.permissions import check_matrix, client_for, database_fingerprint

pytestmark = pytest.mark.django_db

ZH = "本单位郑重承诺：\n一、所提交的资料真实、合法、有效。"
EN = "We solemnly commit:\n1. Everything we submit is true, lawful and valid."
UA = "Mozilla/5.0 (X11; Linux x86_64) GovMallTest/1.0"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def publish(**kwargs) -> CommitmentText:
    return commitment_publish(
        actor=kwargs.pop("actor", None) or regional_operator_admin(),
        text_zh=kwargs.pop("text_zh", ZH),
        text_en=kwargs.pop("text_en", EN),
    )


# ---- publishing -----------------------------------------------------------------------------


def test_publish_numbers_the_next_version_audits_and_notifies_active_admins():
    seeded = current_commitment()
    assert seeded is not None and seeded.version == 1
    active, active_admin = make_supplier(status="active")
    active_staff = make_user(Role.SUPPLIER_STAFF, org=active.organisation)
    _draft, draft_admin = make_supplier(status="draft")
    operator = regional_operator_admin()
    text = publish(actor=operator, text_zh=ZH + "\r\n", text_en="  " + EN)
    assert (text.version, text.text_zh, text.text_en) == (2, ZH, EN)  # canonical form
    assert text.published_by == operator and current_commitment() == text
    event = Event.objects.get(action="commitment.published")
    assert event.actor_id == operator.pk
    assert event.after == {
        "version": 2,
        "previous_version": 1,
        "sha256_zh": sha(ZH),
        "sha256_en": sha(EN),
    }
    notified = list(Notification.objects.values_list("recipient_id", "verb", "link"))
    assert notified == [(active_admin.pk, "commitment.resign", "/suppliers/commitment/")]
    assert active_staff.pk not in [n[0] for n in notified]
    assert draft_admin.pk not in [n[0] for n in notified]
    assert publish(text_zh=ZH + "二", text_en=EN + " 2").version == 3


@pytest.mark.parametrize(
    ("field", "kwargs", "code"),
    [
        ("text_zh", {"text_zh": "   "}, "required"),
        ("text_en", {"text_en": ""}, "required"),
        ("text_zh", {"text_zh": "长" * 20_001}, "too_long"),
        ("text_en", {"text_en": "a\x00b"}, "invalid"),
    ],
)
def test_publish_refuses_bad_text(field, kwargs, code):
    operator = regional_operator_admin()
    before = database_fingerprint()
    with pytest.raises(DomainError) as exc:
        publish(actor=operator, **kwargs)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert database_fingerprint() == before


def test_publishing_the_same_text_again_is_refused():
    operator = regional_operator_admin()
    publish(actor=operator)
    with pytest.raises(DomainError) as exc:
        publish(actor=operator)
    assert exc.value.code == "commitment_unchanged"


def test_publish_permissions():
    city_admin = make_user(Role.OPERATOR_ADMIN, division="150200")
    regional_reviewer = make_user(Role.OPERATOR_REVIEWER, division="150000")
    buyer = make_user(Role.BUYER)
    before = database_fingerprint()
    for actor, code in [
        (None, "unauthenticated"),
        (buyer, "forbidden"),
        (city_admin, "forbidden"),
        (regional_reviewer, "forbidden"),
    ]:
        with pytest.raises(DomainError) as exc:
            commitment_publish(actor=actor, text_zh=ZH, text_en=EN)
        assert exc.value.code == code
        assert database_fingerprint() == before


# ---- signing --------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "text_attr"), [("zh-hans", "text_zh"), ("en", "text_en")])
def test_sign_records_who_when_where_and_the_hash_of_the_text_shown(language, text_attr):
    supplier, admin = make_supplier(status="draft", signed=False)
    current = current_commitment()
    assert current is not None and not has_signed_current(supplier)
    signature = commitment_sign(
        actor=admin, supplier=supplier, language=language, ip="203.0.113.7", user_agent=UA
    )
    shown = getattr(current, text_attr)
    assert signature.text == current and signature.language == language
    assert signature.text_sha256 == sha(shown) == hashlib.sha256(shown.encode()).hexdigest()
    assert (signature.signed_by, signature.ip, signature.user_agent) == (admin, "203.0.113.7", UA)
    assert signature.signed_at is not None
    assert has_signed_current(supplier)
    event = Event.objects.get(action="commitment.signed")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "suppliers.supplier",
        str(supplier.pk),
        admin.pk,
    )
    assert event.after == {
        "version": current.version,
        "language": language,
        "text_sha256": sha(shown),
        "ip": "203.0.113.7",
        "user_agent": UA,
    }


def test_signing_twice_is_refused():
    supplier, admin = make_supplier(status="draft", signed=False)
    commitment_sign(actor=admin, supplier=supplier, language="zh-hans", ip=None, user_agent="")
    before = database_fingerprint()
    with pytest.raises(DomainError) as exc:
        commitment_sign(actor=admin, supplier=supplier, language="en", ip=None, user_agent="")
    assert (exc.value.code, exc.value.status) == ("already_signed", 409)
    assert database_fingerprint() == before


def test_new_version_requires_re_signing_and_blocks_trading_until_then():
    supplier, admin = make_supplier(status="active")
    assert has_signed_current(supplier) and trading_blockers(supplier) == []
    publish()
    assert not has_signed_current(supplier)
    assert [code for code, _m in trading_blockers(supplier)] == ["commitment_not_signed"]
    commitment_sign(actor=admin, supplier=supplier, language="zh-hans", ip="::1", user_agent=UA)
    assert has_signed_current(supplier) and trading_blockers(supplier) == []
    versions = list(
        CommitmentSignature.objects.filter(supplier=supplier)
        .order_by("text__version")
        .values_list("text__version", flat=True)
    )
    assert versions == [1, 2]


def test_signing_an_outdated_version_is_refused():
    supplier, admin = make_supplier(status="draft", signed=False)
    publish()
    with pytest.raises(DomainError) as exc:
        commitment_sign(
            actor=admin, supplier=supplier, language="zh-hans", ip=None, user_agent="", version=1
        )
    assert (exc.value.code, exc.value.details["current_version"]) == ("commitment_outdated", 2)
    assert not has_signed_current(supplier)


def test_bad_language_ip_and_long_user_agent():
    supplier, admin = make_supplier(status="draft", signed=False)
    with pytest.raises(DomainError) as exc:
        commitment_sign(actor=admin, supplier=supplier, language="fr", ip=None, user_agent="")
    assert (exc.value.code, exc.value.field) == ("invalid_language", "language")
    signature = commitment_sign(
        actor=admin, supplier=supplier, language="en", ip="not-an-ip", user_agent="u" * 900
    )
    assert signature.ip is None and signature.user_agent == "u" * 500


def test_only_the_suppliers_admin_signs():
    supplier, _admin = make_supplier(status="draft", signed=False)
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    _other, other_admin = make_supplier()
    operator = regional_operator_admin()
    before = database_fingerprint()
    for actor, code in [
        (None, "unauthenticated"),
        (staff, "forbidden"),
        (other_admin, "not_found"),
        (operator, "not_found"),
    ]:
        with pytest.raises(DomainError) as exc:
            commitment_sign(
                actor=actor, supplier=supplier, language="zh-hans", ip=None, user_agent=""
            )
        assert exc.value.code == code
    assert database_fingerprint() == before
    assert not has_signed_current(supplier)


# ---- API ------------------------------------------------------------------------------------


def test_current_commitment_is_public():
    current = current_commitment()
    assert current is not None
    responses = check_matrix(
        lambda c: c.get("/api/v1/commitment/current"), {"anonymous": None}, {"anonymous": 200}
    )
    body = responses["anonymous"].json()
    assert (body["version"], body["text_zh"], body["text_en"]) == (
        1,
        current.text_zh,
        current.text_en,
    )
    assert (body["sha256_zh"], body["sha256_en"]) == (sha(current.text_zh), sha(current.text_en))


def test_publish_endpoint_matrix():
    actors = {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "supplier admin": make_supplier()[1],
        "city operator admin": make_user(Role.OPERATOR_ADMIN, division="150200"),
        "regional operator reviewer": make_user(Role.OPERATOR_REVIEWER, division="150000"),
        "regional operator admin": regional_operator_admin(),
    }
    expected = {label: 403 for label in actors}
    expected["anonymous"] = 401
    expected["regional operator admin"] = 201
    responses = check_matrix(
        lambda c: c.post(
            "/api/v1/commitment/versions",
            {"text_zh": ZH, "text_en": EN},
            content_type="application/json",
        ),
        actors,
        expected,
    )
    body = responses["regional operator admin"].json()
    assert (body["version"], body["sha256_zh"], body["sha256_en"]) == (2, sha(ZH), sha(EN))
    assert CommitmentText.objects.count() == 2


def test_publish_endpoint_names_the_over_long_field():
    client = client_for(regional_operator_admin())
    before = database_fingerprint()
    response = client.post(
        "/api/v1/commitment/versions",
        {"text_zh": ZH, "text_en": "a" * 20_001},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["details"]["fields"]) == ["text_en"]
    assert database_fingerprint() == before


def test_sign_endpoint_matrix():
    supplier, admin = make_supplier(status="draft", signed=False)
    actors = {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "supplier staff": make_user(Role.SUPPLIER_STAFF, org=supplier.organisation),
        "regional operator admin": regional_operator_admin(),
        "supplier admin": admin,
    }
    expected = {
        "anonymous": 401,
        "buyer": 403,
        "supplier staff": 403,
        "regional operator admin": 403,
        "supplier admin": 201,
    }
    responses = check_matrix(
        lambda c: c.post(
            "/api/v1/commitment/sign",
            {"language": "en", "version": 1},
            content_type="application/json",
            HTTP_USER_AGENT=UA,
            REMOTE_ADDR="198.51.100.4",
        ),
        actors,
        expected,
    )
    body = responses["supplier admin"].json()
    current = current_commitment()
    assert current is not None
    assert body == {
        "version": 1,
        "language": "en",
        "text_sha256": sha(current.text_en),
        "signed_by": admin.username,
        "signed_at": body["signed_at"],
        "ip": "198.51.100.4",
        "user_agent": UA,
    }
    again = check_matrix(
        lambda c: c.post(
            "/api/v1/commitment/sign", {"language": "en"}, content_type="application/json"
        ),
        {"supplier admin": admin},
        {"supplier admin": 409},
    )
    assert again["supplier admin"].json()["error"]["code"] == "already_signed"
