"""Every API schema has its own name. The OpenAPI document keys schemas by class name, so two
apps' `FiguresOut` leave one of them describing the other's answers (a client generated from the
document reads the wrong fields); nothing else notices."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from zhuqi.api import api
from zhuqi.core.filtersets import FilterQuery


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_no_two_schemas_share_a_name() -> None:
    api.get_openapi_schema()  # every router imported, every schema built
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        module = schema.__module__
        # A query's schema is spread into parameters, never a component: its name is free.
        is_query = issubclass(schema, FilterQuery) or schema.__name__.endswith("Query")
        if module.startswith("zhuqi.") and ".tests." not in module and not is_query:
            by_name[schema.__name__].add(f"{module}.{schema.__qualname__}")
    shared = {name: sorted(places) for name, places in by_name.items() if len(places) > 1}
    assert not shared, shared
