"""Form layouts for the case pages. The services judge every value; the forms only turn text into
dates and numbers and put the services' messages back beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhuqi.cases import selectors
from zhuqi.cases.models import (
    Case,
    CaseCategory,
    CaseStep,
    Complexity,
    DeadlinePolicy,
    GroupingSplit,
    JointHandling,
    Kind,
    Outcome,
    RejectionReason,
    ReplyTemplate,
    RoutingRule,
    Source,
    UnresolvableReason,
    Urgency,
)
from zhuqi.core.forms import (
    Form,
    LenientDateField,
    LenientIdListField,
    LenientIntegerField,
    OnOffField,
    model_label,
)
from zhuqi.core.process_cache import ProcessCache
from zhuqi.core.textlimits import REASON_LENGTH, limit
from zhuqi.core.validators import parse_id
from zhuqi.core.versioning import version_field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files; the services check their size and type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [item for item in data if item]
        return [data] if data else []


class IdListField(forms.Field):
    """Ids picked from a list; whether the user may pick them is the service's to say."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return [int(item) for item in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("应为编号")) from None


class CaseNumberField(forms.IntegerField):
    """A case number as people write it: 12 or #12."""

    def to_python(self, value: Any) -> int | None:
        return super().to_python(value.strip().lstrip("#＃") if isinstance(value, str) else value)


