"""The rule-set editor page and the version pages."""

from __future__ import annotations

import pytest
from django.utils import translation

from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.forms_rules import RuleSetForm
from govmall.catalog.models import RuleSet
from govmall.catalog.rules.engine import current_ruleset
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin
from tests.permissions import check_matrix, client_for

pytestmark = pytest.mark.django_db
PAGE = "/catalog/rules/"


def form_data(**changes):
    """The editor's POST body for the current rules, with field changes."""
    form = RuleSetForm(rules=current_ruleset().rules)
    data = {}
    for name in form.fields:
        value = form.initial.get(name, "")
        if name.endswith("__enabled"):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def actors():
    _s, supplier_admin = make_supplier()
    return {
        "anonymous": None,
        "supplier": supplier_admin,
        "city_operator_admin": make_user(
            Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200")
        ),
        "regional_admin": regional_operator_admin(),
    }


def test_urls_are_named():
    from django.urls import reverse

    assert reverse("catalog:rules") == PAGE
    assert reverse("catalog:rules_version", kwargs={"version": 3}) == "/catalog/rules/versions/3/"


def test_page_matrix_and_editor_only_for_regional_admins(english):
    pages = check_matrix(
        lambda c: c.get(PAGE),
        actors(),
        {"anonymous": 302, "supplier": 200, "city_operator_admin": 200, "regional_admin": 200},
    )
    assert pages["anonymous"]["Location"].startswith("/accounts/login/")
    assert b'data-testid="publish"' in pages["regional_admin"].content
    assert b'data-testid="publish"' not in pages["city_operator_admin"].content
    assert b'data-testid="rules"' in pages["supplier"].content
    assert "Forbidden words, contact details and links" in pages["supplier"].content.decode()


def test_publish_matrix():
    data = form_data(forbidden_words__param__words="最好\n史上最强", note="v2")
    check_matrix(
        lambda c: c.post(PAGE, data),
        actors(),
        {"anonymous": 302, "supplier": 403, "city_operator_admin": 403, "regional_admin": 302},
    )
    assert RuleSet.objects.count() == 2


def test_editor_shows_current_values_in_chinese_by_default():
    page = client_for(regional_operator_admin()).get(PAGE)
    html = page.content.decode()
    assert 'lang="zh-hans"' in html
    assert "禁用词、联系方式和链接" in html
    assert 'name="forbidden_words__param__words"' in html
    assert "最好\n最佳" in html
    assert 'name="image_count__param__max"' in html
    assert 'value="10"' in html
    assert 'href="/catalog/rules/versions/1/"' in html


def test_publish_from_the_page_makes_a_new_version(english):
    client = client_for(regional_operator_admin())
    data = form_data(
        forbidden_words__param__words="最好\n史上最强",
        review_words__severity="reject",
        image_count__enabled=None,
        note="收紧禁用词",
    )
    response = client.post(PAGE, data, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "Version 2 of the listing rules is published and in force." in response.content.decode()
    ruleset = current_ruleset()
    assert ruleset.version == 2
    assert ruleset.note == "收紧禁用词"
    rules = {r["code"]: r for r in ruleset.rules}
    assert rules["forbidden_words"]["params"]["words"] == ["最好", "史上最强"]
    assert rules["review_words"]["severity"] == "reject"
    assert rules["image_count"]["enabled"] is False
    assert rules["unit_allowed"] == next(
        r for r in RuleSet.objects.get(version=1).rules if r["code"] == "unit_allowed"
    )


def test_errors_are_shown_at_the_field_and_nothing_is_written(english):
    client = client_for(regional_operator_admin())
    current_ruleset()
    response = client.post(PAGE, form_data(image_count__param__min="many"))
    assert response.status_code == 200
    html = response.content.decode()
    assert RuleSet.objects.count() == 1
    assert 'id="field-image_count__param__min"' in html
    start = html.index('id="field-image_count__param__min"')
    assert "expected a number of zero or more" in html[start : start + 1500]
    assert 'data-rule="image_count" open' in html


def test_bad_regex_and_empty_message_errors(english):
    client = client_for(regional_operator_admin())
    response = client.post(PAGE, form_data(energy_certificate__param__pattern="CQC(["))
    assert "invalid regular expression" in response.content.decode()
    response = client.post(PAGE, form_data(unit_allowed__message_en=""))
    html = response.content.decode()
    assert "the message may not be empty" in html
    assert RuleSet.objects.count() == 1


def test_unchanged_is_refused_above_the_form(english):
    response = client_for(regional_operator_admin()).post(PAGE, form_data())
    assert response.status_code == 200
    assert "These rules are the same as the current version." in response.content.decode()
    assert RuleSet.objects.count() == 1


def test_version_page_read_only(english):
    client = client_for(regional_operator_admin())
    client.post(PAGE, form_data(forbidden_words__param__words="最好", note="只留最好"))
    old = client.get("/catalog/rules/versions/1/")
    html = old.content.decode()
    assert old.status_code == 200
    assert "superseded" in html
    assert 'data-testid="publish"' not in html
    assert "国家级" in html
    new = client.get("/catalog/rules/versions/2/").content.decode()
    assert "current" in new
    assert "只留最好" in new
    assert client.get("/catalog/rules/versions/9/").status_code == 404
    _s, supplier_admin = make_supplier()
    assert client_for(supplier_admin).get("/catalog/rules/versions/1/").status_code == 200
    with translation.override("en"):
        assert client_for(None).get("/catalog/rules/versions/1/").status_code == 302
