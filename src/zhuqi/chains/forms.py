"""The forms of the pages that keep a chain: the chain itself, its segments, members, customer and
supplier links, the chief's lists, the yearly goals and a template to load. Values stay as posted
(amounts as text, ids as given); the services parse and judge them, naming the field, so the page,
the API and a template refuse the same value in the same words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhuqi.chains.models import Chain, ChainGoal, ChainItem, Link, Member, Segment
from zhuqi.chains.services import ChainData, ItemData, LinkData, MemberData, SegmentData
from zhuqi.core.forms import Form, LenientIdListField, LenientIntegerField, model_label
from zhuqi.core.versioning import version_field


def _text(model: Any, name: str) -> forms.CharField:
    return forms.CharField(label=model_label(model, name), required=False, strip=False)


class ChainForm(Form):
    model = Chain

    version = version_field()
    name = _text(Chain, "name")
    region = _text(Chain, "region")
    chief = LenientIntegerField(label=model_label(Chain, "chief"))
    chief_title = _text(Chain, "chief_title")
    deputies = LenientIdListField(label=model_label(Chain, "deputies"))
    lead_department = LenientIntegerField(label=model_label(Chain, "lead_department"))
    description = _text(Chain, "description")
    weak_output = _text(Chain, "weak_output")
    position = LenientIntegerField(label=model_label(Chain, "position"))

    @staticmethod
    def initial_for(chain: Chain) -> dict[str, Any]:
        return {
            "version": chain.version,
            "name": chain.name,
            "region": chain.region_id,
            "chief": chain.chief_id or "",
            "chief_title": chain.chief_title,
            "deputies": [official.pk for official in chain.deputies.all()],
            "lead_department": chain.lead_department_id or "",
            "description": chain.description,
            "weak_output": chain.weak_output if chain.weak_output is not None else "",
            "position": chain.position,
        }

    def to_data(self) -> ChainData:
        data = self.cleaned_data
        return ChainData(
            name=data["name"],
            region_code=data["region"],
            chief_id=data["chief"],
            chief_title=data["chief_title"],
            deputy_ids=data["deputies"],
            lead_department_id=data["lead_department"],
            description=data["description"],
            weak_output=data["weak_output"],
            position=data["position"] or 0,
        )


class SegmentForm(Form):
    model = Segment

    version = version_field()
    name = _text(Segment, "name")
    parent = LenientIntegerField(label=model_label(Segment, "parent"))
    kind = _text(Segment, "kind")
    position = LenientIntegerField(label=model_label(Segment, "position"))
    description = _text(Segment, "description")
    weak_output = _text(Segment, "weak_output")
    service_labels = {"segment": _("环节")}

    @staticmethod
    def initial_for(segment: Segment) -> dict[str, Any]:
        return {
            "version": segment.version,
            "name": segment.name,
            "parent": segment.parent_id or "",
            "kind": segment.kind,
            "position": segment.position,
            "description": segment.description,
            "weak_output": segment.weak_output if segment.weak_output is not None else "",
        }

    def to_data(self) -> SegmentData:
        data = self.cleaned_data
        return SegmentData(
            name=data["name"],
            parent_id=data["parent"],
            kind=data["kind"],
            position=data["position"] or 0,
            description=data["description"],
            weak_output=data["weak_output"],
        )


class MemberForm(Form):
    model = Member

    version = version_field()
    enterprise = LenientIntegerField(label=model_label(Member, "enterprise"))
    segment = LenientIntegerField(label=model_label(Member, "segment"))
    role = _text(Member, "role")
    output_value = _text(Member, "output_value")
    output_year = LenientIntegerField(label=model_label(Member, "output_year"))
    products = _text(Member, "products")
    note = _text(Member, "note")

    @staticmethod
    def initial_for(member: Member) -> dict[str, Any]:
        return {
            "version": member.version,
            "enterprise": member.enterprise_id,
            "segment": member.segment_id,
            "role": member.role,
            "output_value": member.output_value if member.output_value is not None else "",
            "output_year": member.output_year or "",
            "products": member.products,
            "note": member.note,
        }

    def to_data(self) -> MemberData:
        data = self.cleaned_data
        return MemberData(
            segment_id=data["segment"],
            enterprise_id=data["enterprise"],
            role=data["role"],
            output_value=data["output_value"],
            output_year=data["output_year"],
            products=data["products"],
            note=data["note"],
        )


class LinkForm(Form):
    """Each end one of ours (picked from the registry) or an outside enterprise by name and, when
    known, credit code; a picked enterprise wins over a typed name."""

    model = Link

    version = version_field()
    supplier = LenientIntegerField(label=_("本地供应方"))
    supplier_name = _text(Link, "supplier_name")
    supplier_uscc = _text(Link, "supplier_uscc")
    customer = LenientIntegerField(label=_("本地客户"))
    customer_name = _text(Link, "customer_name")
    customer_uscc = _text(Link, "customer_uscc")
    product = _text(Link, "product")
    annual_volume = _text(Link, "annual_volume")
    volume_unit = _text(Link, "volume_unit")
    note = _text(Link, "note")

    @staticmethod
    def initial_for(link: Link) -> dict[str, Any]:
        def end(side: str) -> dict[str, Any]:
            ours = getattr(link, f"{side}_id")
            return {
                side: ours or "",
                f"{side}_name": "" if ours else getattr(link, f"{side}_name"),
                f"{side}_uscc": "" if ours else getattr(link, f"{side}_uscc"),
            }

        return {
            "version": link.version,
            **end("supplier"),
            **end("customer"),
            "product": link.product,
            "annual_volume": link.annual_volume if link.annual_volume is not None else "",
            "volume_unit": link.volume_unit,
            "note": link.note,
        }

    def to_data(self) -> LinkData:
        data = self.cleaned_data
        return LinkData(
            product=data["product"],
            supplier_id=data["supplier"],
            supplier_name=data["supplier_name"],
            supplier_uscc=data["supplier_uscc"],
            customer_id=data["customer"],
            customer_name=data["customer_name"],
            customer_uscc=data["customer_uscc"],
            annual_volume=data["annual_volume"],
            volume_unit=data["volume_unit"],
            note=data["note"],
        )


class ItemForm(Form):
    model = ChainItem

    version = version_field()
    kind = _text(ChainItem, "kind")
    title = _text(ChainItem, "title")
    segment = LenientIntegerField(label=model_label(ChainItem, "segment"))
    description = _text(ChainItem, "description")
    department = LenientIntegerField(label=model_label(ChainItem, "department"))
    status = _text(ChainItem, "status")
    progress = _text(ChainItem, "progress")
    position = LenientIntegerField(label=model_label(ChainItem, "position"))

    @staticmethod
    def initial_for(item: ChainItem) -> dict[str, Any]:
        return {
            "version": item.version,
            "kind": item.kind,
            "title": item.title,
            "segment": item.segment_id or "",
            "description": item.description,
            "department": item.department_id or "",
            "status": item.status,
            "progress": item.progress,
            "position": item.position,
        }

    def to_data(self) -> ItemData:
        data = self.cleaned_data
        return ItemData(
            kind=data["kind"],
            title=data["title"],
            segment_id=data["segment"],
            description=data["description"],
            department_id=data["department"],
            status=data["status"],
            progress=data["progress"],
            position=data["position"] or 0,
        )


GOAL_FIELDS = ("investment_signed", "projects_landed", "funds_in_place", "new_above_scale")


class GoalForm(Form):
    model = ChainGoal

    version = version_field()
    year = LenientIntegerField(label=model_label(ChainGoal, "year"))
    investment_signed = _text(ChainGoal, "investment_signed")
    projects_landed = _text(ChainGoal, "projects_landed")
    funds_in_place = _text(ChainGoal, "funds_in_place")
    new_above_scale = _text(ChainGoal, "new_above_scale")

    @staticmethod
    def initial_for(goal: ChainGoal) -> dict[str, Any]:
        values = {name: getattr(goal, name) for name in GOAL_FIELDS}
        return {
            "version": goal.version,
            "year": goal.year,
            **{name: "" if value is None else value for name, value in values.items()},
        }

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in GOAL_FIELDS}


class LoadForm(Form):
    """A template file (or, once previewed, its content carried in the page) and where the new
    chain goes; the chain's name, description and segments are the template's."""

    model = Chain

    file = forms.FileField(label=_("模板文件"), required=False)
    # Or one of the templates zhuqi ships, by its file's stem (chains/data/).
    shipped = forms.CharField(label=_("内置模板"), required=False)
    # The previewed file, so "create" needs no second upload: base64 of its bytes, and its name.
    content = forms.CharField(required=False, widget=forms.HiddenInput)
    filename = forms.CharField(required=False, widget=forms.HiddenInput)
    region = _text(Chain, "region")
    chief = LenientIntegerField(label=model_label(Chain, "chief"))
    chief_title = _text(Chain, "chief_title")
    lead_department = LenientIntegerField(label=model_label(Chain, "lead_department"))
    service_labels = {"template": _("模板文件"), "segments": _("模板文件")}

    def error_field(self, path: str) -> str:
        # A template's own errors name its line or row ("segments[2].name", "第 3 行"): the file's.
        name = super().error_field(path)
        if name in ("region", "chief", "chief_title", "lead_department"):
            return name
        return "file"