class CaseForm(Form):
    model = Case

    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    enterprise = forms.IntegerField(label=_("企业"), required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("标题"),
        max_length=limit(Case, "title"),
        help_text=_("一句话说明，如：增值税留抵退税迟迟未到账"),
    )
    description = forms.CharField(
        label=_("具体情况"),
        required=False,
        max_length=limit(Case, "description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("遇到了什么困难、希望政府做什么"),
    )
    category = forms.TypedChoiceField(label=_("类别"), coerce=int, choices=())
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL, required=False
    )
    complexity = forms.ChoiceField(
        label=_("复杂程度"), choices=Complexity.choices, initial=Complexity.SIMPLE, required=False
    )
    source = forms.ChoiceField(label=_("来源"), choices=[("", "—"), *Source.choices], required=False)
    source_note = forms.CharField(
        label=_("来源说明"),
        max_length=limit(Case, "source_note"),
        required=False,
        help_text=_("如：2026年11月20日市长调研、第3次企业座谈会"),
    )
    # Picked with the shared search pickers (core/pickers.py); the service judges the ids.
    issued_by = forms.IntegerField(label=_("交办领导"), required=False, widget=forms.HiddenInput)
    region = forms.CharField(label=_("所属地区"), max_length=6, required=False, widget=forms.HiddenInput)
    rule_breached = forms.CharField(
        label=_("违反的规定"), max_length=limit(Case, "rule_breached"), required=False
    )
    evidence = forms.CharField(
        label=_("隐患情况"),
        required=False,
        max_length=limit(Case, "evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_department = forms.IntegerField(label=_("牵头部门"), required=False, widget=forms.HiddenInput)
    co_departments = IdListField(label=_("配合部门"), required=False)
    deadline = forms.DateField(
        label=_("办理时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填则按时限规则计算（工作日）"),
    )
    attachments = MultipleFileField(label=_("附件"))

    def __init__(
        self,
        *args: Any,
        kinds: frozenset[str],
        categories: list[tuple[int, str]],
        may_route: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [(value, label) for value, label in Kind.choices if value in kinds]
        category_field: Any = self.fields["category"]
        category_field.choices = [("", "—"), *categories]
        if not may_route:
            for name in ("lead_department", "co_departments", "deadline", "issued_by"):
                del self.fields[name]


class StepForm(Form):
    """Every step's fields; the case page shows the ones its step needs."""

    model = Case

    version = version_field()
    # The longest a step's comment may be; the service refuses less on the steps that also keep
    # the comment on the case (an extension's reason, a rating's comment).
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=limit(CaseStep, "comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(label=_("附件"))
    # Named as the page names it beside the select.
    reason = forms.ChoiceField(label=_("理由"), choices=RejectionReason.choices, required=False)
    duplicate_of = CaseNumberField(label=_("并入事项编号"), required=False)
    lead_department = forms.IntegerField(label=_("牵头部门"), required=False)
    co_departments = IdListField(label=_("配合部门"), required=False)
    complexity = forms.ChoiceField(
        label=_("复杂程度"), choices=[("", "—"), *Complexity.choices], required=False
    )
    deadline = forms.DateField(label=_("办理时限"), required=False)
    requested_deadline = forms.DateField(label=_("申请延至"), required=False)
    approve = forms.TypedChoiceField(
        label=_("审批意见"),
        choices=[("yes", _("同意")), ("no", _("不同意"))],
        coerce=lambda value: value == "yes",
        required=False,
    )
    new_deadline = forms.DateField(label=_("新的办理时限"), required=False)
    answer = forms.CharField(label=_("答复内容"), required=False, max_length=limit(Case, "answer"))
    outcome = forms.ChoiceField(label=_("办理结果"), choices=[("", "—"), *Outcome.choices], required=False)
    outcome_reason = forms.ChoiceField(
        label=_("无法解决的原因"), choices=[("", "—"), *UnresolvableReason.choices], required=False
    )
    rating = forms.TypedChoiceField(
        label=_("评价"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    report = forms.CharField(
        label=_("完成（整改）情况"), required=False, max_length=limit(CaseStep, "comment")
    )
    passed = forms.TypedChoiceField(
        label=_("结论"),
        choices=[("yes", _("通过")), ("no", _("不通过"))],
        coerce=lambda value: value == "yes",
        required=False,
    )


class CaseEditForm(Form):
    """Correcting a filed case: what it is about, not how it is being handled."""

    model = Case

    version = version_field()
    title = forms.CharField(label=_("标题"), max_length=limit(Case, "title"))
    category = forms.TypedChoiceField(label=_("类别"), coerce=int)
    enterprise = forms.IntegerField(label=_("企业"), required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("具体情况"),
        required=False,
        max_length=limit(Case, "description"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        max_length=REASON_LENGTH,
        help_text=_("写入办理记录，如：企业名称登记有误"),
    )

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]


class CasePairsField(forms.Field):
    """Ticked cases as the list posts them, "id:version" each; a value that is not one is left out."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[tuple[int, int]]:
        pairs = []
        for item in value or []:
            case_id, _sep, version = str(item).partition(":")
            parsed_id, parsed_version = parse_id(case_id), parse_id(version)
            if parsed_id is not None and parsed_version is not None:
                pairs.append((parsed_id, parsed_version))
        return pairs


class BulkAssignForm(Form):
    model = Case

    case = CasePairsField(required=False)
    next = forms.CharField(required=False, strip=False)

    def error_field(self, path: str) -> str:
        # One case's refusal, "cases.12.lead_department": named by the field, the case is in the message.
        return path.split(".")[-1] if path.startswith("cases.") else path.split(".")[0]


# The catalogue's forms (catalogue_views.py). Labels are the models' verbose names, except where the
# page has always said it in other words.


class RoutingRuleForm(Form):
    model = RoutingRule

    rule = LenientIntegerField(widget=forms.HiddenInput)
    delete = forms.BooleanField(required=False)
    region = forms.CharField(label=model_label(RoutingRule, "region"), required=False, strip=False)
    category = LenientIntegerField(label=model_label(RoutingRule, "category"))
    lead_department = LenientIntegerField(label=model_label(RoutingRule, "lead_department"))
    co_departments = LenientIdListField(label=model_label(RoutingRule, "co_departments"))
    keywords = forms.CharField(label=model_label(RoutingRule, "keywords"), required=False, strip=False)
    order = LenientIntegerField(label=model_label(RoutingRule, "order"))


class CategoryForm(Form):
    model = CaseCategory

    category = LenientIntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=model_label(CaseCategory, "name"), required=False, strip=False)
    parent = LenientIntegerField(label=model_label(CaseCategory, "parent"))
    order = LenientIntegerField(label=model_label(CaseCategory, "order"))
    is_active = OnOffField(label=model_label(CaseCategory, "is_active"))


class ReplyTemplateForm(Form):
    model = ReplyTemplate

    template = LenientIntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("标题"), required=False, strip=False)
    text = forms.CharField(label=_("模板内容"), required=False, strip=False)
    category = LenientIntegerField(label=model_label(ReplyTemplate, "category"))


class DeadlinePolicyForm(Form):
    model = DeadlinePolicy

    kind = forms.CharField(label=model_label(DeadlinePolicy, "kind"), required=False, strip=False)
    urgency = forms.CharField(label=model_label(DeadlinePolicy, "urgency"), required=False, strip=False)
    category = LenientIntegerField(label=_("类别"))
    response_days = LenientIntegerField(label=_("受理/签收时限"))
    simple_days = LenientIntegerField(label=_("简单事项时限"))
    complex_days = LenientIntegerField(label=_("复杂事项时限"))


def category_choices() -> list[tuple[int, str]]:
    """The active categories as the pick-lists show them, "融资 / 续贷"."""
    items = list(selectors.categories().select_related("parent"))
    return [(c.pk, f"{c.parent.name} / {c.name}" if c.parent else c.name) for c in items]


# The 事项 list's filter form shows the categories on every page: read once per process, dropped
# when a category is saved (core.process_cache; another app server sees it within a minute). The
# forms that file or edit a case read them afresh (category_choices): the service refuses a
# retired one, and the person should not be offered it.
listed_categories = ProcessCache(category_choices, models=[CaseCategory])


class GroupingSplitForm(Form):
    """Split one case out of its common-problem group: the row's button posts the case, the
    group's form its cases (the case among them; the service keeps it apart from the rest)."""

    model = GroupingSplit

    case = LenientIntegerField(label=model_label(GroupingSplit, "case"))
    others = LenientIdListField(label=model_label(GroupingSplit, "others"))
    label = forms.CharField(label=model_label(GroupingSplit, "label"), required=False)
    next = forms.CharField(required=False, strip=False)


class GroupingSplitUndoForm(Form):
    model = GroupingSplit

    split = LenientIntegerField(widget=forms.HiddenInput)
    next = forms.CharField(required=False, strip=False)


# ---------------------------------------------------------------------------------------------
# Joint handling (联合办理)


class JointForm(Form):
    """Opening a joint handling from a common problem's group."""

    model = JointHandling
    service_labels = {"cases": _("诉求")}

    title = forms.CharField(label=model_label(JointHandling, "title"), required=False, max_length=200)
    cases = LenientIdListField(label=_("诉求"))
    lead_department = LenientIntegerField(label=model_label(JointHandling, "lead_department"))
    co_departments = LenientIdListField(label=model_label(JointHandling, "co_departments"))
    deadline = LenientDateField(label=model_label(JointHandling, "deadline"))
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=limit(CaseStep, "comment"), widget=forms.Textarea
    )


class JointMemberForm(Form):
    """Adding a demand to a joint handling, or taking one out (with the reason)."""

    model = JointHandling
    # check_joinable names the demand "cases" (as when opening one): the page says 诉求.
    service_labels = {"cases": _("诉求")}

    version = version_field()
    case = CaseNumberField(label=_("诉求编号"), required=False)
    reason = forms.CharField(label=_("移出理由"), required=False, max_length=limit(CaseStep, "comment"))


class JointPolicyForm(Form):
    model = JointHandling

    version = version_field()
    policy_question = OnOffField(label=model_label(JointHandling, "policy_question"))
    note = forms.CharField(label=model_label(JointHandling, "policy_note"), required=False, max_length=500)
