"""Common problems (共性问题): open demands from several enterprises that describe one problem,
so a coordinator can answer it once, with a policy, instead of once per enterprise.

Read only. The method, in order:

1. The newest MAX_CASES open cases of the kind in the user's scope (selectors.case_queryset).
2. Each case's title and description as jieba words (core.chinese.words_with_parts), weighted
   TF-IDF style, so the words every text uses (企业, 协调) count for little and the ones that
   name a problem (留抵退税, 车皮) for much. A word found only inside a longer one (退税 in
   留抵退税 and in 出口退税) weighs PART_WEIGHT of a word written out: two different compounds
   share their generic part, which must not carry the pair. The IDF is jieba's own table, computed
   from a large general corpus and shipped with it, not one computed from the cases in view:
   with that, the words a group shares are exactly the ones that turn common when few cases
   are in view (a small county, a category filter), and the group would fall apart; with a
   fixed table, two demands are as alike whoever looks and whatever the filter. Words not in
   the table (our added terms, 留抵退税) get its median weight, that of a rare word.
3. Within each top-level category (a 融资 demand that mentions 留抵退税 is still a financing
   problem), cases are grouped by cosine similarity with average-linkage agglomerative
   clustering: two groups join only while their cases are, on average, at least MIN_SIMILARITY
   alike. Average rather than single linkage (connected components over a threshold) because
   single linkage chains — A is like B, B like C — so in a large category a few in-between
   demands would join unrelated problems into one group; average linkage keeps a group about
   one thing.
4. Only groups spanning at least `min_enterprises` distinct enterprises are shown: two demands
   from one enterprise are its own problem, however alike.
5. A case a coordinator split out of a group (splits.py) is kept apart from that group's other
   cases in every later grouping: the pair's distance is set beyond any threshold.

Each case of a group comes with the words it shares with the others (GroupedCase.shared_terms),
so a reader sees why it is there. How good the groups are is measured on a labelled set of
demands (tests/test_grouping_quality.py; bench/README.md, issue 17).

The clustering never sees all cases at once: average linkage cannot join two cases unless some
pair across them is at least MIN_SIMILARITY alike (an average is never above its largest
member), so each group lies within one connected component of the "at least that alike" graph.
That graph comes from a radius-neighbour search, which sklearn computes in bounded chunks, and
only its components with enough enterprises are clustered, each on its own small distance matrix.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models.functions import Substr

from zhuqi.cases import selectors
from zhuqi.cases.models import OPEN_STATUSES, CaseCategory, Kind, Status
from zhuqi.cases.splits import COMMON_PROBLEMS_REFUSED, split_pairs
from zhuqi.core.chinese import words_with_parts
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.scoping import region_subtree_q
from zhuqi.core.validators import is_region_code
from zhuqi.directory.models import User

# The newest this many open cases in scope are grouped; past it the answer says it looked at
# part only. Grouping 5,000 takes a few seconds (bench/common_problems_bench.py).
MAX_CASES = 5000

# How alike (cosine of the weighted word vectors, 0–1) the cases of a group must be on average.
# Chosen on the tuned part of the labelled set (tests/data/grouping_quality.toml): precision is
# 1.0 from 0.12 up and falls to 0.86 at 0.10 (贷款 with 续贷, 土地证 with 消防验收 through 验收),
# recall falls from 0.91 at 0.12 to 0.83 at 0.15 and 0.77 at 0.20. 0.15 keeps a margin from
# that edge. A stray case in a group sends a policy answer to the wrong enterprise; a case
# missed is still answered on its own.
MIN_SIMILARITY = 0.15

# A long description is mostly circumstance; its opening says what the problem is, and cutting
# it keeps one wordy demand from costing as much as a hundred short ones.
MAX_TEXT_CHARS = 600

# Shown as a group's label: the words most of its cases share.
LABEL_TERMS = 4
# Shown beside each case of a group: the words it shares with the others, why it is there.
SHARED_TERMS = 4

# The weight of a word found only inside a longer one (退税 in 留抵退税, 出口退税), against 1 for a
# word written out. Low, so the generic part two different compounds share does not carry a
# pair on its own; not nothing, so 留抵税额 and 留抵退税 still share 留抵.
PART_WEIGHT = 0.2

# The distance given to two cases a coordinator split apart: beyond the threshold in any average
# over two groups of at most MAX_CASES cases each.
APART = 2.0 * MAX_CASES * MAX_CASES

GROUPED_KINDS = (Kind.DEMAND, Kind.HAZARD)

# The words any demand is written with. The IDF table weighs them down but not out (企业 4.2
# against 车皮 11.3), and two short demands sharing three of them would look alike.
_STOP_WORDS = """
    我们 我公司 我厂 公司 企业 本企业 该企业 我司 贵 本 该 其 此 这 那 有关 相关 目前 现在 今年 去年 上月
    下月 近期 至今 仍然 仍 已经 已 尚未 未 没有 不 无 无法 不能 需要 需 要求 希望 恳请 请求 请 申请
    协调 帮助 协助 解决 反映 问题 困难 情况 影响 给予 支持 尽快 加快 增加 进一步 有效 工作 部门 政府
    办理 相关部门 以及 及 和 与 或 等 的 了 在 是 为 对 将 把 被 从 向 于 以 并 也 都 又 而 但 就 还
    一个 一些 较大 较 大 多 万元 亿元 元 名 个 月 年 日
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def can_see_common_problems(user: Any) -> bool:
    return has_permission(user, Permission.READ_COMMON_PROBLEMS)


