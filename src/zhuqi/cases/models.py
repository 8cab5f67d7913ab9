"""Cases (事项): enterprise demands, leaders' instructions and hazards, each worked by a lead
department to a working-day deadline. The workflow lives in services.py; the fields here are
the facts it records, kept separate so no figure has to be guessed from a status."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from zhuqi.core.models import BaseModel
from zhuqi.core.search import SearchWordsField, register
from zhuqi.directory.models import Department, Official, Region
from zhuqi.enterprises.models import Enterprise


class CaseCategory(models.Model):
    """A kind of problem (融资, 用工 …), as a tree an admin may extend."""

    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "事项类别"
        verbose_name_plural = "事项类别"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name")]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    DEMAND = "demand", gettext_noop("诉求")
    INSTRUCTION = "instruction", gettext_noop("交办")
    HAZARD = "hazard", gettext_noop("隐患")


class Status(models.TextChoices):
    SUBMITTED = "submitted", gettext_noop("待受理")
    ACCEPTED = "accepted", gettext_noop("已受理")
    REJECTED = "rejected", gettext_noop("不予受理")
    ASSIGNED = "assigned", gettext_noop("已交办")
    RETURNED = "returned", gettext_noop("已退回")
    IN_PROGRESS = "in_progress", gettext_noop("办理中")
    ANSWERED = "answered", gettext_noop("已答复待评价")
    COMPLETION_REPORTED = "completion_reported", gettext_noop("待验收")
    CLOSED = "closed", gettext_noop("已办结")


# The names a hazard's states go by on the shop floor; the states themselves are shared.
HAZARD_STATUS_LABELS = {
    Status.SUBMITTED: gettext_noop("已发现"),
    Status.ASSIGNED: gettext_noop("整改中"),
    Status.IN_PROGRESS: gettext_noop("整改中"),
    Status.COMPLETION_REPORTED: gettext_noop("待复查"),
    Status.CLOSED: gettext_noop("已销号"),
}


def status_label(kind: str, status: str) -> str:
    """A status as people read it on this kind of case (a hazard's 整改中), translated."""
    if kind == Kind.HAZARD and status in HAZARD_STATUS_LABELS:
        return gettext(HAZARD_STATUS_LABELS[Status(status)])
    return gettext(Status(status).label) if status in Status.values else status


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.ASSIGNED,
        Status.RETURNED,
        Status.IN_PROGRESS,
        Status.ANSWERED,
        Status.COMPLETION_REPORTED,
    }
)

# In a fixed order: a partial index's condition and the query's must be written alike for
# SQLite to see that one implies the other.
OPEN_STATUS_LIST = sorted(OPEN_STATUSES)


class Urgency(models.TextChoices):
    NORMAL = "normal", gettext_noop("一般")
    URGENT = "urgent", gettext_noop("紧急")
    SAME_DAY = "same_day", gettext_noop("日清日结")


class Complexity(models.TextChoices):
    SIMPLE = "simple", gettext_noop("简单")
    COMPLEX = "complex", gettext_noop("复杂")


class Source(models.TextChoices):
    VISIT = "visit", gettext_noop("领导调研")
    SYMPOSIUM = "symposium", gettext_noop("企业座谈会")
    LIAISON = "liaison", gettext_noop("联络员走访")
    PORTAL = "portal", gettext_noop("企业自主提交")
    HOTLINE = "hotline", gettext_noop("热线")
    MEETING = "meeting", gettext_noop("调度会")
    REPORT = "report", gettext_noop("报道")
    INSPECTION = "inspection", gettext_noop("执法检查")
    PROJECT = "project", gettext_noop("项目进展报告")
    TASK_FORCE = "task_force", gettext_noop("工作专班")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", gettext_noop("已解决")
    PARTLY_RESOLVED = "partly_resolved", gettext_noop("部分解决")
    NOT_RESOLVABLE = "not_resolvable", gettext_noop("无法解决")


class UnresolvableReason(models.TextChoices):
    OUTSIDE_REMIT = "outside_remit", gettext_noop("不属于政府职责")
    CONFLICTS_WITH_LAW = "conflicts_with_law", gettext_noop("与法律法规相冲突")
    NEEDS_POLICY_CHANGE = "needs_policy_change", gettext_noop("需上级政策调整")
    NO_CONDITIONS_YET = "no_conditions_yet", gettext_noop("暂不具备条件")
    OTHER = "other", gettext_noop("其他")


class RejectionReason(models.TextChoices):
    DUPLICATE = "duplicate", gettext_noop("重复诉求（已并入其他事项）")
    OUTSIDE_REMIT = "outside_remit", gettext_noop("不属于政府职责范围")
    INCOMPLETE = "incomplete", gettext_noop("信息不全无法办理")
    OTHER = "other", gettext_noop("其他")


class Closure(models.TextChoices):
    CONFIRMED = "confirmed", gettext_noop("企业确认评价")
    NOT_RATED = "not_rated", gettext_noop("企业逾期未评价")
    VERIFIED = "verified", gettext_noop("验收/复查通过")


