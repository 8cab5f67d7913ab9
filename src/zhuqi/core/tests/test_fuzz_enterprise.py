"""The API under a schema fuzzer as an enterprise user (see zhuqi.testing.fuzz)."""

from __future__ import annotations

from typing import Any

import pytest

from zhuqi.testing.fuzz import load_schema, world_fixture

schema = load_schema()
world = world_fixture("demo-enterprise")


@pytest.mark.django_db
@schema.parametrize()
def test_the_api_holds_under_the_fuzzer_as_an_enterprise(case: Any, world: dict[str, str]) -> None:
    case.call_and_validate(headers=world)
