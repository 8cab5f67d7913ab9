"""core.forms: one way for a page to read input and to put a service's refusal back on it."""

from __future__ import annotations

from django import forms

from zhuqi.cases.models import Case
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed
from zhuqi.core.forms import (
    Form,
    LenientDateField,
    LenientIdListField,
    LenientIntegerField,
    OnOffField,
    error_text,
    model_label,
)
from zhuqi.core.versioning import version_field


class Example(Form):
    model = Case

    version = version_field()
    title = forms.CharField(label="标题", required=False)
    lead_department = LenientIntegerField(label=model_label(Case, "lead_department"))
    co_departments = LenientIdListField(label="配合部门")
    on = LenientDateField()
    is_active = OnOffField()
    service_labels = {"milestones": "节点计划"}


def test_a_refusal_names_each_field_by_what_the_page_calls_it() -> None:
    form = Example({})
    refusal = ValidationFailed(
        [
            FieldError("title", "必填"),
            FieldError("co_departments.1", "部门不存在"),
            FieldError("category", "请选择类别"),  # not on the form: the model's verbose name
            FieldError("milestones", "不能删除"),  # neither: the form's word for it
            FieldError("version", "请刷新"),
            FieldError("elsewhere", "原样"),  # nothing knows it: its name
        ]
    )
    assert form.error_text(refusal) == (
        "标题：必填；配合部门：部门不存在；类别：请选择类别；节点计划：不能删除；版本：请刷新；elsewhere：原样"
    )
    assert form.error_text(NotFound()) == NotFound().message
    assert error_text(refusal, str).startswith("title：必填；co_departments.1：")


def test_service_errors_go_beside_their_fields_and_a_hidden_fields_on_top() -> None:
    form = Example({"title": "x"})
    assert form.is_valid()
    form.add_service_errors(
        [FieldError("title", "太长"), FieldError("version", "已被修改"), FieldError("x", "另")]
    )
    assert form.errors["title"] == ["太长"]
    assert form.non_field_errors() == ["已被修改", "另"]


def test_lenient_fields_read_what_was_posted_and_refuse_nothing() -> None:
    form = Example(
        {"lead_department": "abc", "co_departments": ["3", "x", "4"], "on": "2026-13-01", "is_active": "off"}
    )
    assert form.is_valid()
    data = form.cleaned_data
    assert (data["lead_department"], data["co_departments"], data["on"], data["is_active"]) == (
        None,
        [3, 4],
        None,
        False,
    )
    form = Example({"lead_department": " 7 ", "on": "2026-06-30"})
    assert form.is_valid()
    assert form.cleaned_data["lead_department"] == 7 and str(form.cleaned_data["on"]) == "2026-06-30"
    # A switch not posted at all is on.
    assert form.cleaned_data["is_active"] is True