class Timeliness(models.TextChoices):
    NORMAL = "normal", gettext_noop("正常")
    AMBER = "amber", gettext_noop("临期")
    RED = "red", gettext_noop("逾期")


class Extension(models.TextChoices):
    NONE = "", gettext_noop("未申请")
    REQUESTED = "requested", gettext_noop("延期待审批")
    APPROVED = "approved", gettext_noop("延期已批准")
    REFUSED = "refused", gettext_noop("延期未批准")


class Escalation(models.TextChoices):
    """How far a late case has been escalated (督办), level by level; the working days late at
    which each level is reached are in deadlines.ESCALATION_THRESHOLDS."""

    NONE = "", gettext_noop("未督办")
    REMINDER = "reminder", gettext_noop("催办")
    SUPERVISION = "supervision", gettext_noop("督办")
    NOTICE = "notice", gettext_noop("通报")


# Lowest first: a level is only ever raised while the same deadline runs.
ESCALATION_ORDER = (Escalation.NONE, Escalation.REMINDER, Escalation.SUPERVISION, Escalation.NOTICE)


def escalation_rank(level: str) -> int:
    return ESCALATION_ORDER.index(Escalation(level))


def settled_at(done: str, due: str) -> Least:
    """When a clock was settled: when the thing was done, if that was before it fell due; else
    when it fell due (done late, or not at all). A moment in the future: not settled yet.

    Both sides are coalesced so the expression means the same on PostgreSQL, whose LEAST skips
    NULLs, and SQLite, whose MIN returns NULL. The figures filter on this very expression and it
    is indexed as written, so the two must stay identical: build it only here."""
    return Least(Coalesce(done, due), Coalesce(due, done))


def response_settled_at() -> Least:
    return settled_at("started_at", "response_due")


def answer_settled_at() -> Least:
    return settled_at("first_answered_at", "deadline")


