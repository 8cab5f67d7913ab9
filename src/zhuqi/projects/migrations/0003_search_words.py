"""Word search over a project's name, owner and content (core/search.py): the segmented
column and its index (GIN on PostgreSQL, an FTS5 table on SQLite). Filled for the rows there;
`zhuqi rebuild_search` recomputes it."""

from django.db import migrations

from zhuqi.core.search import add_search_words


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_library_order_index")]

    operations = [
        *add_search_words("projects", "project", "projects_project", ("name", "owner_name", "content"))
    ]