@dataclass(frozen=True)
class GroupedCase:
    id: int
    title: str
    status: str
    status_label: str
    enterprise_id: int
    enterprise_name: str
    # The words this case shares with the others of its group, the group's label first: why it
    # is in the group.
    shared_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupedEnterprise:
    id: int
    name: str
    cases: int


@dataclass(frozen=True)
class CommonProblem:
    category_id: int
    category_name: str
    terms: list[str]
    cases: list[GroupedCase]
    enterprises: list[GroupedEnterprise]

    @property
    def label(self) -> str:
        return "、".join(self.terms)

    @property
    def case_ids(self) -> list[int]:
        """The ids of the group's cases, newest first: what an action on the whole group (a
        split, a joint handling) takes."""
        return [case.id for case in self.cases]


@dataclass(frozen=True)
class CommonProblems:
    problems: list[CommonProblem]
    min_enterprises: int
    # How many open cases were grouped, and whether older ones were left out to stay in MAX_CASES.
    considered: int
    limit: int
    truncated: bool
    kind: str
    category_id: int | None = None
    region: str | None = None

    @property
    def note(self) -> str:
        if not self.truncated:
            return ""
        return f"范围内未办结事项超过 {self.limit} 条，只分析了最新提交的 {self.limit} 条"


# Segmenting is most of the time a call takes (jieba, about half a millisecond a demand), and
# each view of the page would segment the same open demands again: the words of the last
# MAX_CASES texts are kept, some 20 MB at most.
@lru_cache(maxsize=MAX_CASES)
def _terms(text: str) -> tuple[tuple[str, float], ...]:
    """The text's words with their term weight: 1 + log(times written) for a word written out,
    PART_WEIGHT for one only found inside a longer word (退税 in 留抵退税)."""
    written: dict[str, int] = defaultdict(int)
    parts: set[str] = set()
    for word, inside in words_with_parts(text):
        if _counts(word):
            written[word] += 1
        parts.update(part for part in inside if _counts(part))
    weights = {word: 1 + math.log(times) for word, times in written.items()}
    return (*weights.items(), *((part, PART_WEIGHT) for part in sorted(parts - weights.keys())))


def _counts(word: str) -> bool:
    # One character alone (账, 电) says little and pairs unrelated demands; the words it is part
    # of are kept.
    return len(word) > 1 and word not in STOP_WORDS and _MEANINGFUL.search(word) is not None


