"""How a case step is taken, written once: the prologue (the case locked if the actor can see
it, at the version the actor read, in a state the step may be taken from, by someone who may
take it) and the epilogue (the version raised, the case saved, its reach kept, the audit entry,
the timeline step, the notices), around each step's own body:

    with taking(Step.ACCEPT, actor, case_id, expected_version, step_input, source) as t:
        t.case.status = Status.ACCEPTED          # the step's own change
        t.record(comment=...)                    # what the timeline says
        t.notify(notify_enterprise, t.case, "…") # who hears of it

An exception in the body writes nothing (the transaction rolls back). The helpers the steps and
the filing share (the clocks, the timeline, the notices, reading choices and dates) live here
too.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhuqi.cases import deadlines, selectors, workflow
from zhuqi.cases.models import (
    KIND_WORDS,
    Attachment,
    Case,
    CaseReach,
    CaseStep,
    Escalation,
    JointHandling,
    Kind,
    Step,
    Timeliness,
    deadline_text,
)
from zhuqi.core import audit, concurrency, search
from zhuqi.core.errors import FieldError, ValidationFailed, require
from zhuqi.core.forms import model_label
from zhuqi.core.models import AuditEntry
from zhuqi.core.scoping import region_and_ancestor_codes
from zhuqi.core.textlimits import length_error, limit
from zhuqi.core.uploads import stored_name
from zhuqi.core.workdays import SHANGHAI
from zhuqi.directory.models import Department, User
from zhuqi.notifications.models import Notice
from zhuqi.notifications.services import Fact, notify


@dataclass
class StepInput:
    comment: str = ""
    attachments: Sequence[UploadedFile] = field(default_factory=tuple)
    # Set only by cases/joint.py: the step is taken by this joint handling for its member, and,
    # with `quiet_offices`, the departments and coordinators were told once, on another member.
    joint_handling_id: int | None = None
    quiet_offices: bool = False
    # A member added to a joint handling is brought up to its stage: the signing and the answer
    # its lead department already gave the joint handling are replayed on it by the coordinator
    # who adds it, whose right to do so cases/joint.py checked on the joint handling.
    replay: bool = False
    # The joint handling itself (its members counted) when the step is taken for it and the
    # offices are told (not `quiet_offices`): their notice names it and links to its page.
    joint: JointHandling | None = None
    joint_members: int = 0


def now() -> datetime.datetime:
    return timezone.now()


# ---------------------------------------------------------------------------------------------
# The prologue's pieces


def lock(actor: User, case_id: int) -> Case:
    """The case, locked, if the actor can see it (NotFound otherwise)."""
    return concurrency.lock(selectors.case_queryset(user=actor), case_id, related=selectors.CASE_RELATED)


def check_case_version(case: Case, expected_version: int | None) -> None:
    # A stale step is refused with the case's state as well, so the caller sees what happened.
    concurrency.check_version(
        case, expected_version, current={"status": case.status, "status_label": case.status_label}
    )


# ---------------------------------------------------------------------------------------------
# The epilogue's pieces


def snapshot(case: Case) -> dict[str, Any]:
    values = audit.snapshot(case)
    values["co_departments"] = sorted(case.co_departments.values_list("pk", flat=True)) if case.pk else []
    return values


def sync_reach(case: Case) -> None:
    """Keep CaseReach: the regions, outside the case's own and those above it, of the departments
    that lead or support it, so their leaders and coordinators find it (docs/visibility.md)."""
    department_ids = [*case.co_departments.values_list("pk", flat=True)]
    if case.lead_department_id:
        department_ids.append(case.lead_department_id)
    own = region_and_ancestor_codes(case.region_id)
    wanted = set(Department.objects.filter(pk__in=department_ids).values_list("region_id", flat=True)) - own
    kept = set(CaseReach.objects.filter(case=case).values_list("region_id", flat=True))
    if kept - wanted:
        CaseReach.objects.filter(case=case, region_id__in=kept - wanted).delete()
    CaseReach.objects.bulk_create([CaseReach(case=case, region_id=code) for code in sorted(wanted - kept)])


# What a case's reach depends on; a change to any of them keeps CaseReach in step.
_REACH_FIELDS = ("region", "lead_department", "co_departments")


def columns(case: Case) -> dict[str, Any]:
    """The case's columns as read, so that a save writes only those a change touched."""
    return {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if not f.primary_key}


