"""The figures of chains that other apps compute: the apps above (projects, agreements and
targets) register columns here at start-up, and the all-chains comparison and a chain's page ask
for what is registered. chains cannot import them: they link to chains, not chains to them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from zhuqi.directory.models import User


@dataclass(frozen=True)
class Column:
    key: str  # unique, e.g. "projects_started"
    label: str  # the column's Chinese heading (gettext_noop'd where it is declared)
    # (reader, chain ids) → {chain id: value}; one query or a few for all the chains at once.
    compute: Callable[[User, Sequence[int]], dict[int, Any]]
    kind: Literal["count", "amount", "rate", "text"] = "count"
    unit: str = ""
    # A definition a leader can read beside the figure (DESIGN.md: honest figures).
    definition: str = ""


_COLUMNS: dict[str, Column] = {}


def register_column(*columns: Column) -> None:
    for column in columns:
        _COLUMNS[column.key] = column


def registered_columns() -> list[Column]:
    return list(_COLUMNS.values())


def column_values(user: User, chain_ids: Sequence[int]) -> dict[str, dict[int, Any]]:
    """Every registered column's values for the chains: {column key: {chain id: value}}."""
    return {key: column.compute(user, chain_ids) for key, column in _COLUMNS.items()}