def _category_roots() -> tuple[dict[int, int | None], dict[int, tuple[int, str]]]:
    """Each category's parent, and its top-level category (id, name): groups never cross those."""
    rows = {
        pk: (parent, name) for pk, parent, name in CaseCategory.objects.values_list("id", "parent_id", "name")
    }
    parents: dict[int, int | None] = {pk: parent for pk, (parent, _) in rows.items()}
    roots: dict[int, tuple[int, str]] = {}
    for pk in rows:
        node, seen = pk, {pk}
        while (parent := parents[node]) is not None and parent not in seen:
            seen.add(parent)
            node = parent
        roots[pk] = (node, rows[node][1])
    return parents, roots


def _subtree(category_id: int, parents: dict[int, int | None]) -> list[int]:
    """The category and every category under it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in parents.items():
        children[parent].append(pk)
    found, todo = [], [category_id]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo += [child for child in children[pk] if child not in found]
    return found


def _validate(
    *, user: User, min_enterprises: int, kind: str, category: int | None, region: str | None
) -> None:
    if not can_see_common_problems(user):
        raise PermissionDenied(COMMON_PROBLEMS_REFUSED)
    errors = []
    if not 2 <= min_enterprises <= 1000:
        errors.append(
            FieldError("min_enterprises", "应为 2 到 1000 之间的整数（一家企业的问题不是共性问题）")
        )
    if kind not in GROUPED_KINDS:
        errors.append(FieldError("kind", "只能是 demand（诉求）或 hazard（隐患）"))
    if category is not None and not CaseCategory.objects.filter(pk=category).exists():
        errors.append(FieldError("category", "类别不存在"))
    if region is not None and not is_region_code(region):
        errors.append(FieldError("region", "应为 6 位行政区划代码"))
    if errors:
        raise ValidationFailed(errors)


def common_problems(
    *,
    user: User,
    min_enterprises: int | None = None,
    category: int | None = None,
    region: str | None = None,
    kind: str = Kind.DEMAND,
) -> CommonProblems:
    """Groups of open cases in the user's scope that describe one problem and span at least
    `min_enterprises` enterprises (default ZHUQI_COMMON_PROBLEM_MIN_ENTERPRISES), most
    enterprises first. `category` narrows to a category and its subcategories, `region` (a
    GB/T 2260 code) to a region and everything under it, within the user's scope."""
    if min_enterprises is None:
        min_enterprises = settings.ZHUQI_COMMON_PROBLEM_MIN_ENTERPRISES
    region = region or None
    _validate(user=user, min_enterprises=min_enterprises, kind=kind, category=category, region=region)
    parents, roots = _category_roots()
    # A demand already in a joint handling is being answered with its group: offering it for
    # another one would only be refused.
    queryset = selectors.case_queryset(user=user).filter(
        kind=kind, status__in=OPEN_STATUSES, enterprise__isnull=False, joint_handling__isnull=True
    )
    if category is not None:
        queryset = queryset.filter(category_id__in=_subtree(category, parents))
    if region is not None:
        queryset = queryset.filter(region_subtree_q("region_id", region))
    rows = list(
        queryset.annotate(opening=Substr("description", 1, MAX_TEXT_CHARS))
        .order_by("-submitted_at", "-id")
        .values("id", "title", "opening", "status", "category_id", "enterprise_id", "enterprise__name")[
            : MAX_CASES + 1
        ]
    )
    truncated = len(rows) > MAX_CASES
    rows = rows[:MAX_CASES]
    position = {row["id"]: at for at, row in enumerate(rows)}
    groups = (
        _group(
            [f"{row['title']}\n{row['opening']}" for row in rows],
            by=[roots[row["category_id"]][0] for row in rows],
            enterprises=[row["enterprise_id"] for row in rows],
            min_enterprises=min_enterprises,
            apart=[
                (position[one], position[other])
                for one, other in split_pairs(position.keys())
                if one in position and other in position
            ],
        )
        if len({row["enterprise_id"] for row in rows}) >= min_enterprises
        else []
    )
    problems = []
    for group in groups:
        shared = dict(zip(group.members, group.shared, strict=True))
        cases = [
            GroupedCase(
                id=rows[i]["id"],
                title=rows[i]["title"],
                status=rows[i]["status"],
                status_label=Status(rows[i]["status"]).label,
                enterprise_id=rows[i]["enterprise_id"],
                enterprise_name=rows[i]["enterprise__name"],
                shared_terms=tuple(shared[i]),
            )
            for i in sorted(group.members)  # rows are newest first
        ]
        counts: dict[int, int] = defaultdict(int)
        names: dict[int, str] = {}
        for case in cases:
            counts[case.enterprise_id] += 1
            names[case.enterprise_id] = case.enterprise_name
        root_id, root_name = roots[rows[group.members[0]]["category_id"]]
        problems.append(
            CommonProblem(
                category_id=root_id,
                category_name=root_name,
                terms=group.terms,
                cases=cases,
                enterprises=sorted(
                    (GroupedEnterprise(id=pk, name=names[pk], cases=n) for pk, n in counts.items()),
                    key=lambda e: (-e.cases, e.name),
                ),
            )
        )
    problems.sort(key=lambda p: (-len(p.enterprises), -len(p.cases), -p.cases[0].id))
    return CommonProblems(
        problems=problems,
        min_enterprises=min_enterprises,
        considered=len(rows),
        limit=MAX_CASES,
        truncated=truncated,
        kind=kind,
        category_id=category,
        region=region,
    )