def save(
    case: Case,
    *,
    actor: User,
    before: dict[str, Any],
    loaded: dict[str, Any],
    source: str,
    after_save: Sequence[Callable[[], Any]] = (),
) -> None:
    """The version raised, the columns changed since `loaded` saved (and `after_save`: its
    many-to-many), its reach kept and the change in the audit trail."""
    case.version += 1
    # The search words follow the texts (title, description, answer, enterprise), whichever
    # step changed them: one place for every step and edit.
    search.fill(case)
    changed = {name for name, value in loaded.items() if getattr(case, name) != value}
    case.save(update_fields=sorted(changed | {"version", "updated_at"}))
    for then in after_save:
        then()
    after = snapshot(case)
    if any(before.get(name) != after.get(name) for name in _REACH_FIELDS):
        sync_reach(case)
    audit.record(
        actor=actor,
        instance=case,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, after),
        source=source,
    )


def record_step(
    case: Case,
    *,
    actor: User,
    step: str,
    from_status: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
    internal: bool = False,
    attachments: Sequence[UploadedFile] = (),
    at: datetime.datetime | None = None,
) -> CaseStep:
    record = CaseStep.objects.create(
        case=case,
        step=step,
        from_status=from_status,
        to_status=case.status,
        actor=actor if actor.pk else None,
        actor_name=str(actor),
        at=at or now(),
        comment=comment,
        data=data or {},
        internal=internal,
    )
    for upload in attachments:
        Attachment.objects.create(
            case=case,
            step=record,
            file=upload,
            name=stored_name(upload),
            size=upload.size or 0,
            content_type=(upload.content_type or "")[:100],
            uploaded_by=actor if actor.pk else None,
        )
    return record


# ---------------------------------------------------------------------------------------------
# One step, prologue to epilogue


@dataclass
class Taken:
    """A step under way: the case as locked, what it was before, and what the body asks the
    epilogue to write."""

    case: Case
    actor: User
    step: Step
    source: str
    input: StepInput
    before: dict[str, Any]
    loaded: dict[str, Any]
    from_status: str
    after_save: list[Callable[[], Any]] = field(default_factory=list)
    _records: list[dict[str, Any]] = field(default_factory=list)
    _notices: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    @classmethod
    def open(
        cls, case: Case, *, actor: User, step: Step, source: str, input: StepInput | None = None
    ) -> Taken:
        """A step on a case the caller already holds (a case being filed)."""
        return cls(
            case=case,
            actor=actor,
            step=step,
            source=source,
            input=input or StepInput(),
            before=snapshot(case),
            loaded=columns(case),
            from_status=case.status,
        )

    def record(
        self,
        *,
        comment: str = "",
        data: dict[str, Any] | None = None,
        internal: bool = False,
        attachments: Sequence[UploadedFile] | None = None,
        on: Case | None = None,
        step: str = "",
        from_status: str = "",
    ) -> None:
        """The timeline's entry for the step (the step's input's attachments unless told), or,
        `on` another case, an entry there as well."""
        self._records.append(
            {
                "case": on or self.case,
                "step": step or self.step,
                "from_status": from_status if on is not None else self.from_status,
                "comment": comment,
                "data": data,
                "internal": internal,
                "attachments": self.input.attachments if attachments is None else attachments,
            }
        )

    def notify(self, send: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._notices.append((send, args, kwargs))

    def finish(self) -> None:
        save(
            self.case,
            actor=self.actor,
            before=self.before,
            loaded=self.loaded,
            source=self.source,
            after_save=self.after_save,
        )
        for entry in self._records:
            case = entry.pop("case")
            record_step(case, actor=self.actor, **entry)
        for send, args, kwargs in self._notices:
            if send is not notify_enterprise:
                if self.input.quiet_offices:
                    continue
                if self.input.joint is not None:
                    kwargs = {**kwargs, "joint": (self.input.joint, self.input.joint_members)}
            send(*args, **kwargs)


@contextmanager
def taking(
    step: Step,
    actor: User,
    case_id: int,
    expected_version: int | None,
    input: StepInput | None = None,
    source: str = "",
) -> Iterator[Taken]:
    """Take `step` on a case, in one transaction: the prologue, the body (the with block), then
    the epilogue."""
    with transaction.atomic():
        case = lock(actor, case_id)
        check_case_version(case, expected_version)
        workflow.check_step(case, step, joint_handling_id=input.joint_handling_id if input else None)
        replayed = input is not None and input.replay and input.joint_handling_id is not None
        refused = None if replayed else workflow.why_not(actor, case, step)
        require(refused is None, refused or "")
        taken = Taken.open(case, actor=actor, step=step, source=source, input=input)
        yield taken
        taken.finish()


# ---------------------------------------------------------------------------------------------
# What steps and the filing share


def clean_comment(
    text: str, *, required: str = "", field_name: str = "comment", maximum: int | None = None
) -> str:
    """A step's comment, stripped; refused when required and empty, or longer than `maximum`
    (by default what a step's comment holds; less where it is also kept on the case)."""
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed([FieldError(field_name, required)])
    error = length_error(field_name, text, maximum or limit(CaseStep, "comment"))
    if error is not None:
        raise ValidationFailed([error])
    return text


def set_clock(case: Case, *, start: datetime.datetime | None, due: datetime.datetime | None) -> None:
    """Start the clock of whoever must act next (None: nobody is on the clock)."""
    case.clock_started_at = start if due else None
    case.due_at = due
    case.amber_at = deadlines.amber_time(start, due) if (start and due) else None
    moment = now()
    if due is None:
        case.timeliness = Timeliness.NORMAL
    elif moment > due:
        case.timeliness = Timeliness.RED
    elif case.amber_at and moment >= case.amber_at:
        case.timeliness = Timeliness.AMBER
    else:
        case.timeliness = Timeliness.NORMAL
    if due is None or moment <= due:
        # A new clock: whatever was late about the old one is settled (the timeline keeps it).
        case.escalation_level = Escalation.NONE
        case.working_days_late = 0


def set_deadline(case: Case, due: deadlines.Due, *, start: datetime.datetime, explicit: bool) -> None:
    case.deadline = due.at
    case.deadline_explicit = explicit
    case.deadline_provisional = due.provisional
    set_clock(case, start=start, due=due.at)


def _link(case: Case) -> str:
    return f"/cases/{case.pk}/"


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment, SHANGHAI):%Y-%m-%d %H:%M}"


