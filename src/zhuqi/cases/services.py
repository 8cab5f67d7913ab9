"""Every write to cases, by where it lives:

- workflow.py: the state machine as data (the table of steps, who may take them) and its guards;
- taking.py: a step's prologue and epilogue, written once, and what steps and the filing share;
- steps.py: each step's own body (accept … reopen, notes);
- filing.py: filing a case (origins.py: where it is filed from) and correcting it;
- catalogue.py: the tables admins keep (routing rules, deadline rules, categories, templates).

This module gathers their public names for the many callers (pages, API, demo data, other apps'
services, tests) that import `zhuqi.cases.services`.
"""

from __future__ import annotations

from zhuqi.cases.catalogue import (
    MAX_POLICY_DAYS,
    RoutingRuleData,
    category_save,
    deadline_policy_save,
    reply_template_delete,
    reply_template_save,
    routing_rule_delete,
    routing_rule_save,
)
from zhuqi.cases.filing import (
    DEFAULT_SOURCE,
    CaseCorrection,
    case_create,
    case_edit,
    creatable_kinds,
    default_source,
    may_edit,
)
from zhuqi.cases.models import STEP_LABELS
from zhuqi.cases.origins import NewCase, Origin
from zhuqi.cases.selectors import route
from zhuqi.cases.splits import grouping_split, grouping_split_undo
from zhuqi.cases.steps import (
    RATING_SATISFIED,
    RATING_UNSATISFIED,
    bulk_assign,
    case_accept,
    case_answer,
    case_assign,
    case_confirm,
    case_decide_extension,
    case_note,
    case_reject,
    case_reopen,
    case_report_completion,
    case_request_extension,
    case_return,
    case_start,
    case_verify,
    take,
)
from zhuqi.cases.taking import StepInput, sync_reach
from zhuqi.cases.workflow import (
    STEPS,
    StepRefused,
    allowed_steps,
    may_take,
    steps_for,
)

__all__ = [
    "DEFAULT_SOURCE",
    "MAX_POLICY_DAYS",
    "RATING_SATISFIED",
    "RATING_UNSATISFIED",
    "STEPS",
    "STEP_LABELS",
    "CaseCorrection",
    "NewCase",
    "Origin",
    "RoutingRuleData",
    "StepInput",
    "StepRefused",
    "allowed_steps",
    "bulk_assign",
    "case_accept",
    "case_answer",
    "case_assign",
    "case_confirm",
    "case_create",
    "case_decide_extension",
    "case_edit",
    "case_note",
    "case_reject",
    "case_reopen",
    "case_report_completion",
    "case_request_extension",
    "case_return",
    "case_start",
    "case_verify",
    "category_save",
    "creatable_kinds",
    "deadline_policy_save",
    "default_source",
    "grouping_split",
    "grouping_split_undo",
    "may_edit",
    "may_take",
    "reply_template_delete",
    "reply_template_save",
    "route",
    "routing_rule_delete",
    "routing_rule_save",
    "steps_for",
    "sync_reach",
    "take",
]
