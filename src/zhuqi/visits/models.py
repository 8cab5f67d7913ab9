"""Visits (调研 / 督导 / 座谈会 / 走访): who went where, whom they met, what was said. What was
said that needs doing is a Case with the visit as its source (Case.visit); the visit keeps the
record, the cases carry the work."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from zhuqi.core.models import BaseModel
from zhuqi.core.search import SearchWordsField, register
from zhuqi.directory.models import Official, Region
from zhuqi.enterprises.models import Enterprise
from zhuqi.policies.models import Policy
from zhuqi.projects.models import Project


class VisitKind(models.TextChoices):
    INSPECTION = "inspection", gettext_noop("调研/督导")
    SYMPOSIUM = "symposium", gettext_noop("座谈会")
    LIAISON = "liaison", gettext_noop("走访")
    CALL = "call", gettext_noop("电话联系")


class VisitSource(models.TextChoices):
    MANUAL = "manual", gettext_noop("人工登记")
    REPORT = "report", gettext_noop("报道导入")


class Visit(BaseModel):
    kind = models.CharField("类型", max_length=12, choices=VisitKind.choices)
    title = models.CharField("标题", max_length=200)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    # The jurisdiction the record belongs to (scoping and the figures read it): the place
    # visited, or the region of the enterprise a liaison officer went to.
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT, related_name="+")
    places = models.ManyToManyField(Region, verbose_name="地点", blank=True, related_name="+")
    enterprises: models.ManyToManyField[Enterprise, VisitEnterprise] = models.ManyToManyField(
        Enterprise, through="VisitEnterprise", verbose_name="企业", blank=True, related_name="visits"
    )
    projects = models.ManyToManyField(Project, verbose_name="项目", blank=True, related_name="visits")
    summary = models.TextField("概要", blank=True)
    # Title and summary segmented for word search (core/search.py).
    search_words = SearchWordsField()
    # A liaison visit that found nothing to do says so rather than inventing content.
    no_problems = models.BooleanField("无问题", default=False)
    source = models.CharField("来源", max_length=8, choices=VisitSource.choices, default=VisitSource.MANUAL)
    source_note = models.CharField("来源说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "调研走访"
        verbose_name_plural = "调研走访"
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["region", "-start_date"], name="visit_region_idx"),
            models.Index(fields=["kind", "-start_date"], name="visit_kind_idx"),
            models.Index(fields=["-start_date", "-id"], name="visit_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="visit_dates_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title


class VisitRegion(models.Model):
    """A region a visit touched: its own, its places' and its enterprises'. A visit across two
    counties belongs to both, and a jurisdiction finds its visits through the (region, visit)
    index as a range of codes, where reading each visit's places and enterprises would join three
    tables per visit. Written by the visits service whenever the visit's members change
    (services.write_reach); never edited by hand."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reach", db_index=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        verbose_name = "调研走访涉及地区"
        verbose_name_plural = "调研走访涉及地区"
        constraints = [models.UniqueConstraint(fields=["visit", "region"], name="visit_region_unique")]
        indexes = [models.Index(fields=["region", "visit"], name="visit_reach_region_idx")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.region_id}"


