"""A project's industrial chain as people write it (光伏装备, 光伏装备产业链, 光伏装备链) resolved to
one of the chains kept in the chains app: the one of the project's region or of a region above it
(a county's project belongs to its city's chain), by name with or without the suffix 产业链 or 链.

Pure functions over (id, name, region code) triples, so the data migration that linked the old
free-text chains, the import and the services resolve alike; `zhuqi unmatched_project_chains`
lists what stayed unmatched, and `services.projects_link_chain` links it once the chain exists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from zhuqi.chains.naming import name_key
from zhuqi.core.chinese import to_halfwidth
from zhuqi.core.scoping import region_and_ancestor_codes


@dataclass(frozen=True)
class ChainRef:
    id: int
    name: str
    region_id: str


@dataclass(frozen=True)
class Resolution:
    """`chain`: the one chain the name means there; else `candidates` (several: ambiguous; none:
    unmatched)."""

    chain: ChainRef | None
    candidates: tuple[ChainRef, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.chain is None and len(self.candidates) > 1


def resolve(name: str, region_code: str, chains: Iterable[ChainRef]) -> Resolution:
    """The chain `name` means for a project built in `region_code`: among the chains of that
    region and the regions above it, those whose name has the same key; of several, those named
    exactly as written. Still several is ambiguous (never guessed), none is unmatched."""
    key = name_key(name)
    if not key:
        return Resolution(None)
    reach = region_and_ancestor_codes(region_code) if region_code else set()
    found = tuple(
        sorted(
            (c for c in chains if c.region_id in reach and name_key(c.name) == key),
            key=lambda c: (c.region_id, c.id),
        )
    )
    if len(found) > 1:
        written = "".join(to_halfwidth(name).split())
        exact = tuple(c for c in found if "".join(to_halfwidth(c.name).split()) == written)
        if len(exact) == 1:
            return Resolution(exact[0], found)
    if len(found) == 1:
        return Resolution(found[0], found)
    return Resolution(None, found)


def describe_candidates(candidates: Iterable[ChainRef], region_names: dict[str, str]) -> str:
    """“铝产业链（霍林郭勒市，编号 3）、铝产业链（通辽市，编号 5）”: what an ambiguity error names."""
    return "、".join(
        f"{c.name}（{region_names.get(c.region_id, c.region_id)}，编号 {c.id}）" for c in candidates
    )


def chain_refs(chains: Any) -> list[ChainRef]:
    """The chains of a Chain queryset (the model's or a migration's historical one) as refs."""
    return [
        ChainRef(pk, name, region_id) for pk, name, region_id in chains.values_list("pk", "name", "region_id")
    ]


def link_written_chains(projects: Any, chains: Any) -> tuple[int, int]:
    """Link each project whose chain is only written (chain_name, no chain) to the chain that
    name means where it is built; what names none, or several, stays as written. Works on the
    models' querysets and on a migration's historical ones. (projects linked, projects left)."""
    refs = chain_refs(chains)
    pending: dict[tuple[str, str], list[int]] = {}
    for pk, written, region_id in (
        projects.filter(chain__isnull=True)
        .exclude(chain_name="")
        .values_list("pk", "chain_name", "region_id")
    ):
        pending.setdefault((written, region_id), []).append(pk)
    linked = left = 0
    for (written, region_id), ids in pending.items():
        found = resolve(written, region_id, refs)
        if found.chain is None:
            left += len(ids)
            continue
        for start in range(0, len(ids), 500):
            projects.filter(pk__in=ids[start : start + 500]).update(chain_id=found.chain.id, chain_name="")
        linked += len(ids)
    return linked, left
