"""How good the common-problem grouping is, measured on a labelled set of demands
(tests/data/grouping_quality.toml): pairwise precision and recall, on the part the method was
tuned on and on the part held out from the tuning (bench/README.md, issue 17).

A pair is two demands. Precision: of the pairs the grouping puts in one group, the share with the
same label (the same true problem). Recall: of the pairs with the same label, the share the
grouping puts in one group. Each demand is from its own enterprise and two enterprises make a
group, so every pair counts; demands are grouped within their category, as on the page.

Precision is what matters most: a stray case in a group sends a policy answer to an enterprise
whose problem it is not. A case the grouping misses is still answered on its own, so recall
needs only a floor: RECALL_FLOOR (0.75), some 0.08 under what both parts measure (0.83 tuned,
0.84 held out), so a reworded demand does not fail the suite, and above the 0.70 a stricter
threshold (MIN_SIMILARITY 0.25) gives on the tuned part, so a change that buys precision by
grouping much less is caught.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from zhuqi.cases.common_problems import MAX_TEXT_CHARS, _group

DATA = tomllib.loads((Path(__file__).parent / "data" / "grouping_quality.toml").read_text("utf-8"))["demand"]
MIN_PRECISION = 0.9
RECALL_FLOOR = 0.75


@dataclass(frozen=True)
class Figures:
    demands: int
    precision: float
    recall: float
    together: int  # pairs put in one group
    alike: int  # pairs with the same label

    def __str__(self) -> str:
        return (
            f"{self.demands} demands: precision {self.precision:.3f} ({self.together} pairs grouped), "
            f"recall {self.recall:.3f} ({self.alike} pairs alike)"
        )


def measure(demands: list[dict[str, str]]) -> Figures:
    categories = sorted({d["category"] for d in demands})
    groups = _group(
        [f"{d['title']}\n{d['description'][:MAX_TEXT_CHARS]}" for d in demands],
        by=[categories.index(d["category"]) for d in demands],
        enterprises=list(range(len(demands))),
        min_enterprises=2,
    )
    group_of = {member: n for n, group in enumerate(groups) for member in group.members}
    both = together = alike = 0
    for one, other in itertools.combinations(range(len(demands)), 2):
        same = demands[one]["problem"] == demands[other]["problem"]
        grouped = one in group_of and group_of[one] == group_of.get(other)
        together += grouped
        alike += same
        both += same and grouped
    return Figures(
        demands=len(demands),
        precision=both / together if together else 1.0,
        recall=both / alike,
        together=together,
        alike=alike,
    )


def test_the_set_is_sizeable_and_has_near_misses() -> None:
    assert len(DATA) >= 150
    assert {d["part"] for d in DATA} == {"tune", "held_out"}
    assert len({d["category"] for d in DATA}) >= 10
    problems = {d["problem"] for d in DATA}
    for near_miss in (
        ("出口退税审核周期长", "留抵退税到账慢"),
        ("电费高", "水费高"),
        ("招工难", "社保缴费负担重"),
        ("银行贷款难", "融资担保难"),
        ("土地证办理慢", "施工许可办理慢"),
    ):
        assert set(near_miss) <= problems


@pytest.mark.parametrize("part", ["tune", "held_out"])
def test_the_grouping_is_precise_and_finds_most_pairs(part: str) -> None:
    figures = measure([d for d in DATA if d["part"] == part])
    print(f"\n{part}: {figures}")
    assert figures.precision >= MIN_PRECISION, figures
    assert figures.recall >= RECALL_FLOOR, figures


def test_the_whole_set_at_once() -> None:
    """Both parts together: more demands side by side in each category, more chances to mix."""
    figures = measure(DATA)
    print(f"\nall: {figures}")
    assert figures.precision >= MIN_PRECISION, figures
    assert figures.recall >= RECALL_FLOOR, figures


def test_an_export_refund_demand_is_not_grouped_with_vat_credit_refunds() -> None:
    """The product owner's case (issue 17): 出口退税 and 留抵退税 share 退税, and only that."""
    refunds = [d for d in DATA if d["problem"] in ("出口退税审核周期长", "留抵退税到账慢")]
    groups = _group(
        [f"{d['title']}\n{d['description']}" for d in refunds],
        by=[0] * len(refunds),
        enterprises=list(range(len(refunds))),
        min_enterprises=2,
    )
    assert len(groups) == 2
    for group in groups:
        assert len({refunds[i]["problem"] for i in group.members}) == 1
