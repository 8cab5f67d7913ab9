"""The types of the API's query parameters that several lists share.

A filter value the API cannot use is refused (422, `loc: ["query", name]`), never dropped: a
list that silently ignored `kind=bogus` would answer a question nobody asked. Enumerated values
are typed with their TextChoices or a Literal, dates as dates, ids as integers, and the codes
below by their shape, so pydantic refuses them before the handler runs and the OpenAPI schema
says what is accepted. What only a service can judge (a month out of range, an end before a
start) is refused there, and the API handler places a read's refusal in the query."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from zhuqi.core.validators import ID_MAX_DIGITS, MONTHS_MAX, YEAR_MAX, YEAR_MIN

# Every integer the API takes is bounded here, in the schema, so an absurd value is refused by
# name (422) before it reaches a query — 10^20 overflowed SQLite's keys and PostgreSQL's bigint,
# a year of 10000 overflowed Python's dates — and the OpenAPI document says what is accepted.
ID_MAX = 10**ID_MAX_DIGITS - 1

RecordId = Annotated[int, Field(ge=1, le=ID_MAX, description="a record id")]

# The version a write was based on (optimistic locking: a stale one is refused with 409).
Version = Annotated[
    int, Field(ge=1, le=ID_MAX, description="the version you read; a stale one is refused with 409")
]

Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=f"a year, {YEAR_MIN}–{YEAR_MAX}")]

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    # Pydantic would read 0 or "1700000000" as seconds since 1970: a date is YYYY-MM-DD, as the
    # schema says, or it is refused like any other unreadable date.
    if isinstance(value, datetime.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a date in the format YYYY-MM-DD")


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_only)]

MonthCount = Annotated[int, Field(ge=1, le=MONTHS_MAX, description=f"a number of months, 1–{MONTHS_MAX}")]

RegionCode = Annotated[
    str,
    Field(
        pattern=r"^\d{6}$",
        description="a GB/T 2260 region code (6 digits); the region and everything under it",
    ),
]

# The figures take "" for the user's whole jurisdiction.
RegionCodeOrBlank = Annotated[
    str,
    Field(
        pattern=r"^(\d{6})?$",
        description="a GB/T 2260 region code (6 digits); blank for your whole jurisdiction",
    ),
]

IndustryCode = Annotated[
    str,
    Field(
        pattern=r"^([A-Za-z]|\d{1,4})$",
        description="a GB/T 4754-2017 section letter (C) or code prefix (32, 3252)",
    ),
]

# The years of core.validators' YEAR_MIN–YEAR_MAX, the months 1–12.
MONTH = re.compile(r"(20\d\d|2100)-(0?[1-9]|1[0-2])")
MonthText = Annotated[
    str,
    Field(pattern=f"^{MONTH.pattern}$", description="a month, YYYY-MM (2000–2100)"),
]

# A choice left blank (a case not answered yet has no outcome, an enterprise of unknown size no
# size class): `Outcome | Blank`, so the schema still lists every value a client can meet.
Blank = Literal[""]


def choices_schema(values: Iterable[str], *, blank: bool = False) -> WithJsonSchema:
    """The OpenAPI schema of a choice: its values (a TextChoices class or some of its members), ""
    too with `blank`, written where the choice is used.

    A request body's choice stays `Annotated[str, choices_schema(Kind)]`: the service reads it
    and refuses a wrong one by name, with the other refusals of the same request, and takes ""
    for its default where `blank` says so. A response's choice is the TextChoices itself (a
    component named after the class), except a nested one whose name another app's choices
    have too (`Assignment.Kind` beside cases' `Kind`), which would overwrite one another:
    `Annotated[Assignment.Kind, choices_schema(Assignment.Kind)]`."""
    listed = [str(value) for value in values]
    return WithJsonSchema({"type": "string", "enum": [*listed, ""] if blank else listed})
