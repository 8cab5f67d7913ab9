"""The lookups the scoping queries need: membership in a subquery that PostgreSQL can combine
with other indexed conditions, and a region with everything under it.

`id IN (SELECT …)` inside an OR is planned as a hashed subplan checked row by row, so the OR
(cases a department leads, or supports, or filed) becomes a scan of the whole table: 1.5 s at
2M cases. `id = ANY(ARRAY(SELECT …))` is evaluated once, as an array, and each arm of the OR
becomes an index scan combined in a BitmapOr. SQLite plans plain IN (subquery) well (it can
use the rowid for each arm of an OR), so it keeps that form.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject, Lookup

from zhuqi.core.scoping import prefix_upper_bound
from zhuqi.core.validators import REGION_CODE_LENGTH

# Set on a Query whose word search already asks for a region's own token (core.search): the
# region prefix it asks for. A `within_region` range of that prefix is then only a check.
WORD_INDEX_HOLDS_REGION = "zhuqi_word_index_holds_region"


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        # As IN does: a subquery's default ordering means nothing to membership, and inside
        # ARRAY(…) it would make PostgreSQL sort the ids first.
        from django.db.models.sql.query import Query

        if isinstance(self.rhs, Query):
            self.rhs.clear_ordering(clear_default=True)
        return super().get_prep_lookup()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]


# A foreign key keeps its own lookup table (related lookups): `lead_department_id__any_of=…`.
ForeignObject.register_lookup(AnyOf)


class WithinRegion(Lookup):
    """`region_column__within_region=prefix`: the code starts with `prefix` (a region and all
    under it, see core.scoping.region_subtree_q), written as a range so that a plain b-tree
    index serves it whatever the collation: code >= 1505 AND code < 1506.

    In a query whose word search also asks for the region's token (WORD_INDEX_HOLDS_REGION: the
    cases' search_vector holds in:15, in:1505 and in:150581 on PostgreSQL, see core.search), the
    range is written so no index serves it: the word index then gives the region's matches only
    and the range is checked on those rows, where PostgreSQL otherwise read the region's whole
    index range to intersect with them (a prefecture's 620k cases at 2M: 107 ms of a search)."""

    lookup_name = "within_region"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        upper = prefix_upper_bound(prefix)
        if getattr(compiler.query, WORD_INDEX_HOLDS_REGION, None) == prefix:
            lhs = f"({lhs} || '')"
        if len(prefix) == REGION_CODE_LENGTH:
            # A county: no division under it, the code itself (see core.scoping.region_subtree_q).
            return f"{lhs} = %s", [*lhs_params, prefix]
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, prefix, *lhs_params, upper]


Field.register_lookup(WithinRegion)
ForeignObject.register_lookup(WithinRegion)
