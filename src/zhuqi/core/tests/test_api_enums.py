"""Every choice the API takes or gives is listed in /api/v1/openapi.json, so a client sees the
values a case's `status` or a project's `stage` can have without reading the code.

The schema is walked, not listed: a new schema with a `kind` or `status` typed as a plain string
fails here the day it is added."""

from __future__ import annotations

from typing import Any

from zhuqi.api import api
from zhuqi.cases.models import Kind
from zhuqi.projects.models import Level

# Property and parameter names that hold a choice wherever they appear.
CHOICE_NAMES = {
    "kind",
    "status",
    "stage",
    "from_stage",
    "to_stage",
    "reason",
    "outcome",
    "outcome_reason",
    "rejection_reason",
    "role",
    "size_class",
    "urgency",
    "complexity",
    "source",
    "closure",
    "extension",
    "timeliness",
    "escalation_level",
    "amount_nature",
    "amount_unit",
    "entered_unit",
    "unit",
    "reporting_period",
}

# Where one of those names is free text: a correction's or a stage change's reason is written by
# a person, not picked.
FREE_TEXT = {
    ("CaseCorrectionIn", "reason"),
    ("JointRemoveIn", "reason"),
    ("StageIn", "reason"),
    ("StageChangeOut", "reason"),
    ("ReportDiscardIn", "reason"),  # why a published report was set aside
    ("ReportRemovalOut", "reason"),  # why a part of a report was cut, in words
}

DOCUMENT = api.get_openapi_schema()
COMPONENTS = DOCUMENT["components"]["schemas"]


def _enumerated(schema: dict[str, Any]) -> bool:
    """Whether every value the schema admits (null aside) is from an enumeration."""
    if "$ref" in schema:
        return _enumerated(COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]])
    if "enum" in schema or "const" in schema:
        return True
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [option for option in schema[key] if option.get("type") != "null"]
            return bool(options) and all(_enumerated(option) for option in options)
    if schema.get("type") == "array":
        return _enumerated(schema.get("items", {}))
    return False


def _choices_without_enum() -> list[str]:
    missing = []
    for component, schema in COMPONENTS.items():
        for name, property_schema in schema.get("properties", {}).items():
            chosen = name in CHOICE_NAMES and (component, name) not in FREE_TEXT
            if chosen and not _enumerated(property_schema):
                missing.append(f"{component}.{name}")
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in CHOICE_NAMES and not _enumerated(parameter["schema"]):
                    missing.append(f"{method.upper()} {path} ?{parameter['name']}")
    return missing


def test_every_choice_in_the_api_lists_its_values() -> None:
    assert _choices_without_enum() == []


def test_the_walk_sees_the_choices_of_every_app() -> None:
    seen = {
        (component, name)
        for component, schema in COMPONENTS.items()
        for name in schema.get("properties", {})
        if name in CHOICE_NAMES
    }
    assert {
        ("CaseOut", "status"),
        ("CaseIn", "kind"),
        ("RejectIn", "reason"),
        ("AnswerIn", "outcome"),
        ("ProjectOut", "stage"),
        ("StageIn", "stage"),
        ("VisitOut", "kind"),
        ("AgreementOut", "status"),
        ("AgreementIn", "kind"),
        ("EnterpriseOut", "size_class"),
        ("AssignmentOut", "kind"),
    } <= seen


def test_choices_of_one_name_in_two_apps_do_not_overwrite_each_other() -> None:
    # Components are named after the class: cases' Kind and projects' Level must stay theirs, with
    # the other apps' Kind and Level (Assignment.Kind, Department.Kind) written out where used.
    assert COMPONENTS["Kind"]["enum"] == list(Kind.values)
    assert COMPONENTS["Level"]["enum"] == list(Level.values)
