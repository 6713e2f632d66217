"""SQL that only PostgreSQL runs, for migrations that add indexes the models do not
declare (trigram, partial and covering indexes for the large tables): on SQLite the data
stay small and those indexes buy nothing."""

from django.db import migrations


def postgresql_only(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """A migration step that runs `forward` (and on reversal `backward`) on PostgreSQL and
    does nothing elsewhere."""
    return vendor_only("postgresql", forward, backward)


def vendor_only(vendor: str, forward: list[str], backward: list[str]) -> migrations.RunPython:
    """A migration step that runs `forward` (and on reversal `backward`) on one database
    vendor ("postgresql", "sqlite") and does nothing on the others."""

    def runner(statements: list[str]):
        def run(apps, schema_editor) -> None:
            if schema_editor.connection.vendor != vendor:
                return
            for statement in statements:
                schema_editor.execute(statement)

        return run

    return migrations.RunPython(runner(forward), runner(backward))