class Case(BaseModel):
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    description = models.TextField("内容", blank=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="关联项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # The visit, symposium or liaison call it was said at.
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name="来源调研走访",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # The jurisdiction the case belongs to: the enterprise's region, or the issuer's for an
    # instruction without one. Scoping and the figures per region read this column.
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        CaseCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="cases"
    )
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    complexity = models.CharField(
        "复杂程度", max_length=10, choices=Complexity.choices, default=Complexity.SIMPLE
    )
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    source_note = models.CharField("来源说明", max_length=200, blank=True)
    issued_by = models.ForeignKey(
        Official, verbose_name="交办领导", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A hazard's finding: the rule breached and what was seen.
    rule_breached = models.CharField("违反的规定", max_length=300, blank=True)
    evidence = models.TextField("隐患情况", blank=True)

    lead_department = models.ForeignKey(
        Department,
        verbose_name="牵头部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name="配合部门", blank=True, related_name="supported_cases"
    )

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_on_behalf = models.BooleanField("代企业提交", default=False)
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    accept_due = models.DateTimeField("受理时限", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    response_due = models.DateTimeField("签收时限", null=True, blank=True)
    started_at = models.DateTimeField("签收时间", null=True, blank=True)
    deadline = models.DateTimeField("办理时限", null=True, blank=True)
    # Counted through a year with no working-day calendar: may move when the year is entered.
    deadline_provisional = models.BooleanField("时限为临时计算", default=False)
    # Set by a person (a leader's 完成时限, a rectification date, an approved extension) rather
    # than counted by the policy: entering a calendar year does not move it.
    deadline_explicit = models.BooleanField("时限由人指定", default=False)

    # The clock running now (whoever must act next) and when it turns amber; the sweep reads
    # these two columns only, so it never has to work out from the status which time applies.
    clock_started_at = models.DateTimeField("当前计时起点", null=True, blank=True)
    due_at = models.DateTimeField("当前时限", null=True, blank=True)
    amber_at = models.DateTimeField("临期提醒时间", null=True, blank=True)
    timeliness = models.CharField("时效", max_length=6, choices=Timeliness.choices, default=Timeliness.NORMAL)
    escalation_level = models.CharField(
        "督办级别", max_length=12, choices=Escalation.choices, blank=True, default=Escalation.NONE
    )
    # Working days past the running deadline, as the sweep last counted them (it counts once a
    # day): a number of its own, never the escalation level.
    working_days_late = models.PositiveSmallIntegerField("逾期工作日数", default=0)
    # When the sweep last counted the days late (and raised the level): at most once a day.
    escalated_at = models.DateTimeField("最近逾期核算时间", null=True, blank=True)
    flagged_for_notice = models.BooleanField("列入调度会通报", default=False)

    answer = models.TextField("答复/办理情况", blank=True)
    # Title, description, answer, a hazard's finding and the enterprise's name, segmented
    # (core/search.py): the free-text search reads this through its index.
    search_words = SearchWordsField()
    outcome = models.CharField("办理结果", max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.CharField(
        "无法解决的原因", max_length=24, choices=UnresolvableReason.choices, blank=True
    )
    first_answered_at = models.DateTimeField("首次答复时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_on_time = models.BooleanField("按时答复", null=True)
    responded_on_time = models.BooleanField("按时签收", null=True)
    completion_reported_at = models.DateTimeField("报告完成时间", null=True, blank=True)
    # Who reported it: a hazard's re-inspection is someone else's (cases/workflow.py).
    completion_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报告完成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When an answered demand closes by itself if the enterprise does not rate it.
    auto_close_at = models.DateTimeField("逾期未评价自动办结时间", null=True, blank=True)

    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Working days from assignment to closing, counted when the case closes: the figures'
    # average is then one AVG in SQL, not a walk through the calendar for every closed case.
    working_days_to_close = models.PositiveSmallIntegerField("办结用时（工作日）", null=True, blank=True)
    closure = models.CharField("办结方式", max_length=12, choices=Closure.choices, blank=True)
    rating = models.PositiveSmallIntegerField("企业评价", null=True, blank=True)
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    # Every rating the enterprise gave, satisfied or not: the satisfaction rate counts ratings,
    # so reopening until the enterprise gives in cannot raise it.
    ratings_given = models.PositiveSmallIntegerField("评价次数", default=0)
    satisfied_ratings = models.PositiveSmallIntegerField("满意评价次数", default=0)
    unsatisfied_count = models.PositiveSmallIntegerField("不满意重办次数", default=0)
    reopen_count = models.PositiveSmallIntegerField("重新办理次数", default=0)
    returned_count = models.PositiveSmallIntegerField("部门退回次数", default=0)

    rejection_reason = models.CharField(
        "不予受理原因", max_length=16, choices=RejectionReason.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="并入事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )

    extension = models.CharField("延期", max_length=10, choices=Extension.choices, blank=True, default="")
    extension_reason = models.CharField("延期理由", max_length=500, blank=True)
    extension_requested_deadline = models.DateField("申请延至", null=True, blank=True)
    # A common problem handled once for every enterprise that raised it (cases/joint.py): the
    # case stays the enterprise's own, and the joint handling takes its steps for it.
    joint_handling = models.ForeignKey(
        "JointHandling",
        verbose_name="联合办理",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # The coordinator's queue: a jurisdiction's cases in some states. Status first: a
            # jurisdiction is a range of region codes, so a (region, status) index has to read
            # every case of a prefecture to find the few awaiting it.
            models.Index(fields=["status", "region"], name="case_status_region_idx"),
            # Late cases (late=true) in a jurisdiction: a few thousand of two million.
            models.Index(fields=["region"], name="case_late_idx", condition=Q(timeliness="red")),
            # The two other arms of the 待办 ORs, so each arm is an index scan: extension requests
            # (the coordinator's) and cases flagged for the dispatch meeting (the leader's).
            models.Index(fields=["region"], name="case_extension_idx", condition=Q(extension="requested")),
            # The same arm for SQLite: its planner takes a partial index only when the query's
            # WHERE names the index's literal, and Django binds 'requested' as a parameter, so the
            # arm read every assigned and in-progress case of the jurisdiction by (status, region).
            models.Index(fields=["extension", "region"], name="case_extension_region_idx"),
            models.Index(fields=["region"], name="case_flagged_idx", condition=Q(flagged_for_notice=True)),
            # The leader's 待办 (open and flagged, or open and late): each arm an index of open
            # cases only, so PostgreSQL no longer ANDs the arms with every open case of the
            # jurisdiction (26k of 200k) to leave out the closed ones (bench/README.md: 6 → 4 ms).
            models.Index(
                fields=["region"],
                name="case_flagged_open_idx",
                condition=Q(flagged_for_notice=True, status__in=OPEN_STATUS_LIST),
            ),
            models.Index(
                fields=["region"],
                name="case_late_open_idx",
                condition=Q(timeliness="red", status__in=OPEN_STATUS_LIST),
            ),
            # A handler's inbox: their department's open cases by the clock.
            models.Index(fields=["lead_department", "status", "due_at"], name="case_department_due_idx"),
            models.Index(fields=["enterprise", "-submitted_at"], name="case_enterprise_idx"),
            # A county's cases newest first (its list's first page), walked in order: a county's
            # scope is its code itself (core.scoping.region_subtree_q). SQLite sorted the county's
            # cases otherwise: 20–33 ms a page at 200k.
            models.Index(fields=["region", "-submitted_at", "-id"], name="case_region_submitted_idx"),
            # The sweep: open cases whose clock has run, or is about to.
            models.Index(fields=["due_at"], name="case_open_due_idx", condition=Q(due_at__isnull=False)),
            # The running clocks not yet marked red, by deadline: the figures' late cases are the
            # open tallies' marked ones and these (cases.figures.unswept_late_ids), the deadlines
            # passed since the sweep last ran, not every late case of a province. Partial, so its
            # size tells PostgreSQL how few they are; its condition is written into the query
            # as a literal (figures.NOT_MARKED_LATE_SQL) for SQLite to use it.
            models.Index(
                fields=["due_at"],
                name="case_unmarked_due_idx",
                condition=~Q(timeliness="red") & Q(due_at__isnull=False),
            ),
            models.Index(
                fields=["amber_at"],
                name="case_open_amber_idx",
                condition=Q(amber_at__isnull=False, timeliness="normal"),
            ),
            models.Index(
                fields=["auto_close_at"], name="case_auto_close_idx", condition=Q(auto_close_at__isnull=False)
            ),
            # Every sweep asks for running deadlines counted through a year with no calendar
            # (a full scan of the table without this). On submitted_at because the query keeps
            # the model's ordering, and SQLite would rather walk an index that gives that order.
            models.Index(
                fields=["submitted_at"],
                name="case_provisional_idx",
                condition=Q(deadline_provisional=True, due_at__isnull=False),
            ),
            models.Index(fields=["region", "closed_at"], name="case_region_closed_idx"),
            models.Index(fields=["lead_department", "closed_at"], name="case_department_closed_idx"),
            # The figures read the cases of a period through one index per measure (a BitmapOr
            # on PostgreSQL, a multi-index OR on SQLite) rather than every case in the scope.
            models.Index(response_settled_at(), name="case_response_settled_idx"),
            models.Index(answer_settled_at(), name="case_answer_settled_idx"),
            models.Index(fields=["closed_at"], name="case_closed_idx", condition=Q(closed_at__isnull=False)),
            models.Index(
                fields=["submitted_at"],
                name="case_open_submitted_idx",
                condition=Q(status__in=OPEN_STATUS_LIST),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="case_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["demand", "hazard"]) | Q(enterprise__isnull=False),
                name="case_enterprise_required",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def escalation_label(self) -> str:
        return Escalation(self.escalation_level).label if self.escalation_level else ""

    @property
    def status_label(self) -> str:
        return status_label(self.kind, self.status)

    # The case page's words for what differs by kind: a demand is answered by a deadline, an
    # instruction's completion reported, a hazard rectified by a rectification deadline.
    @property
    def answer_label(self) -> str:
        if self.kind != Kind.DEMAND and self.status in (Status.ASSIGNED, Status.IN_PROGRESS):
            # Sent back (not passed): the report on the page is the last one, not a current one.
            return gettext(KIND_WORDS[Kind(self.kind)].earlier_report)
        return gettext(KIND_WORDS[Kind(self.kind)].answer)

    @property
    def deadline_label(self) -> str:
        return gettext(KIND_WORDS[Kind(self.kind)].deadline)

    @property
    def deadline_text(self) -> str:
        return deadline_text(self.deadline)

    @property
    def closure_label(self) -> str:
        if self.closure == Closure.VERIFIED and KIND_WORDS[Kind(self.kind)].verified:
            return gettext(KIND_WORDS[Kind(self.kind)].verified)
        return gettext(self.get_closure_display())


@dataclass(frozen=True)
class KindWords:
    """The words the case page, its timeline and notices use where a kind of case differs: a
    demand is answered by a deadline, an instruction's completion reported and accepted, a
    hazard rectified by a rectification deadline and re-inspected. Marked for the catalogue; a
    reader's language is applied where they are shown."""

    answer: str
    earlier_report: str  # the report shown after a failed check ("" for a demand)
    deadline: str
    new_deadline: str
    verdict: str
    verified: str  # the closure by a passed check ("" for a demand: the closure's own label)


KIND_WORDS: dict[Kind, KindWords] = {
    Kind.DEMAND: KindWords(
        answer=gettext_noop("答复"),
        earlier_report="",
        deadline=gettext_noop("办理时限"),
        new_deadline=gettext_noop("新的办理时限"),
        verdict=gettext_noop("结论"),
        verified="",
    ),
    Kind.INSTRUCTION: KindWords(
        answer=gettext_noop("完成情况报告"),
        earlier_report=gettext_noop("上次报告的完成情况"),
        deadline=gettext_noop("办理时限"),
        new_deadline=gettext_noop("新的办理时限"),
        verdict=gettext_noop("验收结论"),
        verified=gettext_noop("验收通过"),
    ),
    Kind.HAZARD: KindWords(
        answer=gettext_noop("整改报告"),
        earlier_report=gettext_noop("上次报告的整改情况"),
        deadline=gettext_noop("整改期限"),
        new_deadline=gettext_noop("新的整改期限"),
        verdict=gettext_noop("复查结论"),
        verified=gettext_noop("复查通过，予以销号"),
    ),
}


def deadline_text(value: datetime.datetime | datetime.date | str | None) -> str:
    """A deadline as a person reads it: the day alone when it falls due at the day's end (a date
    given by a person, a working-day count), else the day and the time ("2026-12-06",
    "2026-12-06 18:00"). Takes a moment, a date or either as stored in a step's data."""
    if isinstance(value, str):
        text = value
        try:
            value = (
                datetime.date.fromisoformat(text)
                if len(text) == 10
                else datetime.datetime.fromisoformat(text)
            )
        except ValueError:
            return text
    if value is None:
        return "—"
    if not isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d}"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if (local.hour, local.minute) == (23, 59):
        return f"{local:%Y-%m-%d}"
    return f"{local:%Y-%m-%d %H:%M}"


class Step(models.TextChoices):
    """Every entry of a case's timeline, by what it is called there and in messages: the steps
    people take (cases/workflow.py says from which states, by whom, to which) and the entries the
    filing, a correction or the sweep write."""

    SUBMIT = "submit", gettext_noop("提交")
    ACCEPT = "accept", gettext_noop("受理")
    REJECT = "reject", gettext_noop("不予受理")
    MERGE = "merge", gettext_noop("并入重复诉求")
    ASSIGN = "assign", gettext_noop("交办")
    START = "start", gettext_noop("签收")
    RETURN = "return", gettext_noop("退回")
    REQUEST_EXTENSION = "request-extension", gettext_noop("申请延期")
    DECIDE_EXTENSION = "decide-extension", gettext_noop("审批延期")
    ANSWER = "answer", gettext_noop("答复")
    CONFIRM = "confirm", gettext_noop("企业评价")
    REPORT_COMPLETION = "report-completion", gettext_noop("报告完成")
    VERIFY = "verify", gettext_noop("验收/复查")
    REOPEN = "reopen", gettext_noop("重新办理")
    NOTE = "note", gettext_noop("补充说明")
    EDIT = "edit", gettext_noop("修改事项信息")
    ESCALATE = "escalate", gettext_noop("督办")
    CLOSE_NOT_RATED = "close-not-rated", gettext_noop("逾期未评价办结")
    RECOMPUTE_DEADLINE = "recompute-deadline", gettext_noop("重算时限")
    JOIN_JOINT = "join-joint", gettext_noop("加入联合办理")
    LEAVE_JOINT = "leave-joint", gettext_noop("退出联合办理")


# What each step is called on the timeline and in messages.
STEP_LABELS: dict[str, str] = {step.value: step.label for step in Step}

# What a step is called on a case of a kind where the shared name is not the shop floor's: a
# hazard is ordered rectified, reported rectified and re-inspected; an instruction's completion
# is reported and accepted.
KIND_STEP_LABELS: dict[str, dict[str, str]] = {
    Kind.INSTRUCTION: {
        Step.REPORT_COMPLETION: gettext_noop("报告完成情况"),
        Step.VERIFY: gettext_noop("验收"),
    },
    Kind.HAZARD: {
        Step.SUBMIT: gettext_noop("登记隐患"),
        Step.ASSIGN: gettext_noop("交办整改"),
        Step.REPORT_COMPLETION: gettext_noop("报告整改完成"),
        Step.VERIFY: gettext_noop("复查"),
        Step.REOPEN: gettext_noop("重新整改"),
    },
}


def step_label(step: str, kind: str) -> str:
    """A step's name on a case of `kind`, untranslated (gettext it where it is shown)."""
    return KIND_STEP_LABELS.get(kind, {}).get(step) or STEP_LABELS.get(step, step)


class CaseReach(models.Model):
    """A region whose leaders and coordinators see a case that lies outside it: the region of a
    department that leads or supports the case from elsewhere (docs/visibility.md). Only those
    regions are kept, not the case's own region or the regions above it (its region already
    answers for them), so the table stays sparse: most cases are worked where they are. The case
    services keep it whenever a case's departments or region change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reach")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "事项可见地区"
        verbose_name_plural = "事项可见地区"
        constraints = [models.UniqueConstraint(fields=["case", "region"], name="case_reach_unique")]
        indexes = [models.Index(fields=["region", "case"], name="case_reach_region_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.region_id}"


class CaseStep(models.Model):
    """One step of a case's workflow: who took it, when, with what comment. The timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("步骤", max_length=24)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=150)
    at = models.DateTimeField("时间")
    comment = models.TextField("意见", blank=True)
    data = models.JSONField("内容", default=dict, blank=True)
    # Steps between government offices (returns, extensions, escalation) that the enterprise's
    # own view of its case leaves out.
    internal = models.BooleanField("仅政府内部可见", default=False)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_step_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.at:%Y-%m-%d %H:%M}"

    @property
    def step_label(self) -> str:
        # An escalation is named by its level: 催办, 督办 or 通报.
        level = self.data.get("level") if self.step == "escalate" and isinstance(self.data, dict) else None
        if isinstance(level, str) and level in Escalation.values and level:
            return gettext(Escalation(level).label)
        # By the case's kind (the case is cached by the timeline's query).
        return gettext(step_label(self.step, self.case.kind)) if self.step in STEP_LABELS else self.step

    @property
    def shown_comment(self) -> str:
        """The comment, unless the details already show it (a failed re-inspection's reason)."""
        if self.step == Step.VERIFY and isinstance(self.data, dict) and self.data.get("reason"):
            return ""
        if self.step == Step.ASSIGN and self.case.kind == Kind.HAZARD:
            return ""  # the rectification's requirement, among the details
        return self.comment

    @property
    def details(self) -> list[tuple[str, str]]:
        """What the step's data says, as (label, text) lines a person reads (step_details)."""
        return step_details(self.step, self.case.kind, self.data, self.comment)

    @property
    def to_status_label(self) -> str:
        # The hazard's own words for its states, as on the case (the case is cached by the
        # timeline's query, so this costs nothing per step).
        if self.case.kind == Kind.HAZARD and self.to_status in HAZARD_STATUS_LABELS:
            return gettext(HAZARD_STATUS_LABELS[Status(self.to_status)])
        return gettext(Status(self.to_status).label) if self.to_status in Status.values else self.to_status


def step_details(step: str, kind: str, data: Any, comment: str = "") -> list[tuple[str, str]]:
    """What a timeline step's data says (a case's, or a joint handling's for its demands), as
    (label, text) lines a person reads, on the timelines and in the API: names, labels and
    dates, never a code or an ISO timestamp. Steps written before a key was recorded show what
    they have."""
    data = data if isinstance(data, dict) else {}
    lines: list[tuple[str, str]] = []

    def add(label: str, text: str) -> None:
        if text:
            lines.append((gettext(label), text))

    words = KIND_WORDS[Kind(kind)]
    deadline_label, new_deadline_label = words.deadline, words.new_deadline
    if step == Step.ASSIGN:
        if kind == Kind.HAZARD:
            add(gettext_noop("整改要求"), comment)
        add(gettext_noop("牵头部门"), data.get("lead_department") or "")
        add(gettext_noop("配合部门"), "、".join(data.get("co_departments") or []))
        if data.get("deadline"):
            add(deadline_label, deadline_text(data["deadline"]))
        if data.get("routed_by_catalogue"):
            add(gettext_noop("派单"), gettext("按派单目录"))
    elif step == Step.VERIFY and "passed" in data:
        verdict = words.verdict
        add(verdict, gettext("通过") if data["passed"] else gettext("不通过"))
        if not data["passed"]:
            add(gettext_noop("未通过原因"), data.get("reason") or "")
        if data.get("deadline"):
            add(new_deadline_label, deadline_text(data["deadline"]))
    elif step == Step.DECIDE_EXTENSION and "approved" in data:
        add(gettext_noop("审批意见"), gettext("同意") if data["approved"] else gettext("不同意"))
        if data.get("deadline"):
            add(new_deadline_label, deadline_text(data["deadline"]))
    elif step == Step.REQUEST_EXTENSION and data.get("requested_deadline"):
        add(gettext_noop("申请延至"), deadline_text(data["requested_deadline"]))
    elif step == Step.REOPEN and data.get("deadline"):
        add(new_deadline_label, deadline_text(data["deadline"]))
    elif step == Step.RETURN:
        add(gettext_noop("退回部门"), data.get("department") or "")
    elif step == Step.REJECT and data.get("reason") in RejectionReason.values:
        add(gettext_noop("理由"), gettext(RejectionReason(data["reason"]).label))
    elif step == Step.ANSWER and data.get("outcome") in Outcome.values:
        add(gettext_noop("办理结果"), gettext(Outcome(data["outcome"]).label))
        if data.get("outcome_reason") in UnresolvableReason.values:
            add(gettext_noop("无法解决的原因"), gettext(UnresolvableReason(data["outcome_reason"]).label))
    elif step == Step.CONFIRM and data.get("rating"):
        add(gettext_noop("评价"), f"{data['rating']} / 5")
    return lines


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(CaseStep, null=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField("文件", upload_to="cases/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField("类型", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class DeadlinePolicy(BaseModel):
    """How many working days each part of a case gets, per kind, urgency and (optionally)
    category. The most specific row wins: one for the category, else one for any category."""

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices)
    category = models.ForeignKey(
        CaseCategory,
        verbose_name="类别（空=全部）",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    response_days = models.PositiveSmallIntegerField("受理/签收时限（工作日）", default=1)
    simple_days = models.PositiveSmallIntegerField("简单事项办理时限（工作日）", default=5)
    complex_days = models.PositiveSmallIntegerField("复杂事项办理时限（工作日）", default=15)

    class Meta:
        verbose_name = "办理时限规则"
        verbose_name_plural = "办理时限规则"
        ordering = ["kind", "urgency", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "urgency", "category"],
                name="deadline_policy_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        scope = self.category.name if self.category_id else "全部类别"  # type: ignore[union-attr]
        return f"{self.get_kind_display()}·{self.get_urgency_display()}·{scope}"


class RoutingRule(models.Model):
    """派单目录: in a region, a category (and optional keywords) goes to these departments by
    default, so assignment is one click and the same problem always goes to the same office."""

    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        CaseCategory, verbose_name="类别", on_delete=models.CASCADE, related_name="+"
    )
    keywords = models.CharField(
        "关键词",
        max_length=200,
        blank=True,
        help_text="以空格分隔；任一关键词出现在标题或内容中即匹配，留空匹配全部",
    )
    lead_department = models.ForeignKey(
        Department, verbose_name="牵头部门", on_delete=models.CASCADE, related_name="+"
    )
    co_departments = models.ManyToManyField(Department, verbose_name="配合部门", blank=True, related_name="+")
    order = models.PositiveSmallIntegerField("优先顺序", default=0)

    class Meta:
        verbose_name = "派单目录"
        verbose_name_plural = "派单目录"
        ordering = ["region_id", "category_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.category} → {self.lead_department}"


class ReplyTemplate(models.Model):
    category = models.ForeignKey(
        CaseCategory,
        verbose_name="类别",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reply_templates",
    )
    title = models.CharField("名称", max_length=100)
    text = models.TextField("答复模板")

    class Meta:
        verbose_name = "答复模板"
        verbose_name_plural = "答复模板"
        ordering = ["category_id", "title"]

    def __str__(self) -> str:
        return self.title


class GroupingSplit(models.Model):
    """A coordinator's word that a case is not the problem of the others in its common-problem
    group (共性问题): from then on the grouping never puts it in one group with any of `others`
    (a cannot-link per pair); it may still group with other cases. Undone by deleting it."""

    case = models.ForeignKey(
        Case, verbose_name="拆出的事项", on_delete=models.CASCADE, related_name="grouping_splits"
    )
    others = models.ManyToManyField(Case, verbose_name="不再同组的事项", related_name="+")
    label = models.CharField("原共性问题", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("拆出时间", auto_now_add=True)

    class Meta:
        verbose_name = "共性问题拆分"
        verbose_name_plural = "共性问题拆分"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.case_id} 拆出「{self.label}」" if self.label else f"#{self.case_id} 拆出"


class JointHandling(BaseModel):
    """联合办理 of a common problem (共性问题): one lead department, one deadline and one answer
    for similar demands of several enterprises. Each member demand stays its enterprise's own
    case (Case.joint_handling), and every step taken here is taken on each member by the case
    workflow itself (cases/joint.py), so each keeps its own timeline, clocks and figures."""

    title = models.CharField("标题", max_length=200)
    # The jurisdiction that answers for it: the region its member demands share.
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        CaseCategory,
        verbose_name="类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name="牵头部门",
        on_delete=models.PROTECT,
        related_name="led_joint_handlings",
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name="配合部门", blank=True, related_name="supported_joint_handlings"
    )
    # The stage the joint handling's own steps have reached (the case states, as its members').
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    deadline = models.DateTimeField("办理时限", null=True, blank=True)
    deadline_explicit = models.BooleanField("时限由人指定", default=False)
    extension = models.CharField("延期", max_length=10, choices=Extension.choices, blank=True, default="")
    extension_requested_deadline = models.DateField("申请延至", null=True, blank=True)
    answer = models.TextField("答复/办理情况", blank=True)
    outcome = models.CharField("办理结果", max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.CharField(
        "无法解决的原因", max_length=24, choices=UnresolvableReason.choices, blank=True
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    # No department can solve it case by case: it waits on a policy (the policies app reads
    # selectors.policy_questions).
    policy_question = models.BooleanField("政策性问题", default=False)
    policy_note = models.CharField("政策性问题说明", max_length=500, blank=True)
    policy_marked_at = models.DateTimeField("标记为政策性问题的时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "联合办理"
        verbose_name_plural = "联合办理"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list of a jurisdiction's joint handlings, newest first.
            models.Index(fields=["region", "-created_at"], name="joint_region_idx"),
            # A lead department's list and 待办.
            models.Index(fields=["lead_department", "status"], name="joint_department_idx"),
            # The policy questions of a jurisdiction: few of all.
            models.Index(
                fields=["region", "-created_at"], name="joint_policy_idx", condition=Q(policy_question=True)
            ),
        ]

    def __str__(self) -> str:
        return f"联合办理 #{self.pk} {self.title}"

    @property
    def status_label(self) -> str:
        return gettext(self.get_status_display())

    @property
    def deadline_text(self) -> str:
        """As its members' pages show their deadline (the day alone when due at its end)."""
        return deadline_text(self.deadline)


class JointStep(models.Model):
    """One entry of a joint handling's own timeline: its opening, each step taken for its
    members, members joining and leaving, the policy mark. Each member's own timeline has the
    step as well."""

    joint = models.ForeignKey(JointHandling, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("步骤", max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=150)
    at = models.DateTimeField("时间")
    comment = models.TextField("意见", blank=True)
    data = models.JSONField("内容", default=dict, blank=True)

    class Meta:
        verbose_name = "联合办理记录"
        verbose_name_plural = "联合办理记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["joint", "at"], name="joint_step_joint_idx")]

    def __str__(self) -> str:
        return f"{self.joint_id} {self.step} {self.at:%Y-%m-%d %H:%M}"

    @property
    def details(self) -> list[tuple[str, str]]:
        """The step's facts as on its members' timelines (their data is copied here)."""
        return step_details(self.step, Kind.DEMAND, self.data, self.comment)

    @property
    def step_label(self) -> str:
        if self.step in JOINT_STEP_LABELS:
            return gettext(JOINT_STEP_LABELS[self.step])
        return gettext(STEP_LABELS[self.step]) if self.step in STEP_LABELS else self.step


class JointEvent(models.TextChoices):
    """The entries of a joint handling's timeline that are not case steps."""

    OPEN = "open", gettext_noop("发起联合办理")
    ADD = "add-member", gettext_noop("加入成员")
    REMOVE = "remove-member", gettext_noop("移出成员")
    LEFT = "member-left", gettext_noop("成员转为单独办理")
    POLICY = "policy", gettext_noop("政策性问题标记")


JOINT_STEP_LABELS: dict[str, str] = {event.value: event.label for event in JointEvent}


# What the free-text search (q) finds a case by: core/search.py.
# With the region's tokens (core.search): a word searched within a prefecture at 2M cases must
# not read the prefecture's whole region index.
register(
    Case,
    "title",
    "description",
    "answer",
    "rule_breached",
    "evidence",
    "enterprise__name",
    region="region_id",
)


class TallyKey(models.Model):
    """The key of a tally row (cases.tallies): a Beijing day, kind, county and lead department."""

    day = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    region_code = models.CharField(max_length=6)
    # The lead department's id, 0 for the cases no department leads yet (a key, not a link: the
    # row is a sum, and a sum's key has no NULL to fall through a unique constraint).
    department_key = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.region_code} {self.department_key}"


class TallyCounts(TallyKey):
    """The key and the counts of the figures' day tallies (cases.tallies)."""

    cases = models.IntegerField(default=0)
    response_due = models.IntegerField(default=0)
    responded_on_time = models.IntegerField(default=0)
    answer_due = models.IntegerField(default=0)
    answered_on_time = models.IntegerField(default=0)
    demands_due = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    partly_resolved = models.IntegerField(default=0)
    not_resolvable = models.IntegerField(default=0)
    disputed = models.IntegerField(default=0)
    unanswered = models.IntegerField(default=0)
    ratings_given = models.IntegerField(default=0)
    satisfied_ratings = models.IntegerField(default=0)
    not_rated = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    days_to_close = models.IntegerField(default=0)
    timed_closures = models.IntegerField(default=0)

    class Meta:
        abstract = True


class CaseDayTally(TallyCounts):
    """The figures' counts (cases.figures) of one Beijing day, kind, county and lead department:
    a period's figures add a few hundred of these rows (and the changes not yet folded in)
    instead of reading every case of the period (2M cases: seconds a page otherwise).

    Each count sits on the day of the moment it measures, as figures.py counts it: received on
    the day submitted, a response or an answer on the day its clock settled (settled_at), a
    closing on the day closed. The counts of the state now (open, late, escalated …) are not
    kept: they change with the clock, and the open cases are few and indexed."""

    class Meta:
        constraints = [
            # A jurisdiction's days: a range of region codes, then of days.
            models.UniqueConstraint(
                fields=["region_code", "day", "kind", "department_key"], name="case_tally_unique"
            ),
        ]
        # A department's figures (a handler's, a department's cockpit).
        indexes = [models.Index(fields=["department_key", "day"], name="case_tally_department_idx")]


class CaseDayTallyChange(TallyCounts):
    """What a case's save changed in the day tallies, appended (never updated) so that saving a
    case takes no lock another save waits on; the sweep folds these into CaseDayTally
    (tallies.fold), and the figures add both until it does."""

    class Meta:
        indexes = [
            models.Index(fields=["region_code", "day"], name="case_tally_change_idx"),
            models.Index(fields=["department_key", "day"], name="case_tally_change_dept_idx"),
        ]


class OpenCounts(TallyKey):
    """The state now of the cases received on the key's day that are still open (the figures'
    open, late, escalated, supervised and flagged: cases.figures). Late here is what the deadline
    sweep marked red; a deadline passed since it last ran is read from the cases (a count of the
    clock cannot be kept, a mark can)."""

    open = models.IntegerField(default=0)
    marked_late = models.IntegerField(default=0)
    escalated = models.IntegerField(default=0)
    supervised = models.IntegerField(default=0)
    flagged = models.IntegerField(default=0)

    class Meta:
        abstract = True


class CaseOpenTally(OpenCounts):
    """The open cases' state, kept as CaseDayTally keeps the flows, in rows of their own: only
    the days that still have an open case have one (a row left at nothing is deleted), so a
    province's state is summed from a few tens of thousands of narrow rows, not read from its
    open cases one by one (264,000 of them at 2M cases: seconds a cockpit)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "day", "kind", "department_key"], name="case_open_tally_unique"
            ),
        ]
        indexes = [models.Index(fields=["department_key", "day"], name="case_open_tally_dept_idx")]


class CaseOpenTallyChange(OpenCounts):
    """What a case's save changed in CaseOpenTally, appended as CaseDayTallyChange is."""

    class Meta:
        indexes = [
            models.Index(fields=["region_code", "day"], name="case_open_change_idx"),
            models.Index(fields=["department_key", "day"], name="case_open_change_dept_idx"),
        ]
