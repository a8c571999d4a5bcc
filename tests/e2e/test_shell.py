"""The web UI shell in real Chromium: login per role, workspaces, language switch, tokens."""

from __future__ import annotations

import re

import pytest

from govmall.accounts.models import Organisation
from govmall.accounts.roles import Role
from govmall.core.demo import USERS, load_demo
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKSPACE_TITLE = {
    Role.SUPPLIER_ADMIN: "供应商工作台",
    Role.SUPPLIER_STAFF: "供应商工作台",
    Role.PURCHASER_ADMIN: "采购人工作台",
    Role.BUYER: "采购人工作台",
    Role.APPROVER: "采购人工作台",
    Role.OPERATOR_ADMIN: "运营管理工作台",
    Role.OPERATOR_REVIEWER: "运营管理工作台",
    Role.REGULATOR: "监管工作台",
}
MOBILE = {"width": 390, "height": 844}


def _members_of(org_name: str) -> list[tuple[str, str]]:
    return [(username, display) for username, _r, org, display in USERS if org == org_name]


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _logout(page) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_url(page.base_url + "/")
    assert page.locator("header .account a.btn", has_text="登录").is_visible()


def test_public_home_and_login_page(page):
    load_demo()
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator(".brand-name").inner_text().startswith("政府采购电子卖场")
    assert page.get_by_text("入驻零费用").first.is_visible()
    counts = page.locator("[data-testid=org-counts]")
    for kind in ("operator", "supplier"):
        shown = counts.locator(f"[data-kind={kind}] .stat-value").inner_text()
        assert shown == str(Organisation.objects.filter(kind=kind).count())
    # htmx is the bundled copy, served by the app
    assert page.evaluate("typeof window.htmx") == "object"
    screenshot(page, "public-home-zh")
    page.click("header .account a.btn")
    page.wait_for_url(re.compile(r".*/accounts/login/$"))
    assert page.locator("h1").inner_text() == "登录"
    screenshot(page, "login-zh")
    response = page.goto(page.base_url + "/no-such-page/")
    assert response.status == 404
    assert page.locator("#error-title").inner_text() == "页面不存在"
    screenshot(page, "error-404-zh")

    page.set_viewport_size(MOBILE)
    page.goto(page.base_url + "/")
    assert _no_horizontal_overflow(page)
    screenshot(page, "public-home-zh-mobile")
    page.goto(page.base_url + "/accounts/login/")
    assert _no_horizontal_overflow(page)
    screenshot(page, "login-zh-mobile")


def test_every_demo_role_logs_in_sees_its_workspace_and_logs_out(page):
    core_users = {username for username, _role, _org, _name in USERS}
    logins = [d for d in load_demo() if d.username in core_users]
    assert sorted(d.role for d in logins) == sorted(Role.values)  # one user per role
    for demo in logins:
        login(page, demo.username, demo.password)
        page.wait_for_url(page.base_url + "/home/")
        title = page.locator("[data-testid=workspace-title]").inner_text()
        assert title == WORKSPACE_TITLE[demo.role]
        assert page.locator("[data-testid=organisation-name]").inner_text() == demo.organisation
        assert page.locator(".account-org").inner_text() == demo.organisation
        members = page.locator("[data-testid=members] tbody tr")
        expected = _members_of(demo.organisation)
        assert members.count() == len(expected)
        for username, display in expected:
            row = page.locator(f"[data-testid=members] tr[data-username='{username}']")
            assert row.is_visible()
            assert display in row.inner_text()
        # the role's own nav entries
        nav = page.locator("nav.site-nav")
        assert nav.locator("[data-nav=api_tokens]").is_visible()
        has_calendar_manage = page.locator("[data-shortcut=calendar_manage]").count() == 1
        assert has_calendar_manage == (demo.username == "op-admin")
        if demo.role in (Role.OPERATOR_ADMIN, Role.OPERATOR_REVIEWER, Role.REGULATOR):
            assert page.locator("[data-testid=jurisdiction]").is_visible()
        else:
            assert page.locator("[data-testid=jurisdiction]").count() == 0
        # recent audit events link to their timelines
        first_event = page.locator("[data-testid=events] tbody tr a").first
        assert re.fullmatch(r"/audit/timeline/[\w.]+/\d+/", first_event.get_attribute("href"))
        screenshot(page, f"home-{demo.username}-zh")
        _logout(page)


