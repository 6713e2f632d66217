"""On PostgreSQL the database itself refuses UPDATE and DELETE on the access log, so not
even raw SQL or a bug in a bulk operation can rewrite it. SQLite (the embedded default)
relies on the model and queryset guards only."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION privacy_accesslog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_accesslogentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_accesslog_append_only
    BEFORE UPDATE OR DELETE ON privacy_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION privacy_accesslog_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS privacy_accesslog_append_only ON privacy_accesslogentry;
DROP FUNCTION IF EXISTS privacy_accesslog_refuse_change();
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
