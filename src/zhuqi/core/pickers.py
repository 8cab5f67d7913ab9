"""One search picker for every long list: departments, officials, projects, enterprises, regions.

A form shows a search box (name, part of a name, or pinyin initials); the box asks
`/pick/<kind>/?q=…` as the user types and a click on an answer puts its id in the form. Each kind
is a search in the user's own scope (what they may see is what they may pick), answers a page at
a time and says when there are more, so nothing is ever cut off without a word.

The apps register their kinds (`register`) when Django starts; core knows none of their models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise as StrPromise

from zhuqi.core.validators import is_id

# Answers shown at once; one more is read to know whether to say "more: type to narrow".
PAGE_SIZE = 20


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class PickerKind:
    """`search(user, query, limit)` answers up to `limit` choices in the user's scope, best first
    (an empty query may answer the first few, or nothing); `labels(user, values)` names values
    already picked, in the same scope, to show them again on a form."""

    name: str
    testid: str
    placeholder: str | StrPromise  # shown in the box; translated when the page is drawn
    search: Callable[[Any, str, int], list[Choice]]
    labels: Callable[[Any, list[str]], dict[str, str]]
    # The value's shape (ids are ASCII digits that fit a key, region codes six digits), so a
    # stray value never reaches a query nor labels()' int().
    valid: Callable[[str], bool] = is_id


KINDS: dict[str, PickerKind] = {}


def names_by_id(queryset: Any, values: list[str]) -> dict[str, str]:
    """The `labels` of a kind whose values are ids: each id the user's scoped `queryset` holds,
    with its name (the values reach here already checked by `valid`)."""
    return {
        str(pk): name
        for pk, name in queryset.filter(pk__in=[int(value) for value in values]).values_list("pk", "name")
    }


def register(kind: PickerKind) -> None:
    KINDS[kind.name] = kind


def get_kind(name: str) -> PickerKind | None:
    return KINDS.get(name)


def find(kind: PickerKind, *, user: Any, query: str) -> tuple[list[Choice], bool]:
    """A page of answers and whether more match."""
    found = kind.search(user, query, PAGE_SIZE + 1)
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


def chosen(kind: PickerKind, *, user: Any, values: Iterable[Any]) -> list[Choice]:
    """The values a form holds, with their names, in the order given. A value may be a record
    already read (its name is its own) or an id from the form (named through the kind, in the
    user's scope); an id the user may not see keeps its place under its bare number, so a
    refused form still shows what was sent."""
    known: dict[str, str] = {}
    wanted: list[str] = []
    for value in values:
        if hasattr(value, "pk"):
            known[str(value.pk)] = str(value)
            wanted.append(str(value.pk))
        elif value not in (None, "") and kind.valid(str(value)):
            wanted.append(str(value))
    unknown = [value for value in wanted if value not in known]
    names = {**(kind.labels(user, unknown) if unknown else {}), **known}
    return [Choice(value, names.get(value, f"#{value}")) for value in dict.fromkeys(wanted)]