@dataclass(frozen=True)
class _Group:
    members: list[int]  # indexes of the texts
    terms: list[str]  # the label
    shared: list[list[str]]  # per member, the words it shares with the others


def _group(
    texts: list[str],
    *,
    by: list[int],
    enterprises: list[int],
    min_enterprises: int,
    apart: Iterable[tuple[int, int]] = (),
) -> list[_Group]:
    """Groups of `texts` within each value of `by` spanning at least `min_enterprises` distinct
    `enterprises`, each with its label and each member's shared words. No group holds both
    texts of a pair in `apart` (a coordinator split them: see grouping_split)."""
    # Imported here: scikit-learn and SciPy take a second and tens of MB to load, which every
    # process serving pages would otherwise pay at start for a page few users open.
    import numpy as np
    from scipy.sparse.csgraph import connected_components
    from sklearn.neighbors import radius_neighbors_graph

    weighted = _vectors(texts)
    if weighted is None:  # not one meaningful word in any text
        return []
    matrix, vocabulary = weighted
    enterprise_of = np.asarray(enterprises)
    partitions: dict[int, list[int]] = defaultdict(list)
    for index, key in enumerate(by):
        partitions[key].append(index)
    kept_apart: dict[int, set[int]] = defaultdict(set)
    for one, other in apart:
        kept_apart[one].add(other)
        kept_apart[other].add(one)

    groups = []
    for indexes in partitions.values():
        if len(set(enterprise_of[indexes])) < min_enterprises:
            continue
        part = matrix[indexes]
        graph = radius_neighbors_graph(part, radius=1 - MIN_SIMILARITY, metric="cosine", mode="connectivity")
        _, component_of = connected_components(graph, directed=False)
        for component in _members(component_of):
            if len(set(enterprise_of[[indexes[i] for i in component]])) < min_enterprises:
                continue
            rows = [indexes[i] for i in component]
            position = {row: at for at, row in enumerate(rows)}
            split = [
                (position[row], position[other])
                for row in rows
                for other in kept_apart.get(row, ())
                if other in position and row < other
            ]
            for members in _clusters(matrix[rows], split):
                chosen = [rows[i] for i in members]
                if len(set(enterprise_of[chosen])) >= min_enterprises:
                    terms = _label(matrix[chosen], vocabulary)
                    groups.append(_Group(chosen, terms, _shared(matrix[chosen], vocabulary, terms)))
    return groups