class VisitOfficial(BaseModel):
    """An official on a visit, with the posts they held that day written down then: a post held
    later must not rewrite who the person was when they came."""

    class Role(models.TextChoices):
        LEAD = "lead", gettext_noop("带队")
        ACCOMPANYING = "accompanying", gettext_noop("陪同")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="participants")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="visit_participations")
    role = models.CharField("角色", max_length=12, choices=Role.choices)
    posts = models.CharField("当日职务", max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "参加干部"
        verbose_name_plural = "参加干部"
        ordering = ["visit_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "official"], name="visit_official_unique")]
        # A leader's timeline: their visits, newest first (joined to the visit's date).
        indexes = [models.Index(fields=["official", "visit"], name="visit_official_idx")]

    def __str__(self) -> str:
        return f"{self.official} {self.posts}"


class VisitEnterprise(models.Model):
    """An enterprise visited, or attending a symposium: what it said and the policy check."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attendance")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="visit_attendance")
    opinions = models.TextField("意见建议", blank=True)
    # 政策落实: what the enterprise says of the relief measures, as said (people name measures no
    # catalogue holds); the catalogue's policies it names are linked beside (VisitPolicy).
    policies_received = models.TextField("已享受的政策", blank=True)
    policies_unknown = models.TextField("不了解的政策", blank=True)
    policies_unobtainable = models.TextField("未能享受的政策", blank=True)

    class Meta:
        verbose_name = "参加企业"
        verbose_name_plural = "参加企业"
        ordering = ["visit_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "enterprise"], name="visit_enterprise_unique")
        ]
        indexes = [models.Index(fields=["enterprise", "visit"], name="visit_enterprise_idx")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.enterprise_id}"

    def policy_links(self) -> list[VisitPolicy]:
        """The catalogue's policies named in the policy check, in the order recorded: on a row
        from selectors.visit_detail its prefetched `linked_policies` (emptied, like the texts, where
        the reader may not hear the statements); on any other row read here."""
        links: list[VisitPolicy] | None = getattr(self, "linked_policies", None)
        if links is None:
            links = list(self.policy_answers.select_related("policy").order_by("id"))
        return links

    def policy_check(self) -> list[PolicyCheck]:
        """The policy check per answer, in the answers' order: the text as typed and the catalogue's
        policies linked (policy_links)."""
        links = self.policy_links()
        return [
            PolicyCheck(
                answer=answer,
                label=label,
                text=getattr(self, ANSWER_TEXT_FIELDS[answer]),
                links=[link for link in links if link.answer == answer],
            )
            for answer, label in VisitPolicy.Answer.choices
        ]


class VisitPolicy(BaseModel):
    """A catalogue policy an enterprise named in the policy check (政策落实) at a visit: received,
    not known of, or applied for and not obtained. Beside the texts, which stay: the link says
    which policy, the text what was said."""

    class Answer(models.TextChoices):
        RECEIVED = "received", gettext_noop("已享受")
        UNKNOWN = "unknown", gettext_noop("不了解")
        UNOBTAINABLE = "unobtainable", gettext_noop("未能享受")

    # Both keys lead an index below (the unique pair and "visits that mention a policy").
    attendance = models.ForeignKey(
        VisitEnterprise,
        verbose_name="参加企业",
        on_delete=models.CASCADE,
        related_name="policy_answers",
        db_index=False,
    )
    policy = models.ForeignKey(
        Policy, verbose_name="政策", on_delete=models.PROTECT, related_name="visit_answers", db_index=False
    )
    answer = models.CharField("政策落实情况", max_length=12, choices=Answer.choices)

    class Meta:
        verbose_name = "政策落实情况"
        verbose_name_plural = "政策落实情况"
        constraints = [models.UniqueConstraint(fields=["attendance", "policy"], name="visit_policy_unique")]
        # The visits at which a policy was named (its page, its figures), from the policy.
        indexes = [models.Index(fields=["policy", "attendance"], name="visit_policy_idx")]

    def __str__(self) -> str:
        return f"{self.attendance_id} {self.policy_id} {self.answer}"


# Each answer's free text on VisitEnterprise.
ANSWER_TEXT_FIELDS: dict[str, str] = {
    VisitPolicy.Answer.RECEIVED: "policies_received",
    VisitPolicy.Answer.UNKNOWN: "policies_unknown",
    VisitPolicy.Answer.UNOBTAINABLE: "policies_unobtainable",
}


@dataclass
class PolicyCheck:
    """One answer of an enterprise's policy check: its label (as the choice declares it), the text
    typed and the policies linked."""

    answer: str
    label: str
    text: str
    links: list[VisitPolicy]


class VisitAttachment(models.Model):
    """Photos and minutes of a visit. A photo is there to show what was found, never to prove
    presence: nothing asks for one."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="visits/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField("类型", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "调研走访附件"
        verbose_name_plural = "调研走访附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


register(Visit, "title", "summary")
