"""Upgrades (`zhuqi upgrade`): the migrations a database has not applied, in plain words, and
whether any of them would lose data, judged against the rows the database holds now.

An operation loses data when it takes away something a row holds:

- RemoveField / DeleteModel: a column with values, or a table with rows (a table or column the
  upgrade itself creates holds nothing of the operator's);
- AlterField narrowing: a shorter max_length than a stored value, NULL no longer allowed
  (without a default) where a row holds NULL, fewer digits or decimal places, or a change of
  type that is not a widening (CharField → TextField, IntegerField → BigIntegerField …),
  pointing a foreign key at another table, wherever a row has a value;
- code (RunPython, RunSQL) and any operation this module does not know: what it does cannot be
  read from outside, so it is refused unless the migration says it keeps the data — a
  migration class attribute `keeps_data = "why"` — or is listed in REVIEWED below with the
  reason a reviewer found. RunPython.noop and an empty RunSQL do nothing.

The check reads the database as it is before the upgrade, following renames made by the
migrations on the way (a table renamed, then a column of it removed, is the old table's column).
core/tests/test_upgrades.py holds every migration with code to a reason, so a new one without a
mark fails the suite rather than an operator's upgrade."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps as installed_apps
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import truncate_name
from django.db.migrations import operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.state import ModelState, ProjectState

# Migrations with code that a person read and found to keep every row's data, and why. A new
# migration says so itself (`keeps_data = "…"` on its Migration class); this list holds the ones
# written before the check existed, and other packages' migrations.
REVIEWED: dict[tuple[str, str], str] = {
    (
        "auth",
        "0011_update_proxy_permissions",
    ): "Django: moves proxy models' permissions to their own content type",
    ("axes", "0007_alter_accessattempt_unique_together"): (
        "django-axes: merges duplicate failed-login counters before making them unique (throttling state)"
    ),
    ("cases", "0002_seed_categories_and_policies"): "adds the default categories, deadline rules and replies",
    ("cases", "0003_working_days_to_close"): "fills the new working-days-to-close column of closed cases",
    ("cases", "0009_escalation_levels"): (
        "the old escalation_level is renamed (every value kept); the new levels and the steps' "
        "wording are computed from it"
    ),
    ("cases", "0010_case_reach"): "fills the new case-reach table from the cases' departments",
    ("cases", "0012_hazard_notice"): "fills the new completion_reported_by from the timelines",
    ("cases", "0015_search_words"): "adds and fills the word-search column and its index",
    ("cases", "0017_search_region_tokens"): "rebuilds the PostgreSQL search vector with region tokens",
    ("cases", "0021_day_tallies"): "fills the new day tallies from the cases",
    ("core", "0003_audit_append_only"): "adds the triggers that keep the audit trail append-only",
    ("core", "0005_audit_filter_indexes"): "adds an index (PostgreSQL)",
    ("directory", "0003_official_search_text"): "fills the new officials' search text",
    ("django_tasks_database", "0008_separate_results_field"): "django-tasks-db: copies results to new fields",
    ("django_tasks_database", "0011_rename_complete_status"): "django-tasks-db: renames a status value",
    ("django_tasks_database", "0013_separate_exception_fields"): "django-tasks-db: copies exceptions",
    ("django_tasks_database", "0016_remove_dbtaskresult_django_task_new_ordering_idx_and_more"): (
        "django-tasks-db: renames status values"
    ),
    ("django_tasks_database", "0018_rename_succeeded_status"): "django-tasks-db: renames a status value",
    ("enterprises", "0002_postgresql_search_indexes"): "adds pg_trgm and an index (PostgreSQL)",
    ("enterprises", "0004_search_words"): "adds and fills the word-search column and its index",
    ("enterprises", "0005_fewer_indexes"): "drops two indexes",
    ("enterprises", "0007_region_ids_index"): "adds an index (PostgreSQL)",
    ("imports", "0002_staged_batches"): "marks import jobs with rows staged the old way as refused",
    ("policies", "0001_initial"): "adds and fills the word-search column and its index",
    ("projects", "0003_search_words"): "adds and fills the word-search column and its index",
    ("projects", "0004_chain_link"): "links each project to the chain its kept text names",
    ("visits", "0003_visit_regions"): "fills the new visit-region table from the visits",
    ("visits", "0004_search_words"): "adds and fills the word-search column and its index",
}

# Operations that change no row: they add, rename or reshape without taking anything away.
_KEEPS_ROWS = (
    operations.CreateModel,
    operations.AddField,
    operations.AddIndex,
    operations.RemoveIndex,
    operations.RenameIndex,
    operations.AddConstraint,
    operations.RemoveConstraint,
    operations.AlterConstraint,
    operations.AlterUniqueTogether,
    operations.AlterIndexTogether,
    operations.AlterModelOptions,
    operations.AlterModelManagers,
    operations.AlterModelTable,
    operations.AlterModelTableComment,
    operations.RenameModel,
    operations.RenameField,
)
# Third-party operations known to keep rows, by module and class name.
_KEEPS_ROWS_ELSEWHERE = ("django.contrib.postgres.operations.", "django_tasks_db.migrations.")

# Changes of type that keep every value (internal type before, after).
_WIDENINGS = {
    ("CharField", "TextField"),
    ("SlugField", "TextField"),
    ("SmallIntegerField", "IntegerField"),
    ("SmallIntegerField", "BigIntegerField"),
    ("IntegerField", "BigIntegerField"),
    ("PositiveSmallIntegerField", "PositiveIntegerField"),
    ("PositiveSmallIntegerField", "PositiveBigIntegerField"),
    ("PositiveIntegerField", "PositiveBigIntegerField"),
    ("PositiveSmallIntegerField", "SmallIntegerField"),
    ("PositiveSmallIntegerField", "IntegerField"),
    ("PositiveSmallIntegerField", "BigIntegerField"),
    ("PositiveIntegerField", "BigIntegerField"),
    ("AutoField", "BigAutoField"),
    ("SmallAutoField", "AutoField"),
    ("SmallAutoField", "BigAutoField"),
}


@dataclass(frozen=True)
class Loss:
    """One operation that would take data away: which migration, what it does, what it would
    take from this database."""

    migration: str
    operation: str
    rows: str

    def __str__(self) -> str:
        return f"{self.migration}：{self.operation}（{self.rows}）"


def pending(connection: BaseDatabaseWrapper = default_connection) -> list[Migration]:
    """The migrations not yet applied, in the order `migrate` applies them."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [migration for migration, backwards in plan if not backwards]


def describe_plan(plan: list[Migration], *, every_name: bool = False) -> list[str]:
    """The plan in plain words: per app, how many migrations and which (the first and last two
    of a long run unless `every_name`)."""
    by_app: dict[str, list[str]] = {}
    for migration in plan:
        by_app.setdefault(migration.app_label, []).append(migration.name)
    lines = []
    for app_label, names in by_app.items():
        try:
            verbose = str(installed_apps.get_app_config(app_label).verbose_name)
        except LookupError:
            verbose = app_label
        # Django's default name is the label again (axes → Axes): said once.
        label = app_label if verbose.lower() == app_label.lower() else f"{app_label}（{verbose}）"
        shown = names if every_name or len(names) <= 5 else [*names[:2], "…", *names[-2:]]
        lines.append(f"{label}：{len(names)} 个 — {', '.join(shown)}")
    return lines


def keeps_data_reason(migration: Migration) -> str | None:
    """Why a migration's code keeps the data, if it or a reviewer said so."""
    own = getattr(migration, "keeps_data", None)
    if isinstance(own, str) and own.strip():
        return own
    return REVIEWED.get((migration.app_label, migration.name))


def has_code(operation: Any) -> bool:
    """Whether an operation runs code that does something (RunPython.noop and empty SQL do not)."""
    if isinstance(operation, operations.SeparateDatabaseAndState):
        return any(has_code(inner) for inner in operation.database_operations)
    if isinstance(operation, operations.RunPython):
        return operation.code is not operations.RunPython.noop
    if isinstance(operation, operations.RunSQL):
        return operation.sql not in ("", [], (), operations.RunSQL.noop)
    return False


class _Before:
    """The database as it is before the upgrade: its tables, columns and rows, read once each."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.tables = set(connection.introspection.table_names())
        self._columns: dict[str, set[str]] = {}
        self._rows: dict[str, int] = {}

    def columns(self, table: str) -> set[str]:
        if table not in self._columns:
            with self.connection.cursor() as cursor:
                description = self.connection.introspection.get_table_description(cursor, table)
            self._columns[table] = {column.name for column in description}
        return self._columns[table]

    def count(self, table: str, where: str = "") -> int:
        quoted = self.connection.ops.quote_name(table)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {quoted}{' WHERE ' + where if where else ''}")  # noqa: S608 - names quoted
            return int(cursor.fetchone()[0])

    def rows(self, table: str) -> int:
        if table not in self._rows:
            self._rows[table] = self.count(table)
        return self._rows[table]


class _Scan:
    """Walks the pending operations in order over the project state, keeping track of which
    table and column of the database before each name now stands for."""

    def __init__(self, connection: BaseDatabaseWrapper, state: ProjectState) -> None:
        self.connection = connection
        self.state = state
        self.before = _Before(connection)
        # Table as the state names it now → its name before the upgrade (None: made by it).
        self.table_origin: dict[str, str | None] = {}
        # (table before, column as named now) → column before (None: added by the upgrade).
        self.column_origin: dict[tuple[str, str], str | None] = {}
        self.losses: list[Loss] = []

    # --- names ------------------------------------------------------------------------------
    def model(self, app_label: str, model_name: str) -> ModelState:
        return self.state.models[app_label, model_name.lower()]

    def table(self, app_label: str, model_name: str) -> str:
        model = self.model(app_label, model_name)
        table = model.options.get("db_table")
        if table:
            return str(table)
        return truncate_name(f"{app_label}_{model.name_lower}", self.connection.ops.max_name_length())

    def managed(self, app_label: str, model_name: str) -> bool:
        model = self.model(app_label, model_name)
        return bool(model.options.get("managed", True)) and not model.options.get("proxy", False)

    @staticmethod
    def column(field: Any, name: str) -> str:
        """The column a field of the state has (Field.get_attname_column, without binding it)."""
        if field.db_column:
            return str(field.db_column)
        return f"{name}_id" if (field.many_to_one or field.one_to_one) else name

    def m2m_table(self, app_label: str, model_name: str, field: Any, name: str) -> str | None:
        through = getattr(field.remote_field, "through", None)
        if through is not None and not (isinstance(through, str) and through.endswith("_" + name)):
            return None  # an explicit through model keeps its own table
        if getattr(field, "db_table", None):
            return str(field.db_table)
        return truncate_name(
            f"{self.table(app_label, model_name)}_{name}", self.connection.ops.max_name_length()
        )

    def table_before(self, table: str) -> str | None:
        origin = self.table_origin.get(table, table)
        return origin if origin is not None and origin in self.before.tables else None

    def column_before(self, table: str, column: str) -> tuple[str, str] | None:
        origin = self.table_before(table)
        if origin is None:
            return None
        column_then = self.column_origin.get((origin, column), column)
        if column_then is None or column_then not in self.before.columns(origin):
            return None
        return origin, column_then

    # --- the walk ---------------------------------------------------------------------------
    def migration(self, migration: Migration) -> None:
        label = f"{migration.app_label}.{migration.name}"
        reason = keeps_data_reason(migration)
        for operation in migration.operations:
            self.operation(label, migration.app_label, operation, reason)
            self.advance(migration.app_label, operation)

    def operation(self, label: str, app_label: str, operation: Any, reason: str | None) -> None:
        if isinstance(operation, operations.SeparateDatabaseAndState):
            for inner in operation.database_operations:
                self.operation(label, app_label, inner, reason)
            return
        if isinstance(operation, (operations.RunPython, operations.RunSQL)):
            if has_code(operation) and reason is None:
                kind = type(operation).__name__
                code = getattr(operation, "code", None)
                name = getattr(code, "__qualname__", None) if code is not None else None
                self.loss(label, f"运行代码 {kind}{f'（{name}）' if name else ''}", "迁移未标明会保留数据")
            return
        if isinstance(operation, operations.RemoveField):
            self.remove_field(label, app_label, operation)
        elif isinstance(operation, operations.DeleteModel):
            self.delete_model(label, app_label, operation)
        elif isinstance(operation, operations.AlterField):
            self.alter_field(label, app_label, operation)
        elif isinstance(operation, operations.AlterOrderWithRespectTo):
            self.alter_order(label, app_label, operation)
        elif _keeps_rows(operation):
            return
        elif reason is None:
            self.loss(label, f"未知的操作 {type(operation).__name__}", "无法判断是否保留数据")

    def loss(self, label: str, operation: str, rows: str) -> None:
        self.losses.append(Loss(label, operation, rows))

    def remove_field(self, label: str, app_label: str, operation: Any) -> None:
        if not self.managed(app_label, operation.model_name):
            return
        model = self.model(app_label, operation.model_name)
        field = _field(model, operation.name)
        what = f"删除字段 {app_label}.{model.name}.{operation.name}"
        if field.many_to_many:
            through = self.m2m_table(app_label, operation.model_name, field, operation.name)
            origin = self.table_before(through) if through else None
            if origin and (rows := self.before.rows(origin)):
                self.loss(label, what, f"表 {origin} 中有 {rows:,} 行")
            return
        table = self.table(app_label, operation.model_name)
        found = self.column_before(table, self.column(field, operation.name))
        if found is None:
            return
        origin, column = found
        quoted = self.connection.ops.quote_name(column)
        values = self.before.count(origin, f"{quoted} IS NOT NULL")
        if values:
            self.loss(label, what, f"{origin}.{column} 中有 {values:,} 行有值")

    def delete_model(self, label: str, app_label: str, operation: Any) -> None:
        if not self.managed(app_label, operation.name):
            return
        model = self.model(app_label, operation.name)
        tables = [self.table(app_label, operation.name)]
        for name, field in model.fields.items():
            if field.many_to_many and (through := self.m2m_table(app_label, operation.name, field, name)):
                tables.append(through)
        for table in tables:
            origin = self.table_before(table)
            if origin and (rows := self.before.rows(origin)):
                self.loss(label, f"删除模型 {app_label}.{model.name}", f"表 {origin} 中有 {rows:,} 行")

    def alter_field(self, label: str, app_label: str, operation: Any) -> None:
        if not self.managed(app_label, operation.model_name):
            return
        model = self.model(app_label, operation.model_name)
        old = _field(model, operation.name)
        new = operation.field
        if old.many_to_many or new.many_to_many:
            return
        found = self.column_before(
            self.table(app_label, operation.model_name), self.column(old, operation.name)
        )
        if found is None:
            return
        origin, column = found
        quoted = self.connection.ops.quote_name(column)
        what = f"修改字段 {app_label}.{model.name}.{operation.name}"

        def with_values(where: str, says: str) -> None:
            rows = self.before.count(origin, where)
            if rows:
                self.loss(label, f"{what}：{says}", f"{origin}.{column} 中有 {rows:,} 行受影响")

        if old.is_relation or new.is_relation:
            if not (old.is_relation and new.is_relation) or _target(old) != _target(new):
                with_values(f"{quoted} IS NOT NULL", "改为指向另一张表或不再是外键")
            return
        old_type, new_type = old.get_internal_type(), new.get_internal_type()
        if old_type != new_type and (old_type, new_type) not in _WIDENINGS:
            old_template = self.connection.data_types.get(old_type)
            new_template = self.connection.data_types.get(new_type)
            if old_template is None or old_template != new_template:
                with_values(f"{quoted} IS NOT NULL", f"类型由 {old_type} 改为 {new_type}")
        new_length = getattr(new, "max_length", None)
        old_length = getattr(old, "max_length", None) if old_type not in ("TextField",) else None
        if new_length is not None and (old_length is None or new_length < old_length):
            with_values(f"LENGTH({quoted}) > {int(new_length)}", f"长度上限改为 {new_length}")
        if (old_type, new_type) == ("DecimalField", "DecimalField") and (
            (new.max_digits or 0) < (old.max_digits or 0)
            or (new.decimal_places or 0) < (old.decimal_places or 0)
        ):
            with_values(f"{quoted} IS NOT NULL", "减少位数或小数位")
        if old.null and not new.null and not new.has_default():
            with_values(f"{quoted} IS NULL", "不再允许空值且没有默认值")

    def alter_order(self, label: str, app_label: str, operation: Any) -> None:
        model = self.model(app_label, operation.name)
        if operation.order_with_respect_to or not model.options.get("order_with_respect_to"):
            return
        found = self.column_before(self.table(app_label, operation.name), "_order")
        if found and (rows := self.before.rows(found[0])):
            self.loss(
                label, f"去掉 {app_label}.{model.name} 的排序", f"表 {found[0]} 中有 {rows:,} 行的 _order"
            )

    def advance(self, app_label: str, operation: Any) -> None:
        """Apply the operation to the state, noting the renames and new names it makes."""
        renamed_model = None
        renamed_field = None
        if isinstance(operation, operations.RenameModel):
            renamed_model = (operation.old_name, operation.new_name)
        elif isinstance(operation, operations.AlterModelTable):
            renamed_model = (operation.name, operation.name)
        if isinstance(operation, operations.RenameField):
            renamed_field = (operation.model_name, operation.old_name, operation.new_name)
        elif isinstance(operation, operations.AlterField):  # a db_column of its own renames it
            renamed_field = (operation.model_name, operation.name, operation.name)
        table_then = self.table(app_label, renamed_model[0]) if renamed_model else None
        column_then = None
        if renamed_field:
            model = self.model(app_label, renamed_field[0])
            column_then = self.column(_field(model, renamed_field[1]), renamed_field[1])
        operation.state_forwards(app_label, self.state)
        if renamed_model and table_then is not None:
            table_now = self.table(app_label, renamed_model[1])
            if table_now != table_then:
                self.table_origin[table_now] = self.table_origin.pop(table_then, table_then)
        if renamed_field and column_then is not None:
            model = self.model(app_label, renamed_field[0])
            column_now = self.column(_field(model, renamed_field[2]), renamed_field[2])
            origin = self.table_before(self.table(app_label, renamed_field[0]))
            if origin and column_now != column_then:
                self.column_origin[origin, column_now] = self.column_origin.pop(
                    (origin, column_then), column_then
                )
        if isinstance(operation, operations.CreateModel):
            self.table_origin[self.table(app_label, operation.name)] = None
        elif isinstance(operation, operations.AddField):
            origin = self.table_before(self.table(app_label, operation.model_name))
            if origin:
                self.column_origin[origin, self.column(operation.field, operation.name)] = None


def _keeps_rows(operation: Any) -> bool:
    return isinstance(operation, _KEEPS_ROWS) or type(operation).__module__.startswith(_KEEPS_ROWS_ELSEWHERE)


def _field(model: ModelState, name: str) -> Any:
    return next(field for field_name, field in model.fields.items() if field_name.lower() == name.lower())


def _target(field: Any) -> str:
    model = field.remote_field.model
    if isinstance(model, str):
        return model.lower()
    return f"{model._meta.app_label}.{model._meta.model_name}"


def state_before(executor: MigrationExecutor) -> ProjectState:
    """The models as the applied migrations left them."""
    applied = executor.loader.applied_migrations
    state = ProjectState(real_apps=executor.loader.unmigrated_apps)
    full_plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    for migration, _backwards in full_plan:
        if (migration.app_label, migration.name) in applied:
            migration.mutate_state(state, preserve=False)
    return state


def data_losses(
    connection: BaseDatabaseWrapper = default_connection, plan: list[Migration] | None = None
) -> list[Loss]:
    """What the pending migrations (or `plan`) would take from this database."""
    executor = MigrationExecutor(connection)
    if plan is None:
        plan = pending(connection)
    scan = _Scan(connection, state_before(executor))
    for migration in plan:
        scan.migration(migration)
    return scan.losses