def case_facts(case: Case) -> tuple[Fact, ...]:
    """What anyone told of a case must know at a glance, labelled as the case's fields are: its
    enterprise, its lead department, its deadline, and whose clock runs to when now (when that
    is not the deadline). The inbox shows them as lines, a group robot as bold labels."""
    facts: list[Fact] = [(_label("kind"), f"{case.get_kind_display()} #{case.pk}")]
    if case.enterprise_id and case.enterprise is not None:
        facts.append((_label("enterprise"), case.enterprise.name))
    facts.append((_label("region"), case.region.name))
    if case.lead_department_id and case.lead_department is not None:
        facts.append((_label("lead_department"), case.lead_department.name))
    if case.deadline:
        # Read as on the case page: 整改期限 for a hazard, the day alone when due at its end.
        facts.append((KIND_WORDS[Kind(case.kind)].deadline, deadline_text(case.deadline)))
    if case.due_at and case.due_at != case.deadline:
        facts.append((_label("due_at"), _local(case.due_at)))
    return tuple(facts)


def joint_link(joint_id: int) -> str:
    return f"/cases/joint/{joint_id}/"


def joint_label(joint: JointHandling, members: int) -> str:
    """How a notice to the offices names a joint handling: its title and how many demands."""
    return f"联合办理《{joint.title}》（{members:,} 件诉求）"


def joint_facts(joint: JointHandling, members: int, *, case: Case | None = None) -> tuple[Fact, ...]:
    """case_facts for a joint handling: what the offices told of it once for all its members
    must know at a glance (which enterprises is on its page). With `case`, a member just
    stepped: its department and deadline are the joint handling's as they are now."""
    facts: list[Fact] = [
        (str(JointHandling._meta.verbose_name), f"#{joint.pk}"),
        ("诉求", f"{members:,} 件"),
        (_label("region", JointHandling), joint.region.name),
    ]
    lead = case.lead_department if case is not None else joint.lead_department
    if lead is not None:
        facts.append((_label("lead_department", JointHandling), lead.name))
    deadline = case.deadline if case is not None else joint.deadline
    if deadline:
        facts.append((_label("deadline", JointHandling), deadline_text(deadline)))
    return tuple(facts)


