"""`manage.py spectacular --validate --fail-on-warn` passes: the contract CI and schemathesis
rely on has no warning (an unnamed enum, an untyped field) and is valid OpenAPI 3."""

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    for path in (
        "/api/v1/cases/{id}/plan/",
        "/api/v1/cases/{id}/plan/steps/{step_pk}/complete/",
        "/api/v1/cases/{id}/welcome-packs/download/",
    ):
        assert path in schema["paths"], path
    download = schema["paths"]["/api/v1/cases/{id}/welcome-packs/download/"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
    assert "application/json" in download["responses"]["404"]["content"]
