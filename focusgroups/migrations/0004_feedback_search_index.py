"""A GIN index for the theme board's full-text search over feedback and its
possible solution (focusgroups/board.py, search_feedback). The expression is
the one Django's SearchVector("text", "possible_solution", config="english")
compiles to, so PostgreSQL uses the index. PostgreSQL only: SQLite searches
with a plain case-insensitive match and needs no index."""

from django.db import migrations

INDEX = "focusgroups_feedback_search_gin"
EXPRESSION = (
    "to_tsvector('english'::regconfig, COALESCE(\"text\", '') || ' ' "
    "|| COALESCE(\"possible_solution\", ''))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON focusgroups_feedbackitem USING gin ({EXPRESSION})"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("focusgroups", "0003_feedback_client_token")]

    operations = [migrations.RunPython(create_index, drop_index)]