def test_workspace_at_mobile_width(page):
    logins = {d.username: d for d in load_demo()}
    page.set_viewport_size(MOBILE)
    login(page, "op-admin", logins["op-admin"].password)
    page.wait_for_url(page.base_url + "/home/")
    assert _no_horizontal_overflow(page)
    screenshot(page, "home-op-admin-zh-mobile")


def test_language_switch_round_trip(page):
    logins = {d.username: d for d in load_demo()}
    page.goto(page.base_url + "/accounts/login/")
    assert page.locator("h1").inner_text() == "登录"
    page.click("button[name=language][value=en]")
    page.wait_for_url(re.compile(r".*/accounts/login/$"))
    assert page.locator("h1").inner_text() == "Log in"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Zero fees for onboarding" in page.locator("footer").inner_text()

    buyer = logins["buyer"]
    login(page, buyer.username, buyer.password)
    page.wait_for_url(page.base_url + "/home/")
    assert page.locator("[data-testid=workspace-title]").inner_text() == "Purchaser workspace"
    assert page.locator("[data-testid=logout]").inner_text() == "Log out"
    screenshot(page, "home-buyer-en")

    page.click("button[name=language][value=zh-hans]")
    page.wait_for_url(page.base_url + "/home/")  # the same page, now in Chinese
    assert page.locator("[data-testid=workspace-title]").inner_text() == "采购人工作台"
    assert page.locator("[data-testid=logout]").inner_text() == "退出登录"
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_login_failure_and_lockout_messages(page):
    logins = {d.username: d for d in load_demo()}
    supplier = logins["supplier-staff"]
    login(page, supplier.username, "not-the-password")
    error = page.locator("[data-testid=login-error]")
    assert error.is_visible()
    assert "请输入一个正确的用户名和密码" in error.inner_text()
    assert page.locator("input[name=username]").input_value() == supplier.username
    screenshot(page, "login-error-zh")
    for _ in range(4):
        login(page, supplier.username, "not-the-password")
    login(page, supplier.username, supplier.password)  # right password, but locked now
    assert "已被锁定" in page.locator("[data-testid=login-error]").inner_text()
    assert page.url.endswith("/accounts/login/")
    screenshot(page, "login-locked-zh")


def test_tokens_create_shows_secret_once_then_revoke(page):
    logins = {d.username: d for d in load_demo()}
    admin = logins["supplier-admin"]
    login(page, admin.username, admin.password)
    page.wait_for_url(page.base_url + "/home/")
    page.click("nav.site-nav [data-nav=api_tokens]")
    page.wait_for_url(page.base_url + "/accounts/tokens/")
    assert page.get_by_text("您还没有 API 令牌。").is_visible()
    page.fill("input[name=name]", "财务系统导入")
    page.click("[data-testid=create-token]")
    secret = page.locator("#new-secret").input_value()
    assert secret.startswith("gm_")
    assert page.get_by_text("请立即复制此令牌").is_visible()
    row = page.locator("[data-testid=token-table] tbody tr").first
    assert "财务系统导入" in row.inner_text()
    assert "有效" in row.inner_text()
    screenshot(page, "tokens-new-secret-zh")

    page.set_viewport_size(MOBILE)
    assert _no_horizontal_overflow(page)
    screenshot(page, "tokens-new-secret-zh-mobile")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.goto(page.base_url + "/accounts/tokens/")
    assert page.locator("#new-secret").count() == 0
    assert secret not in page.content()

    # the confirmation is asked; dismissing it changes nothing
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-testid=token-table] button:has-text('吊销')")
    assert "有效" in page.locator("[data-testid=token-table] tbody tr").first.inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=token-table] button:has-text('吊销')")
    page.wait_for_selector(".message-success")
    assert "令牌已吊销。" in page.locator(".messages").inner_text()
    row = page.locator("[data-testid=token-table] tbody tr").first
    assert "已吊销" in row.inner_text()
    assert row.locator("button").count() == 0
    screenshot(page, "tokens-revoked-zh")