JointNotice = tuple[JointHandling, int]  # the joint handling and its number of members


def _aimed(case: Case, title: str, joint: JointNotice | None) -> tuple[str, str, tuple[Fact, ...] | None]:
    """A notice to the offices about a member of a joint handling is about the joint handling:
    its title names it instead of the member (the last words of every office notice's title),
    its link is the joint handling's page and its facts are the joint handling's."""
    if joint is None:
        return title, _link(case), None
    handling, members = joint
    named = joint_label(handling, members)
    title = title[: -len(case.title)] + named if title.endswith(case.title) else f"{title}：{named}"
    return title, joint_link(handling.pk), joint_facts(handling, members, case=case)


def _body(case: Case, title: str, body: str) -> str:
    """What a notice says under its title: `body` if given, else the case's title unless the
    title already says it (never the same words twice)."""
    return body or ("" if case.title in title else case.title)


def _label(name: str, model: type[Case] | type[JointHandling] = Case) -> str:
    return str(model_label(model, name))


def notify_departments(
    case: Case,
    title: str,
    *,
    kind: str = Notice.Kind.TASK,
    co: bool = True,
    body: str = "",
    facts: Sequence[Fact] | None = None,
    joint: JointNotice | None = None,
) -> None:
    """Tell the case's departments (their handlers and their group robots). `title` names the
    step and the case; `body` adds what the title does not say (never the title again); `facts`
    default to the case's (case_facts). `joint`: the case is a member of that joint handling,
    which the notice is about (see _aimed)."""
    departments = [case.lead_department] if case.lead_department else []
    if co:
        departments += list(case.co_departments.all())
    title, link, joint_facts_ = _aimed(case, title, joint)
    notify(
        recipients=selectors.department_handlers([d.pk for d in departments]),
        title=title,
        body=body if joint else _body(case, title, body),
        link=link,
        kind=kind,
        departments=departments,
        facts=facts if facts is not None else joint_facts_ or case_facts(case),
    )


def notify_coordinators(
    case: Case,
    title: str,
    *,
    kind: str = Notice.Kind.TASK,
    body: str = "",
    facts: Sequence[Fact] | None = None,
    joint: JointNotice | None = None,
) -> None:
    """Tell the coordinators of the case's region (and its region's group robots); for a member
    of a joint handling (`joint`), those of the joint handling's region, who answer for it."""
    region = joint[0].region if joint else case.region
    title, link, joint_facts_ = _aimed(case, title, joint)
    notify(
        recipients=selectors.region_coordinators(region),
        title=title,
        body=body if joint else _body(case, title, body),
        link=link,
        kind=kind,
        regions=[region],
        facts=facts if facts is not None else joint_facts_ or case_facts(case),
    )


def notify_enterprise(
    case: Case,
    title: str,
    *,
    body: str = "",
    liaisons: bool = False,
    facts: Sequence[Fact] | None = None,
) -> None:
    """The case's enterprise (and, with `liaisons`, the liaison officers assigned to it now):
    their inbox and e-mail, no group robot. `body` adds what the title does not say."""
    recipients = list(selectors.enterprise_users(case.enterprise_id))
    if liaisons and case.enterprise_id:
        recipients += selectors.enterprise_liaisons([case.enterprise_id]).get(case.enterprise_id, [])
    notify(
        recipients=recipients,
        title=title,
        body=_body(case, title, body),
        link=_link(case),
        facts=case_facts(case) if facts is None else facts,
    )


def parse_choice(value: str, choices: Any, field_name: str, *, required: bool = True) -> str:
    if not value:
        if required:
            raise ValidationFailed([FieldError(field_name, "必填")])
        return ""
    if value not in choices.values:
        allowed = "、".join(f"{v}（{label}）" for v, label in choices.choices)
        raise ValidationFailed([FieldError(field_name, f"“{value}”不是可选的值，可选：{allowed}")])
    return value


def future_date(
    value: datetime.date | None, field_name: str, *, after: datetime.date | None = None
) -> datetime.date:
    if value is None:
        raise ValidationFailed([FieldError(field_name, "必填")])
    today = timezone.localdate()
    floor = max(today, after) if after else today
    if value < floor or (after and value == after):
        raise ValidationFailed(
            [FieldError(field_name, f"应晚于{'原办理时限 ' + str(after) if after else '今天'}")]
        )
    return value