def _vectors(texts: list[str]) -> tuple[Any, Any] | None:
    """The texts as rows of unit length: each word's term weight (see _terms) times its IDF, and
    the words (the columns)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    column: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for text in texts:
        for term, weight in _terms(text):
            indices.append(column.setdefault(term, len(column)))
            data.append(weight)
        indptr.append(len(indices))
    if not column:
        return None
    vocabulary = np.array(list(column))
    counts = csr_matrix((data, indices, indptr), shape=(len(texts), len(column)), dtype=np.float64)
    return normalize(counts.multiply(_idf(vocabulary)).tocsr()), vocabulary


@lru_cache(maxsize=1)
def _idf_table() -> tuple[Any, Any, float]:
    """jieba's IDF table as two sorted arrays (words, weights) and its median weight, read from
    the file jieba ships. Not through jieba.analyse, whose import keeps the table as a dict of
    270,000 words: some 90 MB in every process that ever opens the page, against under 40 MB."""
    import jieba
    import numpy as np

    path = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"
    terms, weights = [], []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            term, _, weight = line.strip().partition(" ")
            if term and weight:
                terms.append(term)
                weights.append(float(weight))
    term_array = np.array(terms)
    order = np.argsort(term_array)
    weight_array = np.array(weights)[order]
    # The median as jieba.analyse takes it, so an unknown word weighs what it would there.
    median = float(np.sort(weight_array)[len(weight_array) // 2])
    return term_array[order], weight_array, median


def _idf(vocabulary: Any) -> Any:
    import numpy as np

    terms, weights, median = _idf_table()
    at = np.searchsorted(terms, vocabulary).clip(max=len(terms) - 1)
    return np.where(terms[at] == vocabulary, weights[at], median)


def _members(labels: Iterable[int]) -> list[list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        members[int(label)].append(index)
    return list(members.values())


def _clusters(vectors: Any, apart: list[tuple[int, int]]) -> list[list[int]]:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics.pairwise import cosine_distances

    if vectors.shape[0] < 2:
        return [[0]]
    distances = cosine_distances(vectors)
    for one, other in apart:
        # So far apart that any average including the pair is beyond the threshold, whatever
        # the sizes of the groups (at most MAX_CASES cases each): the two never join.
        distances[one, other] = distances[other, one] = APART
    clustering = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1 - MIN_SIMILARITY,
    ).fit(distances)
    return _members(clustering.labels_)


def _label(vectors: Any, vocabulary: Any) -> list[str]:
    """The words most of the group's cases use, heaviest first; a word inside a longer chosen one
    (退税 in 留抵退税) adds nothing."""
    import numpy as np

    present = np.asarray((vectors > 0).sum(axis=0)).ravel()
    weight = np.asarray(vectors.sum(axis=0)).ravel()
    needed = max(2, (vectors.shape[0] + 1) // 2)
    candidates = sorted(
        (i for i in np.flatnonzero(present >= min(needed, present.max()))),
        key=lambda i: (-present[i], -weight[i]),
    )
    return _without_parts((str(vocabulary[i]) for i in candidates), LABEL_TERMS)


def _shared(vectors: Any, vocabulary: Any, label: list[str]) -> list[list[str]]:
    """Each member's words that another member of the group uses too: why it is in the group.
    The label's words first, then by the member's weight of the word times how many others use it."""
    import numpy as np

    users = np.asarray((vectors > 0).sum(axis=0)).ravel()
    # Only the words two members or more use: a handful of columns out of the whole vocabulary.
    columns = np.flatnonzero(users > 1)
    dense = vectors[:, columns].toarray()
    terms = [str(vocabulary[i]) for i in columns]
    in_label = {term: at for at, term in enumerate(label)}
    shared = []
    for row in dense:
        # Heaviest first: the member's weight of the word times how many others use it.
        ranked = sorted(
            np.flatnonzero(row > 0),
            key=lambda i: (in_label.get(terms[i], LABEL_TERMS), -row[i] * (users[columns[i]] - 1)),
        )
        shared.append(_without_parts((terms[i] for i in ranked), SHARED_TERMS))
    return shared


def _without_parts(terms: Iterable[str], limit: int) -> list[str]:
    """The first `limit` of `terms`, leaving out a word inside a longer one already taken and
    replacing a taken word by a longer one it is inside."""
    chosen: list[str] = []
    for term in terms:
        if any(term in longer for longer in chosen):
            continue
        chosen = [shorter for shorter in chosen if shorter not in term]
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen
