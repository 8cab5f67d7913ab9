"""Word search over a case's title, description, answer, finding and enterprise name (core/search.py): the segmented
column and its index (GIN on PostgreSQL, an FTS5 table on SQLite). Filled for the rows there;
`zhuqi rebuild_search` recomputes it."""

from django.db import migrations

from zhuqi.core.search import add_search_words


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_joint_handling")]

    operations = [
        *add_search_words(
            "cases",
            "case",
            "cases_case",
            ("title", "description", "answer", "rule_breached", "evidence", "enterprise__name"),
        )
    ]
