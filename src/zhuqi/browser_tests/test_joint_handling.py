"""Joint handling of a common problem (联合办理) in the browser: a coordinator opens it from a
group of four enterprises' demands, the lead department's handler signs for it and answers once,
and each of the four enterprises reads the answer on its own case page and rates it; the one
unsatisfied sends only its own case back."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in, server_shell

pytestmark = pytest.mark.browser

ENTERPRISES = ("联晟新材料", "锦联铝材", "靖帆铝版基", "亚欧新材料")

# Four enterprises' accounts (the demo has one) and their four demands about one problem.
SETUP = """
import json
from zhuqi.cases import services
from zhuqi.cases.models import CaseCategory, Kind
from zhuqi.cases.origins import NewCase
from zhuqi.core.roles import Role
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise

token = "{token}"
admin = User.objects.get(username="demo-admin")
category = CaseCategory.objects.get(name="用工", parent=None)
found = []
for index, short_name in enumerate({enterprises!r}):
    enterprise = Enterprise.objects.get(short_name=short_name, region_id="150581")
    if short_name == "联晟新材料":
        user = User.objects.get(username="demo-enterprise")
    else:
        user = directory_services.user_create(
            actor=admin, username=f"jt{{token}}-{{index}}", password="zhuqi-demo",
            role=Role.ENTERPRISE, display_name=short_name, enterprise=enterprise,
        )
    case = services.case_create(actor=user, data=NewCase(
        kind=Kind.DEMAND,
        title=f"高校毕业生就业见习补贴申领困难 {{token}}",
        description="企业招收高校毕业生参加就业见习，见习补贴申领材料多、审核慢，半年未拨付。",
        category_id=category.pk,
    ))
    found.append({{"username": user.username, "case": case.pk}})
print(json.dumps(found))
"""


def log_out(page: Any) -> None:
    page.context.clear_cookies()


def test_one_answer_reaches_four_enterprises_who_each_rate_it(page: Any) -> None:
    token = str(time.time_ns())[-8:]
    members = json.loads(
        server_shell(SETUP.format(token=token, enterprises=ENTERPRISES)).strip().splitlines()[-1]
    )

    log_in(page, "demo-coordinator")
    page.goto("/cases/common-problems/")
    group = page.get_by_test_id("common-problem").filter(has_text=token)
    expect(group).to_have_count(1)
    group.get_by_test_id("open-joint").get_by_role("button").click()
    form = page.get_by_test_id("joint-form")
    expect(form.get_by_test_id("joint-candidate")).to_have_count(4)
    form.get_by_test_id("joint-lead").select_option(label="霍林郭勒市工业和信息化局")
    form.get_by_test_id("joint-submit").click()
    expect(page.get_by_test_id("joint-members").get_by_test_id("joint-member")).to_have_count(4)
    expect(page.get_by_test_id("joint-status")).to_have_text("已交办")
    joint_url = page.url
    joint_number = "#" + joint_url.rstrip("/").rsplit("/", 1)[-1]

    log_out(page)
    log_in(page, "demo-handler")
    page.goto("/cases/?tab=waiting")
    expect(page.get_by_test_id("joint-waiting")).to_contain_text(joint_number)
    page.goto(joint_url)
    page.get_by_test_id("do-start").click()
    expect(page.get_by_test_id("joint-status")).to_have_text("办理中")
    page.get_by_test_id("outcome-select").select_option("resolved")
    answer = "已协调人社局简化见习补贴申领材料，本月底前统一拨付。"
    page.get_by_test_id("answer-text").fill(answer)
    page.get_by_test_id("do-answer").click()
    expect(page.get_by_test_id("joint-status")).to_have_text("已答复待评价")

    for index, member in enumerate(members):
        log_out(page)
        log_in(page, member["username"])
        page.goto(f"/cases/{member['case']}/")
        expect(page.get_by_test_id("answer")).to_have_text(answer)
        expect(page.get_by_test_id("joint-note")).to_contain_text("一并办理")
        unhappy = index == len(members) - 1
        page.get_by_test_id("rating-1" if unhappy else "rating-5").check()
        if unhappy:
            page.get_by_test_id("step-confirm").locator("textarea[name=comment]").fill("补贴至今未到账")
        page.get_by_test_id("do-confirm").click()
        expect(page.get_by_test_id("case-status")).to_have_text("办理中" if unhappy else "已办结")
        # Another enterprise's name never shows on its page.
        for other in ENTERPRISES:
            if other != ENTERPRISES[index]:
                expect(page.locator("main")).not_to_contain_text(other)

    # Only the unhappy enterprise's case went back; it is handled alone now.
    log_out(page)
    log_in(page, "demo-coordinator")
    page.goto(joint_url)
    expect(page.get_by_test_id("joint-member")).to_have_count(3)
    expect(page.get_by_test_id("joint-timeline")).to_contain_text("成员转为单独办理")
