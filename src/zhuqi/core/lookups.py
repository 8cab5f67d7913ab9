"""A lookup the scoping queries need: membership in a subquery that PostgreSQL can combine
with other indexed conditions.

`id IN (SELECT …)` inside an OR is planned as a hashed subplan checked row by row, so the OR
(cases a department leads, or supports, or filed) becomes a scan of the whole table: 1.5 s at
2M cases. `id = ANY(ARRAY(SELECT …))` is evaluated once, as an array, and each arm of the OR
becomes an index scan combined in a BitmapOr. SQLite plans plain IN (subquery) well (it can
use the rowid for each arm of an OR), so it keeps that form.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject, Lookup


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
